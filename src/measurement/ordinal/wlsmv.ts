import { chiSquareUpper } from "../../math/distributions.ts";
import { choleskyInto, inverseSPD } from "../../math/linalg.ts";
import { gramUpper, productNT } from "../dense.ts";
import { type Implied, implied } from "../implied.ts";
import { buildModel, type MeasurementModel, type ModelSpec } from "../model.ts";
import { startValues } from "../start.ts";
import { type OrdinalAcov, ordinalAcov, transpose } from "./asymptoticCovariance.ts";
import { corIndex, type OrdinalSampleStats } from "./sampleStatistics.ts";

/**
 * WLSMV for a CFA / latent SEM of ordinal items, as lavaan's cfa(..., ordered = TRUE,
 * estimator = "WLSMV") with its defaults (parameterization = "delta", no covariates):
 *
 * - the latent responses y* are standard normal: the model is Sigma* = Lambda Phi Lambda' +
 *   Theta with the residual variances not free but 1 - diag(Lambda Phi Lambda') (scale factors
 *   Delta = 1), and each threshold a free parameter matched to its sample threshold;
 * - DWLS: minimise F = 1/2 (n-1)/n (s - sigma)' W (s - sigma) (lavaan's fx), s = (thresholds, polychorics), W =
 *   diag(1 / diag(Gamma)) (Gauss-Newton with step halving, from FABIN-like starts on the
 *   polychoric matrix); the thresholds are saturated, so their estimates are the sample ones;
 * - robust SEs: vcov = E^-1 Delta' W Gamma W Delta E^-1 / (n - 1), E = Delta' W Delta
 *   (lavaan divides by n - 1 for every estimator but ML);
 * - test: T = 2 n F = (n - 1) (s - sigma)' W (s - sigma); scaled.shifted (Asparouhov & Muthén 2010): U = W - W Delta E^-1 Delta' W,
 *   a = sqrt(df / tr((U Gamma)^2)), shift = df - a tr(U Gamma), T_ss = a T + shift on df.
 */
export interface WlsmvParam {
  lhs: string;
  op: "=~" | "~" | "~~" | "|";
  rhs: string;
  est: number;
  se: number;
  free: boolean;
  /** Completely standardized (lavaan's std.all; y* has unit variance in this parameterization). */
  stdAll: number;
}

export interface WlsmvEstimate {
  /** The model with the residual variances of the items removed (delta parameterization). */
  model: MeasurementModel;
  stats: OrdinalSampleStats;
  acov: OrdinalAcov;
  /** Structural free parameters, model order. */
  theta: Float64Array;
  se: Float64Array;
  /** Robust covariance matrix of the structural estimates (q x q, model order). */
  vcov: Float64Array;
  thresholdSe: Float64Array;
  /** Residual variances 1 - diag(Lambda Phi Lambda') (not free: delta parameterization). */
  residualVariances: Float64Array;
  implied: Implied;
  /** lavaan's fmin, F above. */
  fmin: number;
  n: number;
  iterations: number;
  /** Number of free parameters, thresholds included (lavaan's npar). */
  npar: number;
  test: {
    chisq: number;
    df: number;
    pvalue: number;
    chisqScaled: number;
    pvalueScaled: number;
    scalingFactor: number;
    shift: number;
    traceUGamma: number;
    traceUGamma2: number;
  };
  /** One row per parameter in lavaan's parameterEstimates() terms. */
  params: WlsmvParam[];
  /** d sigma / d theta of the polychorics (pstar x q, row-major) at the estimate. */
  deltaStructural: Float64Array;
  /** (Delta' W Delta)^-1 of the structural parameters (q x q): lavaan's inverted information. */
  informationInverse: Float64Array;
}

export type WlsmvOutcome =
  | { ok: true; estimate: WlsmvEstimate }
  | { ok: false; reason: string; message: string };

/** The delta-parameterization model: buildModel's, without the items' residual variances. */
export function deltaModel(
  spec: ModelSpec,
): { ok: true; model: MeasurementModel; drop: number[] } | { ok: false; message: string } {
  const b = buildModel(spec);
  if (!b.ok) return b;
  const m = b.model;
  const drop: number[] = [];
  const params = m.params.filter((par, k) => {
    const residual = par.matrix === "theta" && par.row === par.col;
    if (residual && k < m.nFree) drop.push(k);
    return !residual;
  });
  return { ok: true, model: { ...m, params, nFree: m.nFree - drop.length }, drop };
}

