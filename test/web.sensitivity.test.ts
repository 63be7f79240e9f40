import { describe, expect, it } from "vitest";
import { PowerGrid, parseLevels, progressText } from "../web/sensitivity/power.ts";

describe("power heatmap aggregation", () => {
  it("counts supported runs per path and level from flattened results", () => {
    const g = new PowerGrid(["IEO->GTC", "IMO->GTC"], [100, 203]);
    const keys = ["n", "IEO->GTC.est", "IEO->GTC.sig", "IMO->GTC.sig", "fit.cfi"];
    g.add(100, keys, [100, 0.3, 1, 0, 0.99]);
    g.add(100, keys, [100, 0.2, 1, 1, 0.98]);
    g.add(100, keys, [100, 0.1, 0, 0, 0.97]);
    g.add(203, keys, [203, 0.3, 1, 0, 0.99]);
    expect(g.cell(0, 0)).toEqual({
      label: "IEO->GTC",
      level: 100,
      supported: 2,
      runs: 3,
      power: 2 / 3,
      se: Math.sqrt(((2 / 3) * (1 / 3)) / 3), // binomial Monte Carlo SE
    });
    expect(g.cell(1, 0).power).toBeCloseTo(1 / 3, 12);
    expect(g.cell(0, 1).power).toBe(1);
    expect(g.cell(1, 1).power).toBe(0);
    expect(g.cell(1, 1).se).toBe(0);
    expect(g.cells()).toHaveLength(4);
    expect(() => g.add(150, keys, [150, 0, 1, 1, 1])).toThrow(/level 150/);
    const empty = new PowerGrid(["a"], [1]);
    expect(Number.isNaN(empty.cell(0, 0).power)).toBe(true);
  });

  it("parses design levels and explains bad ones", () => {
    expect(parseLevels("300, 50 ,203", 30, 1000, true)).toEqual({
      ok: true,
      levels: [50, 203, 300],
    });
    expect(parseLevels("0.1;0.2", -0.9, 0.9, false)).toEqual({ ok: true, levels: [0.1, 0.2] });
    expect(parseLevels("", 0, 1, false)).toEqual({
      ok: false,
      message: "enter at least one value",
    });
    expect(parseLevels("50, x", 30, 1000, true)).toEqual({
      ok: false,
      message: '"x" is not a number',
    });
    expect(parseLevels("50.5", 30, 1000, true)).toEqual({
      ok: false,
      message: '"50.5" must be a whole number',
    });
    expect(parseLevels("10", 30, 1000, true)).toEqual({
      ok: false,
      message: '"10" must lie from 30 to 1000',
    });
    expect(parseLevels("50,50", 30, 1000, true)).toEqual({
      ok: false,
      message: '"50" is listed twice',
    });
  });

  it("formats progress with runs/s and time left", () => {
    expect(progressText(500, 2000, 250)).toBe("500 / 2,000 runs · 250 runs/s · 6 s left");
    expect(progressText(2000, 2000, 900)).toBe("2,000 / 2,000 runs · 900 runs/s · finished");
    expect(progressText(0, 10, 0)).toBe("0 / 10 runs · 0 runs/s");
  });
});
