import { normalCdf } from "../../math/distributions.ts";
import { exp } from "../../math/fdlibm.ts";

/**
 * The standard bivariate normal distribution: the CDF by Genz's (2004) algorithm BVND (Drezner &
 * Wesolowsky 1990 with Gauss-Legendre quadrature of 6, 12 or 20 points by |rho|, and for |rho| >
 * 0.925 the asymptotic expansion in sqrt(1 - rho^2)), the algorithm behind R's pbivnorm and
 * mvtnorm's bivariate case, accurate to about 1e-15; and the density.
 */

// Gauss-Legendre abscissae (negative half) and weights for 6, 12 and 20 points.
const GL: readonly { x: readonly number[]; w: readonly number[] }[] = [
  {
    w: [0.1713244923791705, 0.3607615730481384, 0.4679139345726904],
    x: [-0.9324695142031522, -0.6612093864662647, -0.238619186083197],
  },
  {
    w: [
      0.04717533638651177, 0.1069393259953183, 0.1600783285433464, 0.2031674267230659,
      0.2334925365383547, 0.2491470458134029,
    ],
    x: [
      -0.9815606342467191, -0.904117256370475, -0.769902674194305, -0.5873179542866171,
      -0.3678314989981802, -0.1252334085114692,
    ],
  },
  {
    w: [
      0.01761400713915212, 0.04060142980038694, 0.06267204833410905, 0.08327674157670475,
      0.1019301198172404, 0.1181945319615184, 0.1316886384491766, 0.1420961093183821,
      0.1491729864726037, 0.1527533871307259,
    ],
    x: [
      -0.9931285991850949, -0.9639719272779138, -0.9122344282513259, -0.8391169718222188,
      -0.7463319064601508, -0.636053680726515, -0.5108670019508271, -0.3737060887154196,
      -0.2277858511416451, -0.07652652113349732,
    ],
  },
];

const TWO_PI = 2 * Math.PI;

/** P(X > h, Y > k) for standard bivariate normal X, Y with correlation r (finite h, k). */
function upperOrthant(h: number, k: number, r: number): number {
  const ar = Math.abs(r);
  const { x, w } = ar < 0.3 ? GL[0] : ar < 0.75 ? GL[1] : GL[2];
  let hk = h * k;
  let bvn = 0;
  if (ar < 0.925) {
    const hs = (h * h + k * k) / 2;
    const asr = Math.asin(r);
    for (let i = 0; i < x.length; i++) {
      let sn = Math.sin((asr * (1 + x[i])) / 2);
      bvn += w[i] * exp((sn * hk - hs) / (1 - sn * sn));
      sn = Math.sin((asr * (1 - x[i])) / 2);
      bvn += w[i] * exp((sn * hk - hs) / (1 - sn * sn));
    }
    return (bvn * asr) / (2 * TWO_PI) + normalCdf(-h) * normalCdf(-k);
  }
  if (r < 0) {
    k = -k;
    hk = -hk;
  }
  if (ar < 1) {
    const as = (1 - r) * (1 + r);
    let a = Math.sqrt(as);
    const bs = (h - k) * (h - k);
    const c = (4 - hk) / 8;
    const d = (12 - hk) / 16;
    bvn =
      a *
      exp(-(bs / as + hk) / 2) *
      (1 - (c * (bs - as) * (1 - (d * bs) / 5)) / 3 + (c * d * as * as) / 5);
    if (hk > -160) {
      const b = Math.sqrt(bs);
      bvn -=
        exp(-hk / 2) *
        Math.sqrt(TWO_PI) *
        normalCdf(-b / a) *
        b *
        (1 - (c * bs * (1 - (d * bs) / 5)) / 3);
    }
    a /= 2;
    for (let i = 0; i < x.length; i++) {
      for (const s of [-1, 1]) {
        let xs = a * (s * x[i] + 1);
        xs *= xs;
        const rs = Math.sqrt(1 - xs);
        const asr = -(bs / xs + hk) / 2;
        if (asr > -100)
          bvn +=
            a *
            w[i] *
            exp(asr) *
            (exp((-hk * (1 - rs)) / (2 * (1 + rs))) / rs - (1 + c * xs * (1 + d * xs)));
      }
    }
    bvn = -bvn / TWO_PI;
  }
  if (r > 0) return bvn + normalCdf(-Math.max(h, k));
  bvn = -bvn;
  if (k > h) bvn += h < 0 ? normalCdf(k) - normalCdf(h) : normalCdf(-h) - normalCdf(-k);
  return bvn;
}

