import { log } from "../../math/fdlibm.ts";
import { cholesky, inverseFromCholesky, logdetFromCholesky, type Mat } from "../../math/linalg.ts";

/**
 * Missing-data patterns of raw data (NaN = missing) and the normal log-likelihood summed over
 * them, from each pattern's sufficient statistics: for the n_g rows observing the variables o,
 *   l_g = -n_g/2 (|o| log 2 pi + log|Sigma_oo| + tr(Sigma_oo^-1 (S_g + d d'))), d = ybar_g - mu_o,
 * with S_g the pattern's covariance about its own mean (divisor n_g). The sum over patterns is
 * the casewise (full-information) log-likelihood lavaan's missing = "ml" maximises.
 */
export interface MissingPattern {
  /** Indices of the observed variables, ascending. */
  obs: number[];
  /** Rows with this pattern. */
  n: number;
  /** Mean of the observed variables over the pattern's rows. */
  mean: Float64Array;
  /** Covariance of the observed variables about the pattern mean, divisor n (|obs| x |obs|). */
  S: Float64Array;
}

/**
 * The patterns of the rows `rows` (indices into the columns; every row when omitted). Rows
 * with no observed value are skipped (lavaan ignores such "empty cases").
 */
export function missingPatterns(
  cols: readonly ArrayLike<number>[],
  rows: readonly number[],
): MissingPattern[] {
  const p = cols.length;
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    let key = "";
    for (let j = 0; j < p; j++) key += Number.isNaN(cols[j][r]) ? "0" : "1";
    if (!key.includes("1")) continue;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(r);
  }
  const out: MissingPattern[] = [];
  // a fixed order (the complete pattern first, then by key) so that sums are reproducible
  for (const key of [...groups.keys()].sort().reverse()) {
    const rs = groups.get(key)!;
    const obs: number[] = [];
    for (let j = 0; j < p; j++) if (key[j] === "1") obs.push(j);
    const k = obs.length;
    const n = rs.length;
    const mean = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (const r of rs) s += cols[obs[a]][r];
      mean[a] = s / n;
    }
    const S = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (const r of rs) s += (cols[obs[a]][r] - mean[a]) * (cols[obs[b]][r] - mean[b]);
        S[a * k + b] = s / n;
        S[b * k + a] = s / n;
      }
    out.push({ obs, n, mean, S });
  }
  return out;
}

/** The rows of `cols` (0..n-1). */
export function allRows(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Sub-matrix of a p x p matrix on the indices `idx`. */
export function block(m: Mat, p: number, idx: readonly number[]): Float64Array {
  const k = idx.length;
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) out[a * k + b] = m[idx[a] * p + idx[b]];
  return out;
}

const LOG_2PI = log(2 * Math.PI);

/** Per pattern: Sigma_oo^-1 and log|Sigma_oo|, or null when a block is not positive definite. */
export function patternInverses(
  patterns: readonly MissingPattern[],
  Sigma: Mat,
  p: number,
): { W: Float64Array; logdet: number }[] | null {
  const out: { W: Float64Array; logdet: number }[] = [];
  for (const g of patterns) {
    const k = g.obs.length;
    const l = cholesky(block(Sigma, p, g.obs), k);
    if (!l) return null;
    out.push({ W: inverseFromCholesky(l, k), logdet: logdetFromCholesky(l, k) });
  }
  return out;
}

/** The casewise normal log-likelihood of the data at (mu, Sigma); -Infinity when Sigma is not PD. */
export function missingLogLik(
  patterns: readonly MissingPattern[],
  mu: ArrayLike<number>,
  Sigma: Mat,
  p: number,
): number {
  const inv = patternInverses(patterns, Sigma, p);
  if (!inv) return Number.NEGATIVE_INFINITY;
  let total = 0;
  patterns.forEach((g, gi) => {
    const k = g.obs.length;
    const { W, logdet } = inv[gi];
    let tr = 0;
    for (let a = 0; a < k; a++) {
      const da = g.mean[a] - mu[g.obs[a]];
      for (let b = 0; b < k; b++) {
        const db = g.mean[b] - mu[g.obs[b]];
        tr += W[a * k + b] * (g.S[b * k + a] + da * db);
      }
    }
    total += -0.5 * g.n * (k * LOG_2PI + logdet + tr);
  });
  return total;
}
