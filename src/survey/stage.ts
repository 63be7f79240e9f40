import { covariance, type Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { derive, type StreamKeyPart } from "../random/stream.ts";
import { sampleCovariance } from "../random/wishart.ts";
import type { SurveyConfig } from "./config.ts";
import type { SurveyUniverse } from "./frame.ts";
import { completeRowIndices, selectRows } from "./itemNonresponse.ts";
import { drawPlaceholderFrame } from "./placeholderFrame.ts";
import { type SurveyPlan, surveyPlanFor } from "./plan.ts";
import { runSurvey, type SurveyAhead, type SurveyOutput, SurveyRunError } from "./survey.ts";

/**
 * The survey stage of a cross-section replication: draw the frame (PLACEHOLDER attributes
 * until the dynamics mode supplies real ones), run the survey, and hand the composites'
 * covariance matrix to the estimator. When the plan allows it (composite level, no response
 * bias, no frame selection linked to the constructs) the sample covariance matrix is drawn
 * directly from its Wishart distribution instead (exact, see LIBRARY-NOTES.md).
 */
export interface SurveyStageResult {
  cov: Mat;
  n: number;
  outcomes: Record<string, number>;
  /** The full survey (null on the Wishart shortcut). */
  output: SurveyOutput | null;
  /**
   * With item non-response that left composites missing: every usable respondent's composites
   * (NaN = missing). `cov` and `n` are then those of the complete rows (listwise deletion, the
   * default analysis), and `completeColumns` their composites.
   */
  withMissing?: { columns: Float64Array[]; n: number; incompleteRows: number };
  completeColumns?: Float64Array[];
  universe: SurveyUniverse | null;
  plan: SurveyPlan;
}

export function surveyCrossSection(
  config: SurveyConfig,
  modelSigma: Mat,
  seed: StreamKeyPart,
  replication: number,
  alpha: number,
  options: { keepItems?: boolean; noShortcut?: boolean } = {},
): SurveyStageResult {
  const plan = surveyPlanFor(config, modelSigma);
  const p = CONSTRUCTS.length;
  if (plan.fastPath && !options.noShortcut) {
    // Responses ~ Binomial(mailed, rate); usable n = min(n, responses); S ~ Wishart.
    const s = derive(seed, replication, "survey", "response");
    let responded = 0;
    for (let k = 0; k < config.mailed; k++) if (s.next() < config.responseRate) responded++;
    const n = Math.min(config.n, responded);
    if (n < 2)
      throw new SurveyRunError(
        "survey.responseRate",
        `the survey of ${config.mailed} firms got ${responded} usable responses at a response rate of ${config.responseRate}; raise survey.responseRate or survey.mailed`,
      );
    const cov = sampleCovariance(
      derive(seed, replication, "survey", "wishart"),
      plan.cholCompositeCov,
      p,
      n,
    );
    return {
      cov,
      n,
      outcomes: {
        "survey.mailed": config.mailed,
        "survey.responded": responded,
        "survey.n": n,
        "survey.shortcut": 1,
      },
      output: null,
      universe: null,
      plan,
    };
  }
  // Numbers of the survey's own streams drawn ahead, each interleaved with one of the frame's
  // (drawPlaceholderFrame's `along`): the mailing's uniforms, the response propensities'
  // normals, and the answers' normals (stream "items") for as many usable responses as will
  // most likely come back (at most n, and at most about two standard deviations above the
  // expected number of responses); runSurvey draws any more it needs.
  const M = config.mailed;
  const r = config.responseRate;
  const likely = Math.min(config.n, M, Math.ceil(M * r + 2 * Math.sqrt(M * r * (1 - r))));
  const columns = (config.level === "items" ? plan.instrument.items.length : p) + 1;
  const count = Math.min(likely * columns, 1 << 17);
  if (itemScratch.length < count) itemScratch = new Float64Array(count);
  const mailCount = Math.min(M, 1 << 16);
  if (mailScratch.length < mailCount) {
    mailScratch = new Float64Array(mailCount);
    responseScratch = new Float64Array(mailCount);
  }
  const ahead: Required<SurveyAhead> = {
    items: { stream: derive(seed, replication, "survey", "items"), out: itemScratch, count },
    mailing: {
      stream: derive(seed, replication, "survey", "mailing"),
      out: mailScratch,
      count: mailCount,
    },
    response: {
      stream: derive(seed, replication, "survey", "response"),
      out: responseScratch,
      count: mailCount,
    },
  };
  const universe = drawPlaceholderFrame(
    plan.placeholder,
    config.frame,
    M,
    derive(seed, replication, "survey", "frame"),
    derive(seed, replication, "survey", "frame-normals"),
    derive(seed, replication, "survey", "frame-latent"),
    M * 1000,
    { normals: ahead.items, uniforms: ahead.mailing, rest: ahead.response, restRows: likely },
  );
  return surveyStage(universe, plan, seed, replication, alpha, true, options, ahead);
}

/** Scratch for the numbers drawn ahead (nothing returned points into them). */
let itemScratch = new Float64Array(0);
let mailScratch = new Float64Array(0);
let responseScratch = new Float64Array(0);

/** The survey's facts as flat named numbers (ReplicationResult.outcomes). */
export function surveyOutcomes(
  out: SurveyOutput,
  alpha: number,
  placeholder: boolean,
): Record<string, number> {
  const o: Record<string, number> = {
    "survey.screened": out.screened,
    "survey.frame": out.frameSize,
    "survey.mailed": out.mailed,
    "survey.responded": out.responded,
    "survey.responseRate": out.responded / out.mailed,
    "survey.n": out.n,
    "survey.shortcut": 0,
    "survey.placeholderFrame": placeholder ? 1 : 0,
  };
  for (const [name, tests] of [
    ["earlyLate", out.checks.earlyLate],
    ["respondents", out.checks.respondents],
  ] as const) {
    let flagged = 0;
    for (const t of tests) {
      o[keyOf(name, t.variable, "t")] = t.t;
      o[keyOf(name, t.variable, "p")] = t.p;
      if (t.p < alpha) flagged++;
    }
    o[keyOf(name, "", "flagged")] = flagged;
  }
  for (const r of out.sampleReliability) {
    if (r.alpha !== null && Number.isFinite(r.alpha))
      o[keyOf("reliability", r.construct, "alpha")] = r.alpha;
    if (Number.isFinite(r.r2True)) o[keyOf("reliability", r.construct, "r2True")] = r.r2True;
  }
  return o;
}

/** Outcome key names, built once: check.<family>.<variable>.<stat> (no variable: check.<family>.<stat>), reliability.<construct>.<stat>. */
const outcomeKeys = new Map<string, Map<string, Map<string, string>>>();
function keyOf(family: string, name: string, stat: string): string {
  let a = outcomeKeys.get(family);
  if (!a) {
    a = new Map();
    outcomeKeys.set(family, a);
  }
  let b = a.get(name);
  if (!b) {
    b = new Map();
    a.set(name, b);
  }
  let k = b.get(stat);
  if (k === undefined) {
    const head = family === "reliability" ? family : `check.${family}`;
    k = name ? `${head}.${name}.${stat}` : `${head}.${stat}`;
    b.set(stat, k);
  }
  return k;
}

/**
 * The survey stage for a universe supplied by the caller (the dynamics mode: real founding
 * years, export shares, sizes and performance histories). `universe.latent` holds the firms'
 * standardized construct scores (mean 0, SD 1 over the population); the plan's latent
 * correlations are not used to draw them, only its questionnaire and item scales.
 */
export function surveyFromUniverse(
  universe: SurveyUniverse,
  config: SurveyConfig,
  modelSigma: Mat,
  seed: StreamKeyPart,
  replication: number,
  alpha: number,
  options: { keepItems?: boolean } = {},
): SurveyStageResult {
  const plan = surveyPlanFor(config, modelSigma);
  return surveyStage(universe, plan, seed, replication, alpha, false, options);
}

/** Run the survey on a universe and package what a replication needs from it. */
function surveyStage(
  universe: SurveyUniverse,
  plan: SurveyPlan,
  seed: StreamKeyPart,
  replication: number,
  alpha: number,
  placeholder: boolean,
  options: { keepItems?: boolean },
  ahead?: SurveyAhead,
): SurveyStageResult {
  const out = runSurvey(universe, plan, { seed, replication }, { ...options, ahead });
  if (out.n < 2)
    throw new SurveyRunError(
      "survey.responseRate",
      `the survey got ${out.n} usable response; raise survey.responseRate or survey.mailed`,
    );
  const outcomes = surveyOutcomes(out, alpha, placeholder);
  const keep = out.itemNonresponse ? completeRowIndices(out.composites, out.n) : null;
  if (out.itemNonresponse) {
    outcomes["survey.itemMissingShare"] = out.itemNonresponse.itemMissingShare;
    outcomes["survey.compositeMissingShare"] = out.itemNonresponse.compositeMissingShare;
    outcomes["survey.nComplete"] = keep ? keep.length : out.n;
  }
  if (keep) {
    if (keep.length < 2)
      throw new SurveyRunError(
        "survey.itemNonresponse",
        `item non-response left ${keep.length} of ${out.n} respondents with every composite; lower survey.itemNonresponse.share or minAnswered`,
      );
    const complete = selectRows(out.composites, keep);
    return {
      cov: covariance(complete, keep.length),
      n: keep.length,
      outcomes,
      output: out,
      universe,
      plan,
      withMissing: { columns: out.composites, n: out.n, incompleteRows: out.n - keep.length },
      completeColumns: complete,
    };
  }
  return {
    cov: covariance(out.composites, out.n),
    n: out.n,
    outcomes,
    output: out,
    universe,
    plan,
  };
}
