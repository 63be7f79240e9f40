import { exp } from "../../math/fdlibm.ts";
/**
 * Sales submodel (units of the firm's initial domestic sales).
 * Sales in market m: scale * relGdp_m^marketSize * exp(performance * P_fmt) * ramp(age), with
 * ramp(age) = 1 - exp(-(age + dt) / rampYears): new exporters start small and grow
 * (Ruhl & Willis 2017). Domestic sales: domesticSales * exp(domesticGrowth * firm age).
 */
export function marketSales(
  sizeFactor: number,
  perfElasticity: number,
  perf: number,
  ramp: number,
): number {
  return sizeFactor * exp(perfElasticity * perf) * ramp;
}

/** Ramp-up factor of a relationship `ageYears` old (the step's own length included). */
export function ramp(ageYears: number, dt: number, rampYears: number): number {
  return rampYears <= 0 ? 1 : 1 - exp(-(ageYears + dt) / rampYears);
}

export function domesticSales(base: number, growth: number, ageYears: number): number {
  return base * exp(growth * ageYears);
}

/** Foreign share of total sales, in [0, 1]. */
export function foreignShare(foreign: number, domestic: number): number {
  const t = foreign + domestic;
  return t > 0 ? foreign / t : 0;
}
