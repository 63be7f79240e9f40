import { CONSTRUCTS, type Construct } from "../paper/constructs.ts";
import { ITEMS, type Item, REPORTED_CR, type ResponseScale } from "../paper/items.ts";
import { compositeReliability } from "./reliability.ts";

/**
 * The questionnaire a virtual survey fields: which Appendix items are asked, with which
 * standardized loading on their construct and on a common-method factor, and how each item is
 * scored into its construct's composite.
 */

/** Our calibration number: the paper reports no loadings for the items it dropped in
 * purification; purification usually removes items loading below about 0.5, so dropped items
 * load 0.45 unless the scenario says otherwise. */
export const DEFAULT_DROPPED_LOADING = 0.45;

export interface InstrumentOptions {
  /** "reported": Appendix loadings; "scaled": every construct's loadings multiplied by one
   * factor so that its Fornell-Larcker CR equals the target reliability. */
  loadings: "reported" | "scaled";
  /** Target CR when loadings are scaled: one number for every construct, or "reported"
   * (the paper's reported CR per construct). */
  targetReliability: number | "reported";
  /** Per-item loadings that replace the Appendix value ("IEO5": 0.6). */
  itemLoadings: Partial<Record<string, number>>;
  /** Also ask the items the paper dropped (including the reverse-keyed ones). */
  includeDropped: boolean;
  /** Loading of dropped items (absolute value; reverse-keyed items load negatively). */
  droppedLoading: number;
  /** Which items a composite averages: "retained" (as the paper did) or "all" asked items. */
  compositeItems: "retained" | "all";
  /** Standardized loading m of every item on a common-method (respondent style) factor: the
   * share m^2 of each item's variance is method variance, taken proportionally from the
   * construct and unique parts (construct loadings become l sqrt(1 - m^2)). */
  methodFactor: number;
  /** false: items equal their construct score (loading 1, no unique variance). */
  measurementError: boolean;
}

export const DEFAULT_INSTRUMENT: InstrumentOptions = {
  loadings: "reported",
  targetReliability: "reported",
  itemLoadings: {},
  includeDropped: false,
  droppedLoading: DEFAULT_DROPPED_LOADING,
  compositeItems: "retained",
  methodFactor: 0,
  measurementError: true,
};

export interface SurveyItem {
  id: string;
  construct: Construct;
  /** Index of the construct in CONSTRUCTS. */
  c: number;
  /** Signed standardized loading on the construct (negative for reverse-keyed items). */
  loading: number;
  /** Loading on the common-method factor. */
  method: number;
  /** Standard deviation of the unique part, sqrt(1 - loading^2 - method^2). */
  unique: number;
  scale: ResponseScale;
  reverse: boolean;
  dropped: boolean;
  /** Whether the item enters its construct's composite. */
  inComposite: boolean;
}

export interface Instrument {
  items: SurveyItem[];
  /** Item indices of each construct's composite, in CONSTRUCTS order. */
  composite: number[][];
  options: InstrumentOptions;
  /** The scaling factor applied to each construct's loadings (1 when reported). */
  factor: Record<Construct, number>;
}

/** A problem with the measurement settings, naming the scenario field it comes from. */
export class SurveyConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The loading scale factor c such that CR(c * lambda) = target (bisection; CR rises in c). */
export function scaleToReliability(loadings: readonly number[], target: number): number {
  let lo = 0;
  let hi = 1 / Math.max(...loadings.map(Math.abs));
  for (let it = 0; it < 100; it++) {
    const mid = (lo + hi) / 2;
    if (compositeReliability(loadings.map((l) => l * mid)) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Build the questionnaire, or throw a SurveyConfigError naming the offending field. */
export function buildInstrument(o: InstrumentOptions, fieldPrefix = "survey"): Instrument {
  const f = (name: string) => `${fieldPrefix}.${name}`;
  for (const [id, l] of Object.entries(o.itemLoadings)) {
    const item = ITEMS.find((i) => i.id === id);
    if (!item) throw new SurveyConfigError(f(`itemLoadings.${id}`), "no such Appendix item");
    if (l === undefined || !(Math.abs(l) < 1) || l === 0)
      throw new SurveyConfigError(
        f(`itemLoadings.${id}`),
        `loading ${l} is impossible: a standardized loading must satisfy 0 < |loading| < 1`,
      );
  }
  if (!(o.droppedLoading > 0 && o.droppedLoading < 1))
    throw new SurveyConfigError(f("droppedLoading"), "must lie in (0, 1)");
  if (!(o.methodFactor >= 0 && o.methodFactor < 1))
    throw new SurveyConfigError(f("methodFactor"), "must lie in [0, 1)");
  const asked: Item[] = ITEMS.filter((i) => o.includeDropped || !i.dropped);
  const base = (i: Item) =>
    o.itemLoadings[i.id] ?? (i.loading === null ? o.droppedLoading : i.loading);
  const factor = {} as Record<Construct, number>;
  for (const c of CONSTRUCTS) {
    factor[c] = 1;
    if (o.loadings !== "scaled" || !o.measurementError) continue;
    const target = o.targetReliability === "reported" ? REPORTED_CR[c] : o.targetReliability;
    const ls = asked.filter((i) => i.construct === c && !i.dropped).map(base);
    factor[c] = scaleToReliability(ls, target);
    const top = Math.max(...ls) * factor[c];
    if (
      top >= 0.999 ||
      Math.abs(compositeReliability(ls.map((l) => l * factor[c])) - target) > 1e-6
    )
      throw new SurveyConfigError(
        f("targetReliability"),
        `${c}: a composite reliability of ${target} cannot be reached with loadings below 1 (the largest would be ${r3(top)}); choose a lower target`,
      );
  }
  const items: SurveyItem[] = asked.map((i) => {
    const c = CONSTRUCTS.indexOf(i.construct);
    // The method factor takes the share m^2 of every item's variance, proportionally from
    // the construct and the unique part: loading l -> l sqrt(1 - m^2).
    const m = o.measurementError ? o.methodFactor : 0;
    const shrink = Math.sqrt(1 - m * m);
    let l = o.measurementError ? base(i) * (i.dropped ? 1 : factor[i.construct]) * shrink : 1;
    if (i.reverse) l = -Math.abs(l);
    const u2 = 1 - l * l - m * m;
    if (o.measurementError && !(u2 > 1e-9))
      throw new SurveyConfigError(
        i.id in o.itemLoadings ? f(`itemLoadings.${i.id}`) : f("loadings"),
        `item ${i.id}: loading ${r3(l)} leaves no unique variance`,
      );
    return {
      id: i.id,
      construct: i.construct,
      c,
      loading: l,
      method: m,
      unique: o.measurementError ? Math.sqrt(u2) : 0,
      scale: i.scale,
      reverse: i.reverse,
      dropped: i.dropped,
      inComposite: o.compositeItems === "all" || !i.dropped,
    };
  });
  const composite = CONSTRUCTS.map((_, c) =>
    items.flatMap((it, k) => (it.c === c && it.inComposite ? [k] : [])),
  );
  return { items, composite, options: o, factor };
}

/** The loadings (construct-keyed, sign-corrected for reverse scoring) of each composite. */
export function compositeLoadings(ins: Instrument): number[][] {
  return ins.composite.map((idx) => idx.map((k) => Math.abs(ins.items[k].loading)));
}
