import { exp } from "../../math/fdlibm.ts";
/**
 * Learning submodel: international knowledge accumulates from experience with diminishing
 * returns,
 *   K = 1 - exp(-(perMarket * markets ever entered + perYearAbroad * years since first entry)) + bonus
 * capped below 1. Knowledge raises the entry hazard (entry.knowledge), performance
 * (performance.knowledge) and market survival (marketExit.knowledge). `bonus` is what export
 * promotion adds.
 */
export function knowledge(
  marketsEver: number,
  yearsAbroad: number,
  perMarket: number,
  perYear: number,
  bonus: number,
): number {
  const k = 1 - exp(-(perMarket * marketsEver + perYear * yearsAbroad)) + bonus;
  return Math.max(0, Math.min(k, 0.999));
}

/**
 * The same knowledge from precomputed decay factors exp(-perMarket * markets) and
 * exp(-perYearAbroad * years) (the scheduler tabulates them by count and age in steps).
 */
export function knowledgeFromDecays(marketDecay: number, yearDecay: number, bonus: number): number {
  return Math.max(0, Math.min(1 - marketDecay * yearDecay + bonus, 0.999));
}
