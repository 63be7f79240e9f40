import { quantileSorted } from "d3";
import { pairedDifference } from "../../src/math/intervals.ts";
import { outcomeReporter } from "../../src/pipeline/4-outcomes.ts";
import {
  decimalsFor,
  formatNumber,
  formatRatio,
  type PolicyMetrics,
  type RatioCi,
} from "../../src/pipeline/policyMetrics.ts";
import { setAt } from "../../src/scenario/fieldPath.ts";
import type { ScenarioInput } from "../../src/scenario/schema.ts";
import { series } from "../dynamics/aggregate.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";

/** What-if comparison (pure): policy options, outcomes of a run, bands and paired differences. */

type Obj = Record<string, unknown>;

export interface PolicyOption {
  id: string;
  title: string;
  text: string;
  /** The lever the slider sets, its range and default (built-in options). */
  lever?: { path: string[]; label: string; min: number; max: number; step: number; value: number };
  /** Sections of a policy scenario file merged over the current scenario (file options). */
  patch?: Obj;
}

/** The sections of a policy file that describe the intervention (the rest is the file's own setup). */
export const LEVER_SECTIONS = ["policy", "dynamics", "markets", "model"] as const;

/** Deep merge: objects merge key by key, everything else is replaced. */
export function mergeDeep(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      v &&
      typeof v === "object" &&
      !Array.isArray(v) &&
      cur &&
      typeof cur === "object" &&
      !Array.isArray(cur)
        ? mergeDeep(cur as Obj, v as Obj)
        : v;
  }
  return out;
}

/** A what-if option from a policy scenario file (scenarios/policy/*.json). */
export function fileOption(fileName: string, json: Obj): PolicyOption {
  const name = String(json.name ?? fileName);
  const patch: Obj = {};
  for (const k of LEVER_SECTIONS) if (json[k] !== undefined) patch[k] = json[k];
  return {
    id: `scenarios.${fileName.replace(/[^\w.-]/g, "-")}`,
    title: `${name} (scenarios/policy)`,
    text: String(json.description ?? ""),
    patch,
  };
}

export const POLICIES: PolicyOption[] = [
  {
    id: "export-promotion",
    title: "Export promotion from 1990",
    text: "An export promotion agency trains firms that have not exported yet: their marketing orientation (IMO) and international knowledge rise. Evidence points to more firms starting to export rather than larger exports of established exporters.",
    lever: {
      path: ["policy", "exportPromotion", "takeUp"],
      label: "Share of eligible firms treated",
      min: 0,
      max: 1,
      step: 0.05,
      value: 0.3,
    },
  },
  {
    id: "matchmaking",
    title: "Distributor matchmaking from 1990",
    text: "A partner-search programme helps firms find more competent foreign distributors. No published evaluation quantifies it, so the take-up and the competence shift are what-if parameters.",
    lever: {
      path: ["policy", "matchmaking", "takeUp"],
      label: "Share of firms treated",
      min: 0,
      max: 1,
      step: 0.05,
      value: 0.3,
    },
  },
  {
    id: "technology",
    title: "Technology and R&D support from 1990",
    text: "Support for R&D raises treated firms' global technological competence (GTC), which drives performance through H5a.",
    lever: {
      path: ["policy", "technology", "takeUp"],
      label: "Share of firms treated",
      min: 0,
      max: 1,
      step: 0.05,
      value: 0.3,
    },
  },
  {
    id: "cheaper-communication",
    title: "The 1980s vs the 2000s: cheaper communication",
    text: "Globalisation and cheaper information and logistics make every foreign entry easier year after year. Here the yearly growth of entry hazards is raised; capabilities still decide who goes first.",
    lever: {
      path: ["dynamics", "entry", "globalisationTrend"],
      label: "Growth of entry hazards per year",
      min: -0.1,
      max: 0.3,
      step: 0.01,
      value: 0.1,
    },
  },
];

/** The policy scenario: the baseline with the lever set. */
export function policyScenario(
  base: ScenarioInput,
  option: PolicyOption,
  value: number,
): ScenarioInput {
  const named = setAt(base as Obj, ["name"], `${(base as Obj).name ?? "baseline"} + ${option.id}`);
  if (option.patch) return mergeDeep(named, option.patch) as ScenarioInput;
  if (!option.lever) return named as ScenarioInput;
  return setAt(named, option.lever.path, value) as ScenarioInput;
}

