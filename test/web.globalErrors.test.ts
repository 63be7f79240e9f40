import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { validateSweep } from "../src/scenario/sweep.ts";
import { morrisTable, noiseShare, PointMeans, srcTable } from "../web/sensitivity/global.ts";
import { powerSe } from "../web/sensitivity/power.ts";

/** The Monte Carlo errors the Sensitivity view shows (issue 14, finding 9 and "Researchers"). */
const base = { population: { firms: 203 } };

function plan(type: "morris" | "latin-hypercube") {
  const v = validateSweep({
    base,
    design:
      type === "morris"
        ? {
            type,
            trajectories: 8,
            levels: 4,
            factors: [
              { path: "model.paths.IEO->GTC", min: 0, max: 0.4 },
              { path: "model.paths.QF->PERF", min: 0, max: 0.4 },
            ],
          }
        : {
            type,
            points: 40,
            factors: [
              { path: "model.paths.GTC->PERF", min: 0.05, max: 0.35 },
              { path: "model.paths.UPD->PERF", min: 0.05, max: 0.35 },
            ],
          },
    replications: 1,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return buildPlan(v.sweep);
}

describe("Monte Carlo errors of the sensitivity indices", () => {
  it("the variance of a point's mean is the replications' variance over their number", () => {
    const pm = new PointMeans(2, "q");
    for (const x of [1, 0, 1, 0]) pm.add(0, ["q"], [x]);
    pm.add(1, ["q"], [5]);
    const v = pm.meanVariances();
    expect(v[0]).toBeCloseTo(1 / 3 / 4, 12); // sample variance 1/3, 4 replications
    expect(Number.isNaN(v[1])).toBe(true); // one replication: unknown
  });

  it("a heatmap cell's binomial SE", () => {
    expect(powerSe(0.5, 100)).toBeCloseTo(0.05, 12);
    expect(powerSe(1, 40)).toBe(0);
    expect(Number.isNaN(powerSe(Number.NaN, 0))).toBe(true);
  });

  it("Morris: the SE of mu from equal point variances and the step of each effect", () => {
    const p = plan("morris");
    const y = p.points.map(([a, b]) => 3 * (a / 0.4) - b / 0.4);
    const v = 0.01;
    const t = morrisTable(
      p,
      y,
      y.map(() => v),
    );
    // each effect: (v + v) / du², du = 2/3 of the range for 4 levels; 8 effects per factor
    const du = 2 / 3;
    expect(t[0].n).toBe(8);
    expect(t[0].error).toBeCloseTo(Math.sqrt((8 * 2 * v) / du ** 2) / 8, 10);
    // without variances the error is unknown, not zero
    expect(Number.isNaN(morrisTable(p, y)[0].error)).toBe(true);
  });

  it("LHS: SRC standard errors grow with noise; the noise share says how much is noise", () => {
    const p = plan("latin-hypercube");
    // deterministic "noise" from a fixed sequence
    const noise = p.points.map((_, i) => Math.sin(i * 12.9898) * 0.5);
    const exact = srcTable(
      p,
      p.points.map(([a]) => 2 * a),
    );
    const noisy = srcTable(
      p,
      p.points.map(([a], i) => 2 * a + noise[i]),
    );
    expect(exact.rows[0].error).toBeLessThan(1e-6);
    expect(noisy.rows[0].error).toBeGreaterThan(0.05);
    expect(noisy.r2).toBeLessThan(exact.r2);
    // noise share: mean point-mean variance over the variance between the point means
    const y = [0, 1, 2, 3];
    const total = 5 / 3; // sample variance of 0..3
    expect(noiseShare(y, [0.1, 0.1, 0.1, 0.1])).toBeCloseTo(0.1 / total, 12);
    expect(Number.isNaN(noiseShare([1], [0.1]))).toBe(true);
  });
});
