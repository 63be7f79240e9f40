import { twoSidedP } from "../../../src/math/distributions.ts";
import { parsePathLabel, pathLabel } from "../../../src/model/pathLabel.ts";
import { hypothesisOf, TABLE2 } from "../../../src/paper/table2.ts";
import type { PathResult, ReplicationResult } from "../../../src/replication.ts";
import type { AnalysisEstimator } from "../../../src/scenario/sections/analysis.ts";

/** 95% normal quantile for the confidence intervals (coverage is always of 95% CIs). */
export const Z95 = 1.959963984540054;

/**
 * One tidy row per replication x path (replications.csv). Each test's numbers stand together:
 * `est, se, z, p` are the unstandardized coefficient and its Wald z-test (as lavaan's
 * parameterEstimates()), which `significant` and `verdict` follow; `std, std_se, std_z, std_p`
 * are the standardized coefficient (the paper reports standardized coefficients) with its
 * delta-method SE and z-test (as lavaan's standardizedSolution()), and `std_ci_low/high` its 95%
 * interval, whose coverage of the (standardized) population value is `covered`.
 */
export interface ReplicationRow {
  replication: number;
  n: number;
  hypothesis: string;
  path: string;
  population: number;
  est: number;
  se: number;
  z: number;
  p: number;
  significant: 0 | 1;
  verdict: "S" | "NS";
  std: number;
  std_se: number;
  std_z: number;
  std_p: number;
  std_ci_low: number;
  std_ci_high: number;
  covered: 0 | 1;
  paper_verdict: string;
  chisq: number;
  df: number;
  /** Empty (null) for a saturated model (df = 0), which the chi-square test cannot reject. */
  chisq_p: number | null;
  /**
   * Analysis models with a bootstrap only (not columns of replications.csv): the bootstrap
   * interval of std, whether it covers the population value and whether it excludes 0.
   */
  boot?: { low: number; high: number; covered: 0 | 1; significant: 0 | 1 };
}

export const ROW_COLUMNS: (keyof ReplicationRow)[] = [
  "replication",
  "n",
  "hypothesis",
  "path",
  "population",
  "est",
  "se",
  "z",
  "p",
  "significant",
  "verdict",
  "std",
  "std_se",
  "std_z",
  "std_p",
  "std_ci_low",
  "std_ci_high",
  "covered",
  "paper_verdict",
  "chisq",
  "df",
  "chisq_p",
];

/** Table 2's verdict of each path label ("" for a path the paper does not test). */
const PAPER_VERDICT = new Map(TABLE2.map((t) => [pathLabel(t.from, t.to), t.verdict as string]));

export function replicationRows(
  results: readonly ReplicationResult[],
  alpha: number,
): ReplicationRow[] {
  const rows: ReplicationRow[] = [];
  for (const r of results) {
    for (const x of r.paths) {
      const lo = x.std - Z95 * x.stdSe;
      const hi = x.std + Z95 * x.stdSe;
      rows.push({
        replication: r.replication,
        n: r.n,
        hypothesis: x.hypothesis ?? "",
        path: x.label,
        population: x.population,
        est: x.est,
        se: x.se,
        z: x.est / x.se,
        p: x.p,
        significant: x.p < alpha ? 1 : 0,
        verdict: x.verdict,
        std: x.std,
        std_se: x.stdSe,
        std_z: x.std / x.stdSe,
        std_p: twoSidedP(x.std / x.stdSe),
        std_ci_low: lo,
        std_ci_high: hi,
        covered: lo <= x.population && x.population <= hi ? 1 : 0,
        paper_verdict: PAPER_VERDICT.get(x.label) ?? "",
        chisq: r.fit.chisq,
        df: r.fit.df,
        chisq_p: r.fit.df > 0 && Number.isFinite(r.fit.pvalue) ? r.fit.pvalue : null,
        ...(x.bootLow !== undefined && x.bootHigh !== undefined
          ? {
              boot: {
                low: x.bootLow,
                high: x.bootHigh,
                covered: x.bootLow <= x.population && x.population <= x.bootHigh ? 1 : 0,
                significant: x.bootLow > 0 || x.bootHigh < 0 ? 1 : 0,
              },
            }
          : {}),
      });
    }
  }
  return rows;
}

/** Survey and other scalar outcomes in long form (outcomes.csv): replication, outcome, value. */
export function outcomeRows(
  results: readonly ReplicationResult[],
): { replication: number; outcome: string; value: number }[] {
  const out: { replication: number; outcome: string; value: number }[] = [];
  for (const r of results)
    for (const [k, v] of Object.entries(r.outcomes))
      if (Number.isFinite(v)) out.push({ replication: r.replication, outcome: k, value: v });
  return out;
}

