import { inverse, inverseSPD, type Mat, zeros } from "../../math/linalg.ts";
import { type FitIndices, fitFromChiSquares } from "../fit.ts";
import { derivative, fitML, impliedCovariance, type MLResult } from "../ml.ts";
import type { ParamTable } from "../parameters.ts";
import { baselineFit, type RobustFitIndices, sandwich, scaledFitIndices } from "../robust.ts";
import { scoringStep } from "../scoring.ts";
import { emSaturated, type SaturatedFit } from "./em.ts";
import { casewiseScores, saturatedTrace } from "./mlr.ts";
import {
  block,
  type MissingPattern,
  missingLogLik,
  missingPatterns,
  patternInverses,
} from "./patterns.ts";

/**
 * Full-information (casewise) ML for a path model on incomplete raw data, as lavaan 0.6-14's
 * sem(..., missing = "ml") with its defaults (checked by running it, test/fixtures/lavaan/missing.R):
 *
 * - meanstructure: the model gains an intercept for every endogenous variable (mu = A nu with
 *   A = (I - B)^-1), so the means are saturated;
 * - fixed.x = TRUE: rows with a missing value on an exogenous variable are deleted (lavaan warns
 *   "cases were deleted due to missing values in exogenous variable(s), while fixed.x = TRUE"),
 *   and the exogenous means, variances and covariances are fixed at their sample values
 *   (divisor N) in the remaining rows; rows with no observed value are ignored;
 * - the casewise log-likelihood is maximised by Fisher scoring (the expected information of the
 *   incomplete data, summed over missing-data patterns) with step halving, from the complete-data
 *   ML fit to the EM covariance matrix;
 * - standard errors: information = "observed" (observed.information = "hessian"): the inverse of
 *   minus the Hessian of the log-likelihood, here by central differences of the analytic
 *   gradient (lavaan's lav_model_hessian also differentiates its gradient numerically);
 * - chi-square = 2 (logl_h1 - logl_h0), h1 the unrestricted model fitted by EM (em.ts); the
 *   baseline model (for CFI, TLI) keeps the exogenous block and makes every other variable
 *   independent with its own mean and variance, whose ML estimates are the available-case mean
 *   and variance; RMSEA uses N, the rows used;
 * - SRMR is lavaan's (Bentler, with the mean structure): the residuals of the model-implied
 *   covariances and means from the EM estimates, over the lower triangle with the diagonal and
 *   the p means, each scaled by the EM standard deviations.
 */
export interface FimlResult {
  /** The fit in the shape of a complete-data ML result (for the shared report code). */
  ml: MLResult;
  /** Intercepts (endogenous variables) and fixed means (exogenous ones). */
  intercepts: { variable: string; est: number; se: number; fixed: boolean }[];
  /** Fit indices named as the complete-data ones, chi-square against the EM saturated model. */
  fit: FitIndices;
  /**
   * lavaan's fitMeasures() "logl" and "unrestricted.logl": with fixed.x, the log-likelihoods
   * less the exogenous variables' own (the same in every model), as lavaan reports them.
   */
  logl: number;
  unrestrictedLogl: number;
  /** The EM estimates of the unrestricted model. */
  h1: SaturatedFit;
  patterns: number;
  /** Rows used, and rows deleted for a missing exogenous value or for having no value at all. */
  rowsUsed: number;
  rowsDeletedExogenous: number;
  rowsEmpty: number;
  /** Share of missing cells among the rows used. */
  missingShare: number;
  /** Only with `robust` (MLR): the scaled test and scaled fit indices (the .robust ones NaN). */
  robust?: RobustFitIndices;
}

export type FimlOutcome = { ok: true; result: FimlResult } | { ok: false; error: string };

interface Setup {
  table: ParamTable;
  patterns: MissingPattern[];
  /** Table parameter indices that are free here (not in the fixed exogenous block). */
  free: number[];
  /** Variables with a free intercept (the endogenous ones). */
  endo: number[];
  /** theta with the exogenous block at its sample values (free entries overwritten). */
  base: Float64Array;
  /** nu with the exogenous means (endogenous entries overwritten). */
  nu0: Float64Array;
}

