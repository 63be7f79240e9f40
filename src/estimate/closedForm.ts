import { log } from "../math/fdlibm.ts";
import { choleskyInto, freshFloat64, type Mat } from "../math/linalg.ts";
import { topologicalOrder } from "../model/graph.ts";
import type { ParamTable } from "./parameters.ts";

/**
 * The exact closed form of ML for a class of recursive path models (issue 11 item 7).
 *
 * Condition (checked from the parameter table alone, closedFormPlan()): no fixed or shared
 * parameter; the paths are acyclic; every pair of exogenous variables has a free covariance
 * (always so with fixed.x); no covariance links an exogenous and an endogenous variable; and the
 * residual covariances among endogenous variables form "blocks": the variables linked (directly
 * or not) by residual covariances have identical predictor sets and every pair of them has a
 * free residual covariance.
 *
 * Why ML is then closed form. Order the blocks by their first variable in a topological order
 * (a member z of block c that predicts block b predicts every member of b, so c comes first;
 * members of one block never predict one another, they would predict themselves). The model's
 * normal density factorises as f(x_exo; Phi) * prod_b f(y_b | everything before b; B_b, Psi_b):
 * zeta_b is independent of every earlier variable, so the conditional mean is B_b times the
 * block's predictors P_b and the conditional covariance is Psi_b. The factors have
 * variation-independent parameters, so ML maximises each on its own: Phi = S_xx; each block a
 * multivariate regression with the same regressors in every equation, whose ML is OLS per
 * equation (GLS with identical regressors is OLS) with Psi_b the residual moment matrix
 * (divisor n). The saturated model factorises the same way with every earlier variable as
 * regressor, so chi-square = 2 (l_sat - l_model) = n * sum_b [log|Psi_b| - log|Psi_b^full|]
 * (for a one-equation block n log(RSS_restricted / RSS_full)); a block whose predictors are all
 * the earlier variables adds exactly 0. The full residual covariances come from one Cholesky
 * factor of S in the block order: log|Psi_b^full| is the sum of 2 log L_kk over the block.
 *
 * Expected information: the score of the factorisation is a sum of martingale differences, so
 * the information is block diagonal across factors, and within a factor the coefficient and
 * covariance parts are orthogonal (odd normal moments). The coefficients' block is
 * Psi_b^-1 (x) Sigma_PP with Sigma_PP the MODEL-IMPLIED covariance of the predictors (lavaan's
 * expected information with h1.information = "structured"), so
 *   Cov(b_ra, b_sc) = Psi_b[r,s] (Sigma_PP^-1)[a,c] / n
 * (the OLS SEs with divisor n whenever the implied Sigma_PP equals S_PP, e.g. when the
 * predictors are exogenous or saturated); the (co)variances of a block (and of Phi) have
 *   Cov(psi_ij, psi_kl) = (psi_ik psi_jl + psi_il psi_jk) / n.
 * Everything downstream (standardized values and their delta-method SEs, R², fit indices,
 * modification indices, defined parameters) takes the same MLResult as Fisher scoring gives.
 */
export interface ClosedFormBlock {
  /** Variable indices of the block's equations, in the block order. */
  eqs: number[];
  /** The shared predictors. */
  parents: number[];
  /** Parameter index of the path parents[a] -> eqs[r] at r * m + a. */
  coef: Int32Array;
  /** Parameter index of the (co)variance of eqs[r], eqs[s] at r * e + s. */
  psi: Int32Array;
  /** Position of eqs[0] in the order (the number of variables before the block). */
  start: number;
  /** True when the predictors are every earlier variable (the block adds nothing to chi-square). */
  saturated: boolean;
  /** The variables before the block in the order. */
  prev: Int32Array;
}

export interface ClosedFormPlan {
  /** Exogenous variables first, then the blocks' equations, block after block. */
  order: number[];
  exo: number[];
  /** Parameter index of the (co)variance of exo[a], exo[b] at a * px + b. */
  exoPsi: Int32Array;
  blocks: ClosedFormBlock[];
  /** Per parameter: 0 path, 1 variance, 2 covariance. */
  kinds: Int8Array;
}

