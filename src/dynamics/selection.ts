import type { ParamTable } from "../estimate/parameters.ts";
import { estimatePathModel } from "../estimate/report.ts";
import { covariance } from "../math/linalg.ts";
import type { ModelStructure } from "../model/spec.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import type { Latent } from "./firms.ts";

/**
 * Selection effects: the path model estimated on different sets of firms of one dynamics run,
 *   population: every firm founded (latent scores as drawn, the structural model's world);
 *   frame:      the surveyed frame at the survey date, PERF = simulated main-export-market
 *               performance over the past 3 years (what the survey asks about).
 * Compare with the surveyed sample's estimates to see what founding, survival, the 25% export
 * cut-off and the survey do to the coefficients.
 */
export interface SubsetEstimate {
  n: number;
  /** Standardized coefficient by path label "FROM->TO". */
  std: Record<string, number>;
  p: Record<string, number>;
}

/** Columns (CONSTRUCTS order) of the selected firms; PERF optionally replaced. */
export function subsetColumns(
  latent: Record<Latent, Float64Array>,
  rows: Int32Array,
  perf?: Float64Array,
): Float64Array[] {
  return CONSTRUCTS.map((c) => {
    const src = c === "PERF" && perf ? perf : latent[c as Latent];
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
    return out;
  });
}

export function estimateSubset(
  structure: ModelStructure | ParamTable,
  columns: Float64Array[],
  alpha: number,
): SubsetEstimate | null {
  const n = columns[0]?.length ?? 0;
  if (n < 20) return null;
  const idx = structure.variables.map((v) => CONSTRUCTS.indexOf(v as (typeof CONSTRUCTS)[number]));
  const cols = idx.map((i) => columns[i]);
  const est = estimatePathModel(structure, covariance(cols, n), n, {
    alpha,
    modification: false,
    rmseaInterval: false,
  });
  if (!est.ok) return null;
  const std: Record<string, number> = {};
  const p: Record<string, number> = {};
  for (const x of est.report.paths) {
    std[x.label] = x.std;
    p[x.label] = x.p;
  }
  return { n, std, p };
}
