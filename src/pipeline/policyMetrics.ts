import { meanCi, type PairedDifference, pairedDifference } from "../math/intervals.ts";
import { tCritical } from "../math/tDistribution.ts";
import type { Scenario } from "../scenario/schema.ts";

/**
 * A policy comparison as an analyst reads it (pure; one copy for `bgsim compare --summary` and
 * the web app's What-if view): the paired differences of the headline outcomes, the cost per
 * additional exporter and per US$ of additional exports with Fieller intervals, and one plain
 * sentence. The inputs are the registry's outcomes (src/pipeline/4-outcomes.ts) of each
 * replication of the baseline A and the policy B, replication r of both on the same random
 * streams. Derived here, not registered, so no registered outcome (nor any golden output) changes.
 */

/** Registered outcomes of one replication, by registry key ("dynamics.exporters", ...). */
export type OutcomeRun = Readonly<Record<string, number>>;

/** The registry keys the summary reads. */
export const SUMMARY_KEYS = {
  share: "dynamics.shareExporting",
  exporters: "dynamics.exporters",
  exports: "dynamics.exportsUsdM",
  /** US$ thousand. */
  cost: "dynamics.policyCost",
} as const;

/** A ratio of two paired mean differences with its Fieller interval. */
export interface RatioCi {
  estimate: number;
  lo: number;
  hi: number;
  /**
   * False when the denominator's mean difference is not distinguishable from 0 at the level
   * (Fieller's interval is then unbounded: lo = -Infinity, hi = Infinity).
   */
  bounded: boolean;
}

/**
 * Ratio of means mean(num) / mean(den) of paired per-replication values with Fieller's
 * confidence interval (Fieller 1954), using the t quantile with n - 1 df as the paired
 * intervals do: the set of rho with |mean(num) - rho mean(den)| <= t SE(mean(num) - rho
 * mean(den)). Exact for normally distributed means, it stays valid when the denominator is
 * small, where the delta method is not; it is unbounded when the denominator's own t interval
 * contains 0. Replications where either value is not finite are left out.
 */
export function fiellerRatio(
  num: ArrayLike<number>,
  den: ArrayLike<number>,
  level = 0.95,
): RatioCi {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < Math.min(num.length, den.length); i++)
    if (Number.isFinite(num[i]) && Number.isFinite(den[i])) {
      x.push(num[i]);
      y.push(den[i]);
    }
  const n = x.length;
  const mx = meanCi(x).mean;
  const my = meanCi(y).mean;
  const estimate = mx / my;
  if (n < 2) return { estimate, lo: Number.NaN, hi: Number.NaN, bounded: false };
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  // variances and covariance of the two means
  const v11 = sxx / (n - 1) / n;
  const v22 = syy / (n - 1) / n;
  const v12 = sxy / (n - 1) / n;
  const t2 = tCritical(n - 1, level) ** 2;
  const a = my * my - t2 * v22;
  const b = mx * my - t2 * v12;
  const c = mx * mx - t2 * v11;
  const disc = b * b - a * c;
  if (!(a > 0) || disc < 0)
    return { estimate, lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, bounded: false };
  const r = Math.sqrt(disc);
  return { estimate, lo: (b - r) / a, hi: (b + r) / a, bounded: true };
}

export interface PolicyMetrics {
  /** Replications in every difference. */
  reps: number;
  /** Share of living firms exporting at the survey date (0-1). */
  share: PairedDifference;
  /** Exporters at the survey date (firms). */
  exporters: PairedDifference;
  /** Exports in the survey year (US$ million). */
  exports: PairedDifference;
  /** Programme cost over the whole run (US$ thousand). */
  cost: PairedDifference;
  /** Additional programme cost per additional exporter (US$). */
  costPerExporter: RatioCi;
  /** Additional programme cost (whole run) per additional US$ of exports in the survey year. */
  costPerExportUsd: RatioCi;
}

const column = (runs: readonly OutcomeRun[], key: string) => runs.map((o) => o[key] ?? Number.NaN);

