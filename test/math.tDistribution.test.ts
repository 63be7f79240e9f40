import { describe, expect, it } from "vitest";
import { incompleteBeta, tCritical, tTwoSidedP } from "../src/math/tDistribution.ts";

describe("Student's t distribution (one copy)", () => {
  it("two-sided p-values match R's pt, also for non-integer df", () => {
    expect(tTwoSidedP(2, 10)).toBeCloseTo(0.0733880347707404, 12); // 2 * pt(-2, 10)
    expect(tTwoSidedP(-3.5, 3.3)).toBeCloseTo(0.0339487973891309, 12); // 2 * pt(-3.5, 3.3)
    expect(tTwoSidedP(0, 50)).toBe(1);
    expect(tTwoSidedP(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
  });

  it("critical values match R's qt(0.975, df) and qt(0.995, df)", () => {
    // R 4.x: qt(0.975, c(1, 2, 5, 10, 29, 199))
    const r = [
      12.706204736174707, 4.302652729749464, 2.570581835636314, 2.228138851986274,
      2.045229642132703, 1.971956544249,
    ];
    [1, 2, 5, 10, 29, 199].forEach((df, i) => expect(tCritical(df)).toBeCloseTo(r[i], 8));
    expect(tCritical(9, 0.99)).toBeCloseTo(3.24983554159213, 8); // qt(0.995, 9)
    expect(tCritical(5000)).toBeCloseTo(1.96043855170651, 3); // qt(0.975, 5000); normal above 2000 df
  });

  it("quantile and p-value are inverse to each other", () => {
    for (const df of [1, 3, 8, 30, 400])
      expect(tTwoSidedP(tCritical(df), df)).toBeCloseTo(0.05, 10);
  });

  it("refuses a df that is not a positive integer", () => {
    expect(() => tCritical(0)).toThrow(/positive integer/);
    expect(() => tCritical(2.5)).toThrow(/positive integer/);
  });
});