/**
 * d sigma / d theta of the polychorics (p* x q) in compressed rows: row k's non-zero entries are
 * val[ptr[k] .. ptr[k+1]), their parameters col[...] in increasing order. A polychoric depends
 * on a few parameters (its two items' loadings, their factors' (co)variances, ...), so Delta is
 * built from each parameter's rank-2 derivative without a dense p* x q pass.
 */
interface SparseDelta {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Work arrays of sparseDelta for p items (x, y dense, their supports, the per-row marks). */
interface DeltaScratch {
  x: Float64Array;
  y: Float64Array;
  xi: Int32Array;
  yi: Int32Array;
  mark: Int32Array;
  rows: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

function deltaScratch(p: number): DeltaScratch {
  const pstar = (p * (p - 1)) / 2;
  return {
    x: new Float64Array(p),
    y: new Float64Array(p),
    xi: new Int32Array(p),
    yi: new Int32Array(p),
    mark: new Int32Array(pstar).fill(-1),
    rows: new Int32Array(4 * pstar),
    cols: new Int32Array(4 * pstar),
    vals: new Float64Array(4 * pstar),
  };
}

/**
 * Column j of M (p x m, row-major) times `scale` into v (dense, length p) and the indices of its
 * non-zero entries into idx; returns their count.
 */
function columnInto(
  M: Float64Array,
  p: number,
  m: number,
  j: number,
  scale: number,
  v: Float64Array,
  idx: Int32Array,
): number {
  let c = 0;
  for (let r = 0; r < p; r++) {
    const x = scale * M[r * m + j];
    v[r] = x;
    if (x !== 0) idx[c++] = r;
  }
  return c;
}

/** The unit vector e_a times `value` (dense and support); returns 1. */
function unitInto(a: number, value: number, v: Float64Array, idx: Int32Array): number {
  v.fill(0);
  v[a] = value;
  idx[0] = a;
  return 1;
}

/**
 * d sigma / d theta of the polychorics in compressed rows. Parameter k's derivative of Sigma is
 * x y' + y x' (implied.ts's rank2, the same vectors written into scratch):
 *   lambda (item i, factor j): x = e_i, y = (Lambda Phi)[:, j]; beta f ~ g: x = (Lambda A)[:, f],
 *   y = (Lambda Phi)[:, g]; psi f ~~ g: x = (Lambda A)[:, f], y = (Lambda A)[:, g] (f = g: y = x/2);
 *   theta i ~~ j: x = e_i, y = e_j (i = j: y = e_i / 2).
 */
function sparseDelta(model: MeasurementModel, im: Implied, s: DeltaScratch): SparseDelta {
  const p = model.observed.length;
  const m = model.latent.length;
  const q = model.nFree;
  const pstar = (p * (p - 1)) / 2;
  const { x, y, xi, yi, mark } = s;
  mark.fill(-1);
  // entries parameter by parameter (row, value), then sorted into rows (stable: columns ascend)
  let { rows, cols, vals } = s;
  let count = 0;
  for (let k = 0; k < q; k++) {
    const par = model.params[k];
    const { row, col } = par;
    let nx: number;
    let ny: number;
    if (par.matrix === "lambda") {
      nx = unitInto(row, 1, x, xi);
      ny = columnInto(im.LPhi, p, m, col, 1, y, yi);
    } else if (par.matrix === "beta") {
      nx = columnInto(im.LA, p, m, row, 1, x, xi);
      ny = columnInto(im.LPhi, p, m, col, 1, y, yi);
    } else if (par.matrix === "psi") {
      nx = columnInto(im.LA, p, m, row, 1, x, xi);
      ny = columnInto(im.LA, p, m, col, row === col ? 0.5 : 1, y, yi);
    } else {
      nx = unitInto(row, 1, x, xi);
      ny = unitInto(col, row === col ? 0.5 : 1, y, yi);
    }
    // x_i y_j + y_i x_j is non-zero only where one of i, j is in x's support and the other in y's
    for (let a = 0; a < nx; a++)
      for (let b = 0; b < ny; b++) {
        const u = xi[a];
        const v = yi[b];
        if (u === v) continue;
        const i = Math.max(u, v);
        const j = Math.min(u, v);
        const r = corIndex(i, j, p);
        if (mark[r] === k) continue;
        mark[r] = k;
        const val = x[i] * y[j] + y[i] * x[j];
        if (val === 0) continue;
        if (count === rows.length) {
          const grow = <T extends Int32Array | Float64Array>(old: T, fresh: T): T => {
            fresh.set(old);
            return fresh;
          };
          rows = grow(rows, new Int32Array(2 * count));
          cols = grow(cols, new Int32Array(2 * count));
          vals = grow(vals, new Float64Array(2 * count));
          s.rows = rows;
          s.cols = cols;
          s.vals = vals;
        }
        rows[count] = r;
        cols[count] = k;
        vals[count++] = val;
      }
  }
  const ptr = new Int32Array(pstar + 1);
  for (let e = 0; e < count; e++) ptr[rows[e] + 1]++;
  for (let k = 0; k < pstar; k++) ptr[k + 1] += ptr[k];
  const fill = ptr.slice(0, pstar);
  const col = new Int32Array(count);
  const val = new Float64Array(count);
  for (let e = 0; e < count; e++) {
    const t = fill[rows[e]]++;
    col[t] = cols[e];
    val[t] = vals[e];
  }
  return { ptr, col, val };
}

/** The dense p* x q Delta of a sparse one. */
function denseDelta(D: SparseDelta, pstar: number, q: number): Float64Array {
  const out = new Float64Array(pstar * q);
  for (let k = 0; k < pstar; k++)
    for (let t = D.ptr[k]; t < D.ptr[k + 1]; t++) out[k * q + D.col[t]] = D.val[t];
  return out;
}

/** Delta' diag(w) Delta (q x q) and, with e, Delta' diag(w) e. */
function weightedCross(
  D: SparseDelta,
  w: ArrayLike<number>,
  q: number,
  e?: Float64Array,
): { H: Float64Array; g: Float64Array } {
  const H = new Float64Array(q * q);
  const g = new Float64Array(q);
  const pstar = D.ptr.length - 1;
  const { ptr, col, val } = D;
  for (let k = 0; k < pstar; k++) {
    const wk = w[k];
    const ek = e ? e[k] : 0;
    const end = ptr[k + 1];
    for (let t = ptr[k]; t < end; t++) {
      const a = col[t];
      const da = val[t] * wk;
      g[a] += da * ek;
      const ra = a * q;
      for (let u = ptr[k]; u < end; u++) H[ra + col[u]] += da * val[u];
    }
  }
  return { H, g };
}

/** Solves L L' x = b in place (L lower triangular, row-major q x q). */
function choleskySolve(L: Float64Array, q: number, b: Float64Array): void {
  for (let i = 0; i < q; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * q + k] * b[k];
    b[i] = s / L[i * q + i];
  }
  for (let i = q - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < q; k++) s -= L[k * q + i] * b[k];
    b[i] = s / L[i * q + i];
  }
}

