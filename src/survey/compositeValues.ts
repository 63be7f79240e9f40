import { estimatePathModel } from "../estimate/report.ts";
import { structureOf } from "../model/spec.ts";
import type { Scenario } from "../scenario/schema.ts";
import { scenarioModel } from "../scenario/validate.ts";
import { expectedCompositeCorrelation } from "./calibrate.ts";
import { surveyPlanFor } from "./plan.ts";

/**
 * The standardized path values the survey's composites carry in an unselected frame: the
 * model fitted to the composites' expected correlation matrix (a very large sample). Beside
 * the population (true-construct) value it splits the bias into measurement (attenuation,
 * common-method inflation: population -> composite value) and the rest (selection, small
 * samples: composite value -> mean estimate). Null when the survey is off or in dynamics mode.
 */
export function compositeValues(scenario: Scenario): Map<string, number> | null {
  // In dynamics mode the firms' scores come from the simulation, not from the plan's latent
  // correlations, so there is no closed-form composite value.
  if (!scenario.survey?.enabled || scenario.mode === "dynamics") return null;
  const built = scenarioModel(scenario);
  if (!built.ok) return null;
  const cfg = scenario.survey;
  const plan = surveyPlanFor(cfg, built.model.Sigma);
  const format = cfg.level === "composites" ? "continuous" : cfg.responses;
  const C = expectedCompositeCorrelation(plan.instrument, plan.scales, format, plan.R);
  const est = estimatePathModel(structureOf(built.model.spec), C, 1_000_000, {
    modification: false,
    rmseaInterval: false,
  });
  if (!est.ok) return null;
  return new Map(est.report.paths.map((p) => [p.label, p.std]));
}
