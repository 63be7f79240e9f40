import { parsePathLabel, pathLabel } from "../../../src/model/pathLabel.ts";
import { hypothesisOf, TABLE2 } from "../../../src/paper/table2.ts";
import type { PathResult, ReplicationResult } from "../../../src/replication.ts";

/** 95% normal quantile for the confidence intervals (coverage is always of 95% CIs). */
export const Z95 = 1.959963984540054;

/**
 * One tidy row per replication x path (replications.csv). Estimates and SEs are standardized
 * (the paper reports standardized coefficients); p and the verdict are the Wald z-test of the
 * unstandardized coefficient, as lavaan and LISREL report them.
 */
export interface ReplicationRow {
  replication: number;
  n: number;
  hypothesis: string;
  path: string;
  population: number;
  estimate: number;
  se: number;
  ci_low: number;
  ci_high: number;
  covered: 0 | 1;
  p: number;
  significant: 0 | 1;
  verdict: "S" | "NS";
  paper_verdict: string;
  chisq: number;
  df: number;
  /** Empty (null) for a saturated model (df = 0), which the chi-square test cannot reject. */
  chisq_p: number | null;
}

export const ROW_COLUMNS: (keyof ReplicationRow)[] = [
  "replication",
  "n",
  "hypothesis",
  "path",
  "population",
  "estimate",
  "se",
  "ci_low",
  "ci_high",
  "covered",
  "p",
  "significant",
  "verdict",
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
        estimate: x.std,
        se: x.stdSe,
        ci_low: lo,
        ci_high: hi,
        covered: lo <= x.population && x.population <= hi ? 1 : 0,
        p: x.p,
        significant: x.p < alpha ? 1 : 0,
        verdict: x.verdict,
        paper_verdict: paper?.verdict ?? "",
        chisq: r.fit.chisq,
        df: r.fit.df,
        chisq_p: r.fit.df > 0 && Number.isFinite(r.fit.pvalue) ? r.fit.pvalue : null,
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
  /** MLR: the Yuan-Bentler scaled chi-square and its p (empty otherwise). */
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
      for (const row of replicationRows([{ ...r, paths: a.paths, fit: a.fit }], alpha))
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

/** A key of a flattened result that belongs to an analysis model ("<name>.<...>"). */
export function isAnalysisKey(key: string): boolean {
  return /^[a-z][a-z0-9_]*\./.test(key) && !key.startsWith("fit.") && !key.startsWith("outcome.");
}

/** The analysis models' results back from a flattened record (see flattenResult). */
export function analysesOfRecord(
  keys: readonly string[],
  values: ArrayLike<number>,
  models: readonly { name: string; estimator: "ML" | "MLR" }[],
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

function pathsOfKeys(keys: readonly string[], values: readonly number[]): PathResult[] {
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
    paths.push({
      label,
      hypothesis: ends ? (hypothesisOf(ends.from, ends.to) ?? null) : null,
      population: get("pop"),
      est: values[i],
      std: get("std"),
      se: get("se"),
      stdSe: get("std_se"),
      p: get("p"),
      verdict: get("sig") === 1 ? "S" : "NS",
    });
  }
  return paths;
}