/** Gauss-Newton hands over to Newton once its step is below this. */
const NEWTON_SWITCH = 1e-3;

/**
 * Parameter indices of a CFA without regressions (loadings by item and factor, factor
 * (co)variances by pair of factors, -1 where not free) for the curvature of sigma; null for
 * other models (Gauss-Newton throughout).
 */
interface CurvatureMaps {
  p: number;
  m: number;
  lambda: Int32Array;
  psi: Int32Array;
}

function curvatureMaps(model: MeasurementModel): CurvatureMaps | null {
  if (model.hasRegressions) return null;
  const p = model.observed.length;
  const m = model.latent.length;
  const lambda = new Int32Array(p * m).fill(-1);
  const psi = new Int32Array(m * m).fill(-1);
  for (let k = 0; k < model.nFree; k++) {
    const par = model.params[k];
    if (par.matrix === "lambda") lambda[par.row * m + par.col] = k;
    else if (par.matrix === "psi") {
      psi[par.row * m + par.col] = k;
      psi[par.col * m + par.row] = k;
    } else if (par.matrix !== "theta") return null;
  }
  return { p, m, lambda, psi };
}

/**
 * The DWLS Hessian H - sum_k w_k e_k d2 sigma_k / d theta d theta' (e = r - sigma) of a CFA:
 * sigma_ij = lambda_i' Phi lambda_j is bilinear in the loadings of items i and j and linear in
 * Phi, so d2 sigma_ij / d lambda_if d lambda_jg = Phi_fg and d2 sigma_ij / d lambda_if d psi_fh =
 * lambda_jh (f != h: psi_fh is both Phi_fh and Phi_hf), lambda_jf (h = f); residual
 * covariances are linear.
 */
