import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { validateSweep } from "../src/scenario/sweep.ts";
import { morrisTable, PointMeans, srcTable } from "../web/sensitivity/global.ts";

const base = { population: { firms: 203 } };

describe("global sensitivity view model", () => {
  it("averages a quantity per design point over replications", () => {
    const pm = new PointMeans(3, "a.sig");
    pm.add(0, ["x", "a.sig"], [9, 1]);
    pm.add(0, ["x", "a.sig"], [9, 0]);
    pm.add(2, ["x", "a.sig"], [9, 1]);
    pm.add(1, ["x"], [9]);
    const m = pm.means();
    expect(m[0]).toBe(0.5);
    expect(Number.isNaN(m[1])).toBe(true);
    expect(m[2]).toBe(1);
  });

  it("Morris mu* recovers the slopes of a known linear function", () => {
    const v = validateSweep({
      base,
      design: {
        type: "morris",
        trajectories: 6,
        levels: 4,
        factors: [
          { path: "model.paths.IEO->GTC", min: 0, max: 0.4 },
          { path: "model.paths.QF->PERF", min: 0, max: 0.4 },
        ],
      },
      replications: 1,
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const plan = buildPlan(v.sweep);
    // y = 3 * u1 - 1 * u2 in unit terms: per full range, effects 3 and -1 exactly
    const y = plan.points.map(([a, b]) => 3 * (a / 0.4) - b / 0.4);
    const t = morrisTable(plan, y);
    expect(t[0].importance).toBeCloseTo(3, 10);
    expect(t[0].signed).toBeCloseTo(3, 10);
    expect(t[1].signed).toBeCloseTo(-1, 10);
    expect(t[1].spread).toBeCloseTo(0, 10);
    expect(t[0].n).toBe(6);
  });

  it("standardized regression coefficients and R² on a Latin hypercube", () => {
    const v = validateSweep({
      base,
      design: {
        type: "latin-hypercube",
        points: 30,
        factors: [
          { path: "model.paths.GTC->PERF", min: 0.05, max: 0.35 },
          { path: "model.paths.UPD->PERF", min: 0.05, max: 0.35 },
        ],
      },
      replications: 1,
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const plan = buildPlan(v.sweep);
    const exact = srcTable(
      plan,
      plan.points.map(([a, b]) => 2 * a + 0 * b),
    );
    expect(exact.r2).toBeCloseTo(1, 10);
    expect(exact.rows[0].signed).toBeCloseTo(1, 1);
    expect(Math.abs(exact.rows[1].signed)).toBeLessThan(0.2);
    const flat = srcTable(
      plan,
      plan.points.map(() => 1),
    );
    expect(Number.isNaN(flat.r2)).toBe(true);
  });
});
