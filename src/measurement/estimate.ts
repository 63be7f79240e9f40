import { cholesky, inverseFromCholesky, logdetFromCholesky } from "../math/linalg.ts";
import {
  choleskyLower,
  inverseDiagonal,
  inverseFromInverted,
  invertFactorInPlace,
  mirrorLower,
  solveMirrored,
} from "./dense.ts";
import {
  gradientFast,
  informationFast,
  paramVectors,
  type Weighted,
  weighted,
} from "./derivatives.ts";
import { type Implied, implied, withSigma } from "./implied.ts";
import { buildModel, type MeasurementModel, type ModelSpec, paramName } from "./model.ts";
import { startValues } from "./start.ts";
import {
  type WoodburyEval,
  woodburyApplies,
  woodburyEvaluate,
  woodburyGradient,
  woodburyWeighted,
} from "./woodbury.ts";

/**
 * Maximum-likelihood estimation of a CFA / latent-variable SEM from a covariance matrix, as
 * lavaan's cfa()/sem() with estimator = "ML", likelihood = "normal", no mean structure:
 *   F_ML(theta) = log|Sigma(theta)| + tr(S Sigma(theta)^-1) - log|S| - p,
 * with S the sample covariance with divisor n, minimised by Fisher scoring (step halving when
 * F rises or Sigma leaves the positive-definite cone) from FABIN-like starts (start.ts).
 * Standard errors: inverse expected information / n (lavaan's default information = "expected").
 *
 * Never throws on data: a model that cannot be built, an item missing from the data, a sample
 * covariance that is not positive definite, a singular information matrix or no convergence
 * come back as `{ ok: false, reason, message }`; Heywood cases (negative variances) and latent
 * or residual covariance matrices that are not positive definite come back as `problems` of an
 * otherwise successful fit (lavaan warns about the same ones and reports the estimates).
 */
export interface SampleMoments {
  /** Variable names, in the order of `cov`. */
  names: readonly string[];
  /** Sample covariance matrix with divisor n - 1 (row-major). */
  cov: Float64Array;
  n: number;
}

export type FailureReason =
  | "invalid-model"
  | "missing-item"
  | "sample-not-pd"
  | "start-not-pd"
  | "information-singular"
  | "not-converged";

export type Problem =
  | { kind: "heywood"; parameter: string; value: number }
  | { kind: "latent-not-pd" }
  | { kind: "residual-not-pd" };

export interface CfaEstimate {
  model: MeasurementModel;
  /** Free parameters (model order). */
  theta: Float64Array;
  se: Float64Array;
  /** Covariance matrix of the estimates (nFree x nFree). */
  vcov: Float64Array;
  /** Expected information per observation at the estimate. */
  information: Float64Array;
  implied: Implied;
  /** Sample covariance (divisor n), model order. */
  S: Float64Array;
  n: number;
  fmin: number;
  iterations: number;
  problems: Problem[];
}

export type CfaOutcome =
  | { ok: true; estimate: CfaEstimate }
  | { ok: false; reason: FailureReason; message: string };

export interface EstimateOptions {
  /** Starting values (free parameters, model order); default start.ts. */
  start?: Float64Array;
  maxIterations?: number;
  /** Converged when the largest Fisher-scoring / quasi-Newton step is below this (1e-9). */
  tolerance?: number;
  /**
   * Converged also when the largest quasi-Newton step is below this, after taking that step if
   * F does not rise (one evaluation, no gradient): 1e-7 for a pure CFA (woodbury.ts) without an
   * explicit `tolerance`, else 0.
   */
  finishTolerance?: number;
  /** Fisher-scoring iterations before switching to BFGS (3; 2 for a pure CFA, woodbury.ts). */
  fisherSteps?: number;
}

/** The model's items out of the data (divisor n), or the first missing item. */
export function modelMoments(
  model: MeasurementModel,
  data: SampleMoments,
): { S: Float64Array } | { missing: string } {
  const p = model.observed.length;
  const P = data.names.length;
  const idx: number[] = [];
  const at = new Map(data.names.map((x, i) => [x, i]));
  for (const x of model.observed) {
    const i = at.get(x);
    if (i === undefined) return { missing: x };
    idx.push(i);
  }
  const f = (data.n - 1) / data.n;
  const S = new Float64Array(p * p);
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) S[a * p + b] = f * data.cov[idx[a] * P + idx[b]];
  return { S };
}

/** F at theta, with Sigma^-1 (dense path) or its Woodbury form (pure CFA, woodbury.ts). */
type Evaluated = { im: Implied; F: number; weighted?: Weighted } & (
  | { W: Float64Array; wood?: undefined }
  | { W?: undefined; wood: WoodburyEval }
);

