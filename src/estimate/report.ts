import type { Mat } from "../math/linalg.ts";
import type { ModelStructure } from "../model/spec.ts";
import { hypothesisOf, type Verdict } from "../paper/table2.ts";
import {
  type DefinedEstimate,
  definedEstimates,
  type ParameterEstimate,
  parameterEstimates,
  rSquared,
} from "./coefficients.ts";
import { type FitIndices, fitIndices } from "./fit.ts";
import { fitML, type MLOptions } from "./ml.ts";
import { type ModificationIndex, modificationIndices } from "./modification.ts";
import type { ParamTable } from "./parameters.ts";
import { type RobustFitIndices, robustEstimate } from "./robust.ts";
import { verdict } from "./verdicts.ts";

export interface PathEstimate extends ParameterEstimate {
  hypothesis: string | null;
  verdict: Verdict;
}

/** Everything a path analysis reports: the lavaan-style summary of one fit. */
export interface EstimationReport {
  n: number;
  alpha: number;
  paths: PathEstimate[];
  covariances: ParameterEstimate[];
  variances: ParameterEstimate[];
  /** Defined parameters (lavaan's `:=`); absent when the model defines none. */
  defined?: DefinedEstimate[];
  r2: Record<string, number>;
  fit: FitIndices;
  modification: ModificationIndex[];
  iterations: number;
  /** Only with estimator "MLR": scaled and robust fit indices, named as lavaan's fitMeasures(). */
  robust?: RobustFitIndices;
}

export interface EstimateOptions extends MLOptions {
  alpha?: number;
  /** Compute modification indices (skip them in Monte Carlo loops). */
  modification?: boolean;
  /** Compute the RMSEA 90% interval and p-close (skip them in Monte Carlo loops). */
  rmseaInterval?: boolean;
  /**
   * "ML" (default): normal-theory SEs from the expected information. "MLR": the same estimates
   * with lavaan's MLR inference (sandwich SEs, Yuan-Bentler scaled test); needs `data`.
   */
  estimator?: "ML" | "MLR";
  /** Raw data, one column per model variable in the structure's variable order (for MLR). */
  data?: readonly ArrayLike<number>[];
}

export type EstimateResult = { ok: true; report: EstimationReport } | { ok: false; error: string };

/** Fit a path model to a covariance (or correlation) matrix of n observations and report it. */
export function estimatePathModel(
  structure: ModelStructure | ParamTable,
  cov: Mat,
  n: number,
  options: EstimateOptions = {},
): EstimateResult {
  const alpha = options.alpha ?? 0.05;
  const r = fitML(structure, cov, n, options);
  if (!r.ok) return { ok: false, error: r.error.message };
  const fit = fitIndices(r.result, options.rmseaInterval !== false);
  let result = r.result;
  let robust: RobustFitIndices | undefined;
  if (options.estimator === "MLR") {
    if (!options.data) return { ok: false, error: "estimator MLR needs the raw data" };
    if (r.result.table.constrained)
      return {
        ok: false,
        error:
          "estimator MLR is not available yet for models with fixed or equal (shared-label) parameters; use ML",
      };
    const rob = robustEstimate(r.result, options.data, fit);
    if (!rob.ok) return rob;
    result = { ...r.result, vcov: rob.result.vcov };
    robust = rob.result.fit;
  }
  const all = parameterEstimates(result);
  const paths = all
    .filter((x) => x.kind === "path")
    .map((x) => ({
      ...x,
      hypothesis: hypothesisOf(x.from, x.to) ?? null,
      verdict: verdict(x.est, x.p, alpha),
    }));
  const report: EstimationReport = {
    n,
    alpha,
    paths,
    covariances: all.filter((x) => x.kind === "covariance"),
    variances: all.filter((x) => x.kind === "variance"),
    r2: rSquared(result),
    fit,
    modification: options.modification === false ? [] : modificationIndices(r.result),
    iterations: r.result.iterations,
    ...(robust ? { robust } : {}),
  };
  if (result.table.defined.length) report.defined = definedEstimates(result, all);
  return { ok: true, report };
}
