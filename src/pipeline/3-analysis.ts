import type { ParamTable } from "../estimate/parameters.ts";
import { type EstimateResult, estimatePathModel } from "../estimate/report.ts";
import type { Mat } from "../math/linalg.ts";
import type { StructuralModel } from "../model/implied.ts";
import type { Observed } from "./2-observation.ts";

/**
 * Stage 3, the analysis: a list of steps, each run on what was observed. A step sees the
 * observation (covariance matrix and n always; raw construct scores or composites and item
 * answers when the observation has them) and the context (the scenario's model and its
 * estimator table, alpha), and returns its own result. A new analysis model or estimator (a
 * lavaan-syntax model, MLR, the bootstrap, a CFA on the items) is one more AnalysisStep; the
 * other stages do not change. The step keyed "pathModel" gives a replication's paths and fit.
 */
export interface AnalysisContext {
  replication: number;
  /** The scenario's (generating) structural model: population values of the paths. */
  model: StructuralModel;
  /** Parameter table of the model the step estimates (the generating model's by default). */
  table: ParamTable;
  alpha: number;
  /** The scenario's master seed: a step's own random draws (the bootstrap's resamples) come
   * from streams derived from (seed, replication, purpose). */
  seed?: number;
}

export interface AnalysisStep<R = unknown> {
  key: string;
  label: string;
  run(observed: Observed, ctx: AnalysisContext): R;
}

/** The ML path model (src/estimate), the paper's analysis. */
export const PATH_MODEL_KEY = "pathModel";

export function pathModelML(
  options: { rmseaInterval?: boolean; modification?: boolean } = {},
): AnalysisStep<EstimateResult> {
  return {
    key: PATH_MODEL_KEY,
    label: "Path model, maximum likelihood",
    run(observed, ctx) {
      return estimatePathModel(
        ctx.table,
        inOrder(observed.cov, observed.variables, ctx.table.variables),
        observed.n,
        {
          alpha: ctx.alpha,
          modification: options.modification ?? false,
          rmseaInterval: options.rmseaInterval ?? false,
        },
      );
    },
  };
}

/** The default analysis of a replication: the path model without the costly extras. */
export const DEFAULT_ANALYSES: readonly AnalysisStep[] = [pathModelML()];

/** Run every step on the observation; results by step key. */
export function analyse(
  steps: readonly AnalysisStep[],
  observed: Observed,
  ctx: AnalysisContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of steps) {
    if (s.key in out) throw new Error(`analysis step "${s.key}" listed twice`);
    out[s.key] = s.run(observed, ctx);
  }
  return out;
}

/**
 * The covariance matrix with rows and columns in the order `want` (a no-op, the same matrix,
 * when the orders agree). Each entry of a covariance matrix depends only on its pair of
 * columns, so the permuted matrix equals the covariance of the permuted columns exactly.
 */
export function inOrder(cov: Mat, have: readonly string[], want: readonly string[]): Mat {
  if (have.length === want.length && have.every((v, i) => v === want[i])) return cov;
  const p = have.length;
  const idx = want.map((v) => {
    const i = have.indexOf(v);
    if (i < 0) throw new Error(`the analysis needs ${v}, which was not observed`);
    return i;
  });
  const q = idx.length;
  const out = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) out[a * q + b] = cov[idx[a] * p + idx[b]];
  return out;
}
