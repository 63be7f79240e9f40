import { cholesky, type Mat, zeros } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { REPORTED_CR } from "../paper/items.ts";
import { surveyConfigProblems } from "../scenario/sections/survey.ts";
import {
  type CompositeForm,
  calibrateLatent,
  compositeForm,
  type LatentCalibration,
} from "./calibrate.ts";
import type { SurveyConfig } from "./config.ts";
import { buildInstrument, type Instrument, SurveyConfigError } from "./instrument.ts";
import {
  type PlaceholderSetup,
  placeholderFrameSelects,
  placeholderSetup,
} from "./placeholderFrame.ts";
import {
  alphaClosedForm,
  averageVarianceExtracted,
  compositeReliability,
  trueReliability,
} from "./reliability.ts";
import { calibrateScales, type ItemScales } from "./responses.ts";

/**
 * Everything about a survey that does not change between replications: the questionnaire,
 * the calibrated item scales and latent correlations, the closed-form reliabilities, and
 * whether the Wishart shortcut applies. Deterministic in (config, model correlations).
 */
export interface SurveyPlan {
  config: SurveyConfig;
  instrument: Instrument;
  scales: ItemScales;
  calibration: LatentCalibration;
  form: CompositeForm;
  /** Latent correlations to draw true scores from (= calibration.R). */
  R: Mat;
  /** Covariance of composites (1-7 scale) when respondents are a random sample (continuous). */
  compositeCov: Mat;
  cholCompositeCov: Mat;
  /** Composite-level survey, no response bias, no frame selection linked to the constructs:
   * the sample covariance matrix can be drawn directly (Wishart), see LIBRARY-NOTES. */
  fastPath: boolean;
  placeholder: PlaceholderSetup;
  reliability: ConstructReliability[];
}

export interface ConstructReliability {
  construct: string;
  items: number;
  /** Fornell-Larcker CR from the loadings in use. */
  cr: number;
  ave: number;
  /** Closed-form Cronbach's alpha of the continuous items. */
  alpha: number;
  /** Closed-form squared correlation of the composite with the construct (continuous items). */
  trueReliability: number;
  /** The paper's reported CR (Appendix). */
  reportedCR: number;
  /** Which CR the loadings were scaled to, if any. */
  scaledTo: number | null;
}

/** Build a plan or throw SurveyConfigError naming the field. */
export function buildSurveyPlan(
  config: SurveyConfig,
  modelSigma: Mat,
  field = "survey",
): SurveyPlan {
  const problems = surveyConfigProblems(config);
  if (problems.length)
    throw new SurveyConfigError(`${field}.${problems[0].field}`, problems[0].message);
  const instrument = buildInstrument(config, field);
  const format = config.level === "composites" ? "continuous" : config.responses;
  const scales = memo(scaleCache, JSON.stringify([instrumentKey(config), format]), () =>
    calibrateScales(instrument, format),
  );
  const calibration = memo(
    latentCache,
    JSON.stringify([instrumentKey(config), format, config.calibration, sigmaKey(modelSigma)]),
    () =>
      calibrateLatent(
        config.calibration,
        modelSigma,
        instrument,
        scales,
        format,
        `${field}.calibration`,
      ),
  );
  const form = compositeForm(instrument);
  const p = CONSTRUCTS.length;
  const R = calibration.R;
  const C = zeros(p);
  for (let c = 0; c < p; c++)
    for (let d = 0; d < p; d++) {
      const ab =
        c === d
          ? form.a[c] ** 2 + form.b[c] ** 2 + form.e[c] ** 2
          : form.a[c] * form.a[d] * R[c * p + d] + form.b[c] * form.b[d];
      C[c * p + d] = scales.sigma[c] * scales.sigma[d] * ab;
    }
  const cholC = cholesky(C, p);
  if (!cholC)
    throw new SurveyConfigError(
      `${field}.calibration`,
      "composite covariance is not positive definite",
    );
  const fastPath =
    config.level === "composites" &&
    (config.responseBias.on === "none" || config.responseBias.strength === 0) &&
    !placeholderFrameSelects(config.frame);
  const reliability = CONSTRUCTS.map((c, ci) => {
    const idx = instrument.composite[ci];
    const its = idx.map((k) => instrument.items[k]);
    const ls = its.map((it) => Math.abs(it.loading));
    const signs = its.map((it) => (it.reverse ? -1 : 1));
    const m = its[0]?.method ?? 0;
    return {
      construct: c,
      items: idx.length,
      cr: compositeReliability(ls),
      ave: averageVarianceExtracted(ls),
      alpha: alphaClosedForm(ls, m, signs),
      trueReliability: trueReliability(ls, m, signs),
      reportedCR: REPORTED_CR[c],
      scaledTo:
        config.loadings === "scaled" && config.measurementError
          ? config.targetReliability === "reported"
            ? REPORTED_CR[c]
            : config.targetReliability
          : null,
    };
  });
  return {
    config,
    instrument,
    scales,
    calibration,
    form,
    R,
    compositeCov: C,
    cholCompositeCov: cholC,
    fastPath,
    placeholder: placeholderSetup(R),
    reliability,
  };
}

const cache = new Map<string, SurveyPlan>();
const scaleCache = new Map<string, ItemScales>();
const latentCache = new Map<string, LatentCalibration>();

/** The part of a configuration the item scales depend on. */
function instrumentKey(c: SurveyConfig): unknown[] {
  return [
    c.loadings,
    c.targetReliability,
    c.itemLoadings,
    c.includeDropped,
    c.droppedLoading,
    c.compositeItems,
    c.methodFactor,
    c.measurementError,
  ];
}

function sigmaKey(m: Mat): string {
  return Array.from(m, (x) => x.toPrecision(15)).join(",");
}

/** A pure memo (bounded): the value depends only on the key's inputs. */
function memo<T>(store: Map<string, T>, key: string, make: () => T): T {
  const hit = store.get(key);
  if (hit) return hit;
  const v = make();
  if (store.size > 32) store.delete(store.keys().next().value as string);
  store.set(key, v);
  return v;
}

/**
 * buildSurveyPlan, memoised on its inputs (calibration costs up to a second for Likert
 * `composites` targets; every replication of a scenario shares the plan). A pure memo: the
 * result depends only on the arguments.
 */
const byIdentity = new WeakMap<SurveyConfig, { sigma: Float64Array; plan: SurveyPlan }[]>();

export function surveyPlanFor(config: SurveyConfig, modelSigma: Mat): SurveyPlan {
  // Fast lookup for the common case (the same scenario object, replication after replication).
  const seen = byIdentity.get(config);
  const hit = seen?.find((x) => x.sigma.every((v, i) => v === modelSigma[i]));
  if (hit) return hit.plan;
  const plan = surveyPlanForKeyed(config, modelSigma);
  if (!seen) byIdentity.set(config, [{ sigma: modelSigma.slice(), plan }]);
  else if (seen.length < 8) seen.push({ sigma: modelSigma.slice(), plan });
  return plan;
}

function surveyPlanForKeyed(config: SurveyConfig, modelSigma: Mat): SurveyPlan {
  return memo(cache, JSON.stringify(config) + sigmaKey(modelSigma), () =>
    buildSurveyPlan(config, modelSigma),
  );
}
