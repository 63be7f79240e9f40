// Regenerates src/dynamics/markets/data.generated.ts from src/dynamics/markets/data/*.csv.
import { writeFileSync } from "node:fs";
import { GENERATED, generatedModule, readMarketDataFiles } from "./marketsData.ts";

writeFileSync(GENERATED, generatedModule(readMarketDataFiles()));
console.log(`wrote ${GENERATED.pathname}`);