/** P(X <= x, Y <= y) for standard bivariate normal X, Y with correlation rho; x, y may be ±∞. */
export function bivariateNormalCdf(x: number, y: number, rho: number): number {
  if (x === Number.NEGATIVE_INFINITY || y === Number.NEGATIVE_INFINITY) return 0;
  if (x === Number.POSITIVE_INFINITY) return y === Number.POSITIVE_INFINITY ? 1 : normalCdf(y);
  if (y === Number.POSITIVE_INFINITY) return normalCdf(x);
  return upperOrthant(-x, -y, rho);
}

/**
 * The CDF on the grid xs x ys (row-major, xs.length x ys.length; entries may be ±∞), as
 * bivariateNormalCdf at every point but with the quadrature's sines (they depend on rho only)
 * and the marginal CDFs computed once: the same arithmetic, so the same bits.
 */
export function bivariateNormalCdfGrid(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  rho: number,
  out: Float64Array,
): void {
  const nx = xs.length;
  const ny = ys.length;
  const ar = Math.abs(rho);
  if (ar >= 0.925) {
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) out[i * ny + j] = bivariateNormalCdf(xs[i], ys[j], rho);
    return;
  }
  const { x, w } = ar < 0.3 ? GL[0] : ar < 0.75 ? GL[1] : GL[2];
  const m = x.length;
  const asr = Math.asin(rho);
  const sn = new Float64Array(2 * m);
  const den = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    const a = Math.sin((asr * (1 + x[i])) / 2);
    const b = Math.sin((asr * (1 - x[i])) / 2);
    sn[2 * i] = a;
    den[2 * i] = 1 - a * a;
    sn[2 * i + 1] = b;
    den[2 * i + 1] = 1 - b * b;
  }
  const py = new Float64Array(ny);
  for (let j = 0; j < ny; j++) py[j] = Number.isFinite(ys[j]) ? normalCdf(ys[j]) : 0;
  for (let i = 0; i < nx; i++) {
    const xi = xs[i];
    const finiteX = Number.isFinite(xi);
    const px = finiteX ? normalCdf(xi) : 0;
    for (let j = 0; j < ny; j++) {
      const yj = ys[j];
      if (!finiteX || !Number.isFinite(yj)) {
        out[i * ny + j] = bivariateNormalCdf(xi, yj, rho);
        continue;
      }
      const h = -xi;
      const k = -yj;
      const hk = h * k;
      const hs = (h * h + k * k) / 2;
      let bvn = 0;
      for (let q = 0; q < m; q++) {
        bvn += w[q] * exp((sn[2 * q] * hk - hs) / den[2 * q]);
        bvn += w[q] * exp((sn[2 * q + 1] * hk - hs) / den[2 * q + 1]);
      }
      out[i * ny + j] = (bvn * asr) / (2 * TWO_PI) + px * py[j];
    }
  }
}

/** The standard bivariate normal density at (x, y) (0 when x or y is infinite). */
export function bivariateNormalDensity(x: number, y: number, rho: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 0;
  const s = 1 - rho * rho;
  return exp(-(x * x - 2 * rho * x * y + y * y) / (2 * s)) / (TWO_PI * Math.sqrt(s));
}

/** d/drho of the bivariate normal density (0 when x or y is infinite). */
export function bivariateNormalDensityDrho(x: number, y: number, rho: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return 0;
  const s = 1 - rho * rho;
  const q = x * x - 2 * rho * x * y + y * y;
  return bivariateNormalDensity(x, y, rho) * (rho / s + (x * y * s - rho * q) / (s * s));
}

