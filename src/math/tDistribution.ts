import { bisect, logGamma, normalQuantile } from "./distributions.ts";
import { exp, log } from "./fdlibm.ts";

/**
 * Student's t distribution, the one copy every consumer uses (non-response t-tests, sweep and
 * compare intervals, the What-if table).
 * - Two-sided p for any real df (Welch's df is not an integer): the regularized incomplete beta,
 *   P(|T| > t) = I_{df/(df+t^2)}(df/2, 1/2), by Lentz's continued fraction (Numerical Recipes 6.4).
 * - Quantiles for integer df: the finite sum of Abramowitz & Stegun 26.7.3-4, which is exact for
 *   integer df, solved by bisection; above 2000 df the normal (quantile gap below 1e-4).
 */

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

/** Two-sided p-value of a t statistic with df (any real df > 0) degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * P(|T| <= t) for integer df (Abramowitz & Stegun 26.7.3-4, a finite sum). V8's Math.atan, sin
 * and cos are fdlibm ports, so Node and Chromium give the same bits.
 */
function tAbsCdf(t: number, df: number): number {
  const theta = Math.atan(t / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (df % 2 === 1) {
    if (df === 1) return (2 * theta) / Math.PI;
    let term = Math.cos(theta);
    let sum = term;
    for (let k = 3; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 2; k <= df - 2; k += 2) {
    term *= (c2 * (k - 1)) / k;
    sum += term;
  }
  return s * sum;
}

/** The two-sided (1 - alpha = level) critical value of Student's t with integer df. */
export function tCritical(df: number, level = 0.95): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`tCritical: df must be a positive integer, got ${df}`);
  if (df > 2000) return normalQuantile(1 - (1 - level) / 2);
  return bisect((t) => tAbsCdf(t, df) - level, 0, 1000, 1e-12);
}
