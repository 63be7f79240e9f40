import { normalCdf, normalQuantile } from "../math/distributions.ts";
import { exp, log } from "../math/fdlibm.ts";
import { cholesky, freshFloat64, type Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { SAMPLE } from "../paper/sample.ts";
import type { Stream } from "../random/stream.ts";
import {
  fillNormalsFast as fillNormals,
  fillNormalsPair,
  fillUniformsPair,
  type NormalsJob,
} from "./fastNormals.ts";
import type { FirmAttributes, FrameCriteria, SurveyUniverse } from "./frame.ts";
import { SurveyConfigError } from "./instrument.ts";

/**
 * PLACEHOLDER firm attributes. None of these distributions come from the paper or from data:
 * they are our stand-ins, chosen only to land near the paper's respondent averages (190
 * employees, $32M sales, 41% of sales abroad; Data analysis section), until the dynamics mode
 * supplies founding years, export shares, sizes and performance histories of simulated firms.
 * Every output of a survey drawn on this frame is labelled "placeholder frame".
 *
 *   age (years at the survey, 2002)  ~ Exponential(mean 20); foundingYear = 2002 - age
 *   export index x = 0.30 IEO + 0.20 PERF + residual (unit variance)
 *   exportShare     = Phi(-0.40 + 0.80 x)                 (universe mean about 0.38)
 *   size index s    = 0.20 PERF + residual;  employees = round(115 exp(s)), at least 1
 *   sales ($M)      = employees * 0.14 * exp(0.5 N(0,1))   (mean about 0.16 $M per employee)
 *   salesGrowth (%) = 8 + 10 (0.5 PERF + residual)
 *   roi (%)         = 6 + 8 (0.4 PERF + residual)
 *   productCategory = industrial with probability 0.75 (18 of 24 interviewed firms)
 * The export index is what links a frame cut-off on export share to the constructs, so a
 * cut-off can bias estimates through range restriction. Founding year is independent of the
 * constructs here.
 */
export const PLACEHOLDER = {
  meanAge: 20,
  exportOnIEO: 0.3,
  exportOnPERF: 0.2,
  exportIntercept: -0.4,
  exportSlope: 0.8,
  sizeOnPERF: 0.2,
  medianEmployees: 115,
  salesPerEmployee: 0.14,
  salesPerEmployeeSpread: 0.5,
  growthMean: 8,
  growthSd: 10,
  growthOnPERF: 0.5,
  roiMean: 6,
  roiSd: 8,
  roiOnPERF: 0.4,
  industrialShare: 0.75,
} as const;

const IEO = CONSTRUCTS.indexOf("IEO");
const PERF = CONSTRUCTS.indexOf("PERF");

/**
 * Standard normals from a stream, handed out in order: first `len` already drawn into `buf`,
 * then drawn in chunks of CHUNK (fillNormals). Where the chunks start does not change the
 * deviates (each comes from the next uniforms of the stream).
 */
const CHUNK = 256;
class Normals {
  private pos = 0;
  constructor(
    private s: Stream,
    private buf: Float64Array,
    private len: number,
  ) {}
  next(): number {
    if (this.pos === this.len) {
      if (this.buf.length < CHUNK) this.buf = new Float64Array(CHUNK);
      fillNormals(this.s, this.buf, 0, CHUNK);
      this.pos = 0;
      this.len = CHUNK;
    }
    return this.buf[this.pos++];
  }
}

/**
 * Founding year of a firm whose age uniform is u: floor(surveyYear + meanAge log(1 - u)), i.e.
 * surveyYear - k for u strictly between the thresholds B[k - 1] and B[k], B[k] = 1 - exp(-k /
 * meanAge) (age k years). The thresholds are looked up in a table of 4,096 buckets of u instead
 * of taking the logarithm; within EPS = 1e-9 of a threshold (and beyond age KMAX) the
 * logarithm decides as before. Exact: outside those windows the real value
 * surveyYear + meanAge ln(1 - u) is at least 2e-8 from an integer (its slope in u is at least
 * meanAge), while the rounding of 1 - u, fdlibm's log (< 1 ulp), the product and the sum move
 * it by less than 2e-13; test/survey.survey.test.ts compares both forms.
 */
export function foundingYearOf(u: number): number {
  if (u < YEAR_TOP) {
    let k = YEAR_KB[Math.floor(u * YEAR_NB)];
    while (u >= YEAR_B[k] + YEAR_EPS) k++;
    if (u < YEAR_B[k] - YEAR_EPS && (k === 0 || u > YEAR_B[k - 1] + YEAR_EPS))
      return SAMPLE.surveyYear - k;
  }
  return foundingYearExact(u);
}

/** The founding year as the placeholder defines it (foundingYearOf's reference). */
export function foundingYearExact(u: number): number {
  return Math.floor(SAMPLE.surveyYear + log(1 - u) * PLACEHOLDER.meanAge);
}

const YEAR_NB = 4096;
const YEAR_KMAX = 60;
const YEAR_EPS = 1e-9;
const YEAR_B = new Float64Array(YEAR_KMAX + 1);
for (let k = 0; k <= YEAR_KMAX; k++) YEAR_B[k] = 1 - exp(-k / PLACEHOLDER.meanAge);
/** Table lookups only below this (the last bucket wholly below B[KMAX] - EPS). */
const YEAR_TOP = Math.floor((YEAR_B[YEAR_KMAX] - YEAR_EPS) * YEAR_NB) / YEAR_NB;
/** Per bucket: the first k with B[k] + EPS above the bucket's lower end. */
const YEAR_KB = new Int32Array(YEAR_NB);
{
  let k = 0;
  for (let b = 0; b < YEAR_NB; b++) {
    while (k < YEAR_KMAX && YEAR_B[k] + YEAR_EPS <= b / YEAR_NB) k++;
    YEAR_KB[b] = k;
  }
}

/**
 * Employees of a firm with size index s: max(1, floor(medianEmployees exp(s) + 0.5)) with
 * fdlibm's exp. Only the rounded count is kept, so exp(s) is first approximated without a
 * division, 2^(j/32) (a table) times a degree-5 polynomial of r = s - j ln2 / 32 (|r| <= ln2 /
 * 64, truncation error below 3e-15 relative): when medianEmployees exp(s) + 0.5 lies farther
 * than 1e-9 (relative) from an integer, the approximation's error (below 2e-14 relative) and
 * fdlibm's (below 2 ulp) cannot move it across one, and the count is the same; otherwise (and
 * for |s| > 20) fdlibm's exp decides. test/survey.survey.test.ts compares both forms.
 */
export function employeesOf(s: number): number {
  if (s > -20 && s < 20) {
    const j = Math.floor(s * EMP_INV + 0.5);
    const r = s - j * EMP_STEP;
    const poly = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
    const w = PLACEHOLDER.medianEmployees * (EMP_POW[(j >> 5) + 32] * EMP_T[j & 31] * poly) + 0.5;
    const k = Math.floor(w);
    const margin = 1e-9 * w;
    if (w - k > margin && k + 1 - w > margin) return Math.max(1, k);
  }
  return employeesExact(s);
}

/** employeesOf's reference: the count as the placeholder defines it. */
export function employeesExact(s: number): number {
  return Math.max(1, Math.floor(PLACEHOLDER.medianEmployees * exp(s) + 0.5));
}

const EMP_INV = 32 / Math.LN2;
const EMP_STEP = Math.LN2 / 32;
/** 2^(m/32), m = 0..31 (fdlibm's exp, within an ulp). */
const EMP_T = Float64Array.from({ length: 32 }, (_, m) => exp((m * Math.LN2) / 32));
/** 2^e for e = -32..31 (exact: powers of two by halving and doubling). */
const EMP_POW = new Float64Array(64);
EMP_POW[32] = 1;
for (let e = 1; e < 32; e++) EMP_POW[32 + e] = EMP_POW[31 + e] * 2;
for (let e = 1; e <= 32; e++) EMP_POW[32 - e] = EMP_POW[33 - e] / 2;

/** Scratch for the numbers drawn ahead (nothing returned points into them). */
let frameScratch = new Float64Array(0);
let uniformScratch = new Float64Array(0);
let sortScratch = new Int32Array(0);

export interface PlaceholderSetup {
  p: number;
  /** cov(latent, export index) */
  w: Float64Array;
  /** PERF given the export index: mean w[PERF] x, standard deviation sPerf. */
  sPerf: number;
  /** The other constructs given (x, PERF): mean w x + g (PERF - w[PERF] x), Cholesky L6. */
  others: number[];
  g: Float64Array;
  L6: Mat;
}

/** Precompute the conditional draws of latent scores given the export index. */
export function placeholderSetup(R: Mat): PlaceholderSetup {
  const p = CONSTRUCTS.length;
  const a = new Float64Array(p);
  a[IEO] = PLACEHOLDER.exportOnIEO;
  a[PERF] = PLACEHOLDER.exportOnPERF;
  const w = new Float64Array(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) w[i] += R[i * p + j] * a[j];
  const C = R.slice();
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * p + j] -= w[i] * w[j];
  const cPP = C[PERF * p + PERF];
  const others = CONSTRUCTS.map((_, i) => i).filter((i) => i !== PERF);
  const q = others.length;
  const g = new Float64Array(q);
  const C6 = new Float64Array(q * q);
  others.forEach((oi, i) => {
    g[i] = C[oi * p + PERF] / cPP;
    others.forEach((oj, j) => {
      C6[i * q + j] = C[oi * p + oj] - (C[oi * p + PERF] * C[PERF * p + oj]) / cPP;
    });
  });
  const L6 = cholesky(C6, q);
  if (!(cPP > 0) || !L6)
    throw new Error("placeholder frame: conditional latent covariance not positive definite");
  return { p, w, sPerf: Math.sqrt(cPP), others, g, L6 };
}

