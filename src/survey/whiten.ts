import { cholesky, zeros } from "../math/linalg.ts";

/**
 * Make the columns of an N x p row-major sample exactly mean 0 with identity sample covariance
 * (z <- (z - mean) L^-T, with L L' the sample covariance): a variance reduction for the fixed
 * calibration draws, so that only the item noise and rounding remain random.
 */
export function whiten(z: Float64Array, N: number, p: number): void {
  const mean = new Float64Array(p);
  for (let i = 0; i < N; i++) for (let c = 0; c < p; c++) mean[c] += z[i * p + c];
  for (let c = 0; c < p; c++) mean[c] /= N;
  const S = zeros(p);
  for (let i = 0; i < N; i++)
    for (let a = 0; a < p; a++) {
      z[i * p + a] -= mean[a];
      const za = z[i * p + a];
      for (let b = 0; b < a; b++) S[a * p + b] += za * z[i * p + b];
      S[a * p + a] += za * za;
    }
  for (let a = 0; a < p; a++)
    for (let b = 0; b <= a; b++) {
      S[a * p + b] /= N;
      S[b * p + a] = S[a * p + b];
    }
  const L = cholesky(S, p);
  if (!L) return;
  // solve L y = z_i for each row (forward substitution)
  for (let i = 0; i < N; i++)
    for (let a = 0; a < p; a++) {
      let v = z[i * p + a];
      for (let b = 0; b < a; b++) v -= L[a * p + b] * z[i * p + b];
      z[i * p + a] = v / L[a * p + a];
    }
}