function unpack(s: Setup, psi: Float64Array): { theta: Float64Array; nu: Float64Array } {
  const theta = Float64Array.from(s.base);
  const nu = Float64Array.from(s.nu0);
  s.free.forEach((k, a) => {
    theta[k] = psi[a];
  });
  s.endo.forEach((v, a) => {
    nu[v] = psi[s.free.length + a];
  });
  return { theta, nu };
}

function implied(s: Setup, psi: Float64Array) {
  const { theta, nu } = unpack(s, psi);
  const { Sigma, A } = impliedCovariance(s.table, theta);
  const p = s.table.p;
  const mu = new Float64Array(p);
  for (let r = 0; r < p; r++) {
    let t = 0;
    for (let c = 0; c < p; c++) t += A[r * p + c] * nu[c];
    mu[r] = t;
  }
  return { theta, nu, Sigma, A, mu };
}

function logLik(s: Setup, psi: Float64Array): number {
  const { Sigma, mu } = implied(s, psi);
  return missingLogLik(s.patterns, mu, Sigma, s.table.p);
}

/** dSigma/dpsi (full p x p) and dmu/dpsi (p) for every free parameter. */
function jacobians(s: Setup, A: Mat, Sigma: Mat, mu: Float64Array) {
  const p = s.table.p;
  const dS: Mat[] = [];
  const dM: Float64Array[] = [];
  for (const k of s.free) {
    const par = s.table.params[k];
    const places = [{ kind: par.kind, i: par.i, j: par.j }, ...(par.also ?? [])];
    const d = zeros(p);
    const m = new Float64Array(p);
    for (const x of places) {
      const e = derivative(x.kind, x.i, x.j, A, Sigma, p);
      for (let a = 0; a < p * p; a++) d[a] += e[a];
      if (x.kind === "path") for (let r = 0; r < p; r++) m[r] += A[r * p + x.i] * mu[x.j];
    }
    dS.push(d);
    dM.push(m);
  }
  for (const v of s.endo) {
    dS.push(zeros(p));
    const m = new Float64Array(p);
    for (let r = 0; r < p; r++) m[r] = A[r * p + v];
    dM.push(m);
  }
  return { dS, dM };
}

/** Position of the pair (a, b), a <= b, in vech order (row by row of the upper triangle). */
function vechIndex(a: number, b: number, p: number): number {
  const [i, j] = a <= b ? [a, b] : [b, a];
  return i * p - (i * (i - 1)) / 2 + (j - i);
}

