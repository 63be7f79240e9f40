import { normalCdf } from "../../math/distributions.ts";
import { exp } from "../../math/fdlibm.ts";
import { bivariateNormalCdfGrid, bivariateNormalDensity } from "./bivariateNormal.ts";
import { type OrdinalItem, thresholdAt } from "./categories.ts";

/**
 * The polychoric correlation of two ordinal items by two-step ML (Olsson 1979, as lavaan's
 * lav_bvord_cor_twostep_fit): the thresholds fixed at their univariate values, rho maximises
 *   l(rho) = sum_ab n_ab log pi_ab(rho),
 * pi_ab the bivariate-normal probability of the rectangle (tau_a-1, tau_a] x (tau_b-1, tau_b]
 * (floored at sqrt(machine epsilon), as lavaan), over lavaan's bounds [-0.999, 0.999]; by Newton
 * steps on the analytic gradient and Hessian inside a shrinking bracket, from the ad hoc
 * estimate r / (c_a c_b) (startRho), until a Newton step is below 1e-7 (the next would be below
 * about 1e-14: the result agrees with iterating to |step| < 1e-13 within 2e-13).
 *
 * Empty cells as lavaan (zero.add = c(0.5, 0), zero.keep.margins = TRUE): tables larger than
 * 2 x 2 are used as they are (an empty cell adds nothing to l); a 2 x 2 table with two empty
 * cells has rho = ±1, with one empty cell 0.5 is moved into it keeping the margins; a 2 x 2 table
 * with n11 n22 = n12 n21 has rho = 0, and with both thresholds 0 rho = -cos(2 pi n11 / n).
 */
export const PI_FLOOR = Math.sqrt(2.220446049250313e-16);
export const RHO_BOUND = 0.999;

export interface PairTable {
  a: OrdinalItem;
  b: OrdinalItem;
  /** K_a x K_b counts, row-major. */
  freq: Float64Array;
  emptyCells: boolean;
}

export function pairTable(a: OrdinalItem, b: OrdinalItem): PairTable {
  const ka = a.levels.length;
  const kb = b.levels.length;
  const freq = new Float64Array(ka * kb);
  for (let i = 0; i < a.y.length; i++) freq[(a.y[i] - 1) * kb + b.y[i] - 1]++;
  return { a, b, freq, emptyCells: freq.some((f) => f === 0) };
}

/** -inf, the item's thresholds, +inf. */
function extended(item: OrdinalItem): Float64Array {
  const k = item.thresholds.length;
  const out = new Float64Array(k + 2);
  for (let t = -1; t <= k; t++) out[t + 1] = thresholdAt(item, t);
  return out;
}

/** Work arrays of cellProbabilities for one pair, reused across its Newton steps. */
export interface CellScratch {
  xs: Float64Array;
  ys: Float64Array;
  cdf: Float64Array;
  den: Float64Array;
  dden: Float64Array;
  pi: Float64Array;
  d1: Float64Array;
  d2: Float64Array;
}

export function cellScratch(a: OrdinalItem, b: OrdinalItem): CellScratch {
  const g = (a.levels.length + 1) * (b.levels.length + 1);
  const c = a.levels.length * b.levels.length;
  return {
    xs: extended(a),
    ys: extended(b),
    cdf: new Float64Array(g),
    den: new Float64Array(g),
    dden: new Float64Array(g),
    pi: new Float64Array(c),
    d1: new Float64Array(c),
    d2: new Float64Array(c),
  };
}

/**
 * pi_ab(rho), its first and second derivatives in rho, row-major K_a x K_b. With `scratch`
 * (cellScratch(a, b)) the results live in its arrays, overwritten by the next call.
 */
