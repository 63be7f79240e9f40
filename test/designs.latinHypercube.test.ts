import { describe, expect, it } from "vitest";
import { latinHypercube } from "../sim/core/designs/latinHypercube.ts";
import { derive } from "../src/random/stream.ts";

describe("latinHypercube", () => {
  it("puts exactly one point in every stratum of every dimension", () => {
    const n = 37;
    const k = 5;
    const x = latinHypercube(n, k, derive(9, "test", "lhs"));
    expect(x).toHaveLength(n);
    for (let j = 0; j < k; j++) {
      const strata = x.map((row) => Math.floor(row[j] * n)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
      for (const row of x) {
        expect(row[j]).toBeGreaterThanOrEqual(0);
        expect(row[j]).toBeLessThan(1);
      }
    }
  });
  it("is deterministic given the stream, and differs between seeds", () => {
    const a = latinHypercube(10, 3, derive(1, "d"));
    expect(latinHypercube(10, 3, derive(1, "d"))).toEqual(a);
    expect(latinHypercube(10, 3, derive(2, "d"))).not.toEqual(a);
  });
  it("centered designs sit at stratum centres", () => {
    const x = latinHypercube(4, 2, derive(3, "c"), true);
    for (const row of x) for (const u of row) expect([0.125, 0.375, 0.625, 0.875]).toContain(u);
  });
});
