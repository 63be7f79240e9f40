import type { AnalysisResult } from "./analysis/models.ts";
import type { EstimationReport } from "./estimate/report.ts";
import { pathLabel } from "./model/pathLabel.ts";
import type { ModelSpec } from "./model/spec.ts";

/** One path's result in one replication (plain data, transferable between workers). */
export interface PathResult {
  label: string;
  hypothesis: string | null;
  population: number;
  est: number;
  std: number;
  se: number;
  stdSe: number;
  p: number;
  verdict: "S" | "NS";
  /** Analysis models with a bootstrap: the 95% bootstrap interval of std (perc or BCa). */
  bootLow?: number;
  bootHigh?: number;
}

/** The fit indices a replication keeps (what power and sweeps report of every model). */
export type ReplicationFit = {
  chisq: number;
  df: number;
  pvalue: number;
  cfi: number;
  rmsea: number;
  srmr: number;
};

/** A replication's fit from a model's fit indices (in this key order: the output files' order). */
export function replicationFit(f: ReplicationFit): ReplicationFit {
  return { chisq: f.chisq, df: f.df, pvalue: f.pvalue, cfi: f.cfi, rmsea: f.rmsea, srmr: f.srmr };
}

/** A path's result from a reported path row and its population value. */
export function pathResult(
  x: EstimationReport["paths"][number],
  population: ReadonlyMap<string, number>,
): PathResult {
  return {
    label: x.label,
    hypothesis: x.hypothesis,
    population: population.get(x.label) ?? 0,
    est: x.est,
    std: x.std,
    se: x.se,
    stdSe: x.stdSe,
    p: x.p,
    verdict: x.verdict,
  };
}

export interface ReplicationResult {
  replication: number;
  n: number;
  paths: PathResult[];
  fit: ReplicationFit;
  /** Scalar outcomes of the run by name (dynamics and survey add theirs). */
  outcomes: Record<string, number>;
  /** The scenario's analysis models (its `analysis` section), in order; absent without one. */
  analyses?: AnalysisResult[];
}

/** A replication's result from its path-model estimate and the specification's population values. */
export function replicationResult(
  replication: number,
  n: number,
  report: EstimationReport,
  spec: ModelSpec,
  outcomes: Record<string, number>,
): ReplicationResult {
  const popValue = new Map(spec.paths.map((x) => [pathLabel(x.from, x.to), x.value]));
  return {
    replication,
    n,
    paths: report.paths.map((x) => pathResult(x, popValue)),
    fit: replicationFit(report.fit),
    outcomes,
  };
}
