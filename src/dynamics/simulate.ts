import type { StructuralModel } from "../model/implied.ts";
import type { Scenario } from "../scenario/schema.ts";
import { scenarioModel } from "../scenario/validate.ts";
import { computeOutcomes } from "./outcomes.ts";
import { firmPass } from "./steps/firmPass.ts";
import { foundCohort, startPolicy } from "./steps/founding.ts";
import { observePass } from "./steps/observe.ts";
import { relationshipPass } from "./steps/relationshipPass.ts";
import { drawMarketShocks } from "./steps/shocks.ts";
import type { DynamicsHistory } from "./types.ts";
import { World } from "./world.ts";

export interface SimulateOptions {
  /** Called after every step with (steps done, steps in all). */
  onProgress?: (done: number, steps: number) => void;
  /** Override scenario.dynamics.events. */
  events?: boolean;
  /** The scenario's structural model, when the caller has built it (src/pipeline/1-world.ts). */
  model?: StructuralModel;
}

/**
 * Run the agent-based dynamics of one replication: pure and deterministic (every draw from
 * streams derived from (scenario.seed, replication, purpose)). Returns plain data with typed
 * arrays (transferable to and from a web worker).
 *
 * Schedule of one step s (docs/ODD.md, "Process overview and scheduling"), one function each:
 * 1. steps/founding.ts: at the policy start, startPolicy (treat earlier firms, distance lever);
 *    foundCohort (this step's firms, their thresholds and treatments);
 * 2. steps/shocks.ts: market-period shocks (a firm's firm-period shock is drawn when step 4
 *    first visits one of its relationships: firms without foreign markets need none);
 * 3. steps/firmPass.ts: firm exit (liability of newness), learning, entry (integrated hazard
 *    against a unit-exponential threshold: entry times are drawn, not coin-flipped per market);
 * 4. steps/relationshipPass.ts: performance, sales, smoothed performance, withdrawal or
 *    distributor replacement (competing risks on one integrated-hazard clock per relationship);
 * 5. steps/observe.ts: foreign share, status, aggregates (and the survey snapshot).
 * The state lives in a World (world.ts), built once per run.
 */
export function simulate(
  scenario: Scenario,
  replication: number,
  opts: SimulateOptions = {},
): DynamicsHistory {
  const model = opts.model ?? modelOf(scenario);
  const w = new World(scenario, model, replication, opts.events ?? scenario.dynamics.events);
  const T = w.T;
  for (let s = 0; s < T; s++) {
    if (s === w.policyStep) startPolicy(w);
    foundCohort(w, s);
    drawMarketShocks(w);
    firmPass(w, s);
    relationshipPass(w, s);
    observePass(w, s);
    opts.onProgress?.(s + 1, T);
  }
  return history(w);
}

/** The run's result as plain data (typed arrays shared with the world, not copied). */
function history(w: World): DynamicsHistory {
  const { firms, mk, N } = w;
  const treated = firms.treated;
  // Firms that exited before the policy start were never treated.
  for (let f = 0; f < N; f++) if (!w.activated[f]) treated[f] = 0;
  return {
    calendar: w.cal,
    markets: {
      home: mk.home.iso3,
      iso3: mk.iso3,
      isoNumeric: mk.isoNumeric,
      names: mk.countries.map((c) => c.name),
      region: mk.region,
      regions: mk.regions,
      relGdp: mk.relGdp,
      distanceKm: mk.distanceKm,
      psychic: mk.psychic,
    },
    aggregates: w.agg.finish(),
    firms: computeOutcomes(firms, w.snap, w.cal, w.d),
    latent: firms.latent,
    survey: w.snap,
    events: w.log?.finish() ?? null,
    stats: {
      spellsEligible: w.spellsEligible,
      spellsEndedEarly: w.spellsEndedEarly,
      firstEntriesChecked: w.firstEntriesChecked,
      quitWithinYear: w.quitWithinYear,
      firmSteps: w.firmSteps,
      spellSteps: w.spellSteps,
      firmMarketSteps: w.firmSteps * w.M,
      policyCost: w.policyCost,
      treated: {
        exportPromotion: countBits(treated, 1),
        matchmaking: countBits(treated, 2),
        technology: countBits(treated, 4),
      },
    },
  };
}

function modelOf(scenario: Scenario): StructuralModel {
  const built = scenarioModel(scenario);
  if (!built.ok) throw new Error(built.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  return built.model;
}

function countBits(a: Uint8Array, bit: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] & bit) n++;
  return n;
}
