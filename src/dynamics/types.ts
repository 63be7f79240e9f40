import type { StepAggregates } from "./aggregates.ts";
import type { Calendar } from "./calendar.ts";
import type { EventLog } from "./events.ts";
import type { Latent } from "./firms.ts";

/** The firms' state at the survey date (end of the survey year), one entry per firm. */
export interface SurveySnapshot {
  step: number;
  /** 1 if founded by and alive at the survey date. */
  alive: Uint8Array;
  share: Float64Array;
  served: Int32Array;
  ever: Int32Array;
  foreignSales: Float64Array;
  knowledge: Float64Array;
  /** Market with the largest sales at the survey step, -1 for none. */
  mainMarket: Int32Array;
  mainSales: Float64Array;
  /**
   * Mean performance (SD units) in the main export market over the past 3 years (or the
   * relationship's life if shorter); the latent PERF for firms without foreign markets.
   */
  perf3y: Float64Array;
}

/** Per-firm outcomes (emergent, computed from what happened), one entry per firm. */
export interface FirmOutcomes {
  n: number;
  foundingStep: Int32Array;
  foundingYear: Float64Array;
  /** Step of firm exit, -1 if alive at the end. */
  exitStep: Int32Array;
  firstEntryStep: Int32Array;
  /** Years from founding to the first foreign entry, -1 if none. */
  yearsToFirstEntry: Float64Array;
  /** Born global at the survey date (window and share thresholds of the scenario). */
  bornGlobal: Uint8Array;
  /** In the surveyed frame (founded >= frame.foundedFrom, alive, share >= frame.minForeignShare). */
  inFrame: Uint8Array;
  employees: Float64Array;
  /** Total sales, US$ million. */
  salesUsdM: Float64Array;
  treated: Uint8Array;
}

export interface MarketInfo {
  home: string;
  iso3: string[];
  isoNumeric: string[];
  names: string[];
  region: Int32Array;
  regions: readonly string[];
  relGdp: Float64Array;
  distanceKm: Float64Array;
  psychic: Float64Array;
}

export interface DynamicsStats {
  /** New relationships with two years left to observe them, and those that ended within two. */
  spellsEligible: number;
  spellsEndedEarly: number;
  /** First entries observed for a year, and those that stopped exporting within it. */
  firstEntriesChecked: number;
  quitWithinYear: number;
  firmSteps: number;
  spellSteps: number;
  /** Living firm-steps times markets: what a per-market coin-flip model would visit. */
  firmMarketSteps: number;
  /** Programme cost, US$ thousand. */
  policyCost: number;
  treated: { exportPromotion: number; matchmaking: number; technology: number };
}

/** Everything one dynamics run produces: plain data and typed arrays (transferable). */
export interface DynamicsHistory {
  calendar: Calendar;
  markets: MarketInfo;
  aggregates: StepAggregates;
  firms: FirmOutcomes;
  /** Latent scores at the survey date (after policy shifts), by construct. */
  latent: Record<Latent, Float64Array>;
  survey: SurveySnapshot;
  events: EventLog | null;
  stats: DynamicsStats;
}
