import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { G_ALL, G_BORN_GLOBAL, M_EXPORTERS, M_FIRMS } from "../src/dynamics/aggregates.ts";
import { calibrationValues } from "../src/dynamics/calibration.ts";
import { inSurveyedFrame, isBornGlobal, surveyDateCounts } from "../src/dynamics/status.ts";
import type { DynamicsHistory } from "../src/dynamics/types.ts";
import { buildWorld } from "../src/pipeline/1-world.ts";
import {
  dynamicsOutcomes,
  OUTCOME_FAMILIES,
  OUTCOME_REPORTERS,
  outcomeReporter,
} from "../src/pipeline/4-outcomes.ts";
import { runReplication } from "../src/replication.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

const scenario = scenarioOf({ mode: "dynamics", seed: 2004, dynamics: { firms: 15000 } });

describe("pipeline stage 4: the outcome registry", () => {
  it("every key is unique and described", () => {
    const keys = OUTCOME_REPORTERS.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(23);
    for (const r of OUTCOME_REPORTERS) {
      expect(r.key).toMatch(/^dynamics\.[A-Za-z0-9]+$/);
      expect(r.label.length).toBeGreaterThan(5);
      expect(r.unit.length).toBeGreaterThan(0);
      expect(r.description.length).toBeGreaterThan(10);
    }
    expect(outcomeReporter("dynamics.bornGlobals").unit).toBe("firms");
    expect(() => outcomeReporter("dynamics.nothing")).toThrow(/no outcome reporter/);
  });

  it("every reporter is finite on a baseline replication, and the replication reports them", () => {
    const w = buildWorld(scenario, 0);
    if (w.kind !== "dynamics") throw new Error("expected a dynamics world");
    const h = w.history;
    const o = dynamicsOutcomes(h);
    expect(Object.keys(o)).toEqual(OUTCOME_REPORTERS.map((r) => r.key));
    for (const [k, v] of Object.entries(o)) expect(Number.isFinite(v), k).toBe(true);
    // every calibration measure is registered
    for (const k of Object.keys(calibrationValues(h))) expect(o[`dynamics.${k}`]).toBeDefined();
    // counts agree with the per-step status the aggregates recorded at the survey step
    const c = surveyDateCounts(h);
    const a = h.aggregates;
    const at = (g: number, k: number) =>
      a.values[(g * a.measures.length + k) * a.steps + h.calendar.surveyStep];
    expect(c.alive).toBe(at(G_ALL, M_FIRMS));
    expect(c.exporters).toBe(at(G_ALL, M_EXPORTERS));
    expect(c.bornGlobals).toBe(at(G_BORN_GLOBAL, M_FIRMS));
    expect(c.bornGlobals).toBeGreaterThan(0);
    expect(o["dynamics.bornGlobalShareOfStartups"]).toBe(c.bornGlobals / c.alive);
    // the composed replication carries exactly these values, first, in registry order
    const r = runReplication(scenario, 0);
    const keys = Object.keys(r.outcomes);
    expect(keys.slice(0, OUTCOME_REPORTERS.length)).toEqual(Object.keys(o));
    for (const k of Object.keys(o)) expect(r.outcomes[k]).toBe(o[k]);
    expect(r.outcomes["population.n"]).toBe(15000);
  }, 60_000);

  it("the born-global rule on a hand-made set of firms", () => {
    // window 3 years at 4 steps a year = 12 steps; share threshold 0.25
    const bg = (exporting: boolean, found: number, entry: number, share: number) =>
      isBornGlobal(exporting, found, entry, share, 12, 0.25);
    expect(bg(true, 10, 21, 0.25)).toBe(true); // 11 steps after founding, share at threshold
    expect(bg(true, 10, 22, 0.9)).toBe(false); // 12 steps: outside the strict window
    expect(bg(true, 10, 10, 0.24)).toBe(false); // share below the threshold
    expect(bg(true, 10, -1, 0.5)).toBe(false); // never entered
    expect(bg(false, 10, 12, 0.5)).toBe(false); // no longer exporting at observation
    expect(inSurveyedFrame(40, 0.25, 40, 0.25)).toBe(true);
    expect(inSurveyedFrame(39, 0.9, 40, 0.25)).toBe(false);
    expect(inSurveyedFrame(41, 0.2, 40, 0.25)).toBe(false);

    // counts over five firms: dead, domestic, gradual exporter, born global, early exporter
    const h = {
      calendar: { stepsPerYear: 4 },
      firms: {
        n: 5,
        bornGlobal: Uint8Array.from([0, 0, 0, 1, 0]),
        inFrame: Uint8Array.from([0, 0, 1, 1, 0]),
        salesUsdM: Float64Array.from([5, 2, 10, 4, 8]),
        foundingStep: Int32Array.from([0, 0, 0, 8, 20]),
        firstEntryStep: Int32Array.from([2, -1, 30, 10, 25]),
      },
      survey: {
        alive: Uint8Array.from([0, 1, 1, 1, 1]),
        share: Float64Array.from([0.9, 0, 0.3, 0.5, 0.1]),
        served: Int32Array.from([3, 0, 2, 6, 1]),
      },
    } as unknown as DynamicsHistory;
    const c = surveyDateCounts(h);
    expect(c).toEqual({
      founded: 5,
      alive: 4,
      exporters: 3,
      earlyExporters: 2, // firms 3 (2 steps) and 4 (5 steps) entered within 8 steps
      bornGlobals: 1,
      frame: 2,
      markets: 9,
      exporterShareSum: 0.9,
      exportsUsdM: 3 + 2 + 0.8,
    });
  });

  it("docs/ARCHITECTURE.md lists every registered outcome and family", () => {
    const doc = readFileSync("docs/ARCHITECTURE.md", "utf8");
    for (const r of OUTCOME_REPORTERS) expect(doc, r.key).toContain(`\`${r.key}\``);
    for (const f of OUTCOME_FAMILIES) expect(doc, f.pattern).toContain(f.pattern);
  });
});
