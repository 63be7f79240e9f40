import { exp, log } from "../../math/fdlibm.ts";
/**
 * Exit submodels (hazards per year).
 *
 * Withdrawal from market m (Besedes & Prusa 2006; Albornoz et al. 2016; Volpe Martincus &
 * Carballo 2010):
 *   baseRate * exp(-performance * smoothedPerf + psychicDistance * KS_m - knowledge * K_f)
 *   * newRelationship(spell age) * servedMarkets^-diversification
 * The two age/scope factors are passed in (the scheduler tabulates them by age and count).
 */
export function marketExitRate(
  p: { baseRate: number; performance: number; psychicDistance: number; knowledge: number },
  smoothedPerf: number,
  psychic: number,
  knowledge: number,
  newFactor: number,
  diversificationFactor: number,
): number {
  return (
    p.baseRate *
    exp(-p.performance * smoothedPerf + p.psychicDistance * psychic - p.knowledge * knowledge) *
    newFactor *
    diversificationFactor
  );
}

/** Extra hazard of a young relationship: 1 + newSpell * exp(-age / newSpellYears). */
export function newRelationship(ageYears: number, newSpell: number, newSpellYears: number): number {
  return 1 + newSpell * exp(-ageYears / newSpellYears);
}

/** Scope factor: markets served to the power -diversification (at least one market). */
export function diversification(served: number, nu: number): number {
  return exp(-nu * log(Math.max(1, served)));
}

/**
 * Firm exit (liability of newness, Stinchcombe 1965; born-global survival as a parameter):
 *   baseRate * exp(-performance * PERF_f + earlyInternational * [entered abroad within the
 *   born-global window]) * newness(age),  newness(age) = 1 + newness * exp(-age / newnessYears)
 */
export function firmExitRate(
  p: { baseRate: number; performance: number; earlyInternational: number },
  perf: number,
  newnessFactor: number,
  earlyEntrant: boolean,
): number {
  return (
    p.baseRate *
    exp(-p.performance * perf + (earlyEntrant ? p.earlyInternational : 0)) *
    newnessFactor
  );
}

/** The firm-specific constant of firmExitRate: exp(-performance * PERF_f). */
export function firmExitPropensity(performance: number, perf: number): number {
  return exp(-performance * perf);
}
