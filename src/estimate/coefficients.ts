import { twoSidedP } from "../math/distributions.ts";
import { type Expr, evaluate, exprLabels } from "../syntax/expression.ts";
import { type ClosedFormPlan, vcovSupport } from "./closedForm.ts";
import { ClosedFormResult, type MLResult } from "./ml.ts";
import type { ParamTable, Position } from "./parameters.ts";

export interface ParameterEstimate {
  label: string;
  kind: "path" | "variance" | "covariance";
  from: string;
  to: string;
  est: number;
  se: number;
  z: number;
  p: number;
  /** Standardized by the model-implied variances (lavaan's std.all). */
  std: number;
  /** Delta-method standard error of the standardized estimate. */
  stdSe: number;
  /** The user's label (lavaan syntax), when given. */
  name?: string;
  /** True when the value is fixed by the model (se = 0, z = p = NaN). */
  fixed?: boolean;
}

/**
 * Every free parameter with SE, Wald z, two-sided normal p, and its standardized value as
 * lavaan's std.all: paths b * sd(from)/sd(to) with model-implied SDs; variances as a share of
 * the implied variance; covariances as the correlation of the two (residual) terms,
 * psi_ij / sqrt(psi_ii psi_jj). Standardized SEs by the delta method with the analytic Jacobian;
 * exogenous (co)variances count as fixed at their sample values (lavaan's fixed.x = TRUE).
 */
export function parameterEstimates(
  res: MLResult,
  kind?: ParameterEstimate["kind"],
): ParameterEstimate[] {
  if (res.table.constrained) {
    const all = constrainedEstimates(res);
    return kind ? all.filter((x) => x.kind === kind) : all;
  }
  const { table, theta, Sigma, dSigmaDiag, vcov } = res;
  const q = theta.length;
  const p = table.p;
  const params = table.params;
  const { varIndex, random } = tableFacts(res);
  const vars = table.variables;
  // columns of vcov that can contribute (the closed form's vcov is block diagonal: where the
  // plan writes it); terms with an exact zero factor are skipped: none changes any sum
  const cfPlan = res instanceof ClosedFormResult ? res.plan : null;
  const plans = cfPlan ? rowPlans(cfPlan, table, random) : null;
  const { grad, cols, start } = cfPlan
    ? { grad: gradScratch(q), ...vcovSupport(cfPlan, q) }
    : nonzeroColumns(vcov, q, random);
  const rows: ParameterEstimate[] = [];
  for (let k = 0; k < params.length; k++) {
    if (kind && params[k].kind !== kind) continue;
    rows.push(row(k));
  }
  return rows;
  // one row: every row's numbers depend on its own parameter only (any subset gives the same)
  function row(k: number): ParameterEstimate {
    const par = params[k];
    const { i, j } = par;
    // the gradient's possibly nonzero entries (all of them without a row plan)
    const cand = plans ? plans.cand[k] : null;
    const nc = cand ? cand.length : q;
    if (cand) for (let c = 0; c < nc; c++) grad[cand[c]] = 0;
    else grad.fill(0, 0, q);
    let std: number;
    if (par.kind === "path") {
      const sii = Sigma[i * p + i];
      const sjj = Sigma[j * p + j];
      const ratio = Math.sqrt(sjj / sii);
      std = theta[k] * ratio;
      for (let c = 0; c < nc; c++) {
        const l = cand ? cand[c] : c;
        const dj = dSigmaDiag[l * p + j];
        const di = dSigmaDiag[l * p + i];
        if (dj !== 0 || di !== 0) grad[l] = 0.5 * std * (dj / sjj - di / sii);
      }
      grad[k] += ratio;
    } else if (par.kind === "variance") {
      const sii = Sigma[i * p + i];
      std = theta[k] / sii;
      for (let c = 0; c < nc; c++) {
        const l = cand ? cand[c] : c;
        const di = dSigmaDiag[l * p + i];
        if (di !== 0) grad[l] = (-theta[k] * di) / (sii * sii);
      }
      grad[k] += 1 / sii;
    } else {
      const ki = varIndex[i];
      const kj = varIndex[j];
      const den = Math.sqrt(theta[ki] * theta[kj]);
      std = theta[k] / den;
      grad[k] = 1 / den;
      grad[ki] = (-0.5 * std) / theta[ki];
      grad[kj] = (-0.5 * std) / theta[kj];
    }
    let v = 0;
    if (plans) {
      // the same terms in the same order as below, from the row's list of (a, b) pairs
      const pr = plans.pairs[k];
      let t = 0;
      while (t < pr.length) {
        const ga = grad[pr[t]];
        const end = t + 2 + 2 * pr[t + 1];
        t += 2;
        if (ga === 0) {
          t = end;
          continue;
        }
        for (; t < end; t += 2) {
          const gb = grad[pr[t + 1]];
          if (gb !== 0) v += ga * vcov[pr[t]] * gb;
        }
      }
    } else
      for (let a = 0; a < q; a++) {
        const ga = grad[a];
        if (!random[a] || ga === 0) continue;
        const o = a * q;
        for (let c = start[a]; c < start[a + 1]; c++) {
          const b = cols[c];
          const gb = grad[b];
          // a zero term (gb = 0 or vcov = 0) leaves v as it is: skipped
          if (gb !== 0 && random[b] === 1) v += ga * vcov[o + b] * gb;
        }
      }
    const se = Math.sqrt(vcov[k * q + k]);
    const z = theta[k] / se;
    const row: ParameterEstimate = {
      label: par.label,
      kind: par.kind,
      from: vars[j],
      to: vars[i],
      est: theta[k],
      se,
      z,
      p: twoSidedP(z),
      std,
      stdSe: Math.sqrt(Math.max(0, v)),
    };
    if (par.name) row.name = par.name;
    return row;
  }
}

