import { calibrationValues, TARGETS } from "../dynamics/calibration.ts";
import { simulate } from "../dynamics/simulate.ts";
import { surveyUniverse } from "../dynamics/surveyLink.ts";
import type { DynamicsHistory } from "../dynamics/types.ts";
import { covariance, fromRows, inverseSPD, type Mat, submatrix } from "../math/linalg.ts";
import { customSpec } from "../model/builtins.ts";
import { buildModel } from "../model/implied.ts";
import { CONSTRUCTS, type Construct } from "../paper/constructs.ts";
import { TABLE1_CORRELATIONS } from "../paper/table1.ts";
import { modelFor } from "../scenario/modelCache.ts";
import type { Scenario } from "../scenario/schema.ts";
import { surveyFromUniverse } from "../survey/stage.ts";

/**
 * Calibration of the founding population to the paper's survey (indirect inference).
 *
 * The free parameters are the 21 correlations among IEO, IMO, GTC, UPD, QF, LFDC and PERF of
 * the founding population, written as the saturated recursive model that implies them
 * (`foundingModelSection`): IEO~~IMO; each strategy regressed on IEO and IMO with the strategy
 * intercorrelations as residual covariances; PERF regressed on all six. PERF's founding
 * correlations are free; what the survey sees of PERF is the simulated 3-year performance in
 * the main export market, which adds distributor luck, learning and market and firm shocks
 * (src/dynamics/mechanisms/performance.ts). The weight of distributor competence in
 * performance abroad is the model's LFDC -> PERF coefficient, so it moves with the founding
 * correlations.
 *
 * The moment matched is the correlation matrix of the surveyed composites. Inside the search
 * it is estimated by a census of the frame (every firm of the surveyed frame answers the
 * questionnaire: same items, loadings, Likert scoring and composites as the paper's survey):
 * the survey mails a simple random sample of the frame and, without response bias, responds at
 * random, so the census' correlation matrix is the expectation of the 900-mailed / 23%-response
 * survey's, up to the O(1/n) small-sample bias of a correlation, at about a seventh of the
 * noise. `surveyMoments` checks the result with the paper's survey itself.
 */

export const PAIRS: readonly (readonly [number, number])[] = (() => {
  const out: [number, number][] = [];
  for (let i = 0; i < CONSTRUCTS.length; i++) for (let j = 0; j < i; j++) out.push([i, j]);
  return out;
})();

export const pairLabel = (k: number): string =>
  `${CONSTRUCTS[PAIRS[k][0]]}~~${CONSTRUCTS[PAIRS[k][1]]}`;

/** Table 1's 21 correlations in PAIRS order (lower triangle, row by row). */
export function table1Vector(): number[] {
  return PAIRS.map(([i, j]) => TABLE1_CORRELATIONS[i][j]);
}

/** A 21-vector of correlations as a full 7 x 7 matrix. */
export function matrixOf(x: readonly number[]): number[][] {
  const p = CONSTRUCTS.length;
  const R: number[][] = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => (i === j ? 1 : 0)),
  );
  PAIRS.forEach(([i, j], k) => {
    R[i][j] = x[k];
    R[j][i] = x[k];
  });
  return R;
}

/** The 21-vector (PAIRS order) of a correlation matrix given row-major. */
export function vectorOf(R: Mat): number[] {
  const p = CONSTRUCTS.length;
  return PAIRS.map(([i, j]) => R[i * p + j]);
}

const STRATEGIES: Construct[] = ["GTC", "UPD", "QF", "LFDC"];
const CULTURE: Construct[] = ["IEO", "IMO"];
const idx = (c: Construct) => CONSTRUCTS.indexOf(c);
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Population regression coefficients of y on xs implied by R (null if R_xx is singular). */
function regression(R: number[][], y: Construct, xs: Construct[]): number[] | null {
  const p = CONSTRUCTS.length;
  const ix = xs.map(idx);
  const inv = inverseSPD(submatrix(fromRows(R), p, ix), ix.length);
  if (!inv) return null;
  const rxy = ix.map((i) => R[i][idx(y)]);
  return ix.map((_, a) => ix.reduce((s, __, b) => s + inv[a * ix.length + b] * rxy[b], 0));
}

/** A scenario `model` section: the saturated recursive model whose implied correlations are R. */
export interface FoundingModelSection {
  base: "empty";
  paths: Record<string, number>;
  correlations: Record<string, number>;
}

/**
 * The saturated model implying the correlation vector x (coefficients rounded to 4 decimals,
 * so the section written to a scenario file is the world that was evaluated), or the reason it
 * does not exist (a singular block).
 */
