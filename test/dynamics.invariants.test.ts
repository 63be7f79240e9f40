import { describe, expect, it } from "vitest";
import { EV_ENTRY, EV_EXIT, EV_FIRM_EXIT, EV_FOUNDING } from "../src/dynamics/events.ts";
import { simulate } from "../src/dynamics/simulate.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

const scenario = scenarioOf({ dynamics: { firms: 5000, events: true } });
const h = simulate(scenario, 0);

function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

describe("dynamics invariants", () => {
  it("a firm is never in a market twice at once, and exits only markets it is in", () => {
    const e = h.events!;
    const M = h.markets.iso3.length;
    const inMarket = new Uint8Array(h.firms.n * M);
    const dead = new Uint8Array(h.firms.n);
    let entries = 0;
    for (let i = 0; i < e.size; i++) {
      const f = e.firm[i];
      const k = f * M + e.market[i];
      if (e.type[i] === EV_ENTRY) {
        expect(inMarket[k]).toBe(0);
        expect(dead[f]).toBe(0);
        inMarket[k] = 1;
        entries++;
      } else if (e.type[i] === EV_EXIT) {
        expect(inMarket[k]).toBe(1);
        inMarket[k] = 0;
      } else if (e.type[i] === EV_FIRM_EXIT) {
        dead[f] = 1;
        for (let m = 0; m < M; m++) inMarket[f * M + m] = 0;
      }
    }
    expect(entries).toBeGreaterThan(200);
    // The surviving firms' served counts match the log.
    for (let f = 0; f < h.firms.n; f++) {
      if (!h.survey.alive[f]) continue;
      let n = 0;
      for (let m = 0; m < M; m++) n += inMarket[f * M + m];
      expect(n).toBe(h.survey.served[f]);
    }
  });

  it("every firm is founded once, at its founding step, before anything else happens to it", () => {
    const e = h.events!;
    const founded = new Int32Array(h.firms.n).fill(-1);
    for (let i = 0; i < e.size; i++) {
      const f = e.firm[i];
      if (e.type[i] === EV_FOUNDING) {
        expect(founded[f]).toBe(-1);
        founded[f] = e.step[i];
        expect(e.step[i]).toBe(h.firms.foundingStep[f]);
      } else expect(founded[f]).toBeGreaterThanOrEqual(0);
    }
  });

  it("shares lie in [0, 1]; no NaN anywhere in aggregates or outcomes", () => {
    for (let f = 0; f < h.firms.n; f++) {
      expect(h.survey.share[f]).toBeGreaterThanOrEqual(0);
      expect(h.survey.share[f]).toBeLessThanOrEqual(1);
      expect(h.survey.knowledge[f]).toBeLessThan(1);
    }
    expect(allFinite(h.aggregates.values)).toBe(true);
    expect(allFinite(h.survey.perf3y)).toBe(true);
    expect(allFinite(h.firms.employees)).toBe(true);
    expect(allFinite(h.firms.yearsToFirstEntry)).toBe(true);
    const a = h.aggregates;
    const T = a.steps;
    const K = a.measures.length;
    const share = a.measures.indexOf("foreign_share");
    for (let g = 0; g < a.groups.length; g++)
      for (let s = 0; s < T; s++) {
        const v = a.values[(g * K + share) * T + s];
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
  });

  it("groups add up: born global + gradual + domestic = all; quartiles = all", () => {
    const a = h.aggregates;
    const T = a.steps;
    const K = a.measures.length;
    const at = (g: string, m: string, s: number) =>
      a.values[(a.groups.indexOf(g) * K + a.measures.indexOf(m)) * T + s];
    for (const s of [20, 60, T - 1]) {
      for (const m of ["firms", "exporters", "entries", "exits"]) {
        expect(at("born_global", m, s) + at("gradual", m, s) + at("domestic", m, s)).toBe(
          at("all", m, s),
        );
        expect(
          at("IEO_Q1", m, s) + at("IEO_Q2", m, s) + at("IEO_Q3", m, s) + at("IEO_Q4", m, s),
        ).toBe(at("all", m, s));
      }
    }
    // Per-country entries sum to all entries.
    let byCountry = 0;
    let total = 0;
    for (let i = 0; i < a.countryEntries.length; i++) byCountry += a.countryEntries[i];
    for (let s = 0; s < T; s++) total += at("all", "entries", s);
    expect(byCountry).toBe(total);
  });

  it("born globals are computed from what firms did, never assigned", () => {
    const o = h.firms;
    let bg = 0;
    for (let f = 0; f < o.n; f++) {
      if (!o.bornGlobal[f]) continue;
      bg++;
      expect(o.yearsToFirstEntry[f]).toBeGreaterThanOrEqual(0);
      expect(o.yearsToFirstEntry[f]).toBeLessThan(3);
      expect(h.survey.share[f]).toBeGreaterThanOrEqual(0.25);
    }
    expect(bg).toBeGreaterThan(0);
  });
});

describe("determinism", () => {
  it("the same scenario and replication give identical histories; another replication differs", () => {
    const s = scenarioOf({ dynamics: { firms: 2000 } });
    const a = simulate(s, 3);
    const b = simulate(s, 3);
    const c = simulate(s, 4);
    expect(
      Buffer.from(a.aggregates.values.buffer).equals(Buffer.from(b.aggregates.values.buffer)),
    ).toBe(true);
    expect(Array.from(a.firms.firstEntryStep)).toEqual(Array.from(b.firms.firstEntryStep));
    expect(Array.from(a.survey.share)).toEqual(Array.from(b.survey.share));
    expect(Array.from(a.firms.firstEntryStep)).not.toEqual(Array.from(c.firms.firstEntryStep));
  });
});

describe("born-global definitions", () => {
  it("the threshold and window move prevalence (strict < default < broad), the dynamics unchanged", () => {
    const count = (windowYears: number, minForeignShare: number) => {
      const g = simulate(
        scenarioOf({ dynamics: { firms: 5000, bornGlobal: { windowYears, minForeignShare } } }),
        0,
      );
      return { bg: g.firms.bornGlobal.reduce((a, b) => a + b, 0), entries: g.firms.firstEntryStep };
    };
    const strict = count(2, 0.75); // Hennart, Majocchi & Hagen 2021: an alternative in use
    const def = count(3, 0.25); // Knight & Cavusgil 1996
    const broad = count(6, 0.1);
    expect(strict.bg).toBeLessThan(def.bg);
    expect(def.bg).toBeLessThan(broad.bg);
    expect(Array.from(strict.entries)).toEqual(Array.from(def.entries));
  });
});