/**
 * The outcomes the What-if table shows, by key of the outcome registry
 * (src/pipeline/4-outcomes.ts): the same reporters, computed on the same run, as the
 * `outcome.<key>` columns of \`bgsim compare\` and of sweeps.
 */
export const WHAT_IF_OUTCOME_KEYS = [
  "dynamics.shareExporting",
  "dynamics.bornGlobalShareOfStartups",
  "dynamics.marketsPerExporter",
  "dynamics.foreignShareOfExporters",
  "dynamics.foreignEntries",
  "dynamics.performanceAbroad",
  "dynamics.policyCostUsdM",
] as const;
export type OutcomeKey = (typeof WHAT_IF_OUTCOME_KEYS)[number];

/** Plain-language notes shown under an outcome's name in the table (and as its tooltip). */
export const OUTCOME_NOTES: Partial<Record<OutcomeKey, string>> = {
  "dynamics.performanceAbroad":
    "How well firms do in their foreign markets: the average over every firm–market relationship in the survey quarter, in standard deviations of the paper's performance construct (PERF). 0 is a firm of average capabilities with an average distributor and no experience abroad; 1.4 means 1.4 SD better, because poor performers withdraw and experience adds to performance. It drives sales abroad, withdrawal from markets and firm survival.",
  "dynamics.policyCostUsdM":
    "What the programme costs over the whole run (treated firms × cost per firm, or assisted entries × cost per entry).",
};

/** Label (with its unit unless a share) and whether it is a share, from the registry. */
export const OUTCOMES = WHAT_IF_OUTCOME_KEYS.map((key) => {
  const r = outcomeReporter(key);
  const pct = r.unit === "share";
  const label = r.label.charAt(0).toUpperCase() + r.label.slice(1);
  return { key, label: pct ? label : `${label} (${r.unit})`, pct, note: OUTCOME_NOTES[key] };
});

/** Scalar outcomes of one run: the registry's values (computed in the worker), NaN if absent. */
export function outcomesOf(h: ViewHistory): Record<OutcomeKey, number> {
  const out = {} as Record<OutcomeKey, number>;
  for (const k of WHAT_IF_OUTCOME_KEYS) out[k] = h.outcomes[k] ?? Number.NaN;
  return out;
}

export const TRAJECTORIES = [
  { key: "exporting", label: "Share of living firms exporting", pct: true },
  { key: "bornGlobal", label: "Share of living firms born global", pct: true },
  { key: "markets", label: "Markets per exporter", pct: false },
  { key: "entries", label: "Foreign entries per step", pct: false },
] as const;
export type TrajectoryKey = (typeof TRAJECTORIES)[number]["key"];

export function trajectory(h: ViewHistory, key: TrajectoryKey): number[] {
  const firms = series(h, "all", "firms");
  const ratio = (num: number[]) => num.map((v, s) => (firms[s] ? v / firms[s] : Number.NaN));
  switch (key) {
    case "exporting":
      return ratio(series(h, "all", "exporters"));
    case "bornGlobal":
      return ratio(series(h, "born_global", "firms"));
    case "markets":
      return series(h, "all", "markets_per_exporter");
    case "entries":
      return series(h, "all", "entries");
  }
}

