import { inverse } from "../../math/linalg.ts";
import { categoryThresholdScores } from "./categories.ts";
import { type PairScores, pairScores } from "./polychoric.ts";
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
   * first use (O(n d^2)): the WLSMV fit and its tests work from `scoresT`.
   */
  readonly gamma: Float64Array;
  /** Diagonal DWLS weight 1 / diag(Gamma). */
  wlsV: Float64Array;
  dim: number;
  /** The casewise z_i (n x d, row-major): Gamma = n sum_i z_i z_i'. Formed on first use. */
  readonly scores: Float64Array;
  /** The same by column (d x n, row-major: row r holds z_ir for every respondent i). */
  scoresT: Float64Array;
  /** Respondents (rows of `scores`). */
  n: number;
}

export function ordinalAcov(stats: OrdinalSampleStats): OrdinalAcov | null {
  const { items, n } = stats;
  const p = items.length;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const d = nth + pstar;
  // z_i, casewise, built column by column (d x n: a column's values are contiguous), then
  // transposed to n x d. A respondent's z depends on its answers only through its categories:
  // the thresholds' part on the item's category, a correlation's part on the pair's cell, so
  // each is computed once per category / cell and the sums over respondents are sums over
  // categories / cells weighted by their counts.
  const Zt = new Float64Array(d * n);
  // threshold part: A11^-1 s_th per item and category
  const zth: Float64Array[] = [];
  for (let j = 0; j < p; j++) {
    const it = items[j];
    const k = it.thresholds.length;
    const S = categoryThresholdScores(it);
    const A = new Float64Array(k * k);
    for (let c = 0; c <= k; c++) {
      const f = it.counts[c];
      for (let a = 0; a < k; a++) {
        const sa = S[c * k + a] * f;
        if (sa === 0) continue;
        for (let b = 0; b < k; b++) A[a * k + b] += sa * S[c * k + b];
      }
    }
    const Ainv = inverse(A, k);
    if (!Ainv) return null;
    const z = new Float64Array((k + 1) * k);
    for (let c = 0; c <= k; c++)
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let b = 0; b < k; b++) s += Ainv[a * k + b] * S[c * k + b];
        z[c * k + a] = s;
      }
    zth.push(z);
    const off = stats.thresholdStart[j];
    for (let a = 0; a < k; a++) {
      const o = (off + a) * n;
      for (let i = 0; i < n; i++) Zt[o + i] = z[(it.y[i] - 1) * k + a];
    }
  }
  // correlation part
  const cell = new Int32Array(n);
  let freq = new Float64Array(0);
  let val = new Float64Array(0);
  let sc: PairScores | undefined;
  for (let ja = 0; ja < p; ja++)
    for (let jb = ja + 1; jb < p; jb++) {
      const a = items[ja];
      const b = items[jb];
      const ka = a.levels.length;
      const kb = b.levels.length;
      const na = ka - 1;
      const nb = kb - 1;
      if (freq.length < ka * kb) {
        freq = new Float64Array(ka * kb);
        val = new Float64Array(ka * kb);
        sc = {
          rho: new Float64Array(ka * kb),
          aUpper: new Float64Array(ka * kb),
          aLower: new Float64Array(ka * kb),
          bUpper: new Float64Array(ka * kb),
          bLower: new Float64Array(ka * kb),
        };
      } else freq.fill(0);
      for (let i = 0; i < n; i++) {
        const c = (a.y[i] - 1) * kb + b.y[i] - 1;
        cell[i] = c;
        freq[c]++;
      }
      const ps = pairScores(a, b, stats.cor[ja * p + jb], polychoricGrid(stats, ja, jb), sc);
      const rowA = new Float64Array(na);
      const rowB = new Float64Array(nb);
      let a22 = 0;
      for (let ca = 0; ca < ka; ca++)
        for (let cb = 0; cb < kb; cb++) {
          const c = ca * kb + cb;
          const f = freq[c];
          if (f === 0) continue;
          const sr = ps.rho[c] * f;
          a22 += sr * ps.rho[c];
          if (ca < na) rowA[ca] += sr * ps.aUpper[c];
          if (ca > 0) rowA[ca - 1] += sr * ps.aLower[c];
          if (cb < nb) rowB[cb] += sr * ps.bUpper[c];
          if (cb > 0) rowB[cb - 1] += sr * ps.bLower[c];
        }
      if (!(a22 > 0)) return null;
      const za = zth[ja];
      const zb = zth[jb];
      for (let ca = 0; ca < ka; ca++)
        for (let cb = 0; cb < kb; cb++) {
          const c = ca * kb + cb;
          if (freq[c] === 0) continue;
          let s = ps.rho[c];
          for (let t = 0; t < na; t++) s -= rowA[t] * za[ca * na + t];
          for (let t = 0; t < nb; t++) s -= rowB[t] * zb[cb * nb + t];
          val[c] = s / a22;
        }
      const o = (nth + corIndex(ja, jb, p)) * n;
      for (let i = 0; i < n; i++) Zt[o + i] = val[cell[i]];
    }
  const wlsV = new Float64Array(d);
  for (let r = 0; r < d; r++) {
    const o = r * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += Zt[o + i] * Zt[o + i];
    wlsV[r] = 1 / (s * n);
  }
  let gamma: Float64Array | null = null;
  let Z: Float64Array | null = null;
  return {
    get gamma() {
      gamma ??= gammaFromScores(this.scores, n, d);
      return gamma;
    },
    get scores() {
      Z ??= transpose(Zt, d, n);
      return Z;
    },
    wlsV,
    dim: d,
    scoresT: Zt,
    n,
  };
}

/** The transpose (c x r) of an r x c row-major matrix, in blocks of 32 x 32. */
export function transpose(M: Float64Array, r: number, c: number): Float64Array {
  const T = new Float64Array(r * c);
  for (let i0 = 0; i0 < r; i0 += 32)
    for (let j0 = 0; j0 < c; j0 += 32) {
      const i1 = Math.min(i0 + 32, r);
      const j1 = Math.min(j0 + 32, c);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) T[j * r + i] = M[i * c + j];
    }
  return T;
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
