import { tTwoSidedP } from "../math/tDistribution.ts";

/**
 * Welch's two-sample t-test (unequal variances, Welch-Satterthwaite df) with the two-sided
 * p-value from Student's t distribution (src/math/tDistribution.ts). Used for the non-response checks the paper ran (early vs
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