/** The differences and cost ratios of policy B against baseline A, replication by replication. */
export function policyMetrics(
  base: readonly OutcomeRun[],
  pol: readonly OutcomeRun[],
  level = 0.95,
): PolicyMetrics {
  const R = Math.min(base.length, pol.length);
  const d = (key: string) => {
    const a = column(base, key).slice(0, R);
    const b = column(pol, key).slice(0, R);
    return { a, b, paired: pairedDifference(a, b, level), delta: b.map((v, r) => v - a[r]) };
  };
  const share = d(SUMMARY_KEYS.share);
  const exporters = d(SUMMARY_KEYS.exporters);
  const exports = d(SUMMARY_KEYS.exports);
  const cost = d(SUMMARY_KEYS.cost);
  return {
    reps: R,
    share: share.paired,
    exporters: exporters.paired,
    exports: exports.paired,
    cost: cost.paired,
    // US$ thousand per firm -> US$ per firm
    costPerExporter: scaleRatio(fiellerRatio(cost.delta, exporters.delta, level), 1000),
    // US$ thousand per US$ million -> US$ per US$
    costPerExportUsd: scaleRatio(fiellerRatio(cost.delta, exports.delta, level), 1 / 1000),
  };
}

function scaleRatio(r: RatioCi, k: number): RatioCi {
  return { ...r, estimate: r.estimate * k, lo: r.lo * k, hi: r.hi * k };
}

// ---------------------------------------------------------------- number formats

const MINUS = "\u2212";

/**
 * Decimals that show an interval [lo, hi] to one significant digit of its half-width (at
 * least `min`, at most `max`): 2.62 [2.37, 2.87] -> 1 decimal, -517.7 [-1360, 324.8] -> 0.
 * A value and its interval are then written with the same decimals.
 */
export function decimalsFor(lo: number, hi: number, fallback = 2, min = 0, max = 3): number {
  const hw = (hi - lo) / 2;
  if (!(hw > 0) || !Number.isFinite(hw)) return Math.max(min, Math.min(max, fallback));
  return Math.max(min, Math.min(max, -Math.floor(Math.log10(hw))));
}

/** A number with thousands separators, `decimals` decimals and a true minus sign. */
export function formatNumber(x: number, decimals: number, signed = false): string {
  if (Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : `${MINUS}∞`;
  let s = Math.abs(x).toLocaleString("en-US", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  const zero = Number(s.replace(/,/g, "")) === 0;
  if (x < 0 && !zero) s = `${MINUS}${s}`;
  else if (signed && !zero) s = `+${s}`;
  return s;
}

/** Round to 3 significant digits of `ref` (the same step for a value and its interval). */
function roundStep(ref: number): number {
  if (!(Math.abs(ref) > 0) || !Number.isFinite(ref)) return 1;
  return 10 ** (Math.floor(Math.log10(Math.abs(ref))) - 2);
}

/** A ratio and its interval rounded to 3 significant digits of the estimate, e.g. "182,000". */
export function formatRatio(r: RatioCi): { estimate: string; lo: string; hi: string } {
  const step = roundStep(r.estimate);
  const d = Math.max(0, -Math.round(Math.log10(step)));
  const f = (x: number) => formatNumber(Math.round(x / step) * step, d);
  return { estimate: f(r.estimate), lo: f(r.lo), hi: f(r.hi) };
}

/** "2.4–2.9", or "−0.3 to 0.2" when a bound is negative. */
export function rangeText(lo: string, hi: string): string {
  return lo.startsWith(MINUS) || hi.startsWith(MINUS) ? `${lo} to ${hi}` : `${lo}–${hi}`;
}

// ---------------------------------------------------------------- the policy in words

type Obj = Record<string, unknown>;
const get = (o: unknown, path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Obj)[k] : undefined), o);
const pct = (x: number) => `${formatNumber(100 * x, Number.isInteger(100 * x) ? 0 : 1)}%`;

export interface PolicyDescription {
  /** The intervention as the subject of a sentence: "Treating 30% of eligible firms ... from 1990". */
  text: string;
  /** Decimal calendar year from which the policy acts (null: from the start of the run). */
  startYear: number | null;
}

