import {
  cholesky,
  identity,
  inverse,
  inverseFromCholesky,
  inverseSPD,
  logdetFromCholesky,
  type Mat,
  mul,
  sandwich,
  zeros,
} from "../math/linalg.ts";
import type { ModelStructure } from "../model/spec.ts";
import {
  type ClosedFormFit,
  type ClosedFormPlan,
  closedFormPlan,
  fitClosedForm,
} from "./closedForm.ts";
import { type ParamTable, paramTable } from "./parameters.ts";
import { scoringStep } from "./scoring.ts";

/**
 * Maximum-likelihood estimation of a recursive path model from a covariance matrix, as in
 * lavaan's sem(estimator = "ML", likelihood = "normal"):
 *   F_ML(theta) = log|Sigma(theta)| + tr(S Sigma(theta)^-1) - log|S| - p,
 * with S the covariance matrix using divisor n (the ML estimate), minimised by Fisher scoring
 * from equation-by-equation OLS starting values. Standard errors come from the inverse of the
 * expected information matrix divided by n (lavaan's default information = "expected").
 */
export interface MLResult {
  table: ParamTable;
  theta: Float64Array;
  /** Model-implied covariance at the estimate. */
  Sigma: Mat;
  /** Covariance matrix used (divisor n). */
  S: Mat;
  n: number;
  fmin: number;
  iterations: number;
  converged: boolean;
  /** Expected information per observation (q x q, row-major). */
  information: Float64Array;
  /** How the estimate was found: the exact closed form (closedForm.ts) or Fisher scoring. */
  method: "closed-form" | "iterative";
  /** Diagonal of dSigma/dtheta_k at the estimate (q x p, row k for parameter k). */
  dSigmaDiag: Float64Array;
  /** Covariance matrix of the estimates (q x q), inverse information / n. */
  vcov: Float64Array;
}

export interface EstimationError {
  message: string;
}

export function matrices(table: ParamTable, theta: Float64Array): { B: Mat; Psi: Mat } {
  const p = table.p;
  const B = zeros(p);
  const Psi = zeros(p);
  table.params.forEach((par, k) => {
    if (par.kind === "path") B[par.i * p + par.j] = theta[k];
    else {
      Psi[par.i * p + par.j] = theta[k];
      Psi[par.j * p + par.i] = theta[k];
    }
  });
  if (table.constrained) {
    for (const pos of table.positions) {
      const v = pos.k < 0 ? pos.value : theta[pos.k];
      if (pos.kind === "path") B[pos.i * p + pos.j] = v;
      else {
        Psi[pos.i * p + pos.j] = v;
        Psi[pos.j * p + pos.i] = v;
      }
    }
  }
  return { B, Psi };
}

export function impliedCovariance(table: ParamTable, theta: Float64Array): { Sigma: Mat; A: Mat } {
  const p = table.p;
  const { B, Psi } = matrices(table, theta);
  const IminusB = identity(p);
  for (let i = 0; i < p * p; i++) IminusB[i] -= B[i];
  const A = inverse(IminusB, p)!;
  return { Sigma: sandwich(A, Psi, p), A };
}

/** dSigma/dtheta for one parameter: a path j -> i, a variance (i = j) or a covariance i~~j. */
export function derivative(kind: string, i: number, j: number, A: Mat, Sigma: Mat, p: number): Mat {
  const d = zeros(p);
  if (kind === "path") {
    // d(A Psi A')/dB_ij = A E_ij Sigma + (A E_ij Sigma)'
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++)
        d[r * p + c] = A[r * p + i] * Sigma[j * p + c] + A[c * p + i] * Sigma[j * p + r];
    }
  } else if (kind === "variance") {
    for (let r = 0; r < p; r++)
      for (let c = 0; c < p; c++) d[r * p + c] = A[r * p + i] * A[c * p + i];
  } else {
    for (let r = 0; r < p; r++) {
      for (let c = 0; c < p; c++)
        d[r * p + c] = A[r * p + i] * A[c * p + j] + A[r * p + j] * A[c * p + i];
    }
  }
  return d;
}

/**
 * Every parameter's dSigma/dtheta in rank-2 form, dSigma_k = x_k y_k' + y_k x_k' (row k of X and
 * of Y, each of length p): a path j -> i has x = A[:, i], y = Sigma[j, :]; a covariance i~~j
 * x = A[:, i], y = A[:, j]; a variance x = A[:, i], y = A[:, i] / 2.
 */