/** sqrt(k) and 1 / sqrt(k) for the normalized Hermite recurrence, k = 0..SERIES_MAX. */
const SERIES_MAX = 400;
const SQRT_K = Float64Array.from({ length: SERIES_MAX + 2 }, (_, k) => Math.sqrt(k));
const INV_SQRT_K = SQRT_K.map((v) => 1 / v);
/** Work rows of the series (Hermite values of each threshold, the rho coefficients). */
let hermX = new Float64Array(0);
let hermY = new Float64Array(0);
let coef = new Float64Array(0);
let cdfY = new Float64Array(0);

/** Rows v K .. of phi(v) h_k(v) c_k for the thresholds vs (c = 1 when null). */
function hermiteRows(vs: ArrayLike<number>, K: number, c: Float64Array | null, H: Float64Array) {
  for (let v = 0; v < vs.length; v++) {
    const x = vs[v];
    const o = v * K;
    const f = exp(-(x * x) / 2) / Math.sqrt(TWO_PI);
    let h0 = 1;
    let h1 = x;
    H[o] = c ? f * c[0] : f;
    if (K > 1) H[o + 1] = c ? f * x * c[1] : f * x;
    for (let k = 2; k < K; k++) {
      const h2 = (x * h1 - SQRT_K[k - 1] * h0) * INV_SQRT_K[k];
      h0 = h1;
      h1 = h2;
      H[o + k] = c ? f * h2 * c[k] : f * h2;
    }
  }
}

/**
 * The CDF on the grid xs x ys of finite thresholds (row-major, as bivariateNormalCdfGrid) by the
 * tetrachoric series (Pearson 1900; Mehler's formula integrated in rho):
 *   Phi2(x, y; rho) = Phi(x) Phi(y) + phi(x) phi(y) sum_{k>=0} rho^(k+1) / (k+1) h_k(x) h_k(y),
 * h_k = He_k / sqrt(k!) the normalized Hermite polynomials (h_(k+1) = (x h_k - sqrt(k) h_(k-1)) /
 * sqrt(k+1)). |phi(x) h_k(x)^2| <= 1.18 phi(0) e^(-x^2 / 2) (Cramer's bound), so the terms
 * after k are below 0.19 |rho|^(k+2) / (k+2): the sum stops when that is below 1e-17. No
 * exponential per point (only phi at each threshold); for |rho| <= 0.8 within 1.2e-16 of Genz's
 * BVND for x, y in [-3.2, 3.2].
 */
export function bivariateNormalCdfGridSeries(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  rho: number,
  out: Float64Array,
): void {
  const ar = Math.abs(rho);
  // terms k = 0..K - 1: the remainder after them is below 0.19 |rho|^(K+1) / (K+1)
  let K = 1;
  let tail = 0.19 * ar * ar;
  while (K < SERIES_MAX && tail / (K + 1) >= 1e-17) {
    tail *= ar;
    K++;
  }
  const nx = xs.length;
  const ny = ys.length;
  if (hermX.length < nx * K) hermX = new Float64Array(nx * K);
  if (hermY.length < ny * K) hermY = new Float64Array(ny * K);
  if (coef.length < K) coef = new Float64Array(K);
  if (cdfY.length < ny) cdfY = new Float64Array(ny);
  let r = 1;
  for (let k = 0; k < K; k++) {
    r *= rho;
    coef[k] = r / (k + 1);
  }
  hermiteRows(xs, K, coef, hermX);
  hermiteRows(ys, K, null, hermY);
  for (let j = 0; j < ny; j++) cdfY[j] = normalCdf(ys[j]);
  for (let i = 0; i < nx; i++) {
    const px = normalCdf(xs[i]);
    const oi = i * K;
    for (let j = 0; j < ny; j++) {
      const oj = j * K;
      let s = 0;
      for (let k = K - 1; k >= 0; k--) s += hermX[oi + k] * hermY[oj + k];
      out[i * ny + j] = px * cdfY[j] + s;
    }
  }
}
