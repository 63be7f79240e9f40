import { paramTable } from "../estimate/parameters.ts";
import { estimatePathModel } from "../estimate/report.ts";
import { covariance } from "../math/linalg.ts";
import { publishedSpec } from "../model/builtins.ts";
import { structureOf } from "../model/spec.ts";
import { frameRows, subsetColumns } from "../pipeline/2-observation.ts";
import { replicate } from "../pipeline/replication.ts";
import type { Scenario } from "../scenario/schema.ts";
import { correlations } from "./surveyCalibration.ts";

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
}

function fitPublished(cols: Float64Array[], n: number): Record<string, number> {
  const est = estimatePathModel(PUBLISHED, covariance(cols, n), n, { modification: false });
  if (!est.ok) throw new Error(`the published model could not be fitted: ${est.error}`);
  const out: Record<string, number> = {};
  for (const p of est.report.paths) out[p.label] = p.std;
  return out;
}

/** One replication of a dynamics scenario with a survey, at every level of selection. */
export function selectionReplication(scenario: Scenario, r: number): SelectionReplication {
  const rep = replicate(scenario, r);
  const world = rep.world;
  if (world.kind !== "dynamics") throw new Error("selection needs a dynamics scenario");
  const h = world.history;
  const all = new Int32Array(h.firms.n).map((_, i) => i);
  const aliveRows: number[] = [];
  for (let f = 0; f < h.firms.n; f++) if (h.survey.alive[f]) aliveRows.push(f);
  const alive = Int32Array.from(aliveRows);
  const frame = frameRows(h);
  const levels: [SelectionLevel, Float64Array[], number][] = [
    ["founded", subsetColumns(h.latent, all), all.length],
    ["survivors", subsetColumns(h.latent, alive), alive.length],
    ["frameLatent", subsetColumns(h.latent, frame), frame.length],
    ["frame", subsetColumns(h.latent, frame, h.survey.perf3y), frame.length],
  ];
  const paths = {} as Record<SelectionLevel, Record<string, number>>;
  const n = {} as Record<SelectionLevel, number>;
  for (const [level, cols, k] of levels) {
    paths[level] = fitPublished(cols, k);
    n[level] = k;
  }
  const sampleCols = rep.observed.columns;
  if (!sampleCols) throw new Error("the survey returned no composites");
  paths.sample = fitPublished(sampleCols, rep.observed.n);
  n.sample = rep.observed.n;
  return { paths, n, sampleCorrelations: correlations(covariance(sampleCols, rep.observed.n)) };
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