/** Gradient of the log-likelihood and, with `withInfo`, the expected information (q x q). */
function gradient(
  s: Setup,
  psi: Float64Array,
  withInfo: boolean,
): { grad: Float64Array; info: Float64Array | null } | null {
  const { Sigma, A, mu } = implied(s, psi);
  const p = s.table.p;
  const inv = patternInverses(s.patterns, Sigma, p);
  if (!inv) return null;
  const q = psi.length;
  const jac = withInfo ? jacobians(s, A, Sigma, mu) : null;
  const G = zeros(p);
  const gmu = new Float64Array(p);
  const info = withInfo ? new Float64Array(q * q) : null;
  const nv = (p * (p + 1)) / 2;
  const Mmu = withInfo ? new Float64Array(p * p) : null;
  const Mcov = withInfo ? new Float64Array(nv * nv) : null;
  s.patterns.forEach((g, gi) => {
    const o = g.obs;
    const k = o.length;
    const W = inv[gi].W;
    const d = new Float64Array(k);
    for (let a = 0; a < k; a++) d[a] = g.mean[a] - mu[o[a]];
    const Wd = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += W[a * k + b] * d[b];
      Wd[a] = t;
    }
    // W (S_g + d d') W - W
    const WS = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        let t = 0;
        for (let c = 0; c < k; c++) t += W[a * k + c] * g.S[c * k + b];
        WS[a * k + b] = t;
      }
    for (let a = 0; a < k; a++) {
      gmu[o[a]] += g.n * Wd[a];
      for (let b = 0; b < k; b++) {
        let t = 0;
        for (let c = 0; c < k; c++) t += WS[a * k + c] * W[c * k + b];
        G[o[a] * p + o[b]] += g.n * (t + Wd[a] * Wd[b] - W[a * k + b]);
      }
    }
    if (!Mmu || !Mcov) return;
    // the pattern's information about (mu, vech Sigma), embedded: W for the means and
    // 0.5 tr(W E_ab W E_cd) = (f_ab f_cd / 4)(W_ad W_bc + W_ac W_bd) for the covariances
    // (E_ab the symmetric unit matrix of the pair, f_ab = 2 off the diagonal, 1 on it)
    for (let x = 0; x < k; x++)
      for (let y = 0; y < k; y++) Mmu[o[x] * p + o[y]] += g.n * W[x * k + y];
    for (let x = 0; x < k; x++)
      for (let y = x; y < k; y++) {
        const u = vechIndex(o[x], o[y], p);
        const fu = x === y ? 1 : 2;
        for (let z = 0; z < k; z++)
          for (let w = z; w < k; w++) {
            const v = vechIndex(o[z], o[w], p);
            const fv = z === w ? 1 : 2;
            Mcov[u * nv + v] +=
              g.n * fu * fv * 0.25 * (W[x * k + w] * W[y * k + z] + W[x * k + z] * W[y * k + w]);
          }
      }
  });
  if (info && jac && Mmu && Mcov) {
    // I = Delta' M Delta, Delta the derivatives of (mu, vech Sigma)
    const { dS, dM } = jac;
    const V = dS.map((D) => {
      const out = new Float64Array(nv);
      for (let a = 0; a < p; a++)
        for (let b = a; b < p; b++) out[vechIndex(a, b, p)] = D[a * p + b];
      return out;
    });
    const MV = V.map((vx) => {
      const out = new Float64Array(nv);
      for (let u = 0; u < nv; u++) {
        let t = 0;
        for (let v = 0; v < nv; v++) t += Mcov[u * nv + v] * vx[v];
        out[u] = t;
      }
      return out;
    });
    const Mm = dM.map((m) => {
      const out = new Float64Array(p);
      for (let a = 0; a < p; a++) {
        let t = 0;
        for (let b = 0; b < p; b++) t += Mmu[a * p + b] * m[b];
        out[a] = t;
      }
      return out;
    });
    for (let x = 0; x < q; x++)
      for (let y = 0; y <= x; y++) {
        let t = 0;
        for (let u = 0; u < nv; u++) t += V[x][u] * MV[y][u];
        for (let a = 0; a < p; a++) t += dM[x][a] * Mm[y][a];
        info[x * q + y] = t;
        info[y * q + x] = t;
      }
  }
  // g_k = 0.5 tr(G dSigma_k) + gmu' dmu_k, with dSigma_k = x y' + y x' for each place of the
  // parameter (x = A[:, i]; y = Sigma[j, :] for a path j -> i, A[:, j] for a covariance i ~~ j,
  // A[:, i] / 2 for a variance): 0.5 tr(G dSigma_k) = x' G y; dmu = A[:, i] mu_j for a path
  const grad = new Float64Array(q);
  const Gy = new Float64Array(p);
  s.free.forEach((k, a) => {
    const par = s.table.params[k];
    let t = 0;
    for (const pl of par.also ? [par, ...par.also] : [par]) {
      const { kind, i, j } = pl;
      for (let r = 0; r < p; r++) {
        let u = 0;
        for (let c = 0; c < p; c++) {
          const y =
            kind === "path"
              ? Sigma[j * p + c]
              : kind === "variance"
                ? 0.5 * A[c * p + i]
                : A[c * p + j];
          u += G[r * p + c] * y;
        }
        Gy[r] = u;
      }
      for (let r = 0; r < p; r++) t += A[r * p + i] * Gy[r];
      if (kind === "path") {
        let m = 0;
        for (let r = 0; r < p; r++) m += gmu[r] * A[r * p + i];
        t += m * mu[j];
      }
    }
    grad[a] = t;
  });
  s.endo.forEach((v, b) => {
    let m = 0;
    for (let r = 0; r < p; r++) m += gmu[r] * A[r * p + v];
    grad[s.free.length + b] = m;
  });
  return { grad, info };
}

/**
 * Minus the Hessian of the log-likelihood by central differences of the analytic gradient,
 * step h (relative to the parameter's size), symmetrised.
 */