function evaluate(
  model: MeasurementModel,
  theta: Float64Array,
  S: Float64Array,
  logdetS: number,
  useWoodbury = false,
): Evaluated | null {
  let im = implied(model, theta, useWoodbury);
  if (!im) return null;
  if (useWoodbury) {
    const wood = woodburyEvaluate(im, S, logdetS);
    if (wood) return { im, F: wood.F, wood };
    im = withSigma(im);
  }
  const p = im.p;
  const L = cholesky(im.Sigma, p);
  if (!L) return null;
  const W = inverseFromCholesky(L, p);
  let tr = 0;
  for (let a = 0; a < p * p; a++) tr += S[a] * W[a];
  const F = logdetFromCholesky(L, p) + tr - logdetS - p;
  return Number.isFinite(F) ? { im, W, F } : null;
}

/**
 * The iterations' information and its Cholesky factor, reused across iterations and fits (q^2
 * each, 78 kB for the paper's CFA: allocating them per step made V8 collect garbage): one fit at
 * a time uses them (JavaScript runs a fit to its end; estimateCfa does not recurse), and the
 * estimate's own information is a fresh array. The factor's transpose is mirrored into its upper
 * triangle (dense.ts solveMirrored reads rows only).
 */
let scratch = { q: 0, info: new Float64Array(0), L: new Float64Array(0) };
function scratchFor(q: number): typeof scratch {
  if (scratch.q !== q) scratch = { q, info: new Float64Array(q * q), L: new Float64Array(q * q) };
  return scratch;
}

function addScaled(a: Float64Array, b: Float64Array, alpha: number): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k++) out[k] = a[k] + alpha * b[k];
  return out;
}

/**
 * BFGS on F/2 (gradient -g) in two-loop form: the inverse Hessian H0 = I^-1 (applied through the
 * information's Cholesky factor) updated by every pair s = step, y = g_old - g_new with positive
 * curvature. With all pairs kept this is BFGS itself, without forming or updating a q x q inverse.
 */
class QuasiNewton {
  private readonly s: Float64Array[] = [];
  private readonly y: Float64Array[] = [];
  private readonly rho: number[] = [];
  constructor(
    private readonly L0: Float64Array,
    private readonly q: number,
  ) {}
  /** H g */
  apply(g: Float64Array): Float64Array {
    const q = this.q;
    const r = Float64Array.from(g);
    const k = this.s.length;
    const alpha = new Float64Array(k);
    for (let i = k - 1; i >= 0; i--) {
      let a = 0;
      const si = this.s[i];
      for (let t = 0; t < q; t++) a += si[t] * r[t];
      a *= this.rho[i];
      alpha[i] = a;
      const yi = this.y[i];
      for (let t = 0; t < q; t++) r[t] -= a * yi[t];
    }
    const out = solveMirrored(this.L0, r, q);
    for (let i = 0; i < k; i++) {
      let b = 0;
      const yi = this.y[i];
      for (let t = 0; t < q; t++) b += yi[t] * out[t];
      b *= this.rho[i];
      const si = this.s[i];
      for (let t = 0; t < q; t++) out[t] += si[t] * (alpha[i] - b);
    }
    return out;
  }
  update(thetaNew: Float64Array, thetaOld: Float64Array, gNew: Float64Array, gOld: Float64Array) {
    const q = this.q;
    const s = new Float64Array(q);
    const y = new Float64Array(q);
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let k = 0; k < q; k++) {
      s[k] = thetaNew[k] - thetaOld[k];
      y[k] = gOld[k] - gNew[k];
      sy += s[k] * y[k];
      ss += s[k] * s[k];
      yy += y[k] * y[k];
    }
    if (!(sy > 1e-12 * Math.sqrt(ss * yy))) return;
    this.s.push(s);
    this.y.push(y);
    this.rho.push(1 / sy);
  }
}