const plans = new WeakMap<ParamTable, ClosedFormPlan | null>();

/** Row a's candidate columns of the closed form's vcov at cols[start[a] .. start[a + 1]). */
export interface VcovSupport {
  start: Int32Array;
  cols: Int32Array;
}

const supports = new WeakMap<ClosedFormPlan, VcovSupport>();

/**
 * Where the closed form's vcov can be nonzero (every entry fitClosedForm writes: within the
 * exogenous (co)variances, within each block's (co)variances and within each block's
 * coefficients), row by row in ascending column order: the delta method visits these instead
 * of the q x q matrix.
 */
export function vcovSupport(plan: ClosedFormPlan, q: number): VcovSupport {
  const hit = supports.get(plan);
  if (hit && hit.start.length === q + 1) return hit;
  const mask = new Uint8Array(q * q);
  const within = (idx: Int32Array) => {
    for (const a of idx) for (const b of idx) mask[a * q + b] = 1;
  };
  within(plan.exoPsi);
  for (const blk of plan.blocks) {
    within(blk.psi);
    within(blk.coef);
  }
  const start = new Int32Array(q + 1);
  const cols: number[] = [];
  for (let a = 0; a < q; a++) {
    start[a] = cols.length;
    for (let b = 0; b < q; b++) if (mask[a * q + b]) cols.push(b);
  }
  start[q] = cols.length;
  const support = { start, cols: Int32Array.from(cols) };
  supports.set(plan, support);
  return support;
}

/** The closed-form plan of a parameter table, or null when the condition above does not hold. */
export function closedFormPlan(table: ParamTable): ClosedFormPlan | null {
  const cached = plans.get(table);
  if (cached !== undefined) return cached;
  const plan = detect(table);
  plans.set(table, plan);
  return plan;
}

function detect(table: ParamTable): ClosedFormPlan | null {
  if (table.constrained) return null;
  const p = table.p;
  const vars = table.variables;
  const parents: number[][] = Array.from({ length: p }, () => []);
  const pathIx = new Map<string, number>();
  const psiIx = new Map<string, number>();
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  for (let k = 0; k < table.params.length; k++) {
    const { kind, i, j } = table.params[k];
    if (kind === "path") {
      if (pathIx.has(`${i},${j}`) || i === j) return null;
      pathIx.set(`${i},${j}`, k);
      parents[i].push(j);
    } else {
      if (psiIx.has(key(i, j))) return null;
      psiIx.set(key(i, j), k);
    }
  }
  const edges = table.params
    .filter((x) => x.kind === "path")
    .map((x) => ({ from: vars[x.j], to: vars[x.i] }));
  const topo = topologicalOrder(vars, edges);
  if ("cycle" in topo) return null;
  const rank = new Int32Array(p);
  topo.order.forEach((v, r) => {
    rank[vars.indexOf(v)] = r;
  });
  const isEndo = parents.map((x) => x.length > 0);
  const exo = table.exogenous;
  for (let a = 0; a < p; a++) if (!isEndo[a] !== exo.includes(a)) return null;
  for (let a = 0; a < p; a++) if (!psiIx.has(key(a, a))) return null;
  // union of endogenous variables linked by residual covariances
  const root = Array.from({ length: p }, (_, a) => a);
  const find = (a: number): number => (root[a] === a ? a : find(root[a]));
  const sameSet = (x: number[], y: number[]) =>
    x.length === y.length && x.every((v) => y.includes(v));
  for (const par of table.params) {
    if (par.kind !== "covariance") continue;
    const ei = isEndo[par.i];
    const ej = isEndo[par.j];
    if (ei !== ej) return null;
    if (!ei) continue;
    if (!sameSet(parents[par.i], parents[par.j])) return null;
    root[find(par.i)] = find(par.j);
  }
  const groups = new Map<number, number[]>();
  for (let a = 0; a < p; a++) {
    if (!isEndo[a]) continue;
    const r = find(a);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)?.push(a);
  }
  const px = exo.length;
  const exoPsi = new Int32Array(px * px);
  for (let a = 0; a < px; a++)
    for (let b = 0; b < px; b++) {
      const k = psiIx.get(key(exo[a], exo[b]));
      if (k === undefined) return null;
      exoPsi[a * px + b] = k;
    }
  const byRank = (a: number, b: number) => rank[a] - rank[b];
  const members = [...groups.values()].map((g) => g.sort(byRank));
  members.sort((x, y) => rank[x[0]] - rank[y[0]]);
  const order = [...exo];
  const blocks: ClosedFormBlock[] = [];
  for (const eqs of members) {
    const e = eqs.length;
    const ps = [...parents[eqs[0]]].sort((a, b) => a - b);
    const m = ps.length;
    const coef = new Int32Array(e * m);
    const psi = new Int32Array(e * e);
    for (let r = 0; r < e; r++) {
      for (let a = 0; a < m; a++) {
        const k = pathIx.get(`${eqs[r]},${ps[a]}`);
        if (k === undefined) return null;
        coef[r * m + a] = k;
      }
      for (let s = 0; s < e; s++) {
        const k = psiIx.get(key(eqs[r], eqs[s]));
        if (k === undefined) return null; // not every pair of the block is covaried
        psi[r * e + s] = k;
      }
    }
    const start = order.length;
    // every predictor must come earlier (guaranteed by the argument above; checked anyway)
    if (!ps.every((v) => order.includes(v))) return null;
    const prev = Int32Array.from(order);
    blocks.push({ eqs, parents: ps, coef, psi, start, saturated: m === start, prev });
    order.push(...eqs);
  }
  const kinds = Int8Array.from(table.params, (x) =>
    x.kind === "path" ? 0 : x.kind === "variance" ? 1 : 2,
  );
  return { order, exo, exoPsi, blocks, kinds };
}

