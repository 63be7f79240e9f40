import type { ReplicationResult } from "../../../src/replication.ts";

/**
 * One replication's results as named numbers, the columns of results.csv:
 *   n; <path>.est/.std/.se/.p/.sig/.pop for each estimated path (sig = 1 when the verdict is
 *   "S"; pop = the population value the run was drawn from); fit.chisq/df/pvalue/cfi/rmsea/srmr;
 *   outcome.<name> for every scalar outcome the run's mode reports. With stdSe (power runs),
 *   <path>.std_se, the standardized estimate's SE, follows each path's .pop.
 *   With a scenario `analysis` section, each analysis model's numbers follow under its name:
 *   <name>.<path>.est/... as above, <name>.fit.<index>, and for MLR <name>.scaled.chisq/pvalue;
 *   with a bootstrap, <name>.<path>.boot_lo/.boot_hi (the bootstrap interval of std).
 */
export function flattenResult(
  r: ReplicationResult,
  opts: { stdSe?: boolean } = {},
): { keys: string[]; values: number[] } {
  const keys: string[] = ["n"];
  const values: number[] = [r.n];
  pushPaths(keys, values, "", r.paths, opts.stdSe === true);
  for (const [k, v] of Object.entries(r.fit)) {
    keys.push(`fit.${k}`);
    values.push(v);
  }
  for (const [k, v] of Object.entries(r.outcomes)) {
    keys.push(`outcome.${k}`);
    values.push(v);
  }
  for (const a of r.analyses ?? []) {
    pushPaths(keys, values, `${a.name}.`, a.paths, opts.stdSe === true);
    for (const [k, v] of Object.entries(a.fit)) {
      keys.push(`${a.name}.fit.${k}`);
      values.push(v);
    }
    if (a.scaled) {
      keys.push(`${a.name}.scaled.chisq`, `${a.name}.scaled.pvalue`);
      values.push(a.scaled.chisq, a.scaled.pvalue);
    }
  }
  return { keys, values };
}

function pushPaths(
  keys: string[],
  values: number[],
  prefix: string,
  paths: ReplicationResult["paths"],
  stdSe: boolean,
): void {
  for (const p of paths) {
    const l = `${prefix}${p.label}`;
    keys.push(`${l}.est`, `${l}.std`, `${l}.se`, `${l}.p`, `${l}.sig`, `${l}.pop`);
    values.push(p.est, p.std, p.se, p.p, p.verdict === "S" ? 1 : 0, p.population);
    if (stdSe) {
      keys.push(`${l}.std_se`);
      values.push(p.stdSe);
    }
    if (p.bootLow !== undefined && p.bootHigh !== undefined) {
      keys.push(`${l}.boot_lo`, `${l}.boot_hi`);
      values.push(p.bootLow, p.bootHigh);
    }
  }
}
