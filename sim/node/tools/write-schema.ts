// Regenerates scenarios/schema/scenario.schema.json from src/scenario (npm run schema).
import { writeFileSync } from "node:fs";
import { scenarioJsonSchema } from "../../../src/scenario/jsonSchema.ts";
import { sweepJsonSchema } from "../../../src/scenario/sweep.ts";

const path = new URL("../../../scenarios/schema/scenario.schema.json", import.meta.url);
writeFileSync(path, `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
// Sweep files (scenarios/sweeps/*.json): see src/scenario/sweep.ts.
const sweepPath = new URL("../../../scenarios/schema/sweep.schema.json", import.meta.url);
writeFileSync(sweepPath, `${JSON.stringify(sweepJsonSchema(), null, 2)}\n`);
console.log(`wrote ${sweepPath.pathname}`);
