import { exp, log } from "../math/fdlibm.ts";
import type { StructuralModel } from "../model/implied.ts";
import { derive, type Stream } from "../random/stream.ts";
import type { Scenario } from "../scenario/schema.ts";
import type { DynamicsConfig } from "../scenario/sections/dynamics.ts";
import type { PolicyConfig } from "../scenario/sections/policy.ts";
import { AggregateRecorder, quartile } from "./aggregates.ts";
import { type Calendar, makeCalendar } from "./calendar.ts";
import { EventRecorder } from "./events.ts";
import { createFirms, type FirmColumns, foundingSteps, pathValue } from "./firms.ts";
import { buildMarkets, type MarketTable } from "./markets/table.ts";
import { attractiveness } from "./mechanisms/entry.ts";
import { diversification, newRelationship } from "./mechanisms/exit.ts";
import { type AliasTable, aliasTable } from "./mechanisms/marketChoice.ts";
import { domesticSales, ramp } from "./mechanisms/sales.ts";
import { assignTakeUp, totalEffects } from "./policy.ts";
import { SpellPool } from "./spells.ts";
import type { SurveySnapshot } from "./types.ts";

/**
 * The state of one dynamics run: firms, markets, relationships, streams, parameter tables and
 * observers. Built once by the constructor (everything that does not change during the run is
 * computed here), then advanced step by step by the functions in ./steps/ (simulate.ts).
 * Every field is set in the constructor so the object keeps one shape (fast property access).
 */
export class World {
  readonly model: StructuralModel;
  readonly d: DynamicsConfig;
  readonly pol: PolicyConfig;
  readonly cal: Calendar;
  readonly T: number;
  readonly spy: number;
  readonly dt: number;
  readonly mk: MarketTable;
  readonly M: number;
  readonly N: number;
  readonly firms: FirmColumns;
  readonly effects: Float64Array;
  /** Standardized LFDC -> PERF coefficient (H5d): the weight of distributor competence. */
  readonly bL: number;
  /** IEO and IMO quartile cell of each firm (ieoQ * 4 + imoQ), see AggregateRecorder.cell. */
  readonly qcell: Uint8Array;
  /** First step of the policy treatments. */
  readonly policyStep: number;

  /** Entry attractiveness of each market, its alias table and total (change at a policy start). */
  A: Float64Array;
  alias: AliasTable;
  Atotal: number;
  /** Sales of a market at zero performance once ramped up: scale * relGdp^marketSize. */
  readonly sizeFactor: Float64Array;

  // Tables by age in steps, markets served or markets entered (no exp in the hot loops).
  readonly rampTab: Float64Array;
  readonly newSpellTab: Float64Array;
  readonly newnessTab: Float64Array;
  readonly decayMarkets: Float64Array;
  readonly decayYears: Float64Array;
  readonly domesticTab: Float64Array;
  readonly divTab: Float64Array;
  readonly windowSteps: number;

  // Streams, one per purpose.
  readonly sEntry: Stream;
  readonly sChoice: Stream;
  readonly sDist: Stream;
  readonly sMExit: Stream;
  readonly sFExit: Stream;
  readonly sMShock: Stream;
  readonly sFShock: Stream;

  /** Firms x markets: 0 never served, 1 served now, 2 served before. */
  readonly presence: Uint8Array;
  readonly spells: SpellPool;
  readonly agg: AggregateRecorder;
  readonly log: EventRecorder | null;
  readonly marketShock: Float64Array;
  readonly firmShock: Float64Array;
  /** Step of each firm's current firm-period shock (drawn lazily: only firms abroad need one). */
  readonly shockStep: Int32Array;
  /** Living founded firms, in founding order (compacted every step). */
  readonly alive: Int32Array;
  aliveN = 0;
  nextFound = 0;
  /** Firm constants of the hazards, set at founding and after policy shifts. */
  readonly exitProp: Float64Array;
  readonly entryStatic: Float64Array;
  readonly activated: Uint8Array;
  readonly earlyMult: number;
  /** Parameters as small literal objects (one shape, fast in the hot loops). */
  readonly pEntry: { ieo: number; imo: number; knowledge: number; heritage: number };
  readonly pFirmExit: { baseRate: number; performance: number; earlyInternational: number };
  readonly pMarketExit: {
    baseRate: number;
    performance: number;
    psychicDistance: number;
    knowledge: number;
  };

  readonly snap: SurveySnapshot;
  /** The survey's 3-year window: steps winStart + 1 .. surveyStep. */
  readonly winStart: number;

  // Calibration and bench counters.
  spellsEligible = 0;
  spellsEndedEarly = 0;
  firstEntriesChecked = 0;
  quitWithinYear = 0;
  firmSteps = 0;
  spellSteps = 0;
  policyCost = 0;

