import { COUNTRIES, type CountryRecord } from "../src/dynamics/markets/countries.ts";
import type { Scenario } from "../src/scenario/schema.ts";
import { validateScenario } from "../src/scenario/validate.ts";

/** A validated scenario from an object (throws with the issues if invalid). */
export function scenarioOf(input: Record<string, unknown>): Scenario {
  const r = validateScenario({ seed: 11, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

/** A country record based on the USA's, with fields overridden (for controlled markets). */
export function country(over: Partial<CountryRecord>): CountryRecord {
  const usa = COUNTRIES.find((c) => c.iso3 === "USA") as CountryRecord;
  return { ...usa, ...over };
}
