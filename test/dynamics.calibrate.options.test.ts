import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { surveyLossTerm } from "../src/calibration/surveyCalibration.ts";
import { calibrate, evaluate, withDynamics } from "../src/dynamics/calibrate.ts";
import { simulate } from "../src/dynamics/simulate.ts";
import { validateScenario } from "../src/scenario/validate.ts";

const r = validateScenario(JSON.parse(readFileSync("scenarios/dynamics-calibrated.json", "utf8")));
if (!r.ok) throw new Error("invalid scenario");
const small = withDynamics(r.scenario, { firms: 8000 });

describe("bgsim calibrate's constraints and joint survey term", () => {
  it("a frame-share floor no candidate meets keeps the start values", () => {
    const res = calibrate(small, { iterations: 3, minFrameShare: 0.99 });
    expect(res.trace.slice(1).every((s) => !s.accepted)).toBe(true);
    expect(res.values["entry.ieo"]).toBeCloseTo(Number(r.scenario.dynamics.entry.ieo), 10);
  });
  it("evaluate reports the frame share and whether every target's mean is in band", () => {
    const e = evaluate(small, 1);
    const h = simulate(small, 0);
    expect(e.frameShare).toBeGreaterThan(0);
    expect(e.frameShare).toBeLessThan(0.1);
    expect(e.allInBand).toBe(e.rows.every((x) => x.within));
    // the survey term is weight x mean((gap / 0.02)^2): doubling the weight doubles it
    const t1 = surveyLossTerm(1)(small, 0, h);
    expect(t1).toBeGreaterThan(0);
    expect(surveyLossTerm(2)(small, 0, h)).toBeCloseTo(2 * t1, 10);
    expect(evaluate(small, 1, surveyLossTerm(1)).loss).toBeCloseTo(e.loss + t1, 8);
  });
});
