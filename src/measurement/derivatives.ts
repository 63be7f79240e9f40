import type { Implied } from "./implied.ts";
import type { MeasurementModel } from "./model.ts";

/**
 * The estimator's fast path for dSigma/dtheta (see implied.ts for the rank-2 form
 * dSigma_k = c_k (u_k v_k' + v_k u_k')): every u and v is one of a few vectors — a unit vector
 * e_i, a column of Lambda Phi or a column of Lambda A — times a constant. With W = Sigma^-1 and
 * D[a][b] = vec_a' W vec_b over those vectors (53 for the paper's CFA instead of 99 parameters),
 *   I_kl = c_k c_l (D[u_k][v_l] D[u_l][v_k] + D[u_k][u_l] D[v_k][v_l]),
 *   g_k  = c_k (W vec_u)' (S - Sigma) (W vec_v),
 * so the information costs O(q^2) after O(p^2 (p + m)) shared work.
 */
export interface ParamVectors {
  /** Vector ids: 0..p-1 unit vectors, p..p+m-1 columns of Lambda Phi, p+m..p+2m-1 of Lambda A. */
  u: Int32Array;
  v: Int32Array;
  c: Float64Array;
}

export function paramVectors(model: MeasurementModel, count = model.nFree): ParamVectors {
  const p = model.observed.length;
  const m = model.latent.length;
  const u = new Int32Array(count);
  const v = new Int32Array(count);
  const c = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const { matrix, row, col } = model.params[k];
    c[k] = 1;
    if (matrix === "lambda") {
      u[k] = row;
      v[k] = p + col;
    } else if (matrix === "beta") {
      u[k] = p + m + row;
      v[k] = p + col;
    } else if (matrix === "psi") {
      u[k] = p + m + row;
      v[k] = p + m + col;
      if (row === col) c[k] = 0.5;
    } else {
      u[k] = row;
      v[k] = col;
      if (row === col) c[k] = 0.5;
    }
  }
  return { u, v, c };
}

/** W vec for every vector (nv x p, row per vector), and which entries of the vector are non-zero. */
export interface Weighted {
  nv: number;
  WV: Float64Array;
  /** Dense copies of the non-unit vectors (rows p.. of a (nv) x p table; unit rows unused). */
  vec: Float64Array;
}

export function weighted(im: Implied, W: Float64Array): Weighted {
  const { p, m } = im;
  const nv = p + 2 * m;
  const WV = new Float64Array(nv * p);
  const vec = new Float64Array(nv * p);
  // unit vectors: W e_i = row i of W
  WV.set(W, 0);
  for (let j = 0; j < m; j++) {
    const o1 = (p + j) * p;
    const o2 = (p + m + j) * p;
    for (let r = 0; r < p; r++) {
      vec[o1 + r] = im.LPhi[r * m + j];
      vec[o2 + r] = im.LA[r * m + j];
    }
  }
  for (let t = p; t < nv; t++) {
    const o = t * p;
    for (let r = 0; r < p; r++) {
      const x = vec[o + r];
      if (x === 0) continue;
      const wr = r * p;
      for (let a = 0; a < p; a++) WV[o + a] += x * W[wr + a];
    }
  }
  return { nv, WV, vec };
}

/** D[a][b] = vec_a' W vec_b (nv x nv), into a buffer reused across calls (informationFast's). */
let gramBuf = new Float64Array(0);
function gram(p: number, w: Weighted): Float64Array {
  const { nv, WV, vec } = w;
  if (gramBuf.length !== nv * nv) gramBuf = new Float64Array(nv * nv);
  const D = gramBuf;
  for (let a = 0; a < nv; a++) {
    for (let b = 0; b <= a; b++) {
      let s: number;
      if (a < p) s = WV[b * p + a];
      else if (b < p) s = WV[a * p + b];
      else {
        s = 0;
        const oa = a * p;
        const ob = b * p;
        for (let r = 0; r < p; r++) {
          const x = vec[oa + r];
          if (x !== 0) s += x * WV[ob + r];
        }
      }
      D[a * nv + b] = s;
      D[b * nv + a] = s;
    }
  }
  return D;
}

