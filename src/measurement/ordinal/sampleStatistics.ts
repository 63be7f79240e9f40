import { type OrdinalItem, ordinalItem } from "./categories.ts";
import { gridAt, type PairGrid, pairGrid, pairTable, polychoricPair } from "./polychoric.ts";

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
 * correlation matrix, in corIndex order (null: no grid, e.g. a 2 x 2 special case).
 */
const finalGrids = new WeakMap<Float64Array, (PairGrid | null)[]>();

/**
 * The grid of pair (a, b), a < b, at stats.cor's value if the estimation left one for exactly
 * these items and that value; undefined otherwise (e.g. statistics with another cor).
 */
export function polychoricGrid(
  stats: OrdinalSampleStats,
  a: number,
  b: number,
): PairGrid | undefined {
  const p = stats.items.length;
  const g = finalGrids.get(stats.cor)?.[corIndex(b, a, p)];
  if (!g) return undefined;
  const ok =
    g.xs === stats.items[a].thresholds &&
    g.ys === stats.items[b].thresholds &&
    g.rho === stats.cor[a * p + b];
  return ok ? g : undefined;
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
  const grids: (PairGrid | null)[] = [];
  for (let j = 0; j < p; j++) {
    cor[j * p + j] = 1;
    for (let i = j + 1; i < p; i++) {
      const t = pairTable(items[j], items[i]);
      const grid = pairGrid(items[j], items[i]);
      const r = polychoricPair(t, grid);
      cor[i * p + j] = r;
      cor[j * p + i] = r;
      if (t.emptyCells) emptyCellPairs.push([items[j].name, items[i].name]);
      // the grid at the estimate, for the casewise scores (a short step from the last iterate)
      if (Number.isNaN(grid.rho)) grids.push(null);
      else {
        gridAt(grid, r);
        grids.push(grid);
      }
    }
  }
  finalGrids.set(cor, grids);
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
