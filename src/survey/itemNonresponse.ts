import { exp } from "../math/fdlibm.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import type { Stream } from "../random/stream.ts";
import type { Instrument } from "./instrument.ts";
import { compositeItemColumns } from "./responses.ts";

/**
 * Item non-response in the virtual survey (issue 11, item 4): respondents skip items, and
 * composites are scored from the items they answered.
 *
 * - Each asked item j has a skip share s_j: `share` for every item, or its own in `items`.
 * - MCAR (dependsOn "none"): a respondent skips item j with probability s_j.
 * - MAR on a construct (dependsOn "PERF", ...): with eta the respondent's standardized true score
 *   on that construct, P(skip j | eta) = logistic(a_j + strength * eta), the logit link; a_j is
 *   solved so that the population share E[logistic(a_j + strength * eta)] over eta ~ N(0, 1)
 *   equals s_j (skipIntercept). strength > 0: respondents high on the construct skip more.
 * - One uniform per respondent and asked item, in item order then respondent order, from the
 *   survey's own stream derive(seed, replication, "survey", "item-nonresponse"), so that no
 *   other draw of the replication changes.
 * - Composite scoring as researchers usually do it ("person-mean" or prorated scoring): the
 *   mean of the answered composite items when at least ceil(minAnswered * k) of the construct's
 *   k composite items are answered (at least one), else the composite is missing (NaN).
 */
export interface ItemNonresponseConfig {
  share: number;
  items: Partial<Record<string, number>>;
  dependsOn: string;
  strength: number;
  minAnswered: number;
}

export interface ItemNonresponseSummary {
  /** Skipped answers / asked answers over the usable respondents. */
  itemMissingShare: number;
  /** Respondents with at least one missing composite. */
  incompleteRows: number;
  /** Missing composites / (respondents x constructs). */
  compositeMissingShare: number;
}

const logistic = (x: number) => (x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)));

/** Nodes and weights of the standard normal density on [-8, 8] (composite Simpson, 321 points). */
const GRID = (() => {
  const m = 320;
  const h = 16 / m;
  const x = new Float64Array(m + 1);
  const w = new Float64Array(m + 1);
  for (let k = 0; k <= m; k++) {
    x[k] = -8 + k * h;
    const simpson = k === 0 || k === m ? 1 : k % 2 ? 4 : 2;
    w[k] = ((simpson * h) / 3) * (exp(-0.5 * x[k] * x[k]) / Math.sqrt(2 * Math.PI));
  }
  return { x, w };
})();

/** E[logistic(a + b eta)] for eta ~ N(0, 1). */
export function meanSkipProbability(a: number, b: number): number {
  let s = 0;
  for (let k = 0; k < GRID.x.length; k++) s += GRID.w[k] * logistic(a + b * GRID.x[k]);
  return s;
}

/** Intercepts by (share, strength): the bisection is costly and the pairs are few. */
const intercepts = new Map<string, number>();

/** The intercept a with E[logistic(a + b eta)] = share (bisection; share in (0, 1)). */
export function skipIntercept(share: number, b: number): number {
  const key = `${share}/${b}`;
  const known = intercepts.get(key);
  if (known !== undefined) return known;
  if (intercepts.size >= 256) intercepts.clear();
  const a = solveIntercept(share, b);
  intercepts.set(key, a);
  return a;
}

function solveIntercept(share: number, b: number): number {
  let lo = -60;
  let hi = 60;
  for (let it = 0; it < 200 && hi - lo > 1e-13; it++) {
    const mid = 0.5 * (lo + hi);
    if (meanSkipProbability(mid, b) < share) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The skip share of each asked item (instrument order). */
export function itemShares(ins: Instrument, cfg: ItemNonresponseConfig): number[] {
  return ins.items.map((it) => cfg.items[it.id] ?? cfg.share);
}

/**
 * Blank skipped answers in `scored` (in place, NaN) and score the composites from the answered
 * items. `latent[c][row]` are the universe's standardized true scores, `rows` the respondents'
 * universe rows.
 */
export function applyItemNonresponse(
  ins: Instrument,
  cfg: ItemNonresponseConfig,
  latent: readonly ArrayLike<number>[],
  rows: Int32Array,
  scored: Float64Array[],
  stream: Stream,
): { composites: Float64Array[]; summary: ItemNonresponseSummary } {
  const n = rows.length;
  const shares = itemShares(ins, cfg);
  const ci = (CONSTRUCTS as readonly string[]).indexOf(cfg.dependsOn);
  const eta = ci >= 0 ? latent[ci] : null;
  let skipped = 0;
  ins.items.forEach((_, j) => {
    const s = shares[j];
    const col = scored[j];
    if (eta && s > 0 && s < 1 && cfg.strength !== 0) {
      const a = skipIntercept(s, cfg.strength);
      for (let i = 0; i < n; i++) {
        const u = stream.next();
        if (u < logistic(a + cfg.strength * eta[rows[i]])) {
          col[i] = Number.NaN;
          skipped++;
        }
      }
    } else {
      for (let i = 0; i < n; i++) {
        const u = stream.next();
        if (u < s) {
          col[i] = Number.NaN;
          skipped++;
        }
      }
    }
  });
  const composites = CONSTRUCTS.map((_, c) => {
    const cols = compositeItemColumns(ins, scored, c);
    const k = cols.length;
    const need = Math.max(1, Math.ceil(cfg.minAnswered * k - 1e-9));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let answered = 0;
      for (const col of cols) {
        const v = col[i];
        if (!Number.isNaN(v)) {
          sum += v;
          answered++;
        }
      }
      out[i] = answered >= need ? sum / answered : Number.NaN;
    }
    return out;
  });
  let incompleteRows = 0;
  let missingComposites = 0;
  for (let i = 0; i < n; i++) {
    let any = false;
    for (const col of composites)
      if (Number.isNaN(col[i])) {
        missingComposites++;
        any = true;
      }
    if (any) incompleteRows++;
  }
  return {
    composites,
    summary: {
      itemMissingShare: skipped / (n * ins.items.length),
      incompleteRows,
      compositeMissingShare: missingComposites / (n * composites.length),
    },
  };
}

/** Indices of the rows complete in every column, or null when every row is complete. */
export function completeRowIndices(
  cols: readonly ArrayLike<number>[],
  n: number,
): Int32Array | null {
  let k = 0;
  const keep = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (const c of cols) if (Number.isNaN(c[i])) ok = false;
    if (ok) keep[k++] = i;
  }
  return k === n ? null : keep.subarray(0, k);
}

/** The columns restricted to the rows `keep`. */
export function selectRows(cols: readonly Float64Array[], keep: Int32Array): Float64Array[] {
  return cols.map((c) => {
    const out = new Float64Array(keep.length);
    for (let i = 0; i < keep.length; i++) out[i] = c[keep[i]];
    return out;
  });
}
