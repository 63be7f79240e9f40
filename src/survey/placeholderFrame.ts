import { normalCdf } from "../math/distributions.ts";
import { cholesky, type Mat } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { SAMPLE } from "../paper/sample.ts";
import type { Stream } from "../random/stream.ts";
import type { FirmAttributes, FrameCriteria, SurveyUniverse } from "./frame.ts";

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

/** Buffered standard normals from a stream (both values of each polar pair are used). */
class Normals {
  private spare = 0;
  private has = false;
  constructor(private s: Stream) {}
  next(): number {
    if (this.has) {
      this.has = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let r: number;
    do {
      u = 2 * this.s.next() - 1;
      v = 2 * this.s.next() - 1;
      r = u * u + v * v;
    } while (r >= 1 || r === 0);
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    this.spare = v * f;
    this.has = true;
    return u * f;
  }
}

export interface PlaceholderSetup {
  p: number;
  /** cov(latent, export index) */
  w: Float64Array;
  /** Cholesky factor of cov(latent | export index). */
  L: Mat;
}

/** Precompute the conditional draw of latent scores given the export index. */
export function placeholderSetup(R: Mat): PlaceholderSetup {
  const p = CONSTRUCTS.length;
  const a = new Float64Array(p);
  a[IEO] = PLACEHOLDER.exportOnIEO;
  a[PERF] = PLACEHOLDER.exportOnPERF;
  const w = new Float64Array(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) w[i] += R[i * p + j] * a[j];
  const C = R.slice();
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * p + j] -= w[i] * w[j];
  const L = cholesky(C, p);
  if (!L) throw new Error("placeholder frame: conditional latent covariance not positive definite");
  return { p, w, L };
}

/**
 * Draw `count` firms that meet the frame criteria from the PLACEHOLDER super-population
 * (firms are screened one by one until `count` qualify; `screened` says how many were looked
 * at). Latent scores have correlation matrix R (setup from placeholderSetup(R)).
 */
export function drawPlaceholderFrame(
  setup: PlaceholderSetup,
  criteria: FrameCriteria,
  count: number,
  stream: Stream,
  maxScreened = count * 1000,
): SurveyUniverse {
  const { p, w, L } = setup;
  const z = new Normals(stream);
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
  const P = PLACEHOLDER;
  const e = new Float64Array(p);
  let screened = 0;
  let got = 0;
  while (got < count) {
    if (screened >= maxScreened)
      throw new Error(
        `the frame criteria (founded >= ${criteria.minFoundingYear}, export share >= ${criteria.minExportShare}) admit too few firms: ${got} of ${screened} screened`,
      );
    screened++;
    const age = -Math.log(1 - stream.next()) * P.meanAge;
    const year = Math.floor(SAMPLE.surveyYear - age);
    const x = z.next();
    const share = normalCdf(P.exportIntercept + P.exportSlope * x);
    if (
      (criteria.minFoundingYear !== null && year < criteria.minFoundingYear) ||
      share < criteria.minExportShare
    )
      continue;
    const i = got++;
    for (let k = 0; k < p; k++) e[k] = z.next();
    for (let c = 0; c < p; c++) {
      let s = w[c] * x;
      for (let k = 0; k <= c; k++) s += L[c * p + k] * e[k];
      latent[c][i] = s;
    }
    const perf = latent[PERF][i];
    const size = P.sizeOnPERF * perf + Math.sqrt(1 - P.sizeOnPERF ** 2) * z.next();
    const emp = Math.max(1, Math.round(P.medianEmployees * Math.exp(size)));
    at.foundingYear[i] = year;
    at.exportShare[i] = share;
    at.employees[i] = emp;
    at.sales[i] = emp * P.salesPerEmployee * Math.exp(P.salesPerEmployeeSpread * z.next());
    at.salesGrowth[i] =
      P.growthMean +
      P.growthSd * (P.growthOnPERF * perf + Math.sqrt(1 - P.growthOnPERF ** 2) * z.next());
    at.roi[i] =
      P.roiMean + P.roiSd * (P.roiOnPERF * perf + Math.sqrt(1 - P.roiOnPERF ** 2) * z.next());
    at.productCategory[i] = stream.next() < P.industrialShare ? 1 : 0;
  }
  return { n: count, latent, attributes: at, screened };
}

/** Whether the placeholder links the frame criteria to the constructs (selection on them). */
export function placeholderFrameSelects(criteria: FrameCriteria): boolean {
  return criteria.minExportShare > 0;
}