export function estimateCfa(
  model: MeasurementModel,
  data: SampleMoments,
  options: EstimateOptions = {},
): CfaOutcome {
  const mm = modelMoments(model, data);
  if ("missing" in mm)
    return { ok: false, reason: "missing-item", message: `item ${mm.missing} is not in the data` };
  const { S } = mm;
  const p = model.observed.length;
  const q = model.nFree;
  const n = data.n;
  const LS = cholesky(S, p);
  if (!LS)
    return {
      ok: false,
      reason: "sample-not-pd",
      message: "the sample covariance matrix of the model's items is not positive definite",
    };
  const logdetS = logdetFromCholesky(LS, p);
  const wood = woodburyApplies(model);
  let theta = options.start ? Float64Array.from(options.start) : startValues(model, S);
  let cur = evaluate(model, theta, S, logdetS, wood);
  if (!cur) {
    // shrink the covariances of the start towards zero until Sigma is positive definite
    for (let t = 0; t < 20 && !cur; t++) {
      for (let k = 0; k < q; k++) {
        const par = model.params[k];
        if (par.row !== par.col || par.matrix === "lambda" || par.matrix === "beta")
          theta[k] *= 0.5;
      }
      cur = evaluate(model, theta, S, logdetS, wood);
    }
    if (!cur)
      return {
        ok: false,
        reason: "start-not-pd",
        message: "no positive-definite starting point found",
      };
  }
  const maxIt = options.maxIterations ?? 500;
  const tol = options.tolerance ?? 1e-9;
  // on the Woodbury path an iteration costs a fraction of an information factorisation, so one
  // Fisher-scoring step fewer pays (paper CFA: 11.0 iterations instead of 10.6, ~7% less time);
  // the dense path keeps 3 (and its iterates bit for bit)
  const fisherSteps = options.fisherSteps ?? (wood ? 2 : 3);
  let iterations = 0;
  // pure CFA: once the step is below finishTolerance, take it and stop (one evaluation instead of
  // the two or so BFGS iterations that shrink it below tol; paper CFA at n = 203: 8.95 iterations
  // instead of 10.96, estimates within 3.0e-8 and SEs within 1.7e-8 of the tol-converged ones)
  const finishTol = options.finishTolerance ?? (wood && options.tolerance === undefined ? 1e-7 : 0);
  let converged = false;
  const buf = scratchFor(q);
  const pv = paramVectors(model);
  // W times the derivative vectors, once per evaluated point (the gradient and information share it)
  const derivatives = (e: Evaluated): Weighted =>
    (e.weighted ??= e.wood ? woodburyWeighted(e.im, e.wood) : weighted(e.im, e.W));
  const gradient = (e: Evaluated) =>
    e.wood
      ? woodburyGradient(model, e.im, e.wood, S)
      : gradientFast(p, pv, derivatives(e), S, e.im.Sigma);
  const singular: CfaOutcome = {
    ok: false,
    reason: "information-singular",
    message: "the information matrix is singular: the model is not identified at these values",
  };
  // Phase 1: Fisher scoring (theta += I^-1 g), the best steps far from the optimum.
  // Phase 2: BFGS on F/2 with the last information as the initial Hessian: with a large misfit
  // (e.g. a correlation fixed to 1) the expected information is a poor Hessian and Fisher
  // scoring crawls; quasi-Newton updates make it superlinear at the cost of a gradient per step.
  let Hinv: QuasiNewton | null = null;
  let g: Float64Array = new Float64Array(q);
  let fisherOnce = false;
  let unverified = 0;
  let gNext: Float64Array | null = null; // the gradient at cur when BFGS already computed it
  for (; iterations < maxIt; iterations++) {
    g = gNext && Hinv ? gNext : gradient(cur);
    gNext = null;
    const wasFisherOnce = fisherOnce;
    fisherOnce = false;
    let step: Float64Array;
    if (!Hinv) {
      const info = informationFast(p, pv, derivatives(cur), buf.info, true);
      const L = choleskyLower(info, q, buf.L);
      if (!L) return singular;
      mirrorLower(L, q);
      if (iterations >= fisherSteps && !wasFisherOnce) {
        Hinv = new QuasiNewton(L, q);
        step = Hinv.apply(g);
      } else step = solveMirrored(L, g, q);
    } else step = Hinv.apply(g);
    let maxStep = 0;
    for (let k = 0; k < q; k++) maxStep = Math.max(maxStep, Math.abs(step[k]));
    if (maxStep < tol) {
      converged = true;
      break;
    }
    if (maxStep < finishTol && Hinv) {
      const lastTheta = addScaled(theta, step, 1);
      const last = evaluate(model, lastTheta, S, logdetS, wood);
      if (last && last.F <= cur.F + 1e-12 * Math.abs(cur.F)) {
        theta = lastTheta;
        cur = last;
        converged = true;
        break;
      }
    }
    let slope = 0; // -(dF/2)'step = g'step > 0 for a descent direction
    for (let k = 0; k < q; k++) slope += g[k] * step[k];
    if (!(slope > 0) && Hinv) {
      // lost positive definiteness: restart from the information
      Hinv = null;
      continue;
    }
    if (slope < 1e-13 * Math.max(1, Math.abs(cur.F)) && unverified < 5) {
      // the predicted decrease is below the rounding of F, so a line search cannot verify it;
      // take the full step (accurate this close to the optimum) and let the step size decide
      const nextTheta = addScaled(theta, step, 1);
      const last = evaluate(model, nextTheta, S, logdetS, wood);
      if (last) {
        unverified++;
        if (Hinv) {
          gNext = gradient(last);
          Hinv.update(nextTheta, theta, gNext, g);
        }
        theta = nextTheta;
        cur = last;
        continue;
      }
    }
    let alpha = 1;
    let next: Evaluated | null = null;
    let nextTheta = theta;
    for (let h = 0; h < 40; h++) {
      nextTheta = new Float64Array(q);
      for (let k = 0; k < q; k++) nextTheta[k] = theta[k] + alpha * step[k];
      next = evaluate(model, nextTheta, S, logdetS, wood);
      if (next && next.F / 2 <= cur.F / 2 - 1e-4 * alpha * slope + 1e-15 * Math.abs(cur.F)) break;
      next = null;
      alpha /= 2;
    }
    if (!next || !(next.F < cur.F - 1e-15 * Math.abs(cur.F))) {
      if (maxStep < 1e-6 || slope < 1e-10) {
        // no further decrease at the precision floor of F (the predicted decrease g'step/2 is
        // below 5e-11, i.e. chi-square within n * 1e-10): converged
        converged = true;
        if (next) {
          theta = nextTheta;
          cur = next;
        }
        break;
      }
      if (Hinv) {
        // the quasi-Newton direction failed: one Fisher-scoring step, then BFGS afresh
        Hinv = null;
        fisherOnce = true;
        continue;
      }
      break;
    }
    if (Hinv) {
      gNext = gradient(next);
      Hinv.update(nextTheta, theta, gNext, g);
    }
    theta = nextTheta;
    cur = next;
  }
  if (!converged)
    return {
      ok: false,
      reason: "not-converged",
      message: `no convergence after ${iterations} iterations (Fisher scoring, then BFGS)`,
    };
  // the result's matrices in their own buffers (the iterates' are scratch views) with Sigma
  if (wood) cur.im = implied(model, theta) ?? cur.im;
  const dFinal = derivatives(cur);
  const info = informationFast(p, pv, dFinal);
  // SEs from the diagonal of the inverse information; the full vcov (q^2 more products) only
  // when something reads it (the same numbers as inverting at once: dense.ts)
  let factor: Float64Array | null = choleskyLower(info, q, new Float64Array(q * q));
  if (!factor)
    return {
      ok: false,
      reason: "information-singular",
      message: "the information matrix is singular at the estimate",
    };
  invertFactorInPlace(factor, q);
  const diag = inverseDiagonal(factor, q);
  const se = new Float64Array(q);
  for (let k = 0; k < q; k++) se[k] = Math.sqrt(diag[k] / n);
  let vcov: Float64Array = new Float64Array(0); // computed from `factor` on first read, then factor dropped
  return {
    ok: true,
    estimate: {
      model,
      theta,
      se,
      get vcov(): Float64Array {
        if (factor) {
          vcov = inverseFromInverted(factor, q);
          for (let a = 0; a < q * q; a++) vcov[a] /= n;
          factor = null;
        }
        return vcov;
      },
      set vcov(v: Float64Array) {
        vcov = v;
        factor = null;
      },
      information: info,
      implied: cur.im,
      S,
      n,
      fmin: Math.max(0, cur.F),
      iterations,
      problems: problems(model, theta, cur.im),
    },
  };
}

