import { describe, expect, it } from "vitest";
import { cholesky, fromRows } from "../src/math/linalg.ts";
import { chiSquare, exponential, fillNormals, gamma, normal } from "../src/random/deviates.ts";
import { derive } from "../src/random/stream.ts";
import { sampleCovariance } from "../src/random/wishart.ts";

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0) / a.length;
const corr = (a: number[], b: number[]) => {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
};

describe("seeded streams", () => {
  it("the same key gives the same numbers", () => {
    const a = derive(42, 3, "survey");
    const b = derive(42, 3, "survey");
    for (let i = 0; i < 1000; i++) expect(a.next()).toBe(b.next());
  });
  it("a stream's numbers do not depend on what ran before it", () => {
    const first = derive(7, 1, "population").next();
    const other = derive(7, 0, "population");
    for (let i = 0; i < 5000; i++) other.next();
    expect(derive(7, 1, "population").next()).toBe(first);
  });
  it("different seeds, replications and purposes give uncorrelated streams", () => {
    const n = 20_000;
    const draw = (...k: (string | number)[]) => {
      const s = derive(k[0], ...k.slice(1));
      return Array.from({ length: n }, () => s.next());
    };
    const base = draw(1, 0, "population");
    for (const other of [
      draw(2, 0, "population"),
      draw(1, 1, "population"),
      draw(1, 0, "survey"),
    ]) {
      expect(Math.abs(corr(base, other))).toBeLessThan(4 / Math.sqrt(n));
      expect(base[0]).not.toBe(other[0]);
    }
  });
});

describe("deviates", () => {
  const s = derive(9, 0, "deviates");
  it("normal: mean 0, variance 1, fillNormals likewise", () => {
    const x = Array.from({ length: 100_000 }, () => normal(s));
    expect(Math.abs(mean(x))).toBeLessThan(0.015);
    expect(mean(x.map((v) => v * v))).toBeCloseTo(1, 1);
    const f = new Float64Array(100_001);
    fillNormals(s, f);
    expect(Math.abs(mean(f))).toBeLessThan(0.015);
    expect(mean(f.map((v) => v * v))).toBeCloseTo(1, 1);
  });
  it("exponential, gamma and chi-square have the right means", () => {
    const n = 50_000;
    expect(mean(Array.from({ length: n }, () => exponential(s, 2)))).toBeCloseTo(0.5, 1);
    expect(mean(Array.from({ length: n }, () => gamma(s, 0.5)))).toBeCloseTo(0.5, 1);
    expect(mean(Array.from({ length: n }, () => chiSquare(s, 202)))).toBeGreaterThan(201);
    expect(mean(Array.from({ length: n }, () => chiSquare(s, 202)))).toBeLessThan(203);
  });
  it("the Bartlett (Wishart) draw of S has mean Sigma", () => {
    const Sigma = fromRows([
      [1, 0.36, 0.3],
      [0.36, 1, 0.2],
      [0.3, 0.2, 2],
    ]);
    const L = cholesky(Sigma, 3)!;
    const acc = new Float64Array(9);
    const reps = 20_000;
    for (let r = 0; r < reps; r++) {
      const S = sampleCovariance(s, L, 3, 50);
      for (let k = 0; k < 9; k++) acc[k] += S[k] / reps;
    }
    for (let k = 0; k < 9; k++) expect(acc[k]).toBeCloseTo(Sigma[k], 1);
    expect(Math.abs(acc[1] - 0.36)).toBeLessThan(0.01);
  });
  it("the Alea fast loop draws exactly the generic loop's deviates (and leaves the stream where it does)", () => {
    const L = cholesky(
      fromRows([
        [1, 0.6, 0.3, 0.2],
        [0.6, 1, 0.4, 0.1],
        [0.3, 0.4, 1, 0.5],
        [0.2, 0.1, 0.5, 1],
      ]),
      4,
    );
    if (!L) throw new Error("not positive definite");
    // a Stream that is not an AleaStream takes the generic loop (normal(), chiSquare())
    const generic = (key: string) => {
      const a = derive(key);
      return { key: a.key, next: () => a.next() };
    };
    let compared = 0;
    for (const n of [4, 5, 6, 8, 30, 203])
      for (let seed = 0; seed < 300; seed++) {
        const fast = derive(`w${seed}/${n}`);
        const slow = generic(`w${seed}/${n}`);
        const a = sampleCovariance(fast, L, 4, n);
        const b = sampleCovariance(slow, L, 4, n);
        for (let k = 0; k < 16; k++) expect(Object.is(a[k], b[k])).toBe(true);
        expect(fast.next()).toBe(slow.next());
        compared++;
      }
    expect(compared).toBe(1800);
  });
});