export function cellProbabilities(
  a: OrdinalItem,
  b: OrdinalItem,
  rho: number,
  derivatives = false,
  scratch?: CellScratch,
): { pi: Float64Array; d1: Float64Array; d2: Float64Array } {
  const ka = a.levels.length;
  const kb = b.levels.length;
  const w = scratch ?? cellScratch(a, b);
  // cumulative grid at the extended thresholds -inf, tau_1..tau_K-1, +inf
  const { xs, ys, cdf } = w;
  const den = derivatives ? w.den : cdf;
  const dden = derivatives ? w.dden : cdf;
  if (rho === 0) {
    for (let i = 0; i <= ka; i++)
      for (let j = 0; j <= kb; j++) cdf[i * (kb + 1) + j] = normalCdf(xs[i]) * normalCdf(ys[j]);
  } else bivariateNormalCdfGrid(xs, ys, rho, cdf);
  if (derivatives) {
    const s = 1 - rho * rho;
    for (let i = 0; i <= ka; i++) {
      const x = xs[i];
      for (let j = 0; j <= kb; j++) {
        const y = ys[j];
        const k = i * (kb + 1) + j;
        const f = bivariateNormalDensity(x, y, rho);
        den[k] = f;
        // bivariateNormalDensityDrho without evaluating the density again (same arithmetic)
        if (!Number.isFinite(x) || !Number.isFinite(y)) dden[k] = 0;
        else {
          const q = x * x - 2 * rho * x * y + y * y;
          dden[k] = f * (rho / s + (x * y * s - rho * q) / (s * s));
        }
      }
    }
  }
  const rect = (g: Float64Array, i: number, j: number) =>
    g[(i + 1) * (kb + 1) + j + 1] -
    g[i * (kb + 1) + j + 1] -
    g[(i + 1) * (kb + 1) + j] +
    g[i * (kb + 1) + j];
  const { pi } = w;
  const d1 = derivatives ? w.d1 : new Float64Array(0);
  const d2 = derivatives ? w.d2 : new Float64Array(0);
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      pi[i * kb + j] = Math.max(PI_FLOOR, rect(cdf, i, j));
      if (derivatives) {
        d1[i * kb + j] = rect(den, i, j);
        d2[i * kb + j] = rect(dden, i, j);
      }
    }
  return { pi, d1, d2 };
}

/** The 2 x 2 special cases; undefined when the general maximisation applies. */
function twoByTwo(t: PairTable, freq: Float64Array): number | undefined {
  if (t.a.levels.length !== 2 || t.b.levels.length !== 2) return undefined;
  const zeros = [0, 1, 2, 3].filter((k) => freq[k] === 0);
  if (zeros.length === 2) return freq[0] > 0 ? 1 : -1;
  if (zeros.length === 1) {
    const d = zeros[0] === 0 || zeros[0] === 3 ? 0.5 : -0.5;
    freq[0] += d;
    freq[3] += d;
    freq[1] -= d;
    freq[2] -= d;
  }
  if (freq[0] * freq[3] === freq[1] * freq[2]) return 0;
  if (t.a.thresholds[0] === 0 && t.b.thresholds[0] === 0)
    return -Math.cos((2 * Math.PI * freq[0]) / (freq[0] + freq[1] + freq[2] + freq[3]));
  return undefined;
}

/** Gradient and Hessian of l(rho) / n. */
function derivatives(
  t: PairTable,
  freq: Float64Array,
  rho: number,
  scratch: CellScratch,
): { g: number; h: number } {
  const { pi, d1, d2 } = cellProbabilities(t.a, t.b, rho, true, scratch);
  let g = 0;
  let h = 0;
  for (let k = 0; k < freq.length; k++) {
    if (freq[k] === 0) continue;
    const r = d1[k] / pi[k];
    g += freq[k] * r;
    h += freq[k] * (d2[k] / pi[k] - r * r);
  }
  return { g, h };
}

export function polychoricPair(t: PairTable): number {
  const freq = Float64Array.from(t.freq);
  const special = twoByTwo(t, freq);
  if (special !== undefined) return special;
  let lo = -RHO_BOUND;
  let hi = RHO_BOUND;
  let rho = Math.max(lo, Math.min(hi, startRho(t.a, t.b)));
  const scratch = cellScratch(t.a, t.b);
  for (let it = 0; it < 200; it++) {
    const { g, h } = derivatives(t, freq, rho, scratch);
    if (g > 0) lo = rho;
    else if (g < 0) hi = rho;
    else return rho;
    let next = h < 0 ? rho - g / h : Number.NaN;
    const newton = next > lo && next < hi;
    if (!newton) next = (lo + hi) / 2;
    // a Newton step below NEWTON_FINAL leaves an error of the order of its square
    if (Math.abs(next - rho) < (newton ? NEWTON_FINAL : 1e-13) || hi - lo < 1e-13) return next;
    rho = next;
  }
  return rho;
}

/** Newton's last step: the one after it would be of the order of its square (quadratic convergence). */
const NEWTON_FINAL = 1e-7;

