import { describe, expect, it } from "vitest";
import { welch } from "../src/survey/ttest.ts";

describe("t-tests for the non-response checks", () => {
  it("Welch's test matches R's t.test(x, y)", () => {
    const x = [1, 2, 3, 4, 5, 2, 4, 6, 8, 10, 12];
    const r = welch("v", x, [0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10])!;
    expect(r.t).toBeCloseTo(-2.3763541031440183, 12);
    expect(r.df).toBeCloseTo(6.9722557297949352, 10);
    expect(r.p).toBeCloseTo(0.0492843382067305, 10);
    expect(r.meanA).toBe(3);
    expect(r.meanB).toBe(7);
  });

  it("returns null when a group is too small or nothing varies", () => {
    expect(welch("v", [1, 2, 3], [0], [1, 2])).toBeNull();
    expect(welch("v", [1, 1, 1, 1], [0, 1], [2, 3])).toBeNull();
  });
});
