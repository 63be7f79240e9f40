import { exp, log } from "./fdlibm.ts";

/**
 * Distribution functions for p-values. Wald tests use the standard normal (as lavaan and other
 * SEM software do); the chi-square tail is the regularized incomplete gamma function.
 *
 * Everything here is built from + - * / sqrt and the engine-independent log/exp of fdlibm.ts,
 * so the results have the same bits in every JavaScript engine. erfc is a port of fdlibm s_erf.c;
 * the incomplete gamma is the series / continued fraction of Numerical Recipes (gser, gcf with
 * Lentz's method) with the prefactor x^a e^-x / Gamma(a + 1) computed as in R's dpois_raw
 * (Loader's stirlerr and bd0), which keeps it accurate for large a. Relative error against the
 * stdlib and R values: test/distributions.test.ts.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
f64[0] = 1;
const LO = u32[1] === 0x3ff00000 ? 0 : 1; // index of the low word of a double

/** x with the low 32 bits of its significand cleared (fdlibm SET_LOW_WORD(x, 0)). */
function clearLowWord(x: number): number {
  f64[0] = x;
  u32[LO] = 0;
  return f64[0];
}

// fdlibm s_erf.c coefficients
const erx = 0.8450629115104675;
const pp0 = 0.12837916709551256;
const pp1 = -0.3250421072470015;
const pp2 = -0.02848174957559851;
const pp3 = -0.005770270296489442;
const pp4 = -0.000023763016656650163;
const qq1 = 0.39791722395915535;
const qq2 = 0.0650222499887673;
const qq3 = 0.005081306281875766;
const qq4 = 0.00013249473800432164;
const qq5 = -0.000003960228278775368;
const pa0 = -0.0023621185607526594;
const pa1 = 0.41485611868374833;
const pa2 = -0.3722078760357013;
const pa3 = 0.31834661990116175;
const pa4 = -0.11089469428239668;
const pa5 = 0.035478304325618236;
const pa6 = -0.002166375594868791;
const qa1 = 0.10642088040084423;
const qa2 = 0.540397917702171;
const qa3 = 0.07182865441419627;
const qa4 = 0.12617121980876164;
const qa5 = 0.01363708391202905;
const qa6 = 0.011984499846799107;
const ra0 = -0.009864944034847148;
const ra1 = -0.6938585727071818;
const ra2 = -10.558626225323291;
const ra3 = -62.375332450326006;
const ra4 = -162.39666946257347;
const ra5 = -184.60509290671104;
const ra6 = -81.2874355063066;
const ra7 = -9.814329344169145;
const sa1 = 19.651271667439257;
const sa2 = 137.65775414351904;
const sa3 = 434.56587747522923;
const sa4 = 645.3872717332679;
const sa5 = 429.00814002756783;
const sa6 = 108.63500554177944;
const sa7 = 6.570249770319282;
const sa8 = -0.0604244152148581;
const rb0 = -0.0098649429247001;
const rb1 = -0.799283237680523;
const rb2 = -17.757954917754752;
const rb3 = -160.63638485582192;
const rb4 = -637.5664433683896;
const rb5 = -1025.0951316110772;
const rb6 = -483.5191916086514;
const sb1 = 30.33806074348246;
const sb2 = 325.7925129965739;
const sb3 = 1536.729586084437;
const sb4 = 3199.8582195085955;
const sb5 = 2553.0504064331644;
const sb6 = 474.52854120695537;
const sb7 = -22.44095244658582;

/** Complementary error function erfc(x) = 1 - erf(x) (port of fdlibm 5.3 s_erf.c, erfc). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x === Number.NEGATIVE_INFINITY) return 2;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
    const s = 1 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
    const y = r / s;
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const p = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
    const q = 1 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
    return x >= 0 ? 1 - erx - p / q : 1 + (erx + p / q);
  }
  if (ax < 28) {
    const s = 1 / (ax * ax);
    let r: number;
    let t: number;
    if (ax < 1 / 0.35) {
      r = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
      t =
        1 +
        s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
    } else {
      if (x < -6) return 2; // 2 - tiny
      r = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
      t = 1 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
    }
    const z = clearLowWord(ax);
    const e = exp(-z * z - 0.5625) * exp((z - ax) * (z + ax) + r / t);
    return x > 0 ? e / ax : 2 - e / ax;
  }
  return x > 0 ? 0 : 2;
}

const LN_SQRT_2PI = 0.9189385332046728; // log(sqrt(2 pi))
const TWO_PI = 2 * Math.PI;

/**
 * Stirling's error log Gamma(n + 1) - ((n + 0.5) log n - n + log sqrt(2 pi)), n > 0 (Loader 2000,
 * as in R's stirlerr: the asymptotic series above 15, logGamma below).
 */
