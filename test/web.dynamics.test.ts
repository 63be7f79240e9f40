import { describe, expect, it } from "vitest";
import baseline from "../scenarios/baseline.json";
import { validateScenario } from "../src/scenario/validate.ts";
import { cohortFacts } from "../web/cohorts/facts.ts";
import {
  entryIncidence,
  firmPath,
  marketsByAge,
  maxPresence,
  pickFirm,
  presenceAt,
  series,
} from "../web/dynamics/aggregate.ts";
import { simulateForView, type ViewHistory } from "../web/dynamics/summarise.ts";
import { presenceColour } from "../web/map/view.ts";

/** A hand-made run: 2 markets, 8 steps (2 per year), 3 firms. */
function tiny(): ViewHistory {
  const steps = 8;
  const presence = new Int32Array(2 * steps);
  presence.set([0, 1, 1, 2, 2, 1, 1, 1], 0); // market 0
  presence.set([0, 0, 0, 0, 1, 1, 1, 0], steps); // market 1
  const ev = {
    step: [0, 0, 1, 3, 4, 5, 6, 7, 2],
    firm: [0, 1, 0, 1, 0, 0, 1, 0, 2],
    market: [-1, -1, 0, 0, 1, 0, 0, 1, -1],
    type: [4, 4, 0, 0, 0, 2, 1, 3, 4],
    competence: [0, 0, 0.8, -0.3, 1.2, -0.6, 0, 0, 0],
  };
  return {
    steps,
    startYear: 1990,
    stepsPerYear: 2,
    surveyStep: 7,
    labels: Array.from({ length: steps }, (_, s) => `${1990 + (s >> 1)}-H${(s & 1) + 1}`),
    home: {
      iso: "840",
      iso3: "USA",
      name: "United States",
      region: "North America",
      lat: 38.9,
      lon: -77,
    },
    markets: [
      { iso: "124", iso3: "CAN", name: "Canada", region: "North America", lat: 45.4, lon: -75.7 },
      { iso: "276", iso3: "DEU", name: "Germany", region: "Western Europe", lat: 52.5, lon: 13.4 },
    ],
    presence,
    entries: new Int32Array(2 * steps),
    groups: ["all"],
    measures: ["firms"],
    values: Float64Array.from({ length: steps }, (_, s) => s + 1),
    firms: {
      n: 3,
      foundingStep: Int32Array.from([0, 0, 2]),
      exitStep: Int32Array.from([7, -1, -1]),
      firstEntryStep: Int32Array.from([1, 3, -1]),
      bornGlobal: Uint8Array.from([1, 0, 0]),
      inFrame: Uint8Array.from([0, 1, 0]),
      lfdc: Float64Array.from([0.5, -0.2, 0]),
    },
    events: {
      size: ev.step.length,
      step: Int32Array.from(ev.step),
      firm: Int32Array.from(ev.firm),
      market: Int32Array.from(ev.market),
      type: Uint8Array.from(ev.type),
      competence: Float64Array.from(ev.competence),
    },
    outcomes: {},
    stats: {},
    transfer: [],
  };
}

