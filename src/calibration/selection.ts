import { calibrationValues, TARGETS } from "../dynamics/calibration.ts";
import { simulate } from "../dynamics/simulate.ts";
import type { DynamicsHistory } from "../dynamics/types.ts";
import { paramTable } from "../estimate/parameters.ts";
import { estimatePathModel } from "../estimate/report.ts";
import { covariance } from "../math/linalg.ts";
import { publishedSpec } from "../model/builtins.ts";
import { structureOf } from "../model/spec.ts";
import { TABLE2 } from "../paper/table2.ts";
import { frameRows, subsetColumns } from "../pipeline/2-observation.ts";
import { replicate } from "../pipeline/replication.ts";
import { modelFor } from "../scenario/modelCache.ts";
import type { Scenario } from "../scenario/schema.ts";
import {
  correlations,
  matrixOf,
  meanVector,
  PAIRS,
  pairLabel,
  table1Vector,
} from "./surveyCalibration.ts";

/**
 * Selection-corrected H1-H5: the published model (Table 2's 12 paths, correlated strategy
 * residuals, no direct IEO/IMO -> PERF paths) fitted by ML at each stage of selection of one
 * dynamics replication:
 * - founded: every firm founded 1980-2002, latent scores as drawn (PERF = latent propensity);
 * - survivors: the firms alive at the survey date (end of 2002), latent scores;
 * - frameLatent: survivors in the surveyed frame (founded >= 1980, >= 25% of sales abroad),
 *   latent scores: the export cut-off's selection on top of survival;
 * - frame: the same firms with PERF = simulated 3-year performance in the main export market
 *   (what the survey asks about);
 * - sample: the virtual survey's respondents (900 mailed, about 23% respond), composites of
 *   the Appendix items.
 * Survival effect = survivors - founded; cut-off effect = frameLatent - survivors; performance
 * measured abroad = frame - frameLatent; survey (measurement error, sampling) = sample - frame.
 */
export const SELECTION_LEVELS = ["founded", "survivors", "frameLatent", "frame", "sample"] as const;
export type SelectionLevel = (typeof SELECTION_LEVELS)[number];

export const SELECTION_LABELS: Record<SelectionLevel, string> = {
  founded: "founded population (latent)",
  survivors: "survivors at end-2002 (latent)",
  frameLatent: "frame, latent PERF",
  frame: "frame, simulated PERF",
  sample: "survey sample (composites)",
};

const PUBLISHED = paramTable(structureOf(publishedSpec()));

export interface SelectionReplication {
  /** Standardized coefficient of each published path ("IEO->GTC") by level. */
  paths: Record<SelectionLevel, Record<string, number>>;
  n: Record<SelectionLevel, number>;
  /** Correlations of the survey sample's composites (PAIRS order). */
  sampleCorrelations: number[];
  /** The calibration targets' simulated values in this replication (TARGETS keys). */
  targets: Record<string, number>;
}

/** The latent levels (no survey) of one simulated history. */
export type LatentLevel = Exclude<SelectionLevel, "sample">;

/** The published model fitted at the four latent levels of a history (no survey). */
export function latentLevels(h: DynamicsHistory): {
  paths: Record<LatentLevel, Record<string, number>>;
  n: Record<LatentLevel, number>;
} {
  const all = new Int32Array(h.firms.n).map((_, i) => i);
  const aliveRows: number[] = [];
  for (let f = 0; f < h.firms.n; f++) if (h.survey.alive[f]) aliveRows.push(f);
  const alive = Int32Array.from(aliveRows);
  const frame = frameRows(h);
  const levels: [LatentLevel, Float64Array[], number][] = [
    ["founded", subsetColumns(h.latent, all), all.length],
    ["survivors", subsetColumns(h.latent, alive), alive.length],
    ["frameLatent", subsetColumns(h.latent, frame), frame.length],
    ["frame", subsetColumns(h.latent, frame, h.survey.perf3y), frame.length],
  ];
  const paths = {} as Record<LatentLevel, Record<string, number>>;
  const n = {} as Record<LatentLevel, number>;
  for (const [level, cols, k] of levels) {
    paths[level] = fitPublished(cols, k);
    n[level] = k;
  }
  return { paths, n };
}