function stirlerr(n: number): number {
  if (n <= 15) return logGamma(n + 1) - (n + 0.5) * log(n) + n - LN_SQRT_2PI;
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** Deviance term x log(x / np) + np - x, accurate when x is close to np (Loader 2000; R's bd0). */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * log(x / np) + np - x;
}

/** x^a e^-x / Gamma(a + 1), the Poisson "density" at a with mean x (R's dpois_raw), a, x > 0. */
function gammaPrefix(a: number, x: number): number {
  return exp(-stirlerr(a) - bd0(a, x)) / Math.sqrt(TWO_PI * a);
}

/**
 * Regularized incomplete gamma P(a, x) (lower) or Q(a, x) = 1 - P (upper), a > 0, x >= 0:
 * the series for P below x = a + 1, the continued fraction for Q above (the other by 1 - ...).
 */
export function incompleteGamma(a: number, x: number, upper: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0 || x < 0) return Number.NaN;
  if (x === 0) return upper ? 1 : 0;
  if (x === Number.POSITIVE_INFINITY) return upper ? 0 : 1;
  if (x < a + 1) {
    // P = x^a e^-x / Gamma(a + 1) * sum_n x^n / ((a + 1) ... (a + n))
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 100_000; n++) {
      term *= x / (a + n);
      const s = sum + term;
      if (s === sum) break;
      sum = s;
    }
    const p = Math.min(1, gammaPrefix(a, x) * sum);
    return upper ? 1 - p : p;
  }
  // Q = x^a e^-x / Gamma(a) * 1/(x + 1 - a - 1 (1 - a)/(x + 3 - a - 2 (2 - a)/(x + 5 - a - ...)))
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= Number.EPSILON) break;
  }
  const q = Math.min(1, a * gammaPrefix(a, x) * h);
  return upper ? q : 1 - q;
}

/** P(Z <= z) for a standard normal Z. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Two-sided p-value of a z statistic. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/** Upper-tail probability P(X > x) for X ~ chi-square(df). */
export function chiSquareUpper(x: number, df: number): number {
  if (x <= 0) return 1;
  return incompleteGamma(df / 2, x / 2, true);
}

/** P(X <= x) for X ~ chi-square(df). */
export function chiSquareCdf(x: number, df: number): number {
  if (x <= 0) return 0;
  return incompleteGamma(df / 2, x / 2, false);
}

/**
 * P(X <= x) for a noncentral chi-square(df, lambda): a Poisson(lambda/2) mixture of central
 * chi-squares, summed outward from the Poisson mode until the weights are negligible.
 */
export function noncentralChiSquareCdf(x: number, df: number, lambda: number): number {
  if (lambda <= 0) return chiSquareCdf(x, df);
  if (x <= 0) return 0;
  const h = lambda / 2;
  const mode = Math.floor(h);
  const logW = (k: number) => -h + k * log(h) - logGamma(k + 1);
  let sum = 0;
  for (let k = mode; k < mode + 10_000; k++) {
    const w = exp(logW(k));
    sum += w * chiSquareCdf(x, df + 2 * k);
    if (w < 1e-16 && k > mode + 5) break;
  }
  for (let k = mode - 1; k >= 0; k--) {
    const w = exp(logW(k));
    sum += w * chiSquareCdf(x, df + 2 * k);
    if (w < 1e-16) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * Lanczos approximation of log Gamma(x), x > 0 (below 0.5 by Gamma(x) = Gamma(x + 1) / x, which
 * needs no sine, unlike the reflection formula).
 */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return logGamma(x + 1) - log(x);
  const xx = x - 1;
  let a = c[0];
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (xx + i);
  return 0.5 * log(2 * Math.PI) + (xx + 0.5) * log(t) - t + log(a);
}

/** Standard normal quantile (Acklam's algorithm refined by one Halley step; |error| < 1e-12). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * log(p));
    x =
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
      (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * log(1 - p));
    x =
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Find the root of a monotone function on [lo, hi] by bisection. */
export function bisect(f: (x: number) => number, lo: number, hi: number, tol = 1e-10): number {
  let flo = f(lo);
  for (let i = 0; i < 200 && hi - lo > tol; i++) {
    const mid = 0.5 * (lo + hi);
    const fm = f(mid);
    if (fm === 0) return mid;
    if (fm > 0 === flo > 0) {
      lo = mid;
      flo = fm;
    } else hi = mid;
  }
  return 0.5 * (lo + hi);
}