/** The generating model's rows in files with an `analysis` column. */
export const GENERATING = "generating";

/** A row of replications.csv when the scenario has an `analysis` section. */
export interface AnalysisRow extends ReplicationRow {
  /** "generating" or the analysis model's name. */
  analysis: string;
  /** MLR: the Yuan-Bentler scaled chi-square and its p; WLSMV: the scaled-shifted one (empty otherwise). */
  chisq_scaled: number | null;
  chisq_scaled_p: number | null;
}

export const ANALYSIS_ROW_COLUMNS: (keyof AnalysisRow)[] = [
  "analysis",
  ...ROW_COLUMNS,
  "chisq_scaled",
  "chisq_scaled_p",
];

/**
 * Rows of the generating model, then of each analysis model (scenario `analysis` section), one
 * per replication x path, each with its model's name in `analysis`.
 */
export function analysisRows(
  results: readonly ReplicationResult[],
  alpha: number,
  names: readonly string[],
): AnalysisRow[] {
  const out: AnalysisRow[] = replicationRows(results, alpha).map((r) => ({
    analysis: GENERATING,
    ...r,
    chisq_scaled: null,
    chisq_scaled_p: null,
  }));
  for (const name of names) {
    for (const r of results) {
      const a = r.analyses?.find((x) => x.name === name);
      if (!a) continue;
      // an analysis model's own n when it has one (FIML uses more rows than the observation's n)
      const n = a.fit.n ?? r.n;
      for (const row of replicationRows([{ ...r, n, paths: a.paths, fit: a.fit }], alpha))
        out.push({
          analysis: name,
          ...row,
          chisq_scaled: a.scaled?.chisq ?? null,
          chisq_scaled_p: a.scaled && a.fit.df > 0 ? a.scaled.pvalue : null,
        });
    }
  }
  return out;
}

/**
 * A key of a flattened result that belongs to an analysis model: "<name>.<label>.<stat>",
 * "<name>.fit.<index>", "<name>.scaled.<x>" (three parts). The generating model's own keys have
 * two ("<path or defined parameter>.<stat>", "fit.<index>"), so a defined parameter named in
 * lower case ("ind.est") stays the generating model's.
 */
export function isAnalysisKey(key: string): boolean {
  return (
    /^[a-z][a-z0-9_]*\.[^.]+\.[^.]+$/.test(key) &&
    !key.startsWith("fit.") &&
    !key.startsWith("outcome.")
  );
}

/** Where an analysis model's values are among a record's keys (see analysesOfRecord). */
interface AnalysisLayout {
  /** The model's path keys without the "<name>." prefix, and where each value is. */
  sub: string[];
  subAt: Int32Array;
  fit: { name: string; i: number }[];
  chisq: number;
  pvalue: number;
}

const analysisLayouts = new WeakMap<readonly string[], Map<string, AnalysisLayout>>();

function analysisLayoutOf(keys: readonly string[], name: string): AnalysisLayout {
  let byName = analysisLayouts.get(keys);
  if (!byName) {
    byName = new Map();
    analysisLayouts.set(keys, byName);
  }
  let L = byName.get(name);
  if (L) return L;
  const pre = `${name}.`;
  const sub: string[] = [];
  const subAt: number[] = [];
  const fit: { name: string; i: number }[] = [];
  let chisq = -1;
  let pvalue = -1;
  for (const [i, k] of keys.entries()) {
    if (k === `${pre}scaled.chisq`) chisq = i;
    if (k === `${pre}scaled.pvalue`) pvalue = i;
    if (!k.startsWith(pre)) continue;
    const rest = k.slice(pre.length);
    if (rest.startsWith("fit.")) fit.push({ name: rest.slice(4), i });
    else if (!rest.startsWith("scaled.")) {
      sub.push(rest);
      subAt.push(i);
    }
  }
  L = { sub, subAt: Int32Array.from(subAt), fit, chisq, pvalue };
  byName.set(name, L);
  return L;
}

/** The analysis models' results back from a flattened record (see flattenResult). */
export function analysesOfRecord(
  keys: readonly string[],
  values: ArrayLike<number>,
  models: readonly { name: string; estimator: AnalysisEstimator }[],
): NonNullable<ReplicationResult["analyses"]> {
  return models.map(({ name, estimator }) => {
    const L = analysisLayoutOf(keys, name);
    const fit: Record<string, number> = {};
    for (const f of L.fit) fit[f.name] = values[f.i];
    const paths = pathsOfKeys(L.sub, values, L.subAt);
    return {
      name,
      estimator,
      paths,
      fit: fit as ReplicationResult["fit"],
      ...(L.chisq >= 0 && L.pvalue >= 0
        ? { scaled: { chisq: values[L.chisq], pvalue: values[L.pvalue] } }
        : {}),
    };
  });
}