function curvatureHessian(
  c: CurvatureMaps,
  im: Implied,
  H: Float64Array,
  w: ArrayLike<number>,
  e: Float64Array,
  rowOf: Int32Array,
  colOf: Int32Array,
  q: number,
): Float64Array {
  const { m, lambda, psi } = c;
  const { Lambda, Phi } = im;
  const Hn = Float64Array.from(H);
  const add = (a: number, b: number, v: number) => {
    Hn[a * q + b] -= v;
    Hn[b * q + a] -= v;
  };
  for (let k = 0; k < e.length; k++) {
    const ck = w[k] * e[k];
    if (ck === 0) continue;
    const i = rowOf[k];
    const j = colOf[k];
    for (let f = 0; f < m; f++) {
      const ai = lambda[i * m + f];
      const aj = lambda[j * m + f];
      if (ai >= 0)
        for (let g = 0; g < m; g++) {
          const bj = lambda[j * m + g];
          if (bj >= 0) add(ai, bj, ck * Phi[f * m + g]);
        }
      for (let h = 0; h < m; h++) {
        const b = psi[f * m + h];
        if (b < 0) continue;
        if (ai >= 0) add(ai, b, ck * Lambda[j * m + h]);
        if (aj >= 0) add(aj, b, ck * Lambda[i * m + h]);
      }
    }
  }
  return Hn;
}

export interface WlsmvOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Gamma / W if already computed for these statistics. */
  acov?: OrdinalAcov;
  /** Start values of the structural free parameters (model order), e.g. a nearby fit's. */
  start?: Float64Array;
  /**
   * Estimates and the DWLS chi-square only: the robust SEs and the scaled-shifted test (the
   * costly part after convergence) are skipped and NaN, e.g. for the constrained refits of a
   * difference test.
   */
  estimatesOnly?: boolean;
}

