import { normalCdf } from "../../math/distributions.ts";
import { exp } from "../../math/fdlibm.ts";
import { bivariateNormalCdfGrid, bivariateNormalCdfGridSeries } from "./bivariateNormal.ts";
import type { OrdinalItem } from "./categories.ts";

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

/**
 * The grid of one pair at rho: the bivariate normal CDF Phi2 at every pair of extended
 * thresholds (-inf, tau_1..tau_K-1, +inf) of the two items, row-major (K_a + 1) x (K_b + 1), and
 * the density phi2 and its derivative in rho there (0 on the borders). The borders of the CDF
 * (0, or a marginal Phi) do not depend on rho and are set once.
 *
 * Moving to a nearby rho1 does not recompute Phi2 from scratch: by Plackett's identity
 * d Phi2 / d rho = phi2, so Phi2(rho1) = Phi2(rho0) + the integral of phi2 over [rho0, rho1],
 * taken by a Hermite (endpoint-derivative) quadrature that reuses phi2 and d phi2 / d rho at both
 * ends (both needed by the Newton steps anyway): with h = (rho1 - rho0) / 2, m the midpoint,
 *   0 inner nodes: h (f0 + f1) + h^2/3 (f0' - f1')                              (exact to degree 3)
 *   1 inner node:  h [7/15 (f0 + f1) + 16/15 f(m)] + h^2/15 (f0' - f1')          (degree 5)
 *   2 inner nodes: h [37/135 (f0 + f1) + 98/135 (f(m - h/sqrt7) + f(m + h/sqrt7))]
 *                  + h^2/45 (f0' - f1')                                            (degree 7),
 * the rule chosen by u = |rho1 - rho0| / (1 - max(rho0^2, rho1^2)) (phi2's derivatives in rho
 * grow like 1 / (1 - rho^2)): u <= 2^-9, 2^-6, 2^-5 respectively, where the largest error over
 * thresholds in [-3.2, 3.2] and |rho| <= 0.92 is below 3e-16 (about Genz's own accuracy, measured
 * against bivariateNormalCdf); a larger step, or |rho| > 0.92, recomputes the grid: by the
 * tetrachoric series for |rho| <= SERIES_RHO, by Genz (bivariateNormalCdfGrid) above.
 */
export interface PairGrid {
  /** Thresholds of item a (finite) and their count. */
  xs: Float64Array;
  ys: Float64Array;
  na: number;
  nb: number;
  /** rho of the grid (NaN before the first evaluation). */
  rho: number;
  cdf: Float64Array;
  den: Float64Array;
  dden: Float64Array;
  /** phi2 and its derivative at the previous rho (the other end of an increment). */
  den0: Float64Array;
  dden0: Float64Array;
  /** Genz's values on the finite thresholds (na x nb). */
  inner: Float64Array;
}

const INC_RHO = 0.92;
/** Up to this |rho| a fresh grid comes from the tetrachoric series (faster than the quadrature). */
const SERIES_RHO = 0.6;
const INC_U0 = 2 ** -9;
const INC_U1 = 2 ** -6;
const INC_U2 = 2 ** -5;
const INV_SQRT7 = 1 / Math.sqrt(7);
const TWO_PI = 2 * Math.PI;

export function pairGrid(a: OrdinalItem, b: OrdinalItem, reuse?: PairGrid): PairGrid {
  const xs = a.thresholds;
  const ys = b.thresholds;
  const na = xs.length;
  const nb = ys.length;
  const g = (na + 2) * (nb + 2);
  const fits = reuse && reuse.na === na && reuse.nb === nb;
  const cdf = fits ? reuse.cdf : new Float64Array(g);
  // borders: Phi2(-inf, .) = Phi2(., -inf) = 0, Phi2(x, +inf) = Phi(x), Phi2(+inf, +inf) = 1
  const w = nb + 2;
  for (let i = 1; i <= na; i++) cdf[i * w + nb + 1] = normalCdf(xs[i - 1]);
  for (let j = 1; j <= nb; j++) cdf[(na + 1) * w + j] = normalCdf(ys[j - 1]);
  cdf[(na + 1) * w + nb + 1] = 1;
  if (fits) {
    reuse.xs = xs;
    reuse.ys = ys;
    reuse.rho = Number.NaN;
    return reuse;
  }
  return {
    xs,
    ys,
    na,
    nb,
    rho: Number.NaN,
    cdf,
    den: new Float64Array(g),
    dden: new Float64Array(g),
    den0: new Float64Array(g),
    dden0: new Float64Array(g),
    inner: new Float64Array(na * nb),
  };
}

