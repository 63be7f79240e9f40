/**
 * Engine-independent log and exp: ports of fdlibm 5.3 e_log.c and FreeBSD msun e_exp.c (the
 * algorithms V8 has used for Math.log and Math.exp since 2016), written with IEEE-754 double
 * +, -, *, / only, which every JavaScript engine rounds identically.
 *
 * Constants are the fdlibm ones (hex words in the comments), written as their shortest decimal.
 *
 * Why: JavaScript engines may implement Math.log/exp differently. Node 20 (V8 11.3) and
 * Chromium 156 disagree in the last bit for about one argument in ten (measured in
 * test/browser/pool.test.ts), so a simulation that calls Math.log cannot give the same bits
 * in Node and in the browser. These functions give the same bits everywhere, and the same bits
 * as Node 20's Math.log and Math.exp (test/fdlibm.test.ts), so switching src/ to them would not
 * change any Node result.
 */

const buf = new ArrayBuffer(8);
const f64 = new Float64Array(buf);
const u32 = new Uint32Array(buf);
// word order of a double in memory (every platform JavaScript runs on today is little-endian,
// but do not assume it)
f64[0] = 1;
const HI = u32[1] === 0x3ff00000 ? 1 : 0;
const LO = 1 - HI;

function hiWord(x: number): number {
  f64[0] = x;
  return u32[HI] | 0;
}
function loWord(x: number): number {
  f64[0] = x;
  return u32[LO];
}

const ln2_hi = 0.6931471803691238; // 3fe62e42 fee00000
const ln2_lo = 1.9082149292705877e-10; // 3dea39ef 35793c76
const two54 = 2 ** 54; // 43500000 00000000
const Lg1 = 0.6666666666666735;
const Lg2 = 0.3999999999940942;
const Lg3 = 0.2857142874366239;
const Lg4 = 0.22222198432149784;
const Lg5 = 0.1818357216161805;
const Lg6 = 0.15313837699209373;
const Lg7 = 0.14798198605116586;

/** Natural logarithm (fdlibm e_log.c). */
export function log(x: number): number {
  f64[0] = x;
  let hx = u32[HI] | 0;
  const lx = u32[LO];
  let k = 0;
  if (hx < 0x00100000) {
    // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) === 0) return Number.NEGATIVE_INFINITY; // log(+-0)
    if (hx < 0) return Number.NaN; // log(-x)
    k -= 54;
    x *= two54; // subnormal: scale up
    hx = hiWord(x);
  }
  if (hx >= 0x7ff00000) return x + x; // Inf or NaN
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  f64[0] = x;
  u32[HI] = hx | (i ^ 0x3ff00000); // normalize x or x/2
  x = f64[0];
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) {
      if (k === 0) return 0;
      return k * ln2_hi + k * ln2_lo;
    }
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    if (k === 0) return f - R;
    return k * ln2_hi - (R - k * ln2_lo - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - (hfsq - (s * (hfsq + R) + dk * ln2_lo) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * ln2_hi - (s * (f - R) - dk * ln2_lo - f);
}

const halF = [0.5, -0.5];
const o_threshold = 709.782712893384; // 0x40862E42 FEFA39EF
const u_threshold = -745.1332191019411; // 0xc0874910 D52D3051
const ln2HI = [ln2_hi, -ln2_hi];
const ln2LO = [ln2_lo, -ln2_lo];
const invln2 = Math.LOG2E; // 0x3ff71547 652b82fe
const P1 = 0.16666666666666602;
const P2 = -0.0027777777777015593;
const P3 = 6.613756321437934e-5;
const P4 = -1.6533902205465252e-6;
const P5 = 4.1381367970572385e-8;
const twom1000 = 9.332636185032189e-302; // 2^-1000
const two1023 = 8.98846567431158e307; // 2^1023

// 2^k for k = -1021..1024 (exact: built by doubling and halving), replacing the bit-assembly
// of 2^k in e_exp.c with a table lookup (same values, no typed-array round trip per call)
const POW2_BIAS = 1021;
const POW2 = new Float64Array(1021 + 1025);
POW2[POW2_BIAS] = 1;
for (let k = 1; k <= 1024; k++) POW2[POW2_BIAS + k] = POW2[POW2_BIAS + k - 1] * 2;
for (let k = 1; k <= 1021; k++) POW2[POW2_BIAS - k] = POW2[POW2_BIAS - k + 1] / 2;

/** e^x (FreeBSD msun e_exp.c, as ported by V8, which also returns Math.E for exp(1)). */
export function exp(x: number): number {
  if (x === 1) return Math.E;
  let hx = hiWord(x);
  const xsb = (hx >>> 31) & 1;
  hx &= 0x7fffffff;
  let hi = 0;
  let lo = 0;
  let k = 0;
  if (hx >= 0x40862e42) {
    // |x| >= 709.78...
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | loWord(x)) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0.0; // exp(+-inf) = {inf, 0}
    }
    if (x > o_threshold) return Number.POSITIVE_INFINITY;
    if (x < u_threshold) return 0;
  }
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) {
      // and |x| < 1.5 ln2
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = Math.trunc(invln2 * x + halF[xsb]);
      const t = k;
      hi = x - t * ln2HI[0]; // t * ln2HI is exact here
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  } else k = 0;
  const t = x * x;
  const twopk = k >= -1021 ? POW2[k + POW2_BIAS] : POW2[k + 1000 + POW2_BIAS];
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - (lo - (x * c) / (2.0 - c) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2.0 * two1023;
    return y * twopk;
  }
  return y * twopk * twom1000;
}
