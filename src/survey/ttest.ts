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

/** Welch's t-test of x over rows `a` against rows `b`; null when it cannot be computed. */
export function welch(
  variable: string,
  x: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): TTest | null {
  return welchAll([variable], [x], a, b)[0];
}

/**
 * Welch's t-test of each column over rows `a` against rows `b`, in order (null where it cannot be
 * computed). One pass on values shifted by each column's first value (keeps precision for e.g.
 * founding years), the sums of four columns advanced side by side over the rows (each sum waits on
 * its previous term; independent sums overlap).
 */
export function welchAll(
  names: readonly string[],
  columns: readonly ArrayLike<number>[],
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): (TTest | null)[] {
  const V = columns.length;
  if (a.length < 2 || b.length < 2) return columns.map(() => null);
  const A = meanVars(columns, a);
  const B = meanVars(columns, b);
  const out: (TTest | null)[] = [];
  for (let v = 0; v < V; v++) {
    const sa = A.v[v] / a.length;
    const sb = B.v[v] / b.length;
    const se2 = sa + sb;
    if (!(se2 > 0)) {
      out.push(null);
      continue;
    }
    const t = (A.m[v] - B.m[v]) / Math.sqrt(se2);
    const df = (se2 * se2) / ((sa * sa) / (a.length - 1) + (sb * sb) / (b.length - 1));
    out.push({
      variable: names[v],
      meanA: A.m[v],
      meanB: B.m[v],
      nA: a.length,
      nB: b.length,
      t,
      df,
      p: tTwoSidedP(t, df),
    });
  }
  return out;
}

/** meanVar of each column over idx (n >= 2), four columns at a time. */
function meanVars(
  columns: readonly ArrayLike<number>[],
  idx: ArrayLike<number>,
): { m: Float64Array; v: Float64Array } {
  const V = columns.length;
  const m = new Float64Array(V);
  const v = new Float64Array(V);
  const n = idx.length;
  const first = idx[0];
  for (let c = 0; c < V; c += 4) {
    const x0 = columns[c];
    const x1 = columns[Math.min(c + 1, V - 1)];
    const x2 = columns[Math.min(c + 2, V - 1)];
    const x3 = columns[Math.min(c + 3, V - 1)];
    const f0 = x0[first];
    const f1 = x1[first];
    const f2 = x2[first];
    const f3 = x3[first];
    let s10 = 0;
    let s20 = 0;
    let s11 = 0;
    let s21 = 0;
    let s12 = 0;
    let s22 = 0;
    let s13 = 0;
    let s23 = 0;
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      const d0 = x0[r] - f0;
      s10 += d0;
      s20 += d0 * d0;
      const d1 = x1[r] - f1;
      s11 += d1;
      s21 += d1 * d1;
      const d2 = x2[r] - f2;
      s12 += d2;
      s22 += d2 * d2;
      const d3 = x3[r] - f3;
      s13 += d3;
      s23 += d3 * d3;
    }
    const s1 = [s10, s11, s12, s13];
    const s2 = [s20, s21, s22, s23];
    const f = [f0, f1, f2, f3];
    for (let k = 0; k < 4 && c + k < V; k++) {
      const mk = s1[k] / n;
      m[c + k] = f[k] + mk;
      v[c + k] = Math.max(0, (s2[k] - n * mk * mk) / (n - 1));
    }
  }
  return { m, v };
}