/** The latent levels of replication r of a dynamics scenario, simulated without the survey. */
export function latentReplication(scenario: Scenario, r: number) {
  return latentLevels(simulate(scenario, r, { model: modelFor(scenario).model }));
}

function fitPublished(cols: Float64Array[], n: number): Record<string, number> {
  const est = estimatePathModel(PUBLISHED, covariance(cols, n), n, { modification: false });
  if (!est.ok) throw new Error(`the published model could not be fitted: ${est.error}`);
  const out: Record<string, number> = {};
  for (const p of est.report.paths) out[p.label] = p.std;
  return out;
}

/**
 * One replication of a dynamics scenario with a survey, at every level of selection. `history`:
 * the replication's simulated world when the caller already has it (bgsim run).
 */
export function selectionReplication(
  scenario: Scenario,
  r: number,
  history?: DynamicsHistory,
): SelectionReplication {
  const rep = replicate(scenario, r, history ? { world: { history } } : undefined);
  const world = rep.world;
  if (world.kind !== "dynamics") throw new Error("selection needs a dynamics scenario");
  const h = world.history;
  const latent = latentLevels(h);
  const sampleCols = rep.observed.columns;
  if (!sampleCols) throw new Error("the survey returned no composites");
  const paths = { ...latent.paths, sample: fitPublished(sampleCols, rep.observed.n) };
  const n = { ...latent.n, sample: rep.observed.n };
  const v = calibrationValues(h);
  const targets: Record<string, number> = {};
  for (const t of TARGETS) targets[t.key] = v[t.key];
  return {
    paths,
    n,
    sampleCorrelations: correlations(covariance(sampleCols, rep.observed.n)),
    targets,
  };
}

/** Mean, SD and the normal 95% interval of a replication (mean +- 1.96 SD) of values. */
export function summarise(xs: readonly number[]): {
  mean: number;
  sd: number;
  lo: number;
  hi: number;
} {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean: m, sd, lo: m - 1.96 * sd, hi: m + 1.96 * sd };
}

/** The published paths in Table 2 order (labels as the estimator reports them). */
export function publishedPathLabels(): string[] {
  return publishedSpec().paths.map((p) => `${p.from}->${p.to}`);
}

export interface CheckCorrelation {
  label: string;
  table1: number;
  /** Mean over replications of the surveyed composites' correlation. */
  mean: number;
  /** Monte Carlo standard error of the mean (SD over replications / sqrt(R)). */
  se: number;
  gap: number;
}

export interface CheckCoefficient {
  hypothesis: string;
  path: string;
  table2: number;
  /** The published model fitted (ML, n = 203) to the mean surveyed correlation matrix. */
  fittedToMean: number;
  /** Mean over replications of the coefficient fitted to each replication's sample. */
  meanOfSamples: number;
  /** Monte Carlo standard error of meanOfSamples. */
  se: number;
  gap: number;
}

export interface CheckTarget {
  key: string;
  label: string;
  lo: number;
  hi: number;
  /** Mean over replications. */
  mean: number;
  /** Replications in which the target lies within its band. */
  withinReplications: number;
  within: boolean;
}

/** The check of a calibrated world: Table 1, Table 2 and the targets over replications. */
export interface SurveyCheck {
  replications: number;
  correlations: CheckCorrelation[];
  maxCorrelationGap: number;
  rmsCorrelationGap: number;
  coefficients: CheckCoefficient[];
  /** Largest |fittedToMean - Table 2|. */
  maxCoefficientGap: number;
  targets: CheckTarget[];
  targetsWithin: number;
}

const mcse = (xs: readonly number[]) => summarise(xs).sd / Math.sqrt(xs.length);

