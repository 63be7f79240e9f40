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

const hypotheses = new Map<string, Map<string, string | null>>();

/** The paper's hypothesis of a path (hypothesisOf), remembered. */
function hypothesis(from: string, to: string): string | null {
  let byTo = hypotheses.get(from);
  if (!byTo) {
    byTo = new Map();
    hypotheses.set(from, byTo);
  }
  let h = byTo.get(to);
  if (h === undefined) {
    h = hypothesisOf(from, to) ?? null;
    byTo.set(to, h);
  }
  return h;
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
  // the rows are fresh objects: a path row gets its hypothesis and verdict added in place
  const paths: PathEstimate[] = [];
  const covariances: ParameterEstimate[] = [];
  const variances: ParameterEstimate[] = [];
  for (const x of all) {
    if (x.kind === "path") {
      const row = x as PathEstimate;
      row.hypothesis = hypothesis(x.from, x.to);
      row.verdict = verdict(x.est, x.p, alpha);
      paths.push(row);
    } else if (x.kind === "covariance") covariances.push(x);
    else variances.push(x);
  }
  const report: EstimationReport = {
    n,
    alpha,
    paths,
    covariances,
    variances,
    r2: rSquared(result),
    fit,
    modification: options.modification === false ? [] : modificationIndices(r.result),
    iterations: r.result.iterations,
    ...(robust ? { robust } : {}),
  };
  if (result.table.defined.length) report.defined = definedEstimates(result, all);
  return { ok: true, report };
}
