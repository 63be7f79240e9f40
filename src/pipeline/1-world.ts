import { simulate } from "../dynamics/simulate.ts";
import type { DynamicsHistory } from "../dynamics/types.ts";
import type { ParamTable } from "../estimate/parameters.ts";
import type { StructuralModel } from "../model/implied.ts";
import { TABLE1_MEANS, TABLE1_SDS } from "../paper/table1.ts";
import { drawPopulation } from "../population/draw.ts";
import { modelFor } from "../scenario/modelCache.ts";
import type { Scenario } from "../scenario/schema.ts";

/**
 * Stage 1, the world: the units that exist in one replication.
 * - population (cross-section mode): firms drawn from the structural model, `population.firms`
 *   of them on the scenario's scale; drawn only when an observation needs every unit (a survey
 *   of a cross-section fields its own frame from the same model, src/survey/stage.ts);
 * - dynamics: the agent-based history (src/dynamics/simulate.ts): firms founded, entering
 *   markets, learning and exiting up to the survey date.
 * The model is built once per model section (modelFor) and handed to the simulation.
 */
export interface WorldBase {
  scenario: Scenario;
  replication: number;
  model: StructuralModel;
  /** The estimator's parameter table of the scenario's model. */
  table: ParamTable;
}

export interface PopulationWorld extends WorldBase {
  kind: "population";
  firms: number;
  /** Draw the population's construct scores (one column per model variable). */
  draw(): Float64Array[];
}

export interface DynamicsWorld extends WorldBase {
  kind: "dynamics";
  history: DynamicsHistory;
}

export type World = PopulationWorld | DynamicsWorld;

export interface WorldOptions {
  /** Which world to build (default: the scenario's mode; "dynamics" when `history` is given). */
  kind?: World["kind"];
  /** A history already simulated for (scenario, replication) (bgsim run simulates with progress). */
  history?: DynamicsHistory;
  /** Passed to simulate(). */
  events?: boolean;
  onProgress?: (done: number, steps: number) => void;
}

export function buildWorld(
  scenario: Scenario,
  replication: number,
  options: WorldOptions = {},
): World {
  const { model, table } = modelFor(scenario);
  const kind =
    options.kind ?? (options.history || scenario.mode === "dynamics" ? "dynamics" : "population");
  if (kind === "dynamics") {
    const history =
      options.history ??
      simulate(scenario, replication, {
        model,
        events: options.events,
        onProgress: options.onProgress,
      });
    return { kind, scenario, replication, model, table, history };
  }
  const firms = scenario.population.firms;
  const scaled = scenario.population.scale === "table1";
  return {
    kind,
    scenario,
    replication,
    model,
    table,
    firms,
    draw: () =>
      drawPopulation(model, firms, {
        seed: scenario.seed,
        replication,
        means: scaled ? TABLE1_MEANS : undefined,
        sds: scaled ? TABLE1_SDS : undefined,
      }).columns,
  };
}
