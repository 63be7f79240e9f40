import { exp, log } from "../math/fdlibm.ts";
import type { Stream } from "./stream.ts";

/**
 * Deviates drawn from a Stream. Normal deviates use the Marsaglia polar method without caching
 * the second value across calls to `normal`, so a stream's sequence depends only on how many
 * deviates were asked for, not on which kind was asked for before (callers that need speed
 * use `fillNormals`, which keeps both values of each pair).
 */
export function normal(s: Stream): number {
  let u: number;
  let v: number;
  let r: number;
  do {
    u = 2 * s.next() - 1;
    v = 2 * s.next() - 1;
    r = u * u + v * v;
  } while (r >= 1 || r === 0);
  return u * Math.sqrt((-2 * log(r)) / r);
}

/** Fill `out` with standard normal deviates (both values of each polar pair are used). */
export function fillNormals(s: Stream, out: Float64Array, start = 0, end = out.length): void {
  let i = start;
  while (i < end) {
    let u: number;
    let v: number;
    let r: number;
    do {
      u = 2 * s.next() - 1;
      v = 2 * s.next() - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * log(r)) / r);
    out[i++] = u * f;
    if (i < end) out[i++] = v * f;
  }
}

/** Exponential deviate with the given rate (mean 1/rate). */
export function exponential(s: Stream, rate = 1): number {
  return -log(1 - s.next()) / rate;
}

/** Gamma(shape, 1) deviate, Marsaglia & Tsang (2000); shape < 1 by the boosting identity. */
export function gamma(s: Stream, shape: number): number {
  if (shape < 1) {
    const u = s.next();
    return gamma(s, shape + 1) * exp(log(u) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(s);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = s.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (log(u) < 0.5 * x * x + d * (1 - v + log(v))) return d * v;
  }
}

/** Chi-square deviate with k degrees of freedom. */
export function chiSquare(s: Stream, k: number): number {
  return 2 * gamma(s, k / 2);
}

/** Fisher-Yates shuffle of the first n integers; returns the first k of the permutation. */
export function sampleWithoutReplacement(s: Stream, n: number, k: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(s.next() * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, m);
}