export function fitWlsmv(
  spec: ModelSpec,
  stats: OrdinalSampleStats,
  options: WlsmvOptions = {},
): WlsmvOutcome {
  const built = deltaModel(spec);
  if (!built.ok) return { ok: false, reason: "invalid-model", message: built.message };
  const model = built.model;
  const p = model.observed.length;
  const idx = model.observed.map((x) => stats.names.indexOf(x));
  const missing = idx.findIndex((i) => i < 0);
  if (missing >= 0)
    return {
      ok: false,
      reason: "missing-item",
      message: `item ${model.observed[missing]} is not in the data`,
    };
  if (idx.length !== stats.names.length || idx.some((v, i) => v !== i))
    return {
      ok: false,
      reason: "item-order",
      message: "the ordinal statistics must hold exactly the model's items, in the model's order",
    };
  const acov = options.acov ?? ordinalAcov(stats);
  if (!acov)
    return {
      ok: false,
      reason: "acov-singular",
      message: "the asymptotic covariance of the thresholds and polychorics could not be computed",
    };
  const n = stats.n;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const q = model.nFree;
  const r = new Float64Array(pstar);
  for (let j = 0; j < p; j++)
    for (let i = j + 1; i < p; i++) r[corIndex(i, j, p)] = stats.cor[i * p + j];
  const w = acov.wlsV.subarray(nth);
  // starts on the polychoric matrix (the full model's, residual variances left out)
  const full = buildModel(spec);
  if (!full.ok) return { ok: false, reason: "invalid-model", message: full.message };
  const st = startValues(full.model, stats.cor);
  const dropped = new Set(built.drop);
  let theta = Float64Array.from(Array.from(st).filter((_, k) => !dropped.has(k)));
  if (options.start) {
    if (options.start.length !== q)
      return {
        ok: false,
        reason: "start",
        message: `${options.start.length} start values for ${q} free parameters`,
      };
    theta = Float64Array.from(options.start);
  }
  const objective = (th: Float64Array): { f: number; im: Implied } | null => {
    const im = implied(model, th);
    if (!im) return null;
    let f = 0;
    for (let j = 0; j < p; j++)
      for (let i = j + 1; i < p; i++) {
        const k = corIndex(i, j, p);
        const e = r[k] - im.Sigma[i * p + j];
        f += w[k] * e * e;
      }
    return { f: (0.5 * (n - 1) * f) / n, im };
  };
  let cur = objective(theta);
  if (!cur) return { ok: false, reason: "start", message: "the start is not a valid model" };
  const maxIt = options.maxIterations ?? 500;
  const tol = options.tolerance ?? 1e-11;
  let it = 0;
  let converged = false;
  const rowOf = new Int32Array(pstar);
  const colOf = new Int32Array(pstar);
  for (let k = 0; k < pstar; k++) [rowOf[k], colOf[k]] = pairOf(k, p);
  const ds = deltaScratch(p);
  const resid = new Float64Array(pstar);
  const L = new Float64Array(q * q);
  const curv = curvatureMaps(model);
  let lastBig = Number.POSITIVE_INFINITY;
  for (; it < maxIt; it++) {
    const D = sparseDelta(model, cur.im, ds);
    for (let k = 0; k < pstar; k++) resid[k] = r[k] - cur.im.Sigma[rowOf[k] * p + colOf[k]];
    const { H, g } = weightedCross(D, w, q, resid);
    // near the minimum, Newton steps (H minus the residuals' curvature): quadratic instead of
    // Gauss-Newton's linear convergence; Gauss-Newton whenever that Hessian is not positive
    let newton = false;
    if (curv && lastBig < NEWTON_SWITCH) {
      const Hn = curvatureHessian(curv, cur.im, H, w, resid, rowOf, colOf, q);
      newton = choleskyInto(Hn, q, L) !== null;
    }
    if (!newton && !choleskyInto(H, q, L))
      return {
        ok: false,
        reason: "information-singular",
        message: "Delta' W Delta is singular: the model is not identified",
      };
    const step = g;
    choleskySolve(L, q, step);
    let big = 0;
    for (let a = 0; a < q; a++) big = Math.max(big, Math.abs(step[a]));
    lastBig = big;
    if (big < tol) {
      converged = true;
      break;
    }
    let h = 1;
    let next: { f: number; im: Implied } | null = null;
    let nt = theta;
    for (let half = 0; half < 30; half++) {
      nt = theta.map((v, a) => v + h * step[a]);
      next = objective(nt);
      if (next && next.f <= cur.f * (1 + 1e-14)) break;
      h /= 2;
      next = null;
    }
    if (!next) {
      converged = big < 1e-8;
      break;
    }
    theta = nt;
    cur = next;
  }
  if (!converged)
    return {
      ok: false,
      reason: "not-converged",
      message: `DWLS did not converge in ${maxIt} iterations`,
    };
  const im = cur.im;
  // full Delta (thresholds first): d x Q, Q = q + nth, parameters (structural, thresholds)
  const d = acov.dim;
  const Q = q + nth;
  const Dsp = sparseDelta(model, im, ds);
  const Ds = denseDelta(Dsp, pstar, q);
  const Wd = acov.wlsV;
  const Zt = acov.scoresT;
  // E = Delta' W Delta: block diagonal (structural | thresholds: W itself)
  const { H: Es } = weightedCross(Dsp, w, q);
  const Esi = inverseSPD(Es, q);
  if (!Esi)
    return { ok: false, reason: "information-singular", message: "Delta' W Delta is singular" };
  const cw = options.estimatesOnly ? null : casewise(Zt, n, d, nth, Dsp, Esi, Wd);
  const { se, thresholdSe, vcov } = !cw
    ? {
        se: new Float64Array(q).fill(Number.NaN),
        thresholdSe: new Float64Array(nth).fill(Number.NaN),
        vcov: new Float64Array(q * q).fill(Number.NaN),
      }
    : robustSe(Zt, n, nth, cw);
  const { trUG, trUG2 } = !cw
    ? { trUG: Number.NaN, trUG2: Number.NaN }
    : traceUGamma(Zt, n, d, nth, Esi, Wd, cw);
  const df = d - Q;
  const chisq = 2 * n * cur.f;
  const aa = Math.sqrt(df / trUG2);
  const shift = df - aa * trUG;
  const chisqScaled = aa * chisq + shift;
  const residualVariances = new Float64Array(p);
  for (let i = 0; i < p; i++) residualVariances[i] = 1 - im.Sigma[i * p + i];
  const m = model.latent.length;
  const sdLv = Array.from({ length: m }, (_, j) => Math.sqrt(im.Phi[j * m + j]));
  const params: WlsmvParam[] = [];
  model.params.forEach((par, k) => {
    const free = k < q;
    const est = free ? theta[k] : par.value;
    const { row, col } = par;
    let stdAll: number;
    if (par.matrix === "lambda") stdAll = est * sdLv[col];
    else if (par.matrix === "beta") stdAll = (est * sdLv[col]) / sdLv[row];
    else if (par.matrix === "psi")
      stdAll =
        row === col
          ? est / (sdLv[row] * sdLv[col])
          : est / Math.sqrt(im.Psi[row * m + row] * im.Psi[col * m + col]);
    else stdAll = est / Math.sqrt(residualVariances[row] * residualVariances[col]);
    params.push({
      lhs: par.lhs,
      op: par.op,
      rhs: par.rhs,
      est,
      se: free ? se[k] : 0,
      free,
      stdAll,
    });
  });
  stats.thresholdNames.forEach((nm, t) => {
    const [lhs, rhs] = nm.split("|");
    const est = stats.thresholds[t];
    params.push({ lhs, op: "|", rhs, est, se: thresholdSe[t], free: true, stdAll: est });
  });
  model.observed.forEach((x, i) => {
    const est = residualVariances[i];
    params.push({ lhs: x, op: "~~", rhs: x, est, se: 0, free: false, stdAll: est });
  });
  return {
    ok: true,
    estimate: {
      model,
      stats,
      acov,
      theta,
      se,
      vcov,
      thresholdSe,
      residualVariances,
      implied: im,
      fmin: cur.f,
      n,
      iterations: it,
      npar: Q,
      test: {
        chisq,
        df,
        pvalue: chiSquareUpper(chisq, df),
        chisqScaled,
        pvalueScaled: chiSquareUpper(chisqScaled, df),
        scalingFactor: 1 / aa,
        shift,
        traceUGamma: trUG,
        traceUGamma2: trUG2,
      },
      params,
      deltaStructural: Ds,
      informationInverse: Esi,
    },
  };
}

