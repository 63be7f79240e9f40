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

export interface ReplicationResult {
  replication: number;
  n: number;
  paths: PathResult[];
  fit: { chisq: number; df: number; pvalue: number; cfi: number; rmsea: number; srmr: number };
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
  const f = report.fit;
  return {
    replication,
    n,
    paths: report.paths.map((x) => ({
      label: x.label,
      hypothesis: x.hypothesis,
      population: popValue.get(x.label) ?? 0,
      est: x.est,
      std: x.std,
      se: x.se,
      stdSe: x.stdSe,
      p: x.p,
      verdict: x.verdict,
    })),
    fit: { chisq: f.chisq, df: f.df, pvalue: f.pvalue, cfi: f.cfi, rmsea: f.rmsea, srmr: f.srmr },
    outcomes,
  };
}