interface Rank2 {
  X: Float64Array;
  Y: Float64Array;
}

function derivativeVectors(table: ParamTable, A: Mat, Sigma: Mat): Rank2 {
  const p = table.p;
  const q = table.params.length;
  const X = new Float64Array(q * p);
  const Y = new Float64Array(q * p);
  for (let k = 0; k < q; k++) {
    const { kind, i, j } = table.params[k];
    const o = k * p;
    for (let r = 0; r < p; r++) {
      X[o + r] = A[r * p + i];
      Y[o + r] =
        kind === "path"
          ? Sigma[j * p + r]
          : kind === "variance"
            ? 0.5 * A[r * p + i]
            : A[r * p + j];
    }
  }
  return { X, Y };
}

/**
 * Every free parameter's dSigma/dtheta as a full matrix, summed over the places a shared
 * (equality-constrained) parameter appears. For tables with fixed or shared parameters.
 */
function derivativeMatrices(table: ParamTable, A: Mat, Sigma: Mat): Mat[] {
  const p = table.p;
  return table.params.map((par) => {
    const d = derivative(par.kind, par.i, par.j, A, Sigma, p);
    for (const o of par.also ?? []) {
      const e = derivative(o.kind, o.i, o.j, A, Sigma, p);
      for (let a = 0; a < p * p; a++) d[a] += e[a];
    }
    return d;
  });
}

/** Derivatives in the form the table's estimation path uses. */
type Derivatives = { rank2: Rank2 } | { full: Mat[] };

function derivatives(table: ParamTable, A: Mat, Sigma: Mat): Derivatives {
  return table.constrained
    ? { full: derivativeMatrices(table, A, Sigma) }
    : { rank2: derivativeVectors(table, A, Sigma) };
}

function infoGrad(
  p: number,
  W: Mat,
  resid: Mat | null,
  d: Derivatives,
  q: number,
): { info: Float64Array; grad: Float64Array } {
  return "full" in d
    ? informationAndGradient(p, W, resid, d.full)
    : informationAndGradientRank2(p, W, resid, d.rank2, q);
}

function diagonals(d: Derivatives, p: number, q: number): Float64Array {
  if ("rank2" in d) return derivativeDiagonals(d.rank2, p, q);
  const out = new Float64Array(q * p);
  d.full.forEach((m, k) => {
    for (let r = 0; r < p; r++) out[k * p + r] = m[r * p + r];
  });
  return out;
}

/** The diagonal of every dSigma_k (q x p): dSigma_k[r][r] = 2 x_k[r] y_k[r]. */
function derivativeDiagonals({ X, Y }: Rank2, p: number, q: number): Float64Array {
  const out = new Float64Array(q * p);
  for (let e = 0; e < q * p; e++) out[e] = 2 * X[e] * Y[e];
  return out;
}

/**
 * Expected information per observation and the score direction from the rank-2 derivatives:
 * with G_uv[k][l] = u_k' W v_l (W = Sigma^-1), 0.5 tr(W dSigma_k W dSigma_l) =
 * G_xy[k][l] G_xy[l][k] + G_xx[k][l] G_yy[k][l], and 0.5 tr(W R W dSigma_k) = x_k' (W R W) y_k.
 * Equal to informationAndGradient() on the matrices, at about a third of the work.
 */
function informationAndGradientRank2(
  p: number,
  W: Mat,
  resid: Mat | null,
  { X, Y }: Rank2,
  q: number,
): { info: Float64Array; grad: Float64Array } {
  const WX = new Float64Array(q * p);
  const WY = new Float64Array(q * p);
  for (let k = 0; k < q; k++) {
    const o = k * p;
    for (let a = 0; a < p; a++) {
      let sx = 0;
      let sy = 0;
      for (let c = 0; c < p; c++) {
        const w = W[a * p + c];
        sx += w * X[o + c];
        sy += w * Y[o + c];
      }
      WX[o + a] = sx;
      WY[o + a] = sy;
    }
  }
  const gxy = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    for (let l = 0; l < q; l++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += X[k * p + a] * WY[l * p + a];
      gxy[k * q + l] = s;
    }
  }
  const info = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    for (let l = 0; l <= k; l++) {
      let sxx = 0;
      let syy = 0;
      for (let a = 0; a < p; a++) {
        sxx += X[k * p + a] * WX[l * p + a];
        syy += Y[k * p + a] * WY[l * p + a];
      }
      const v = gxy[k * q + l] * gxy[l * q + k] + sxx * syy;
      info[k * q + l] = v;
      info[l * q + k] = v;
    }
  }
  const grad = new Float64Array(q);
  if (resid) {
    const Q = mul(mul(W, resid, p), W, p);
    for (let k = 0; k < q; k++) {
      let s = 0;
      for (let a = 0; a < p; a++) {
        let t = 0;
        for (let c = 0; c < p; c++) t += Q[a * p + c] * Y[k * p + c];
        s += X[k * p + a] * t;
      }
      grad[k] = s;
    }
  }
  return { info, grad };
}

