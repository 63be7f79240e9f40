import { describe, expect, it } from "vitest";
import { buildPlan, pointSeed } from "../sim/core/designs/plan.ts";
import { validateSweep } from "../src/scenario/sweep.ts";

function sweep(extra: Record<string, unknown>) {
  const v = validateSweep({ base: { seed: 7, population: { firms: 150 } }, ...extra });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.sweep;
}

describe("buildPlan", () => {
  it("numbers runs point-major and sets each point's factors and seed", () => {
    const s = sweep({
      replications: 3,
      design: {
        type: "grid",
        factors: [
          { path: "population.firms", levels: [100, 200] },
          { path: "model.paths.IEO->LFDC", min: 0, max: 0.2, steps: 3 },
        ],
      },
    });
    const plan = buildPlan(s);
    expect(plan.points).toEqual([
      [100, 0],
      [100, 0.1],
      [100, 0.2],
      [200, 0],
      [200, 0.1],
      [200, 0.2],
    ]);
    expect(plan.runs).toBe(18);
    const r = plan.runSpec(13);
    expect(r).toMatchObject({
      point: 4,
      replication: 1,
      params: { "population.firms": 200, "model.paths.IEO->LFDC": 0.1 },
    });
    const sc = plan.scenarioAt(4);
    if (!sc.ok) throw new Error(sc.message);
    expect(sc.scenario.population.firms).toBe(200);
    expect(sc.scenario.model.paths["IEO->LFDC"]).toBe(0.1);
    expect(sc.scenario.seed).toBe(r.seed);
    expect(pointSeed(s, 4)).not.toBe(pointSeed(s, 5));
  });
  it("common streams give every point the sweep seed", () => {
    const s = sweep({
      streams: "common",
      design: { type: "grid", factors: [{ path: "estimation.alpha", levels: [0.01, 0.05] }] },
    });
    const plan = buildPlan(s);
    expect(plan.runSpec(0).seed).toBe(7);
    expect(plan.runSpec(1).seed).toBe(7);
  });
  it("LHS and Morris points stay in range, integer factors are rounded, plans are deterministic", () => {
    const lhs = sweep({
      design: {
        type: "latin-hypercube",
        points: 25,
        factors: [
          { path: "population.firms", min: 100, max: 500 },
          { path: "model.paths.QF->PERF", min: 0.1, max: 0.4 },
        ],
      },
    });
    expect(lhs.factors[0].integer).toBe(true);
    expect(lhs.factors[1].integer).toBe(false);
    const a = buildPlan(lhs);
    expect(buildPlan(lhs).points).toEqual(a.points);
    for (const [n, b] of a.points) {
      expect(Number.isInteger(n)).toBe(true);
      expect(n).toBeGreaterThanOrEqual(100);
      expect(n).toBeLessThanOrEqual(500);
      expect(b).toBeGreaterThanOrEqual(0.1);
      expect(b).toBeLessThanOrEqual(0.4);
    }
    const m = buildPlan(
      sweep({ design: { type: "morris", trajectories: 3, factors: lhs.design.factors } }),
    );
    expect(m.points).toHaveLength(9);
    expect(m.morris?.changed[0]).toBe(-1);
  });
  it("an impossible design point is reported, not thrown", () => {
    const plan = buildPlan(
      sweep({
        design: { type: "grid", factors: [{ path: "model.paths.IMO->QF", levels: [0.3, 0.95] }] },
      }),
    );
    expect(plan.scenarioAt(0).ok).toBe(true);
    const bad = plan.scenarioAt(1);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/design point 1 .*residual variance of -0.113/);
  });
});
