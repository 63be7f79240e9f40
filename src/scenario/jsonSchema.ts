import { z } from "zod";
import { ScenarioSchema } from "./schema.ts";

/** The JSON Schema of scenario files (draft 2020-12), generated from the zod schema. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSchema, { io: "input", unrepresentable: "any" }),
    title: "Born Global Lab scenario",
    description: "A scenario file for bgsim and the Born Global Lab web app",
  };
}