/** Expected information per observation and the score direction g_k = 0.5 tr(W (S - Sigma) W dSigma_k). */
export function informationAndGradient(
  p: number,
  Sinv: Mat,
  resid: Mat | null,
  dSigma: Mat[],
): { info: Float64Array; grad: Float64Array } {
  const q = dSigma.length;
  const pp = p * p;
  // M_k = W dSigma_k and its transpose, packed so the information is a contiguous dot product:
  // I_kl = 0.5 tr(M_k M_l) = 0.5 sum_ab M_k[a,b] M_l[b,a]
  const M = new Float64Array(q * pp);
  const Mt = new Float64Array(q * pp);
  for (let k = 0; k < q; k++) {
    const d = dSigma[k];
    const o = k * pp;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let c = 0; c < p; c++) s += Sinv[a * p + c] * d[c * p + b];
        M[o + a * p + b] = s;
        Mt[o + b * p + a] = s;
      }
    }
  }
  const info = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    const ok = k * pp;
    for (let l = 0; l <= k; l++) {
      const ol = l * pp;
      let s = 0;
      for (let e = 0; e < pp; e++) s += M[ok + e] * Mt[ol + e];
      info[k * q + l] = 0.5 * s;
      info[l * q + k] = 0.5 * s;
    }
  }
  const grad = new Float64Array(q);
  if (resid) {
    // W (S - Sigma) W
    const R = mul(mul(Sinv, resid, p), Sinv, p);
    for (let k = 0; k < q; k++) {
      const d = dSigma[k];
      let s = 0;
      for (let a = 0; a < p * p; a++) s += R[a] * d[a];
      grad[k] = 0.5 * s;
    }
  }
  return { info, grad };
}

function fml(S: Mat, Sigma: Mat, p: number, logdetS: number): { f: number; inv: Mat } | null {
  const l = cholesky(Sigma, p);
  if (!l) return null;
  const inv = inverseFromCholesky(l, p);
  let tr = 0;
  for (let a = 0; a < p * p; a++) tr += S[a] * inv[a];
  return { f: logdetFromCholesky(l, p) + tr - logdetS - p, inv };
}

/**
 * Starting values with fixed and shared parameters: each equation by OLS of the variable, less
 * its fixed paths, on its free parents; a shared parameter starts at the mean of its places;
 * Psi = (I-B) S (I-B)' with B holding the starting and fixed paths.
 */
function constrainedStartValues(table: ParamTable, S: Mat): Float64Array {
  const p = table.p;
  const sum = new Float64Array(table.params.length);
  const count = new Float64Array(table.params.length);
  const paths = table.positions.filter((x) => x.kind === "path");
  for (let i = 0; i < p; i++) {
    const free = paths.filter((x) => x.i === i && x.k >= 0);
    const fixedHere = paths.filter((x) => x.i === i && x.k < 0);
    if (!free.length) continue;
    const js = free.map((x) => x.j);
    const q = js.length;
    const sxx = zeros(q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) sxx[a * q + b] = S[js[a] * p + js[b]];
    const inv = inverseSPD(sxx, q) ?? inverse(sxx, q);
    if (!inv) continue;
    const sxy = js.map((j) => {
      let v = S[j * p + i];
      for (const f of fixedHere) v -= f.value * S[j * p + f.j];
      return v;
    });
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += inv[a * q + b] * sxy[b];
      sum[free[a].k] += s;
      count[free[a].k]++;
    }
  }
  const theta = new Float64Array(table.params.length);
  table.params.forEach((par, k) => {
    if (par.kind === "path" && count[k] > 0) theta[k] = sum[k] / count[k];
  });
  const { B } = matrices(table, theta);
  const IminusB = identity(p);
  for (let a = 0; a < p * p; a++) IminusB[a] -= B[a];
  const Psi = sandwich(IminusB, S, p);
  table.params.forEach((par, k) => {
    if (par.kind === "path") return;
    const places = [par, ...(par.also ?? [])];
    theta[k] = places.reduce((s, x) => s + Psi[x.i * p + x.j], 0) / places.length;
  });
  return theta;
}

