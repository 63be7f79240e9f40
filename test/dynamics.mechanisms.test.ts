import { describe, expect, it } from "vitest";
import { EV_ENTRY } from "../src/dynamics/events.ts";
import { distributorCompetence, replacementRate } from "../src/dynamics/mechanisms/distributor.ts";
import {
  diversification,
  firmExitRate,
  marketExitRate,
  newRelationship,
} from "../src/dynamics/mechanisms/exit.ts";
import { knowledge } from "../src/dynamics/mechanisms/learning.ts";
import { marketPerformance } from "../src/dynamics/mechanisms/performance.ts";
import { foreignShare, ramp } from "../src/dynamics/mechanisms/sales.ts";
import { simulate } from "../src/dynamics/simulate.ts";
import { country, scenarioOf } from "./dynamics.helpers.ts";

describe("distance: more distance -> later entry (controlled markets)", () => {
  // Home plus two markets identical in size; FAR differs from home in culture and location.
  const countries = [
    country({ iso3: "HOM", isoNumeric: "901", name: "Home" }),
    country({ iso3: "NEA", isoNumeric: "902", name: "Near", gdp2000: 2000, lat: 40, lon: -80 }),
    country({
      iso3: "FAR",
      isoNumeric: "903",
      name: "Far",
      gdp2000: 2000,
      lat: -35,
      lon: 149,
      pdi: 95,
      idv: 10,
      mas: 20,
      uai: 100,
    }),
  ];
  const h = simulate(
    scenarioOf({
      dynamics: { firms: 4000, events: true, entry: { baseRate: 0.05 } },
      markets: { home: "HOM", countries },
    }),
    0,
  );
  it("firms enter the near market first and sooner", () => {
    const e = h.events!;
    const firstMarket = new Map<number, number>();
    const entryStep: number[][] = [[], []];
    for (let i = 0; i < e.size; i++) {
      if (e.type[i] !== EV_ENTRY) continue;
      if (!firstMarket.has(e.firm[i])) firstMarket.set(e.firm[i], e.market[i]);
      entryStep[e.market[i]].push(e.step[i] - h.firms.foundingStep[e.firm[i]]);
    }
    const near = h.markets.iso3.indexOf("NEA");
    let nearFirst = 0;
    for (const m of firstMarket.values()) if (m === near) nearFirst++;
    expect(firstMarket.size).toBeGreaterThan(200);
    expect(nearFirst / firstMarket.size).toBeGreaterThan(0.75);
    expect(entryStep[near].length).toBeGreaterThan(2 * entryStep[1 - near].length);
  });
});

describe("administrative heritage: longer domestic age -> lower hazard", () => {
  it("late first entries become rarer as heritage rises", () => {
    const late = (heritage: number) => {
      const h = simulate(scenarioOf({ dynamics: { firms: 5000, entry: { heritage } } }), 0);
      let early = 0;
      let lateN = 0;
      for (let f = 0; f < h.firms.n; f++) {
        const y = h.firms.yearsToFirstEntry[f];
        if (y < 0) continue;
        if (y >= 5) lateN++;
        else early++;
      }
      return lateN / (early + lateN);
    };
    expect(late(0.5)).toBeLessThan(0.6 * late(0));
  });
});

describe("distributor: better LFDC -> better distributor performance", () => {
  it("competence rises with LFDC with weight w, luck with sqrt(1 - w^2)", () => {
    expect(distributorCompetence(1, 0, 0.7, 0)).toBeCloseTo(0.7, 12);
    expect(distributorCompetence(0, 1, 0.6, 0)).toBeCloseTo(0.8, 12);
    expect(distributorCompetence(0, 0, 0.6, 0.5)).toBeCloseTo(0.5, 12);
    expect(replacementRate(-1, -0.5, 0.8)).toBe(0.8);
    expect(replacementRate(0, -0.5, 0.8)).toBe(0);
  });
  it("firms in the top LFDC quartile perform better in their main market than the bottom", () => {
    const h = simulate(scenarioOf({ dynamics: { firms: 20000 } }), 0);
    const mean = (sel: (x: number) => boolean) => {
      let s = 0;
      let n = 0;
      for (let f = 0; f < h.firms.n; f++)
        if (h.survey.alive[f] && h.survey.mainMarket[f] >= 0 && sel(h.latent.LFDC[f])) {
          s += h.survey.perf3y[f] - h.latent.PERF[f] + 0.18 * h.latent.LFDC[f];
          n++;
        }
      return s / n;
    };
    // perf3y - (PERF without its LFDC term) isolates the distributor's contribution (+ shocks).
    expect(mean((x) => x > 0.674)).toBeGreaterThan(mean((x) => x < -0.674) + 0.1);
  });
});

describe("performance, sales, learning, exit", () => {
  it("performance follows the H5 structure plus shocks", () => {
    expect(marketPerformance(0.2, 0.18, 1, 0.3, 0.5, 0.1, -0.1)).toBeCloseTo(0.2 + 0.18 + 0.15, 12);
  });
  it("sales ramp up and the foreign share stays in [0, 1]", () => {
    expect(ramp(0, 0.25, 1.5)).toBeLessThan(ramp(2, 0.25, 1.5));
    expect(ramp(100, 0.25, 1.5)).toBeCloseTo(1, 10);
    expect(foreignShare(0, 0)).toBe(0);
    expect(foreignShare(1, 3)).toBe(0.25);
  });
  it("knowledge grows with diminishing returns and stays below 1", () => {
    const k1 = knowledge(1, 1, 0.08, 0.1, 0);
    const k2 = knowledge(2, 2, 0.08, 0.1, 0);
    const k3 = knowledge(3, 3, 0.08, 0.1, 0);
    expect(k2 - k1).toBeGreaterThan(k3 - k2);
    expect(k3 - k2).toBeGreaterThan(0);
    expect(knowledge(1000, 1000, 1, 1, 0.5)).toBeLessThan(1);
  });
  it("exit hazards fall with performance, relationship age, scope and firm age", () => {
    const p = { baseRate: 0.4, performance: 1, psychicDistance: 0.1, knowledge: 0.5 };
    expect(marketExitRate(p, 1, 1, 0, 1, 1)).toBeLessThan(marketExitRate(p, -1, 1, 0, 1, 1));
    expect(marketExitRate(p, 0, 3, 0, 1, 1)).toBeGreaterThan(marketExitRate(p, 0, 0, 0, 1, 1));
    expect(newRelationship(5, 2, 1)).toBeLessThan(newRelationship(0, 2, 1));
    expect(diversification(2, 1)).toBe(0.5);
    const fp = { baseRate: 0.05, performance: 0.4, earlyInternational: 0.5 };
    expect(firmExitRate(fp, 0, newRelationship(10, 2, 3), false)).toBeLessThan(
      firmExitRate(fp, 0, newRelationship(0, 2, 3), false),
    );
    expect(firmExitRate(fp, 0, 1, true)).toBeCloseTo(0.05 * Math.exp(0.5), 12);
  });
});
