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

export function replicationRows(
  results: readonly ReplicationResult[],
  alpha: number,
): ReplicationRow[] {
  const rows: ReplicationRow[] = [];
  for (const r of results) {
    for (const x of r.paths) {
      const lo = x.std - Z95 * x.stdSe;
      const hi = x.std + Z95 * x.stdSe;
      const paper = TABLE2.find((t) => pathLabel(t.from, t.to) === x.label);
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
        paper_verdict: paper?.verdict ?? "",
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

/** The analysis models' results back from a flattened record (see flattenResult). */
export function analysesOfRecord(
  keys: readonly string[],
  values: ArrayLike<number>,
  models: readonly { name: string; estimator: AnalysisEstimator }[],
): NonNullable<ReplicationResult["analyses"]> {
  const at = new Map<string, number>();
  keys.forEach((k, i) => {
    at.set(k, values[i]);
  });
  return models.map(({ name, estimator }) => {
    const pre = `${name}.`;
    const sub: string[] = [];
    const subValues: number[] = [];
    const fit: Record<string, number> = {};
    for (const [i, k] of keys.entries()) {
      if (!k.startsWith(pre)) continue;
      const rest = k.slice(pre.length);
      if (rest.startsWith("fit.")) fit[rest.slice(4)] = values[i];
      else if (!rest.startsWith("scaled.")) {
        sub.push(rest);
        subValues.push(values[i]);
      }
    }
    const paths = pathsOfKeys(sub, subValues);
    const chisq = at.get(`${pre}scaled.chisq`);
    const pvalue = at.get(`${pre}scaled.pvalue`);
    return {
      name,
      estimator,
      paths,
      fit: fit as ReplicationResult["fit"],
      ...(chisq !== undefined && pvalue !== undefined ? { scaled: { chisq, pvalue } } : {}),
    };
  });
}

/** The path results in a run's flattened keys (`<label>.est`, `.std`, `.se`, ...), in key order. */
export function pathsOfKeys(keys: readonly string[], values: readonly number[]): PathResult[] {
  const at = new Map<string, number>();
  keys.forEach((k, i) => {
    at.set(k, values[i]);
  });
  const paths: PathResult[] = [];
  for (const [i, k] of keys.entries()) {
    if (!k.endsWith(".est")) continue;
    const label = k.slice(0, -4);
    const get = (suffix: string) => {
      const v = at.get(`${label}.${suffix}`);
      if (v === undefined) throw new Error(`a power run's record lacks ${label}.${suffix}`);
      return v;
    };
    const ends = parsePathLabel(label);
    const path: PathResult = {
      label,
      hypothesis: ends ? (hypothesisOf(ends.from, ends.to) ?? null) : null,
      population: get("pop"),
      est: values[i],
      std: get("std"),
      se: get("se"),
      stdSe: get("std_se"),
      p: get("p"),
      verdict: get("sig") === 1 ? "S" : "NS",
    };
    const lo = at.get(`${label}.boot_lo`);
    const hi = at.get(`${label}.boot_hi`);
    if (lo !== undefined && hi !== undefined) {
      path.bootLow = lo;
      path.bootHigh = hi;
    }
    paths.push(path);
  }
  return paths;
}