/** OLS starting values: each endogenous variable on its parents, Psi = (I-B) S (I-B)'. */
function startValues(table: ParamTable, S: Mat): Float64Array {
  if (table.constrained) return constrainedStartValues(table, S);
  const p = table.p;
  const theta = new Float64Array(table.params.length);
  const B = zeros(p);
  for (let i = 0; i < p; i++) {
    const ks = table.params
      .map((par, k) => ({ par, k }))
      .filter(({ par }) => par.kind === "path" && par.i === i);
    if (!ks.length) continue;
    const js = ks.map(({ par }) => par.j);
    const q = js.length;
    const sxx = zeros(q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) sxx[a * q + b] = S[js[a] * p + js[b]];
    const inv = inverseSPD(sxx, q) ?? inverse(sxx, q);
    if (!inv) continue;
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += inv[a * q + b] * S[js[b] * p + i];
      theta[ks[a].k] = s;
      B[i * p + js[a]] = s;
    }
  }
  const IminusB = identity(p);
  for (let a = 0; a < p * p; a++) IminusB[a] -= B[a];
  const Psi = sandwich(IminusB, S, p);
  table.params.forEach((par, k) => {
    if (par.kind !== "path") theta[k] = Psi[par.i * p + par.j];
  });
  return theta;
}

/**
 * "auto": the closed form when the model's structure allows it (closedForm.ts), Fisher scoring
 * otherwise; "iterative": always Fisher scoring; "closed-form": the closed form or an error.
 */
export type EstimationMethod = "auto" | "iterative" | "closed-form";

/** The method when none is given (the golden comparison of the two paths patches this line). */
export const DEFAULT_ESTIMATION_METHOD: EstimationMethod = "auto";

export interface MLOptions {
  maxIterations?: number;
  tolerance?: number;
  method?: EstimationMethod;
}

/** Expected information per observation at theta (for results of the closed form, on demand). */
export function expectedInformation(table: ParamTable, theta: Float64Array): Float64Array {
  const { Sigma, A } = impliedCovariance(table, theta);
  const W = inverseSPD(Sigma, table.p) ?? inverse(Sigma, table.p);
  if (!W) return new Float64Array(table.params.length ** 2).fill(Number.NaN);
  return infoGrad(table.p, W, null, derivatives(table, A, Sigma), table.params.length).info;
}

/** Parameter tables by structure object (a structure is immutable; its table is reused). */
const tables = new WeakMap<ModelStructure, ParamTable>();

function tableOf(structure: ModelStructure | ParamTable): ParamTable {
  if ("params" in structure) return structure;
  let t = tables.get(structure);
  if (!t) {
    t = paramTable(structure);
    tables.set(structure, t);
  }
  return t;
}

/**
 * The MLResult of the closed form. The expected information is computed when first read (a
 * getter on the class: an object literal with a getter costs more to create than the fit).
 */
export class ClosedFormResult implements MLResult {
  readonly theta: Float64Array;
  readonly Sigma: Mat;
  readonly S: Mat;
  readonly fmin: number;
  readonly iterations = 0;
  readonly converged = true;
  readonly method = "closed-form" as const;
  readonly dSigmaDiag: Float64Array;
  readonly vcov: Float64Array;
  private info: Float64Array | undefined;
  constructor(
    readonly table: ParamTable,
    readonly n: number,
    cf: ClosedFormFit,
    /** The plan the fit followed (its vcov is nonzero only on vcovSupport(plan)). */
    readonly plan: ClosedFormPlan,
  ) {
    this.theta = cf.theta;
    this.Sigma = cf.Sigma;
    this.S = cf.S;
    this.fmin = cf.fmin;
    this.dSigmaDiag = cf.dSigmaDiag;
    this.vcov = cf.vcov;
  }
  get information(): Float64Array {
    this.info ??= expectedInformation(this.table, this.theta);
    return this.info;
  }
}

/**
 * Fit `structure` to the covariance matrix `cov` (divisor n - 1, as sample covariances are
 * usually reported) of n observations.
 */
