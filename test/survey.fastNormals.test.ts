import { describe, expect, it } from "vitest";
import { normalCdf } from "../src/math/distributions.ts";
import { derive } from "../src/random/stream.ts";
import {
  fillNormalsFast,
  fillNormalsPair,
  fillUniformsPair,
  zigguratNormal,
} from "../src/survey/fastNormals.ts";

describe("ziggurat normals (survey hot loops)", () => {
  it("have the moments and the distribution of a standard normal (1,000,000 draws)", () => {
    const N = 1_000_000;
    const z = new Float64Array(N);
    fillNormalsFast(derive("zig-test"), z);
    let m = 0;
    for (const x of z) m += x;
    m /= N;
    let v = 0;
    let k4 = 0;
    let s3 = 0;
    for (const x of z) {
      v += (x - m) ** 2;
      s3 += (x - m) ** 3;
      k4 += (x - m) ** 4;
    }
    v /= N;
    expect(Math.abs(m)).toBeLessThan(0.005); // SE 0.001
    expect(Math.abs(v - 1)).toBeLessThan(0.007); // SE 0.0014
    expect(Math.abs(s3 / N / v ** 1.5)).toBeLessThan(0.015); // skewness, SE 0.0024
    expect(Math.abs(k4 / N / v ** 2 - 3)).toBeLessThan(0.03); // kurtosis, SE 0.005
    // Kolmogorov-Smirnov distance against Phi (critical value at 1e-6 draws, alpha 0.001: 0.00195)
    const sorted = Float64Array.from(z).sort();
    let d = 0;
    for (let i = 0; i < N; i += 7) {
      const f = normalCdf(sorted[i]);
      d = Math.max(d, Math.abs(f - i / N), Math.abs(f - (i + 1) / N));
    }
    expect(d).toBeLessThan(0.00195);
    // the tails are there (P(|z| > 3.44) = 5.8e-4: the ziggurat's tail layer)
    const tail = z.filter((x) => Math.abs(x) > 3.442619855899).length / N;
    expect(tail).toBeGreaterThan(0.0004);
    expect(tail).toBeLessThan(0.00075);
  });

  it("are deterministic in the stream, and the single-draw form matches the distribution", () => {
    const a = new Float64Array(100);
    const b = new Float64Array(100);
    fillNormalsFast(derive(1, 2, "x"), a);
    fillNormalsFast(derive(1, 2, "x"), b);
    expect(Array.from(a)).toEqual(Array.from(b));
    const s = derive("zig-single");
    let m = 0;
    let v = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = zigguratNormal(s);
      m += x;
      v += x * x;
    }
    expect(Math.abs(m / 200_000)).toBeLessThan(0.01);
    expect(Math.abs(v / 200_000 - 1)).toBeLessThan(0.015);
  });
});

describe("ziggurat on an Alea stream (state in local variables)", () => {
  it("gives the deviates of the generic loop, and leaves the stream at the same place", () => {
    for (const key of ["zig-a", "zig-b", "zig-c"]) {
      const fast = derive(key);
      const ref = derive(key);
      const plain = { key: ref.key, next: () => ref.next() };
      const a = new Float64Array(50_000);
      const b = new Float64Array(50_000);
      fillNormalsFast(fast, a, 10, 40_000);
      fillNormalsFast(plain, b, 10, 40_000);
      expect(a).toEqual(b);
      expect(fast.next()).toBe(plain.next());
    }
  });
});

describe("two Alea streams interleaved (fillNormalsPair)", () => {
  it("gives each stream's deviates of the generic loop, and leaves both at the same place", () => {
    for (const [na, nb] of [
      [30_000, 30_000],
      [30_000, 7],
      [0, 20_000],
      [12_345, 40_000],
    ]) {
      const fa = derive("pair-a", na);
      const fb = derive("pair-b", nb);
      const ra = derive("pair-a", na);
      const rb = derive("pair-b", nb);
      const pa = { key: ra.key, next: () => ra.next() };
      const pb = { key: rb.key, next: () => rb.next() };
      const a = new Float64Array(na + 5);
      const b = new Float64Array(nb + 5);
      const a2 = new Float64Array(na + 5);
      const b2 = new Float64Array(nb + 5);
      fillNormalsPair(fa, a, na, fb, b, nb);
      fillNormalsFast(pa, a2, 0, na);
      fillNormalsFast(pb, b2, 0, nb);
      expect(a).toEqual(a2);
      expect(b).toEqual(b2);
      // the slow path (about 1.5% of draws) was taken on both streams
      if (na === 30_000) expect(a.some((x) => Math.abs(x) > 3.442619855899)).toBe(true);
      expect(fa.next()).toBe(pa.next());
      expect(fb.next()).toBe(pb.next());
    }
  });
});

describe("two Alea streams' uniforms interleaved (fillUniformsPair)", () => {
  it("gives each stream's next() values in turn and leaves both at the same place", () => {
    for (const [na, nb] of [
      [5000, 5000],
      [3000, 11],
      [0, 700],
      [900, 2500],
    ]) {
      const fa = derive("upair-a", na);
      const fb = derive("upair-b", nb);
      const ra = derive("upair-a", na);
      const rb = derive("upair-b", nb);
      const a = new Float64Array(na);
      const b = new Float64Array(nb);
      fillUniformsPair(fa, a, na, fb, b, nb);
      expect(a).toEqual(Float64Array.from({ length: na }, () => ra.next()));
      expect(b).toEqual(Float64Array.from({ length: nb }, () => rb.next()));
      expect(fa.next()).toBe(ra.next());
      expect(fb.next()).toBe(rb.next());
    }
  });
});
