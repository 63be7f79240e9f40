import { srmrOf } from "../../estimate/fit.ts";
import { cfiOf, robustRmseaInterval, tliOf } from "../../estimate/robust.ts";
import { chiSquareUpper } from "../../math/distributions.ts";
import { cholesky, inverseFromCholesky, logdetFromCholesky } from "../../math/linalg.ts";
import { pairOf, traceUGamma, type WlsmvEstimate } from "./wlsmv.ts";

/**
 * lavaan's fitMeasures() for a WLSMV fit of ordinal items (lavaan 0.6-14, names as lavaan's):
 *
 * - unscaled: the DWLS chi-square T and the baseline T0 (thresholds free, every polychoric fixed
 *   to 0: T0 = (n - 1) sum_k w_k r_k^2 over the polychorics), CFI/TLI/RMSEA from them;
 * - scaled: the scaled-shifted statistics of both models. The baseline's Delta has only the
 *   threshold columns, so its U Gamma is W Gamma on the polychoric block:
 *   tr(U Gamma) = p(p-1)/2 and tr((U Gamma)^2) = sum_kl w_k w_l Gamma_kl^2;
 *   cfi.scaled / tli.scaled from the two scaled statistics, rmsea.scaled =
 *   sqrt(max(T_ss / (N df) - 1/N, 0)); every RMSEA here (values, 90% intervals, close-fit
 *   p-values) takes N = n - 1, as lavaan does for estimators other than ML;
 * - robust (lavaan's lav_fit_catml_dwls, Savalei 2021): the normal-theory ML discrepancy of the
 *   polychoric matrix R from the implied correlation matrix at the WLSMV estimates,
 *   XX3 = n (log|Sigma| + tr(R Sigma^-1) - log|R| - p), and of the independence model,
 *   XX3.null = -n log|R|; c = tr(U' V U Gamma) / df with U = I - Delta E^-1 Delta' W and V the
 *   ML weight of the correlations at Sigma (V_(ij)(kl) = s^ik s^jl + s^il s^jk), c.null =
 *   tr(Gamma) / df.null (polychoric block); CFI/TLI/RMSEA in their robust forms with these.
 *   NaN (lavaan: NA) when R is not positive definite (an eigenvalue below sqrt(eps)).
 * - srmr: over the correlations (the diagonal residuals are 0), lavaan's srmr for this case.
 */
export interface WlsmvFitMeasures {
  npar: number;
  fmin: number;
  chisq: number;
  df: number;
  pvalue: number;
  "chisq.scaled": number;
  "df.scaled": number;
  "pvalue.scaled": number;
  "chisq.scaling.factor": number;
  "chisq.shift.parameters": number;
  "baseline.chisq": number;
  "baseline.df": number;
  "baseline.pvalue": number;
  "baseline.chisq.scaled": number;
  "baseline.df.scaled": number;
  "baseline.pvalue.scaled": number;
  "baseline.chisq.scaling.factor": number;
  cfi: number;
  tli: number;
  nnfi: number;
  rni: number;
  "cfi.scaled": number;
  "tli.scaled": number;
  "nnfi.scaled": number;
  "rni.scaled": number;
  "cfi.robust": number;
  "tli.robust": number;
  "nnfi.robust": number;
  "rni.robust": number;
  rmsea: number;
  "rmsea.ci.lower": number;
  "rmsea.ci.upper": number;
  "rmsea.pvalue": number;
  "rmsea.scaled": number;
  "rmsea.ci.lower.scaled": number;
  "rmsea.ci.upper.scaled": number;
  "rmsea.pvalue.scaled": number;
  "rmsea.robust": number;
  "rmsea.ci.lower.robust": number;
  "rmsea.ci.upper.robust": number;
  "rmsea.pvalue.robust": number;
  srmr: number;
  ntotal: number;
}

/** Without the robust part (its cost is O(p^4 q)), for Monte Carlo loops. */
export interface WlsmvFitOptions {
  robust?: boolean;
  /** RMSEA intervals and close-fit p-values (noncentral chi-square root finding). */
  rmseaInterval?: boolean;
}

/** lavaan's lav_fit_rni; with c != 1 the robust version (no truncation at 0 or 1). */
function rniOf(x2: number, df: number, x2b: number, dfb: number, c = 1, cb = 1): number {
  if (![x2, df, x2b, dfb, c, cb].every(Number.isFinite)) return Number.NaN;
  const t1 = x2 - c * df;
  const t2 = x2b - cb * dfb;
  return Math.abs(t2) < 1e-8 ? Number.NaN : 1 - t1 / t2;
}

