import { CONSTRUCTS } from "../paper/constructs.ts";
import { normal } from "../random/deviates.ts";
import { derive } from "../random/stream.ts";
import type { FirmAttributes, SurveyUniverse } from "../survey/frame.ts";
import type { Latent } from "./firms.ts";
import type { DynamicsHistory } from "./types.ts";

/**
 * The survey's universe at the survey date: every firm founded by then and still alive, with
 * its latent scores (after policy shifts) and its simulated attributes. The survey applies its
 * own frame criteria (founding year, export share) to these.
 * - PERF: the firm's simulated performance in its main export market (largest sales at the
 *   survey date), averaged over the past 3 years (its latent PERF if it does not export),
 *   standardized over the universe so the survey's items see unit-variance scores;
 * - exportShare: the simulated foreign share of sales;
 * - foundingYear, employees, sales: simulated (outcomes.ts);
 * - salesGrowth (%) = 8 + 10 * PERF and roi (%) = 6 + 8 * (0.4 PERF + sqrt(0.84) e): the
 *   placeholder frame's scales (src/survey/placeholderFrame.ts), now driven by simulated PERF;
 * - productCategory: industrial with probability 0.75 (18 of 24 interviewed firms).
 */
export function surveyUniverse(
  h: DynamicsHistory,
  seed: number,
  replication: number,
): SurveyUniverse {
  const snap = h.survey;
  const o = h.firms;
  const rows: number[] = [];
  for (let f = 0; f < o.n; f++) if (snap.alive[f]) rows.push(f);
  const n = rows.length;
  let mean = 0;
  for (const f of rows) mean += snap.perf3y[f];
  mean /= n || 1;
  let v = 0;
  for (const f of rows) v += (snap.perf3y[f] - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(1, n - 1)) || 1;
  const latent = CONSTRUCTS.map(() => new Float64Array(n));
  const a: FirmAttributes = {
    foundingYear: new Float64Array(n),
    exportShare: new Float64Array(n),
    employees: new Float64Array(n),
    sales: new Float64Array(n),
    salesGrowth: new Float64Array(n),
    roi: new Float64Array(n),
    productCategory: new Float64Array(n),
  };
  const s = derive(seed, replication, "dynamics-survey-attributes");
  rows.forEach((f, i) => {
    CONSTRUCTS.forEach((c, j) => {
      latent[j][i] = c === "PERF" ? (snap.perf3y[f] - mean) / sd : h.latent[c as Latent][f];
    });
    const perf = latent[CONSTRUCTS.indexOf("PERF")][i];
    a.foundingYear[i] = o.foundingYear[f];
    a.exportShare[i] = snap.share[f];
    a.employees[i] = Math.max(1, Math.round(o.employees[f]));
    a.sales[i] = o.salesUsdM[f];
    a.salesGrowth[i] = 8 + 10 * perf;
    a.roi[i] = 6 + 8 * (0.4 * perf + Math.sqrt(0.84) * normal(s));
    a.productCategory[i] = s.next() < 0.75 ? 1 : 0;
  });
  return { n, latent, attributes: a, screened: n };
}
