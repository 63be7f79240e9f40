import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  boundVariables,
  calibrationStep,
  feasibility,
  initialState,
  matrixOf,
  table1Vector,
} from "../src/calibration/surveyCalibration.ts";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { validateScenario } from "../src/scenario/validate.ts";

function scenario(file: string) {
  const r = validateScenario(JSON.parse(readFileSync(file, "utf8")));
  if (!r.ok) throw new Error(`${file} invalid`);
  return r.scenario;
}

const base = scenario("scenarios/dynamics-baseline.json");
const options = {
  firms: 20_000,
  seed: 7,
  replications: 1,
  iterations: 3,
  tolerance: 0.02,
  damping: 0.7,
};

function run() {
  let st = initialState(options);
  while (st.status === "running") st = calibrationStep(base, st);
  return st;
}

describe("survey calibration (reduced world: 20k firms, 1 replication, 3 evaluations)", () => {
  const a = run();
  it("moves the surveyed correlations toward Table 1", () => {
    const first = a.trace[0];
    const best = a.trace.reduce((m, s) => (s.rmsGap < m.rmsGap ? s : m));
    // measured at this size (seed 7): rms gap 0.235 -> 0.079 (factor 3.0), max gap 0.472 -> 0.128
    expect(first.rmsGap).toBeGreaterThan(0.15);
    expect(best.rmsGap).toBeLessThan(0.5 * first.rmsGap);
  });
  it("is deterministic for a fixed seed", () => {
    const b = run();
    expect(b.trace.map((s) => s.observed)).toEqual(a.trace.map((s) => s.observed));
    expect(b.next).toEqual(a.next);
  });
});

describe("feasibility of founding correlations", () => {
  it("accepts Table 1 and names the binding variable when PERF is over-determined", () => {
    expect(feasibility(table1Vector()).ok).toBe(true);
    const x = table1Vector().map(() => 0.95);
    const f = feasibility(x.map((v, k) => (k === 0 ? 0.1 : v)));
    expect(f.ok).toBe(false);
    expect(
      boundVariables("paths[12] QF->PERF: standardized coefficient 1.1 must lie in (-1, 1)"),
    ).toEqual([CONSTRUCTS.indexOf("PERF"), CONSTRUCTS.indexOf("QF")]);
  });
  it("the shipped calibrated scenario's model implies a valid founding correlation matrix", () => {
    const s = scenario("scenarios/dynamics-calibrated.json");
    expect(s.model.base).toBe("empty");
    expect(Object.keys(s.model.paths)).toHaveLength(14);
    expect(matrixOf(table1Vector())[6][6]).toBe(1);
  });
});
