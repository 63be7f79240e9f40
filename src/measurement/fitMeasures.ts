import { rmseaCi, srmrOf } from "../estimate/fit.ts";
import { chiSquareUpper } from "../math/distributions.ts";
import { log } from "../math/fdlibm.ts";
import { cholesky, logdetFromCholesky } from "../math/linalg.ts";
import type { CfaEstimate } from "./estimate.ts";

/**
 * lavaan's fitMeasures() for an ML CFA / SEM without mean structure (names as lavaan's):
 * chisq = n F_ML, df = p(p+1)/2 - npar; the baseline is the independence model (item variances
 * only), baseline.chisq = n (sum log s_ii - log|S|), df p(p-1)/2; CFI, TLI (= NNFI), RNI and IFI (= DELTA2) as lavaan's;
 * RMSEA = sqrt(max(chisq - df, 0) / (df n)) with its 90% interval and p(RMSEA <= .05) from the
 * noncentral chi-square; SRMR (Bentler) over the lower triangle with the diagonal, residuals
 * scaled by the sample standard deviations; logl, AIC, BIC of the normal likelihood.
 */
export interface CfaFitMeasures {
  chisq: number;
  df: number;
  pvalue: number;
  baselineChisq: number;
  baselineDf: number;
  cfi: number;
  tli: number;
  nnfi: number;
  /** Relative noncentrality index 1 - (chisq - df)/(baseline.chisq - baseline.df), not truncated. */
  rni: number;
  /** Incremental fit index (Bollen's DELTA2): (baseline.chisq - chisq)/(baseline.chisq - df). */
  ifi: number;
  rmsea: number;
  rmseaLower: number;
  rmseaUpper: number;
  rmseaPvalue: number;
  srmr: number;
  npar: number;
  logl: number;
  aic: number;
  bic: number;
  n: number;
}

/** `rmseaInterval: false` skips the 90% interval and p-close (NaN), the costly part in Monte Carlo loops. */
export function fitMeasures(est: CfaEstimate, rmseaInterval = true): CfaFitMeasures {
  const { S, n } = est;
  const Sigma = est.implied.Sigma;
  const p = est.implied.p;
  const npar = est.model.nFree;
  const df = (p * (p + 1)) / 2 - npar;
  const chisq = n * est.fmin;
  const pvalue = df > 0 ? chiSquareUpper(chisq, df) : Number.NaN;
  const LS = cholesky(S, p)!;
  const logdetS = logdetFromCholesky(LS, p);
  let sumLogDiag = 0;
  for (let i = 0; i < p; i++) sumLogDiag += log(S[i * p + i]);
  const baselineChisq = n * (sumLogDiag - logdetS);
  const baselineDf = (p * (p - 1)) / 2;
  const t1 = Math.max(chisq - df, 0);
  const t2 = Math.max(chisq - df, baselineChisq - baselineDf, 0);
  const cfi = t1 === 0 && t2 === 0 ? 1 : 1 - t1 / t2;
  const tli =
    df > 0
      ? (baselineChisq / baselineDf - chisq / df) / (baselineChisq / baselineDf - 1)
      : Number.NaN;
  const rniDen = baselineChisq - baselineDf;
  const rni = Math.abs(rniDen) < 1e-8 ? Number.NaN : 1 - (chisq - df) / rniDen;
  const ifiDen = baselineChisq - df;
  const ifi =
    ifiDen < 0 ? 1 : Math.abs(ifiDen) < 1e-8 ? Number.NaN : (baselineChisq - chisq) / ifiDen;
  const rmsea = df > 0 ? Math.sqrt(t1 / (df * n)) : Number.NaN;
  const interval =
    df > 0 && rmseaInterval
      ? rmseaCi(chisq, df, n)
      : { lower: Number.NaN, upper: Number.NaN, pClose: Number.NaN };
  const rmseaLower = interval.lower;
  const rmseaUpper = interval.upper;
  const rmseaPvalue = interval.pClose;
  const srmr = srmrOf(S, Sigma, p);
  // logl = -n/2 (p log 2 pi + log|Sigma| + tr(S Sigma^-1)) = -n/2 (p log 2 pi + F + log|S| + p)
  const logl = (-n / 2) * (p * log(2 * Math.PI) + est.fmin + logdetS + p);
  return {
    chisq,
    df,
    pvalue,
    baselineChisq,
    baselineDf,
    cfi,
    tli,
    nnfi: tli,
    rni,
    ifi,
    rmsea,
    rmseaLower,
    rmseaUpper,
    rmseaPvalue,
    srmr,
    npar,
    logl,
    aic: -2 * logl + 2 * npar,
    bic: -2 * logl + npar * log(n),
    n,
  };
}
