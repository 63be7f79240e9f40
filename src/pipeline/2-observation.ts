import type { Latent } from "../dynamics/firms.ts";
import { surveyUniverse } from "../dynamics/surveyLink.ts";
import type { DynamicsHistory } from "../dynamics/types.ts";
import { covariance, type Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import type { SurveyConfig } from "../survey/config.ts";
import { type SurveyStageResult, surveyCrossSection, surveyFromUniverse } from "../survey/stage.ts";
import type { DynamicsWorld, World } from "./1-world.ts";

/**
 * Stage 2, the observation: what the analysis sees of the world.
 * - units: every unit's construct scores (cross-section: the whole drawn population; dynamics:
 *   the surveyed frame at the survey date, PERF = simulated main-export-market performance
 *   over the past 3 years, which is what the survey asks about);
 * - survey: the virtual survey (docs/survey.md: frame -> mailing -> response -> items ->
 *   composites) of either world: a cross-section fields it to a placeholder frame drawn from
 *   the model, a dynamics world to its living firms (surveyFromUniverse).
 * Two more observations of a dynamics world show selection effects (4-outcomes.ts):
 * `everyFoundedUnit` (latent scores as drawn) and `surveyedFrame`.
 */
export interface Observed {
  /** Every drawn unit, every founded unit, the surveyed frame, or the survey's respondents. */
  kind: "population" | "founded" | "frame" | "survey";
  n: number;
  /** Variable names of `cov`'s rows and columns and of `columns` (CONSTRUCTS order). */
  variables: readonly string[];
  /** Sample covariance matrix (divisor n - 1), row-major. */
  cov: Mat;
  /** Construct scores or composites, one column per variable; null when the survey drew the
   * covariance matrix directly (its Wishart shortcut). */
  columns: Float64Array[] | null;
  /**
   * With survey item non-response that left composites missing: every respondent's composites
   * with NaN for the missing ones (FIML uses them). `cov`, `n` and `columns` are then the
   * complete rows' (listwise deletion). Absent or null otherwise.
   */
  withMissing?: { columns: Float64Array[]; n: number; incompleteRows: number } | null;
  /** Scored item answers, one column per instrument item (item-level survey only; NaN = skipped). */
  items: Float64Array[] | null;
  /** The survey's full stage result (plan, universe, respondents), when a survey ran. */
  survey: SurveyStageResult | null;
  /** Facts of the observation as named numbers (survey.*, check.*, reliability.*). */
  outcomes: Record<string, number>;
}

export type ObservationPlan =
  | { kind: "units" }
  | {
      kind: "survey";
      config: SurveyConfig;
      /** Keep the item answers even at composite level. */
      keepItems?: boolean;
      /** Run the full survey even when the Wishart shortcut is exact (bgsim survey). */
      noShortcut?: boolean;
    };

/** The observation a scenario asks for: its survey when enabled, else every unit. */
export function observationPlan(world: World): ObservationPlan {
  const survey = world.scenario.survey;
  return survey.enabled ? { kind: "survey", config: survey } : { kind: "units" };
}

/** The smallest surveyed frame the path model is estimated on when there is no survey. */
export const MIN_FRAME = 20;

export function observe(world: World, plan: ObservationPlan = observationPlan(world)): Observed {
  const { scenario, replication, model } = world;
  const alpha = scenario.estimation.alpha;
  if (plan.kind === "survey") {
    const s =
      world.kind === "population"
        ? surveyCrossSection(plan.config, model.Sigma, scenario.seed, replication, alpha, {
            keepItems: plan.keepItems,
            noShortcut: plan.noShortcut,
          })
        : surveyFromUniverse(
            surveyUniverse(world.history, scenario.seed, replication),
            plan.config,
            model.Sigma,
            scenario.seed,
            replication,
            alpha,
            { keepItems: plan.keepItems },
          );
    return {
      kind: "survey",
      n: s.n,
      variables: CONSTRUCTS,
      cov: s.cov,
      columns: s.completeColumns ?? s.output?.composites ?? null,
      ...(s.withMissing ? { withMissing: s.withMissing } : {}),
      items: s.output?.items ?? null,
      survey: s,
      outcomes: s.outcomes,
    };
  }
  if (world.kind === "population") {
    const columns = world.draw();
    return units("population", model.variables, columns, world.firms, {});
  }
  const frame = surveyedFrame(world);
  if (frame.n < MIN_FRAME)
    throw new Error(
      `replication ${replication}: the surveyed frame holds ${frame.n} firms (fewer than ${MIN_FRAME}); raise dynamics.firms`,
    );
  return { ...frame, outcomes: { "dynamics.estimatedOnFrame": 1 } };
}

/** Every firm founded in a dynamics run, with its latent scores as drawn (after policy shifts). */
export function everyFoundedUnit(world: DynamicsWorld): Observed {
  const h = world.history;
  const columns = CONSTRUCTS.map((c) => h.latent[c as Latent]);
  return units("founded", CONSTRUCTS, columns, h.firms.n, {});
}

/** The surveyed frame at the survey date, PERF = simulated performance over the past 3 years. */
export function surveyedFrame(world: DynamicsWorld): Observed {
  const h = world.history;
  const rows = frameRows(h);
  const columns = subsetColumns(h.latent, rows, h.survey.perf3y);
  return units("frame", CONSTRUCTS, columns, rows.length, {});
}

function units(
  kind: Observed["kind"],
  variables: readonly string[],
  columns: Float64Array[],
  n: number,
  outcomes: Record<string, number>,
): Observed {
  return {
    kind,
    n,
    variables,
    cov: covariance(columns, n),
    columns,
    items: null,
    survey: null,
    outcomes,
  };
}

/** Rows of the firms in the surveyed frame (FirmOutcomes.inFrame), in firm order. */
export function frameRows(h: DynamicsHistory): Int32Array {
  const o = h.firms;
  let k = 0;
  for (let f = 0; f < o.n; f++) k += o.inFrame[f];
  const rows = new Int32Array(k);
  k = 0;
  for (let f = 0; f < o.n; f++) if (o.inFrame[f]) rows[k++] = f;
  return rows;
}

/** Columns (CONSTRUCTS order) of the selected firms; PERF optionally replaced. */
export function subsetColumns(
  latent: Record<Latent, Float64Array>,
  rows: Int32Array,
  perf?: Float64Array,
): Float64Array[] {
  return CONSTRUCTS.map((c) => {
    const src = c === "PERF" && perf ? perf : latent[c as Latent];
    const out = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
    return out;
  });
}
