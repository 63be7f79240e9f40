import { freshFloat64, type Mat } from "../math/linalg.ts";
import { chiSquare, normal } from "./deviates.ts";
import type { Stream } from "./stream.ts";

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
  t.fill(0);
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
