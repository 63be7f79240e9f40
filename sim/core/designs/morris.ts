import type { Stream } from "../../../src/random/stream.ts";
import { permutation } from "./unit.ts";

/**
 * Morris (1991) elementary-effects screening on a p-level grid of the unit cube.
 *
 * Each of r trajectories starts at a random grid point and moves one factor at a time, in a
 * random order, by the step delta = p / (2 (p - 1)). The start coordinate of each factor is
 * drawn from all p levels and the direction is the one that stays inside [0, 1] (for this
 * delta exactly one direction does), so every level is equally likely. A trajectory has k + 1
 * points; the design has r (k + 1).
 */
export interface MorrisDesignPoints {
  /** Unit coordinates [point][factor]. */
  unit: number[][];
  /** For each point, the factor moved to reach it from the previous point; -1 at a start. */
  changed: Int32Array;
  delta: number;
}

export function morrisDesign(r: number, k: number, p: number, s: Stream): MorrisDesignPoints {
  const delta = p / (2 * (p - 1));
  const unit: number[][] = [];
  const changed = new Int32Array(r * (k + 1));
  for (let t = 0; t < r; t++) {
    const x = Array.from({ length: k }, () => Math.floor(s.next() * p) / (p - 1));
    const order = permutation(k, s);
    changed[t * (k + 1)] = -1;
    unit.push([...x]);
    for (let m = 0; m < k; m++) {
      const j = order[m];
      x[j] = x[j] + delta <= 1 + 1e-12 ? x[j] + delta : x[j] - delta;
      // exact grid values (avoid 0.9999999 from repeated floating additions)
      x[j] = Math.round(x[j] * (p - 1)) / (p - 1);
      changed[t * (k + 1) + m + 1] = j;
      unit.push([...x]);
    }
  }
  return { unit, changed, delta };
}

/** Morris statistics of one output for one factor. */
export interface MorrisIndex {
  /** Number of elementary effects that could be computed (both points ran). */
  effects: number;
  /** Mean elementary effect. */
  mu: number;
  /** Mean absolute elementary effect (Campolongo, Cariboni & Saltelli 2007). */
  muStar: number;
  /** Standard deviation of the elementary effects (n - 1 denominator): interactions and non-linearity. */
  sigma: number;
}

/**
 * Elementary effects EE = (y(after) - y(before)) / (u(after) - u(before)), with u the factor's
 * actual position in its range as a fraction 0..1 (so effects are per full range and comparable
 * between factors; integer rounding is accounted for). `y` holds the output at each design
 * point (NaN when it is missing); `unitActual` the factor values actually run, on the unit scale.
 */
export function morrisIndices(
  unitActual: readonly (readonly number[])[],
  changed: Int32Array,
  y: ArrayLike<number>,
  k: number,
): MorrisIndex[] {
  const ee: number[][] = Array.from({ length: k }, () => []);
  for (let i = 1; i < changed.length; i++) {
    const j = changed[i];
    if (j < 0) continue;
    const du = unitActual[i][j] - unitActual[i - 1][j];
    const dy = y[i] - y[i - 1];
    if (du === 0 || !Number.isFinite(dy)) continue;
    ee[j].push(dy / du);
  }
  return ee.map((e) => {
    const n = e.length;
    if (!n) return { effects: 0, mu: Number.NaN, muStar: Number.NaN, sigma: Number.NaN };
    let s = 0;
    let sa = 0;
    for (const v of e) {
      s += v;
      sa += Math.abs(v);
    }
    const mu = s / n;
    let ss = 0;
    for (const v of e) ss += (v - mu) ** 2;
    return { effects: n, mu, muStar: sa / n, sigma: n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN };
  });
}
