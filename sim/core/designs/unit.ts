import type { Stream } from "../../../src/random/stream.ts";
import type { SweepFactor } from "../../../src/scenario/sweep.ts";

/** A factor's value at unit coordinate u in [0, 1], rounded for integer factors. */
export function fromUnit(f: SweepFactor, u: number): number {
  const x = u >= 1 ? f.max : f.min + (f.max - f.min) * u;
  return f.integer ? Math.round(x) : x;
}

/** Where a value lies in the factor's range, as a fraction 0..1. */
export function toUnit(f: SweepFactor, x: number): number {
  return (x - f.min) / (f.max - f.min);
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates, driven by the stream). */
export function permutation(n: number, s: Stream): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(s.next() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
