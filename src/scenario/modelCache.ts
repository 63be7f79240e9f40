import { type ParamTable, paramTable } from "../estimate/parameters.ts";
import type { StructuralModel } from "../model/implied.ts";
import { structureOf } from "../model/spec.ts";
import type { Scenario } from "./schema.ts";
import { scenarioModel } from "./validate.ts";

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