export function foundingModelSection(x: readonly number[]): FoundingModelSection | string {
  const R = matrixOf(x.map(round4));
  const paths: Record<string, number> = {};
  for (const s of STRATEGIES) {
    const b = regression(R, s, CULTURE);
    if (!b) return "IEO and IMO are perfectly correlated";
    b.forEach((v, k) => {
      paths[`${CULTURE[k]}->${s}`] = round4(v);
    });
  }
  const parents: Construct[] = [...CULTURE, ...STRATEGIES];
  const b = regression(R, "PERF", parents);
  if (!b) return "the six predictors of PERF are linearly dependent (not positive definite)";
  b.forEach((v, k) => {
    paths[`${parents[k]}->PERF`] = round4(v);
  });
  const correlations: Record<string, number> = { "IEO~~IMO": round4(R[idx("IEO")][idx("IMO")]) };
  for (let a = 0; a < STRATEGIES.length; a++)
    for (let c = a + 1; c < STRATEGIES.length; c++)
      correlations[`${STRATEGIES[a]}~~${STRATEGIES[c]}`] = round4(
        R[idx(STRATEGIES[a])][idx(STRATEGIES[c])],
      );
  return { base: "empty", paths, correlations };
}

/**
 * Whether the founding correlations x define a valid world: the saturated model exists, every
 * standardized coefficient lies in (-1, 1), every residual variance is positive and the
 * residual covariance blocks are positive definite (src/model/implied.ts). Returns the binding
 * constraint in words when not.
 */
export function feasibility(
  x: readonly number[],
): { ok: true; section: FoundingModelSection } | { ok: false; binding: string } {
  const section = foundingModelSection(x);
  if (typeof section === "string") return { ok: false, binding: section };
  const built = buildModel(customSpec("empty", section, "founding"));
  if (!built.ok)
    return { ok: false, binding: built.errors.map((e) => `${e.where}: ${e.message}`).join("; ") };
  return { ok: true, section };
}

/** The founding correlations (PAIRS order) of a scenario's model (its implied Sigma). */
export function foundingCorrelations(scenario: Scenario): number[] {
  const { model } = modelFor(scenario);
  const names = model.spec.variables;
  if (names.join() !== CONSTRUCTS.join())
    throw new Error(`the model's variables ${names.join(", ")} are not ${CONSTRUCTS.join(", ")}`);
  return correlations(model.Sigma).map(round4);
}

/** A copy of the scenario whose founding population has the correlations of `section`. */
export function withFoundingModel(scenario: Scenario, section: FoundingModelSection): Scenario {
  return { ...scenario, model: { ...section } };
}

export interface CensusMoment {
  /** Correlations of the frame's composites (PAIRS order). */
  r: number[];
  /** Firms in the frame (all of them answered). */
  n: number;
  history: DynamicsHistory;
}

/**
 * One replication's census moment: simulate the world, then field the scenario's questionnaire
 * to every firm of the surveyed frame at full response, and correlate the composites.
 */
export function censusMoment(scenario: Scenario, replication: number): CensusMoment {
  const { model } = modelFor(scenario);
  return censusMomentOf(scenario, replication, simulate(scenario, replication, { model }));
}

/** The census moment of an already simulated replication. */
export function censusMomentOf(
  scenario: Scenario,
  replication: number,
  history: DynamicsHistory,
): CensusMoment {
  const { model } = modelFor(scenario);
  const universe = surveyUniverse(history, scenario.seed, replication);
  const f = scenario.survey.frame;
  let frame = 0;
  for (let i = 0; i < universe.n; i++)
    if (
      (f.minFoundingYear === null || universe.attributes.foundingYear[i] >= f.minFoundingYear) &&
      universe.attributes.exportShare[i] >= f.minExportShare
    )
      frame++;
  if (frame < 30)
    throw new Error(
      `replication ${replication}: the surveyed frame holds ${frame} firms; raise dynamics.firms`,
    );
  const config = { ...scenario.survey, enabled: true, mailed: frame, responseRate: 1, n: frame };
  const s = surveyFromUniverse(
    universe,
    config,
    model.Sigma,
    scenario.seed,
    replication,
    scenario.estimation.alpha,
  );
  return { r: correlations(s.cov), n: s.n, history };
}

/** The 21 correlations of a 7 x 7 covariance matrix (PAIRS order). */
export function correlations(cov: Mat): number[] {
  const p = CONSTRUCTS.length;
  return PAIRS.map(([i, j]) => cov[i * p + j] / Math.sqrt(cov[i * p + i] * cov[j * p + j]));
}

