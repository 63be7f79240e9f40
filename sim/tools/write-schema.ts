// Regenerates scenarios/schema/scenario.schema.json from src/scenario (npm run schema).
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../../src/scenario/jsonSchema.ts";

const path = new URL("../../scenarios/schema/scenario.schema.json", import.meta.url);
writeFileSync(path, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
