/**
 * Monte Carlo SD of the difference between two independent bootstraps' bounds at `bound`: a
 * quantile at level a of R resamples has SD sqrt(a (1 - a) / R) / f(q), f the density of the
 * bootstrap distribution at q; two independent bootstraps differ by sqrt(2) times that. a and
 * 1/f (the slope of the quantile function) are read off one bootstrap's sorted resampled
 * estimates `t` at the bound (BCa bounds sit at adjusted levels, often far in a skewed tail).
 */
export function bootstrapBoundSd(t: Float64Array, bound: number): number {
  const R = t.length;
  let below = 0;
  for (const x of t) if (x < bound) below++;
  const a = Math.min(Math.max(below / R, 1 / R), 1 - 1 / R);
  const h = 0.01;
  const lo = Math.max(0, Math.floor((a - h) * R));
  const hi = Math.min(R - 1, Math.ceil((a + h) * R));
  const slope = (t[hi] - t[lo]) / ((hi - lo) / R);
  return Math.sqrt(2) * Math.sqrt((a * (1 - a)) / R) * slope;
}
