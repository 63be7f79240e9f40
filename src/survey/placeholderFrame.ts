import { normalCdf, normalQuantile } from "../math/distributions.ts";
import { exp, log } from "../math/fdlibm.ts";
import { cholesky, type Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { SAMPLE } from "../paper/sample.ts";
import type { Stream } from "../random/stream.ts";
import { fillNormalsFast as fillNormals, fillNormalsPair, type NormalsJob } from "./fastNormals.ts";
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

/** Scratch for the frame's normals drawn ahead (nothing returned points into it). */
let frameScratch = new Float64Array(0);

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
  partner?: NormalsJob,
): SurveyUniverse {
  const { w, sPerf } = setup;
  const latent = CONSTRUCTS.map(() => new Float64Array(count));
  const at: FirmAttributes = {
    foundingYear: new Float64Array(count),
    exportShare: new Float64Array(count),
    employees: new Float64Array(count),
    sales: new Float64Array(count),
    salesGrowth: new Float64Array(count),
    roi: new Float64Array(count),
    productCategory: new Float64Array(count),
  };
  const xs = new Float64Array(count);
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
  // The normals the frame is expected to take (x for every firm past the founding-year
  // criterion, five more for each that also meets the export criterion), drawn ahead and, with
  // a partner job (the item answers' normals), interleaved with it (fillNormalsPair).
  const px = xCut === Number.NEGATIVE_INFINITY ? 1 : normalCdf(-xCut);
  const ahead = Math.min(1 << 16, Math.ceil(count * (5 + 1 / Math.max(px, 0.02))));
  if (frameScratch.length < ahead) frameScratch = new Float64Array(ahead);
  if (partner)
    fillNormalsPair(normalStream, frameScratch, ahead, partner.stream, partner.out, partner.count);
  else fillNormals(normalStream, frameScratch, 0, ahead);
  const z = new Normals(normalStream, frameScratch, ahead);
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
    const uAge = stream.next();
    if (uAge > uMaxAge) continue;
    const x = z.next();
    if (x < xCut) continue;
    const year = Math.floor(SAMPLE.surveyYear + log(1 - uAge) * P.meanAge);
    const i = got++;
    xs[i] = x;
    const perf = wP * x + sPerf * z.next();
    perfCol[i] = perf;
    // round half up (Math.floor(x + 0.5) is Math.round, faster in V8), at least 1 employee
    const emp = Math.max(
      1,
      Math.floor(P.medianEmployees * exp(P.sizeOnPERF * perf + sSize * z.next()) + 0.5),
    );
    at.foundingYear[i] = year;
    at.exportShare[i] = normalCdf(P.exportIntercept + P.exportSlope * x);
    at.employees[i] = emp;
    at.sales[i] = emp * P.salesPerEmployee * exp(P.salesPerEmployeeSpread * z.next());
    at.salesGrowth[i] = P.growthMean + P.growthSd * (P.growthOnPERF * perf + sGrowth * z.next());
    at.roi[i] = P.roiMean + P.roiSd * (P.roiOnPERF * perf + sRoi * z.next());
    at.productCategory[i] = stream.next() < P.industrialShare ? 1 : 0;
  }
  const completeLatent = (rows: ArrayLike<number>) => {
    const sorted = Int32Array.from(rows).sort();
    const { others, g, L6 } = setup;
    const q = others.length;
    const e = new Float64Array(sorted.length * q);
    fillNormals(restStream, e);
    for (let k = 0; k < sorted.length; k++) {
      const i = sorted[k];
      if (k > 0 && sorted[k - 1] === i) continue;
      const eb = k * q;
      const resid = perfCol[i] - wP * xs[i];
      for (let j = 0; j < q; j++) {
        let v = w[others[j]] * xs[i] + g[j] * resid;
        for (let m = 0; m <= j; m++) v += L6[j * q + m] * e[eb + m];
        latent[others[j]][i] = v;
      }
    }
  };
  return { n: count, latent, attributes: at, screened, completeLatent };
}

/** Whether the placeholder links the frame criteria to the constructs (selection on them). */
export function placeholderFrameSelects(criteria: FrameCriteria): boolean {
  return criteria.minExportShare > 0;
}