/**
 * Scratch buffers, reused by every call (typed arrays longer than 8 numbers are allocated off
 * the heap, at a cost of the order of the whole closed-form fit): Sp, L, A, then per block at
 * most p x p each, and a column; the views are made once per p.
 */
interface ScratchViews {
  p: number;
  Sp: Float64Array;
  L: Float64Array;
  A: Float64Array;
  spp: Float64Array;
  vpp: Float64Array;
  lpp: Float64Array;
  lvv: Float64Array;
  Bb: Float64Array;
  Psi: Float64Array;
  vinv: Float64Array;
  col: Float64Array;
}
let views: ScratchViews | null = null;
function scratchViews(p: number): ScratchViews {
  const pp = p * p;
  if (!views || views.p !== p) {
    const w = new Float64Array(10 * pp + p);
    const at = (k: number) => w.subarray(k * pp, (k + 1) * pp);
    views = {
      p,
      Sp: at(0),
      L: at(1),
      A: at(2),
      spp: at(3),
      vpp: at(4),
      lpp: at(5),
      lvv: at(6),
      Bb: at(7),
      Psi: at(8),
      vinv: at(9),
      col: w.subarray(10 * pp, 10 * pp + p),
    };
  }
  views.Sp.fill(0);
  views.L.fill(0);
  views.A.fill(0);
  return views;
}

const chol = choleskyInto;

