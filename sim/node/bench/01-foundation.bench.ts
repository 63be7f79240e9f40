import { estimatePathModel } from "../../../src/estimate/report.ts";
import { covariance } from "../../../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec, structureOf } from "../../../src/model/index.ts";
import { drawPopulation } from "../../../src/population/draw.ts";
import { medianMs } from "./timing.ts";

export function run(): void {
  const model = buildModelOrThrow(publishedSpec());
  const structure = structureOf(model.spec);
  const N = 1_000_000;
  drawPopulation(model, 10_000, { seed: 0 });
  const t0 = performance.now();
  drawPopulation(model, N, { seed: 1 });
  const sec = (performance.now() - t0) / 1000;
  console.log(
    `population draw: ${(N / sec / 1e6).toFixed(2)} M firms/s (${N.toLocaleString()} firms x 7 constructs in ${(sec * 1000).toFixed(0)} ms)`,
  );
  let rep = 0;
  const gen = medianMs(
    () => void drawPopulation(model, 203, { seed: 2, replication: rep++ }),
    500,
    50,
  );
  const pop = drawPopulation(model, 203, { seed: 3 });
  const cov = covariance(pop.columns, 203);
  const est = medianMs(
    () =>
      void estimatePathModel(structure, cov, 203, { modification: false, rmseaInterval: false }),
    500,
    50,
  );
  let r2 = 0;
  const both = medianMs(
    () => {
      const p = drawPopulation(model, 203, { seed: 4, replication: r2++ });
      estimatePathModel(structure, covariance(p.columns, 203), 203, {
        modification: false,
        rmseaInterval: false,
      });
    },
    500,
    50,
  );
  console.log(
    `n = 203 replication (median of 500): generate ${(gen * 1000).toFixed(0)} us, estimate ${(est * 1000).toFixed(0)} us, generate + estimate ${(both * 1000).toFixed(0)} us`,
  );
}
