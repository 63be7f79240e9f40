import { describe, expect, it } from "vitest";
import { simulate, transferables } from "../src/dynamics/index.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

describe("web-app API: simulate(scenario, replication)", () => {
  const h = simulate(scenarioOf({ dynamics: { firms: 3000, events: true } }), 1);

  it("returns plain data whose typed arrays can be transferred to another thread", () => {
    const buffers = transferables(h);
    expect(buffers.length).toBeGreaterThan(30);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers).toContain(h.aggregates.countryEntries.buffer);
    expect(buffers).toContain(h.firms.bornGlobal.buffer);
    const before = Array.from(h.aggregates.countryEntries);
    const moved = structuredClone(h, { transfer: buffers });
    expect(Array.from(moved.aggregates.countryEntries)).toEqual(before);
    expect(h.aggregates.countryEntries.length).toBe(0); // detached: transferred, not copied
    expect(moved.markets.isoNumeric).toContain("276");
  });

  it("entries per country per step match the event log", () => {
    const g = simulate(scenarioOf({ dynamics: { firms: 3000, events: true } }), 1);
    const T = g.aggregates.steps;
    const de = g.markets.iso3.indexOf("DEU");
    let fromLog = 0;
    let fromAgg = 0;
    for (let i = 0; i < g.events!.size; i++)
      if (g.events!.type[i] === 0 && g.events!.market[i] === de) fromLog++;
    for (let s = 0; s < T; s++) fromAgg += g.aggregates.countryEntries[de * T + s];
    expect(fromAgg).toBe(fromLog);
    expect(fromLog).toBeGreaterThan(0);
  });
});
