import { describe, expect, it } from "vitest";
import baseline from "../scenarios/baseline.json";
import { setAt } from "../src/scenario/fieldPath.ts";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import {
  band,
  differences,
  fileOption,
  mergeDeep,
  POLICIES,
  policyScenario,
} from "../web/whatIf/compare.ts";
import { POLICY_FILES } from "../web/whatIf/policyFiles.ts";

describe("what-if view model", () => {
  it("sets nested fields without touching the original", () => {
    const o = { a: { b: 1 }, c: 2 };
    const p = setAt(o, ["a", "d", "e"], 5);
    expect(p).toEqual({ a: { b: 1, d: { e: 5 } }, c: 2 });
    expect(o).toEqual({ a: { b: 1 }, c: 2 });
  });

  it("every policy option yields a valid scenario at its default and extremes", () => {
    for (const o of POLICIES) {
      const l = o.lever!;
      for (const v of [l.min, l.value, l.max]) {
        const s = policyScenario(baseline as ScenarioInput, o, v);
        const r = validateScenario(s);
        expect(r.ok, `${o.id} = ${v}`).toBe(true);
      }
    }
  });

  it("bands: mean and 10th-90th percentiles across replications", () => {
    const b = band([
      [0, 10],
      [1, 20],
      [2, 30],
      [3, 40],
      [4, 50],
    ]);
    expect(b.mean).toEqual([2, 30]);
    expect(b.lo[0]).toBeCloseTo(0.4, 12);
    expect(b.hi[1]).toBeCloseTo(46, 12);
  });

  it("paired differences with a 95% t interval", () => {
    const mk = (x: number) => ({
      exporters: x,
      bornGlobal: 0,
      markets: 1,
      foreignShare: 0.3,
      entries: 10,
      performance: 0,
      cost: 0,
    });
    const base = [0.1, 0.2, 0.3].map(mk);
    const pol = [0.15, 0.24, 0.36].map(mk);
    const d = differences(base, pol).find((x) => x.key === "exporters")!;
    // differences 0.05, 0.04, 0.06: mean 0.05, sd 0.01, half-width t(2) * 0.01 / sqrt(3)
    expect(d.diff).toBeCloseTo(0.05, 12);
    expect(d.hi - d.diff).toBeCloseTo((4.302653 * 0.01) / Math.sqrt(3), 5);
    expect(d.baseline).toBeCloseTo(0.2, 12);
    const same = differences(base, base).find((x) => x.key === "markets")!;
    expect(same.diff).toBe(0);
    expect(same.lo).toBe(0);
  });

  it("policy files merge their levers over the current scenario", () => {
    expect(mergeDeep({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).toEqual({
      a: { b: 1, c: 3 },
      d: [2],
    });
    const o = fileOption("x", {
      name: "x",
      mode: "dynamics",
      survey: { enabled: true },
      dynamics: { entry: { globalisationTrend: 0 } },
    });
    expect(o.patch).toEqual({ dynamics: { entry: { globalisationTrend: 0 } } });
    const s = policyScenario(baseline as ScenarioInput, o, 0) as Record<string, unknown>;
    expect(s.mode).toBe((baseline as Record<string, unknown>).mode);
    expect(s.survey).toBeUndefined();
    expect(s.dynamics).toEqual({ entry: { globalisationTrend: 0 } });
    expect(POLICY_FILES.length).toBeGreaterThanOrEqual(5);
    for (const f of POLICY_FILES) {
      expect(f.id).toMatch(/^[\w.-]{1,80}$/);
      expect(validateScenario(policyScenario(baseline as ScenarioInput, f, 0)).ok, f.id).toBe(true);
    }
  });
});
