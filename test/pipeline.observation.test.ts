import { describe, expect, it } from "vitest";
import { covariance } from "../src/math/linalg.ts";
import { buildWorld, type DynamicsWorld } from "../src/pipeline/1-world.ts";
import {
  everyFoundedUnit,
  frameRows,
  observe,
  surveyedFrame,
} from "../src/pipeline/2-observation.ts";
import { DEFAULT_SURVEY } from "../src/survey/config.ts";
import { SurveyRunError } from "../src/survey/survey.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

const dynamicsWorld = (firms: number, survey: Record<string, unknown> = {}) => {
  const w = buildWorld(scenarioOf({ mode: "dynamics", dynamics: { firms }, survey }), 0);
  if (w.kind !== "dynamics") throw new Error("expected a dynamics world");
  return w as DynamicsWorld;
};

describe("pipeline stage 2: the observation", () => {
  it("no survey on a cross-section: every drawn firm, covariance of the draw", () => {
    const w = buildWorld(scenarioOf({ population: { firms: 3000 } }), 2);
    const o = observe(w);
    expect(o.kind).toBe("population");
    expect(o.n).toBe(3000);
    expect(o.survey).toBeNull();
    expect(o.outcomes).toEqual({});
    if (w.kind !== "population") return;
    expect(o.cov).toEqual(covariance(w.draw(), 3000));
  });

  it("the survey on a cross-section: placeholder frame, composites, the survey's facts", () => {
    const s = scenarioOf({ survey: { enabled: true, level: "items" } });
    const o = observe(buildWorld(s, 0));
    expect(o.kind).toBe("survey");
    expect(o.n).toBe(Math.min(203, o.outcomes["survey.responded"]));
    expect(o.n).toBeGreaterThan(150);
    expect(o.columns).toHaveLength(7);
    expect(o.items?.length).toBeGreaterThan(30);
    expect(o.outcomes["survey.placeholderFrame"]).toBe(1);
    expect(o.outcomes["survey.mailed"]).toBe(900);
    // covariance of the composites, 1-7 scale: every variance positive and below 9
    for (let i = 0; i < 7; i++) {
      expect(o.cov[i * 8]).toBeGreaterThan(0.1);
      expect(o.cov[i * 8]).toBeLessThan(9);
    }
  });

  it("no survey on a dynamics world: the surveyed frame, PERF = simulated performance", () => {
    const w = dynamicsWorld(12000);
    const o = observe(w);
    expect(o.kind).toBe("frame");
    const rows = frameRows(w.history);
    expect(o.n).toBe(rows.length);
    expect(o.n).toBeGreaterThan(20);
    expect(o.outcomes).toEqual({ "dynamics.estimatedOnFrame": 1 });
    const perf = o.columns![6];
    for (let i = 0; i < 5; i++) expect(perf[i]).toBe(w.history.survey.perf3y[rows[i]]);
    expect(surveyedFrame(w).cov).toEqual(o.cov);
    const all = everyFoundedUnit(w);
    expect(all.n).toBe(12000);
    expect(all.columns![0]).toBe(w.history.latent.IEO);
  });

  it("a dynamics frame below 20 firms is refused with the fix", () => {
    expect(() => observe(dynamicsWorld(300))).toThrow(/fewer than 20\); raise dynamics.firms/);
  });

  it("the survey on a dynamics world: real attributes, and the n < 2 guard of the survey stage", () => {
    const w = dynamicsWorld(30000, { enabled: true, mailed: 250, n: 50 });
    const o = observe(w);
    expect(o.kind).toBe("survey");
    expect(o.outcomes["survey.placeholderFrame"]).toBe(0);
    expect(o.outcomes["survey.mailed"]).toBe(250);
    expect(o.n).toBeLessThanOrEqual(50);
    // 40 mailed at a 2.6% response rate for n = 1 (the schema would refuse n < 30): one
    // usable response in this replication, which the survey stage refuses (a dynamics
    // replication used to go on to the estimator with it)
    const config = { ...DEFAULT_SURVEY, enabled: true, mailed: 40, responseRate: 0.026, n: 1 };
    expect(() => observe(w, { kind: "survey", config })).toThrow(SurveyRunError);
    expect(() => observe(w, { kind: "survey", config })).toThrow(/got 1 usable response;/);
  });
});