/**
 * The casewise projections shared by the robust SEs and the scaled-shifted test: with Y the
 * polychoric columns of Z (read by column from Zt, d x n) and W_c their weights,
 * C = Y W_c Delta_s (n x q; Delta_s sparse) and CE = C E^-1 (row i = E^-1 Delta_s' W_c y_i).
 */
interface Casewise {
  C: Float64Array;
  CE: Float64Array;
  q: number;
  D: SparseDelta;
}

function casewise(
  Zt: Float64Array,
  n: number,
  d: number,
  nth: number,
  D: SparseDelta,
  Esi: Float64Array,
  w: Float64Array,
): Casewise {
  const q = Math.round(Math.sqrt(Esi.length)) | 0;
  const pstar = d - nth;
  const { ptr, col, val } = D;
  // Delta's entries by column (k ascending within a column), times w_k
  const cptr = new Int32Array(q + 1);
  const nnz = ptr[pstar];
  for (let t = 0; t < nnz; t++) cptr[col[t] + 1]++;
  for (let a = 0; a < q; a++) cptr[a + 1] += cptr[a];
  const fill = cptr.slice(0, q);
  const crow = new Int32Array(nnz);
  const cval = new Float64Array(nnz);
  for (let k = 0; k < pstar; k++)
    for (let t = ptr[k]; t < ptr[k + 1]; t++) {
      const e = fill[col[t]]++;
      crow[e] = (nth + k) * n;
      cval[e] = val[t] * w[nth + k];
    }
  // C' (q x n): row a is the sum over k ascending of (w_k Delta_ka) times row k of Y, four rows
  // of Y per pass over row a (the same additions in the same order)
  const Ct = workBuffer("Ct", q * n).fill(0, 0, q * n);
  for (let a = 0; a < q; a++) {
    const ra = a * n;
    const end = cptr[a + 1];
    let t = cptr[a];
    for (; t + 3 < end; t += 4) {
      const o0 = crow[t];
      const o1 = crow[t + 1];
      const o2 = crow[t + 2];
      const o3 = crow[t + 3];
      const x0 = cval[t];
      const x1 = cval[t + 1];
      const x2 = cval[t + 2];
      const x3 = cval[t + 3];
      for (let i = 0; i < n; i++) {
        let s = Ct[ra + i];
        s += Zt[o0 + i] * x0;
        s += Zt[o1 + i] * x1;
        s += Zt[o2 + i] * x2;
        s += Zt[o3 + i] * x3;
        Ct[ra + i] = s;
      }
    }
    for (; t < end; t++) {
      const o = crow[t];
      const x = cval[t];
      for (let i = 0; i < n; i++) Ct[ra + i] += Zt[o + i] * x;
    }
  }
  const C = transpose(Ct, q, n);
  // CE = C E^-1: row i, column a is the dot product of row i of C and column a of E^-1
  const EsiT = transpose(Esi, q, q);
  const CE = productNT(C, EsiT, n, q, q, new Float64Array(n * q));
  return { C, CE, q, D };
}

