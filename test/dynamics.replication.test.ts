import { describe, expect, it } from "vitest";
import { runReplication } from "../src/replication.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

describe("dynamics replication", () => {
  it("runReplication dispatches dynamics scenarios and reports selection effects", () => {
    const s = scenarioOf({ mode: "dynamics", dynamics: { firms: 15000 } });
    const r = runReplication(s, 0);
    expect(r.paths).toHaveLength(12);
    expect(r.outcomes["dynamics.estimatedOnFrame"]).toBe(1);
    expect(r.outcomes["population.n"]).toBe(15000);
    expect(r.outcomes["frame.n"]).toBe(r.n);
    // The founded population recovers the model's coefficients; the frame need not.
    expect(r.outcomes["population.IMO->QF"]).toBeCloseTo(0.35, 1);
    expect(r.outcomes["population.QF->PERF"]).toBeCloseTo(0.3, 1);
    expect(Number.isFinite(r.outcomes["frame.QF->PERF"])).toBe(true);
    // Selecting on export intensity (driven by IEO) restricts IEO's range: attenuation.
    expect(r.outcomes["frame.IEO->GTC"]).toBeLessThan(r.outcomes["population.IEO->GTC"] - 0.05);
    for (const v of Object.values(r.outcomes)) expect(Number.isFinite(v)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it("hands the simulated firms to the virtual survey", () => {
    const s = scenarioOf({
      mode: "dynamics",
      dynamics: { firms: 30000 },
      survey: { enabled: true, mailed: 250, n: 50 },
    });
    const result = runReplication(s, 0);
    expect(result.outcomes["survey.placeholderFrame"]).toBe(0);
    expect(result.outcomes["survey.mailed"]).toBe(250);
    expect(result.n).toBeGreaterThan(20);
    expect(result.n).toBeLessThanOrEqual(50);
    expect(result.outcomes["dynamics.estimatedOnFrame"]).toBeUndefined();
  });
});