describe("dynamics view model", () => {
  it("reads presence per market at a step and its maximum", () => {
    const h = tiny();
    expect([...presenceAt(h, 3)]).toEqual([2, 0]);
    expect([...presenceAt(h, 4)]).toEqual([2, 1]);
    expect(maxPresence(h)).toBe(2);
    expect(series(h, "all", "firms")).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => series(h, "all", "nope")).toThrow(/unknown series/);
  });

  it("map colour scale: grey for zero, darker for more firms (fixed domain)", () => {
    const c = presenceColour(100);
    expect(c(0)).toBe("#f2f2f2");
    const lum = (hex: string) => {
      const m = hex.match(/\d+/g)!.map(Number);
      return 0.3 * m[0] + 0.59 * m[1] + 0.11 * m[2];
    };
    expect(lum(c(100))).toBeLessThan(lum(c(10)));
    expect(lum(c(10))).toBeLessThan(lum(c(1)));
  });

  it("follows one firm's entries, exits and distributor changes in order", () => {
    const h = tiny();
    expect(firmPath(h, 0, 4)).toEqual([
      { market: 0, step: 1, exit: -1, replacements: 0, distributors: [0.8] },
      { market: 1, step: 4, exit: -1, replacements: 0, distributors: [1.2] },
    ]);
    // step 5: distributor replaced in market 0; step 7: the firm closes
    expect(firmPath(h, 0, 7)).toEqual([
      { market: 0, step: 1, exit: 7, replacements: 1, distributors: [0.8, -0.6] },
      { market: 1, step: 4, exit: 7, replacements: 0, distributors: [1.2] },
    ]);
    expect(firmPath(h, 1, 7)).toEqual([
      { market: 0, step: 3, exit: 6, replacements: 0, distributors: [-0.3] },
    ]);
    expect(firmPath(h, 2, 7)).toEqual([]);
    expect(pickFirm(h, "bornGlobal")).toBe(0);
    expect(pickFirm(h, "bornGlobal", 1)).toBeNull();
  });

  it("cumulative incidence of first entry treats closure as competing and late foundings as censored", () => {
    const h = tiny();
    const c = entryIncidence(h);
    // firm 0 enters at age 1 step, firm 1 at age 3 steps, firm 2 censored (age 5 at the end)
    expect(c.years[0]).toBe(0.5);
    expect(c.incidence[0]).toBeCloseTo(0, 12);
    expect(c.incidence[1]).toBeCloseTo(1 / 3, 12);
    expect(c.incidence[3]).toBeCloseTo(2 / 3, 12);
    expect(c.incidence[5]).toBeCloseTo(2 / 3, 12);
    // after the last observed age (firm 2 censored at age 5 steps) the curve stops
    expect(c.incidence.length).toBe(6);
    expect(c.atRisk.slice(0, 5)).toEqual([3, 3, 2, 2, 1]);
    expect(c.median).toBe(2);
  });

  it("markets served by firm age from the event log", () => {
    const h = tiny();
    const a = marketsByAge(h, (f) => f === 0);
    // firm 0: end of age-year 1 (step 1): 1 market; year 2 (step 3): 1; year 3 (step 5): 2; closes at 7
    expect(a.years).toEqual([1, 2, 3]);
    expect(a.mean).toEqual([1, 1, 2]);
    const b = marketsByAge(h, () => true);
    expect(b.firms[0]).toBe(3);
    expect(b.mean[0]).toBeCloseTo(1 / 3, 12);
  });

  it("summarises a real run of the baseline's dynamics consistently", () => {
    const v = validateScenario({
      ...baseline,
      dynamics: { firms: 800, endYear: 1995, surveyYear: 1995 },
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const h = simulateForView(v.scenario, 0, true);
    expect(h.steps).toBe(16 * 4);
    expect(h.labels[0]).toBe("1980-Q1");
    expect(h.home.iso).toBe("840");
    expect(h.markets.length).toBeGreaterThan(10);
    expect(h.markets.every((m) => /^\d{3}$/.test(m.iso))).toBe(true);
    // presence at the last step equals entries minus exits replayed from the event log
    // (a market left during a step still counts as served in that step)
    const ev = h.events!;
    const last = h.steps - 1;
    const served = new Map<number, Set<number>>();
    for (let i = 0; i < ev.size; i++) {
      const f = ev.firm[i];
      if (!served.has(f)) served.set(f, new Set());
      if (ev.type[i] === 0) served.get(f)!.add(ev.market[i]);
      if (ev.type[i] === 1 && ev.step[i] < last) served.get(f)!.delete(ev.market[i]);
      if (ev.type[i] === 3) served.get(f)!.clear();
    }
    const replay = new Int32Array(h.markets.length);
    for (const s of served.values()) for (const m of s) replay[m]++;
    expect([...presenceAt(h, h.steps - 1)]).toEqual([...replay]);
    const facts = cohortFacts(h);
    expect(facts[0].simulated).toMatch(/^[\d,]+$/);
  });
});
