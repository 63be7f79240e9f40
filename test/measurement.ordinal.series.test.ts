import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bivariateNormalCdfGridSeries } from "../src/measurement/ordinal/index.ts";

// Reference values: test/fixtures/lavaan/ordinal.R (mvtnorm::pmvnorm at 240 points).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/ordinal.json", import.meta.url), "utf8"),
);

describe("bivariate normal CDF grid by the tetrachoric series", () => {
  it("equals mvtnorm::pmvnorm to 1e-14 at every finite reference point with |rho| <= 0.8", () => {
    const pts = (ref.bvn as { x: number; y: number; rho: number; pmvnorm: number }[]).filter(
      (g) => Number.isFinite(g.x) && Number.isFinite(g.y) && Math.abs(g.rho) <= 0.8,
    );
    expect(pts.length).toBeGreaterThan(100);
    const out = new Float64Array(1);
    let m = 0;
    for (const g of pts) {
      bivariateNormalCdfGridSeries([g.x], [g.y], g.rho, out);
      m = Math.max(m, Math.abs(out[0] - g.pmvnorm));
    }
    expect(m).toBeLessThan(1e-14);
  });

  it("fills a grid row-major, each point as the point alone", () => {
    const xs = [-1.7, -0.4, 0.5, 1.9];
    const ys = [-2.2, -0.8, 0.1, 1.1, 2.6];
    const grid = new Float64Array(xs.length * ys.length);
    bivariateNormalCdfGridSeries(xs, ys, 0.45, grid);
    const one = new Float64Array(1);
    for (let i = 0; i < xs.length; i++)
      for (let j = 0; j < ys.length; j++) {
        bivariateNormalCdfGridSeries([xs[i]], [ys[j]], 0.45, one);
        expect(grid[i * ys.length + j]).toBe(one[0]);
      }
  });
});