/**
 * Robust SEs from the casewise scores (Gamma = n Z'Z is never formed): the rows of
 * E^-1 Delta' W are (E_s^-1 Delta_s' W_c) on the polychorics and the unit rows on the
 * thresholds, so vcov = n sum_i (E^-1 Delta_s' W_c y_i)(...)' / (n - 1) = n CE'CE / (n - 1).
 */
function robustSe(
  Zt: Float64Array,
  n: number,
  nth: number,
  cw: Casewise,
): { se: Float64Array; thresholdSe: Float64Array; vcov: Float64Array } {
  const { CE, q } = cw;
  // V_ab = sum over i in order of CE_ia CE_ib: the gram of the columns of CE (upper triangle)
  const CEt = transpose(CE, n, q);
  const V = gramUpper(CEt, 0, n, CEt, 0, n, q, n, new Float64Array(q * q));
  const tacc = new Float64Array(nth);
  for (let t = 0; t < nth; t++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Zt[t * n + i] * Zt[t * n + i];
    tacc[t] = s;
  }
  const f = n / (n - 1);
  for (let a = 0; a < q; a++)
    for (let b = a; b < q; b++) {
      const v = V[a * q + b] * f;
      V[a * q + b] = v;
      V[b * q + a] = v;
    }
  return {
    se: Float64Array.from({ length: q }, (_, a) => Math.sqrt(Math.max(V[a * q + a], 0))),
    thresholdSe: tacc.map((v) => Math.sqrt(Math.max(v, 0) * f)),
    vcov: V,
  };
}

/**
 * tr(U Gamma) and tr((U Gamma)^2) of the scaled-shifted test from the casewise scores (Zt:
 * by column, d x n). U is zero outside the polychoric block (the thresholds are saturated: there
 * U = W - W I W^-1 I W), where U_c = W_c - W_c Delta_s E_s^-1 Delta_s' W_c; with Y the polychoric
 * columns of Z:
 *   n <= p*: K = Y U_c Y' = Y W_c Y' - C E^-1 C' (n x n), tr(U Gamma) = n tr K,
 *            tr((U Gamma)^2) = n^2 sum K_ij^2;
 *   n > p*:  G_c = n Y'Y and U_c G_c formed (p* x p*).
 * Without structural parameters (`cw` null: the baseline model) U_c = W_c.
 */
