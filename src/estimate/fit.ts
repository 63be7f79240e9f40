import { bisect, chiSquareUpper, noncentralChiSquareCdf } from "../math/distributions.ts";
import { choleskyInto, logdetFromCholesky, type Mat } from "../math/linalg.ts";
import type { MLResult } from "./ml.ts";

/**
 * Global fit of an ML path model, following lavaan's definitions (fixed.x = TRUE):
 * chi-square = n * F_ML; the baseline model keeps the exogenous block saturated and makes the
 * other variables uncorrelated; RMSEA = sqrt(max(chi2 - df, 0) / (df * n)), its 90% interval from
 * the noncentral chi-square; CFI, TLI as usual; SRMR (Bentler) over the lower triangle
 * including the diagonal, on residuals scaled by the sample standard deviations. A saturated
 * model (df = 0) has TLI = 1, RMSEA = 0 and its interval 0-0 as in lavaan; p-values are NaN.
 */
export interface FitIndices {
  chisq: number;
  df: number;
  pvalue: number;
  baselineChisq: number;
  baselineDf: number;
  cfi: number;
  tli: number;
  rmsea: number;
  rmseaLower: number;
  rmseaUpper: number;
  rmseaPClose: number;
  srmr: number;
  npar: number;
  n: number;
}

/** log|m| (NaN when not positive definite), the Cholesky factor in reused scratch. */
function logdet(m: Mat, p: number): number {
  const l = choleskyInto(m, p, scratchOf(2 * p * p).subarray(p * p, 2 * p * p));
  return l ? logdetFromCholesky(l, p) : Number.NaN;
}

/** Scratch of fitIndices: the baseline matrix, then a Cholesky factor (reused by every call). */
let scratch = new Float64Array(0);
function scratchOf(size: number): Float64Array {
  if (scratch.length < size) scratch = new Float64Array(size);
  return scratch;
}

/** `rmseaInterval: false` skips the 90% interval and p-close (NaN), which dominate the cost in Monte Carlo loops. */
/**
 * RMSEA's 90% interval and p(RMSEA <= .05) from the noncentral chi-square (df > 0), as lavaan's
 * fitMeasures: the noncentrality bounds by bisection, scaled by df n.
 */
export function rmseaCi(
  chisq: number,
  df: number,
  n: number,
): { lower: number; upper: number; pClose: number } {
  const cdfAt = (lambda: number) => noncentralChiSquareCdf(chisq, df, lambda);
  const hi = Math.max(100, 10 * chisq);
  const lo95 = cdfAt(0) < 0.95 ? 0 : bisect((l) => cdfAt(l) - 0.95, 0, hi, 1e-8);
  const up05 = cdfAt(0) < 0.05 ? 0 : bisect((l) => cdfAt(l) - 0.05, 0, hi, 1e-8);
  return {
    lower: Math.sqrt(lo95 / (df * n)),
    upper: Math.sqrt(up05 / (df * n)),
    pClose: 1 - noncentralChiSquareCdf(chisq, df, 0.05 * 0.05 * df * n),
  };
}

/** Bentler's SRMR over the lower triangle with the diagonal, residuals scaled by the sample SDs. */
export function srmrOf(S: ArrayLike<number>, Sigma: ArrayLike<number>, p: number): number {
  let ss = 0;
  let count = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      const r = (S[i * p + j] - Sigma[i * p + j]) / Math.sqrt(S[i * p + i] * S[j * p + j]);
      ss += r * r;
      count++;
    }
  return Math.sqrt(ss / count);
}

export function fitIndices(res: MLResult, rmseaInterval = true): FitIndices {
  const { S, Sigma, n, table } = res;
  const p = table.p;
  const exo = table.exogenous;
  const px = exo.length;
  // lavaan (fixed.x) does not count the exogenous (co)variances as free parameters
  const npar = table.params.length - (px * (px + 1)) / 2;
  const df = (p * (p + 1)) / 2 - table.params.length;
  const chisq = Math.max(0, n * res.fmin);

  // baseline: exogenous block as observed, everything else independent
  const base = scratchOf(2 * p * p).subarray(0, p * p);
  base.fill(0);
  for (let i = 0; i < p; i++) base[i * p + i] = S[i * p + i];
  for (const i of exo) for (const j of exo) base[i * p + j] = S[i * p + j];
  const baselineChisq = n * (logdet(base, p) - logdet(S, p));
  const baselineDf = (p * (p + 1)) / 2 - ((px * (px + 1)) / 2 + (p - px));

  return fitFromChiSquares(
    { chisq, df, baselineChisq, baselineDf, n, npar, srmr: srmrOf(S, Sigma, p) },
    rmseaInterval,
  );
}

/**
 * The fit indices from the model's and the baseline model's chi-square (lavaan's formulas for
 * the standard test): p-value, CFI, TLI, RMSEA with its 90% interval (when `rmseaInterval`).
 */
export function fitFromChiSquares(
  x: {
    chisq: number;
    df: number;
    baselineChisq: number;
    baselineDf: number;
    n: number;
    npar: number;
    srmr: number;
  },
  rmseaInterval = true,
): FitIndices {
  const { chisq, df, baselineChisq, baselineDf, n, npar, srmr } = x;
  const pvalue = df > 0 ? chiSquareUpper(chisq, df) : Number.NaN;
  const d = Math.max(chisq - df, 0);
  const dB = Math.max(baselineChisq - baselineDf, 0);
  const cfi = dB === 0 && d === 0 ? 1 : 1 - d / Math.max(d, dB);
  // a saturated model (df = 0) fits perfectly: lavaan reports TLI = 1, RMSEA = 0 with the
  // interval 0-0 (and no p-values)
  const tli =
    df > 0 ? (baselineChisq / baselineDf - chisq / df) / (baselineChisq / baselineDf - 1) : 1;
  const rmsea = df > 0 ? Math.sqrt(d / (df * n)) : 0;
  const interval =
    df > 0 && rmseaInterval
      ? rmseaCi(chisq, df, n)
      : { lower: df > 0 ? Number.NaN : 0, upper: df > 0 ? Number.NaN : 0, pClose: Number.NaN };
  const rmseaLower = interval.lower;
  const rmseaUpper = interval.upper;
  const rmseaPClose = interval.pClose;
  return {
    chisq,
    df,
    pvalue,
    baselineChisq,
    baselineDf,
    cfi,
    tli,
    rmsea,
    rmseaLower,
    rmseaUpper,
    rmseaPClose,
    srmr,
    npar,
    n,
  };
}