/** What B changes relative to A, in words, and from when. */
export function describePolicy(a: Scenario, b: Scenario): PolicyDescription {
  const levers: string[] = [];
  const changed = (path: string[]) => JSON.stringify(get(a, path)) !== JSON.stringify(get(b, path));
  const pb = b.policy;
  const ep = pb.exportPromotion;
  if (changed(["policy", "exportPromotion"]) && ep.takeUp > 0)
    levers.push(
      `treating ${pct(ep.takeUp)} of ${ep.eligibility === "non-exporters" ? "eligible firms (not yet exporting)" : "firms"} with export promotion`,
    );
  const mm = pb.matchmaking;
  if (changed(["policy", "matchmaking"]) && mm.takeUp > 0)
    levers.push(
      `matching ${pct(mm.takeUp)} of firms with distributors ${formatNumber(mm.competenceShift, 1)} SD more competent`,
    );
  const te = pb.technology;
  if (changed(["policy", "technology"]) && te.takeUp > 0)
    levers.push(
      `supporting R&D in ${pct(te.takeUp)} of firms (+${formatNumber(te.gtcShift, 1)} SD technological competence)`,
    );
  const tc = pb.tradeCost;
  if (changed(["policy", "tradeCost"]) && (tc.entryTrendChange || tc.distancePenaltyChange)) {
    const what: string[] = [];
    if (tc.entryTrendChange)
      what.push(
        `entry hazards growing ${formatNumber(100 * Math.abs(tc.entryTrendChange), 1)} points a year ${tc.entryTrendChange > 0 ? "faster" : "slower"}`,
      );
    if (tc.distancePenaltyChange)
      what.push(
        `distance penalties ${pct(Math.abs(tc.distancePenaltyChange))} ${tc.distancePenaltyChange < 0 ? "smaller" : "larger"}`,
      );
    levers.push(`cheaper trade (${what.join(", ")})`);
  }
  const parts: string[] = [];
  const startYear = levers.length ? pb.startYear : null;
  if (startYear !== null)
    parts.push(
      `${levers.join(" and ")} from ${Number.isInteger(startYear) ? startYear : startYear.toFixed(2)}`,
    );
  const trend = ["dynamics", "entry", "globalisationTrend"];
  if (changed(trend))
    parts.push(
      `letting entry hazards grow ${pct(b.dynamics.entry.globalisationTrend)} a year instead of ${pct(a.dynamics.entry.globalisationTrend)}`,
    );
  if (!parts.length) return { text: `Scenario "${b.name}" instead of "${a.name}"`, startYear };
  const text = parts.join(" and ");
  return { text: text.charAt(0).toUpperCase() + text.slice(1), startYear };
}

// ---------------------------------------------------------------- the sentence

/**
 * One plain sentence for a comparison: the share exporting at the survey date under both
 * scenarios, its difference with the 95% interval, the programme cost and the cost per
 * additional exporter and per US$ of additional exports with their Fieller intervals.
 */
export function analystSummary(a: Scenario, b: Scenario, m: PolicyMetrics): string {
  const policy = describePolicy(a, b);
  const year = b.dynamics.surveyYear;
  const s = m.share;
  const dd = decimalsFor(100 * s.lo, 100 * s.hi, 1, 1);
  const diff = formatNumber(100 * s.diff, dd, true);
  const ci = rangeText(formatNumber(100 * s.lo, dd), formatNumber(100 * s.hi, dd));
  const level = `${formatNumber(100 * s.meanA, dd)}%`;
  const levelB = `${formatNumber(100 * s.meanB, dd)}%`;
  const verb = s.lo > 0 ? "raises" : s.hi < 0 ? "lowers" : "does not detectably change";
  const sharePart =
    s.lo > 0 || s.hi < 0
      ? `${verb} the share of firms exporting in ${year} from ${level} to ${levelB}`
      : `${verb} the share of firms exporting in ${year} (${level} and ${levelB}`;
  const interval = `${diff} points, 95% CI ${ci}`;
  let text = `${policy.text} ${sharePart}${s.lo > 0 || s.hi < 0 ? ` (${interval})` : `; ${interval})`}`;
  const cost = m.cost;
  const reps = `; ${m.reps} paired replications.`;
  if (!(Math.abs(cost.diff) > 0)) return `${text} at no programme cost${reps}`;
  const cd = decimalsFor(cost.lo / 1000, cost.hi / 1000, 0, 0, 1);
  text += ` at a cost of US$ ${formatNumber(cost.diff / 1000, cd)} m over the programme`;
  const pe = m.costPerExporter;
  if (pe.bounded && pe.estimate > 0) {
    const r = formatRatio(pe);
    text += `, about US$ ${r.estimate} per additional exporter (95% CI ${rangeText(r.lo, r.hi)})`;
  } else text += ", with no detectable gain in exporters to divide it by";
  const px = m.costPerExportUsd;
  if (px.bounded && px.estimate > 0) {
    const r = formatRatio(px);
    text += ` and US$ ${r.estimate} per additional US$ of exports in ${year} (95% CI ${rangeText(r.lo, r.hi)})`;
  }
  return `${text}${reps}`;
}