/**
 * Expected information per observation (q x q), into `out` (every entry written) if given; with
 * `lowerOnly` only the lower triangle and the diagonal are written (all a Cholesky factorisation
 * reads). D is symmetric, so D[u_l][v_k] is read as D[v_k][u_l] (the same stored number).
 */
export function informationFast(
  p: number,
  pv: ParamVectors,
  w: Weighted,
  out?: Float64Array,
  lowerOnly = false,
): Float64Array {
  const D = gram(p, w);
  const nv = w.nv;
  const q = pv.u.length;
  const info = out ?? new Float64Array(q * q);
  const { u, v, c } = pv;
  for (let k = 0; k < q; k++) {
    const uk = u[k] * nv;
    const vk = v[k] * nv;
    const ck = c[k];
    const rk = k * q;
    for (let l = 0; l <= k; l++) {
      const ul = u[l];
      const vl = v[l];
      info[rk + l] = ck * c[l] * (D[uk + vl] * D[vk + ul] + D[uk + ul] * D[vk + vl]);
    }
  }
  if (!lowerOnly)
    for (let k = 0; k < q; k++) for (let l = 0; l < k; l++) info[l * q + k] = info[k * q + l];
  return info;
}

/** g_k = 0.5 tr(W (S - Sigma) W dSigma_k) = c_k (W vec_u)' (S - Sigma) (W vec_v). */
export function gradientFast(
  p: number,
  pv: ParamVectors,
  w: Weighted,
  S: Float64Array,
  Sigma: Float64Array,
): Float64Array {
  const { nv, WV } = w;
  const q = pv.u.length;
  // T = (S - Sigma) W vec for each vector used as v
  const used = new Uint8Array(nv);
  for (let k = 0; k < q; k++) used[pv.v[k]] = 1;
  const T = new Float64Array(nv * p);
  const R = new Float64Array(p * p);
  for (let a = 0; a < p * p; a++) R[a] = S[a] - Sigma[a];
  // two vectors by two rows of R at a time (each entry still one sum over b in order)
  const list: number[] = [];
  for (let t = 0; t < nv; t++) if (used[t]) list.push(t);
  let u = 0;
  for (; u + 1 < list.length; u += 2) {
    const o0 = list[u] * p;
    const o1 = list[u + 1] * p;
    let a = 0;
    for (; a + 1 < p; a += 2) {
      const r0 = a * p;
      const r1 = r0 + p;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let b = 0; b < p; b++) {
        const x0 = R[r0 + b];
        const x1 = R[r1 + b];
        const w0 = WV[o0 + b];
        const w1 = WV[o1 + b];
        s00 += x0 * w0;
        s01 += x0 * w1;
        s10 += x1 * w0;
        s11 += x1 * w1;
      }
      T[o0 + a] = s00;
      T[o1 + a] = s01;
      T[o0 + a + 1] = s10;
      T[o1 + a + 1] = s11;
    }
    for (; a < p; a++) {
      const ra = a * p;
      let s0 = 0;
      let s1 = 0;
      for (let b = 0; b < p; b++) {
        s0 += R[ra + b] * WV[o0 + b];
        s1 += R[ra + b] * WV[o1 + b];
      }
      T[o0 + a] = s0;
      T[o1 + a] = s1;
    }
  }
  for (; u < list.length; u++) {
    const o = list[u] * p;
    for (let a = 0; a < p; a++) {
      let s = 0;
      const ra = a * p;
      for (let b = 0; b < p; b++) s += R[ra + b] * WV[o + b];
      T[o + a] = s;
    }
  }
  const g = new Float64Array(q);
  for (let k = 0; k < q; k++) {
    const ou = pv.u[k] * p;
    const ov = pv.v[k] * p;
    let s = 0;
    for (let a = 0; a < p; a++) s += WV[ou + a] * T[ov + a];
    g[k] = pv.c[k] * s;
  }
  return g;
}
