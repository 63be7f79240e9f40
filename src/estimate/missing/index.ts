import { covariance } from "../../math/linalg.ts";
import type { ModelStructure } from "../../model/spec.ts";
import { type ParamTable, paramTable } from "../parameters.ts";
import { buildReport, type EstimationReport, estimatePathModel } from "../report.ts";
import { fitFiml } from "./fiml.ts";

export * from "./em.ts";
export * from "./fiml.ts";
export * from "./patterns.ts";

/**
 * Estimation on raw data with missing values (NaN):
 * - "listwise": the rows complete on the model's variables, fitted as complete data (lavaan's
 *   missing = "listwise");
 * - "fiml": full-information ML (fiml.ts; lavaan's missing = "ml").
 */
export type MissingMethod = "listwise" | "fiml";

export const MISSING_METHODS: readonly MissingMethod[] = ["listwise", "fiml"];

export interface MissingSummary {
  method: MissingMethod;
  /** Rows in the data. */
  rows: number;
  /** Rows with at least one missing value on the model's variables. */
  incompleteRows: number;
  /** Rows the estimate uses. */
  rowsUsed: number;
  /** FIML only: rows deleted for a missing exogenous variable (fixed.x) or with no value at all. */
  rowsDeletedExogenous?: number;
  rowsEmpty?: number;
  /** FIML only: the number of missing-data patterns among the rows used. */
  patterns?: number;
  /** FIML only: lavaan's logl and unrestricted.logl. */
  logl?: number;
  unrestrictedLogl?: number;
  /** FIML only: the intercepts (exogenous variables: their fixed means). */
  intercepts?: { variable: string; est: number; se: number; fixed: boolean }[];
}

export type MissingEstimateResult =
  | { ok: true; report: EstimationReport; missing: MissingSummary }
  | { ok: false; error: string };

/** Rows (0..n-1) with a missing value in any of the columns. */
export function incompleteRows(cols: readonly ArrayLike<number>[], n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (cols.some((col) => Number.isNaN(col[i]))) c++;
  return c;
}

export function estimateWithMissing(
  structure: ModelStructure | ParamTable,
  cols: readonly ArrayLike<number>[],
  n: number,
  options: {
    method: MissingMethod;
    alpha?: number;
    modification?: boolean;
    rmseaInterval?: boolean;
    /** "MLR": lavaan's estimator = "MLR" (with FIML: missing = "ml"); raw data are at hand. */
    estimator?: "ML" | "MLR";
  },
): MissingEstimateResult {
  const alpha = options.alpha ?? 0.05;
  const incomplete = incompleteRows(cols, n);
  if (options.method === "listwise") {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (!cols.some((col) => Number.isNaN(col[i]))) keep.push(i);
    const m = keep.length;
    const sub = cols.map((col) => Float64Array.from(keep, (i) => col[i]));
    if (m < 2)
      return {
        ok: false,
        error: `listwise deletion leaves ${m} complete row${m === 1 ? "" : "s"} of ${n}`,
      };
    const r = estimatePathModel(structure, covariance(sub, m), m, {
      alpha,
      ...(options.modification === false ? { modification: false } : {}),
      ...(options.rmseaInterval === false ? { rmseaInterval: false } : {}),
      ...(options.estimator === "MLR" ? { estimator: "MLR" as const, data: sub } : {}),
    });
    if (!r.ok) return r;
    return {
      ok: true,
      report: r.report,
      missing: { method: "listwise", rows: n, incompleteRows: incomplete, rowsUsed: m },
    };
  }
  const r = fitFiml("params" in structure ? structure : paramTable(structure), cols, n, {
    ...(options.rmseaInterval === false ? { rmseaInterval: false } : {}),
    ...(options.estimator === "MLR" ? { robust: true } : {}),
  });
  if (!r.ok) return r;
  const f = r.result;
  return {
    ok: true,
    report: buildReport(f.ml, f.fit, {
      alpha,
      modification: [],
      ...(f.robust ? { robust: f.robust } : {}),
    }),
    missing: {
      method: "fiml",
      rows: n,
      incompleteRows: incomplete,
      rowsUsed: f.rowsUsed,
      rowsDeletedExogenous: f.rowsDeletedExogenous,
      rowsEmpty: f.rowsEmpty,
      patterns: f.patterns,
      logl: f.logl,
      unrestrictedLogl: f.unrestrictedLogl,
      intercepts: f.intercepts,
    },
  };
}
