import type { DynamicsHistory } from "./types.ts";

/**
 * The firm-status rules of the dynamics mode, each written once: born global, in the surveyed
 * frame, and the counts of firms at the survey date that the outcome registry
 * (src/pipeline/4-outcomes.ts), the calibration table and the views read.
 */

/**
 * Born global at the time of observation: exporting now, the first foreign entry came within
 * `windowSteps` steps of founding (strictly: firstEntryStep - foundStep < windowSteps), and the
 * foreign share of sales is at least `minShare`. (dynamics.bornGlobal: windowYears *
 * stepsPerYear steps, minForeignShare.)
 */
export function isBornGlobal(
  exporting: boolean,
  foundStep: number,
  firstEntryStep: number,
  share: number,
  windowSteps: number,
  minShare: number,
): boolean {
  return (
    exporting &&
    firstEntryStep >= 0 &&
    firstEntryStep - foundStep < windowSteps &&
    share >= minShare
  );
}

/**
 * In the surveyed frame at the survey date (the firm is alive then): founded in or after the
 * frame's first step (dynamics.frame.foundedFrom) and foreign share >= frame.minForeignShare.
 */
export function inSurveyedFrame(
  foundStep: number,
  share: number,
  frameFromStep: number,
  minShare: number,
): boolean {
  return foundStep >= frameFromStep && share >= minShare;
}

/** Firms at the survey date, counted once per run. */
export interface SurveyDateCounts {
  /** Firms founded over the whole run. */
  founded: number;
  /** Founded by and alive at the survey date. */
  alive: number;
  /** Alive and serving at least one foreign market. */
  exporters: number;
  /** Exporters whose first foreign entry came within 2 years of founding. */
  earlyExporters: number;
  /** Alive and born global (isBornGlobal at the survey date). */
  bornGlobals: number;
  /** In the surveyed frame (inSurveyedFrame). */
  frame: number;
  /** Foreign markets served, summed over the exporters. */
  markets: number;
  /** Foreign share of sales, summed over the exporters. */
  exporterShareSum: number;
  /** Annual exports of the living firms in the survey year, US$ million. */
  exportsUsdM: number;
}

const memo = new WeakMap<DynamicsHistory, SurveyDateCounts>();

/** The counts at the survey date (computed once per history). */
export function surveyDateCounts(h: DynamicsHistory): SurveyDateCounts {
  const hit = memo.get(h);
  if (hit) return hit;
  const o = h.firms;
  const snap = h.survey;
  const earlySteps = 2 * h.calendar.stepsPerYear;
  const c: SurveyDateCounts = {
    founded: o.n,
    alive: 0,
    exporters: 0,
    earlyExporters: 0,
    bornGlobals: 0,
    frame: 0,
    markets: 0,
    exporterShareSum: 0,
    exportsUsdM: 0,
  };
  for (let f = 0; f < o.n; f++) {
    if (!snap.alive[f]) continue;
    c.alive++;
    c.bornGlobals += o.bornGlobal[f];
    c.frame += o.inFrame[f];
    c.exportsUsdM += snap.share[f] * o.salesUsdM[f];
    if (snap.served[f] > 0) {
      c.exporters++;
      c.markets += snap.served[f];
      c.exporterShareSum += snap.share[f];
      if (o.firstEntryStep[f] - o.foundingStep[f] < earlySteps) c.earlyExporters++;
    }
  }
  memo.set(h, c);
  return c;
}
