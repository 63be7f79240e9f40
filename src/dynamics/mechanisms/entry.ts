import { exp, log } from "../../math/fdlibm.ts";
import type { DynamicsConfig } from "../../scenario/sections/dynamics.ts";
import type { MarketTable } from "../markets/table.ts";

type EntryParams = DynamicsConfig["entry"];

/**
 * Entry submodel. The hazard (per year) of firm f entering a market m it does not serve is
 *   h_fm(t) = baseRate * G(t) * F_f(t) * A_m
 * - A_m, the market's attractiveness (gravity, Uppsala): GDP relative to home to the power
 *   marketSize, times exp(-psychicDistance * KogutSingh_m), times (km_m / 1000)^-geographicDistance;
 * - F_f, the firm's propensity: exp(ieo * IEO + imo * IMO + knowledge * K_f - heritage * a_f),
 *   a_f the domestic age before the first entry (frozen at the first entry);
 * - G(t) = exp(globalisationTrend * (t - startYear)), the calendar trend (ICT, logistics).
 * Because the hazard separates, a firm's total hazard is baseRate G F (sum of A over the
 * markets it does not serve): one clock per firm draws the time of its next entry, then the
 * market is drawn with probability proportional to A_m (marketChoice.ts).
 */
export function attractiveness(
  markets: MarketTable,
  p: Pick<EntryParams, "marketSize" | "psychicDistance" | "geographicDistance">,
  distanceScale = 1,
): Float64Array {
  const a = new Float64Array(markets.m);
  for (let m = 0; m < markets.m; m++) {
    a[m] =
      exp(p.marketSize * log(markets.relGdp[m])) *
      exp(-p.psychicDistance * distanceScale * markets.psychic[m]) *
      exp(-p.geographicDistance * distanceScale * log(Math.max(markets.distanceKm[m], 100) / 1000));
  }
  return a;
}

/** Log of the firm factor F_f (see above). */
export function firmEntryLog(
  p: Pick<EntryParams, "ieo" | "imo" | "knowledge" | "heritage">,
  ieo: number,
  imo: number,
  knowledge: number,
  domesticAge: number,
): number {
  return p.ieo * ieo + p.imo * imo + p.knowledge * knowledge - p.heritage * domesticAge;
}

/** Calendar trend G(t): growth `trend` per year since `baseYear`. */
export function globalisation(trend: number, year: number, baseYear: number): number {
  return exp(trend * (year - baseYear));
}