/** Where pathsOfKeys finds each path's values among keys of one layout. */
interface PathLayout {
  label: string;
  hypothesis: string | null;
  est: number;
  pop: number;
  std: number;
  se: number;
  stdSe: number;
  p: number;
  sig: number;
  bootLo: number;
  bootHi: number;
}

/** Path layouts by keys array (records of one layout share theirs). */
const pathLayouts = new WeakMap<readonly string[], PathLayout[]>();

function pathLayoutOf(keys: readonly string[]): PathLayout[] {
  let L = pathLayouts.get(keys);
  if (L) return L;
  const at = new Map<string, number>();
  keys.forEach((k, i) => {
    at.set(k, i);
  });
  L = [];
  for (const [i, k] of keys.entries()) {
    if (!k.endsWith(".est")) continue;
    const label = k.slice(0, -4);
    const get = (suffix: string) => {
      const j = at.get(`${label}.${suffix}`);
      if (j === undefined) throw new Error(`a power run's record lacks ${label}.${suffix}`);
      return j;
    };
    const ends = parsePathLabel(label);
    L.push({
      label,
      hypothesis: ends ? (hypothesisOf(ends.from, ends.to) ?? null) : null,
      est: i,
      pop: get("pop"),
      std: get("std"),
      se: get("se"),
      stdSe: get("std_se"),
      p: get("p"),
      sig: get("sig"),
      bootLo: at.get(`${label}.boot_lo`) ?? -1,
      bootHi: at.get(`${label}.boot_hi`) ?? -1,
    });
  }
  pathLayouts.set(keys, L);
  return L;
}

/** Where one path's values are in a record (see pathColumnsOf). */
export interface PathColumns {
  label: string;
  /** Its hypothesis ("" for none), as replicationRows writes it. */
  hypothesis: string;
  /** Table 2's verdict ("" for a path the paper does not test), as replicationRows writes it. */
  paperVerdict: string;
  est: number;
  pop: number;
  std: number;
  se: number;
  stdSe: number;
  p: number;
  sig: number;
  /** Whether the record has the path's bootstrap interval. */
  boot: boolean;
}

/**
 * The paths of pathsOfKeys(keys, values, at) with the index of each value in `values` itself
 * (at[i] for key i, or i without `at`), in the same order: for writers that read a record's
 * values directly instead of through PathResult objects.
 */
export function pathColumnsOf(
  keys: readonly string[],
  at: ArrayLike<number> | undefined = undefined,
): PathColumns[] {
  const ix = at ? (i: number) => at[i] : (i: number) => i;
  return pathLayoutOf(keys).map((x) => ({
    label: x.label,
    hypothesis: x.hypothesis ?? "",
    paperVerdict: PAPER_VERDICT.get(x.label) ?? "",
    est: ix(x.est),
    pop: ix(x.pop),
    std: ix(x.std),
    se: ix(x.se),
    stdSe: ix(x.stdSe),
    p: ix(x.p),
    sig: ix(x.sig),
    boot: x.bootLo >= 0 && x.bootHi >= 0,
  }));
}

/**
 * The path results in a run's flattened keys (`<label>.est`, `.std`, `.se`, ...), in key order.
 * Pass the same keys array for records of one layout: where each value is is found once.
 */
export function pathsOfKeys(
  keys: readonly string[],
  values: ArrayLike<number>,
  at: ArrayLike<number> | undefined = undefined,
): PathResult[] {
  const value = at ? (i: number) => values[at[i]] : (i: number) => values[i];
  const paths: PathResult[] = [];
  for (const x of pathLayoutOf(keys)) {
    const path: PathResult = {
      label: x.label,
      hypothesis: x.hypothesis,
      population: value(x.pop),
      est: value(x.est),
      std: value(x.std),
      se: value(x.se),
      stdSe: value(x.stdSe),
      p: value(x.p),
      verdict: value(x.sig) === 1 ? "S" : "NS",
    };
    if (x.bootLo >= 0 && x.bootHi >= 0) {
      path.bootLow = value(x.bootLo);
      path.bootHigh = value(x.bootHi);
    }
    paths.push(path);
  }
  return paths;
}