/** Mean and 10th-90th percentile band across replications, per step. */
export function band(runs: number[][]): { mean: number[]; lo: number[]; hi: number[] } {
  const T = runs[0]?.length ?? 0;
  const mean: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  for (let s = 0; s < T; s++) {
    const v = runs
      .map((r) => r[s])
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    mean.push(v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
    lo.push(v.length ? quantileSorted(v, 0.1)! : Number.NaN);
    hi.push(v.length ? quantileSorted(v, 0.9)! : Number.NaN);
  }
  return { mean, lo, hi };
}

export interface Difference {
  key: OutcomeKey;
  label: string;
  pct: boolean;
  baseline: number;
  policy: number;
  diff: number;
  lo: number;
  hi: number;
  reps: number;
}

/**
 * Paired differences policy - baseline over replications (replication r of both scenarios
 * uses the same streams: common random numbers), with a 95% t interval of the mean difference
 * (src/math/intervals.ts, as `bgsim compare`).
 */
export function differences(
  base: Record<OutcomeKey, number>[],
  pol: Record<OutcomeKey, number>[],
): Difference[] {
  return OUTCOMES.map(({ key, label, pct }) => {
    const d = pairedDifference(
      base.map((x) => x[key]),
      pol.map((x) => x[key]),
    );
    return {
      key,
      label,
      pct,
      baseline: d.meanA,
      policy: d.meanB,
      diff: d.diff,
      lo: d.lo,
      hi: d.hi,
      reps: d.n,
    };
  });
}

/** A table row's cells as text. */
export interface RowText {
  baseline: string;
  policy: string;
  diff: string;
  ci: string;
}

/**
 * One row of the differences table in one number format: shares as percentages with the
 * difference in percentage points ("+2.6 pp", "[2.4, 2.9]"), other values with thousands
 * separators; the baseline, the policy, the difference and its interval all with the same
 * decimals, chosen from the interval's half-width (one significant digit).
 */
export function rowText(d: {
  pct: boolean;
  baseline: number;
  policy: number;
  diff: number;
  lo: number;
  hi: number;
}): RowText {
  const k = d.pct ? 100 : 1;
  const dec = decimalsFor(k * d.lo, k * d.hi, d.pct ? 1 : 2, d.pct ? 1 : 0);
  const f = (x: number, signed = false) => formatNumber(k * x, dec, signed);
  const unit = d.pct ? " pp" : "";
  return {
    baseline: d.pct ? `${f(d.baseline)}%` : f(d.baseline),
    policy: d.pct ? `${f(d.policy)}%` : f(d.policy),
    diff: `${f(d.diff, true)}${unit}`,
    ci: Number.isFinite(d.lo) ? `[${f(d.lo)}, ${f(d.hi)}]` : "–",
  };
}

export interface CostRow {
  key: string;
  label: string;
  unit: string;
  estimate: number;
  lo: number;
  hi: number;
  text: { estimate: string; ci: string };
}

/**
 * The cost-effectiveness rows under the table: the additional exporters, exports and cost
 * (paired differences, t intervals) and the cost per additional exporter and per additional US$
 * of exports (ratios of the paired mean differences, Fieller intervals), from policyMetrics.
 */
export function costRows(m: PolicyMetrics, surveyYear: number): CostRow[] {
  const diff = (
    key: string,
    label: string,
    unit: string,
    p: PolicyMetrics["exporters"],
    k = 1,
  ): CostRow => {
    const dec = decimalsFor(k * p.lo, k * p.hi, 0);
    const f = (x: number, signed = false) => formatNumber(k * x, dec, signed);
    return {
      key,
      label,
      unit,
      estimate: k * p.diff,
      lo: k * p.lo,
      hi: k * p.hi,
      text: { estimate: f(p.diff, true), ci: `[${f(p.lo)}, ${f(p.hi)}]` },
    };
  };
  const ratio = (key: string, label: string, unit: string, r: RatioCi): CostRow => {
    const t = formatRatio(r);
    return {
      key,
      label,
      unit,
      estimate: r.estimate,
      lo: r.lo,
      hi: r.hi,
      text: {
        estimate: r.bounded ? t.estimate : "–",
        ci: r.bounded ? `[${t.lo}, ${t.hi}]` : "unbounded (no detectable gain)",
      },
    };
  };
  return [
    diff("additionalExporters", "Additional exporters at the survey date", "firms", m.exporters),
    diff("additionalExportsUsdM", `Additional exports in ${surveyYear}`, "US$ million", m.exports),
    diff("additionalCostUsdM", "Additional programme cost", "US$ million", m.cost, 1 / 1000),
    ratio("costPerAdditionalExporter", "Cost per additional exporter", "US$", m.costPerExporter),
    ratio(
      "costPerAdditionalExportUsd",
      `Cost per additional US$ of exports in ${surveyYear}`,
      "US$",
      m.costPerExportUsd,
    ),
  ];
}