export function fitML(
  structure: ModelStructure | ParamTable,
  cov: Mat,
  n: number,
  options: MLOptions = {},
): { ok: true; result: MLResult } | { ok: false; error: EstimationError } {
  const table = tableOf(structure);
  const p = table.p;
  const q = table.params.length;
  const moments = (p * (p + 1)) / 2;
  if (q > moments) {
    return {
      ok: false,
      error: {
        message: `the model has ${q} free parameters but only ${moments} variances and covariances to fit them: it is not identified`,
      },
    };
  }
  if (n <= q)
    return {
      ok: false,
      error: {
        message: `n = ${n} observations is too few for ${q} free parameters (need more than ${q})`,
      },
    };
  const method = options.method ?? DEFAULT_ESTIMATION_METHOD;
  if (method !== "iterative") {
    const plan = closedFormPlan(table);
    const cf = plan ? fitClosedForm(table, plan, cov, n) : null;
    if (cf && plan) return { ok: true, result: new ClosedFormResult(table, n, cf, plan) };
    if (method === "closed-form")
      return {
        ok: false,
        error: {
          message: plan
            ? "the closed form needs a positive-definite covariance matrix in which no variable is (almost) a linear combination of the variables before it"
            : "the model has no closed-form ML estimate (see closedForm.ts for the condition)",
        },
      };
  }
  const S = new Float64Array(cov.length);
  for (let a = 0; a < cov.length; a++) S[a] = (cov[a] * (n - 1)) / n;
  const lS = cholesky(S, p);
  if (!lS)
    return {
      ok: false,
      error: {
        message:
          "the covariance matrix is singular or not positive definite (a variable is constant or a linear combination of others)",
      },
    };
  const logdetS = logdetFromCholesky(lS, p);
  const maxIt = options.maxIterations ?? 200;
  const tol = options.tolerance ?? 1e-10;

  let theta: Float64Array = startValues(table, S);
  let cur = impliedCovariance(table, theta);
  let fit = fml(S, cur.Sigma, p, logdetS);
  if (!fit)
    return {
      ok: false,
      error: { message: "starting values give a non-positive-definite implied matrix" },
    };
  let iterations = 0;
  let converged = false;
  let info: Float64Array = new Float64Array(q * q);
  let infoInv: Float64Array | null = null;
  let d = derivatives(table, cur.A, cur.Sigma);
  for (; iterations < maxIt; iterations++) {
    const resid = zeros(p);
    for (let a = 0; a < p * p; a++) resid[a] = S[a] - cur.Sigma[a];
    const ig = infoGrad(p, fit.inv, resid, d, q);
    info = ig.info;
    const sc = scoringStep(info, ig.grad, q);
    if (!sc)
      return {
        ok: false,
        error: { message: "the information matrix is singular: the model is not identified" },
      };
    infoInv = sc.infoInv;
    const { step, maxStep } = sc;
    if (maxStep < tol) {
      converged = true;
      break;
    }
    let scale = 1;
    let accepted = false;
    for (let h = 0; h < 30; h++) {
      const trial = new Float64Array(q);
      for (let k = 0; k < q; k++) trial[k] = theta[k] + scale * step[k];
      const tc = impliedCovariance(table, trial);
      const tf = fml(S, tc.Sigma, p, logdetS);
      if (tf && tf.f <= fit.f + 1e-12) {
        theta = trial;
        cur = tc;
        fit = tf;
        accepted = true;
        break;
      }
      scale /= 2;
    }
    d = derivatives(table, cur.A, cur.Sigma);
    infoInv = null;
    if (!accepted) {
      converged = maxStep < 1e-6;
      break;
    }
  }
  if (!converged)
    return {
      ok: false,
      error: { message: `the ML estimation did not converge in ${maxIt} iterations` },
    };
  if (!infoInv) {
    // information at the final estimate (when the last step moved theta)
    info = infoGrad(p, fit.inv, null, d, q).info;
    infoInv = inverseSPD(info, q) ?? inverse(info, q);
    if (!infoInv)
      return {
        ok: false,
        error: { message: "the information matrix is singular: the model is not identified" },
      };
  }
  const vcov = new Float64Array(q * q);
  for (let a = 0; a < q * q; a++) vcov[a] = infoInv[a] / n;
  return {
    ok: true,
    result: {
      table,
      theta,
      Sigma: cur.Sigma,
      S,
      n,
      fmin: fit.f,
      iterations,
      converged,
      information: info,
      method: "iterative",
      dSigmaDiag: diagonals(d, p, q),
      vcov,
    },
  };
}
