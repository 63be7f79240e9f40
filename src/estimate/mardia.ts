import { chiSquareUpper, twoSidedP } from "../math/distributions.ts";
import { inverse, inverseSPD } from "../math/linalg.ts";

/**
 * Mardia's (1970, Biometrika 57:519-530) multivariate skewness and kurtosis, with S the
 * covariance matrix of the data with divisor n and d_i the centred cases:
 *   b1p = (1/n^2) sum_ij (d_i' S^-1 d_j)^3,  n b1p / 6 ~ chi2(p (p+1) (p+2) / 6);
 *   b2p = (1/n) sum_i (d_i' S^-1 d_i)^2,    (b2p - p (p+2)) / sqrt(8 p (p+2) / n) ~ N(0, 1).
 * p-values: upper tail for skewness, two-sided for kurtosis (no small-sample correction).
 */
export interface MardiaTest {
  n: number;
  p: number;
  b1p: number;
  b2p: number;
  skew: number;
  skewDf: number;
  skewP: number;
  kurtZ: number;
  kurtP: number;
}

/** Mardia's tests on raw data (cols[j][i] = case i of variable j), or null if S is singular. */
export function mardia(cols: readonly ArrayLike<number>[], n: number): MardiaTest | null {
  const p = cols.length;
  const d = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = cols[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    const m = s / n;
    for (let i = 0; i < n; i++) d[i * p + j] = c[i] - m;
  }
  const S = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++)
      for (let b = 0; b <= a; b++) S[a * p + b] += d[i * p + a] * d[i * p + b];
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      S[a * p + b] /= n;
      S[b * p + a] = S[a * p + b];
    }
  }
  const W = inverseSPD(S, p) ?? inverse(S, p);
  if (!W) return null;
  // e = d W, so that g_ij = e_i . d_j
  const e = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      let t = 0;
      for (let b = 0; b < p; b++) t += d[i * p + b] * W[b * p + a];
      e[i * p + a] = t;
    }
  }
  let sum3 = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let g = 0;
      for (let a = 0; a < p; a++) g += e[i * p + a] * d[j * p + a];
      const g3 = g * g * g;
      sum3 += i === j ? g3 : 2 * g3;
      if (i === j) sum2 += g * g;
    }
  }
  const b1p = sum3 / (n * n);
  const b2p = sum2 / n;
  const skew = (n * b1p) / 6;
  const skewDf = (p * (p + 1) * (p + 2)) / 6;
  const kurtZ = (b2p - p * (p + 2)) / Math.sqrt((8 * p * (p + 2)) / n);
  return {
    n,
    p,
    b1p,
    b2p,
    skew,
    skewDf,
    skewP: chiSquareUpper(skew, skewDf),
    kurtZ,
    kurtP: twoSidedP(kurtZ),
  };
}

/**
 * Advice from Mardia's tests at level alpha: normal-theory ML is fine when neither test rejects;
 * otherwise MLR (robust SEs and scaled test), or the bootstrap with small samples.
 */
export function mardiaAdvice(m: MardiaTest, alpha = 0.05, estimator = "ML"): string {
  const skewed = m.skewP < alpha;
  const kurtotic = m.kurtP < alpha;
  if (!skewed && !kurtotic)
    return `Mardia's tests do not reject multivariate normality at ${alpha}: normal-theory ML is adequate.`;
  const what =
    skewed && kurtotic
      ? "skewness and kurtosis"
      : skewed
        ? "skewness"
        : `${m.kurtZ > 0 ? "excess" : "deficient"} kurtosis`;
  const small = m.n < 200;
  const base = `Mardia's tests reject multivariate normality (${what}, alpha = ${alpha}): normal-theory SEs and chi-square may mislead.`;
  if (estimator === "MLR")
    return `${base} MLR (used here) corrects them${small ? `; with n = ${m.n} a bootstrap is a useful check` : ""}.`;
  return `${base} Use --estimator MLR (robust SEs, Yuan-Bentler scaled chi-square)${small ? `, or a bootstrap, as n = ${m.n} is small` : ""}.`;
}