/**
 * Compare replications of a world surveyed as the paper surveyed with the paper: the mean
 * correlation matrix of the surveyed composites vs Table 1 (21 correlations), the published
 * model fitted to that mean matrix at the paper's n = 203 vs Table 2 (and the mean of the
 * per-sample estimates beside it), and the calibration targets' means vs their bands.
 */
export function surveyCheck(reps: readonly SelectionReplication[]): SurveyCheck {
  const R = reps.length;
  const mean = meanVector(reps.map((r) => r.sampleCorrelations));
  const T = table1Vector();
  const corr = PAIRS.map((_, k) => ({
    label: pairLabel(k),
    table1: T[k],
    mean: mean[k],
    se: mcse(reps.map((r) => r.sampleCorrelations[k])),
    gap: mean[k] - T[k],
  }));
  const p = matrixOf(mean).length;
  const M = new Float64Array(p * p);
  matrixOf(mean).forEach((row, i) => {
    row.forEach((v, j) => {
      M[i * p + j] = v;
    });
  });
  const est = estimatePathModel(PUBLISHED, M, 203, { modification: false });
  if (!est.ok) throw new Error(`the published model could not be fitted: ${est.error}`);
  const coefficients = TABLE2.map((t) => {
    const path = `${t.from}->${t.to}`;
    const fitted = est.report.paths.find((x) => x.label === path)?.std ?? Number.NaN;
    const xs = reps.map((r) => r.paths.sample[path]);
    return {
      hypothesis: t.hypothesis,
      path,
      table2: t.coefficient,
      fittedToMean: fitted,
      meanOfSamples: summarise(xs).mean,
      se: mcse(xs),
      gap: fitted - t.coefficient,
    };
  });
  const targets = TARGETS.map((t) => {
    const xs = reps.map((r) => r.targets[t.key]);
    const m = summarise(xs).mean;
    return {
      key: t.key,
      label: t.label,
      lo: t.lo,
      hi: t.hi,
      mean: m,
      withinReplications: xs.filter((v) => v >= t.lo && v <= t.hi).length,
      within: m >= t.lo && m <= t.hi,
    };
  });
  return {
    replications: R,
    correlations: corr,
    maxCorrelationGap: Math.max(...corr.map((c) => Math.abs(c.gap))),
    rmsCorrelationGap: Math.sqrt(corr.reduce((a, c) => a + c.gap * c.gap, 0) / corr.length),
    coefficients,
    maxCoefficientGap: Math.max(...coefficients.map((c) => Math.abs(c.gap))),
    targets,
    targetsWithin: targets.filter((t) => t.within).length,
  };
}

/**
 * The uncertain mechanism parameters of the Morris screen (docs/calibration-survey.md): the
 * "our choice" parameters through which capabilities act on performance abroad, survival and
 * the export share, i.e. on selection into the frame. Ranges: our choice, about half to twice
 * the default where the parameter is a scale.
 */
export interface MechanismFactor {
  /** Path in scenario.dynamics. */
  path: string;
  min: number;
  max: number;
  what: string;
}

export const MECHANISM_FACTORS: readonly MechanismFactor[] = [
  {
    path: "distributor.lfdcWeight",
    min: 0.4,
    max: 1,
    what: "LFDC's weight in distributor competence",
  },
  { path: "performance.knowledge", min: 0, max: 0.6, what: "performance gain from knowledge" },
  { path: "performance.marketShockSd", min: 0.1, max: 0.5, what: "market-period shock SD" },
  { path: "performance.firmShockSd", min: 0.25, max: 1, what: "firm-period shock SD" },
  {
    path: "performance.smoothing",
    min: 0.1,
    max: 0.5,
    what: "weight of the current period in smoothed performance",
  },
  { path: "sales.performance", min: 0.25, max: 1, what: "log-sales per SD of performance" },
  {
    path: "firmExit.performance",
    min: 0.2,
    max: 0.8,
    what: "firm-exit log-hazard per SD of performance",
  },
  { path: "entry.imo", min: 0, max: 0.7, what: "entry log-hazard per SD of IMO" },
];
