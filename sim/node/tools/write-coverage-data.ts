// Writes the item data of a coverage scenario's replications as CSV, exactly as `bgsim power`
// generates them, so that lavaan can be fitted to the same data sets
// (test/fixtures/lavaan/coverage.R; docs/measurement.md, "Coverage of the latent SEM").
//
//   node --import tsx sim/node/tools/write-coverage-data.ts SCENARIO.json --n N --reps R \
//        [--start S] --out DIR
//
// The replication's scenario is the power design point of `bgsim power SCENARIO --n N` (the
// sweep's n setting, which also grows the mailing with n, and the scenario's seed: common random
// numbers), built by the same powerSweep/buildPlan; its observation is src/pipeline's replicate().
// Writes DIR/rep-<r>.csv (header: the survey's item ids; one row per usable response; numbers
// as JavaScript prints them, which read back to the same doubles) and DIR/truth.json (the
// population value of every path, as the power summary's `population`, and the analysis model).
// The data are not committed (2,000 replications of 39 items are about 30 MB).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { itemNames } from "../../../src/analysis/latent.ts";
import { populationPaths } from "../../../src/analysis/models.ts";
import { replicate } from "../../../src/pipeline/replication.ts";
import { buildPlan } from "../../core/designs/plan.ts";
import { powerSweep } from "../../core/montecarlo/power.ts";
import { readScenario } from "../files/files.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    n: { type: "string" },
    reps: { type: "string" },
    start: { type: "string" },
    out: { type: "string" },
  },
});
if (positionals.length !== 1 || !values.n || !values.reps || !values.out)
  throw new Error(
    "usage: write-coverage-data.ts SCENARIO.json --n N --reps R [--start S] --out DIR",
  );
const n = Number(values.n);
const reps = Number(values.reps);
const start = Number(values.start ?? 0);
const out = values.out;

const base = readScenario(positionals[0]);
const v = powerSweep(base, [{ name: "n", values: [n] }], reps, start);
if (!v.ok) throw new Error(v.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
const plan = buildPlan(v.sweep);
const point = plan.scenarioAt(0);
if (!point.ok) throw new Error(point.message);
const scenario = point.scenario;
mkdirSync(out, { recursive: true });

for (let run = 0; run < plan.runs; run++) {
  const spec = plan.runSpec(run);
  // the analysis models are not run (they do not draw from the data's streams: the same CSV)
  const r = replicate({ ...scenario, seed: spec.seed, analysis: undefined }, spec.replication);
  const items = r.observed.items;
  const names = itemNames(r.observed);
  if (!items || !names) throw new Error("the scenario's survey has no item answers");
  const lines = [names.join(",")];
  for (let i = 0; i < r.observed.n; i++) lines.push(items.map((c) => String(c[i])).join(","));
  writeFileSync(join(out, `rep-${spec.replication}.csv`), `${lines.join("\n")}\n`);
  if (run === 0) {
    const truth = Object.fromEntries(populationPaths(r.world.model.spec));
    const analysis = scenario.analysis?.[0];
    writeFileSync(
      join(out, "truth.json"),
      `${JSON.stringify({ scenario: base.name, n, seed: spec.seed, truth, analysis }, null, 2)}\n`,
    );
  }
}
console.log(`wrote ${plan.runs} data sets (replications ${start}..${start + reps - 1}) to ${out}`);