/**
 * The start of rho: the Pearson correlation of the category codes over the product of each item's
 * correlation of its codes with its latent response, cor(x, y*) = sum_k phi(tau_k) / sd(x) for
 * unit-spaced codes (Olsson, Drasgow & Dorans 1982), bounded to (-0.99, 0.99); Pearson's r when
 * that is not finite.
 */
function startRho(a: OrdinalItem, b: OrdinalItem): number {
  const n = a.y.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a.y[i];
    mb += b.y[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a.y[i] - ma) * (b.y[i] - mb);
    saa += (a.y[i] - ma) ** 2;
    sbb += (b.y[i] - mb) ** 2;
  }
  const r = sab / Math.sqrt(saa * sbb);
  if (!(Number.isFinite(r) && Math.abs(r) < 1)) return 0;
  const phiSum = (x: OrdinalItem) => {
    let s = 0;
    for (const tau of x.thresholds) s += exp(-(tau * tau) / 2);
    return s / Math.sqrt(2 * Math.PI);
  };
  const c = (phiSum(a) / Math.sqrt(saa / n)) * (phiSum(b) / Math.sqrt(sbb / n));
  const rho = r / c;
  return Number.isFinite(rho) && c > 0 ? Math.max(-0.99, Math.min(0.99, rho)) : r;
}

/**
 * Casewise quantities of one pair at rho, per cell (row-major K_a x K_b): the score of rho,
 * d log pi_ab / d rho, and the scores of the upper and lower thresholds of each item's category
 * (lavaan's lav_bvord_cor_scores): for item a in category i, d log pi_ij / d tau_a,i is
 *   phi(tau_a,i) [Phi((tau_b,j - rho tau_a,i)/R) - Phi((tau_b,j-1 - rho tau_a,i)/R)] / pi_ij,
 * R = sqrt(1 - rho^2), and minus the same at tau_a,i-1 for the lower threshold. Cells with
 * pi <= sqrt(eps) get 0 (lavaan: NA, dropped from its sums).
 */
export interface PairScores {
  rho: Float64Array;
  aUpper: Float64Array;
  aLower: Float64Array;
  bUpper: Float64Array;
  bLower: Float64Array;
}

export function pairScores(a: OrdinalItem, b: OrdinalItem, rho: number): PairScores {
  const ka = a.levels.length;
  const kb = b.levels.length;
  const scratch = cellScratch(a, b);
  const { pi, d1 } = cellProbabilities(a, b, rho, true, scratch);
  const { xs, ys } = scratch;
  const R = Math.sqrt(1 - rho * rho);
  const phi = (x: number) =>
    Number.isFinite(x) ? Math.exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI) : 0;
  // the bands phi(x) [Phi((y_hi - rho x)/R) - Phi((y_lo - rho x)/R)] take x and y from the
  // extended thresholds only: their Phi's once per grid point (the same arithmetic per value)
  const conditional = (us: Float64Array, vs: Float64Array) => {
    const nv = vs.length;
    const G = new Float64Array(us.length * nv);
    const f = new Float64Array(us.length);
    for (let u = 0; u < us.length; u++) {
      const x = us[u];
      if (!Number.isFinite(x)) continue;
      f[u] = phi(x);
      for (let v = 0; v < nv; v++) G[u * nv + v] = normalCdf((vs[v] - rho * x) / R);
    }
    return { G, f, nv };
  };
  const A = conditional(xs, ys);
  const B = conditional(ys, xs);
  // band(us[u], vs[v + 1], vs[v]) (0 when us[u] is infinite)
  const band = (c: typeof A, u: number, v: number) =>
    c.f[u] * (c.G[u * c.nv + v + 1] - c.G[u * c.nv + v]);
  const out: PairScores = {
    rho: new Float64Array(ka * kb),
    aUpper: new Float64Array(ka * kb),
    aLower: new Float64Array(ka * kb),
    bUpper: new Float64Array(ka * kb),
    bLower: new Float64Array(ka * kb),
  };
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      const k = i * kb + j;
      const p = pi[k];
      if (p <= PI_FLOOR) continue;
      out.rho[k] = d1[k] / p;
      out.aUpper[k] = band(A, i + 1, j) / p;
      out.aLower[k] = -band(A, i, j) / p;
      out.bUpper[k] = band(B, j + 1, i) / p;
      out.bLower[k] = -band(B, j, i) / p;
    }
  return out;
}
