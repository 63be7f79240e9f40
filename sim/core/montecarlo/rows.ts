import { pathLabel } from "../../../src/model/pathLabel.ts";
import { TABLE2 } from "../../../src/paper/table2.ts";
import type { ReplicationResult } from "../../../src/replication.ts";

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
