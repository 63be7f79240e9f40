import { describe, expect, it } from "vitest";
import { covariance, toCorrelation } from "../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec, table1Spec } from "../src/model/index.ts";
import { CONSTRUCTS, TABLE1_CORRELATIONS, TABLE1_MEANS, TABLE1_SDS } from "../src/paper/index.ts";
import { BLOCK_SIZE, drawPopulation, drawPopulationRange } from "../src/population/draw.ts";

describe("population draw", () => {
  it("n = 200,000 from `table1`: correlations within 0.01 of Table 1, means and SDs within 0.02", () => {
    const model = buildModelOrThrow(table1Spec());
    const n = 200_000;
    const pop = drawPopulation(model, n, { seed: 11, means: TABLE1_MEANS, sds: TABLE1_SDS });
    const cov = covariance(pop.columns, n);
    const r = toCorrelation(cov, 7);
    let worst = 0;
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < i; j++)
        worst = Math.max(worst, Math.abs(r[i * 7 + j] - TABLE1_CORRELATIONS[i][j]));
    expect(worst).toBeLessThan(0.01);
    CONSTRUCTS.forEach((c, i) => {
      const m = pop.columns[i].reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(m - TABLE1_MEANS[c])).toBeLessThan(0.02);
      expect(Math.abs(Math.sqrt(cov[i * 8]) - TABLE1_SDS[c])).toBeLessThan(0.02);
    });
  });

  it("n = 200,000 from `published`: correlations within 0.01 of its implied matrix", () => {
    const model = buildModelOrThrow(publishedSpec());
    const pop = drawPopulation(model, 200_000, { seed: 12 });
    const r = toCorrelation(covariance(pop.columns, 200_000), 7);
    for (let k = 0; k < 49; k++) expect(Math.abs(r[k] - model.Sigma[k])).toBeLessThan(0.01);
  });

  it("is deterministic and does not depend on chunking", () => {
    const model = buildModelOrThrow(publishedSpec());
    const n = 3 * BLOCK_SIZE + 17;
    const whole = drawPopulation(model, n, { seed: 5, replication: 2 });
    for (const cuts of [[1], [BLOCK_SIZE], [100, 2000, 2001], [BLOCK_SIZE - 1, BLOCK_SIZE + 1]]) {
      const bounds = [0, ...cuts, n];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const part = drawPopulationRange(model, bounds[k], bounds[k + 1], {
          seed: 5,
          replication: 2,
        });
        for (let v = 0; v < 7; v++) {
          for (let i = 0; i < part.n; i++)
            expect(part.columns[v][i]).toBe(whole.columns[v][bounds[k] + i]);
        }
      }
    }
    const again = drawPopulation(model, n, { seed: 5, replication: 2 });
    expect(Array.from(again.columns[6])).toEqual(Array.from(whole.columns[6]));
    const other = drawPopulation(model, n, { seed: 5, replication: 3 });
    expect(other.columns[6][0]).not.toBe(whole.columns[6][0]);
  });
});
