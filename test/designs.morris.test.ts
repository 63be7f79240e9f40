import { describe, expect, it } from "vitest";
import { morrisDesign, morrisIndices } from "../sim/core/designs/morris.ts";
import { derive } from "../src/random/stream.ts";

describe("morrisDesign", () => {
  const r = 12;
  const k = 4;
  const p = 4;
  const d = morrisDesign(r, k, p, derive(5, "morris"));
  it("has r (k + 1) points on the p-level grid, one factor moved by delta per step", () => {
    expect(d.unit).toHaveLength(r * (k + 1));
    expect(d.delta).toBeCloseTo(2 / 3, 15);
    const grid = [0, 1 / 3, 2 / 3, 1];
    for (const row of d.unit) for (const u of row) expect(grid).toContain(u);
    for (let t = 0; t < r; t++) {
      expect(d.changed[t * (k + 1)]).toBe(-1);
      const moved = new Set<number>();
      for (let m = 1; m <= k; m++) {
        const i = t * (k + 1) + m;
        const j = d.changed[i];
        moved.add(j);
        for (let q = 0; q < k; q++) {
          const diff = Math.abs(d.unit[i][q] - d.unit[i - 1][q]);
          expect(diff).toBeCloseTo(q === j ? 2 / 3 : 0, 12);
        }
      }
      expect(moved.size).toBe(k); // each factor moved exactly once per trajectory
    }
  });
  it("recovers the coefficients of a linear function exactly (sigma 0)", () => {
    const coef = [3, -2, 0, 0.5];
    const y = d.unit.map((u) => u.reduce((s, x, j) => s + coef[j] * x, 1));
    const idx = morrisIndices(d.unit, d.changed, y, k);
    idx.forEach((s, j) => {
      expect(s.effects).toBe(r);
      expect(s.mu).toBeCloseTo(coef[j], 12);
      expect(s.muStar).toBeCloseTo(Math.abs(coef[j]), 12);
      expect(s.sigma).toBeCloseTo(0, 12);
    });
  });
  it("separates interaction (sigma > 0) from additive effects, and skips missing outputs", () => {
    // y = x0 * x1 + x2: x0, x1 interact; x2 is additive; x3 is inert
    const y = d.unit.map((u) => u[0] * u[1] + u[2]);
    y[3] = Number.NaN;
    const idx = morrisIndices(d.unit, d.changed, y, k);
    expect(idx[0].sigma).toBeGreaterThan(0.1);
    expect(idx[1].sigma).toBeGreaterThan(0.1);
    expect(idx[2].sigma).toBeCloseTo(0, 12);
    expect(idx[3].muStar).toBe(0);
    const total = idx.reduce((a, s) => a + s.effects, 0);
    expect(total).toBeLessThan(r * k); // effects touching the missing point are left out
  });
});
