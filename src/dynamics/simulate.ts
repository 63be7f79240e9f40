import { normal } from "../random/deviates.ts";
import { derive, type Stream } from "../random/stream.ts";
import type { Scenario } from "../scenario/schema.ts";
import { scenarioModel } from "../scenario/validate.ts";
import {
  AggregateRecorder,
  G_BORN_GLOBAL,
  G_DOMESTIC,
  G_GRADUAL,
  M_ENTRIES,
  M_EXITS,
  M_EXPORTERS,
  M_FIRM_EXITS,
  M_FIRMS,
  M_MARKETS,
  M_NEW_EXPORTERS,
  M_REPLACEMENTS,
  M_SHARE,
  quartile,
} from "./aggregates.ts";
import { type Calendar, makeCalendar } from "./calendar.ts";
import {
  EV_ENTRY,
  EV_EXIT,
  EV_FIRM_EXIT,
  EV_FOUNDING,
  EV_REPLACE,
  EventRecorder,
} from "./events.ts";
import { createFirms, foundingSteps, pathValue } from "./firms.ts";
import { buildMarkets } from "./markets/table.ts";
import { distributorCompetence, replacementRate } from "./mechanisms/distributor.ts";
import { attractiveness, firmEntryLog, globalisation } from "./mechanisms/entry.ts";
import {
  diversification,
  firmExitPropensity,
  marketExitRate,
  newRelationship,
} from "./mechanisms/exit.ts";
import { knowledgeFromDecays } from "./mechanisms/learning.ts";
import { aliasTable, chooseMarket } from "./mechanisms/marketChoice.ts";
import { marketPerformance, smooth } from "./mechanisms/performance.ts";
import { domesticSales, foreignShare, marketSales, ramp } from "./mechanisms/sales.ts";
import { computeOutcomes } from "./outcomes.ts";
import { activateTreatments, assignTakeUp, MATCHMAKING, totalEffects } from "./policy.ts";
import { SpellPool } from "./spells.ts";
import type { DynamicsHistory, SurveySnapshot } from "./types.ts";

export interface SimulateOptions {
  /** Called after every step with (steps done, steps in all). */
  onProgress?: (done: number, steps: number) => void;
  /** Override scenario.dynamics.events. */
  events?: boolean;
}

/** Unit exponential deviate (the threshold of an integrated hazard). */
function unitExp(s: Stream): number {
  return -Math.log(1 - s.next());
}

/**
 * Run the agent-based dynamics of one replication: pure and deterministic (every draw from
 * streams derived from (scenario.seed, replication, purpose)). Returns plain data with typed
 * arrays (transferable to and from a web worker).
 *
 * Schedule of one step s (docs/ODD.md, "Process overview and scheduling"):
 * 1. founding of this step's cohort (and policy treatments from the start date);
 * 2. market-period shocks (a firm's firm-period shock is drawn when step 4 first visits one of
 *    its relationships: firms without foreign markets need none);
 * 3. firm pass: firm exit (liability of newness), learning, entry (integrated hazard against
 *    a unit-exponential threshold: the entry times are drawn, not coin-flipped per market);
 * 4. spell pass: performance, sales, smoothed performance, market withdrawal or distributor
 *    replacement (competing risks on one integrated-hazard clock per spell);
 * 5. firm pass: foreign share, status, aggregates (and the survey snapshot at the survey step).
 */
