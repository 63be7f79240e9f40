import type { Rank2 } from "./implied.ts";

/**
 * Expected information per observation, I_kl = 0.5 tr(W dSigma_k W dSigma_l), and the score
 * direction g_k = 0.5 tr(W (S - Sigma) W dSigma_k), from the rank-2 derivatives
 * dSigma_k = x_k y_k' + y_k x_k' (W = Sigma^-1). With G_uv[k][l] = u_k' W v_l,
 *   I_kl = G_xy[k][l] G_xy[l][k] + G_xx[k][l] G_yy[k][l],   g_k = x_k' W (S - Sigma) W y_k.
 * The x and y vectors of a CFA are sparse (unit vectors, or one factor's items), so every inner
 * product runs over the non-zero entries only.
 */
export interface WVectors {
  WX: Float64Array; // q x p
  WY: Float64Array; // q x p
}

export function wVectors(W: Float64Array, p: number, d: readonly Rank2[]): WVectors {
  const q = d.length;
  const WX = new Float64Array(q * p);
  const WY = new Float64Array(q * p);
  for (let k = 0; k < q; k++) {
    const { xi, xv, yi, yv } = d[k];
    const o = k * p;
    for (let t = 0; t < xi.length; t++) {
      const c = xi[t];
      const v = xv[t];
      // W symmetric: column c = row c
      for (let a = 0; a < p; a++) WX[o + a] += v * W[c * p + a];
    }
    for (let t = 0; t < yi.length; t++) {
      const c = yi[t];
      const v = yv[t];
      for (let a = 0; a < p; a++) WY[o + a] += v * W[c * p + a];
    }
  }
  return { WX, WY };
}

const dot = (idx: Int32Array, val: Float64Array, w: Float64Array, o: number) => {
  let s = 0;
  for (let t = 0; t < idx.length; t++) s += val[t] * w[o + idx[t]];
  return s;
};

/** Information between the parameter sets `rows` and `cols` (|rows| x |cols|). */
export function informationBlock(
  p: number,
  rows: readonly Rank2[],
  rowsW: WVectors,
  cols: readonly Rank2[],
  colsW: WVectors,
): Float64Array {
  const r = rows.length;
  const c = cols.length;
  const out = new Float64Array(r * c);
  for (let k = 0; k < r; k++) {
    const dk = rows[k];
    for (let l = 0; l < c; l++) {
      const dl = cols[l];
      const o = l * p;
      const gxyKL = dot(dk.xi, dk.xv, colsW.WY, o);
      const gxyLK = dot(dl.xi, dl.xv, rowsW.WY, k * p);
      const gxx = dot(dk.xi, dk.xv, colsW.WX, o);
      const gyy = dot(dk.yi, dk.yv, colsW.WY, o);
      out[k * c + l] = gxyKL * gxyLK + gxx * gyy;
    }
  }
  return out;
}

/** Symmetric information of one parameter set (q x q). */
export function information(p: number, d: readonly Rank2[], w: WVectors): Float64Array {
  const q = d.length;
  const out = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    const dk = d[k];
    for (let l = 0; l <= k; l++) {
      const dl = d[l];
      const o = l * p;
      const gxyKL = dot(dk.xi, dk.xv, w.WY, o);
      const gxyLK = dot(dl.xi, dl.xv, w.WY, k * p);
      const gxx = dot(dk.xi, dk.xv, w.WX, o);
      const gyy = dot(dk.yi, dk.yv, w.WY, o);
      const v = gxyKL * gxyLK + gxx * gyy;
      out[k * q + l] = v;
      out[l * q + k] = v;
    }
  }
  return out;
}

/** Q = W (S - Sigma) W (p x p). */
export function residualQ(
  W: Float64Array,
  S: Float64Array,
  Sigma: Float64Array,
  p: number,
): Float64Array {
  const RW = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += (S[i * p + k] - Sigma[i * p + k]) * W[k * p + j];
      RW[i * p + j] = s;
    }
  const Q = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += W[i * p + k] * RW[k * p + j];
      Q[i * p + j] = s;
      Q[j * p + i] = s;
    }
  return Q;
}

/** g_k = x_k' Q y_k. */
export function scores(Q: Float64Array, p: number, d: readonly Rank2[]): Float64Array {
  const g = new Float64Array(d.length);
  d.forEach(({ xi, xv, yi, yv }, k) => {
    let s = 0;
    for (let a = 0; a < xi.length; a++) {
      const row = xi[a] * p;
      let t = 0;
      for (let b = 0; b < yi.length; b++) t += Q[row + yi[b]] * yv[b];
      s += xv[a] * t;
    }
    g[k] = s;
  });
  return g;
}
