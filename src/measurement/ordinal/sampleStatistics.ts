import { type OrdinalItem, ordinalItem } from "./categories.ts";
import { pairTable, polychoricPair } from "./polychoric.ts";

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
  for (let j = 0; j < p; j++) {
    cor[j * p + j] = 1;
    for (let i = j + 1; i < p; i++) {
      const t = pairTable(items[j], items[i]);
      const r = polychoricPair(t);
      cor[i * p + j] = r;
      cor[j * p + i] = r;
      if (t.emptyCells) emptyCellPairs.push([items[j].name, items[i].name]);
    }
  }
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
