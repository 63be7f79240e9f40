/**
 * Performance of firm f in market m in period t (SD units of the latent PERF):
 *   P_fmt = perfBase_f + b_LFDC * D_fm + kEffect * K_f + sdMarket * e_mt + sdFirm * e_ft
 * perfBase_f is the firm's H5 propensity (b_GTC GTC + b_UPD UPD + b_QF QF + residual) without
 * its LFDC term, which the market's distributor competence D_fm replaces; K_f is knowledge
 * (learning.ts); e_mt and e_ft are standard normal market-period and firm-period shocks.
 * With D = LFDC, no knowledge and no shocks it equals the firm's latent PERF.
 */
export function marketPerformance(
  perfBase: number,
  bLfdc: number,
  competence: number,
  kEffect: number,
  knowledge: number,
  marketShock: number,
  firmShock: number,
): number {
  return perfBase + bLfdc * competence + kEffect * knowledge + marketShock + firmShock;
}

/** Exponentially smoothed performance: the memory that makes poor performance "persistent". */
export function smooth(previous: number, current: number, weight: number): number {
  return previous + weight * (current - previous);
}
