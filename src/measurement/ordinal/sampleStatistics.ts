import { type OrdinalItem, ordinalItem } from "./categories.ts";
import {
  gridAt,
  type PairCells,
  type PairGrid,
  pairGrid,
  pairTable,
  polychoricPair,
} from "./polychoric.ts";

/**
 * The sample statistics of ordinal items that WLSMV fits (lavaan's WLS.obs for categorical
 * data without covariates): every item's thresholds (items in order, thresholds in order), then
 * the polychoric correlations below the diagonal column by column ((2,1), (3,1), ..., (p,1),
 * (3,2), ...), lavaan's vech order.
 */
export interface OrdinalData {
  names: readonly string[];
  /** One column of answers per item (any numbers: categories are the observed values). */
  columns: readonly ArrayLike<number>[];
}

export interface OrdinalSampleStats {
  names: readonly string[];
  n: number;
  items: readonly OrdinalItem[];
  /** All thresholds, item by item. */
  thresholds: Float64Array;
  /** lavaan's names: `item|t1`, ... */
  thresholdNames: readonly string[];
  /** First threshold of each item in `thresholds`. */
  thresholdStart: readonly number[];
  /** Polychoric correlation matrix, p x p row-major, unit diagonal. */
  cor: Float64Array;
  /** Item pairs whose bivariate table has an empty cell (lavaan's zero.cell.tables). */
  emptyCellPairs: readonly (readonly [string, string])[];
}

export type OrdinalStatsOutcome =
  | { ok: true; stats: OrdinalSampleStats }
  | { ok: false; message: string };

/**
 * The grids (Phi2 and phi2 at the thresholds) of every pair at its polychoric correlation, kept
 * from the estimation for the asymptotic covariance's casewise scores; keyed by the statistics'
 * correlation matrix. Pair k (corIndex order) holds rho[k] (NaN: no grid, e.g. a 2 x 2 special
 * case) and its extended grid at cdf/den[off[k] ..].
 */
interface FinalGrids {
  items: readonly OrdinalItem[];
  rho: Float64Array;
  off: Int32Array;
  cdf: Float64Array;
  den: Float64Array;
}
const finalGrids = new WeakMap<Float64Array, FinalGrids>();

/**
 * The grid of pair (a, b), a < b, at stats.cor's value if the estimation left one for exactly
 * these items and that value; undefined otherwise (e.g. statistics with another cor).
 */
export function polychoricGrid(
  stats: OrdinalSampleStats,
  a: number,
  b: number,
): PairCells | undefined {
  const p = stats.items.length;
  const g = finalGrids.get(stats.cor);
  if (!g || g.items[a] !== stats.items[a] || g.items[b] !== stats.items[b]) return undefined;
  const k = corIndex(b, a, p);
  const rho = stats.cor[a * p + b];
  if (g.rho[k] !== rho) return undefined;
  const size = (stats.items[a].levels.length + 1) * (stats.items[b].levels.length + 1);
  return {
    rho,
    cdf: g.cdf.subarray(g.off[k], g.off[k] + size),
    den: g.den.subarray(g.off[k], g.off[k] + size),
  };
}

/** Index of correlation (i, j), i != j, in the vech-below-diagonal order (p items). */
export function corIndex(i: number, j: number, p: number): number {
  const r = Math.max(i, j);
  const c = Math.min(i, j);
  return c * p - (c * (c + 1)) / 2 + (r - c - 1);
}

export function ordinalSampleStats(data: OrdinalData): OrdinalStatsOutcome {
  const p = data.names.length;
  if (data.columns.length !== p)
    return { ok: false, message: "one column of answers per item name is needed" };
  if (p < 2) return { ok: false, message: "at least two ordinal items are needed" };
  const n = data.columns[0].length;
  const items: OrdinalItem[] = [];
  for (let j = 0; j < p; j++) {
    if (data.columns[j].length !== n)
      return {
        ok: false,
        message: `item ${data.names[j]} has ${data.columns[j].length} answers, not ${n}`,
      };
    const r = ordinalItem(data.names[j], data.columns[j]);
    if (!r.ok) return r;
    items.push(r.item);
  }
  const thresholdStart: number[] = [];
  const thresholdNames: string[] = [];
  const th: number[] = [];
  for (const it of items) {
    thresholdStart.push(th.length);
    it.thresholds.forEach((t, k) => {
      th.push(t);
      thresholdNames.push(`${it.name}|t${k + 1}`);
    });
  }
  const cor = new Float64Array(p * p);
  const emptyCellPairs: [string, string][] = [];
  const pstar = (p * (p - 1)) / 2;
  const keep: FinalGrids = {
    items,
    rho: new Float64Array(pstar).fill(Number.NaN),
    off: new Int32Array(pstar + 1),
    cdf: new Float64Array(0),
    den: new Float64Array(0),
  };
  for (let j = 0; j < p; j++)
    for (let i = j + 1; i < p; i++) {
      const k = corIndex(i, j, p);
      keep.off[k + 1] = (items[j].levels.length + 1) * (items[i].levels.length + 1);
    }
  for (let k = 0; k < pstar; k++) keep.off[k + 1] += keep.off[k];
  keep.cdf = new Float64Array(keep.off[pstar]);
  keep.den = new Float64Array(keep.off[pstar]);
  // one work grid per shape (thresholds of the two items), reused pair after pair
  const work = new Map<number, PairGrid>();
  for (let j = 0; j < p; j++) {
    cor[j * p + j] = 1;
    for (let i = j + 1; i < p; i++) {
      const t = pairTable(items[j], items[i]);
      const shape = items[j].levels.length * 1024 + items[i].levels.length;
      const grid = pairGrid(items[j], items[i], work.get(shape));
      work.set(shape, grid);
      const r = polychoricPair(t, grid);
      cor[i * p + j] = r;
      cor[j * p + i] = r;
      if (t.emptyCells) emptyCellPairs.push([items[j].name, items[i].name]);
      // the grid at the estimate, for the casewise scores (a short step from the last iterate)
      if (!Number.isNaN(grid.rho)) {
        gridAt(grid, r);
        const k = corIndex(i, j, p);
        keep.rho[k] = r;
        keep.cdf.set(grid.cdf, keep.off[k]);
        keep.den.set(grid.den, keep.off[k]);
      }
    }
  }
  finalGrids.set(cor, keep);
  return {
    ok: true,
    stats: {
      names: [...data.names],
      n,
      items,
      thresholds: Float64Array.from(th),
      thresholdNames,
      thresholdStart,
      cor,
      emptyCellPairs,
    },
  };
}