/**
 * Per closed-form plan, for each parameter k: `cand`, the parameters l whose entry of the
 * delta-method gradient of row k can be nonzero (dSigmaDiag[l] is zero at every variable that
 * l's left-hand variable does not reach by paths), ascending; `pairs`, the (a, b) terms of the
 * quadratic form g' vcov g that can be nonzero (a, b random candidates, vcov[a][b] where the
 * plan writes it), a ascending then b ascending: the order of the full sum, whose other terms
 * are exact zeros. Stored grouped by a: a, the number m of its terms, then m pairs
 * (a * q + b, b), so that a row whose gradient is zero at a skips a's terms at once.
 */
interface RowPlans {
  cand: Int32Array[];
  pairs: Int32Array[];
}
const rowPlanCache = new WeakMap<ClosedFormPlan, RowPlans>();
function rowPlans(plan: ClosedFormPlan, table: ParamTable, random: Uint8Array): RowPlans {
  const hit = rowPlanCache.get(plan);
  if (hit) return hit;
  const p = table.p;
  const q = table.params.length;
  // reach[v * p + r]: v is r or an ancestor of r along paths
  const parents: number[][] = Array.from({ length: p }, () => []);
  for (const x of table.params) if (x.kind === "path") parents[x.i].push(x.j);
  const reach = new Uint8Array(p * p);
  const mark = (r: number, v: number) => {
    if (reach[v * p + r]) return;
    reach[v * p + r] = 1;
    for (const u of parents[v]) mark(r, u);
  };
  for (let r = 0; r < p; r++) mark(r, r);
  const varIndex = new Int32Array(p).fill(-1);
  table.params.forEach((x, k) => {
    if (x.kind === "variance") varIndex[x.i] = k;
  });
  const { start, cols } = vcovSupport(plan, q);
  const cand: Int32Array[] = [];
  const pairs: Int32Array[] = [];
  table.params.forEach((par, k) => {
    const inCand = new Uint8Array(q);
    inCand[k] = 1;
    if (par.kind === "covariance") {
      inCand[varIndex[par.i]] = 1;
      inCand[varIndex[par.j]] = 1;
    } else
      table.params.forEach((x, l) => {
        if (reach[x.i * p + par.i] || (par.kind === "path" && reach[x.i * p + par.j]))
          inCand[l] = 1;
      });
    const c: number[] = [];
    const pr: number[] = [];
    for (let a = 0; a < q; a++) {
      if (!inCand[a]) continue;
      c.push(a);
      if (!random[a]) continue;
      const at = pr.length;
      pr.push(a, 0);
      for (let t = start[a]; t < start[a + 1]; t++) {
        const b = cols[t];
        if (inCand[b] && random[b]) {
          pr.push(a * q + b, b);
          pr[at + 1]++;
        }
      }
      if (pr[at + 1] === 0) pr.length = at;
    }
    cand.push(Int32Array.from(c));
    pairs.push(Int32Array.from(pr));
  });
  const plans = { cand, pairs };
  rowPlanCache.set(plan, plans);
  return plans;
}

/** Per parameter table: the variance parameter of each variable, and which parameters are
 * random (not the exogenous (co)variances, fixed at their sample values as lavaan's fixed.x). */
