import { exp, log } from "../math/fdlibm.ts";
import { normal } from "../random/deviates.ts";
import { derive } from "../random/stream.ts";
import { getAt, setAt } from "../scenario/fieldPath.ts";
import type { Scenario } from "../scenario/schema.ts";
import {
  type CalibrationRow,
  calibrationLoss,
  calibrationTable,
  calibrationValues,
} from "./calibration.ts";
import { simulate } from "./simulate.ts";
import type { DynamicsHistory } from "./types.ts";

/**
 * A further loss term of one replication, added to the targets' loss (e.g. the gap of the
 * virtual survey's moments to the paper's: src/calibration/jointLoss.ts).
 */
export type ExtraLoss = (s: Scenario, replication: number, history: DynamicsHistory) => number;

/** A calibrated parameter: its path in scenario.dynamics and the range searched. */
export interface CalibrationParameter {
  path: string;
  min: number;
  max: number;
  /** Search on the log scale (positive rates and scales). */
  log: boolean;
}

/** The parameters `bgsim calibrate` searches by default (the "our calibration" values). */
export const CALIBRATED: readonly CalibrationParameter[] = [
  { path: "entry.baseRate", min: 1e-4, max: 1, log: true },
  { path: "entry.ieo", min: 0, max: 2, log: false },
  { path: "entry.knowledge", min: 0, max: 6, log: false },
  { path: "entry.marketSize", min: 0.1, max: 1.2, log: false },
  { path: "sales.scale", min: 0.01, max: 5, log: true },
  { path: "marketExit.baseRate", min: 0.01, max: 5, log: true },
  { path: "marketExit.performance", min: 0, max: 3, log: false },
  { path: "marketExit.knowledge", min: -1, max: 3, log: false },
  { path: "marketExit.newSpell", min: 0, max: 20, log: false },
  { path: "marketExit.newSpellYears", min: 0.25, max: 5, log: true },
  { path: "marketExit.diversification", min: 0, max: 1.2, log: false },
  { path: "firmExit.baseRate", min: 0.005, max: 1, log: true },
  { path: "size.medianEmployees", min: 2, max: 1000, log: true },
];

/** A copy of the scenario with dynamics parameters set (paths relative to scenario.dynamics). */
export function withDynamics(s: Scenario, values: Record<string, number>): Scenario {
  let c = s;
  for (const [path, v] of Object.entries(values)) c = setAt(c, ["dynamics", ...path.split(".")], v);
  return c;
}

export interface CalibrationStep {
  iteration: number;
  loss: number;
  accepted: boolean;
  values: Record<string, number>;
}

export interface CalibrationResult {
  values: Record<string, number>;
  loss: number;
  rows: CalibrationRow[];
  trace: CalibrationStep[];
}

/**
 * Evaluate the calibration loss of a scenario, averaged over `replications` replications, the
 * mean share of founded firms in the surveyed frame at the survey date, and whether every
 * target's mean over the replications lies within its band.
 */
export function evaluate(
  s: Scenario,
  replications: number,
  extra?: ExtraLoss,
): { loss: number; rows: CalibrationRow[]; frameShare: number; allInBand: boolean } {
  let loss = 0;
  let frameShare = 0;
  let rows: CalibrationRow[] = [];
  const sums = new Map<string, number>();
  for (let r = 0; r < replications; r++) {
    const h = simulate(s, r);
    rows = calibrationTable(h);
    loss += calibrationLoss(rows) + (extra ? extra(s, r, h) : 0);
    frameShare += calibrationValues(h).frameSize / h.firms.n / replications;
    for (const row of rows) sums.set(row.key, (sums.get(row.key) ?? 0) + row.simulated);
  }
  const allInBand = rows.every((row) => {
    const m = (sums.get(row.key) ?? Number.NaN) / replications;
    return Number.isFinite(m) && m >= row.lo && m <= row.hi;
  });
  return { loss: loss / replications, rows, frameShare, allInBand };
}

/**
 * A (1+1) evolution strategy with the 1/5th success rule over the parameters (log scale for
 * rates), with common random numbers (the same seed and replications for every candidate), so
 * that differences in loss come from the parameters. Deterministic given (seed, options).
 */
export function calibrate(
  scenario: Scenario,
  o: {
    parameters?: readonly CalibrationParameter[];
    iterations: number;
    replications?: number;
    seed?: number;
    /**
     * Smallest share of the founded firms the surveyed frame must hold (the survey mails
     * survey.mailed of them: mailed / dynamics.firms); a candidate below it is rejected.
     */
    minFrameShare?: number;
    /** A further loss term per replication (joint calibration with the survey's moments). */
    extraLoss?: ExtraLoss;
    /** Reject a candidate unless every target's mean over the replications is in its band. */
    requireInBand?: boolean;
    onStep?: (st: CalibrationStep) => void;
  },
): CalibrationResult {
  const minFrame = o.minFrameShare ?? 0;
  const run = (s: Scenario) => {
    const e = evaluate(s, reps, o.extraLoss);
    return e.frameShare < minFrame || (o.requireInBand && !e.allInBand)
      ? { ...e, loss: Number.POSITIVE_INFINITY }
      : e;
  };
  const params = o.parameters ?? CALIBRATED;
  const reps = o.replications ?? 1;
  const rng = derive(o.seed ?? 1, "calibrate");
  const toX = (p: CalibrationParameter, v: number) => (p.log ? log(v) : v);
  const fromX = (p: CalibrationParameter, x: number) => {
    const v = p.log ? exp(x) : x;
    return Math.min(p.max, Math.max(p.min, v));
  };
  let x = params.map((p) => toX(p, Number(getAt(scenario.dynamics, p.path.split(".")))));
  const valuesOf = (xs: number[]) =>
    Object.fromEntries(params.map((p, i) => [p.path, fromX(p, xs[i])]));
  let best = evaluate(withDynamics(scenario, valuesOf(x)), reps, o.extraLoss);
  const trace: CalibrationStep[] = [
    { iteration: 0, loss: best.loss, accepted: true, values: valuesOf(x) },
  ];
  o.onStep?.(trace[0]);
  let sigma = 0.15;
  for (let it = 1; it <= o.iterations; it++) {
    const cand = x.map((xi, i) => {
      const p = params[i];
      const scale = p.log ? 1 : (p.max - p.min) / 4;
      return toX(p, fromX(p, xi + sigma * scale * normal(rng)));
    });
    const r = run(withDynamics(scenario, valuesOf(cand)));
    const accepted = r.loss < best.loss;
    if (accepted) {
      x = cand;
      best = r;
      sigma *= 1.5;
    } else sigma *= exp(-0.25 * log(1.5));
    sigma = Math.min(1, Math.max(0.01, sigma));
    const st = { iteration: it, loss: r.loss, accepted, values: valuesOf(cand) };
    trace.push(st);
    o.onStep?.(st);
  }
  return { values: valuesOf(x), loss: best.loss, rows: best.rows, trace };
}
