import baselineJson from "../../scenarios/baseline.json";
import type { ScenarioInput } from "../../src/scenario/schema.ts";

/** The project's baseline scenario (scenarios/baseline.json), bundled with the app. */
export const BASELINE: ScenarioInput = baselineJson as ScenarioInput;
