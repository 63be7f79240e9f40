import { bisect, normalQuantile } from "../../../src/math/distributions.ts";

/**
 * P(|T| <= t) for Student's t with integer df (Abramowitz & Stegun 26.7.3-4: a finite sum, exact
 * for integer df). Above 2000 df the normal is used (difference below 1e-4 in the quantile).
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

/** The two-sided (1 - alpha) critical value of Student's t with df degrees of freedom. */
export function tCritical(df: number, level = 0.95): number {
  if (df > 2000) return normalQuantile(1 - (1 - level) / 2);
  return bisect((t) => tAbsCdf(t, df) - level, 0, 1000, 1e-12);
}

export interface MeanCi {
  n: number;
  mean: number;
  sd: number;
  se: number;
  lo: number;
  hi: number;
}

/** Mean with a t-based 95% confidence interval over the finite values (NaN when n < 2). */
export function meanCi(xs: ArrayLike<number>, level = 0.95): MeanCi {
  let n = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++)
    if (Number.isFinite(xs[i])) {
      n++;
      s += xs[i];
    }
  const mean = n ? s / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) ss += (xs[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const se = sd / Math.sqrt(n);
  const h = n > 1 ? tCritical(n - 1, level) * se : Number.NaN;
  return { n, mean, sd, se, lo: mean - h, hi: mean + h };
}
