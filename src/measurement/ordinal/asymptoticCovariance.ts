import { inverse } from "../../math/linalg.ts";
import { thresholdScores } from "./categories.ts";
import { pairScores } from "./polychoric.ts";
import { corIndex, type OrdinalSampleStats, polychoricGrid } from "./sampleStatistics.ts";

/**
 * The asymptotic covariance matrix Gamma (lavaan's NACOV) of sqrt(n) (s - sigma) for s = the
 * thresholds and polychoric correlations, by the casewise-score (sandwich) approach of Muthén
 * (1984) as lavaan's muthen1984(): with s_i the casewise scores of the univariate threshold
 * likelihoods and of each pair's bivariate likelihood in its rho (thresholds fixed),
 *   A11 = block-diagonal (one block per item) sum_i s_th,i s_th,i',
 *   A22 = diagonal sum_i s_rho,i^2,
 *   A21 = sum_i s_rho,i (d log pi / d tau)_i'  (the pair's own thresholds only),
 *   B^-1 = [A11^-1, 0; -A22^-1 A21 A11^-1, A22^-1],
 *   Gamma = n B^-1 (sum_i s_i s_i') B^-T = n sum_i z_i z_i',  z_i = B^-1 s_i,
 * (outer products of scores in place of Hessians throughout, as lavaan). The DWLS weight is
 * W = diag(1 / diag(Gamma)) (lavaan's WLS.V, `lavInspect(fit, "wls.v")`).
 */
export interface OrdinalAcov {
  /**
   * Gamma, d x d row-major, d = thresholds + p(p-1)/2 (lavInspect(fit, "gamma")). Formed on
   * first use (O(n d^2)): the WLSMV fit and its tests work from `scores`.
   */
  readonly gamma: Float64Array;
  /** Diagonal DWLS weight 1 / diag(Gamma). */
  wlsV: Float64Array;
  dim: number;
  /** The casewise z_i (n x d, row-major): Gamma = n sum_i z_i z_i'. */
  scores: Float64Array;
  /** Respondents (rows of `scores`). */
  n: number;
}

export function ordinalAcov(stats: OrdinalSampleStats): OrdinalAcov | null {
  const { items, n } = stats;
  const p = items.length;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const d = nth + pstar;
  // z_i, casewise, n x d
  const Z = new Float64Array(n * d);
  // threshold part: A11^-1 s_th per item
  for (let j = 0; j < p; j++) {
    const it = items[j];
    const k = it.thresholds.length;
    const S = thresholdScores(it);
    const A = new Float64Array(k * k);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < k; a++) {
        const sa = S[i * k + a];
        if (sa === 0) continue;
        for (let b = 0; b < k; b++) A[a * k + b] += sa * S[i * k + b];
      }
    const Ainv = inverse(A, k);
    if (!Ainv) return null;
    const off = stats.thresholdStart[j];
    for (let i = 0; i < n; i++)
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let b = 0; b < k; b++) s += Ainv[a * k + b] * S[i * k + b];
        Z[i * d + off + a] = s;
      }
  }
  // correlation part
  for (let ja = 0; ja < p; ja++)
    for (let jb = ja + 1; jb < p; jb++) {
      const a = items[ja];
      const b = items[jb];
      const kb = b.levels.length;
      const sc = pairScores(a, b, stats.cor[ja * p + jb], polychoricGrid(stats, ja, jb));
      const na = a.thresholds.length;
      const nb = b.thresholds.length;
      const rowA = new Float64Array(na);
      const rowB = new Float64Array(nb);
      let a22 = 0;
      for (let i = 0; i < n; i++) {
        const ca = a.y[i] - 1;
        const cb = b.y[i] - 1;
        const cell = ca * kb + cb;
        const sr = sc.rho[cell];
        a22 += sr * sr;
        if (ca < na) rowA[ca] += sr * sc.aUpper[cell];
        if (ca > 0) rowA[ca - 1] += sr * sc.aLower[cell];
        if (cb < nb) rowB[cb] += sr * sc.bUpper[cell];
        if (cb > 0) rowB[cb - 1] += sr * sc.bLower[cell];
      }
      if (!(a22 > 0)) return null;
      const col = nth + corIndex(ja, jb, p);
      const oa = stats.thresholdStart[ja];
      const ob = stats.thresholdStart[jb];
      for (let i = 0; i < n; i++) {
        const cell = (a.y[i] - 1) * kb + b.y[i] - 1;
        let s = sc.rho[cell];
        for (let t = 0; t < na; t++) s -= rowA[t] * Z[i * d + oa + t];
        for (let t = 0; t < nb; t++) s -= rowB[t] * Z[i * d + ob + t];
        Z[i * d + col] = s / a22;
      }
    }
  const wlsV = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let r = 0; r < d; r++) wlsV[r] += Z[o + r] * Z[o + r];
  }
  for (let r = 0; r < d; r++) wlsV[r] = 1 / (wlsV[r] * n);
  let gamma: Float64Array | null = null;
  return {
    get gamma() {
      gamma ??= gammaFromScores(Z, n, d);
      return gamma;
    },
    wlsV,
    dim: d,
    scores: Z,
    n,
  };
}

/** Gamma = n Z'Z from the casewise scores (n x d). */
export function gammaFromScores(Z: Float64Array, n: number, d: number): Float64Array {
  const gamma = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let r = 0; r < d; r++) {
      const zr = Z[o + r];
      if (zr === 0) continue;
      const g = r * d;
      for (let c = r; c < d; c++) gamma[g + c] += zr * Z[o + c];
    }
  }
  for (let r = 0; r < d; r++)
    for (let c = r; c < d; c++) {
      const v = gamma[r * d + c] * n;
      gamma[r * d + c] = v;
      gamma[c * d + r] = v;
    }
  return gamma;
}
