import { freshFloat64, inverse } from "../math/linalg.ts";
import type { MeasurementModel, ModelParam } from "./model.ts";

/**
 * The model matrices at a parameter vector, the implied covariance and, for every parameter,
 * dSigma/dtheta_k in rank-2 form x_k y_k' + y_k x_k' (x, y of length p):
 *   Lambda_ij (item i, factor j): x = e_i,          y = (Lambda Phi)[:, j]
 *   B_fg      (f ~ g):            x = (Lambda A)[:, f], y = (Lambda Phi)[:, g]
 *   Psi_fg    (f ~~ g, f != g):   x = (Lambda A)[:, f], y = (Lambda A)[:, g]   (f = g: y = x / 2)
 *   Theta_ij  (i ~~ j, i != j):   x = e_i,          y = e_j                    (i = j: y = e_i / 2)
 * with A = (I - B)^-1 and Phi = A Psi A' the latent covariance matrix. Matrices are row-major.
 */
export interface Implied {
  p: number;
  m: number;
  Lambda: Float64Array; // p x m
  B: Float64Array; // m x m
  Psi: Float64Array; // m x m
  Theta: Float64Array; // p x p
  /** (I - B)^-1, m x m */
  A: Float64Array;
  /** Lambda A, p x m */
  LA: Float64Array;
  /** Phi = A Psi A', the latent covariance matrix, m x m */
  Phi: Float64Array;
  /** Lambda Phi, p x m */
  LPhi: Float64Array;
  /** Lambda Phi Lambda' + Theta (p x p); empty when `implied` was asked not to form it. */
  Sigma: Float64Array;
}

function setParam(
  par: ModelParam,
  v: number,
  mats: Pick<Implied, "Lambda" | "B" | "Psi" | "Theta" | "p" | "m">,
) {
  const { p, m } = mats;
  if (par.matrix === "lambda") mats.Lambda[par.row * m + par.col] = v;
  else if (par.matrix === "beta") mats.B[par.row * m + par.col] = v;
  else if (par.matrix === "psi") {
    mats.Psi[par.row * m + par.col] = v;
    mats.Psi[par.col * m + par.row] = v;
  } else {
    mats.Theta[par.row * p + par.col] = v;
    mats.Theta[par.col * p + par.row] = v;
  }
}

/**
 * The model at theta (free parameters in model order). Returns null if I - B is singular. With
 * `scratch`, for the estimator's iterates on its Woodbury path (woodbury.ts), Sigma is left empty
 * (length 0; `withSigma` fills it in) and the matrices are views carved from shared blocks
 * (freshFloat64): call implied() again for matrices to keep or post to another thread.
 */
export function implied(
  model: MeasurementModel,
  theta: ArrayLike<number>,
  scratch = false,
): Implied | null {
  const alloc = scratch ? freshFloat64 : (n: number) => new Float64Array(n);
  const p = model.observed.length;
  const m = model.latent.length;
  const mats = {
    p,
    m,
    Lambda: alloc(p * m),
    B: alloc(m * m),
    Psi: alloc(m * m),
    Theta: alloc(p * p),
  };
  model.params.forEach((par, k) => {
    setParam(par, k < model.nFree ? theta[k] : par.value, mats);
  });
  let A: Float64Array;
  if (model.hasRegressions) {
    const IB = alloc(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) IB[i * m + j] = (i === j ? 1 : 0) - mats.B[i * m + j];
    const inv = inverse(IB, m);
    if (!inv) return null;
    A = inv;
  } else {
    A = alloc(m * m);
    for (let i = 0; i < m; i++) A[i * m + i] = 1;
  }
  const { Lambda, Psi } = mats;
  const Phi = alloc(m * m);
  const LA = alloc(p * m);
  const LPhi = alloc(p * m);
  if (model.hasRegressions) {
    // Phi = A Psi A'
    const APsi = alloc(m * m);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += A[i * m + k] * Psi[k * m + j];
        APsi[i * m + j] = s;
      }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += APsi[i * m + k] * A[j * m + k];
        Phi[i * m + j] = s;
      }
  } else {
    // A = I: the products above reduce to Phi = Psi and Lambda A = Lambda exactly, their zero
    // terms only turning a -0 into +0 (hence the + 0)
    for (let a = 0; a < m * m; a++) Phi[a] = Psi[a] + 0;
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < m; j++) {
      let sa = 0;
      let sp = 0;
      for (let k = 0; k < m; k++) {
        const l = Lambda[i * m + k];
        if (l === 0) continue;
        sa += l * A[k * m + j];
        sp += l * Phi[k * m + j];
      }
      LA[i * m + j] = sa;
      LPhi[i * m + j] = sp;
    }
  }
  // an explicit literal: V8 builds object spreads slowly (this runs per evaluated point)
  const im: Implied = {
    p,
    m,
    Lambda,
    B: mats.B,
    Psi,
    Theta: mats.Theta,
    A,
    LA,
    Phi,
    LPhi,
    Sigma: alloc(0),
  };
  return scratch ? im : withSigma(im);
}

/** The model matrices with Sigma = Lambda Phi Lambda' + Theta filled in (see `implied`). */
export function withSigma(im: Implied): Implied {
  const { p, m, Theta, LPhi, Lambda } = im;
  const Sigma = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = Theta[i * p + j];
      for (let k = 0; k < m; k++) s += LPhi[i * m + k] * Lambda[j * m + k];
      Sigma[i * p + j] = s;
      Sigma[j * p + i] = s;
    }
  }
  const { B, Psi, A, LA, Phi } = im;
  return { p, m, Lambda, B, Psi, Theta, A, LA, Phi, LPhi, Sigma };
}

/** One parameter's rank-2 derivative, as sparse vectors (indices and values). */
export interface Rank2 {
  xi: Int32Array;
  xv: Float64Array;
  yi: Int32Array;
  yv: Float64Array;
}

function sparse(dense: Float64Array): { i: Int32Array; v: Float64Array } {
  let n = 0;
  for (let a = 0; a < dense.length; a++) if (dense[a] !== 0) n++;
  const i = new Int32Array(n);
  const v = new Float64Array(n);
  n = 0;
  for (let a = 0; a < dense.length; a++)
    if (dense[a] !== 0) {
      i[n] = a;
      v[n++] = dense[a];
    }
  return { i, v };
}

const unit = (a: number, value: number) => ({ i: Int32Array.of(a), v: Float64Array.of(value) });

function column(M: Float64Array, rows: number, cols: number, j: number, scale = 1): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = scale * M[r * cols + j];
  return out;
}

/** dSigma/dtheta for a parameter (free or not: modification indices use fixed ones too). */
export function rank2(par: Pick<ModelParam, "matrix" | "row" | "col">, im: Implied): Rank2 {
  const { p, m } = im;
  let x: { i: Int32Array; v: Float64Array };
  let y: { i: Int32Array; v: Float64Array };
  const { row, col } = par;
  if (par.matrix === "lambda") {
    x = unit(row, 1);
    y = sparse(column(im.LPhi, p, m, col));
  } else if (par.matrix === "beta") {
    x = sparse(column(im.LA, p, m, row));
    y = sparse(column(im.LPhi, p, m, col));
  } else if (par.matrix === "psi") {
    x = sparse(column(im.LA, p, m, row));
    y = row === col ? sparse(column(im.LA, p, m, col, 0.5)) : sparse(column(im.LA, p, m, col));
  } else {
    x = unit(row, 1);
    y = unit(col, row === col ? 0.5 : 1);
  }
  return { xi: x.i, xv: x.v, yi: y.i, yv: y.v };
}
