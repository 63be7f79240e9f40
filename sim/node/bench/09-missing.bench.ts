import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { estimateWithMissing } from "../../../src/estimate/missing/index.ts";
import { BUILTIN_MODELS, structureOf } from "../../../src/model/index.ts";
import { parseDataCsv } from "../files/data.ts";
import { medianMs } from "./timing.ts";

/**
 * FIML (lavaan's missing = "ml") and listwise deletion on the MAR fixture (250 rows, 129 of them
 * incomplete, 15 missing-data patterns), published model; lavaan's sem(missing = "ml") on the
 * same file timed inside R (after five warm-up fits) when Rscript and lavaan are installed.
 */
const FILE = fileURLToPath(
  new URL("../../../test/fixtures/lavaan/missing-mar.csv", import.meta.url),
);
const LAVAAN = `
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(TRUE)
d <- read.csv(args[1])
m <- 'GTC ~ IEO + IMO
UPD ~ IEO + IMO
QF ~ IEO + IMO
LFDC ~ IEO + IMO
PERF ~ GTC + UPD + QF + LFDC
GTC ~~ UPD + QF + LFDC
UPD ~~ QF + LFDC
QF ~~ LFDC'
for (i in 1:5) sem(m, data = d, missing = "ml")
R <- as.integer(args[2])
t0 <- proc.time()[["elapsed"]]
for (i in 1:R) sem(m, data = d, missing = "ml")
cat(sprintf("%.6f\\n", (proc.time()[["elapsed"]] - t0) / R))
`;

export function run(): void {
  const structure = structureOf(BUILTIN_MODELS.published());
  const d = parseDataCsv(readFileSync(FILE, "utf8"), FILE, structure.variables, {
    missing: true,
  });
  const fitWith = (method: "fiml" | "listwise") => () => {
    const r = estimateWithMissing(structure, d.columns, d.n, {
      method,
      modification: false,
      rmseaInterval: false,
    });
    if (!r.ok) throw new Error(r.error);
  };
  const fiml = medianMs(fitWith("fiml"), 50, 5);
  const listwise = medianMs(fitWith("listwise"), 200, 20);
  console.log(`FIML, published model, n = 250 (129 incomplete): ${fiml.toFixed(2)} ms per fit`);
  console.log(`listwise deletion, same data: ${(listwise * 1000).toFixed(0)} us per fit`);
  const r = spawnSync("Rscript", ["-e", LAVAAN, FILE, "20"], { encoding: "utf8" });
  const s = Number(r.stdout?.trim().split("\n").pop());
  if (r.error || r.status !== 0 || !(s > 0))
    console.log("lavaan sem(missing = 'ml'): skipped (Rscript with lavaan not available)");
  else
    console.log(
      `lavaan sem(missing = "ml"), same data: ${(s * 1000).toFixed(1)} ms per fit (${((s * 1000) / fiml).toFixed(0)}x ours)`,
    );
}
