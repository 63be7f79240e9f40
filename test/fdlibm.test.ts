import { describe, expect, it } from "vitest";
import { exp, log } from "../src/math/fdlibm.ts";
import { derive } from "../src/random/stream.ts";

/** Inputs: uniform (0, 10), random bit patterns (every exponent, subnormals, NaNs), (-750, 750). */
function inputs(n: number): Float64Array {
  const s = derive(1, "fdlibm-test");
  const out = new Float64Array(n);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) out[i] = s.next() * 10;
    else if (i % 3 === 1) {
      u[2 * i] = (s.next() * 2 ** 32) >>> 0;
      u[2 * i + 1] = (s.next() * 2 ** 32) >>> 0;
    } else out[i] = (s.next() - 0.5) * 1500;
  }
  return out;
}
const SPECIAL = [
  0,
  -0,
  1,
  -1,
  2,
  0.5,
  Math.E,
  10,
  Infinity,
  -Infinity,
  Number.NaN,
  5e-324,
  1e-310,
  709.78,
  709.79,
  -745.1,
  -745.2,
  1e-20,
  -1e-20,
  2 ** -28,
  0.34657359027997264,
];

describe("engine-independent log and exp", () => {
  it("are accurate: log(exp(x)) = x to 2 ulp and known values are exact", () => {
    expect(log(1)).toBe(0);
    expect(log(Math.E)).toBe(1);
    expect(exp(0)).toBe(1);
    expect(exp(1)).toBe(Math.E);
    expect(log(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(log(-1)).toBeNaN();
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(-Infinity)).toBe(0);
    expect(log(2)).toBe(Math.LN2);
    expect(log(10)).toBe(Math.LN10);
    for (let x = -20; x <= 20; x += 0.37)
      expect(Math.abs(log(exp(x)) - x)).toBeLessThanOrEqual(4.5e-16 * Math.max(1, Math.abs(x)));
  });
  // Node 20 ships V8 11.3, whose Math.log and Math.exp are the same fdlibm algorithms: there the
  // ports must agree bit for bit on every input (so switching src/ to them changes no result).
  it.runIf(process.versions.v8.startsWith("11."))(
    "give the same bits as Node 20's Math.log and Math.exp",
    () => {
      const xs = [...inputs(600_000), ...SPECIAL];
      let dl = 0;
      let de = 0;
      for (const x of xs) {
        if (!Object.is(log(x), Math.log(x))) dl++;
        if (!Object.is(exp(x), Math.exp(x))) de++;
      }
      expect([dl, de]).toEqual([0, 0]);
    },
  );
});