/** Correlations of columns (PAIRS order). */
export function columnCorrelations(columns: readonly Float64Array[], n: number): number[] {
  return correlations(covariance(columns, n));
}

/** Element-wise mean of vectors. */
export function meanVector(xs: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(xs[0].length).fill(0);
  for (const x of xs) x.forEach((v, k) => (out[k] += v / xs.length));
  return out;
}

export interface SurveyCalibrationOptions {
  /** Replications averaged per evaluation (common random numbers: 0..replications-1). */
  replications: number;
  /** Maximum evaluations (the first is the start). */
  iterations: number;
  /** Stop when max |Table 1 - surveyed| <= tolerance. */
  tolerance: number;
  /** Share of the Newton step taken (damped fixed point). */
  damping: number;
}

export interface SurveyCalibrationStep {
  iteration: number;
  /** Founding correlations evaluated (PAIRS order). */
  x: number[];
  /** Mean surveyed (census) correlations. */
  observed: number[];
  maxGap: number;
  rmsGap: number;
  /** Calibration targets within their bands (mean over the replications' values). */
  targetsWithin: number;
  /** Mean value of each calibration target over the replications. */
  targets: Record<string, number>;
  meanFrame: number;
  /** What limited the step after this evaluation ("" when nothing). */
  binding: string;
  seconds: number;
}

/** The resumable state of a calibration (written to --out/state.json after each step). */
export interface SurveyCalibrationState {
  version: 1;
  options: SurveyCalibrationOptions & { firms: number; seed: number };
  /** The next founding correlations to evaluate. */
  next: number[];
  /** Estimated diagonal gain d(surveyed)/d(founding) per pair. */
  gain: number[];
  trace: SurveyCalibrationStep[];
  /** "running" | "converged" | "bound" | "iterations". */
  status: "running" | "converged" | "bound" | "iterations";
  /** The binding constraint, when status is "bound" or a step had to be shortened. */
  binding: string;
  /** Constructs (CONSTRUCTS indices) whose correlations are held because a constraint binds. */
  frozen?: number[];
}

/**
 * The constructs a binding constraint is about, most specific first: for "FROM->TO" the
 * endogenous TO, then FROM; for a residual variance the variable whose variance it is.
 */
export function boundVariables(binding: string): number[] {
  const out: number[] = [];
  const add = (c: string) => {
    const k = CONSTRUCTS.indexOf(c as Construct);
    if (k >= 0 && !out.includes(k)) out.push(k);
  };
  const path = /(IEO|IMO|GTC|UPD|QF|LFDC|PERF)->(IEO|IMO|GTC|UPD|QF|LFDC|PERF): standardized/.exec(
    binding,
  );
  if (path) {
    add(path[2]);
    add(path[1]);
  }
  const into = /paths into (IEO|IMO|GTC|UPD|QF|LFDC|PERF)/.exec(binding);
  if (into) add(into[1]);
  if (binding.includes("predictors of PERF")) add("PERF");
  return out;
}

/** The gain the iteration starts from: composites attenuate by reliability, selection more. */
export const START_GAIN = 0.7;
const GAIN_MIN = 0.2;
const GAIN_MAX = 1.5;

export function initialState(
  o: SurveyCalibrationOptions & { firms: number; seed: number },
  start: readonly number[] = table1Vector(),
): SurveyCalibrationState {
  return {
    version: 1,
    options: o,
    next: [...start],
    gain: PAIRS.map(() => START_GAIN),
    trace: [],
    status: "running",
    binding: "",
  };
}

/** The step with the smallest largest gap so far. */
export function bestStep(state: SurveyCalibrationState): SurveyCalibrationStep | undefined {
  let best: SurveyCalibrationStep | undefined;
  for (const st of state.trace) if (!best || st.maxGap < best.maxGap) best = st;
  return best;
}

/**
 * One evaluation and update of the damped Newton-type fixed-point iteration
 *   x <- x + damping * (T - m(x)) / g,
 * g a diagonal gain per correlation, started at START_GAIN and updated by secant from the last
 * two evaluations (common random numbers make the differences smooth), clipped to
 * [0.2, 1.5]. A step that leaves the feasible set (a coefficient at +-1, a residual variance
 * at or below 0, a residual block not positive definite) is halved up to 6 times; if it
 * cannot move at all, the constraint binds and the search stops at the closest world.
 * Pure given the state: the caller persists it.
 */
