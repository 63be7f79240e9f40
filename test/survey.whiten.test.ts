import { describe, expect, it } from "vitest";
import { fillNormals } from "../src/random/deviates.ts";
import { derive } from "../src/random/stream.ts";
import { whiten } from "../src/survey/whiten.ts";

describe("whiten (variance reduction of the calibration draws)", () => {
  it("gives columns with mean 0 and identity sample covariance exactly", () => {
    const N = 5000;
    const p = 4;
    const z = new Float64Array(N * p);
    fillNormals(derive("whiten-test"), z);
    for (let i = 0; i < N; i++) z[i * p + 1] += 0.5 * z[i * p] + 3; // correlated, shifted
    whiten(z, N, p);
    for (let a = 0; a < p; a++) {
      let m = 0;
      for (let i = 0; i < N; i++) m += z[i * p + a];
      expect(Math.abs(m / N)).toBeLessThan(1e-12);
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let i = 0; i < N; i++) s += z[i * p + a] * z[i * p + b];
        expect(s / N).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
  });
});
