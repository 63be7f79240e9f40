import { runDynamicsReplication } from "./dynamics/replication.ts";
import { type ParamTable, paramTable } from "./estimate/parameters.ts";
import { estimatePathModel } from "./estimate/report.ts";
import { covariance, type Mat } from "./math/linalg.ts";
import type { StructuralModel } from "./model/implied.ts";
import { structureOf } from "./model/spec.ts";
import { TABLE1_MEANS, TABLE1_SDS } from "./paper/table1.ts";
import { drawPopulation } from "./population/draw.ts";
import type { Scenario } from "./scenario/schema.ts";
import { scenarioModel } from "./scenario/validate.ts";
import type { SurveyConfig } from "./survey/config.ts";
import { surveyCrossSection } from "./survey/stage.ts";

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
}

export interface ReplicationResult {
  replication: number;
  n: number;
  paths: PathResult[];
  fit: { chisq: number; df: number; pvalue: number; cfi: number; rmsea: number; srmr: number };
  /** Scalar outcomes of the run by name (dynamics and survey add theirs). */
  outcomes: Record<string, number>;
}

/**
 * The scenario's structural model and the estimator's parameter table, built once per model
 * section (keyed by its JSON text, so an edited scenario object never sees a stale entry).
 * Pure: the cache holds only values computed from its key.
 */
const modelCache = new Map<string, { model: StructuralModel; table: ParamTable }>();
export function modelFor(scenario: Scenario): { model: StructuralModel; table: ParamTable } {
  const key = JSON.stringify(scenario.model);
  let hit = modelCache.get(key);
  if (!hit) {
    const built = scenarioModel(scenario);
    if (!built.ok) throw new Error(built.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
    hit = { model: built.model, table: paramTable(structureOf(built.model.spec)) };
    if (modelCache.size >= 64) modelCache.delete(modelCache.keys().next().value as string);
    modelCache.set(key, hit);
  }
  return hit;
}

/**
 * One replication of a scenario: pure and deterministic, no I/O, no clock. Every random draw
 * comes from streams derived from (scenario.seed, replication, purpose).
 * Cross-section mode: draw the population, estimate the scenario's path model on it.
 */
export function runReplication(scenario: Scenario, replication: number): ReplicationResult {
  if (scenario.mode === "dynamics") return runDynamicsReplication(scenario, replication);
  const { model, table } = modelFor(scenario);
  let n = scenario.population.firms;
  let cov: Mat;
  let outcomes: Record<string, number> = {};
  if (scenario.survey?.enabled) {
    // Survey stage (docs/survey.md): frame -> mailing -> response -> items -> composites.
    const s = surveyCrossSection(
      scenario.survey as SurveyConfig,
      model.Sigma,
      scenario.seed,
      replication,
      scenario.estimation.alpha,
    );
    n = s.n;
    cov = s.cov;
    outcomes = s.outcomes;
  } else {
    const scaled = scenario.population.scale === "table1";
    const pop = drawPopulation(model, n, {
      seed: scenario.seed,
      replication,
      means: scaled ? TABLE1_MEANS : undefined,
      sds: scaled ? TABLE1_SDS : undefined,
    });
    cov = covariance(pop.columns, n);
  }
  const est = estimatePathModel(table, cov, n, {
    alpha: scenario.estimation.alpha,
    modification: false,
    rmseaInterval: false,
  });
  if (!est.ok) throw new Error(`replication ${replication}: ${est.error}`);
  const r = est.report;
  const popValue = new Map(model.spec.paths.map((x) => [`${x.from}->${x.to}`, x.value]));
  return {
    replication,
    n,
    paths: r.paths.map((x) => ({
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
    fit: {
      chisq: r.fit.chisq,
      df: r.fit.df,
      pvalue: r.fit.pvalue,
      cfi: r.fit.cfi,
      rmsea: r.fit.rmsea,
      srmr: r.fit.srmr,
    },
    outcomes,
  };
}
