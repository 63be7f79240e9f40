import type { ReplicationResult } from "../../../src/replication.ts";

/**
 * One replication's results as named numbers, the columns of results.csv:
 *   n; <path>.est/.std/.se/.p/.sig/.pop for each estimated path (sig = 1 when the verdict is
 *   "S"; pop = the population value the run was drawn from); fit.chisq/df/pvalue/cfi/rmsea/srmr;
 *   outcome.<name> for every scalar outcome the run's mode reports. With stdSe (power runs),
 *   <path>.std_se, the standardized estimate's SE, follows each path's .pop.
 */
export function flattenResult(
  r: ReplicationResult,
  opts: { stdSe?: boolean } = {},
): { keys: string[]; values: number[] } {
  const keys: string[] = ["n"];
  const values: number[] = [r.n];
  for (const p of r.paths) {
    keys.push(
      `${p.label}.est`,
      `${p.label}.std`,
      `${p.label}.se`,
      `${p.label}.p`,
      `${p.label}.sig`,
      `${p.label}.pop`,
    );
    values.push(p.est, p.std, p.se, p.p, p.verdict === "S" ? 1 : 0, p.population);
    if (opts.stdSe) {
      keys.push(`${p.label}.std_se`);
      values.push(p.stdSe);
    }
  }
  for (const [k, v] of Object.entries(r.fit)) {
    keys.push(`fit.${k}`);
    values.push(v);
  }
  for (const [k, v] of Object.entries(r.outcomes)) {
    keys.push(`outcome.${k}`);
    values.push(v);
  }
  return { keys, values };
}