/** phi2 and d phi2 / d rho at rho on the finite thresholds, into grid.den / grid.dden. */
function densities(grid: PairGrid, rho: number): void {
  const { xs, ys, na, nb, den, dden } = grid;
  const w = nb + 2;
  const s = 1 - rho * rho;
  const c = 1 / (TWO_PI * Math.sqrt(s));
  for (let i = 1; i <= na; i++) {
    const x = xs[i - 1];
    for (let j = 1; j <= nb; j++) {
      const y = ys[j - 1];
      const q = x * x - 2 * rho * x * y + y * y;
      const f = exp(-q / (2 * s)) * c;
      den[i * w + j] = f;
      dden[i * w + j] = f * (rho / s + (x * y * s - rho * q) / (s * s));
    }
  }
}

/** Adds k * phi2(., ., r) on the finite thresholds to grid.cdf. */
function addDensity(grid: PairGrid, r: number, k: number): void {
  const { xs, ys, na, nb, cdf } = grid;
  const w = nb + 2;
  const s = 1 - r * r;
  const c = k / (TWO_PI * Math.sqrt(s));
  for (let i = 1; i <= na; i++) {
    const x = xs[i - 1];
    for (let j = 1; j <= nb; j++) {
      const y = ys[j - 1];
      cdf[i * w + j] += exp(-(x * x - 2 * r * x * y + y * y) / (2 * s)) * c;
    }
  }
}

/** Moves the grid to rho: Genz on the first call or for a long step, else the increment above. */
export function gridAt(grid: PairGrid, rho: number): void {
  const r0 = grid.rho;
  if (rho === r0) return;
  const { na, nb, cdf } = grid;
  const w = nb + 2;
  const h = rho - r0;
  const u = Math.abs(h) / (1 - Math.max(r0 * r0, rho * rho));
  if (!(u <= INC_U2) || Math.abs(rho) > INC_RHO || Math.abs(r0) > INC_RHO) {
    const { xs, ys, inner } = grid;
    if (rho === 0) {
      for (let i = 0; i < na; i++)
        for (let j = 0; j < nb; j++) inner[i * nb + j] = normalCdf(xs[i]) * normalCdf(ys[j]);
    } else if (Math.abs(rho) <= SERIES_RHO) bivariateNormalCdfGridSeries(xs, ys, rho, inner);
    else bivariateNormalCdfGrid(xs, ys, rho, inner);
    for (let i = 0; i < na; i++)
      for (let j = 0; j < nb; j++) cdf[(i + 1) * w + j + 1] = inner[i * nb + j];
    densities(grid, rho);
    grid.rho = rho;
    return;
  }
  const { den: d0, dden: dd0 } = grid;
  grid.den = grid.den0;
  grid.dden = grid.dden0;
  grid.den0 = d0;
  grid.dden0 = dd0;
  densities(grid, rho);
  const { den, dden } = grid;
  const hh = h / 2;
  const m = r0 + hh;
  let a: number;
  let b: number;
  if (u <= INC_U0) {
    a = hh;
    b = (hh * hh) / 3;
  } else if (u <= INC_U1) {
    a = hh * (7 / 15);
    b = (hh * hh) / 15;
    addDensity(grid, m, hh * (16 / 15));
  } else {
    a = hh * (37 / 135);
    b = (hh * hh) / 45;
    addDensity(grid, m - hh * INV_SQRT7, hh * (98 / 135));
    addDensity(grid, m + hh * INV_SQRT7, hh * (98 / 135));
  }
  for (let i = 1; i <= na; i++)
    for (let j = 1; j <= nb; j++) {
      const k = i * w + j;
      cdf[k] += a * (d0[k] + den[k]) + b * (dd0[k] - dden[k]);
    }
  grid.rho = rho;
}

