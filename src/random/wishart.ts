import { log } from "../math/fdlibm.ts";
import { freshFloat64, type Mat } from "../math/linalg.ts";
import { chiSquare, normal } from "./deviates.ts";
import { AleaStream, type Stream } from "./stream.ts";

/**
 * A sample covariance matrix S (divisor n - 1) of n multivariate-normal observations with
 * covariance Sigma, drawn directly: (n - 1) S ~ Wishart(Sigma, n - 1), by the Bartlett
 * decomposition (21 normals and 7 chi-squares for seven constructs instead of 7n normals).
 * `cholSigma` is the lower Cholesky factor of Sigma.
 */
export function sampleCovariance(s: Stream, cholSigma: Mat, p: number, n: number): Mat {
  const df = n - 1;
  if (scratch.length < 2 * p * p) scratch = new Float64Array(2 * p * p);
  const t = scratch.subarray(0, p * p);
  const a = scratch.subarray(p * p, 2 * p * p);
  // every chi-square shape (df - i) / 2 at least 1: the Alea loop below (the same deviates)
  if (s instanceof AleaStream && df - p + 1 >= 2) bartlettAlea(s, t, p, df);
  else
    for (let i = 0; i < p; i++) {
      t[i * p + i] = Math.sqrt(chiSquare(s, df - i));
      for (let j = 0; j < i; j++) t[i * p + j] = normal(s);
    }
  // A = L T (lower triangular), S = A A' / df (every entry of A used is written)
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = j; k <= i; k++) sum += cholSigma[i * p + k] * t[k * p + j];
      a[i * p + j] = sum;
    }
  }
  const out = freshFloat64(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = 0; k <= j; k++) sum += a[i * p + k] * a[j * p + k];
      out[i * p + j] = sum / df;
      out[j * p + i] = sum / df;
    }
  }
  return out;
}

/** T and A of sampleCovariance, reused by every call (the result is a fresh array). */
let scratch = new Float64Array(0);

/**
 * The lower triangle of Bartlett's T drawn as the generic loop of sampleCovariance does
 * (row i: sqrt(chiSquare(df - i)), then i normals), with the Alea state in local variables and
 * deviates.ts's polar normal and Marsaglia-Tsang gamma (shape >= 1) inlined: the same uniforms
 * in the same order and the same arithmetic, so the same deviates (test/wishart.test.ts), in
 * about half the time. Requires df - i >= 2 for every row.
 */
function bartlettAlea(a: AleaStream, t: Float64Array, p: number, df: number): void {
  let s0 = a.s0;
  let s1 = a.s1;
  let s2 = a.s2;
  let c = a.c;
  let u: number;
  let v: number;
  let r: number;
  let step: number;
  for (let i = 0; i < p; i++) {
    // chiSquare(df - i) = 2 gamma((df - i) / 2), Marsaglia & Tsang
    const d = (df - i) / 2 - 1 / 3;
    const cc = 1 / Math.sqrt(9 * d);
    let g: number;
    for (;;) {
      let x: number;
      let w: number;
      do {
        do {
          step = 2091639 * s0 + c * INV32;
          s0 = s1;
          s1 = s2;
          c = step | 0;
          s2 = step - c;
          u = 2 * s2 - 1;
          step = 2091639 * s0 + c * INV32;
          s0 = s1;
          s1 = s2;
          c = step | 0;
          s2 = step - c;
          v = 2 * s2 - 1;
          r = u * u + v * v;
        } while (r >= 1 || r === 0);
        x = u * Math.sqrt((-2 * log(r)) / r);
        w = 1 + cc * x;
      } while (w <= 0);
      w = w * w * w;
      step = 2091639 * s0 + c * INV32;
      s0 = s1;
      s1 = s2;
      c = step | 0;
      s2 = step - c;
      const uu = s2;
      if (uu < 1 - 0.0331 * x * x * x * x) {
        g = d * w;
        break;
      }
      if (log(uu) < 0.5 * x * x + d * (1 - w + log(w))) {
        g = d * w;
        break;
      }
    }
    t[i * p + i] = Math.sqrt(2 * g);
    for (let j = 0; j < i; j++) {
      do {
        step = 2091639 * s0 + c * INV32;
        s0 = s1;
        s1 = s2;
        c = step | 0;
        s2 = step - c;
        u = 2 * s2 - 1;
        step = 2091639 * s0 + c * INV32;
        s0 = s1;
        s1 = s2;
        c = step | 0;
        s2 = step - c;
        v = 2 * s2 - 1;
        r = u * u + v * v;
      } while (r >= 1 || r === 0);
      t[i * p + j] = u * Math.sqrt((-2 * log(r)) / r);
    }
  }
  a.s0 = s0;
  a.s1 = s1;
  a.s2 = s2;
  a.c = c;
}

/** 2^-32 */
const INV32 = 2.3283064365386963e-10;