function problems(model: MeasurementModel, theta: Float64Array, im: Implied): Problem[] {
  const out: Problem[] = [];
  for (let k = 0; k < model.nFree; k++) {
    const par = model.params[k];
    if (par.row === par.col && (par.matrix === "theta" || par.matrix === "psi") && theta[k] < 0)
      out.push({ kind: "heywood", parameter: paramName(par), value: theta[k] });
  }
  const m = im.m;
  const p = im.p;
  // lavaan checks the latent covariance matrix and Theta; a correlation fixed to 1 makes Psi
  // singular by design (discriminant tests), so semi-definite within 1e-10 is accepted there
  if (!cholesky(addRidge(im.Phi, m, 1e-10), m)) out.push({ kind: "latent-not-pd" });
  if (!cholesky(addRidge(im.Theta, p, 0), p)) out.push({ kind: "residual-not-pd" });
  return out;
}

function addRidge(M: Float64Array, k: number, r: number): Float64Array {
  const out = Float64Array.from(M);
  for (let i = 0; i < k; i++) out[i * k + i] += r * Math.max(1, Math.abs(M[i * k + i]));
  return out;
}

/** Build the model from a specification and estimate it (a bad model is a failure, not a throw). */
export function fitCfa(
  spec: ModelSpec,
  data: SampleMoments,
  options: EstimateOptions = {},
): CfaOutcome {
  const built = buildModel(spec);
  if (!built.ok) return { ok: false, reason: "invalid-model", message: built.message };
  return estimateCfa(built.model, data, options);
}
