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

/**
 * flattenResult for a stream of results (a worker's runs): each result's values are appended
 * to a caller's array, and its keys are the previous result's keys array, not built again,
 * while the names they are made of (path labels, bootstrap intervals, fit indices, outcome and
 * analysis names, in order) are the same; otherwise flattenResult's keys. The same keys and
 * values as flattenResult (a test compares them).
 */
export class Flattener {
  /** The names and counts that made the last keys, in walking order. */
  private shape: unknown[] = [];
  private keys: string[] = [];
  private at = 0;
  private same = false;
  /** Building the shape of new keys instead of comparing with it. */
  private recording = false;

  constructor(private readonly stdSe: boolean) {}

  private see(x: unknown): void {
    if (this.recording) this.shape.push(x);
    else if (this.same && this.shape[this.at] !== x) this.same = false;
    this.at++;
  }

  /** Append r's values to `out` (flattenResult's order); returns its keys. */
  into(r: ReplicationResult, out: number[]): string[] {
    const start = out.length;
    this.at = 0;
    this.same = this.keys.length > 0;
    out.push(r.n);
    this.paths(r.paths, out);
    this.record(r.fit, out);
    this.record(r.outcomes, out);
    const analyses = r.analyses ?? [];
    this.see(analyses.length);
    for (const a of analyses) {
      this.see(a.name);
      this.paths(a.paths, out);
      this.record(a.fit, out);
      this.see(a.scaled !== undefined);
      if (a.scaled) out.push(a.scaled.chisq, a.scaled.pvalue);
    }
    if (this.same && this.at === this.shape.length && out.length - start === this.keys.length)
      return this.keys;
    // another layout: its keys as flattenResult names them, and the names they are made of
    this.keys = flattenResult(r, { stdSe: this.stdSe }).keys;
    this.shape = [];
    const copy: number[] = [];
    this.recording = true;
    try {
      this.paths(r.paths, copy);
      this.record(r.fit, copy);
      this.record(r.outcomes, copy);
      this.see(analyses.length);
      for (const a of analyses) {
        this.see(a.name);
        this.paths(a.paths, copy);
        this.record(a.fit, copy);
        this.see(a.scaled !== undefined);
      }
    } finally {
      this.recording = false;
    }
    return this.keys;
  }

  private paths(paths: ReplicationResult["paths"], out: number[]): void {
    this.see(paths.length);
    for (const p of paths) {
      const boot = p.bootLow !== undefined && p.bootHigh !== undefined;
      this.see(p.label);
      this.see(boot);
      out.push(p.est, p.std, p.se, p.p, p.verdict === "S" ? 1 : 0, p.population);
      if (this.stdSe) out.push(p.stdSe);
      if (boot) out.push(p.bootLow as number, p.bootHigh as number);
    }
  }

  private record(o: Readonly<Record<string, number>>, out: number[]): void {
    const ks = Object.keys(o);
    this.see(ks.length);
    for (const k of ks) {
      this.see(k);
      out.push(o[k]);
    }
  }
}
