import { type Mat, zeros } from "../../math/linalg.ts";
import { block, type MissingPattern, missingLogLik, patternInverses } from "./patterns.ts";

/**
 * The unrestricted (saturated) normal model fitted to incomplete data by the EM algorithm
 * (Dempster, Laird & Rubin 1977), as lavaan's missing = "ml" does for its h1 model: the ML
 * mean vector and covariance matrix (divisor N) and the log-likelihood there. Each E step uses
 * the patterns' sufficient statistics (rows of one pattern share the regression of their
 * missing variables on the observed ones); iterations stop when no element of mu or Sigma
 * moves by more than `tolerance`.
 */
export interface SaturatedFit {
  mu: Float64Array;
  Sigma: Mat;
  logLik: number;
  iterations: number;
  converged: boolean;
}

export function emSaturated(
  patterns: readonly MissingPattern[],
  p: number,
  options: { tolerance?: number; maxIterations?: number } = {},
): SaturatedFit {
  const tol = options.tolerance ?? 1e-12;
  const maxIt = options.maxIterations ?? 10_000;
  const N = patterns.reduce((s, g) => s + g.n, 0);
  // start: available-case means and variances, no covariances
  let mu = new Float64Array(p);
  let Sigma = zeros(p);
  {
    const sum = new Float64Array(p);
    const sq = new Float64Array(p);
    const cnt = new Float64Array(p);
    for (const g of patterns) {
      g.obs.forEach((v, a) => {
        const k = g.obs.length;
        sum[v] += g.n * g.mean[a];
        sq[v] += g.n * (g.S[a * k + a] + g.mean[a] * g.mean[a]);
        cnt[v] += g.n;
      });
    }
    for (let v = 0; v < p; v++) {
      mu[v] = sum[v] / cnt[v];
      Sigma[v * p + v] = sq[v] / cnt[v] - mu[v] * mu[v];
    }
  }
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIt; iterations++) {
    const T1 = new Float64Array(p);
    const T2 = zeros(p);
    for (const g of patterns) {
      const o = g.obs;
      const k = o.length;
      const m: number[] = [];
      for (let v = 0; v < p; v++) if (!o.includes(v)) m.push(v);
      const r = m.length;
      // raw second moments of the observed part: S_g + ybar ybar'
      const M2 = new Float64Array(k * k);
      for (let a = 0; a < k; a++)
        for (let b = 0; b < k; b++) M2[a * k + b] = g.S[a * k + b] + g.mean[a] * g.mean[b];
      for (let a = 0; a < k; a++) {
        T1[o[a]] += g.n * g.mean[a];
        for (let b = 0; b < k; b++) T2[o[a] * p + o[b]] += g.n * M2[a * k + b];
      }
      if (!r) continue;
      const W = patternInverses([g], Sigma, p)![0].W;
      // beta = Sigma_mo W (r x k); c = mu_m - beta mu_o; C = Sigma_mm - beta Sigma_om
      const beta = new Float64Array(r * k);
      for (let a = 0; a < r; a++)
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let c = 0; c < k; c++) s += Sigma[m[a] * p + o[c]] * W[c * k + b];
          beta[a * k + b] = s;
        }
      const c = new Float64Array(r);
      for (let a = 0; a < r; a++) {
        let s = mu[m[a]];
        for (let b = 0; b < k; b++) s -= beta[a * k + b] * mu[o[b]];
        c[a] = s;
      }
      const Smm = block(Sigma, p, m);
      // E[y_m] summed: n (c + beta ybar)
      const ey = new Float64Array(r);
      for (let a = 0; a < r; a++) {
        let s = c[a];
        for (let b = 0; b < k; b++) s += beta[a * k + b] * g.mean[b];
        ey[a] = s;
        T1[m[a]] += g.n * s;
      }
      // sum E[y_m y_o'] = n (c ybar' + beta M2)
      const bM2 = new Float64Array(r * k);
      for (let a = 0; a < r; a++)
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let e = 0; e < k; e++) s += beta[a * k + e] * M2[e * k + b];
          bM2[a * k + b] = s;
          const v = g.n * (c[a] * g.mean[b] + s);
          T2[m[a] * p + o[b]] += v;
          T2[o[b] * p + m[a]] += v;
        }
      // sum E[y_m y_m'] = n (c c' + c (beta ybar)' + (beta ybar) c' + beta M2 beta' + C)
      for (let a = 0; a < r; a++)
        for (let b = 0; b < r; b++) {
          let bmb = 0;
          for (let e = 0; e < k; e++) bmb += bM2[a * k + e] * beta[b * k + e];
          let cond = Smm[a * r + b];
          for (let e = 0; e < k; e++) cond -= beta[a * k + e] * Sigma[o[e] * p + m[b]];
          const byA = ey[a] - c[a];
          const byB = ey[b] - c[b];
          T2[m[a] * p + m[b]] += g.n * (c[a] * c[b] + c[a] * byB + byA * c[b] + bmb + cond);
        }
    }
    const nextMu = new Float64Array(p);
    const next = zeros(p);
    for (let a = 0; a < p; a++) nextMu[a] = T1[a] / N;
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) next[a * p + b] = T2[a * p + b] / N - nextMu[a] * nextMu[b];
    let change = 0;
    for (let a = 0; a < p; a++) change = Math.max(change, Math.abs(nextMu[a] - mu[a]));
    for (let a = 0; a < p * p; a++) change = Math.max(change, Math.abs(next[a] - Sigma[a]));
    mu = nextMu;
    Sigma = next;
    if (change < tol) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { mu, Sigma, logLik: missingLogLik(patterns, mu, Sigma, p), iterations, converged };
}
