import erfc from "@stdlib/math-base-special-erfc";
import gammainc from "@stdlib/math-base-special-gammainc";

/**
 * Distribution functions for p-values. Wald tests use the standard normal (as lavaan and other
 * SEM software do); the chi-square tail comes from stdlib's regularized incomplete gamma
 * (relative error about 1e-14 against R's pchisq, see README "Dependencies").
 */

/** P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Two-sided p-value of a z statistic. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Upper-tail probability P(X > x) for X ~ chi-square(df). */
export function chiSquareUpper(x: number, df: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, df / 2, true, true);
}

/** P(X <= x) for X ~ chi-square(df). */
export function chiSquareCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return gammainc(x / 2, df / 2, true, false);
}

/**
 * P(X <= x) for a noncentral chi-square(df, lambda): a Poisson(lambda/2) mixture of central
 * chi-squares, summed outward from the Poisson mode until the weights are negligible.
 */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  if (lambda <= 0) return chiSquareCdf(x, df);
  if (x <= 0) return 0;
  const h = lambda / 2;
  const mode = Math.floor(h);
  const logW = (k: number) => -h + k * Math.log(h) - logGamma(k + 1);
  let sum = 0;
  for (let k = mode; k < mode + 10_000; k++) {
    const w = Math.exp(logW(k));
    sum += w * chiSquareCdf(x, df + 2 * k);
    if (w < 1e-16 && k > mode + 5) break;
  }
  for (let k = mode - 1; k >= 0; k--) {
    const w = Math.exp(logW(k));
    sum += w * chiSquareCdf(x, df + 2 * k);
    if (w < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/** Lanczos approximation of log Gamma(x), x > 0. */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0];
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Standard normal quantile (Acklam's algorithm refined by one Halley step; |error| < 1e-12). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Find the root of a monotone function on [lo, hi] by bisection. */
export function bisect(f: (x: number) => number, lo: number, hi: number, tol = 1e-10): number {
  let flo = f(lo);
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi);
    const fm = f(mid);
    if (fm === 0) return mid;
    if (fm > 0 === flo > 0) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}
