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
}

export interface EstimateOptions extends MLOptions {
  alpha?: number;
  /** Compute modification indices (skip them in Monte Carlo loops). */
  modification?: boolean;
  /** Compute the RMSEA 90% interval and p-close (skip them in Monte Carlo loops). */
  rmseaInterval?: boolean;
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
  const all = parameterEstimates(r.result);
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
    r2: rSquared(r.result),
    fit: fitIndices(r.result, options.rmseaInterval !== false),
    modification: options.modification === false ? [] : modificationIndices(r.result),
    iterations: r.result.iterations,
  };
  if (r.result.table.defined.length) report.defined = definedEstimates(r.result, all);
  return { ok: true, report };
}