/** Solve L L' x = b in place (b[o .. o + m)). */
function cholSolve(l: Float64Array, m: number, b: Float64Array, o = 0): void {
  for (let i = 0; i < m; i++) {
    let s = b[o + i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * b[o + k];
    b[o + i] = s / l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[o + i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * b[o + k];
    b[o + i] = s / l[i * m + i];
  }
}

/** Inverse of L L' into inv, one column at a time through col (length m). */
function cholInverse(l: Float64Array, m: number, inv: Float64Array, col: Float64Array): void {
  for (let c = 0; c < m; c++) {
    col.fill(0);
    col[c] = 1;
    cholSolve(l, m, col);
    for (let r = 0; r < m; r++) inv[r * m + c] = col[r];
  }
}

export interface ClosedFormFit {
  theta: Float64Array;
  /** The covariance matrix with divisor n. */
  S: Mat;
  Sigma: Mat;
  fmin: number;
  vcov: Float64Array;
  dSigmaDiag: Float64Array;
}

/**
 * ML by the closed form for a table with a plan, from `cov` (divisor n - 1) of n observations.
 * Null when S is not positive definite or a variable is (almost) a linear combination of the
 * variables before it (R² > 1 - 1e-10): then fitML() runs Fisher scoring, which reports it.
 */
export function fitClosedForm(
  table: ParamTable,
  plan: ClosedFormPlan,
  cov: Mat,
  n: number,
): ClosedFormFit | null {
  const p = table.p;
  const q = table.params.length;
  const pp = p * p;
  const { order, exo, exoPsi, blocks, kinds } = plan;
  // the results share one buffer: S, theta, Sigma, vcov, dSigmaDiag
  const out = freshFloat64(2 * pp + q + q * q + q * p);
  const S = out.subarray(0, pp);
  const Sigma = out.subarray(pp, 2 * pp);
  const theta = out.subarray(2 * pp, 2 * pp + q);
  const vcov = out.subarray(2 * pp + q, 2 * pp + q + q * q);
  const dSigmaDiag = out.subarray(2 * pp + q + q * q);
  // scratch: Sp, L, A, then per block at most p x p each
  const { Sp, L, A, spp, vpp, lpp, lvv, Bb, Psi, vinv, col } = scratchViews(p);
  const lpsi = Sp; // free once L is known
  for (let a = 0; a < pp; a++) S[a] = (cov[a] * (n - 1)) / n;
  // Cholesky factor of S in the block order: its diagonal gives the full conditional variances
  for (let a = 0; a < p; a++)
    for (let b = 0; b < p; b++) Sp[a * p + b] = S[order[a] * p + order[b]];
  if (!chol(Sp, p, L)) return null;
  // a variable (almost) determined by the earlier ones: leave the diagnosis to Fisher scoring
  for (let a = 0; a < p; a++) if (!(L[a * p + a] ** 2 > 1e-10 * Sp[a * p + a])) return null;
  const px = exo.length;
  for (let a = 0; a < px; a++) {
    const ia = exo[a];
    A[ia * p + ia] = 1;
    for (let b = 0; b < px; b++) {
      const v = S[ia * p + exo[b]];
      Sigma[ia * p + exo[b]] = v;
      Psi[a * px + b] = v;
      theta[exoPsi[a * px + b]] = v;
    }
  }
  covarianceVcov(vcov, q, n, exoPsi, px, Psi);

  let fmin = 0;
  for (const blk of blocks) {
    const { eqs, parents, coef, psi, prev } = blk;
    const e = eqs.length;
    const m = parents.length;
    // OLS: S_PP b_r = S_P,r for each equation
    for (let a = 0; a < m; a++)
      for (let c = 0; c < m; c++) {
        spp[a * m + c] = S[parents[a] * p + parents[c]];
        vpp[a * m + c] = Sigma[parents[a] * p + parents[c]];
      }
    if (!chol(spp, m, lpp) || !chol(vpp, m, lvv)) return null;
    for (let r = 0; r < e; r++) {
      const o = r * m;
      for (let a = 0; a < m; a++) Bb[o + a] = S[parents[a] * p + eqs[r]];
      cholSolve(lpp, m, Bb, o);
      for (let a = 0; a < m; a++) theta[coef[o + a]] = Bb[o + a];
    }
    // residual moments: Psi_rs = S_rs - b_r' S_P,s
    for (let r = 0; r < e; r++)
      for (let s = r; s < e; s++) {
        let v = S[eqs[r] * p + eqs[s]];
        for (let a = 0; a < m; a++) v -= Bb[r * m + a] * S[parents[a] * p + eqs[s]];
        Psi[r * e + s] = v;
        Psi[s * e + r] = v;
        theta[psi[r * e + s]] = v;
      }
    covarianceVcov(vcov, q, n, psi, e, Psi);
    // coefficients: Psi_b (x) Sigma_PP^-1 / n
    cholInverse(lvv, m, vinv, col);
    for (let r = 0; r < e; r++)
      for (let s = 0; s < e; s++) {
        const w = Psi[r * e + s] / n;
        for (let a = 0; a < m; a++) {
          const row = coef[r * m + a] * q;
          for (let c = 0; c < m; c++) vcov[row + coef[s * m + c]] = w * vinv[a * m + c];
        }
      }
    // chi-square contribution: log|Psi_b| - log|Psi_b^full|
    if (!blk.saturated) {
      if (!chol(Psi, e, lpsi)) return null;
      let c = 0;
      for (let r = 0; r < e; r++) {
        const d = blk.start + r;
        c += 2 * (log(lpsi[r * e + r]) - log(L[d * p + d]));
      }
      fmin += c;
    }
    // implied covariances with earlier variables, then within the block; rows of A
    for (let r = 0; r < e; r++) {
      const ir = eqs[r];
      A[ir * p + ir] = 1;
      for (let t = 0; t < prev.length; t++) {
        const v = prev[t];
        let s = 0;
        let u = 0;
        for (let a = 0; a < m; a++) {
          s += Bb[r * m + a] * Sigma[parents[a] * p + v];
          u += Bb[r * m + a] * A[parents[a] * p + v];
        }
        Sigma[ir * p + v] = s;
        Sigma[v * p + ir] = s;
        A[ir * p + v] = u;
      }
    }
    for (let r = 0; r < e; r++)
      for (let t = r; t < e; t++) {
        let s = Psi[r * e + t];
        for (let a = 0; a < m; a++) s += Bb[r * m + a] * Sigma[parents[a] * p + eqs[t]];
        Sigma[eqs[r] * p + eqs[t]] = s;
        Sigma[eqs[t] * p + eqs[r]] = s;
      }
  }
  // diagonal of each dSigma/dtheta_k (as ml.ts: 2 x_k[r] y_k[r] of the rank-2 form)
  const params = table.params;
  for (let k = 0; k < q; k++) {
    const { i, j } = params[k];
    const o = k * p;
    const kind = kinds[k];
    for (let r = 0; r < p; r++) {
      const x = A[r * p + i];
      if (x === 0) continue;
      dSigmaDiag[o + r] =
        kind === 0 ? 2 * x * Sigma[j * p + r] : kind === 1 ? x * x : 2 * x * A[r * p + j];
    }
  }
  return { theta, S, Sigma, fmin, vcov, dSigmaDiag };
}

/**
 * Asymptotic covariances of the ML (co)variance estimates of a saturated block with covariance
 * matrix C (e x e): Cov(c_ij, c_kl) = (c_ik c_jl + c_il c_jk) / n, at the parameters idx[r * e + s].
 */
function covarianceVcov(
  vcov: Float64Array,
  q: number,
  n: number,
  idx: Int32Array,
  e: number,
  C: Float64Array,
): void {
  let symmetric = true;
  for (let r = 0; r < e && symmetric; r++)
    for (let s = r + 1; s < e; s++) if (C[r * e + s] !== C[s * e + r]) symmetric = false;
  for (let r = 0; r < e; r++)
    for (let s = r; s < e; s++) {
      const k = idx[r * e + s];
      const row = k * q;
      for (let t = 0; t < e; t++)
        for (let u = t; u < e; u++) {
          // with C symmetric, entry (kl, k) is the same products in the same order: mirrored
          if (symmetric && (t < r || (t === r && u < s))) continue;
          const l = idx[t * e + u];
          const v = (C[r * e + t] * C[s * e + u] + C[r * e + u] * C[s * e + t]) / n;
          vcov[row + l] = v;
          if (symmetric) vcov[l * q + k] = v;
        }
    }
}
