import { G_ALL, M_ENTRIES, M_PERF, type StepAggregates } from "../dynamics/aggregates.ts";
import { calibrationValues, TARGETS } from "../dynamics/calibration.ts";
import { type SurveyDateCounts, surveyDateCounts } from "../dynamics/status.ts";
import type { DynamicsHistory } from "../dynamics/types.ts";
import type { World } from "./1-world.ts";
import { everyFoundedUnit, MIN_FRAME, surveyedFrame } from "./2-observation.ts";
import { type AnalysisContext, pathModelML } from "./3-analysis.ts";

/**
 * Stage 4, the outcomes: ONE registry of named outcome reporters (after Mesa's DataCollector
 * model_reporters). Each reporter has a key (the name in ReplicationResult.outcomes, results
 * CSVs as `outcome.<key>`, `bgsim compare`, the What-if view), a label, a unit, a description
 * and a function of the run. A reporter whose value is not finite (e.g. a median over an empty
 * frame) is left out of that replication's outcomes. The rules behind the counts (born global,
 * in the frame) are in src/dynamics/status.ts. Adding an outcome = one entry here; the CLI,
 * sweeps, compare, the What-if view and docs/ARCHITECTURE.md's table read it.
 *
 * Besides the registry, a replication reports families whose keys depend on the model or the
 * survey (OUTCOME_FAMILIES): the selection effects and the survey's facts.
 */
export interface OutcomeContext {
  history: DynamicsHistory;
  counts: SurveyDateCounts;
  /** The calibration measures (src/dynamics/calibration.ts), by target key. */
  calibration: Record<string, number>;
}

export interface OutcomeReporter {
  key: string;
  label: string;
  /** "share" (0-1), "firms", "markets", "years", "employees", "entries", "SD units", "US$ ...". */
  unit: string;
  description: string;
  compute(ctx: OutcomeContext): number;
}

const target = (key: string) => {
  const t = TARGETS.find((x) => x.key === key);
  if (!t) throw new Error(`no calibration target ${key}`);
  return t;
};

/** A calibration measure as a reporter (label and source from its calibration target). */
function calibrated(key: string, unit: string): OutcomeReporter {
  const t = target(key);
  return {
    key: `dynamics.${key}`,
    label: t.label,
    unit,
    description: `${t.label} (${t.population}); calibration target ${t.target}, band ${t.lo}-${t.hi}: ${t.source}`,
    compute: (c) => c.calibration[key],
  };
}

/** Value of measure k of group g at step s of the per-step aggregates. */
function aggregate(a: StepAggregates, g: number, k: number, s: number): number {
  return a.values[(g * a.measures.length + k) * a.steps + s];
}

/** The registry, in the order the outcomes are reported (results.csv columns). */
export const OUTCOME_REPORTERS: readonly OutcomeReporter[] = [
  calibrated("firmSurvival4y", "share"),
  {
    key: "dynamics.frameSize",
    label: "firms in the surveyed frame",
    unit: "firms",
    description:
      "Firms alive at the survey date, founded in or after dynamics.frame.foundedFrom, with a foreign share of sales >= dynamics.frame.minForeignShare",
    compute: (c) => c.calibration.frameSize,
  },
  calibrated("frameMedianYearsToFirstSale", "years"),
  calibrated("frameMedianMarkets", "markets"),
  calibrated("frameMeanForeignShare", "share"),
  calibrated("frameMeanEmployees", "employees"),
  calibrated("shareExporting", "share"),
  calibrated("exportersEarlyShare", "share"),
  calibrated("bornGlobalShareOfExporters", "share"),
  calibrated("destinationSurvival2y", "share"),
  calibrated("newExporterQuitFirstYear", "share"),
  calibrated("bornGlobalShareOfStartups", "share"),
  {
    key: "dynamics.firms",
    label: "firms founded",
    unit: "firms",
    description: "Firms founded over the whole run (dynamics.firms)",
    compute: (c) => c.counts.founded,
  },
  {
    key: "dynamics.aliveAtSurvey",
    label: "firms alive at the survey date",
    unit: "firms",
    description: "Firms founded by and alive at the survey date (end of dynamics.surveyYear)",
    compute: (c) => c.counts.alive,
  },
  {
    key: "dynamics.exporters",
    label: "exporters at the survey date",
    unit: "firms",
    description: "Living firms serving at least one foreign market at the survey date",
    compute: (c) => c.counts.exporters,
  },
  {
    key: "dynamics.bornGlobals",
    label: "born globals at the survey date",
    unit: "firms",
    description:
      "Living firms that export, entered their first foreign market within dynamics.bornGlobal.windowYears of founding, and sell at least dynamics.bornGlobal.minForeignShare abroad",
    compute: (c) => c.counts.bornGlobals,
  },
  {
    key: "dynamics.marketsPerExporter",
    label: "markets per exporter at the survey date",
    unit: "markets",
    description: "Foreign markets served per exporter at the survey date (0 without exporters)",
    compute: (c) => (c.counts.exporters ? c.counts.markets / c.counts.exporters : 0),
  },
  {
    key: "dynamics.exportsUsdM",
    label: "exports in the survey year",
    unit: "US$ million",
    description: "Annual exports of the living firms in the survey year (foreign share x sales)",
    compute: (c) => c.counts.exportsUsdM,
  },
  {
    key: "dynamics.policyCost",
    label: "programme cost",
    unit: "US$ thousand",
    description: "Cost of the policy programmes over the whole run",
    compute: (c) => c.history.stats.policyCost,
  },
  {
    key: "dynamics.policyCostUsdM",
    label: "programme cost",
    unit: "US$ million",
    description:
      "Cost of the policy programmes over the whole run, comparable with dynamics.exportsUsdM",
    compute: (c) => c.history.stats.policyCost / 1000,
  },
  {
    key: "dynamics.foreignShareOfExporters",
    label: "foreign share of sales of exporters",
    unit: "share",
    description: "Mean foreign share of sales over the exporters at the survey date",
    compute: (c) =>
      c.counts.exporters ? c.counts.exporterShareSum / c.counts.exporters : Number.NaN,
  },
  {
    key: "dynamics.foreignEntries",
    label: "foreign entries over the whole run",
    unit: "entries",
    description: "Foreign market entries (new firm-market relationships) from start to end",
    compute: (c) => {
      const a = c.history.aggregates;
      let s = 0;
      for (let t = 0; t < a.steps; t++) s += aggregate(a, G_ALL, M_ENTRIES, t);
      return s;
    },
  },
  {
    key: "dynamics.performanceAbroad",
    label: "mean performance abroad at the survey date",
    unit: "SD units",
    description:
      "Mean performance of the firm-market relationships in the survey step (0 without any)",
    compute: (c) => aggregate(c.history.aggregates, G_ALL, M_PERF, c.history.calendar.surveyStep),
  },
];

