import { describe, expect, it } from "vitest";
import { derive } from "../src/random/stream.ts";
import { welch, welchAll } from "../src/survey/ttest.ts";

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

describe("welchAll (every check variable in one pass)", () => {
  it("gives welch's result for each column, nulls included, to the bit", () => {
    const s = derive("welch-all");
    const N = 500;
    const cols = [
      Float64Array.from({ length: N }, () => 1990 + Math.floor(s.next() * 12)),
      Float64Array.from({ length: N }, () => s.next()),
      Float64Array.from({ length: N }, () => 100 * s.next() ** 3),
      new Float64Array(N).fill(3), // no variance: null
      Float64Array.from({ length: N }, () => (s.next() < 0.7 ? 1 : 0)),
    ];
    const names = ["a", "b", "c", "d", "e"];
    const pick = (k: number) => Int32Array.from({ length: k }, () => Math.floor(s.next() * N));
    for (const [na, nb] of [
      [40, 300],
      [2, 2],
      [1, 50],
      [203, 697],
    ]) {
      const a = pick(na);
      const b = pick(nb);
      const all = welchAll(names, cols, a, b);
      expect(all).toEqual(names.map((v, i) => welch(v, cols[i], a, b)));
      if (na >= 2) expect(all[3]).toBeNull();
      if (na >= 2) expect(all[0]).not.toBeNull();
    }
  });
});
