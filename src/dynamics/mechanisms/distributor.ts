/**
 * Distributor submodel. Every entry goes through an independent foreign distributor whose
 * competence (SD units) mixes the firm's ability to leverage distributors (LFDC) and luck:
 *   D = w * LFDC + sqrt(1 - w^2) * u + shift,   u ~ N(0, 1)
 * so that D has unit variance and correlation w with LFDC; `shift` is the matchmaking lever.
 * A market's performance uses b(LFDC -> PERF) * D in place of the firm's LFDC term (H5d).
 */
export function distributorCompetence(lfdc: number, u: number, w: number, shift: number): number {
  return w * lfdc + Math.sqrt(1 - w * w) * u + shift;
}

/**
 * Hazard per year of replacing the distributor: replaceRate while the market's smoothed
 * performance is below the threshold, else 0. The replacement is a fresh draw of D.
 */
export function replacementRate(
  smoothedPerf: number,
  replaceBelow: number,
  replaceRate: number,
): number {
  return smoothedPerf < replaceBelow ? replaceRate : 0;
}
