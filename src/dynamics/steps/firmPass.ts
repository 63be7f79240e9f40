import { exp } from "../../math/fdlibm.ts";
import { normal } from "../../random/deviates.ts";
import { M_ENTRIES, M_FIRM_EXITS, M_NEW_EXPORTERS } from "../aggregates.ts";
import { EV_ENTRY, EV_FIRM_EXIT } from "../events.ts";
import { distributorCompetence } from "../mechanisms/distributor.ts";
import { firmEntryLog, globalisation } from "../mechanisms/entry.ts";
import { knowledgeFromDecays } from "../mechanisms/learning.ts";
import { chooseMarket } from "../mechanisms/marketChoice.ts";
import { MATCHMAKING } from "../policy.ts";
import type { World } from "../world.ts";
import { unitExp } from "./founding.ts";

/**
 * The entry hazard's calendar part for step s, per step: baseRate * G(t) * dt, with G the
 * globalisation trend times the trade-cost lever's extra trend after the policy start.
 */
export function entryRateThisStep(w: World, s: number): number {
  const d = w.d;
  const year = d.startYear + s * w.dt;
  const G =
    globalisation(d.entry.globalisationTrend, year, d.startYear) *
    (s >= w.policyStep ? exp(w.pol.tradeCost.entryTrendChange * (year - w.pol.startYear)) : 1);
  return d.entry.baseRate * G * w.dt;
}

/** Firm f enters market m at step s through a newly signed distributor. */
export function enterMarket(w: World, f: number, m: number, s: number, ageY: number): void {
  const firms = w.firms;
  const row = f * w.M;
  if (w.presence[row + m] === 0) firms.ever[f]++;
  w.presence[row + m] = 1;
  firms.served[f]++;
  firms.servedAttr[f] += w.A[m];
  const cell = firms.status[f] * 16 + w.qcell[f];
  if (firms.firstEntry[f] < 0) {
    firms.firstEntry[f] = s;
    firms.heritageAge[f] = ageY;
    w.agg.cell(M_NEW_EXPORTERS, cell, 1);
  }
  let shift = 0;
  if (firms.treated[f] & MATCHMAKING && s >= w.policyStep) {
    shift = w.pol.matchmaking.competenceShift;
    w.policyCost += w.pol.matchmaking.costPerEntry;
  }
  const D = distributorCompetence(
    firms.latent.LFDC[f],
    normal(w.sDist),
    w.d.distributor.lfdcWeight,
    shift,
  );
  const expected = firms.perfBase[f] + w.bL * D + w.d.performance.knowledge * firms.knowledge[f];
  w.spells.add(f, m, s, D, expected, unitExp(w.sMExit));
  if (s <= w.T - 1 - 2 * w.spy) w.spellsEligible++;
  w.agg.cell(M_ENTRIES, cell, 1);
  w.agg.countryEntries[m * w.T + s]++;
  w.agg.regionEntries[w.mk.region[m] * w.T + s]++;
  w.log?.push(s, f, m, EV_ENTRY, D);
}

/**
 * Step 3, every living firm: firm exit (liability of newness), learning, then entry. The
 * firm's total entry hazard over the markets it does not serve is integrated over the step
 * against its unit-exponential threshold; each crossing is an entry into a market drawn in
 * proportion to attractiveness, and the remaining hazard is rescaled to the markets left.
 */
export function firmPass(w: World, s: number): void {
  const rate0 = entryRateThisStep(w, s);
  const { alive, aliveN, dt, spy, T, qcell, exitProp, entryStatic, newnessTab } = w;
  const { decayMarkets, decayYears, windowSteps, earlyMult, pEntry, presence, M } = w;
  const firms = w.firms;
  const { found, firstEntry, exitStep, exitH, exitE, ever, knowledge, knowledgeBonus } = firms;
  const { heritageAge, servedAttr, served, entryH, entryE, status } = firms;
  const fexBase = w.pFirmExit.baseRate * dt;
  for (let ai = 0; ai < aliveN; ai++) {
    const f = alive[ai];
    const ageSteps = s - found[f];
    const ageY = ageSteps * dt;
    const fe = firstEntry[f];
    const early = fe >= 0 && fe - found[f] < windowSteps;
    // firmExitRate(pFirmExit, PERF_f, newness, early) * dt, its firm constant cached in exitProp:
    exitH[f] += fexBase * exitProp[f] * newnessTab[ageSteps] * (early ? earlyMult : 1);
    if (exitH[f] >= exitE[f]) {
      exitStep[f] = s;
      if (fe >= 0 && s <= fe + spy && fe + spy < T) {
        w.firstEntriesChecked++;
        w.quitWithinYear++;
      }
      w.agg.cell(M_FIRM_EXITS, status[f] * 16 + qcell[f], 1);
      w.log?.push(s, f, -1, EV_FIRM_EXIT);
      continue;
    }
    const K =
      fe >= 0
        ? knowledgeFromDecays(decayMarkets[ever[f]], decayYears[s - fe], knowledgeBonus[f])
        : knowledgeFromDecays(1, 1, knowledgeBonus[f]);
    knowledge[f] = K;
    if (fe < 0) heritageAge[f] = ageY;
    let unserved = w.Atotal - servedAttr[f];
    if (unserved <= 1e-12) continue;
    // firmEntryLog(pEntry, IEO, IMO, K, a) = its IEO/IMO part (cached) + the dynamic part:
    const rate = rate0 * exp(entryStatic[f] + firmEntryLog(pEntry, 0, 0, K, heritageAge[f]));
    let rem = rate * unserved;
    let H = entryH[f];
    let E = entryE[f];
    while (H + rem >= E) {
      rem -= E - H;
      const m = chooseMarket(w.sChoice, w.alias, w.A, presence, f * M, servedAttr[f]);
      enterMarket(w, f, m, s, ageY);
      H = 0;
      E = unitExp(w.sEntry);
      const left = w.Atotal - servedAttr[f];
      if (left <= 1e-12 || served[f] >= M) {
        rem = 0;
        break;
      }
      rem *= left / unserved;
      unserved = left;
    }
    entryH[f] = H + rem;
    entryE[f] = E;
  }
}
