import { describe, expect, it } from "vitest";
import { meanCi, pairedDifference } from "../src/math/intervals.ts";

describe("intervals from replications", () => {
  it("meanCi: the t interval over the finite values", () => {
    const m = meanCi([1, 2, 3, 4, Number.NaN]);
    expect(m).toMatchObject({ n: 4, mean: 2.5 });
    // R 4.2: t.test(c(1, 2, 3, 4))$conf.int = 0.445739743239479 4.554260256760521
    expect(m.lo).toBeCloseTo(0.445739743239479, 10);
    expect(m.hi).toBeCloseTo(4.554260256760521, 10);
    const one = meanCi([7]);
    expect(one.mean).toBe(7);
    expect(Number.isNaN(one.lo)).toBe(true);
  });

  it("pairedDifference equals R's t.test(b, a, paired = TRUE)", () => {
    const a = [10, 12, 9, 14, 11];
    const b = [11, 14, 9.5, 15, 13];
    const d = pairedDifference(a, b);
    // R 4.2: t.test(b, a, paired = TRUE)$conf.int = 0.467066468440662 2.132933531559338
    expect(d.n).toBe(5);
    expect(d.diff).toBeCloseTo(1.3, 12);
    expect(d.lo).toBeCloseTo(0.467066468440662, 10);
    expect(d.hi).toBeCloseTo(2.132933531559338, 10);
    expect(d.meanA).toBeCloseTo(11.2, 12);
    expect(d.meanB).toBeCloseTo(12.5, 12);
  });

  it("pairs only the common replications", () => {
    expect(pairedDifference([1, 2, 3], [2, 4]).n).toBe(2);
  });
});