export function simulate(
  scenario: Scenario,
  replication: number,
  opts: SimulateOptions = {},
): DynamicsHistory {
  const built = scenarioModel(scenario);
  if (!built.ok) throw new Error(built.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const model = built.model;
  const d = scenario.dynamics;
  const pol = scenario.policy;
  const seed = scenario.seed;
  const cal: Calendar = makeCalendar(d.startYear, d.endYear, d.stepsPerYear, d.surveyYear);
  const T = cal.steps;
  const spy = cal.stepsPerYear;
  const dt = cal.dt;
  const mk = buildMarkets(scenario.markets);
  const M = mk.m;
  const N = d.firms;

  const found = foundingSteps(N, T, spy, d.foundingGrowth);
  const firms = createFirms(model, N, found, seed, replication);
  assignTakeUp(firms, pol, seed, replication);
  const effects = totalEffects(model);
  const bL = pathValue(model, "LFDC", "PERF");
  /** IEO and IMO quartile cell of each firm (ieoQ * 4 + imoQ), see AggregateRecorder.cell. */
  const qcell = new Uint8Array(N);
  for (let f = 0; f < N; f++)
    qcell[f] = quartile(firms.latent.IEO[f]) * 4 + quartile(firms.latent.IMO[f]);
  const IEO = firms.latent.IEO;
  const IMO = firms.latent.IMO;
  const LFDC = firms.latent.LFDC;
  const PERF = firms.latent.PERF;
  const { perfBase, exitStep, firstEntry, served, ever, servedAttr, knowledge, heritageAge } =
    firms;
  const { entryH, entryE, exitH, exitE, foreignSales, share, status, treated, knowledgeBonus } =
    firms;

  // Markets: attractiveness, its alias table, sales size factors.
  const policyStep = Math.max(0, Math.ceil((pol.startYear - d.startYear) * spy - 1e-9));
  let A = attractiveness(mk, d.entry, 1);
  let alias = aliasTable(A);
  let Atotal = alias.total;
  const sizeFactor = Float64Array.from(mk.relGdp, (g) => d.sales.scale * g ** d.sales.marketSize);

  // Tables by age in steps (no exp per spell or firm for these factors).
  const rampTab = new Float64Array(T + 1);
  const newSpellTab = new Float64Array(T + 1);
  const newnessTab = new Float64Array(T + 1);
  for (let a = 0; a <= T; a++) {
    rampTab[a] = ramp(a * dt, dt, d.sales.rampYears);
    newSpellTab[a] = newRelationship(a * dt, d.marketExit.newSpell, d.marketExit.newSpellYears);
    newnessTab[a] = newRelationship(a * dt, d.firmExit.newness, d.firmExit.newnessYears);
  }
  // Learning decays by markets ever entered and by steps since the first entry; domestic sales by age.
  const decayMarkets = new Float64Array(M + 2);
  for (let k = 0; k <= M + 1; k++) decayMarkets[k] = Math.exp(-d.learning.perMarket * k);
  const decayYears = new Float64Array(T + 1);
  const domesticTab = new Float64Array(T + 2);
  for (let a = 0; a <= T; a++) decayYears[a] = Math.exp(-d.learning.perYearAbroad * a * dt);
  for (let a = 0; a <= T + 1; a++)
    domesticTab[a] = domesticSales(d.sales.domesticSales, d.sales.domesticGrowth, a * dt);
  const divTab = new Float64Array(M + 2);
  for (let k = 0; k <= M + 1; k++) divTab[k] = diversification(k, d.marketExit.diversification);
  const windowSteps = Math.round(d.bornGlobal.windowYears * spy);
  const bgMin = d.bornGlobal.minForeignShare;

  // Streams, one per purpose.
  const sEntry = derive(seed, replication, "dyn-entry");
  const sChoice = derive(seed, replication, "dyn-market-choice");
  const sDist = derive(seed, replication, "dyn-distributor");
  const sMExit = derive(seed, replication, "dyn-market-exit");
  const sFExit = derive(seed, replication, "dyn-firm-exit");
  const sMShock = derive(seed, replication, "dyn-market-shock");
  const sFShock = derive(seed, replication, "dyn-firm-shock");

  const presence = new Uint8Array(N * M);
  const spells = new SpellPool(Math.max(1024, N));
  const agg = new AggregateRecorder(T, mk.regions, M);
  const log = (opts.events ?? d.events) ? new EventRecorder() : null;
  const marketShock = new Float64Array(M);
  const firmShock = new Float64Array(N);
  /** Step of each firm's current firm-period shock (drawn lazily: only firms abroad need one). */
  const shockStep = new Int32Array(N).fill(-1);
  /** Living founded firms, in founding order (compacted every step). */
  const alive = new Int32Array(N);
  let aliveN = 0;
  const sdM = d.performance.marketShockSd;
  const sdF = d.performance.firmShockSd;
  const wSmooth = d.performance.smoothing;
  const kPerf = d.performance.knowledge;
  const pe = d.sales.performance;
  // Parameters as small literal objects (fast property access in the hot loops).
  const mx = {
    baseRate: d.marketExit.baseRate,
    performance: d.marketExit.performance,
    psychicDistance: d.marketExit.psychicDistance,
    knowledge: d.marketExit.knowledge,
  };
  const pEntry = {
    ieo: d.entry.ieo,
    imo: d.entry.imo,
    knowledge: d.entry.knowledge,
    heritage: d.entry.heritage,
  };
  const pFirmExit = {
    baseRate: d.firmExit.baseRate,
    performance: d.firmExit.performance,
    earlyInternational: d.firmExit.earlyInternational,
  };
  /** Firm constants of the hazards, set at founding and after policy shifts. */
  const exitProp = new Float64Array(N);
  const entryStatic = new Float64Array(N);
  const earlyMult = Math.exp(pFirmExit.earlyInternational);
  const setFirmConstants = (f: number) => {
    exitProp[f] = firmExitPropensity(pFirmExit.performance, PERF[f]);
    entryStatic[f] = firmEntryLog(pEntry, IEO[f], IMO[f], 0, 0);
  };
  const replaceBelow = d.distributor.replaceBelow;
  const replaceRate = d.distributor.replaceRate;
  const wD = d.distributor.lfdcWeight;
  const matchShift = pol.matchmaking.competenceShift;

  // Survey snapshot columns.
  const snap: SurveySnapshot = {
    step: cal.surveyStep,
    alive: new Uint8Array(N),
    share: new Float64Array(N),
    served: new Int32Array(N),
    ever: new Int32Array(N),
    foreignSales: new Float64Array(N),
    knowledge: new Float64Array(N),
    mainMarket: new Int32Array(N).fill(-1),
    mainSales: new Float64Array(N),
    perf3y: new Float64Array(N),
  };
  const winStart = cal.surveyStep - 3 * spy;
  const psychic = mk.psychic;
  const region = mk.region;
  const countryPresence = agg.countryPresence;
  const regionPresence = agg.regionPresence; // window: steps winStart+1 .. surveyStep

  // Calibration counters.
  let spellsEligible = 0;
  let spellsEndedEarly = 0;
  let firstEntriesChecked = 0;
  let quitWithinYear = 0;
  let firmSteps = 0;
  let spellSteps = 0;
  let policyCost = 0;
  let nextFound = 0;

  const endSpell = (i: number, s: number) => {
    if (spells.start[i] <= T - 1 - 2 * spy && s - spells.start[i] < 2 * spy) spellsEndedEarly++;
    const m = spells.market[i];
    agg.countryExits[m * T + s]++;
    agg.regionExits[mk.region[m] * T + s]++;
  };

  const enter = (f: number, m: number, s: number, ageY: number) => {
    const row = f * M;
    if (presence[row + m] === 0) ever[f]++;
    presence[row + m] = 1;
    served[f]++;
    servedAttr[f] += A[m];
    if (firstEntry[f] < 0) {
      firstEntry[f] = s;
      heritageAge[f] = ageY;
      agg.cell(M_NEW_EXPORTERS, status[f] * 16 + qcell[f], 1);
    }
    let shift = 0;
    if (treated[f] & MATCHMAKING && s >= policyStep) {
      shift = matchShift;
      policyCost += pol.matchmaking.costPerEntry;
    }
    const D = distributorCompetence(LFDC[f], normal(sDist), wD, shift);
    spells.add(f, m, s, D, perfBase[f] + bL * D + kPerf * knowledge[f], unitExp(sMExit));
    if (s <= T - 1 - 2 * spy) spellsEligible++;
    agg.cell(M_ENTRIES, status[f] * 16 + qcell[f], 1);
    agg.countryEntries[m * T + s]++;
    agg.regionEntries[mk.region[m] * T + s]++;
    log?.push(s, f, m, EV_ENTRY);
  };

  const activated = new Uint8Array(N);
  const activateFirm = (f: number) => {
    activated[f] = 1;
    policyCost += activateTreatments(firms, model, effects, bL, pol, f);
    setFirmConstants(f);
  };

  for (let s = 0; s < T; s++) {
    const year = d.startYear + s * dt;
    // 1. Policy start: treat firms founded earlier; change distance penalties.
    if (s === policyStep) {
      for (let i = 0; i < aliveN; i++) activateFirm(alive[i]);
      if (pol.tradeCost.distancePenaltyChange !== 0) {
        A = attractiveness(mk, d.entry, 1 + pol.tradeCost.distancePenaltyChange);
        alias = aliasTable(A);
        Atotal = alias.total;
        for (let f = 0; f < nextFound; f++) {
          let a = 0;
          const row = f * M;
          for (let m = 0; m < M; m++) if (presence[row + m] === 1) a += A[m];
          servedAttr[f] = a;
        }
      }
    }
    // 1. Founding.
    while (nextFound < N && found[nextFound] === s) {
      const f = nextFound++;
      alive[aliveN++] = f;
      entryE[f] = unitExp(sEntry);
      exitE[f] = unitExp(sFExit);
      status[f] = G_DOMESTIC;
      setFirmConstants(f);
      if (s >= policyStep) activateFirm(f);
      log?.push(s, f, -1, EV_FOUNDING);
    }
    // 2. Shocks.
    for (let m = 0; m < M; m++) marketShock[m] = sdM * normal(sMShock);
    const G =
      globalisation(d.entry.globalisationTrend, year, d.startYear) *
      (s >= policyStep ? Math.exp(pol.tradeCost.entryTrendChange * (year - pol.startYear)) : 1);
    const rate0 = d.entry.baseRate * G * dt;

    // 3. Firm pass: exit, learning, entry.
    for (let ai = 0; ai < aliveN; ai++) {
      const f = alive[ai];
      const ageSteps = s - found[f];
      const ageY = ageSteps * dt;
      const early = firstEntry[f] >= 0 && firstEntry[f] - found[f] < windowSteps;
      // firmExitRate(pFirmExit, PERF_f, newness, early), its firm constant cached in exitProp:
      exitH[f] +=
        pFirmExit.baseRate * exitProp[f] * newnessTab[ageSteps] * (early ? earlyMult : 1) * dt;
      if (exitH[f] >= exitE[f]) {
        exitStep[f] = s;
        const fe0 = firstEntry[f];
        if (fe0 >= 0 && s <= fe0 + spy && fe0 + spy < T) {
          firstEntriesChecked++;
          quitWithinYear++;
        }
        agg.cell(M_FIRM_EXITS, status[f] * 16 + qcell[f], 1);
        log?.push(s, f, -1, EV_FIRM_EXIT);
        continue;
      }
      const fe = firstEntry[f];
      const K =
        fe >= 0
          ? knowledgeFromDecays(decayMarkets[ever[f]], decayYears[s - fe], knowledgeBonus[f])
          : knowledgeFromDecays(1, 1, knowledgeBonus[f]);
      knowledge[f] = K;
      if (fe < 0) heritageAge[f] = ageY;
      let unserved = Atotal - servedAttr[f];
      if (unserved <= 1e-12) continue;
      // firmEntryLog(pEntry, IEO, IMO, K, a) = its IEO/IMO part (cached) + the dynamic part:
      const rate = rate0 * Math.exp(entryStatic[f] + firmEntryLog(pEntry, 0, 0, K, heritageAge[f]));
      let rem = rate * unserved;
      let H = entryH[f];
      let E = entryE[f];
      while (H + rem >= E) {
        rem -= E - H;
        enter(f, chooseMarket(sChoice, alias, A, presence, f * M, servedAttr[f]), s, ageY);
        H = 0;
        E = unitExp(sEntry);
        const left = Atotal - servedAttr[f];
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

    // 4. Spell pass: performance, sales, withdrawal or distributor replacement.
    const inWindow = s > winStart && s <= cal.surveyStep;
    const atSurvey = s === cal.surveyStep;
    const spFirm = spells.firm;
    const spMarket = spells.market;
    const spStart = spells.start;
    const spComp = spells.competence;
    const spSmooth = spells.smoothed;
    const spH = spells.h;
    const spE = spells.e;
    const spWinSum = spells.winSum;
    const spWinN = spells.winN;
    let i = 0;
    while (i < spells.size) {
      const f = spFirm[i];
      const m = spMarket[i];
      if (exitStep[f] >= 0) {
        presence[f * M + m] = 2;
        endSpell(i, s);
        spells.remove(i);
        continue;
      }
      spellSteps++;
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
          servedAttr[f] -= A[m];
          if (served[f] === 0) servedAttr[f] = 0;
          agg.cell(M_EXITS, status[f] * 16 + qcell[f], 1);
          log?.push(s, f, m, EV_EXIT);
          endSpell(i, s);
          spells.remove(i);
          continue;
        }
        let shift = 0;
        if (treated[f] & MATCHMAKING && s >= policyStep) {
          shift = matchShift;
          policyCost += pol.matchmaking.costPerEntry;
        }
        const D = distributorCompetence(LFDC[f], normal(sDist), wD, shift);
        spComp[i] = D;
        spSmooth[i] = perfBase[f] + bL * D + kPerf * K;
        agg.cell(M_REPLACEMENTS, status[f] * 16 + qcell[f], 1);
        log?.push(s, f, m, EV_REPLACE);
      } else spH[i] = H;
      i++;
    }

    // 5. Firm pass: foreign share, status, aggregates, survey snapshot.
    let kept = 0;
    for (let ai = 0; ai < aliveN; ai++) {
      const f = alive[ai];
      if (exitStep[f] >= 0) continue;
      alive[kept++] = f;
      const fe = firstEntry[f];
      if (fe >= 0 && s === fe + spy) {
        firstEntriesChecked++;
        if (served[f] === 0) quitWithinYear++;
      }
      firmSteps++;
      const sh = foreignShare(foreignSales[f], domesticTab[s - found[f] + 1]);
      share[f] = sh;
      const exporting = served[f] > 0;
      const st = !exporting
        ? G_DOMESTIC
        : fe - found[f] < windowSteps && sh >= bgMin
          ? G_BORN_GLOBAL
          : G_GRADUAL;
      status[f] = st;
      const c = st * 16 + qcell[f];
      agg.cell(M_FIRMS, c, 1);
      if (exporting) {
        agg.cell(M_EXPORTERS, c, 1);
        agg.cell(M_MARKETS, c, served[f]);
        agg.cell(M_SHARE, c, sh);
      }
      if (atSurvey) {
        snap.alive[f] = 1;
        snap.share[f] = sh;
        snap.served[f] = served[f];
        snap.ever[f] = ever[f];
        snap.foreignSales[f] = foreignSales[f];
        snap.knowledge[f] = knowledge[f];
        if (snap.mainMarket[f] < 0) snap.perf3y[f] = PERF[f];
      }
      foreignSales[f] = 0;
    }
    aliveN = kept;
    agg.flush(s);
    opts.onProgress?.(s + 1, T);
  }

  // Firms that exited before the policy start were never treated.
  for (let f = 0; f < N; f++) if (!activated[f]) treated[f] = 0;
  const aggregates = agg.finish();
  const outcomes = computeOutcomes(firms, snap, cal, d);
  return {
    calendar: cal,
    markets: {
      home: mk.home.iso3,
      iso3: mk.iso3,
      isoNumeric: mk.isoNumeric,
      names: mk.countries.map((c) => c.name),
      region: mk.region,
      regions: mk.regions,
      relGdp: mk.relGdp,
      distanceKm: mk.distanceKm,
      psychic: mk.psychic,
    },
    aggregates,
    firms: outcomes,
    latent: firms.latent,
    survey: snap,
    events: log?.finish() ?? null,
    stats: {
      spellsEligible,
      spellsEndedEarly,
      firstEntriesChecked,
      quitWithinYear,
      firmSteps,
      spellSteps,
      firmMarketSteps: firmSteps * M,
      policyCost,
      treated: {
        exportPromotion: countBits(treated, 1),
        matchmaking: countBits(treated, 2),
        technology: countBits(treated, 4),
      },
    },
  };
}

function countBits(a: Uint8Array, bit: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] & bit) n++;
  return n;
}