const facts = new WeakMap<object, { varIndex: Int32Array; random: Uint8Array }>();
function tableFacts(res: MLResult): { varIndex: Int32Array; random: Uint8Array } {
  const hit = facts.get(res.table);
  if (hit) return hit;
  const { table } = res;
  const varIndex = new Int32Array(table.p).fill(-1);
  table.params.forEach((x, k) => {
    if (x.kind === "variance") varIndex[x.i] = k;
  });
  const exo = new Set(table.exogenous);
  const random = Uint8Array.from(table.params, (x) =>
    x.kind === "path" || !(exo.has(x.i) && exo.has(x.j)) ? 1 : 0,
  );
  const f = { varIndex, random };
  facts.set(table, f);
  return f;
}

/** Scratch for parameterEstimates() (typed arrays beyond 8 numbers are costly to allocate). */
let scratchGrad = new Float64Array(0);
let scratchCols = new Int32Array(0);
let scratchStart = new Int32Array(0);

/**
 * For each row a of vcov, the columns b of random parameters with vcov[a][b] != 0, at
 * cols[start[a] .. start[a + 1]): the terms of the delta-method quadratic forms that can be
 * nonzero (the closed form's vcov is block diagonal; skipping exact zeros changes no sum).
 * Also a gradient buffer of length q. All three are reused by the next call.
 */
function nonzeroColumns(
  vcov: Float64Array,
  q: number,
  random: Uint8Array,
): { grad: Float64Array; cols: Int32Array; start: Int32Array } {
  const grad = gradScratch(q);
  if (scratchCols.length < q * q) scratchCols = new Int32Array(q * q);
  if (scratchStart.length < q + 1) scratchStart = new Int32Array(q + 1);
  const cols = scratchCols;
  const start = scratchStart;
  let c = 0;
  for (let a = 0; a < q; a++) {
    start[a] = c;
    const o = a * q;
    for (let b = 0; b < q; b++) if (vcov[o + b] !== 0 && random[b] === 1) cols[c++] = b;
  }
  start[q] = c;
  return { grad, cols, start };
}

function gradScratch(q: number): Float64Array {
  if (scratchGrad.length < q) scratchGrad = new Float64Array(q);
  return scratchGrad;
}

/**
 * parameterEstimates() for tables with fixed or shared parameters: one row per place in the
 * model (a shared parameter once per place, with the same estimate), fixed places with se = 0
 * and z = p = NaN, as lavaan prints them. Same definitions otherwise.
 */
function constrainedEstimates(res: MLResult): ParameterEstimate[] {
  const { table, theta, vcov } = res;
  const q = theta.length;
  const varPos = variancePositions(res);
  const val = (x: Position) => (x.k < 0 ? x.value : theta[x.k]);
  const random = randomParams(res);
  const vars = table.variables;
  const grad = new Float64Array(q);
  return table.positions.map((pos) => {
    const { i, j, k } = pos;
    const value = val(pos);
    const std = stdGradient(res, pos, varPos, grad);
    const v = quadraticForm(grad, vcov, q, random);
    const se = k >= 0 ? Math.sqrt(vcov[k * q + k]) : 0;
    const z = k >= 0 ? value / se : Number.NaN;
    const row: ParameterEstimate = {
      label: pos.label,
      kind: pos.kind,
      from: vars[j],
      to: vars[i],
      est: value,
      se,
      z,
      p: k >= 0 ? twoSidedP(z) : Number.NaN,
      std,
      stdSe: Math.sqrt(Math.max(0, v)),
    };
    if (pos.name) row.name = pos.name;
    if (k < 0) row.fixed = true;
    return row;
  });
}

/** The variance position of each variable (for the std.all of covariances). */
function variancePositions(res: MLResult): (Position | undefined)[] {
  const varPos = new Array<Position | undefined>(res.table.p);
  for (const x of res.table.positions) if (x.kind === "variance") varPos[x.i] = x;
  return varPos;
}

/**
 * The std.all value of one parameter place, with its gradient with respect to the free
 * parameters written into `grad` (length q): paths b sd(from)/sd(to), variances as a share of
 * the implied variance, covariances as correlations, all with model-implied SDs.
 */
