import type { CountryRecord } from "./countries.ts";

/** Mean Earth radius in km (IUGG). */
export const EARTH_RADIUS_KM = 6371.0088;

/**
 * Great-circle distance in km between two points (haversine formula), degrees in, before
 * rounding. Math.sin/cos/asin may differ in the last bit between JavaScript engines (Node 20 and
 * Chromium do), so this raw value is not engine-independent; use greatCircleKm.
 */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const a =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Great-circle distance in km rounded to whole kilometres (our choice; capitals' coordinates are
 * good to a few km anyway). Used for the geographic distance between the home country's capital
 * and each market's. The rounding makes the distance engine-independent: a last-bit difference of
 * the trig functions (relative 1e-16, i.e. under 1e-11 km) cannot change a distance rounded to
 * 1 km unless the raw distance lies within 1e-6 km of a .5 boundary, which
 * test/dynamics.markets.test.ts checks does not happen for any pair of shipped countries.
 */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return Math.round(haversineKm(lat1, lon1, lat2, lon2));
}

export const HOFSTEDE_DIMENSIONS = ["pdi", "idv", "mas", "uai"] as const;

/** Sample variance (n - 1) of each Hofstede dimension over a set of countries. */
export function hofstedeVariances(countries: readonly CountryRecord[]): number[] {
  return HOFSTEDE_DIMENSIONS.map((d) => {
    const n = countries.length;
    let m = 0;
    for (const c of countries) m += c[d];
    m /= n;
    let v = 0;
    for (const c of countries) v += (c[d] - m) ** 2;
    return v / (n - 1);
  });
}

/**
 * Kogut & Singh (1988, JIBS 19(3), p. 422) cultural distance of country j from home h:
 *   CD_j = (1/4) * sum_i (I_ij - I_ih)^2 / V_i
 * over Hofstede's four dimensions i, with V_i the variance of dimension i across the
 * countries considered: here every country of the market list (built-in or the scenario's
 * markets.countries), home included, before markets.exclude removes markets (table.ts), so
 * that leaving a market out does not move the cultural distance of the others.
 */
export function kogutSingh(
  country: CountryRecord,
  home: CountryRecord,
  variances: readonly number[],
): number {
  let s = 0;
  HOFSTEDE_DIMENSIONS.forEach((d, i) => {
    // A dimension on which every country scores the same adds no distance (and no 0/0).
    if (variances[i] > 0) s += (country[d] - home[d]) ** 2 / variances[i];
  });
  return s / HOFSTEDE_DIMENSIONS.length;
}
