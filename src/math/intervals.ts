import { tCritical } from "./tDistribution.ts";

/**
 * Confidence intervals from replications: the mean with its Student-t interval, and the paired
 * difference of two scenarios run on common random numbers (replication r of both uses the same
 * streams), which is the mean-with-interval of the per-replication differences. One copy for the
 * sweep's summary.csv, `bgsim compare` and the web app's What-if table.
 */
export interface MeanCi {
  n: number;
  mean: number;
  sd: number;
  se: number;
  lo: number;
  hi: number;
}

/** Mean with a t-based confidence interval over the finite values (NaN bounds when n < 2). */
export function meanCi(xs: ArrayLike<number>, level = 0.95): MeanCi {
  let n = 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++)
    if (Number.isFinite(xs[i])) {
      n++;
      s += xs[i];
    }
  const mean = n ? s / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) ss += (xs[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  const se = sd / Math.sqrt(n);
  const h = n > 1 ? tCritical(n - 1, level) * se : Number.NaN;
  return { n, mean, sd, se, lo: mean - h, hi: mean + h };
}

export interface PairedDifference {
  /** Replications whose difference is finite (of the shorter list's length). */
  n: number;
  meanA: number;
  meanB: number;
  /** Mean of b[r] - a[r] with its t interval. */
  diff: number;
  lo: number;
  hi: number;
}

/** The paired difference b - a over replications, with a t interval of its mean. */
export function pairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  level = 0.95,
): PairedDifference {
  const R = Math.min(a.length, b.length);
  const xa = Array.from({ length: R }, (_, r) => a[r]);
  const xb = Array.from({ length: R }, (_, r) => b[r]);
  const ci = meanCi(
    xa.map((x, r) => xb[r] - x),
    level,
  );
  return {
    n: ci.n,
    meanA: meanCi(xa).mean,
    meanB: meanCi(xb).mean,
    diff: ci.mean,
    lo: ci.lo,
    hi: ci.hi,
  };
}
