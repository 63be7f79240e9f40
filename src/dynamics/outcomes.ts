import { exp } from "../math/fdlibm.ts";
import type { DynamicsConfig } from "../scenario/sections/dynamics.ts";
import type { Calendar } from "./calendar.ts";
import type { FirmColumns } from "./firms.ts";
import { inSurveyedFrame, isBornGlobal } from "./status.ts";
import type { FirmOutcomes, SurveySnapshot } from "./types.ts";

/**
 * Employees at the survey date: median * exp(sd * z + growth * age + performance * PERF),
 * our size submodel; sales = employees * salesPerEmployee (US$ million).
 */
export function employees(
  p: DynamicsConfig["size"],
  sizeZ: number,
  ageYears: number,
  perf: number,
): number {
  return (
    p.medianEmployees *
    exp(p.sdLogEmployees * sizeZ + p.growthPerYear * ageYears + p.performance * perf)
  );
}

/** Per-firm outcomes from the firm columns and the survey snapshot. */
export function computeOutcomes(
  firms: FirmColumns,
  snap: SurveySnapshot,
  cal: Calendar,
  d: DynamicsConfig,
): FirmOutcomes {
  const n = firms.n;
  const dt = cal.dt;
  const windowSteps = Math.round(d.bornGlobal.windowYears * cal.stepsPerYear);
  const frameFromStep = (d.frame.foundedFrom - cal.startYear) * cal.stepsPerYear;
  const o: FirmOutcomes = {
    n,
    foundingStep: firms.found,
    foundingYear: new Float64Array(n),
    exitStep: firms.exitStep,
    firstEntryStep: firms.firstEntry,
    yearsToFirstEntry: new Float64Array(n),
    bornGlobal: new Uint8Array(n),
    inFrame: new Uint8Array(n),
    employees: new Float64Array(n),
    salesUsdM: new Float64Array(n),
    treated: firms.treated,
  };
  for (let f = 0; f < n; f++) {
    o.foundingYear[f] = cal.startYear + firms.found[f] * dt;
    const e = firms.firstEntry[f];
    o.yearsToFirstEntry[f] = e < 0 ? -1 : (e - firms.found[f]) * dt;
    if (!snap.alive[f]) continue;
    const fe = firms.firstEntry[f] <= snap.step ? firms.firstEntry[f] : -1;
    o.bornGlobal[f] = isBornGlobal(
      snap.served[f] > 0,
      firms.found[f],
      fe,
      snap.share[f],
      windowSteps,
      d.bornGlobal.minForeignShare,
    )
      ? 1
      : 0;
    o.inFrame[f] = inSurveyedFrame(
      firms.found[f],
      snap.share[f],
      frameFromStep,
      d.frame.minForeignShare,
    )
      ? 1
      : 0;
    const age = (snap.step - firms.found[f] + 1) * dt;
    o.employees[f] = employees(d.size, firms.sizeZ[f], age, firms.latent.PERF[f]);
    o.salesUsdM[f] = o.employees[f] * d.size.salesPerEmployee;
  }
  return o;
}
