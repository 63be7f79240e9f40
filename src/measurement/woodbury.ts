import { log } from "../math/fdlibm.ts";
import {
  choleskyInto,
  freshFloat64,
  inverseFromCholesky,
  logdetFromCholesky,
} from "../math/linalg.ts";
import type { Weighted } from "./derivatives.ts";
import type { Implied } from "./implied.ts";
import type { MeasurementModel } from "./model.ts";

/**
 * The ML discrepancy and its gradient for a pure CFA (no regressions, diagonal Theta) without
 * any p x p factorisation. With Sigma = Lambda Phi Lambda' + Theta, D = Theta^-1 (diagonal),
 * U = D Lambda (p x m, as sparse as Lambda), G = Lambda' U, Phi = C C' (Cholesky) and
 * K = I + C' G C (m x m, positive definite whenever Theta and Phi are):
 *   Sigma^-1 = D - U N U',  N = C K^-1 C'                       (Woodbury)
 *   log|Sigma| = log|Theta| + log|K|                             (matrix determinant lemma)
 *   tr(S Sigma^-1) = sum_i d_i s_ii - tr(N U'Y),  Y = S U        (p x m, O(p * nnz(Lambda)))
 * and, with Q = W (S - Sigma) W = W S W - W (W = Sigma^-1) and V = W Lambda = U (I - N G),
 *   g_lambda = (Q Lambda Phi)_ij = ((W S V - V) Phi)_ij,
 *   g_psi    = c (Lambda' Q Lambda)_fg = c (V' S V - Lambda' V)_fg,
 *   g_theta  = c Q_ii = c (w_i' S w_i - W_ii),  w_i = d_i e_i - U N U_i',
 * all O(p m^2 + p nnz(Lambda)) instead of O(p^3). Exact in exact arithmetic; in floating point it
 * agrees with the dense path (Cholesky of Sigma) to rounding, not bit for bit.
 * Applies when Theta's diagonal is positive and Phi positive definite at theta; otherwise (a
 * Heywood case on the way, a correlation fixed to 1) the caller uses the dense path.
 */
export interface WoodburyEval {
  F: number;
  /** Theta^-1 diagonal */
  d: Float64Array;
  /** D Lambda (p x m) */
  U: Float64Array;
  /** C K^-1 C' (m x m) */
  N: Float64Array;
  /** S U (p x m) */
  Y: Float64Array;
  /** Lambda' U (m x m) */
  G: Float64Array;
}

/** Whether the model is a pure CFA: no regressions and no residual covariance (free or fixed). */
export function woodburyApplies(model: MeasurementModel): boolean {
  if (model.hasRegressions) return false;
  for (const par of model.params) {
    if (par.matrix === "beta") return false;
    if (par.matrix === "theta" && par.row !== par.col) return false;
  }
  return true;
}

/** Columns of Lambda as (row, value) lists: the non-zero loadings per factor. */
function loadingLists(im: Implied): { rows: Int32Array[]; vals: Float64Array[] } {
  const { p, m, Lambda } = im;
  const rows: Int32Array[] = [];
  const vals: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    let c = 0;
    for (let a = 0; a < p; a++) if (Lambda[a * m + j] !== 0) c++;
    const r = new Int32Array(c);
    const v = freshFloat64(c);
    c = 0;
    for (let a = 0; a < p; a++) {
      const l = Lambda[a * m + j];
      if (l !== 0) {
        r[c] = a;
        v[c++] = l;
      }
    }
    rows.push(r);
    vals.push(v);
  }
  return { rows, vals };
}