export function wlsmvFitMeasures(
  est: WlsmvEstimate,
  options: WlsmvFitOptions = {},
): WlsmvFitMeasures {
  const { n, acov, stats, test } = est;
  const p = est.model.observed.length;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const d = acov.dim;
  const w = acov.wlsV;
  const df = test.df;
  const x2 = test.chisq;
  const x2s = test.chisqScaled;
  const R = stats.cor;
  // baseline: T0 = (n - 1) sum w r^2; scaled-shifted with tr(UG) = pstar, tr(UG^2) below
  let x2b = 0;
  for (let k = 0; k < pstar; k++) {
    const [i, j] = pairOf(k, p);
    const r = R[i * p + j];
    x2b += w[nth + k] * r * r;
  }
  // the baseline's U Gamma is W_c Gamma_c: traceUGamma without structural parameters
  const { trUG2: trUG2b } = traceUGamma(acov.scoresT, acov.n, d, nth, new Float64Array(0), w, null);
  x2b *= n - 1;
  const dfb = pstar;
  const ab = Math.sqrt(dfb / trUG2b);
  const x2bs = ab * x2b + (dfb - ab * pstar);
  const interval = options.rmseaInterval ?? true;
  // lavaan's RMSEA for estimators other than ML takes N = n - 1 (lav_utils_get_ntotal)
  const N = n - 1;
  const ci = (x: number, c: number) =>
    interval && df > 0
      ? robustRmseaInterval(x, df, N, c)
      : { lower: Number.NaN, upper: Number.NaN, pClose: Number.NaN };
  const rmseaOf = (x: number, c: number) =>
    df > 0 ? Math.sqrt(Math.max(x / N / df - c / N, 0)) : 0;
  const plain = ci(x2, 1);
  const scaled = ci(x2s, 1);
  const robust = (options.robust ?? true) ? catmlRobust(est) : null;
  const c3 = robust?.c ?? Number.NaN;
  const c3b = robust?.cNull ?? Number.NaN;
  const xx3 = robust?.chisq ?? Number.NaN;
  const xx3b = robust?.chisqNull ?? Number.NaN;
  const robustCi = robust
    ? ci(xx3 / c3, c3)
    : { lower: Number.NaN, upper: Number.NaN, pClose: Number.NaN };
  // Sigma with unit diagonal for the SRMR over the correlations
  const Sigma = Float64Array.from(est.implied.Sigma);
  for (let i = 0; i < p; i++) Sigma[i * p + i] = 1;
  const tli = tliOf(x2, df, x2b, dfb);
  const tliScaled = tliOf(x2s, df, x2bs, dfb);
  const tliRobust = robust ? tliOf(xx3, df, xx3b, dfb, c3, c3b) : Number.NaN;
  return {
    npar: est.npar,
    fmin: est.fmin,
    chisq: x2,
    df,
    pvalue: test.pvalue,
    "chisq.scaled": x2s,
    "df.scaled": df,
    "pvalue.scaled": test.pvalueScaled,
    "chisq.scaling.factor": test.scalingFactor,
    "chisq.shift.parameters": test.shift,
    "baseline.chisq": x2b,
    "baseline.df": dfb,
    "baseline.pvalue": chiSquareUpper(x2b, dfb),
    "baseline.chisq.scaled": x2bs,
    "baseline.df.scaled": dfb,
    "baseline.pvalue.scaled": chiSquareUpper(x2bs, dfb),
    "baseline.chisq.scaling.factor": 1 / ab,
    cfi: cfiOf(x2, df, x2b, dfb),
    tli,
    nnfi: tli,
    rni: rniOf(x2, df, x2b, dfb),
    "cfi.scaled": cfiOf(x2s, df, x2bs, dfb),
    "tli.scaled": tliScaled,
    "nnfi.scaled": tliScaled,
    "rni.scaled": rniOf(x2s, df, x2bs, dfb),
    "cfi.robust": robust ? cfiOf(xx3, df, xx3b, dfb, c3, c3b) : Number.NaN,
    "tli.robust": tliRobust,
    "nnfi.robust": tliRobust,
    "rni.robust": robust ? rniOf(xx3, df, xx3b, dfb, c3, c3b) : Number.NaN,
    rmsea: rmseaOf(x2, 1),
    "rmsea.ci.lower": plain.lower,
    "rmsea.ci.upper": plain.upper,
    "rmsea.pvalue": plain.pClose,
    "rmsea.scaled": rmseaOf(x2s, 1),
    "rmsea.ci.lower.scaled": scaled.lower,
    "rmsea.ci.upper.scaled": scaled.upper,
    "rmsea.pvalue.scaled": scaled.pClose,
    "rmsea.robust": robust ? rmseaOf(xx3, c3) : Number.NaN,
    "rmsea.ci.lower.robust": robustCi.lower,
    "rmsea.ci.upper.robust": robustCi.upper,
    "rmsea.pvalue.robust": robustCi.pClose,
    srmr: srmrOf(R, Sigma, p),
    ntotal: n,
  };
}