  constructor(scenario: Scenario, model: StructuralModel, replication: number, events: boolean) {
    const d = scenario.dynamics;
    const pol = scenario.policy;
    const seed = scenario.seed;
    this.model = model;
    this.d = d;
    this.pol = pol;
    const cal = makeCalendar(d.startYear, d.endYear, d.stepsPerYear, d.surveyYear);
    this.cal = cal;
    const T = cal.steps;
    const spy = cal.stepsPerYear;
    const dt = cal.dt;
    this.T = T;
    this.spy = spy;
    this.dt = dt;
    const mk = buildMarkets(scenario.markets);
    this.mk = mk;
    const M = mk.m;
    const N = d.firms;
    this.M = M;
    this.N = N;

    const found = foundingSteps(N, T, spy, d.foundingGrowth);
    this.firms = createFirms(model, N, found, seed, replication);
    assignTakeUp(this.firms, pol, seed, replication);
    this.effects = totalEffects(model);
    this.bL = pathValue(model, "LFDC", "PERF");
    this.qcell = new Uint8Array(N);
    const { IEO, IMO } = this.firms.latent;
    for (let f = 0; f < N; f++) this.qcell[f] = quartile(IEO[f]) * 4 + quartile(IMO[f]);
    this.policyStep = Math.max(0, Math.ceil((pol.startYear - d.startYear) * spy - 1e-9));

    this.A = attractiveness(mk, d.entry, 1);
    this.alias = aliasTable(this.A);
    this.Atotal = this.alias.total;
    this.sizeFactor = Float64Array.from(
      mk.relGdp,
      (g) => d.sales.scale * exp(d.sales.marketSize * log(g)),
    );

    this.rampTab = new Float64Array(T + 1);
    this.newSpellTab = new Float64Array(T + 1);
    this.newnessTab = new Float64Array(T + 1);
    this.decayYears = new Float64Array(T + 1);
    for (let a = 0; a <= T; a++) {
      this.rampTab[a] = ramp(a * dt, dt, d.sales.rampYears);
      this.newSpellTab[a] = newRelationship(
        a * dt,
        d.marketExit.newSpell,
        d.marketExit.newSpellYears,
      );
      this.newnessTab[a] = newRelationship(a * dt, d.firmExit.newness, d.firmExit.newnessYears);
      this.decayYears[a] = exp(-d.learning.perYearAbroad * a * dt);
    }
    this.domesticTab = new Float64Array(T + 2);
    for (let a = 0; a <= T + 1; a++)
      this.domesticTab[a] = domesticSales(d.sales.domesticSales, d.sales.domesticGrowth, a * dt);
    this.decayMarkets = new Float64Array(M + 2);
    this.divTab = new Float64Array(M + 2);
    for (let k = 0; k <= M + 1; k++) {
      this.decayMarkets[k] = exp(-d.learning.perMarket * k);
      this.divTab[k] = diversification(k, d.marketExit.diversification);
    }
    this.windowSteps = Math.round(d.bornGlobal.windowYears * spy);

    this.sEntry = derive(seed, replication, "dyn-entry");
    this.sChoice = derive(seed, replication, "dyn-market-choice");
    this.sDist = derive(seed, replication, "dyn-distributor");
    this.sMExit = derive(seed, replication, "dyn-market-exit");
    this.sFExit = derive(seed, replication, "dyn-firm-exit");
    this.sMShock = derive(seed, replication, "dyn-market-shock");
    this.sFShock = derive(seed, replication, "dyn-firm-shock");

    this.presence = new Uint8Array(N * M);
    this.spells = new SpellPool(Math.max(1024, N));
    this.agg = new AggregateRecorder(T, mk.regions, M);
    this.log = events ? new EventRecorder() : null;
    this.marketShock = new Float64Array(M);
    this.firmShock = new Float64Array(N);
    this.shockStep = new Int32Array(N).fill(-1);
    this.alive = new Int32Array(N);
    this.exitProp = new Float64Array(N);
    this.entryStatic = new Float64Array(N);
    this.activated = new Uint8Array(N);
    this.earlyMult = exp(d.firmExit.earlyInternational);
    this.pEntry = {
      ieo: d.entry.ieo,
      imo: d.entry.imo,
      knowledge: d.entry.knowledge,
      heritage: d.entry.heritage,
    };
    this.pFirmExit = {
      baseRate: d.firmExit.baseRate,
      performance: d.firmExit.performance,
      earlyInternational: d.firmExit.earlyInternational,
    };
    this.pMarketExit = {
      baseRate: d.marketExit.baseRate,
      performance: d.marketExit.performance,
      psychicDistance: d.marketExit.psychicDistance,
      knowledge: d.marketExit.knowledge,
    };
    this.snap = {
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
    this.winStart = cal.surveyStep - 3 * spy;
  }
}