/** F_ML at the implied moments by Woodbury, or null when Theta or Phi is not positive definite. */
export function woodburyEvaluate(
  im: Implied,
  S: Float64Array,
  logdetS: number,
): WoodburyEval | null {
  const { p, m, Theta, Phi } = im;
  const d = freshFloat64(p);
  let logdetTheta = 0;
  let trDS = 0;
  for (let i = 0; i < p; i++) {
    const t = Theta[i * p + i];
    if (!(t > 0)) return null;
    d[i] = 1 / t;
    logdetTheta += log(t);
    trDS += S[i * p + i] * d[i];
  }
  const C = choleskyInto(Phi, m, freshFloat64(m * m));
  if (!C) return null;
  const { rows, vals } = loadingLists(im);
  const U = freshFloat64(p * m);
  const G = freshFloat64(m * m);
  const Y = freshFloat64(p * m);
  for (let j = 0; j < m; j++) {
    const r = rows[j];
    const v = vals[j];
    for (let t = 0; t < r.length; t++) U[r[t] * m + j] = v[t] * d[r[t]];
    // Y[:, j] = S U[:, j] over the factor's items only
    for (let a = 0; a < p; a++) {
      const oa = a * p;
      let s = 0;
      for (let t = 0; t < r.length; t++) s += S[oa + r[t]] * U[r[t] * m + j];
      Y[a * m + j] = s;
    }
  }
  for (let f = 0; f < m; f++)
    for (let g = 0; g <= f; g++) {
      const r = rows[f];
      const v = vals[f];
      let s = 0;
      for (let t = 0; t < r.length; t++) s += v[t] * U[r[t] * m + g];
      G[f * m + g] = s;
      G[g * m + f] = s;
    }
  // K = I + C' G C
  const GC = freshFloat64(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let k = b; k < m; k++) s += G[a * m + k] * C[k * m + b];
      GC[a * m + b] = s;
    }
  const K = freshFloat64(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b <= a; b++) {
      let s = a === b ? 1 : 0;
      for (let k = a; k < m; k++) s += C[k * m + a] * GC[k * m + b];
      K[a * m + b] = s;
      K[b * m + a] = s;
    }
  const LK = choleskyInto(K, m, freshFloat64(m * m));
  if (!LK) return null;
  const Kinv = inverseFromCholesky(LK, m);
  // N = C K^-1 C'
  const CK = freshFloat64(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      let s = 0;
      for (let k = 0; k <= a; k++) s += C[a * m + k] * Kinv[k * m + b];
      CK[a * m + b] = s;
    }
  const N = freshFloat64(m * m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let k = 0; k <= b; k++) s += CK[a * m + k] * C[b * m + k];
      N[a * m + b] = s;
      N[b * m + a] = s;
    }
  // tr(N U'Y)
  let trN = 0;
  for (let f = 0; f < m; f++) {
    const r = rows[f];
    for (let g = 0; g < m; g++) {
      let s = 0;
      for (let t = 0; t < r.length; t++) s += U[r[t] * m + f] * Y[r[t] * m + g];
      trN += N[g * m + f] * s;
    }
  }
  const F = logdetTheta + logdetFromCholesky(LK, m) + trDS - trN - logdetS - p;
  return Number.isFinite(F) ? { F, d, U, N, Y, G } : null;
}

/** m x m product a b (row-major). */
function mulSmall(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const c = freshFloat64(m * m);
  for (let i = 0; i < m; i++)
    for (let k = 0; k < m; k++) {
      const x = a[i * m + k];
      if (x === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += x * b[k * m + j];
    }
  return c;
}

/** (p x m) times (m x m). */
function mulTall(a: Float64Array, b: Float64Array, p: number, m: number): Float64Array {
  const c = freshFloat64(p * m);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < m; k++) {
      const x = a[i * m + k];
      if (x === 0) continue;
      for (let j = 0; j < m; j++) c[i * m + j] += x * b[k * m + j];
    }
  return c;
}

/** a' b for two p x m matrices (m x m). */
function crossTall(a: Float64Array, b: Float64Array, p: number, m: number): Float64Array {
  const c = freshFloat64(m * m);
  for (let i = 0; i < p; i++)
    for (let k = 0; k < m; k++) {
      const x = a[i * m + k];
      if (x === 0) continue;
      for (let j = 0; j < m; j++) c[k * m + j] += x * b[i * m + j];
    }
  return c;
}

/** W Lambda = U (I - N G) (p x m). */
function wLambda(e: WoodburyEval, p: number, m: number): Float64Array {
  const NG = mulSmall(e.N, e.G, m);
  for (let a = 0; a < m * m; a++) NG[a] = -NG[a];
  for (let a = 0; a < m; a++) NG[a * m + a] += 1;
  return mulTall(e.U, NG, p, m);
}

/** W X = D X - U N U'X for a p x m matrix X. */
function applyW(e: WoodburyEval, X: Float64Array, p: number, m: number): Float64Array {
  const UNUX = mulTall(e.U, mulSmall(e.N, crossTall(e.U, X, p, m), m), p, m);
  const out = freshFloat64(p * m);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < m; j++) out[i * m + j] = e.d[i] * X[i * m + j] - UNUX[i * m + j];
  return out;
}

