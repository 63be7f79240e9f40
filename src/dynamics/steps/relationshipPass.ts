import { normal } from "../../random/deviates.ts";
import { M_EXITS, M_REPLACEMENTS } from "../aggregates.ts";
import { EV_EXIT, EV_REPLACE } from "../events.ts";
import { distributorCompetence, replacementRate } from "../mechanisms/distributor.ts";
import { marketExitRate } from "../mechanisms/exit.ts";
import { marketPerformance, smooth } from "../mechanisms/performance.ts";
import { marketSales } from "../mechanisms/sales.ts";
import { MATCHMAKING } from "../policy.ts";
import type { World } from "../world.ts";
import { unitExp } from "./founding.ts";

/** Relationship i ended at step s (withdrawal or firm exit): survival counters, exits. */
function endRelationship(w: World, i: number, s: number): void {
  const start = w.spells.start[i];
  if (start <= w.T - 1 - 2 * w.spy && s - start < 2 * w.spy) w.spellsEndedEarly++;
  const m = w.spells.market[i];
  w.agg.countryExits[m * w.T + s]++;
  w.agg.regionExits[w.mk.region[m] * w.T + s]++;
}

/**
 * Step 4, every firm-market relationship: relationships of firms that exited end; performance,
 * sales and smoothed performance are updated; withdrawal and distributor replacement compete
 * on one integrated-hazard clock.
 */
export function relationshipPass(w: World, s: number): void {
  const { T, M, dt, bL, qcell, presence, marketShock, firmShock, shockStep, sizeFactor } = w;
  const { rampTab, newSpellTab, divTab, snap, agg, spells, sMExit, sFShock } = w;
  const firms = w.firms;
  const { exitStep, knowledge, perfBase, foreignSales, status, served, servedAttr } = firms;
  const LFDC = firms.latent.LFDC;
  const d = w.d;
  const sdF = d.performance.firmShockSd;
  const wSmooth = d.performance.smoothing;
  const kPerf = d.performance.knowledge;
  const pe = d.sales.performance;
  const mx = w.pMarketExit;
  const replaceBelow = d.distributor.replaceBelow;
  const replaceRate = d.distributor.replaceRate;
  const wD = d.distributor.lfdcWeight;
  const psychic = w.mk.psychic;
  const region = w.mk.region;
  const countryPresence = agg.countryPresence;
  const regionPresence = agg.regionPresence;
  const inWindow = s > w.winStart && s <= w.cal.surveyStep;
  const atSurvey = s === w.cal.surveyStep;
  const spFirm = spells.firm;
  const spMarket = spells.market;
  const spStart = spells.start;
  const spComp = spells.competence;
  const spSmooth = spells.smoothed;
  const spH = spells.h;
  const spE = spells.e;
  const spWinSum = spells.winSum;
  const spWinN = spells.winN;
  let steps = 0;
  let i = 0;
  while (i < spells.size) {
    const f = spFirm[i];
    const m = spMarket[i];
    if (exitStep[f] >= 0) {
      presence[f * M + m] = 2;
      endRelationship(w, i, s);
      spells.remove(i);
      continue;
    }
    steps++;
    if (shockStep[f] !== s) {
      shockStep[f] = s;
      firmShock[f] = sdF * normal(sFShock);
    }
    const ageSteps = s - spStart[i];
    const K = knowledge[f];
    const perf = marketPerformance(
      perfBase[f],
      bL,
      spComp[i],
      kPerf,
      K,
      marketShock[m],
      firmShock[f],
    );
    const sm = smooth(spSmooth[i], perf, wSmooth);
    spSmooth[i] = sm;
    const sales = marketSales(sizeFactor[m], pe, perf, rampTab[ageSteps]);
    foreignSales[f] += sales;
    agg.perf(status[f] * 16 + qcell[f], perf);
    countryPresence[m * T + s]++;
    regionPresence[region[m] * T + s]++;
    if (inWindow) {
      spWinSum[i] += perf;
      spWinN[i]++;
      if (atSurvey && sales > snap.mainSales[f]) {
        snap.mainSales[f] = sales;
        snap.mainMarket[f] = m;
        snap.perf3y[f] = spWinSum[i] / spWinN[i];
      }
    }
    const hx = marketExitRate(mx, sm, psychic[m], K, newSpellTab[ageSteps], divTab[served[f]]);
    const hr = replacementRate(sm, replaceBelow, replaceRate);
    const H = spH[i] + (hx + hr) * dt;
    if (H >= spE[i]) {
      spH[i] = 0;
      spE[i] = unitExp(sMExit);
      if (sMExit.next() * (hx + hr) < hx) {
        presence[f * M + m] = 2;
        served[f]--;
        servedAttr[f] -= w.A[m];
        if (served[f] === 0) servedAttr[f] = 0;
        agg.cell(M_EXITS, status[f] * 16 + qcell[f], 1);
        w.log?.push(s, f, m, EV_EXIT);
        endRelationship(w, i, s);
        spells.remove(i);
        continue;
      }
      let shift = 0;
      if (firms.treated[f] & MATCHMAKING && s >= w.policyStep) {
        shift = w.pol.matchmaking.competenceShift;
        w.policyCost += w.pol.matchmaking.costPerEntry;
      }
      const D = distributorCompetence(LFDC[f], normal(w.sDist), wD, shift);
      spComp[i] = D;
      spSmooth[i] = perfBase[f] + bL * D + kPerf * K;
      agg.cell(M_REPLACEMENTS, status[f] * 16 + qcell[f], 1);
      w.log?.push(s, f, m, EV_REPLACE, D);
    } else spH[i] = H;
    i++;
  }
  w.spellSteps += steps;
}