function stdGradient(
  res: MLResult,
  pos: Position,
  varPos: readonly (Position | undefined)[],
  grad: Float64Array,
): number {
  const { theta, Sigma, dSigmaDiag } = res;
  const q = theta.length;
  const p = res.table.p;
  const val = (x: Position) => (x.k < 0 ? x.value : theta[x.k]);
  const { i, j, k } = pos;
  const value = val(pos);
  grad.fill(0);
  let std: number;
  if (pos.kind === "path") {
    const sii = Sigma[i * p + i];
    const sjj = Sigma[j * p + j];
    const ratio = Math.sqrt(sjj / sii);
    std = value * ratio;
    for (let l = 0; l < q; l++)
      grad[l] = 0.5 * std * (dSigmaDiag[l * p + j] / sjj - dSigmaDiag[l * p + i] / sii);
    if (k >= 0) grad[k] += ratio;
  } else if (pos.kind === "variance") {
    const sii = Sigma[i * p + i];
    std = value / sii;
    for (let l = 0; l < q; l++) grad[l] = (-value * dSigmaDiag[l * p + i]) / (sii * sii);
    if (k >= 0) grad[k] += 1 / sii;
  } else {
    const vi = varPos[i]!;
    const vj = varPos[j]!;
    const den = Math.sqrt(val(vi) * val(vj));
    std = value / den;
    if (k >= 0) grad[k] += 1 / den;
    if (vi.k >= 0) grad[vi.k] += (-0.5 * std) / val(vi);
    if (vj.k >= 0) grad[vj.k] += (-0.5 * std) / val(vj);
  }
  return std;
}

/** g' V g over the random parameters only (exogenous (co)variances count as fixed). */
function quadraticForm(g: Float64Array, V: Float64Array, q: number, random: boolean[]): number {
  let v = 0;
  for (let a = 0; a < q; a++) {
    if (!random[a] || g[a] === 0) continue;
    for (let b = 0; b < q; b++) if (random[b]) v += g[a] * V[a * q + b] * g[b];
  }
  return v;
}

/** Free parameters that vary between samples: all but the exogenous (co)variances (fixed.x). */
function randomParams(res: MLResult): boolean[] {
  const exo = new Set(res.table.exogenous);
  return res.table.params.map((x) => x.kind === "path" || !(exo.has(x.i) && exo.has(x.j)));
}

export interface DefinedEstimate {
  name: string;
  expression: string;
  est: number;
  /** Delta-method standard error. */
  se: number;
  z: number;
  p: number;
  /** The expression evaluated at the standardized (std.all) values of the labelled parameters. */
  std: number;
  /** Delta-method standard error of std (lavaan's standardizedSolution() se of a := row). */
  stdSe: number;
}

/**
 * Defined parameters (lavaan's `:=`) at the estimate, with delta-method standard errors from
 * the exact gradient of the expression. `std` applies the expression to the std.all values, as
 * lavaan's standardized solution does; its SE is the delta method through the std.all values'
 * own gradients (exogenous (co)variances fixed, as for the parameters' standardized SEs).
 */
export function definedEstimates(res: MLResult, estimates: ParameterEstimate[]): DefinedEstimate[] {
  const { table, theta, vcov } = res;
  const q = theta.length;
  const nDef = table.defined.length;
  // label -> its first place, its std.all value and its slot in `buf` (std gradient, lazily)
  const named = new Map<string, { pos: Position; std: number; slot: number }>();
  table.positions.forEach((pos, r) => {
    if (pos.name && !named.has(pos.name))
      named.set(pos.name, { pos, std: estimates[r].std, slot: -1 });
  });
  const varPos = variancePositions(res);
  const random = randomParams(res);
  // one buffer of q-vectors (typed arrays cost more to allocate than this arithmetic): defined
  // parameter i's raw gradient at slot 2i, its std gradient at 2i + 1, labels' std gradients after
  const buf = new Float64Array(q * (2 * nDef + named.size));
  const scratch = new Float64Array(q);
  let labelSlots = 2 * nDef;
  const stdGradSlot = (x: { pos: Position; slot: number }) => {
    if (x.slot < 0) {
      stdGradient(res, x.pos, varPos, scratch);
      x.slot = labelSlots++;
      buf.set(scratch, x.slot * q);
    }
    return x.slot;
  };
  const done = new Map<string, { i: number; v: number; std: number }>();
  const out: DefinedEstimate[] = [];
  table.defined.forEach((d, di) => {
    const unknown = (name: string): never => {
      throw new Error(`unknown label "${name}" in ${d.name} := ${d.expression}`);
    };
    // the expression's value and gradient with respect to its m labels, then the chain rule to
    // the q free parameters through each label's own gradient
    const labels = labelsOf(d.expr);
    const m = labels.length;
    const rawV = new Float64Array(m);
    const stdV = new Float64Array(m);
    labels.forEach((name, i) => {
      const prior = done.get(name);
      if (prior) {
        rawV[i] = prior.v;
        stdV[i] = prior.std;
        return;
      }
      const x = named.get(name) ?? unknown(name);
      rawV[i] = x.pos.k >= 0 ? theta[x.pos.k] : x.pos.value;
      stdV[i] = x.std;
    });
    const units = labels.map((_, i) => {
      const u = new Float64Array(m);
      u[i] = 1;
      return u;
    });
    const byLabel = (values: Float64Array) => (name: string) => {
      const i = labels.indexOf(name);
      return { v: values[i], g: units[i] };
    };
    const rawL = evaluate(d.expr, byLabel(rawV), m);
    const stdL = evaluate(d.expr, byLabel(stdV), m);
    const ro = 2 * di * q;
    const so = ro + q;
    labels.forEach((name, i) => {
      const dr = rawL.g[i];
      const ds = stdL.g[i];
      const prior = done.get(name);
      if (prior) {
        const pr = 2 * prior.i * q;
        const ps = pr + q;
        for (let k = 0; k < q; k++) {
          buf[ro + k] += dr * buf[pr + k];
          buf[so + k] += ds * buf[ps + k];
        }
        return;
      }
      const x = named.get(name)!;
      if (x.pos.k >= 0) buf[ro + x.pos.k] += dr;
      const lo = stdGradSlot(x) * q;
      for (let k = 0; k < q; k++) buf[so + k] += ds * buf[lo + k];
    });
    let v = 0;
    let vs = 0;
    for (let a = 0; a < q; a++) {
      const ga = buf[ro + a];
      const sa = buf[so + a];
      const ra = random[a];
      if (ga === 0 && (sa === 0 || !ra)) continue;
      const o = a * q;
      for (let b = 0; b < q; b++) {
        const c = vcov[o + b];
        v += ga * c * buf[ro + b];
        if (ra && random[b]) vs += sa * c * buf[so + b];
      }
    }
    done.set(d.name, { i: di, v: rawL.v, std: stdL.v });
    const se = Math.sqrt(Math.max(0, v));
    const z = rawL.v / se;
    out.push({
      name: d.name,
      expression: d.expression,
      est: rawL.v,
      se,
      z,
      p: twoSidedP(z),
      std: stdL.v,
      stdSe: Math.sqrt(Math.max(0, vs)),
    });
  });
  return out;
}

