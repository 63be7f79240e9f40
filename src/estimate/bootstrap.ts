import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { normalCdf, normalQuantile } from "../math/distributions.ts";
import { covariance, type Mat } from "../math/linalg.ts";
import type { ModelStructure } from "../model/spec.ts";
import { derive, type StreamKeyPart } from "../random/stream.ts";
import { definedValues, standardizedTheta } from "./coefficients.ts";
import { fitML, type MLResult } from "./ml.ts";
import { type ParamTable, paramTable } from "./parameters.ts";

/**
 * Nonparametric bootstrap of a path model on raw data (lavaan's se = "bootstrap" and
 * parameterEstimates(boot.ci.type = "perc" | "bca")), and the Bollen-Stine (1992) bootstrap p
 * for chi-square (lavaan's test = "bollen.stine"):
 *
 * - intervals for every free parameter, then every defined parameter (lavaan's `:=`, evaluated
 *   in each resample; `label` is its name);
 * - R resamples of n cases with replacement, drawn from the stream derive(seed, replication,
 *   "bootstrap") (Bollen-Stine: derive(seed, replication, "bollen-stine")); each is refitted by
 *   ML; resamples whose fit fails are dropped and counted, as lavaan does;
 * - percentile interval: the bootstrap quantiles at (1 -/+ level)/2, interpolated on the normal
 *   scale between order statistics as boot's norm.inter (which lavaan uses);
 * - BCa (Efron 1987): the same quantiles at pnorm(z0 + (z0 + z)/(1 - a (z0 + z))), with
 *   z0 = qnorm(share of resamples below the estimate) and the acceleration a from the jackknife
 *   (n leave-one-out fits). lavaan estimates a by regressing the resampled estimates on the
 *   resampling frequencies instead; both estimate the same empirical influence values;
 * - Bollen-Stine: the centred data are transformed to Z = Y S^-1/2 Sigma^1/2 (symmetric square
 *   roots), so that the model fits Z exactly, and p = share of the resamples of Z whose
 *   chi-square exceeds the observed one.
 */
export interface BootstrapOptions {
  R: number;
  seed: StreamKeyPart;
  replication?: StreamKeyPart;
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** Also compute the Bollen-Stine p (another R resamples). */
  bollenStine?: boolean;
  /**
   * Bootstrap the standardized (std.all) values instead: of the parameters, and the defined
   * parameters' expressions evaluated at them (as lavaan's standardizedSolution()). Default false.
   */
  standardized?: boolean;
}

export interface BootstrapInterval {
  label: string;
  est: number;
  /** Standard deviation of the bootstrap estimates. */
  se: number;
  perc: [number, number];
  bca: [number, number];
}

export interface BootstrapResult {
  R: number;
  /** Resamples whose ML fit failed (dropped). */
  failed: number;
  level: number;
  intervals: BootstrapInterval[];
  /** Successful resamples x parameters, row-major. */
  estimates: Float64Array;
  bollenStine: { pvalue: number; R: number; failed: number } | null;
}

/** boot's norm.inter: the alpha quantiles of t, interpolated on the normal scale. */
export function normInter(sorted: Float64Array, alpha: number): number {
  const R = sorted.length;
  const rk = (R + 1) * alpha;
  const k = Math.trunc(rk);
  if (k === rk && k >= 1 && k <= R) return sorted[k - 1];
  if (k <= 0) return sorted[0];
  if (k >= R) return sorted[R - 1];
  const z = normalQuantile(alpha);
  const z1 = normalQuantile(k / (R + 1));
  const z2 = normalQuantile((k + 1) / (R + 1));
  const tk = sorted[k - 1];
  const tk1 = sorted[k];
  return tk + ((z - z1) / (z2 - z1)) * (tk1 - tk);
}

function symmetricPower(m: Mat, p: number, power: number): Mat {
  const rows: number[][] = [];
  for (let i = 0; i < p; i++) rows.push(Array.from(m.subarray(i * p, i * p + p)));
  const e = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const V = e.eigenvectorMatrix;
  const d = e.realEigenvalues;
  const out = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += V.get(a, k) * d[k] ** power * V.get(b, k);
      out[a * p + b] = s;
    }
  }
  return out;
}

function resample(
  cols: readonly ArrayLike<number>[],
  n: number,
  next: () => number,
): Float64Array[] {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = Math.min(n - 1, Math.floor(next() * n));
  return cols.map((c) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = c[idx[i]];
    return out;
  });
}

