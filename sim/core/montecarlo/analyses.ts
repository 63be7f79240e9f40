import { analyticModelTestPower } from "../../../src/analysis/modelTest.ts";
import type { ReplicationResult } from "../../../src/replication.ts";
import { modelFor } from "../../../src/scenario/modelCache.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import {
  type AnalysisEstimator,
  isLatentAnalysis,
} from "../../../src/scenario/sections/analysis.ts";
import { type AnalysisRow, GENERATING } from "./rows.ts";
import {
  ModelTestAccumulator,
  type ModelTestSummary,
  modelLevelCells,
  type Summary,
  summarise,
  summaryCells,
} from "./summary.ts";

/**
 * Per-point summaries of a scenario's analysis models (its `analysis` section): each model's
 * path summary (bias, coverage, power against the generating model's population values, 0
 * for a path the truth lacks) and its chi-square test, empirical beside analytic.
 */
export interface AnalysisPointSummary {
  name: string;
  estimator: AnalysisEstimator;
  model: string;
  summary: Summary;
  test: ModelTestSummary;
}

export interface PointAnalyses {
  /** The generating model's chi-square test (its paths are the point's `summary`). */
  generating_test: ModelTestSummary;
  analyses: AnalysisPointSummary[];
}

export function pointAnalyses(
  scenario: Scenario,
  rows: readonly AnalysisRow[],
  alpha: number,
  meanN: number,
): PointAnalyses {
  const of = (name: string) => rows.filter((r) => r.analysis === name);
  const testOf = (rs: readonly AnalysisRow[]) => {
    const acc = new ModelTestAccumulator(alpha);
    const seen = new Set<number>();
    for (const r of rs)
      if (!seen.has(r.replication)) {
        seen.add(r.replication);
        acc.add(r);
      }
    return acc;
  };
  return pointAnalysesOf(
    scenario,
    alpha,
    meanN,
    testOf(of(GENERATING)),
    (scenario.analysis ?? []).map((a) => {
      const rs = of(a.name);
      return { summary: summarise(rs, alpha), test: testOf(rs) };
    }),
  );
}

/**
 * pointAnalyses from what was accumulated over a point's replications (the streamed power
 * files): the generating model's chi-square test, and each analysis model's path summary and
 * test, in the scenario's order.
 */
export function pointAnalysesOf(
  scenario: Scenario,
  alpha: number,
  meanN: number,
  generating: ModelTestAccumulator,
  models: readonly { summary: Summary; test: ModelTestAccumulator }[],
): PointAnalyses {
  const generating_test = generating.result(
    { analysis: GENERATING, estimator: "ML", model: scenario.model.base },
    analyticModelTestPower(scenario, modelFor(scenario).table, meanN, alpha),
  );
  const analyses = (scenario.analysis ?? []).map((a, i) => {
    const { summary, test } = models[i];
    return {
      name: a.name,
      estimator: a.estimator,
      model: a.model,
      summary,
      test: test.result(
        { analysis: a.name, estimator: a.estimator, model: a.model },
        // the analytic power is of composite path models (no closed form for latent ones here)
        isLatentAnalysis(a) ? null : analyticModelTestPower(scenario, a.model, meanN, alpha),
      ),
    };
  });
  return { generating_test, analyses };
}

/** summary.csv rows with an `analysis` column: the generating model's, then each analysis model's. */
export function analysisPowerRows(
  points: readonly {
    index: number;
    settings: Record<string, number>;
    summary: Summary;
    analyses?: PointAnalyses;
  }[],
): Record<string, number | string | null>[] {
  const rows: Record<string, number | string | null>[] = [];
  for (const pt of points) {
    const models: { name: string; summary: Summary; test: ModelTestSummary | null }[] = [
      { name: GENERATING, summary: pt.summary, test: pt.analyses?.generating_test ?? null },
      ...(pt.analyses?.analyses ?? []).map((a) => ({
        name: a.name,
        summary: a.summary,
        test: a.test,
      })),
    ];
    const latent = models.map((m) => latentCells(m.name, pt.summary.outcomes));
    const anyLatent = latent.some((c) => c !== null);
    models.forEach((m, i) => {
      const tests = {
        chisq_analytic_power: m.test?.analytic_power ?? null,
        rmsea_power: m.test?.rmsea_power ?? null,
        close_fit_rejection: m.test?.close_fit_rejection ?? null,
        scaled_rejection: m.test?.scaled_rejection ?? null,
      };
      const extra = anyLatent ? (latent[i] ?? noLatentCells()) : {};
      const head = { point: pt.index, ...pt.settings, analysis: m.name };
      if (latent[i] && m.summary.paths.length === 0)
        // a latent model without regressions (a CFA): one model-level row
        rows.push({
          ...head,
          ...modelLevelCells(pt.summary.model.replications),
          ...tests,
          ...extra,
        });
      for (const p of m.summary.paths)
        rows.push({ ...head, ...summaryCells(p, m.summary.model), ...tests, ...extra });
    });
  }
  return rows;
}

/** summary.csv columns of a latent model's facts -> the fact (src/analysis/latent.ts latentFacts). */
const LATENT_CELLS = {
  nonconverged: "nonconverged",
  heywood: "heywood",
  not_pd: "not_pd",
  latent_chisq_rejection: "chisq_reject",
  mean_cfi: "cfi",
  mean_tli: "tli",
  mean_rmsea: "rmsea",
  paper_fit: "paper_fit",
  discriminant_pass: "discriminant_pass",
  mean_discriminant_distinct: "discriminant_distinct",
} as const;

/**
 * A latent model's replication facts as summary.csv cells: the means over the point's
 * replications of its `<name>.<fact>` outcomes, i.e. the shares of fits that failed, had a
 * Heywood case or a non-positive-definite matrix (these two among the fits that converged),
 * whose chi-square test rejected, that reached the paper's fit values and that passed every
 * discriminant test, and the mean fit indices. Null when `name` has no such facts (a composite
 * model).
 */
export function latentCells(
  name: string,
  outcomes: Readonly<Record<string, number>>,
): Record<string, number | null> | null {
  if (outcomes[`${name}.nonconverged`] === undefined) return null;
  return Object.fromEntries(
    Object.entries(LATENT_CELLS).map(([col, fact]) => [col, outcomes[`${name}.${fact}`] ?? null]),
  );
}

const noLatentCells = (): Record<string, null> =>
  Object.fromEntries(Object.keys(LATENT_CELLS).map((k) => [k, null]));

/** Attach the analysis models' results of a record (no-op without an analysis section). */
export function withAnalyses(
  r: ReplicationResult,
  analyses: ReplicationResult["analyses"] | undefined,
): ReplicationResult {
  return analyses ? { ...r, analyses } : r;
}
