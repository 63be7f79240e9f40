import { definedPopulation, definedResults, indirectTable } from "../analysis/indirect.ts";
import { type LatentFit, latentAnalysisResult, latentFacts } from "../analysis/latent.ts";
import {
  ANALYSIS_STEP_PREFIX,
  analysisResult,
  analysisSteps,
  populationPaths,
} from "../analysis/models.ts";
import type { ParamTable } from "../estimate/parameters.ts";
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
    seed: scenario.seed,
  };
  const outcomes: Record<string, number> = {
    ...worldOutcomes(world),
    ...selectionOutcomes(world, ctx),
  };
  const observed = observe(world, options.observation?.(world) ?? observationPlan(world));
  Object.assign(outcomes, observed.outcomes);
  const indirect = scenario.estimation.indirect === true;
  const fitted = indirect ? { ...ctx, table: fittedTable(world) } : ctx;
  const pathModel = (options.pathModel ?? pathModelML()).run(observed, fitted);
  const analyses = analyse(
    [...(options.analyses ?? []), ...analysisSteps(scenario.analysis, indirect)],
    observed,
    fitted,
  );
  return { world, observed, pathModel, analyses, outcomes };
}

/**
 * The parameter table the generating model is fitted with: the world's, or with the scenario's
 * `estimation.indirect` the same model with the paper's indirect effects defined.
 */
export function fittedTable(world: World): ParamTable {
  return world.scenario.estimation.indirect === true
    ? indirectTable(world.model.spec)
    : world.table;
}

/** The replication's plain-data result (throws when the path model could not be fitted). */
export function resultOf(r: Replication): ReplicationResult {
  if (!r.pathModel.ok) throw new Error(`replication ${r.world.replication}: ${r.pathModel.error}`);
  const report = r.pathModel.report;
  const result = replicationResult(
    r.world.replication,
    r.observed.n,
    report,
    r.world.model.spec,
    r.outcomes,
  );
  const list = r.world.scenario.analysis;
  const population = populationPaths(r.world.model.spec);
  // defined parameters (the model's :=, the indirect effects) follow the paths
  if (report.defined)
    result.paths.push(
      ...definedResults(
        report.defined,
        definedPopulation(fittedTable(r.world), population),
        report.alpha,
      ),
    );
  if (!list) return result;
  const indirect = r.world.scenario.estimation.indirect === true;
  try {
    result.analyses = list.map((cfg) => {
      const est = r.analyses[`${ANALYSIS_STEP_PREFIX}${cfg.name}`];
      if (!isLatentAnalysis(cfg))
        return analysisResult(cfg, est as EstimateResult, population, indirect);
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
