import { normalCdf, normalQuantile } from "../../math/distributions.ts";

/**
 * One ordinal item: its answers coded 1..K by the observed values in increasing order (as R's
 * `ordered()` does for lavaan: a scale point nobody chose is not a category, so a 7-point item
 * with an empty category has 6 categories and 5 thresholds), and its thresholds from the
 * marginal proportions, tau_t = Phi^-1(P(y <= t)), t = 1..K-1 (lavaan's lav_uvord_th; without
 * covariates these are also the univariate probit ML estimates lavaan's step 1 returns).
 */
export interface OrdinalItem {
  name: string;
  /** The observed values, increasing; category c (1-based) is levels[c - 1]. */
  levels: readonly number[];
  /** Category of each respondent, 1..K. */
  y: Int32Array;
  /** Respondents per category. */
  counts: Float64Array;
  /** K - 1 thresholds. */
  thresholds: Float64Array;
}

export type ItemResult = { ok: true; item: OrdinalItem } | { ok: false; message: string };

export function ordinalItem(name: string, values: ArrayLike<number>): ItemResult {
  const n = values.length;
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(values[i]))
      return { ok: false, message: `item ${name}: respondent ${i + 1} has no answer` };
  const levels = [...new Set(Array.from(values))].sort((a, b) => a - b);
  if (levels.length < 2)
    return { ok: false, message: `item ${name}: every respondent gave the same answer` };
  const code = new Map(levels.map((v, c) => [v, c + 1]));
  const y = new Int32Array(n);
  const counts = new Float64Array(levels.length);
  for (let i = 0; i < n; i++) {
    const c = code.get(values[i])!;
    y[i] = c;
    counts[c - 1]++;
  }
  const thresholds = new Float64Array(levels.length - 1);
  let cum = 0;
  for (let t = 0; t < thresholds.length; t++) {
    cum += counts[t];
    thresholds[t] = normalQuantile(cum / n);
  }
  return { ok: true, item: { name, levels, y, counts, thresholds } };
}

/** Threshold t (0-based) of an item extended by -∞ (t = -1) and +∞ (t = K - 1). */
export function thresholdAt(item: OrdinalItem, t: number): number {
  if (t < 0) return Number.NEGATIVE_INFINITY;
  if (t >= item.thresholds.length) return Number.POSITIVE_INFINITY;
  return item.thresholds[t];
}

/**
 * The scores of the univariate probit log-likelihood with respect to the thresholds, per
 * category (K x (K-1), row-major): for a respondent in category c, log P = log(Phi(tau_c) -
 * Phi(tau_c-1)), so the score is phi(tau_c)/P for threshold c and -phi(tau_c-1)/P for
 * threshold c - 1 (a respondent's scores are the row of its category).
 */
export function categoryThresholdScores(item: OrdinalItem): Float64Array {
  const k = item.thresholds.length;
  const out = new Float64Array((k + 1) * k);
  const dens = Array.from(item.thresholds, (t) => Math.exp(-(t * t) / 2) / Math.sqrt(2 * Math.PI));
  for (let c = 0; c <= k; c++) {
    const prob = normalCdf(thresholdAt(item, c)) - normalCdf(thresholdAt(item, c - 1));
    if (c < k) out[c * k + c] = dens[c] / prob;
    if (c > 0) out[c * k + c - 1] = -dens[c - 1] / prob;
  }
  return out;
}
