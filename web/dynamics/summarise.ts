import { stepLabel } from "../../src/dynamics/calendar.ts";
import type { EventLog } from "../../src/dynamics/events.ts";
import { COUNTRIES } from "../../src/dynamics/markets/countries.ts";
import { simulate } from "../../src/dynamics/simulate.ts";
import type { DynamicsHistory } from "../../src/dynamics/types.ts";
import { dynamicsOutcomes } from "../../src/pipeline/4-outcomes.ts";
import type { Scenario } from "../../src/scenario/schema.ts";

/** A market of a run with its map position (capital city, from the scenario's market list). */
export interface ViewMarket {
  /** ISO numeric code: the world-atlas feature id. */
  iso: string;
  iso3: string;
  name: string;
  region: string;
  lat: number;
  lon: number;
}

/** What the map, cohort and what-if views need from one dynamics run (plain data). */
export interface ViewHistory {
  steps: number;
  startYear: number;
  stepsPerYear: number;
  surveyStep: number;
  labels: string[];
  home: ViewMarket;
  markets: ViewMarket[];
  /** Firms serving market m at the end of step s: presence[m * steps + s]. */
  presence: Int32Array;
  entries: Int32Array;
  groups: readonly string[];
  measures: readonly string[];
  /** Per-step aggregates: values[(g * measures + k) * steps + s]. */
  values: Float64Array;
  firms: {
    n: number;
    foundingStep: Int32Array;
    exitStep: Int32Array;
    firstEntryStep: Int32Array;
    bornGlobal: Uint8Array;
    inFrame: Uint8Array;
    /** Latent LFDC (leveraging foreign distributor competences) at the survey date. */
    lfdc: Float64Array;
  };
  /** Event log (entry 0, exit 1, distributor replacement 2, firm exit 3, founding 4), or null. */
  events: EventLog | null;
  /** Scalar facts of the run. */
  stats: Record<string, number>;
  /** The run's registered outcomes (src/pipeline/4-outcomes.ts), as bgsim compare sees them. */
  outcomes: Record<string, number>;
  transfer: ArrayBuffer[];
}

/** Reduce a DynamicsHistory to the view data (no copies of the big arrays). */
export function summarise(h: DynamicsHistory, scenario: Scenario): ViewHistory {
  const list = (scenario.markets.countries as typeof COUNTRIES | undefined) ?? COUNTRIES;
  const byIso3 = new Map(list.map((c) => [c.iso3, c]));
  const market = (iso3: string): ViewMarket => {
    const c = byIso3.get(iso3);
    return {
      iso: c?.isoNumeric ?? "",
      iso3,
      name: c?.name ?? iso3,
      region: c?.region ?? "",
      lat: c?.lat ?? 0,
      lon: c?.lon ?? 0,
    };
  };
  const cal = h.calendar;
  const labels = Array.from({ length: cal.steps }, (_, s) => stepLabel(cal, s));
  const firms = {
    n: h.firms.n,
    foundingStep: h.firms.foundingStep,
    exitStep: h.firms.exitStep,
    firstEntryStep: h.firms.firstEntryStep,
    bornGlobal: h.firms.bornGlobal,
    inFrame: h.firms.inFrame,
    lfdc: h.latent.LFDC,
  };
  const ev = h.events;
  const transfer = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike }) => transfer.add(a.buffer as ArrayBuffer);
  for (const a of [
    h.aggregates.countryPresence,
    h.aggregates.countryEntries,
    h.aggregates.values,
    ...Object.values(firms).filter((x): x is Int32Array => typeof x !== "number"),
  ])
    add(a);
  if (ev) for (const a of [ev.step, ev.firm, ev.market, ev.type, ev.competence]) add(a);
  return {
    steps: cal.steps,
    startYear: cal.startYear,
    stepsPerYear: cal.stepsPerYear,
    surveyStep: cal.surveyStep,
    labels,
    home: market(h.markets.home),
    markets: h.markets.iso3.map(market),
    presence: h.aggregates.countryPresence,
    entries: h.aggregates.countryEntries,
    groups: h.aggregates.groups,
    measures: h.aggregates.measures,
    values: h.aggregates.values,
    firms,
    events: ev
      ? {
          size: ev.size,
          step: ev.step,
          firm: ev.firm,
          market: ev.market,
          type: ev.type,
          competence: ev.competence,
        }
      : null,
    stats: {
      policyCost: h.stats.policyCost,
      firstEntriesChecked: h.stats.firstEntriesChecked,
      quitWithinYear: h.stats.quitWithinYear,
    },
    outcomes: dynamicsOutcomes(h),
    transfer: [...transfer],
  };
}

export function simulateForView(
  scenario: Scenario,
  replication: number,
  events: boolean,
  onProgress?: (done: number, all: number) => void,
): ViewHistory {
  let last = 0;
  const h = simulate(scenario, replication, {
    events,
    onProgress: onProgress
      ? (done, all) => {
          // at most ~20 progress messages per run
          if (done === all || done - last >= Math.max(1, Math.floor(all / 20))) {
            last = done;
            onProgress(done, all);
          }
        }
      : undefined,
  });
  return summarise(h, scenario);
}
