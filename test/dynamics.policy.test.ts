import { describe, expect, it } from "vitest";
import { calibrationValues } from "../src/dynamics/calibration.ts";
import { PROMOTION } from "../src/dynamics/policy.ts";
import { simulate } from "../src/dynamics/simulate.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

const FIRMS = 12000;
const base = simulate(scenarioOf({ dynamics: { firms: FIRMS } }), 0);

describe("policy levers", () => {
  it("export promotion raises exporting among treated firms and reports its cost", () => {
    const h = simulate(
      scenarioOf({
        dynamics: { firms: FIRMS },
        policy: {
          startYear: 1990,
          exportPromotion: { takeUp: 0.5, imoShift: 1, knowledgeShift: 0.3 },
        },
      }),
      0,
    );
    const treated = h.stats.treated.exportPromotion;
    expect(treated).toBeGreaterThan(0.3 * FIRMS);
    expect(h.stats.policyCost).toBe(treated * 20);
    // Same firms, same streams: compare treated firms with themselves in the baseline.
    let exported = 0;
    let exportedBase = 0;
    for (let f = 0; f < h.firms.n; f++) {
      if (!(h.firms.treated[f] & PROMOTION)) continue;
      if (h.firms.firstEntryStep[f] >= 0) exported++;
      if (base.firms.firstEntryStep[f] >= 0) exportedBase++;
    }
    expect(exported).toBeGreaterThan(1.2 * exportedBase);
    expect(calibrationValues(h).shareExporting).toBeGreaterThan(
      calibrationValues(base).shareExporting,
    );
  });

  it("distributor matchmaking: better distributors, longer relationships, cost per assisted entry", () => {
    const h = simulate(
      scenarioOf({
        dynamics: { firms: FIRMS },
        policy: { startYear: 1980, matchmaking: { takeUp: 1, competenceShift: 1 } },
      }),
      0,
    );
    const total = (x: typeof h, measure: string) => {
      const a = x.aggregates;
      const k = a.measures.indexOf(measure);
      let s = 0;
      for (let t = 0; t < a.steps; t++) s += a.values[k * a.steps + t];
      return s;
    };
    expect(calibrationValues(h).destinationSurvival2y).toBeGreaterThan(
      calibrationValues(base).destinationSurvival2y + 0.03,
    );
    // Every entry and distributor replacement of a treated firm is assisted (US$5,000 each).
    expect(h.stats.policyCost).toBe((total(h, "entries") + total(h, "replacements")) * 5);
  });

  it("technology support raises GTC and performance propensity of treated firms", () => {
    const h = simulate(
      scenarioOf({
        dynamics: { firms: 3000 },
        policy: { startYear: 1980, technology: { takeUp: 1, gtcShift: 0.5 } },
      }),
      0,
    );
    const b = simulate(scenarioOf({ dynamics: { firms: 3000 } }), 0);
    expect(h.latent.GTC[10] - b.latent.GTC[10]).toBeCloseTo(0.5, 10);
    expect(h.latent.PERF[10] - b.latent.PERF[10]).toBeCloseTo(0.5 * 0.21, 2);
  });

  it("lower distance penalties shift entries towards distant markets", () => {
    const h = simulate(
      scenarioOf({
        dynamics: { firms: FIRMS },
        policy: { startYear: 1990, tradeCost: { distancePenaltyChange: -0.8 } },
      }),
      0,
    );
    const farShare = (x: typeof h) => {
      let far = 0;
      let all = 0;
      const T = x.aggregates.steps;
      x.markets.psychic.forEach((ks, m) => {
        for (let t = 44; t < T; t++) {
          const e = x.aggregates.countryEntries[m * T + t];
          all += e;
          if (ks > 2) far += e;
        }
      });
      return far / all;
    };
    expect(farShare(h)).toBeGreaterThan(farShare(base) + 0.03);
  });
});