/**
 * Streams a survey draws from anyway, drawn ahead alongside the frame's own (each pair of
 * Alea recurrences interleaved, see fillNormalsPair): the same numbers, in less time.
 */
export interface FrameAlong {
  /** Normals drawn with the frame's normals (the item answers'). */
  normals?: NormalsJob;
  /** Uniforms drawn with the frame's uniforms (the mailing's). */
  uniforms?: NormalsJob;
  /** Normals drawn with the lazily completed construct scores' (the response propensities'). */
  rest?: NormalsJob;
  /** How many respondents' construct scores to draw ahead (with `rest`). */
  restRows?: number;
}

/**
 * Draw `count` firms that meet the frame criteria from the PLACEHOLDER super-population
 * (firms are screened one by one until `count` qualify; `screened` says how many were looked
 * at; uniforms from `stream`, normals from `normalStream`). Latent scores have correlation matrix R (setup from placeholderSetup(R)). PERF and the
 * attributes are drawn for every firm; the other six construct scores only for the firms
 * runSurvey asks for (completeLatent, from a second stream), since only respondents answer.
 */
export function drawPlaceholderFrame(
  setup: PlaceholderSetup,
  criteria: FrameCriteria,
  count: number,
  stream: Stream,
  normalStream: Stream,
  restStream: Stream,
  maxScreened = count * 1000,
  along: FrameAlong = {},
): SurveyUniverse {
  const { w, sPerf } = setup;
  const latent = CONSTRUCTS.map(() => freshFloat64(count));
  const at: FirmAttributes = {
    foundingYear: freshFloat64(count),
    exportShare: freshFloat64(count),
    employees: freshFloat64(count),
    sales: freshFloat64(count),
    salesGrowth: freshFloat64(count),
    roi: freshFloat64(count),
    productCategory: freshFloat64(count),
  };
  const xs = freshFloat64(count);
  const P = PLACEHOLDER;
  const minYear = criteria.minFoundingYear ?? Number.NEGATIVE_INFINITY;
  const xCut =
    criteria.minExportShare <= 0
      ? Number.NEGATIVE_INFINITY
      : criteria.minExportShare >= 1
        ? Number.POSITIVE_INFINITY
        : (normalQuantile(criteria.minExportShare) - P.exportIntercept) / P.exportSlope;
  // floor(surveyYear - age) >= minYear  <=>  age <= surveyYear - minYear
  const uMaxAge =
    minYear === Number.NEGATIVE_INFINITY
      ? 1
      : 1 - exp(-Math.max(0, SAMPLE.surveyYear - minYear) / P.meanAge);
  // The numbers the frame is expected to take, drawn ahead: a uniform (age) for every firm
  // screened, a normal (x) for every firm past the founding-year criterion, five more normals
  // and a uniform (product category) for each that also meets the export criterion.
  const px = Math.max(xCut === Number.NEGATIVE_INFINITY ? 1 : normalCdf(-xCut), 0.02);
  const nAhead = Math.min(1 << 16, Math.ceil(count * (5 + 1 / px)));
  const uAhead = Math.min(1 << 16, Math.ceil(count * (1 + 1 / (px * Math.max(uMaxAge, 0.02)))));
  if (frameScratch.length < nAhead) frameScratch = new Float64Array(nAhead);
  if (uniformScratch.length < uAhead) uniformScratch = new Float64Array(uAhead);
  const zs = frameScratch;
  const us = uniformScratch;
  if (along.normals) {
    const o = along.normals;
    fillNormalsPair(normalStream, zs, nAhead, o.stream, o.out, o.count);
  } else fillNormals(normalStream, zs, 0, nAhead);
  if (along.uniforms) {
    const o = along.uniforms;
    fillUniformsPair(stream, us, uAhead, o.stream, o.out, o.count);
  } else fillUniformsPair(stream, us, uAhead, stream, us, 0);
  const z = new Normals(normalStream, zs, nAhead);
  let ui = 0;
  const wP = w[PERF];
  const sSize = Math.sqrt(1 - P.sizeOnPERF ** 2);
  const sGrowth = Math.sqrt(1 - P.growthOnPERF ** 2);
  const sRoi = Math.sqrt(1 - P.roiOnPERF ** 2);
  const perfCol = latent[PERF];
  let screened = 0;
  let got = 0;
  while (got < count) {
    if (screened >= maxScreened)
      throw new SurveyConfigError(
        "survey.frame",
        `the frame criteria survey.frame.minFoundingYear = ${criteria.minFoundingYear} and survey.frame.minExportShare = ${criteria.minExportShare} admit too few firms: ${got} of ${screened} screened (${count} needed); relax them`,
      );
    screened++;
    // age = -meanAge log(1 - U): founded in minYear or later iff U <= uMaxAge (no log needed)
    const uAge = ui < uAhead ? us[ui++] : stream.next();
    if (uAge > uMaxAge) continue;
    const x = z.next();
    if (x < xCut) continue;
    const year = foundingYearOf(uAge);
    const i = got++;
    xs[i] = x;
    const perf = wP * x + sPerf * z.next();
    perfCol[i] = perf;
    // round half up (Math.floor(x + 0.5) is Math.round, faster in V8), at least 1 employee
    const emp = employeesOf(P.sizeOnPERF * perf + sSize * z.next());
    at.foundingYear[i] = year;
    at.exportShare[i] = normalCdf(P.exportIntercept + P.exportSlope * x);
    at.employees[i] = emp;
    at.sales[i] = emp * P.salesPerEmployee * exp(P.salesPerEmployeeSpread * z.next());
    at.salesGrowth[i] = P.growthMean + P.growthSd * (P.growthOnPERF * perf + sGrowth * z.next());
    at.roi[i] = P.roiMean + P.roiSd * (P.roiOnPERF * perf + sRoi * z.next());
    at.productCategory[i] = (ui < uAhead ? us[ui++] : stream.next()) < P.industrialShare ? 1 : 0;
  }
  // The construct scores' normals (six per respondent, stream restStream) drawn ahead for the
  // respondents expected, interleaved with `along.rest`; completeLatent draws any more.
  const { others, g, L6 } = setup;
  const q = others.length;
  const restAhead = Math.min(1 << 16, (along.restRows ?? 0) * q);
  const rest = restAhead > 0 ? freshFloat64(restAhead) : new Float64Array(0);
  if (along.rest) {
    const o = along.rest;
    fillNormalsPair(restStream, rest, restAhead, o.stream, o.out, o.count);
  } else fillNormals(restStream, rest, 0, restAhead);
  let pos = 0; // the stream's normals used so far (rest[0, restAhead), then the stream's own)
  const cols = others.map((o) => latent[o]);
  const wo = Float64Array.from(others, (o) => w[o]);
  const completeLatent = (rows: ArrayLike<number>) => {
    if (sortScratch.length < rows.length) sortScratch = new Int32Array(rows.length);
    const sorted = sortScratch.subarray(0, rows.length);
    sorted.set(rows);
    sorted.sort();
    const need = sorted.length * q;
    let e = rest;
    if (pos > 0 || need > restAhead) {
      e = new Float64Array(need);
      const fromAhead = Math.max(0, Math.min(need, restAhead - pos));
      e.set(rest.subarray(pos, pos + fromAhead));
      fillNormals(restStream, e, fromAhead, need);
    }
    pos += need;
    for (let k = 0; k < sorted.length; k++) {
      const i = sorted[k];
      if (k > 0 && sorted[k - 1] === i) continue;
      const eb = k * q;
      const resid = perfCol[i] - wP * xs[i];
      const x = xs[i];
      for (let j = 0; j < q; j++) {
        let v = wo[j] * x + g[j] * resid;
        for (let m = 0; m <= j; m++) v += L6[j * q + m] * e[eb + m];
        cols[j][i] = v;
      }
    }
  };
  return { n: count, latent, attributes: at, screened, completeLatent };
}

/** Whether the placeholder links the frame criteria to the constructs (selection on them). */
export function placeholderFrameSelects(criteria: FrameCriteria): boolean {
  return criteria.minExportShare > 0;
}