/** The rectangle (i, j) of an extended grid of row width w: P(cell) from the CDF, etc. */
function rect(g: Float64Array, k: number, w: number): number {
  return g[k + w + 1] - g[k + 1] - g[k + w] + g[k];
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

/** Gradient and Hessian of l(rho) / n, the grid moved to rho. */
function derivatives(grid: PairGrid, freq: Float64Array, rho: number): { g: number; h: number } {
  gridAt(grid, rho);
  const { cdf, den, dden } = grid;
  const kb = grid.nb + 1;
  const w = kb + 1;
  let g = 0;
  let h = 0;
  for (let c = 0; c < freq.length; c++) {
    const f = freq[c];
    if (f === 0) continue;
    const i = (c / kb) | 0;
    const k = i * w + c - i * kb;
    const pi = Math.max(PI_FLOOR, rect(cdf, k, w));
    const r = rect(den, k, w) / pi;
    g += f * r;
    h += f * (rect(dden, k, w) / pi - r * r);
  }
  return { g, h };
}

/**
 * The polychoric correlation of the pair. `grid` (pairGrid(t.a, t.b)) is the work grid, left at
 * the last rho evaluated (gridAt(grid, result) then moves it to the result by a short increment).
 */
export function polychoricPair(t: PairTable, grid?: PairGrid): number {
  const freq = Float64Array.from(t.freq);
  const special = twoByTwo(t, freq);
  if (special !== undefined) return special;
  let lo = -RHO_BOUND;
  let hi = RHO_BOUND;
  let rho = Math.max(lo, Math.min(hi, startRho(t)));
  const work = grid ?? pairGrid(t.a, t.b);
  for (let it = 0; it < 200; it++) {
    const { g, h } = derivatives(work, freq, rho);
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
 * that is not finite. From the pair's table (the codes are the categories 1..K).
 */
function startRho(t: PairTable): number {
  const { a, b, freq } = t;
  const ka = a.levels.length;
  const kb = b.levels.length;
  let n = 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      const f = freq[i * kb + j];
      n += f;
      ma += f * (i + 1);
      mb += f * (j + 1);
    }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      const f = freq[i * kb + j];
      if (f === 0) continue;
      const da = i + 1 - ma;
      const db = j + 1 - mb;
      sab += f * da * db;
      saa += f * da * da;
      sbb += f * db * db;
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

/** Phi2 and phi2 of a pair's extended grid at rho (a PairGrid, or a kept copy of one). */
export interface PairCells {
  rho: number;
  cdf: Float64Array;
  den: Float64Array;
}

/** Work arrays of pairScores' conditional bands, grown as needed. */
let bandG = new Float64Array(0);
let bandF = new Float64Array(0);

/**
 * `cells`: the pair's grid at rho if one is at hand (e.g. kept from the polychoric's estimation),
 * else one is computed. `out`: arrays of at least K_a K_b entries to write into (zeroed here).
 */
export function pairScores(
  a: OrdinalItem,
  b: OrdinalItem,
  rho: number,
  cells?: PairCells,
  out?: PairScores,
): PairScores {
  const ka = a.levels.length;
  const kb = b.levels.length;
  let g: PairCells;
  if (cells && cells.rho === rho) g = cells;
  else {
    const grid = pairGrid(a, b);
    gridAt(grid, rho);
    g = grid;
  }
  const w = kb + 1;
  const R = Math.sqrt(1 - rho * rho);
  const phi = (x: number) => exp(-(x * x) / 2) / Math.sqrt(2 * Math.PI);
  // the bands phi(x) [Phi((y_hi - rho x)/R) - Phi((y_lo - rho x)/R)] take x and y from the
  // thresholds only: their Phi's once per pair of thresholds, rows of (nv + 2) with 0 and 1 at
  // the infinite ends; a's rows first, then b's
  const na = ka - 1;
  const nb = kb - 1;
  const need = na * (nb + 2) + nb * (na + 2);
  if (bandG.length < need) bandG = new Float64Array(need);
  if (bandF.length < na + nb) bandF = new Float64Array(na + nb);
  const G = bandG;
  const F = bandF;
  const fill = (us: Float64Array, vs: Float64Array, g0: number, f0: number) => {
    const nv = vs.length + 2;
    for (let u = 0; u < us.length; u++) {
      const x = us[u];
      F[f0 + u] = phi(x);
      const o = g0 + u * nv;
      G[o] = 0;
      for (let v = 0; v < vs.length; v++) G[o + v + 1] = normalCdf((vs[v] - rho * x) / R);
      G[o + nv - 1] = 1;
    }
  };
  const gB = na * (nb + 2);
  fill(a.thresholds, b.thresholds, 0, 0);
  fill(b.thresholds, a.thresholds, gB, na);
  const res = out ?? {
    rho: new Float64Array(ka * kb),
    aUpper: new Float64Array(ka * kb),
    aLower: new Float64Array(ka * kb),
    bUpper: new Float64Array(ka * kb),
    bLower: new Float64Array(ka * kb),
  };
  if (out)
    for (const x of [out.rho, out.aUpper, out.aLower, out.bUpper, out.bLower])
      x.fill(0, 0, ka * kb);
  const wa = nb + 2;
  const wb = na + 2;
  for (let i = 0; i < ka; i++)
    for (let j = 0; j < kb; j++) {
      const k = i * kb + j;
      const e = i * w + j;
      const p = Math.max(PI_FLOOR, rect(g.cdf, e, w));
      if (p <= PI_FLOOR) continue;
      res.rho[k] = rect(g.den, e, w) / p;
      // band of a's threshold u between b's extended j and j + 1, and the converse
      if (i < na) res.aUpper[k] = (F[i] * (G[i * wa + j + 1] - G[i * wa + j])) / p;
      if (i > 0) res.aLower[k] = -(F[i - 1] * (G[(i - 1) * wa + j + 1] - G[(i - 1) * wa + j])) / p;
      if (j < nb) res.bUpper[k] = (F[na + j] * (G[gB + j * wb + i + 1] - G[gB + j * wb + i])) / p;
      if (j > 0)
        res.bLower[k] =
          -(F[na + j - 1] * (G[gB + (j - 1) * wb + i + 1] - G[gB + (j - 1) * wb + i])) / p;
    }
  return res;
}
