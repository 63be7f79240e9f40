import type { ParamTable } from "../estimate/parameters.ts";
import { estimatePathModel } from "../estimate/report.ts";
import {
  bisect,
  chiSquareCdf,
  chiSquareUpper,
  noncentralChiSquareCdf,
} from "../math/distributions.ts";
import type { Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { inOrder } from "../pipeline/3-analysis.ts";
import { modelFor } from "../scenario/modelCache.ts";
import type { Scenario } from "../scenario/schema.ts";
import type { SurveyConfig } from "../survey/config.ts";
import { surveyPlanFor } from "../survey/plan.ts";
import { analysisTable } from "./models.ts";

/**
 * Analytic power of an analysis model's chi-square test (issue 11, item 6).
 *
 * - Population misfit: F0 = min F_ML(Sigma_true, Sigma(theta)), the analysis model fitted to
 *   the population covariance matrix of what the replications observe (the survey's composites
 *   before selection, or the construct scores without a survey).
 * - Exact fit (Satorra & Saris 1985): T ~ noncentral chi-square(df, lambda = n F0), so
 *   power = P(chi2_df(lambda) > chi2_df,1-alpha). Our (and lavaan's) T = n F_ML, so n, not n - 1.
 * - Close fit (MacCallum, Browne & Sugawara 1996): epsilon_a = sqrt(F0 / df); H0: epsilon <=
 *   epsilon_0 = 0.05 is rejected when T exceeds the 1 - alpha quantile of chi2_df(n df eps0^2);
 *   power = P(chi2_df(n df eps_a^2) > that quantile). With epsilon_a < epsilon_0 it is below alpha.
 *   (MacCallum et al. write n - 1; we use n, as the RMSEA of lavaan and of src/estimate/fit.ts.)
 */
export interface ModelTestPower {
  df: number;
  /** Population discrepancy F0 = min F_ML(Sigma_true, model). */
  f0: number;
  /** Noncentrality lambda = n F0. */
  lambda: number;
  /** Population RMSEA sqrt(F0 / df). */
  rmsea: number;
  /** Critical value of the exact-fit test, chi2_df quantile 1 - alpha. */
  crit: number;
  /** Satorra-Saris power of the exact-fit test. */
  power: number;
  /** MacCallum-Browne-Sugawara power of the test of close fit (eps0 = 0.05). */
  rmseaPower: number;
  /** Critical value of the close-fit test (reject when chi-square exceeds it). */
  closeCrit: number;
  eps0: number;
}

export const EPS0 = 0.05;

/** Quantile of the noncentral chi-square (central when lambda = 0), by bisection on the CDF. */
export function noncentralChiSquareQuantile(q: number, df: number, lambda: number): number {
  const cdf = (x: number) =>
    lambda > 0 ? noncentralChiSquareCdf(x, df, lambda) : chiSquareCdf(x, df);
  let hi = Math.max(1, df + lambda);
  while (cdf(hi) < q) hi *= 2;
  return bisect((x) => cdf(x) - q, 0, hi, 1e-10 * hi);
}

/** Upper tail P(chi2_df(lambda) > x). */
function upper(x: number, df: number, lambda: number): number {
  return lambda > 0 ? 1 - noncentralChiSquareCdf(x, df, lambda) : chiSquareUpper(x, df);
}

/** Power of both tests for a model with `df` degrees of freedom and population misfit F0. */
export function modelTestPowerOf(
  f0: number,
  df: number,
  n: number,
  alpha: number,
  eps0 = EPS0,
): ModelTestPower {
  const lambda = n * f0;
  const rmsea = df > 0 ? Math.sqrt(f0 / df) : Number.NaN;
  if (df <= 0)
    return {
      df,
      f0,
      lambda,
      rmsea,
      crit: Number.NaN,
      power: Number.NaN,
      rmseaPower: Number.NaN,
      closeCrit: Number.NaN,
      eps0,
    };
  const crit = noncentralChiSquareQuantile(1 - alpha, df, 0);
  const closeCrit = noncentralChiSquareQuantile(1 - alpha, df, n * df * eps0 * eps0);
  return {
    df,
    f0,
    lambda,
    rmsea,
    crit,
    power: upper(crit, df, lambda),
    rmseaPower: upper(closeCrit, df, n * df * rmsea * rmsea),
    closeCrit,
    eps0,
  };
}

/**
 * The population covariance matrix of what a replication of the scenario observes, in
 * CONSTRUCTS order: the survey's composites (a random sample of the frame, before any
 * selection by the constructs) when the survey is on in cross-section mode, else the
 * structural model's Sigma. Null in dynamics mode (no closed form).
 */
export function populationSigma(scenario: Scenario): Mat | null {
  if (scenario.mode === "dynamics") return null;
  const { model } = modelFor(scenario);
  if (scenario.survey?.enabled)
    return surveyPlanFor(scenario.survey as SurveyConfig, model.Sigma).compositeCov;
  return inOrder(model.Sigma, model.variables, CONSTRUCTS);
}

/** F0 of an analysis model against a population matrix (CONSTRUCTS order). */
export function populationMisfit(
  model: string | ParamTable,
  Sigma: Mat,
): { f0: number; df: number } | null {
  const table = typeof model === "string" ? analysisTable(model) : model;
  const N = 1_000_000;
  const est = estimatePathModel(table, inOrder(Sigma, CONSTRUCTS, table.variables), N, {
    modification: false,
    rmseaInterval: false,
  });
  if (!est.ok) return null;
  return { f0: est.report.fit.chisq / N, df: est.report.fit.df };
}

/** Analytic power of a model's tests (an analysis model's text, or a parameter table such as the
 * generating model's) at the scenario's population and sample size n. */
export function analyticModelTestPower(
  scenario: Scenario,
  model: string | ParamTable,
  n: number,
  alpha = scenario.estimation.alpha,
): ModelTestPower | null {
  const Sigma = populationSigma(scenario);
  if (!Sigma) return null;
  const m = populationMisfit(model, Sigma);
  return m ? modelTestPowerOf(m.f0, m.df, n, alpha) : null;
}
