import { type LatentFit, latentAnalysisResult, latentFacts } from "../analysis/latent.ts";
import {
  ANALYSIS_STEP_PREFIX,
  analysisResult,
  analysisSteps,
  populationPaths,
} from "../analysis/models.ts";
import type { EstimateResult } from "../estimate/report.ts";
import { type ReplicationResult, replicationResult } from "../replicationResult.ts";
import type { Scenario } from "../scenario/schema.ts";
import { isLatentAnalysis } from "../scenario/sections/analysis.ts";
import { buildWorld, type World, type WorldOptions } from "./1-world.ts";
import { type ObservationPlan, type Observed, observationPlan, observe } from "./2-observation.ts";
import { type AnalysisContext, type AnalysisStep, analyse, pathModelML } from "./3-analysis.ts";
import { selectionOutcomes, worldOutcomes } from "./4-outcomes.ts";

/**
 * One replication = world -> observation -> analysis -> outcomes (docs/ARCHITECTURE.md).
 * Pure and deterministic: no I/O, no clock; every random draw comes from streams derived from
 * (scenario.seed, replication, purpose).
 */
export interface ReplicationOptions {
  world?: WorldOptions;
  /** Replace the scenario's observation (bgsim survey: the full survey with every item). */
  observation?: (world: World) => ObservationPlan;
  /** The path-model step that gives the replication's paths and fit (default: pathModelML()). */
  pathModel?: AnalysisStep<EstimateResult>;
  /** Further analysis steps, run on the same observation (results in `analyses`). */
  analyses?: readonly AnalysisStep[];
}

export interface Replication {
  world: World;
  observed: Observed;
  pathModel: EstimateResult;
  analyses: Record<string, unknown>;
  /** Registered world outcomes, then the selection effects, then the observation's facts. */
  outcomes: Record<string, number>;
}

export function replicate(
  scenario: Scenario,
  replication: number,
  options: ReplicationOptions = {},
): Replication {
  const world = buildWorld(scenario, replication, options.world);
  const ctx: AnalysisContext = {
    replication,
    model: world.model,
    table: world.table,
    alpha: scenario.estimation.alpha,
  };
  const outcomes: Record<string, number> = {
    ...worldOutcomes(world),
    ...selectionOutcomes(world, ctx),
  };
  const observed = observe(world, options.observation?.(world) ?? observationPlan(world));
  Object.assign(outcomes, observed.outcomes);
  const pathModel = (options.pathModel ?? pathModelML()).run(observed, ctx);
  const analyses = analyse(
    [...(options.analyses ?? []), ...analysisSteps(scenario.analysis)],
    observed,
    ctx,
  );
  return { world, observed, pathModel, analyses, outcomes };
}

/** The replication's plain-data result (throws when the path model could not be fitted). */
export function resultOf(r: Replication): ReplicationResult {
  if (!r.pathModel.ok) throw new Error(`replication ${r.world.replication}: ${r.pathModel.error}`);
  const result = replicationResult(
    r.world.replication,
    r.observed.n,
    r.pathModel.report,
    r.world.model.spec,
    r.outcomes,
  );
  const list = r.world.scenario.analysis;
  if (!list) return result;
  const population = populationPaths(r.world.model.spec);
  try {
    result.analyses = list.map((cfg) => {
      const est = r.analyses[`${ANALYSIS_STEP_PREFIX}${cfg.name}`];
      if (!isLatentAnalysis(cfg)) return analysisResult(cfg, est as EstimateResult, population);
      // a latent fit never throws on data: its facts (converged, Heywood, fit) are outcomes
      const fit = est as LatentFit;
      result.outcomes = {
        ...result.outcomes,
        ...latentFacts(cfg, fit, r.world.scenario.estimation.alpha),
      };
      return latentAnalysisResult(cfg, fit, population);
    });
  } catch (e) {
    throw new Error(`replication ${r.world.replication}: ${(e as Error).message}`);
  }
  return result;
}

/** One replication of a scenario as plain data (the sweep engine and its workers call this). */
export function runReplication(scenario: Scenario, replication: number): ReplicationResult {
  return resultOf(replicate(scenario, replication));
}