/**
 * The score direction g_k = 0.5 tr(W (S - Sigma) W dSigma_k) of every free parameter (model
 * order, as gradientFast) from a Woodbury evaluation.
 */
export function woodburyGradient(
  model: MeasurementModel,
  im: Implied,
  e: WoodburyEval,
  S: Float64Array,
): Float64Array {
  const { p, m, Phi } = im;
  const NG = mulSmall(e.N, e.G, m);
  const I_NG = freshFloat64(m * m);
  for (let a = 0; a < m * m; a++) I_NG[a] = -NG[a];
  for (let a = 0; a < m; a++) I_NG[a * m + a] += 1;
  const V = mulTall(e.U, I_NG, p, m); // W Lambda
  const Z = mulTall(e.Y, I_NG, p, m); // S V
  const WZ = applyW(e, Z, p, m);
  for (let a = 0; a < p * m; a++) WZ[a] -= V[a]; // Q Lambda
  const QLPhi = mulTall(WZ, Phi, p, m);
  const VZ = crossTall(V, Z, p, m); // Lambda' W S W Lambda
  const LV = mulSmall(e.G, I_NG, m); // Lambda' W Lambda
  const UY = crossTall(e.U, e.Y, p, m); // U' S U
  const q = model.nFree;
  const g = freshFloat64(q);
  const r = freshFloat64(m);
  const Yr = freshFloat64(m);
  const nzU = new Int32Array(m);
  for (let k = 0; k < q; k++) {
    const { matrix, row, col } = model.params[k];
    if (matrix === "lambda") g[k] = QLPhi[row * m + col];
    else if (matrix === "psi") {
      const v = VZ[row * m + col] - LV[row * m + col];
      g[k] = row === col ? 0.5 * v : v;
    } else {
      // theta, diagonal: r = N U_i' (U_i has the item's loadings only: its zero products are
      // skipped, which leaves every sum as it was, a sum from +0 being unchanged by a zero term)
      const i = row;
      const oi = i * m;
      let nz = 0;
      for (let b = 0; b < m; b++) if (e.U[oi + b] !== 0) nzU[nz++] = b;
      let uNu = 0;
      for (let a = 0; a < m; a++) {
        let s = 0;
        for (let t = 0; t < nz; t++) {
          const b = nzU[t];
          s += e.N[a * m + b] * e.U[oi + b];
        }
        r[a] = s;
        const ua = e.U[oi + a];
        if (ua !== 0) uNu += ua * s;
      }
      let yr = 0;
      let rUYr = 0;
      for (let a = 0; a < m; a++) {
        yr += e.Y[i * m + a] * r[a];
        let s = 0;
        for (let b = 0; b < m; b++) s += UY[a * m + b] * r[b];
        Yr[a] = s;
        rUYr += r[a] * s;
      }
      const di = e.d[i];
      const wsw = di * di * S[i * p + i] - 2 * di * yr + rUYr;
      g[k] = 0.5 * (wsw - (di - uNu));
    }
  }
  return g;
}

/**
 * The Weighted vectors of derivatives.ts (W, W Lambda Phi, W Lambda) from a Woodbury evaluation,
 * for the expected information: W = D - U N U' formed once (O(p^2 m)), the rest O(p m^2).
 */
export function woodburyWeighted(im: Implied, e: WoodburyEval): Weighted {
  const { p, m } = im;
  const nv = p + 2 * m;
  const WV = freshFloat64(nv * p);
  const vec = freshFloat64(nv * p);
  const UN = mulTall(e.U, e.N, p, m);
  for (let a = 0; a < p; a++) {
    const oa = a * p;
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let j = 0; j < m; j++) {
        const u = e.U[b * m + j];
        if (u !== 0) s += UN[a * m + j] * u;
      }
      const w = (a === b ? e.d[a] : 0) - s;
      WV[oa + b] = w;
      WV[b * p + a] = w;
    }
  }
  const V = wLambda(e, p, m);
  const VPhi = mulTall(V, im.Phi, p, m);
  for (let j = 0; j < m; j++) {
    const o1 = (p + j) * p;
    const o2 = (p + m + j) * p;
    for (let r = 0; r < p; r++) {
      vec[o1 + r] = im.LPhi[r * m + j];
      vec[o2 + r] = im.LA[r * m + j];
      WV[o1 + r] = VPhi[r * m + j];
      WV[o2 + r] = V[r * m + j];
    }
  }
  return { nv, WV, vec };
}
