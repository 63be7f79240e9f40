import { log } from "../../math/fdlibm.ts";
import { G_DOMESTIC } from "../aggregates.ts";
import { EV_FOUNDING } from "../events.ts";
import { attractiveness, firmEntryLog } from "../mechanisms/entry.ts";
import { firmExitPropensity } from "../mechanisms/exit.ts";
import { aliasTable } from "../mechanisms/marketChoice.ts";
import { activateTreatments } from "../policy.ts";
import type { World } from "../world.ts";

/** Unit exponential deviate: the threshold an integrated hazard must reach for an event. */
export function unitExp(s: { next(): number }): number {
  return -log(1 - s.next());
}

/** Cache the firm constants of the hazards (after founding and after a policy shift). */
export function setFirmConstants(w: World, f: number): void {
  const L = w.firms.latent;
  w.exitProp[f] = firmExitPropensity(w.pFirmExit.performance, L.PERF[f]);
  w.entryStatic[f] = firmEntryLog(w.pEntry, L.IEO[f], L.IMO[f], 0, 0);
}

/** Start firm f's policy treatments (once, at max(policy start, founding)). */
export function activateFirm(w: World, f: number): void {
  w.activated[f] = 1;
  w.policyCost += activateTreatments(w.firms, w.model, w.effects, w.bL, w.pol, f);
  setFirmConstants(w, f);
}

/**
 * Step 1a, at the policy start: treat the living firms founded earlier and apply the
 * distance-penalty change (attractiveness and every firm's served attractiveness recomputed).
 */
export function startPolicy(w: World): void {
  for (let i = 0; i < w.aliveN; i++) activateFirm(w, w.alive[i]);
  const change = w.pol.tradeCost.distancePenaltyChange;
  if (change === 0) return;
  w.A = attractiveness(w.mk, w.d.entry, 1 + change);
  w.alias = aliasTable(w.A);
  w.Atotal = w.alias.total;
  const { presence, A, M } = w;
  const servedAttr = w.firms.servedAttr;
  for (let f = 0; f < w.nextFound; f++) {
    let a = 0;
    const row = f * M;
    for (let m = 0; m < M; m++) if (presence[row + m] === 1) a += A[m];
    servedAttr[f] = a;
  }
}

/** Step 1b: found this step's cohort (thresholds drawn, treatments started if active). */
export function foundCohort(w: World, s: number): void {
  const firms = w.firms;
  const found = firms.found;
  while (w.nextFound < w.N && found[w.nextFound] === s) {
    const f = w.nextFound++;
    w.alive[w.aliveN++] = f;
    firms.entryE[f] = unitExp(w.sEntry);
    firms.exitE[f] = unitExp(w.sFExit);
    firms.status[f] = G_DOMESTIC;
    setFirmConstants(w, f);
    if (s >= w.policyStep) activateFirm(w, f);
    w.log?.push(s, f, -1, EV_FOUNDING);
  }
}
