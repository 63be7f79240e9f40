import { runDynamicsReplication } from "./dynamics/replication.ts";
import { estimatePathModel } from "./estimate/report.ts";
import { covariance, type Mat } from "./math/linalg.ts";
import { TABLE1_MEANS, TABLE1_SDS } from "./paper/table1.ts";
import { drawPopulation } from "./population/draw.ts";
import { type ReplicationResult, replicationResult } from "./replicationResult.ts";
import { modelFor } from "./scenario/modelCache.ts";
import type { Scenario } from "./scenario/schema.ts";
import type { SurveyConfig } from "./survey/config.ts";
import { surveyCrossSection } from "./survey/stage.ts";

export type { PathResult, ReplicationResult } from "./replicationResult.ts";
export { modelFor } from "./scenario/modelCache.ts";

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
  return replicationResult(replication, n, est.report, model.spec, outcomes);
}
