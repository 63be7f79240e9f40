import { indirectTable } from "../../../src/analysis/indirect.ts";
import { bootstrapPathModel } from "../../../src/estimate/bootstrap.ts";
import { paramTable } from "../../../src/estimate/parameters.ts";
import { estimatePathModel } from "../../../src/estimate/report.ts";
import { covariance } from "../../../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec, structureOf } from "../../../src/model/index.ts";
import { drawPopulation } from "../../../src/population/draw.ts";
import { medianMs } from "./timing.ts";

/**
 * The cost of the inference options of issue 11 at the paper's n = 203 (published model):
 * the ten indirect effects (estimation.indirect / --indirect) added to one estimate, and one
 * bootstrap (R = 1000; percentile only, as power's analysis bootstrap with ci "perc", and with
 * BCa's n jackknife fits), i.e. what `analysis[].bootstrap` adds to every replication.
 */
export function run(): void {
  const model = buildModelOrThrow(publishedSpec());
  const n = 203;
  const pop = drawPopulation(model, n, { seed: 3 });
  const cov = covariance(pop.columns, n);
  const plain = paramTable(structureOf(model.spec));
  const withInd = indirectTable(model.spec);
  const o = { modification: false, rmseaInterval: false } as const;
  const us = (f: () => void, runs = 20_000) => medianMs(f, runs, 2_000) * 1000;
  const a = us(() => void estimatePathModel(plain, cov, n, o));
  const b = us(() => void estimatePathModel(withInd, cov, n, o));
  console.log(
    `estimate, published model, n = 203 (median): ${a.toFixed(1)} us; with the ten indirect effects (delta-method SEs of est and std) ${b.toFixed(1)} us (+${(b - a).toFixed(1)} us)`,
  );
  const cols = model.variables.map((v) => pop.columns[model.variables.indexOf(v)]);
  const R = 1000;
  for (const standardized of [false, true]) {
    const cpu0 = process.cpuUsage();
    const ms = medianMs(
      () => void bootstrapPathModel(withInd, cols, { R, seed: 1, standardized }),
      7,
      1,
    );
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `bootstrap R = ${R} (+ ${n} jackknife fits for BCa; both interval types come from one run), ${standardized ? "standardized" : "unstandardized"}, with the indirect effects: ${ms.toFixed(0)} ms median wall (${((1000 * ms) / (R + n)).toFixed(1)} us per refit; ${((cpu.user + cpu.system) / 1000 / 8).toFixed(0)} ms CPU per bootstrap)`,
    );
  }
}
