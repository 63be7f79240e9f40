import { logGamma } from "../math/distributions.ts";
import { exp, log } from "../math/fdlibm.ts";

/**
 * Welch's two-sample t-test (unequal variances, Welch-Satterthwaite df) with the two-sided
 * p-value from Student's t distribution (regularized incomplete beta by Lentz's continued
 * fraction, Numerical Recipes 6.4). Used for the non-response checks the paper ran (early vs
 * late respondents, respondents vs non-respondents); the paper does not say which t-test it
 * used, Welch's is the safer default for groups of unequal size.
 */
export interface TTest {
  variable: string;
  meanA: number;
  meanB: number;
  nA: number;
  nB: number;
  t: number;
  df: number;
  p: number;
}

function betacf(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const bt = exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * log(x) + b * log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (bt * betacf(a, b, x)) / a;
  return 1 - (bt * betacf(b, a, 1 - x)) / b;
}

/** Two-sided p-value of a t statistic with df degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

function meanVar(
  x: ArrayLike<number>,
  idx: ArrayLike<number>,
): { m: number; v: number; n: number } {
  // one pass on values shifted by the first one (keeps precision for e.g. founding years)
  const n = idx.length;
  const x0 = n ? x[idx[0]] : 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[idx[i]] - x0;
    s1 += d;
    s2 += d * d;
  }
  const m = s1 / n;
  return { m: x0 + m, v: n > 1 ? Math.max(0, (s2 - n * m * m) / (n - 1)) : Number.NaN, n };
}

/** Welch's t-test of x over rows `a` against rows `b`; null when it cannot be computed. */
export function welch(
  variable: string,
  x: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): TTest | null {
  if (a.length < 2 || b.length < 2) return null;
  const A = meanVar(x, a);
  const B = meanVar(x, b);
  const sa = A.v / A.n;
  const sb = B.v / B.n;
  const se2 = sa + sb;
  if (!(se2 > 0)) return null;
  const t = (A.m - B.m) / Math.sqrt(se2);
  const df = (se2 * se2) / ((sa * sa) / (A.n - 1) + (sb * sb) / (B.n - 1));
  return { variable, meanA: A.m, meanB: B.m, nA: A.n, nB: B.n, t, df, p: tTwoSidedP(t, df) };
}