/** The reporter of a key. */
export function outcomeReporter(key: string): OutcomeReporter {
  const r = OUTCOME_REPORTERS.find((x) => x.key === key);
  if (!r) throw new Error(`no outcome reporter "${key}"`);
  return r;
}

/** Every registered outcome of a dynamics run, in registry order (non-finite ones left out). */
export function dynamicsOutcomes(history: DynamicsHistory): Record<string, number> {
  const ctx: OutcomeContext = {
    history,
    counts: surveyDateCounts(history),
    calibration: calibrationValues(history),
  };
  const out: Record<string, number> = {};
  for (const r of OUTCOME_REPORTERS) {
    const v = r.compute(ctx);
    if (Number.isFinite(v)) out[r.key] = v;
  }
  return out;
}

/** The world's registered outcomes (a cross-section population reports none). */
export function worldOutcomes(world: World): Record<string, number> {
  return world.kind === "dynamics" ? dynamicsOutcomes(world.history) : {};
}

/**
 * Selection effects of a dynamics world: the path model run on every founded firm
 * ("population.<path>") and on the surveyed frame ("frame.<path>"), standardized
 * coefficients and n, beside the sample's estimates; left out below MIN_FRAME firms or when
 * the fit fails.
 */
export function selectionOutcomes(world: World, ctx: AnalysisContext): Record<string, number> {
  const out: Record<string, number> = {};
  if (world.kind !== "dynamics") return out;
  const step = pathModelML();
  for (const [name, observed] of [
    ["population", everyFoundedUnit(world)],
    ["frame", surveyedFrame(world)],
  ] as const) {
    if (observed.n < MIN_FRAME) continue;
    const est = step.run(observed, ctx);
    if (!est.ok) continue;
    out[`${name}.n`] = observed.n;
    for (const p of est.report.paths) out[`${name}.${p.label}`] = p.std;
  }
  return out;
}

/** Outcome keys that depend on the model or the survey (documented, not registered one by one). */
export const OUTCOME_FAMILIES: readonly { pattern: string; description: string }[] = [
  {
    pattern: "population.n, population.<FROM->TO>",
    description:
      "dynamics: firms founded, and the standardized path coefficients fitted to their latent scores",
  },
  {
    pattern: "frame.n, frame.<FROM->TO>",
    description:
      "dynamics: firms in the surveyed frame, and the coefficients fitted to them (PERF = simulated 3-year performance)",
  },
  {
    pattern: "dynamics.estimatedOnFrame",
    description: "dynamics without a survey: 1, the sample is the surveyed frame itself",
  },
  {
    pattern: "survey.screened/frame/mailed/responded/responseRate/n/shortcut/placeholderFrame",
    description: "the virtual survey's facts (src/survey/stage.ts surveyOutcomes)",
  },
  {
    pattern:
      "check.earlyLate.<variable>.t/.p, check.respondents.<variable>.t/.p, check.<...>.flagged",
    description: "non-response checks: Welch t and p per variable, and how many have p < alpha",
  },
  {
    pattern: "reliability.<construct>.alpha/.r2True",
    description:
      "sample Cronbach's alpha (item level) and squared correlation of composite and true score",
  },
];