export function calibrationStep(
  scenario: Scenario,
  state: SurveyCalibrationState,
  now: () => number = () => 0,
): SurveyCalibrationState {
  const o = state.options;
  const t0 = now();
  const x = state.next;
  const feas = feasibility(x);
  if (!feas.ok) return { ...state, status: "bound", binding: feas.binding };
  const world = withFoundingModel(
    { ...scenario, seed: o.seed, dynamics: { ...scenario.dynamics, firms: o.firms } },
    feas.section,
  );
  const moments: number[][] = [];
  const targetSums: Record<string, number> = {};
  let frame = 0;
  for (let r = 0; r < o.replications; r++) {
    const m = censusMoment(world, r);
    moments.push(m.r);
    frame += m.n / o.replications;
    const vals = calibrationValuesOf(m.history);
    for (const [k, v] of Object.entries(vals))
      targetSums[k] = (targetSums[k] ?? 0) + v / o.replications;
  }
  const observed = meanVector(moments);
  const T = table1Vector();
  const gap = T.map((t, k) => t - observed[k]);
  const maxGap = Math.max(...gap.map(Math.abs));
  const rmsGap = Math.sqrt(gap.reduce((s, g) => s + g * g, 0) / gap.length);
  const within = targetsWithin(targetSums);
  const gain = [...state.gain];
  const prev = state.trace.at(-1);
  if (prev)
    for (let k = 0; k < gain.length; k++) {
      const dx = x[k] - prev.x[k];
      if (Math.abs(dx) < 0.01) continue;
      const g = (observed[k] - prev.observed[k]) / dx;
      const gc = Math.min(GAIN_MAX, Math.max(GAIN_MIN, Number.isFinite(g) ? g : START_GAIN));
      gain[k] = 0.5 * gain[k] + 0.5 * gc;
    }
  const step: SurveyCalibrationStep = {
    iteration: state.trace.length,
    x: [...x],
    observed,
    maxGap,
    rmsGap,
    targetsWithin: within,
    targets: targetSums,
    meanFrame: frame,
    binding: "",
    seconds: 0,
  };
  const trace = [...state.trace, step];
  if (maxGap <= o.tolerance) {
    step.seconds = (now() - t0) / 1000;
    return { ...state, trace, gain, status: "converged" };
  }
  let binding = "";
  let next: number[] | null = null;
  // Variables whose pairs are held where they are once a step into the boundary fails (the
  // variable named by the binding constraint): the other correlations keep converging.
  const frozen = new Set<number>(state.frozen ?? []);
  for (let round = 0; round < CONSTRUCTS.length && !next; round++) {
    for (let h = 0, t = o.damping; h <= 6; h++, t /= 2) {
      const cand = x.map((v, k) =>
        frozen.has(PAIRS[k][0]) || frozen.has(PAIRS[k][1]) ? v : v + (t * gap[k]) / gain[k],
      );
      const f = feasibility(cand);
      if (f.ok) {
        next = cand;
        break;
      }
      binding = f.binding;
    }
    if (next) break;
    const v = boundVariables(binding).find((c) => !frozen.has(c));
    if (v === undefined) break;
    frozen.add(v);
  }
  step.binding = binding;
  step.seconds = (now() - t0) / 1000;
  if (!next) return { ...state, trace, gain, status: "bound", binding, frozen: [...frozen] };
  const status = trace.length >= o.iterations ? "iterations" : "running";
  return {
    ...state,
    trace,
    gain,
    next,
    status,
    binding: binding || state.binding,
    frozen: [...frozen],
  };
}

function calibrationValuesOf(h: DynamicsHistory): Record<string, number> {
  const v = calibrationValues(h);
  const out: Record<string, number> = {};
  for (const t of TARGETS) out[t.key] = v[t.key];
  return out;
}

/** How many targets' mean values lie within their bands. */
export function targetsWithin(values: Record<string, number>): number {
  return TARGETS.filter((t) => {
    const v = values[t.key];
    return Number.isFinite(v) && v >= t.lo && v <= t.hi;
  }).length;
}

/**
 * The survey term of a joint calibration of the dynamics parameters (bgsim calibrate
 * --survey-weight): weight x the mean over Table 1's 21 correlations of ((census - Table 1) /
 * tolerance)^2 in one replication, the founding correlations held fixed. Added to the targets'
 * loss, it makes the search prefer dynamics whose selection lets the surveyed correlations reach
 * Table 1.
 */
export function surveyLossTerm(weight: number, tolerance = 0.02) {
  const T = table1Vector();
  return (s: Scenario, replication: number, history: DynamicsHistory): number => {
    const m = censusMomentOf(s, replication, history);
    return (weight * m.r.reduce((a, v, k) => a + ((v - T[k]) / tolerance) ** 2, 0)) / T.length;
  };
}