/** Bootstrap a path model on raw data (`cols` in the structure's variable order). */
export function bootstrapPathModel(
  structure: ModelStructure | ParamTable,
  cols: readonly ArrayLike<number>[],
  options: BootstrapOptions,
): { ok: true; result: BootstrapResult } | { ok: false; error: string } {
  const table = "params" in structure ? structure : paramTable(structure);
  const n = cols[0]?.length ?? 0;
  const p = table.p;
  const nDef = table.defined.length;
  const q = table.params.length + nDef;
  // the statistics of one fit: the free parameters, then the defined parameters
  const stats = (fit: MLResult, into: number[] | Float64Array, at: number) => {
    const theta = options.standardized ? standardizedTheta(fit) : fit.theta;
    const qp = table.params.length;
    for (let k = 0; k < qp; k++) into[at + k] = theta[k];
    if (nDef) {
      const d = definedValues(table, theta);
      for (let k = 0; k < nDef; k++) into[at + qp + k] = d[k];
    }
  };
  const level = options.level ?? 0.95;
  const R = options.R;
  if (!(Number.isInteger(R) && R >= 10))
    return { ok: false, error: "the bootstrap needs at least 10 resamples" };
  const full = fitML(table, covariance(cols, n), n);
  if (!full.ok) return { ok: false, error: full.error.message };
  const theta0 = new Float64Array(q);
  stats(full.result, theta0, 0);
  const rep = options.replication ?? 0;

  const stream = derive(options.seed, rep, "bootstrap");
  const next = () => stream.next();
  const ests: number[] = [];
  let failed = 0;
  for (let b = 0; b < R; b++) {
    const s = resample(cols, n, next);
    const f = fitML(table, covariance(s, n), n);
    if (!f.ok) {
      failed++;
      continue;
    }
    stats(f.result, ests, ests.length);
  }
  const ok = R - failed;
  if (ok < 10) return { ok: false, error: `only ${ok} of ${R} bootstrap fits converged` };
  const estimates = Float64Array.from(ests);

  // jackknife acceleration
  const jack = new Float64Array(n * q);
  const jackOk = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = cols.map((c) => {
      const out = new Float64Array(n - 1);
      for (let r = 0, w = 0; r < n; r++) if (r !== i) out[w++] = c[r];
      return out;
    });
    const f = fitML(table, covariance(s, n - 1), n - 1);
    if (!f.ok) continue;
    jackOk[i] = 1;
    stats(f.result, jack, i * q);
  }

  const lo = (1 - level) / 2;
  const hi = 1 - lo;
  const zlo = normalQuantile(lo);
  const zhi = normalQuantile(hi);
  const labels = [...table.params.map((x) => x.label), ...table.defined.map((d) => d.name)];
  const intervals: BootstrapInterval[] = labels.map((label, k) => {
    const t = new Float64Array(ok);
    for (let b = 0; b < ok; b++) t[b] = estimates[b * q + k];
    t.sort();
    let mean = 0;
    for (const x of t) mean += x;
    mean /= ok;
    let v = 0;
    for (const x of t) v += (x - mean) ** 2;
    const se = Math.sqrt(v / (ok - 1));
    const perc: [number, number] = [normInter(t, lo), normInter(t, hi)];
    let below = 0;
    for (const x of t) if (x < theta0[k]) below++;
    let bca: [number, number] = [Number.NaN, Number.NaN];
    if (v > 0) {
      const z0 = normalQuantile(below / ok);
      let jm = 0;
      let m = 0;
      for (let i = 0; i < n; i++)
        if (jackOk[i]) {
          jm += jack[i * q + k];
          m++;
        }
      jm /= m;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < n; i++) {
        if (!jackOk[i]) continue;
        const d = jm - jack[i * q + k];
        s2 += d * d;
        s3 += d * d * d;
      }
      const a = s2 > 0 ? s3 / (6 * s2 ** 1.5) : 0;
      const adj = (z: number) => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
      bca = [normInter(t, adj(zlo)), normInter(t, adj(zhi))];
    }
    return { label, est: theta0[k], se, perc, bca };
  });

  let bollenStine: BootstrapResult["bollenStine"] = null;
  if (options.bollenStine) {
    const chisq0 = Math.max(0, n * full.result.fmin);
    // Z = Yc S^-1/2 Sigma^1/2, with S the divisor-n covariance the fit used
    const T = new Float64Array(p * p);
    {
      const A = symmetricPower(full.result.S, p, -0.5);
      const B = symmetricPower(full.result.Sigma, p, 0.5);
      for (let a = 0; a < p; a++)
        for (let b = 0; b < p; b++) {
          let s = 0;
          for (let c = 0; c < p; c++) s += A[a * p + c] * B[c * p + b];
          T[a * p + b] = s;
        }
    }
    const means = cols.map((c) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += c[i];
      return s / n;
    });
    const Z = Array.from({ length: p }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      for (let b = 0; b < p; b++) {
        let s = 0;
        for (let a = 0; a < p; a++) s += (cols[a][i] - means[a]) * T[a * p + b];
        Z[b][i] = s;
      }
    }
    const bs = derive(options.seed, rep, "bollen-stine");
    const bnext = () => bs.next();
    let exceed = 0;
    let bFailed = 0;
    for (let b = 0; b < R; b++) {
      const f = fitML(table, covariance(resample(Z, n, bnext), n), n);
      if (!f.ok) {
        bFailed++;
        continue;
      }
      if (n * f.result.fmin > chisq0) exceed++;
    }
    bollenStine = { pvalue: exceed / (R - bFailed), R: R - bFailed, failed: bFailed };
  }
  return {
    ok: true,
    result: { R: ok, failed, level, intervals, estimates, bollenStine },
  };
}