function observedInformation(s: Setup, psi: Float64Array, h = 1e-5): Float64Array | null {
  const q = psi.length;
  const H = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    const step = h * Math.max(1, Math.abs(psi[c]));
    const at = (delta: number) => {
      const x = Float64Array.from(psi);
      x[c] += delta;
      return gradient(s, x, false)?.grad ?? null;
    };
    const l1 = at(-step);
    const r1 = at(step);
    if (!l1 || !r1) return null;
    for (let r = 0; r < q; r++) H[r * q + c] = -(r1[r] - l1[r]) / (2 * step);
  }
  for (let r = 0; r < q; r++)
    for (let c = 0; c < r; c++) {
      const v = 0.5 * (H[r * q + c] + H[c * q + r]);
      H[r * q + c] = v;
      H[c * q + r] = v;
    }
  return H;
}

/**
 * Fit `table` to the data columns (`cols[j][i]`, row i of variable j in the table's variable
 * order; NaN = missing) by FIML.
 */
export function fitFiml(
  table: ParamTable,
  cols: readonly ArrayLike<number>[],
  n: number,
  options: {
    rmseaInterval?: boolean;
    maxIterations?: number;
    tolerance?: number;
    /** MLR (lavaan's estimator = "MLR"): sandwich SEs and the Yuan-Bentler-Mplus scaled test. */
    robust?: boolean;
  } = {},
): FimlOutcome {
  const p = table.p;
  const exo = table.exogenous;
  const isExo = new Set(exo);
  let rowsDeletedExogenous = 0;
  let rowsEmpty = 0;
  const rows: number[] = [];
  for (let r = 0; r < n; r++) {
    let any = false;
    for (let j = 0; j < p; j++) if (!Number.isNaN(cols[j][r])) any = true;
    if (!any) rowsEmpty++;
    else if (exo.some((j) => Number.isNaN(cols[j][r]))) rowsDeletedExogenous++;
    else rows.push(r);
  }
  const N = rows.length;
  const patterns = missingPatterns(cols, rows);
  let missingCells = 0;
  for (const g of patterns) missingCells += g.n * (p - g.obs.length);
  const q0 = table.params.length;
  const free: number[] = [];
  table.params.forEach((par, k) => {
    if (!(par.kind !== "path" && isExo.has(par.i) && isExo.has(par.j))) free.push(k);
  });
  const endo: number[] = [];
  for (let v = 0; v < p; v++) if (!isExo.has(v)) endo.push(v);
  const nFree = free.length + endo.length;
  if (N <= nFree)
    return {
      ok: false,
      error: `${N} usable rows is too few for ${nFree} free parameters (with missing = "fiml", rows missing an exogenous variable (${exo.map((j) => table.variables[j]).join(", ")}) are deleted)`,
    };
  // the exogenous block at its sample values (divisor N)
  const base = new Float64Array(q0);
  const nu0 = new Float64Array(p);
  for (const j of exo) {
    let s = 0;
    for (const r of rows) s += cols[j][r];
    nu0[j] = s / N;
  }
  table.params.forEach((par, k) => {
    if (free.includes(k)) return;
    let s = 0;
    for (const r of rows) s += (cols[par.i][r] - nu0[par.i]) * (cols[par.j][r] - nu0[par.j]);
    base[k] = s / N;
  });
  const h1 = emSaturated(patterns, p);
  if (!h1.converged || !Number.isFinite(h1.logLik))
    return {
      ok: false,
      error: `the EM algorithm for the unrestricted model did not converge in ${h1.iterations} iterations`,
    };
  // start: the complete-data ML fit to the EM covariance matrix (fitML takes divisor N - 1)
  const emCov = new Float64Array(p * p);
  for (let a = 0; a < p * p; a++) emCov[a] = (h1.Sigma[a] * N) / (N - 1);
  const start = fitML(table, emCov, N);
  if (!start.ok) return { ok: false, error: start.error.message };
  const s: Setup = { table, patterns, free, endo, base, nu0 };
  let psi = new Float64Array(nFree);
  free.forEach((k, a) => {
    psi[a] = start.result.theta[k];
  });
  {
    // intercepts nu = (I - B) mu_EM: nu_v = mu_v - sum_j B_vj mu_j
    const { theta } = unpack(s, psi);
    for (const [a, v] of endo.entries()) {
      let t = h1.mu[v];
      for (const pos of table.positions)
        if (pos.kind === "path" && pos.i === v)
          t -= (pos.k < 0 ? pos.value : theta[pos.k]) * h1.mu[pos.j];
      psi[free.length + a] = t;
    }
  }
  let ll = logLik(s, psi);
  if (!Number.isFinite(ll))
    return { ok: false, error: "starting values give a non-positive-definite implied matrix" };
  const maxIt = options.maxIterations ?? 500;
  const tol = options.tolerance ?? 1e-10;
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIt; iterations++) {
    const gi = gradient(s, psi, true);
    if (!gi?.info)
      return { ok: false, error: "the implied covariance matrix is not positive definite" };
    const sc = scoringStep(gi.info, gi.grad, nFree);
    if (!sc)
      return {
        ok: false,
        error: "the information matrix is singular: the model is not identified",
      };
    const { step, maxStep } = sc;
    if (maxStep < tol) {
      converged = true;
      break;
    }
    let scale = 1;
    let accepted = false;
    for (let h = 0; h < 30; h++) {
      const trial = new Float64Array(nFree);
      for (let a = 0; a < nFree; a++) trial[a] = psi[a] + scale * step[a];
      const tl = logLik(s, trial);
      if (tl >= ll - 1e-12 * Math.abs(ll)) {
        psi = trial;
        ll = tl;
        accepted = true;
        break;
      }
      scale /= 2;
    }
    if (!accepted) {
      converged = maxStep < 1e-6;
      break;
    }
  }
  if (!converged)
    return { ok: false, error: `the FIML estimation did not converge in ${maxIt} iterations` };
  const H = observedInformation(s, psi);
  let Hinv = H ? (inverseSPD(H, nFree) ?? inverse(H, nFree)) : null;
  if (!H || !Hinv)
    return {
      ok: false,
      error: "the observed information matrix is singular: the model is not identified",
    };
  const { theta, nu, Sigma, A, mu } = implied(s, psi);
  let traceH0 = Number.NaN;
  if (options.robust) {
    const { dS, dM } = jacobians(s, A, Sigma, mu);
    const scores = casewiseScores(cols, rows, p, mu, Sigma, dS, dM);
    const sw = scores ? sandwich(H, scores, nFree) : null;
    if (!sw)
      return { ok: false, error: "MLR: the implied covariance matrix is not positive definite" };
    Hinv = sw.vcov;
    traceH0 = sw.trace;
  }
  // the report's shape: vcov over the table's parameters (the fixed exogenous block 0)
  const vcov = new Float64Array(q0 * q0);
  free.forEach((k, a) =>
    free.forEach((l, b) => {
      vcov[k * q0 + l] = Hinv[a * nFree + b];
    }),
  );
  const information = new Float64Array(q0 * q0);
  free.forEach((k, a) =>
    free.forEach((l, b) => {
      information[k * q0 + l] = H![a * nFree + b] / N;
    }),
  );
  const dSigmaDiag = new Float64Array(q0 * p);
  table.params.forEach((par, k) => {
    for (const x of [par, ...(par.also ?? [])]) {
      const d = derivative(x.kind, x.i, x.j, A, Sigma, p);
      for (let r = 0; r < p; r++) dSigmaDiag[k * p + r] += d[r * p + r];
    }
  });
  const chisq = Math.max(0, 2 * (h1.logLik - ll));
  // baseline: exogenous block as fitted, every other variable on its own (available cases)
  const bMu = Float64Array.from(nu0);
  const bSigma = zeros(p);
  table.params.forEach((par, k) => {
    if (free.includes(k)) return;
    bSigma[par.i * p + par.j] = base[k];
    bSigma[par.j * p + par.i] = base[k];
  });
  for (const v of endo) {
    let s1 = 0;
    let s2 = 0;
    let c = 0;
    for (const r of rows) {
      const x = cols[v][r];
      if (Number.isNaN(x)) continue;
      s1 += x;
      c++;
    }
    bMu[v] = s1 / c;
    for (const r of rows) {
      const x = cols[v][r];
      if (!Number.isNaN(x)) s2 += (x - bMu[v]) ** 2;
    }
    bSigma[v * p + v] = s2 / c;
  }
  const baselineLogl = missingLogLik(patterns, bMu, bSigma, p);
  // the exogenous variables' own log-likelihood at their sample moments
  const xPatterns = exo.length
    ? missingPatterns(
        exo.map((j) => cols[j]),
        rows,
      )
    : [];
  const xLogl = exo.length
    ? missingLogLik(
        xPatterns,
        exo.map((j) => nu0[j]),
        block(bSigma, p, exo),
        exo.length,
      )
    : 0;
  let baselineTraceH0 = Number.NaN;
  let h1Trace: number | null = Number.NaN;
  if (options.robust) {
    // the baseline model's observed and first-order information at its estimates
    const bt = baselineFit(table, bSigma, N);
    const bfree: number[] = [];
    bt.table.params.forEach((par, k) => {
      if (!(par.kind !== "path" && isExo.has(par.i) && isExo.has(par.j))) bfree.push(k);
    });
    const sb: Setup = { table: bt.table, patterns, free: bfree, endo, base: bt.theta, nu0 };
    const psiB = Float64Array.from([...bfree.map((k) => bt.theta[k]), ...endo.map((v) => bMu[v])]);
    const Hb = observedInformation(sb, psiB);
    const ib = implied(sb, psiB);
    const jb = jacobians(sb, ib.A, ib.Sigma, ib.mu);
    const scoresB = casewiseScores(cols, rows, p, ib.mu, ib.Sigma, jb.dS, jb.dM);
    const swB = Hb && scoresB ? sandwich(Hb, scoresB, psiB.length) : null;
    h1Trace = saturatedTrace(cols, rows, patterns, p, h1.mu, h1.Sigma, exo);
    if (!swB || h1Trace === null)
      return { ok: false, error: "MLR: the observed information matrix is singular" };
    baselineTraceH0 = swB.trace;
  }
  const px = exo.length;
  const df = (p * (p + 1)) / 2 - q0;
  const fit = fitFromChiSquares(
    {
      chisq,
      df,
      baselineChisq: 2 * (h1.logLik - baselineLogl),
      baselineDf: (p * (p + 1)) / 2 - ((px * (px + 1)) / 2 + (p - px)),
      n: N,
      npar: q0 - (px * (px + 1)) / 2 + endo.length,
      srmr: srmrWithMeans(h1, Sigma, mu, p),
    },
    options.rmseaInterval !== false,
  );
  const robust =
    options.robust && h1Trace !== null
      ? scaledFitIndices(fit, h1Trace, traceH0, baselineTraceH0, false)
      : undefined;
  const ml: MLResult = {
    table,
    theta,
    Sigma,
    S: h1.Sigma,
    n: N,
    fmin: chisq / N,
    iterations,
    converged,
    information,
    method: "iterative",
    dSigmaDiag,
    vcov,
  };
  const intercepts = Array.from({ length: p }, (_, v) => {
    const a = endo.indexOf(v);
    const fixed = a < 0;
    return {
      variable: table.variables[v],
      est: nu[v],
      se: fixed ? 0 : Math.sqrt(Hinv[(free.length + a) * nFree + free.length + a]),
      fixed,
    };
  });
  return {
    ok: true,
    result: {
      ml,
      intercepts,
      fit,
      logl: ll - xLogl,
      unrestrictedLogl: h1.logLik - xLogl,
      h1,
      patterns: patterns.length,
      rowsUsed: N,
      rowsDeletedExogenous,
      rowsEmpty,
      missingShare: missingCells / (N * p),
      ...(robust ? { robust } : {}),
    },
  };
}

/**
 * lavaan's SRMR with a mean structure (Bentler's, as fitMeasures()' "srmr"): residuals of the
 * implied covariances (lower triangle with diagonal) and means from the EM estimates, scaled by
 * the EM standard deviations, root mean square over p (p + 1) / 2 + p elements.
 */
function srmrWithMeans(h1: SaturatedFit, Sigma: Mat, mu: Float64Array, p: number): number {
  const S = h1.Sigma;
  let ss = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      const r = (S[i * p + j] - Sigma[i * p + j]) / Math.sqrt(S[i * p + i] * S[j * p + j]);
      ss += r * r;
    }
    const m = (h1.mu[i] - mu[i]) / Math.sqrt(S[i * p + i]);
    ss += m * m;
  }
  return Math.sqrt(ss / ((p * (p + 1)) / 2 + p));
}