export function traceUGamma(
  Zt: Float64Array,
  n: number,
  d: number,
  nth: number,
  Esi: Float64Array,
  w: Float64Array,
  cw: Casewise | null,
): { trUG: number; trUG2: number } {
  const q = cw ? cw.q : 0;
  const pstar = d - nth;
  if (n <= pstar) {
    // S = Y W_c Y' (upper triangle). It depends on the scores and weights only: the model's
    // test and the baseline's share it.
    let S = scoreGrams.get(Zt);
    if (!S || S.w !== w || S.nth !== nth) {
      S = { w, nth, S: weightedGram(Zt, n, d, nth, w) };
      scoreGrams.set(Zt, S);
    }
    // M = CE C' (upper triangle), the structural part of K
    const M = cw ? gramUpper(cw.CE, 0, q, cw.C, 0, q, n, q, workBuffer("M", n * n)) : null;
    let tr = 0;
    let tr2 = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const kij = M ? S.S[i * n + j] - M[i * n + j] : S.S[i * n + j];
        if (i === j) {
          tr += kij;
          tr2 += kij * kij;
        } else tr2 += 2 * kij * kij;
      }
    }
    return { trUG: n * tr, trUG2: n * n * tr2 };
  }
  // G_c = n Y'Y: dot products of the rows of Y' (contiguous in Zt)
  const G = new Float64Array(pstar * pstar);
  for (let k = 0; k < pstar; k++) {
    const ok = (nth + k) * n;
    for (let l = k; l < pstar; l++) {
      const ol = (nth + l) * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += Zt[ok + i] * Zt[ol + i];
      G[k * pstar + l] = s * n;
      G[l * pstar + k] = s * n;
    }
  }
  // UG = W_c (G - Delta_s Pc G), Pc = E^-1 Delta_s' W_c (q x p*)
  const UG = new Float64Array(pstar * pstar);
  if (cw) {
    const { ptr, col, val } = cw.D;
    const Pc = new Float64Array(q * pstar);
    for (let k = 0; k < pstar; k++)
      for (let t = ptr[k]; t < ptr[k + 1]; t++) {
        const b = col[t];
        const x = val[t] * w[nth + k];
        for (let a = 0; a < q; a++) Pc[a * pstar + k] += Esi[a * q + b] * x;
      }
    const PG = new Float64Array(q * pstar);
    for (let a = 0; a < q; a++)
      for (let k = 0; k < pstar; k++) {
        const pc = Pc[a * pstar + k];
        if (pc === 0) continue;
        const r = k * pstar;
        for (let l = 0; l < pstar; l++) PG[a * pstar + l] += pc * G[r + l];
      }
    for (let k = 0; k < pstar; k++)
      for (let t = ptr[k]; t < ptr[k + 1]; t++) {
        const da = val[t];
        const ra = col[t] * pstar;
        for (let l = 0; l < pstar; l++) UG[k * pstar + l] -= da * PG[ra + l];
      }
  }
  for (let k = 0; k < pstar; k++) {
    const wk = w[nth + k];
    for (let l = 0; l < pstar; l++) UG[k * pstar + l] = wk * (G[k * pstar + l] + UG[k * pstar + l]);
  }
  let trUG = 0;
  let trUG2 = 0;
  for (let k = 0; k < pstar; k++) {
    trUG += UG[k * pstar + k];
    for (let l = 0; l < pstar; l++) trUG2 += UG[k * pstar + l] * UG[l * pstar + k];
  }
  return { trUG, trUG2 };
}

/**
 * Work buffers for the fit's temporaries that do not outlive a call (Y W^(1/2), C', the n x n
 * M of traceUGamma), grown as needed: fewer large allocations per replication.
 */
const work = { Yh: new Float64Array(0), Ct: new Float64Array(0), M: new Float64Array(0) };
function workBuffer(key: keyof typeof work, size: number): Float64Array {
  if (work[key].length < size) work[key] = new Float64Array(size);
  return work[key];
}

/** Y W_c Y' of traceUGamma per casewise-score matrix Zt (and its weights w). */
const scoreGrams = new WeakMap<Float64Array, { w: Float64Array; nth: number; S: Float64Array }>();

/**
 * S = Y W_c Y' (upper triangle, n x n), Y the polychoric columns of Z (rows nth.. of Zt, d x n):
 * the gram matrix of the rows of Y W_c^(1/2) (n x p*, formed by one transposition).
 */
function weightedGram(
  Zt: Float64Array,
  n: number,
  d: number,
  nth: number,
  w: Float64Array,
): Float64Array {
  const pstar = d - nth;
  const Yh = workBuffer("Yh", n * pstar);
  for (let k0 = 0; k0 < pstar; k0 += 32) {
    const k1 = Math.min(k0 + 32, pstar);
    for (let i0 = 0; i0 < n; i0 += 32) {
      const i1 = Math.min(i0 + 32, n);
      for (let k = k0; k < k1; k++) {
        const h = Math.sqrt(w[nth + k]);
        const o = (nth + k) * n;
        for (let i = i0; i < i1; i++) Yh[i * pstar + k] = Zt[o + i] * h;
      }
    }
  }
  return gramUpper(Yh, 0, pstar, Yh, 0, pstar, n, pstar, new Float64Array(n * n));
}

/** (i, j), i > j, of correlation k in vech-below-diagonal order. */
export function pairOf(k: number, p: number): [number, number] {
  let j = 0;
  let rem = k;
  while (rem >= p - 1 - j) {
    rem -= p - 1 - j;
    j++;
  }
  return [j + 1 + rem, j];
}
