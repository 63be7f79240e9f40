import { morrisIndices } from "../../sim/core/designs/morris.ts";
import type { SweepPlan } from "../../sim/core/designs/plan.ts";
import { toUnit } from "../../sim/core/designs/unit.ts";
import { inverseSPD } from "../../src/math/linalg.ts";

/**
 * Global sensitivity of a sweep's output (pure): per-point means over replications, then
 * Morris elementary effects (mu*, sigma) for Morris designs, or standardized regression
 * coefficients (SRC, with the regression's R²) for Latin hypercube designs.
 */
export class PointMeans {
  readonly sum: Float64Array;
  readonly sumSq: Float64Array;
  readonly count: Int32Array;
  constructor(
    readonly points: number,
    readonly quantity: string,
  ) {
    this.sum = new Float64Array(points);
    this.sumSq = new Float64Array(points);
    this.count = new Int32Array(points);
  }

  add(point: number, keys: readonly string[], values: ArrayLike<number>): void {
    const k = keys.indexOf(this.quantity);
    if (k < 0 || !Number.isFinite(values[k])) return;
    this.sum[point] += values[k];
    this.sumSq[point] += values[k] * values[k];
    this.count[point] += 1;
  }

  means(): Float64Array {
    return Float64Array.from(this.sum, (s, i) => (this.count[i] ? s / this.count[i] : Number.NaN));
  }

  /**
   * Monte Carlo variance of each point's mean (the replications' sample variance / count);
   * NaN with fewer than two replications.
   */
  meanVariances(): Float64Array {
    return Float64Array.from(this.sum, (s, i) => {
      const c = this.count[i];
      if (c < 2) return Number.NaN;
      const v = Math.max(0, (this.sumSq[i] - (s * s) / c) / (c - 1));
      return v / c;
    });
  }
}

/**
 * How much of the spread of the point means is Monte Carlo noise: the average variance of a
 * point's mean over the variance of the means across points (0..1+; NaN when not computable).
 */
export function noiseShare(y: ArrayLike<number>, meanVar: ArrayLike<number>): number {
  const ys: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < y.length; i++)
    if (Number.isFinite(y[i]) && Number.isFinite(meanVar[i])) {
      ys.push(y[i]);
      vs.push(meanVar[i]);
    }
  if (ys.length < 2) return Number.NaN;
  const m = ys.reduce((a, b) => a + b, 0) / ys.length;
  const total = ys.reduce((a, b) => a + (b - m) ** 2, 0) / (ys.length - 1);
  const noise = vs.reduce((a, b) => a + b, 0) / vs.length;
  return total > 0 ? noise / total : Number.NaN;
}

export interface FactorIndex {
  factor: string;
  /** Morris: mu* (mean |elementary effect| per full range); LHS: |SRC|. */
  importance: number;
  /** Morris: mu (signed); LHS: SRC (signed). */
  signed: number;
  /** Morris: sigma of the effects; LHS: NaN. */
  spread: number;
  /** Morris: number of effects; LHS: number of points used. */
  n: number;
  /**
   * Morris: Monte Carlo standard error of mu (and a bound for mu*'s), from the replications'
   * variance at each point, as if the two points of an effect were independent (common random
   * numbers make it smaller); LHS: the regression's standard error of the SRC. NaN if unknown.
   */
  error: number;
}

export function morrisTable(
  plan: SweepPlan,
  y: ArrayLike<number>,
  meanVar?: ArrayLike<number>,
): FactorIndex[] {
  const m = plan.morris;
  if (!m) throw new Error("not a Morris design");
  const fs = plan.sweep.factors;
  const unitActual = plan.points.map((row) => row.map((x, j) => toUnit(fs[j], x)));
  // Monte Carlo variance of each factor's mean effect: sum of var(EE) / count²
  const varSum = new Float64Array(fs.length);
  const varN = new Int32Array(fs.length);
  let varOk = !!meanVar;
  if (meanVar)
    for (let i = 1; i < m.changed.length; i++) {
      const j = m.changed[i];
      if (j < 0) continue;
      const du = unitActual[i][j] - unitActual[i - 1][j];
      if (du === 0 || !Number.isFinite(y[i] - y[i - 1])) continue;
      const v = (meanVar[i] + meanVar[i - 1]) / (du * du);
      if (!Number.isFinite(v)) varOk = false;
      varSum[j] += v;
      varN[j] += 1;
    }
  return morrisIndices(unitActual, m.changed, y, fs.length).map((s, j) => ({
    factor: fs[j].path,
    importance: s.muStar,
    signed: s.mu,
    spread: s.sigma,
    n: s.effects,
    error: varOk && varN[j] ? Math.sqrt(varSum[j]) / varN[j] : Number.NaN,
  }));
}

/** Standardized regression coefficients of y on the factors over the design points, and R². */
export function srcTable(
  plan: SweepPlan,
  y: ArrayLike<number>,
): { rows: FactorIndex[]; r2: number } {
  const fs = plan.sweep.factors;
  const k = fs.length;
  const idx: number[] = [];
  for (let i = 0; i < plan.points.length; i++) if (Number.isFinite(y[i])) idx.push(i);
  const n = idx.length;
  const nan = {
    rows: fs.map((f) => ({
      factor: f.path,
      importance: Number.NaN,
      signed: Number.NaN,
      spread: Number.NaN,
      n,
      error: Number.NaN,
    })),
    r2: Number.NaN,
  };
  if (n <= k + 1) return nan;
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const sd = (a: number[], m: number) =>
    Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
  const cols = fs.map((_, j) => idx.map((i) => plan.points[i][j]));
  const ys = idx.map((i) => y[i]);
  const my = mean(ys);
  const sy = sd(ys, my);
  const zx = cols.map((c) => {
    const m = mean(c);
    const s = sd(c, m);
    return c.map((v) => (s > 0 ? (v - m) / s : 0));
  });
  if (!(sy > 0)) return nan;
  const zy = ys.map((v) => (v - my) / sy);
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += zx[a][i] * zx[b][i];
      xtx[a * k + b] = s;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += zx[a][i] * zy[i];
    xty[a] = s;
  }
  const inv = inverseSPD(xtx, k);
  if (!inv) return nan;
  const beta = Array.from({ length: k }, (_, a) => {
    let s = 0;
    for (let b = 0; b < k; b++) s += inv[a * k + b] * xty[b];
    return s;
  });
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    let fit = 0;
    for (let a = 0; a < k; a++) fit += beta[a] * zx[a][i];
    ssr += (zy[i] - fit) ** 2;
  }
  const r2 = 1 - ssr / (n - 1);
  // residual variance on the standardized scale (no intercept needed: all columns centred)
  const s2 = ssr / (n - k - 1);
  return {
    rows: fs.map((f, j) => ({
      factor: f.path,
      importance: Math.abs(beta[j]),
      signed: beta[j],
      spread: Number.NaN,
      n,
      error: Math.sqrt(s2 * inv[j * k + j]),
    })),
    r2,
  };
}