/** An expression's labels, once per parsed expression. */
const exprLabelCache = new WeakMap<Expr, string[]>();
function labelsOf(e: Expr): string[] {
  let l = exprLabelCache.get(e);
  if (!l) {
    l = exprLabels(e);
    exprLabelCache.set(e, l);
  }
  return l;
}

/**
 * The std.all values of the free parameters at a fit (one per free parameter, in the table's
 * order): the bootstrap of standardized estimates evaluates them in every resample.
 */
export function standardizedTheta(res: MLResult): Float64Array {
  const varPos = variancePositions(res);
  const q = res.theta.length;
  const grad = new Float64Array(q);
  const first = new Map<number, Position>();
  for (const pos of res.table.positions) if (pos.k >= 0 && !first.has(pos.k)) first.set(pos.k, pos);
  const out = new Float64Array(q);
  for (let k = 0; k < q; k++) out[k] = stdGradient(res, first.get(k)!, varPos, grad);
  return out;
}

/**
 * The defined parameters' values at a parameter vector theta (no standard errors): the bootstrap
 * evaluates them in every resample.
 */
export function definedValues(table: ParamTable, theta: ArrayLike<number>): Float64Array {
  const out = new Float64Array(table.defined.length);
  if (!out.length) return out;
  const named = new Map<string, number>();
  for (const pos of table.positions)
    if (pos.name && !named.has(pos.name))
      named.set(pos.name, pos.k >= 0 ? theta[pos.k] : pos.value);
  const none = new Float64Array(0);
  table.defined.forEach((d, r) => {
    const v = evaluate(
      d.expr,
      (name) => {
        const x = named.get(name);
        if (x === undefined)
          throw new Error(`unknown label "${name}" in ${d.name} := ${d.expression}`);
        return { v: x, g: none };
      },
      0,
    ).v;
    named.set(d.name, v);
    out[r] = v;
  });
  return out;
}

/** R-squared of each endogenous variable: 1 - residual variance / implied variance. */
export function rSquared(res: MLResult): Record<string, number> {
  const p = res.table.p;
  const out: Record<string, number> = {};
  const endo = new Set(res.table.positions.filter((x) => x.kind === "path").map((x) => x.i));
  for (const pos of res.table.positions) {
    if (pos.kind === "variance" && endo.has(pos.i)) {
      const v = pos.k < 0 ? pos.value : res.theta[pos.k];
      out[res.table.variables[pos.i]] = 1 - v / res.Sigma[pos.i * p + pos.i];
    }
  }
  return out;
}