/** The catML pieces of the robust indices (lavaan's lav_fit_catml_dwls), null if R is not PD. */
function catmlRobust(
  est: WlsmvEstimate,
): { chisq: number; chisqNull: number; c: number; cNull: number } | null {
  const { n, acov, stats, test } = est;
  const p = est.model.observed.length;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const q = est.model.nFree;
  const d = acov.dim;
  const R = stats.cor;
  // lavaan: NA if an eigenvalue of R is below sqrt(eps)
  const shifted = Float64Array.from(R);
  for (let i = 0; i < p; i++) shifted[i * p + i] -= Math.sqrt(2.220446049250313e-16);
  const LR = cholesky(R, p);
  if (!cholesky(shifted, p) || !LR) return null;
  const Sigma = Float64Array.from(est.implied.Sigma);
  for (let i = 0; i < p; i++) Sigma[i * p + i] = 1;
  const LS = cholesky(Sigma, p);
  if (!LS) return null;
  const Si = inverseFromCholesky(LS, p);
  let trRSi = 0;
  for (let i = 0; i < p * p; i++) trRSi += R[i] * Si[i];
  const F = logdetFromCholesky(LS, p) + trRSi - logdetFromCholesky(LR, p) - p;
  const chisq = n * F;
  const chisqNull = -n * logdetFromCholesky(LR, p);
  // From the casewise scores (Gamma = n Z'Z, never formed): with y_i the polychoric part of z_i
  // and U = I - D K, K = E^-1 D' W_c (q x p*),
  //   tr(U' V U Gamma_c) = n sum_i u_i' V u_i,  u_i = U y_i,
  // and u' V u = tr(M S^-1 M S^-1) / 2 for M the symmetric zero-diagonal matrix holding u
  // (V_(ij)(kl) = s^ik s^jl + s^il s^jk); tr(Gamma_c) = n sum_i |y_i|^2.
  const { scores: Z } = acov;
  const w = acov.wlsV.subarray(nth);
  const D = est.deltaStructural;
  const Ei = est.informationInverse;
  const K = new Float64Array(q * pstar);
  for (let a = 0; a < q; a++)
    for (let k = 0; k < pstar; k++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += Ei[a * q + b] * D[k * q + b];
      K[a * pstar + k] = s * w[k];
    }
  const pairs = new Int32Array(2 * pstar);
  for (let k = 0; k < pstar; k++) {
    const [i, j] = pairOf(k, p);
    pairs[2 * k] = i;
    pairs[2 * k + 1] = j;
  }
  const ky = new Float64Array(q);
  const M = new Float64Array(p * p);
  const A = new Float64Array(p * p);
  let ks = 0;
  let trG = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d + nth;
    ky.fill(0);
    for (let k = 0; k < pstar; k++) {
      const y = Z[o + k];
      trG += y * y;
      if (y === 0) continue;
      for (let a = 0; a < q; a++) ky[a] += K[a * pstar + k] * y;
    }
    for (let k = 0; k < pstar; k++) {
      let u = Z[o + k];
      for (let a = 0; a < q; a++) u -= D[k * q + a] * ky[a];
      const i = pairs[2 * k];
      const j = pairs[2 * k + 1];
      M[i * p + j] = u;
      M[j * p + i] = u;
    }
    // A = M S^-1, then tr(A A)
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let l = 0; l < p; l++) s += M[i * p + l] * Si[l * p + j];
        A[i * p + j] = s;
      }
    let t = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) t += A[i * p + j] * A[j * p + i];
    ks += t / 2;
  }
  ks *= n;
  trG *= n;
  return { chisq, chisqNull, c: ks / test.df, cNull: trG / pstar };
}
