import { pathLabel } from "../../../src/model/pathLabel.ts";
import { TABLE2 } from "../../../src/paper/table2.ts";
import type { AnalysisEstimator } from "../../../src/scenario/sections/analysis.ts";
import { PointValues } from "../output/pointValues.ts";
import type { ReplicationRow } from "./rows.ts";

/**
 * Monte Carlo summary, computed from the tidy rows alone (so merged or resumed runs summarise
 * exactly like an uninterrupted one).
 */
export interface PathSummary {
  hypothesis: string;
  path: string;
  paper_coefficient: number | null;
  paper_verdict: string;
  population: number;
  /** The value the composites carry before selection (see compositeValues.ts); null without a survey. */
  composite_value: number | null;
  mean_estimate: number;
  bias: number;
  empirical_sd: number;
  mean_se: number;
  /** Share of 95% CIs covering the population value. */
  coverage: number;
  /** Share of replications significant at alpha (p < alpha). */
  power: number;
  /** Share of replications whose verdict equals the paper's. */
  verdict_match: number | null;
  /** Analysis models with a bootstrap: share of bootstrap intervals covering the population
   * value, and share excluding 0 (the bootstrap test's power). */
  boot_coverage?: number;
  boot_power?: number;
}

export interface ModelSummary {
  replications: number;
  alpha: number;
  mean_n: number;
  min_n: number;
  /** Share of replications rejecting the model by the chi-square test at alpha. */
  chisq_rejection: number;
  /** Share of replications reproducing the paper's S/NS verdict on every Table 2 hypothesis
   * the model estimates. */
  pattern_share: number;
  /** Hypotheses the pattern compares. */
  pattern_hypotheses: number;
}

export interface Summary {
  model: ModelSummary;
  paths: PathSummary[];
  /** Mean of each numeric outcome (survey facts, checks) over replications. */
  outcomes: Record<string, number>;
}

/**
 * Order of a summary's rows: Table 2's paths in its order, then other paths, then defined
 * parameters (indirect effects; labels without "->"), each alphabetically.
 */
function byPathOrder(a: PathSummary, b: PathSummary): number {
  const order = (p: PathSummary) => {
    const i = TABLE2.findIndex((t) => pathLabel(t.from, t.to) === p.path);
    return i >= 0 ? i : p.path.includes("->") ? 100 : 200;
  };
  return order(a) - order(b) || a.path.localeCompare(b.path);
}

/** boot_coverage and boot_power over a path's replications (none without a bootstrap). */
function bootShares(boots: readonly ({ covered: number; significant: number } | undefined)[]): {
  boot_coverage?: number;
  boot_power?: number;
} {
  let k = 0;
  let covered = 0;
  let significant = 0;
  for (const b of boots) {
    if (!b) continue;
    k++;
    covered += b.covered;
    significant += b.significant;
  }
  return k ? { boot_coverage: covered / k, boot_power: significant / k } : {};
}

export function summarise(
  rows: readonly ReplicationRow[],
  alpha: number,
  outcomes: readonly { replication: number; outcome: string; value: number }[] = [],
  composite: Map<string, number> | null = null,
): Summary {
  const byPath = new Map<string, ReplicationRow[]>();
  const byRep = new Map<number, ReplicationRow[]>();
  for (const r of rows) {
    if (!byPath.has(r.path)) byPath.set(r.path, []);
    byPath.get(r.path)!.push(r);
    if (!byRep.has(r.replication)) byRep.set(r.replication, []);
    byRep.get(r.replication)!.push(r);
  }
  const paths: PathSummary[] = [];
  for (const [path, rs] of byPath) {
    const k = rs.length;
    const mean = rs.reduce((s, r) => s + r.std, 0) / k;
    const sd = Math.sqrt(rs.reduce((s, r) => s + (r.std - mean) ** 2, 0) / Math.max(1, k - 1));
    const paper = TABLE2.find((t) => pathLabel(t.from, t.to) === path);
    paths.push({
      hypothesis: rs[0].hypothesis,
      path,
      paper_coefficient: paper?.coefficient ?? null,
      paper_verdict: paper?.verdict ?? "",
      population: rs[0].population,
      composite_value: composite?.get(path) ?? null,
      mean_estimate: mean,
      bias: mean - rs[0].population,
      empirical_sd: sd,
      mean_se: rs.reduce((s, r) => s + r.std_se, 0) / k,
      coverage: rs.reduce((s, r) => s + r.covered, 0) / k,
      power: rs.reduce((s, r) => s + r.significant, 0) / k,
      verdict_match: paper ? rs.filter((r) => r.verdict === paper.verdict).length / k : null,
      ...bootShares(rs.map((r) => r.boot)),
    });
  }
  let pattern = 0;
  let rejected = 0;
  let sumN = 0;
  let minN = Number.POSITIVE_INFINITY;
  let compared = 0;
  for (const rs of byRep.values()) {
    const hyp = rs.filter((r) => r.paper_verdict !== "");
    compared = hyp.length;
    if (hyp.length > 0 && hyp.every((r) => r.verdict === r.paper_verdict)) pattern++;
    const cp = rs[0].chisq_p;
    if (rs[0].df > 0 && cp !== null && cp < alpha) rejected++;
    sumN += rs[0].n;
    minN = Math.min(minN, rs[0].n);
  }
  const R = byRep.size;
  const sums = new Map<string, { s: number; k: number }>();
  for (const o of outcomes) {
    const e = sums.get(o.outcome) ?? { s: 0, k: 0 };
    e.s += o.value;
    e.k++;
    sums.set(o.outcome, e);
  }
  const meanOutcomes: Record<string, number> = {};
  for (const [k, { s, k: c }] of sums) meanOutcomes[k] = s / c;
  // Share of surveys in which each non-response t-test is significant at alpha.
  const rej = new Map<string, { s: number; k: number }>();
  for (const o of outcomes) {
    const m = /^(check\.\w+\.\w+)\.p$/.exec(o.outcome);
    if (!m) continue;
    const e = rej.get(m[1]) ?? { s: 0, k: 0 };
    if (o.value < alpha) e.s++;
    e.k++;
    rej.set(m[1], e);
  }
  for (const [k, { s, k: c }] of rej) meanOutcomes[`${k}.rejectionShare`] = s / c;
  for (const name of ["earlyLate", "respondents"]) {
    const flagged = outcomes.filter((o) => o.outcome === `check.${name}.flagged`);
    if (flagged.length)
      meanOutcomes[`check.${name}.anyFlaggedShare`] =
        flagged.filter((o) => o.value > 0).length / flagged.length;
  }
  paths.sort(byPathOrder);
  return {
    model: {
      replications: R,
      alpha,
      mean_n: R ? sumN / R : 0,
      min_n: R ? minN : 0,
      chisq_rejection: R ? rejected / R : 0,
      pattern_share: R ? pattern / R : 0,
      pattern_hypotheses: compared,
    },
    paths,
    outcomes: meanOutcomes,
  };
}

/**
 * The chi-square test of one model (the generating model or an analysis model) over a point's
 * replications: the empirical rejection rates with their binomial standard errors beside the
 * analytic power (src/analysis/modelTest.ts) at the point's mean n. Null fields: a saturated
 * model (df = 0), a non-MLR estimator (scaled), or no closed-form population (dynamics).
 */
export interface ModelTestSummary {
  analysis: string;
  estimator: AnalysisEstimator;
  model: string;
  replications: number;
  df: number;
  /** Share of replications with chi-square p < alpha, and its binomial SE sqrt(p(1-p)/R). */
  chisq_rejection: number | null;
  chisq_rejection_se: number | null;
  /** MLR: the same for the scaled chi-square. */
  scaled_rejection: number | null;
  /** Share rejecting close fit (chi-square above the close-fit critical value, eps0 = 0.05). */
  close_fit_rejection: number | null;
  /** Population misfit, noncentrality at mean n, population RMSEA. */
  f0: number | null;
  lambda: number | null;
  population_rmsea: number | null;
  /** Satorra-Saris power of the exact-fit test; MacCallum-Browne-Sugawara power of close fit. */
  analytic_power: number | null;
  rmsea_power: number | null;
}

export function modelTestSummary(
  rows: readonly ModelTestRow[],
  alpha: number,
  id: { analysis: string; estimator: AnalysisEstimator; model: string },
  analytic: AnalyticModelTest | null,
): ModelTestSummary {
  const byRep = new Map<number, ModelTestRow>();
  for (const r of rows) if (!byRep.has(r.replication)) byRep.set(r.replication, r);
  const acc = new ModelTestAccumulator(alpha);
  for (const r of byRep.values()) acc.add(r);
  return acc.result(id, analytic);
}

/** What modelTestSummary reads of a row (the first row of each replication counts). */
export interface ModelTestRow {
  replication: number;
  df: number;
  chisq: number;
  chisq_p: number | null;
  chisq_scaled_p?: number | null;
}

/** The analytic test of a model at a point's mean n (analyticModelTestPower). */
export interface AnalyticModelTest {
  f0: number;
  lambda: number;
  rmsea: number;
  power: number;
  rmseaPower: number;
  closeCrit: number;
}

/**
 * modelTestSummary one replication at a time (one row per replication, in any order): counts,
 * and every chi-square (for the close-fit share, whose critical value depends on the point's
 * mean n, known at the end) in a PointValues, which spills to a file when given one.
 */
export class ModelTestAccumulator {
  private R = 0;
  private df = Number.NaN;
  private rejected = 0;
  private anyScaled = false;
  private scaledRejected = 0;
  private chisqs: PointValues;

  constructor(
    private readonly alpha: number,
    values?: PointValues,
  ) {
    this.chisqs = values ?? new PointValues();
    this.chisqs.reset();
  }

  add(r: ModelTestRow): void {
    if (this.R === 0) this.df = r.df;
    this.R++;
    if (r.chisq_p !== null && r.chisq_p < this.alpha) this.rejected++;
    if (r.chisq_scaled_p != null) {
      this.anyScaled = true;
      if (r.chisq_scaled_p < this.alpha) this.scaledRejected++;
    }
    this.chisqs.push(0, r.chisq);
  }

  result(
    id: { analysis: string; estimator: AnalysisEstimator; model: string },
    analytic: AnalyticModelTest | null,
  ): ModelTestSummary {
    const { R, df } = this;
    const fin = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    const share = (count: number) => (R && df > 0 ? count / R : null);
    const rej = share(this.rejected);
    const scaled = this.anyScaled ? share(this.scaledRejected) : null;
    let close: number | null = null;
    if (analytic && Number.isFinite(analytic.closeCrit)) {
      const crit = analytic.closeCrit;
      let over = 0;
      this.chisqs.forEach((_, x) => {
        if (x > crit) over++;
      });
      close = share(over);
    }
    return {
      ...id,
      replications: R,
      df,
      chisq_rejection: rej,
      chisq_rejection_se: rej === null ? null : Math.sqrt((rej * (1 - rej)) / R),
      scaled_rejection: scaled,
      close_fit_rejection: close,
      f0: fin(analytic?.f0),
      lambda: fin(analytic?.lambda),
      population_rmsea: fin(analytic?.rmsea),
      analytic_power: fin(analytic?.power),
      rmsea_power: fin(analytic?.rmseaPower),
    };
  }
}

/**
 * summarise() one replication at a time, holding only sums per path and outcome and each
 * path's estimates (for the two-pass standard deviation, so the figures are the same doubles
 * as summarise's). Replications must be added in the order summarise would see their rows.
 */
export class SummaryAccumulator {
  private byPath = new Map<
    string,
    {
      hypothesis: string;
      population: number;
      slot: number;
      k: number;
      sumEst: number;
      sumSe: number;
      covered: number;
      significant: number;
      paperVerdict: string | undefined;
      paperCoef: number | null;
      match: number;
      /** Bootstrap intervals seen, covering, excluding 0. */
      boot: { k: number; covered: number; significant: number };
    }
  >();
  private R = 0;
  private pattern = 0;
  private rejected = 0;
  private sumN = 0;
  private minN = Number.POSITIVE_INFINITY;
  private compared = 0;
  private sums = new Map<string, { s: number; k: number }>();
  private rej = new Map<string, { s: number; k: number }>();
  private flagged = new Map<string, { yes: number; k: number }>();
  private rejKey = new Map<string, string | null>();

  /** Every path's estimates (slot = the path's number), for the two-pass SD. */
  private estimates: PointValues;

  constructor(
    private readonly alpha: number,
    private readonly composite: Map<string, number> | null = null,
    values?: PointValues,
  ) {
    this.estimates = values ?? new PointValues();
    this.estimates.reset();
  }

  /** One replication's rows (all of the same replication) and its outcomes. */
  add(
    rows: readonly ReplicationRow[],
    outcomes: readonly { replication: number; outcome: string; value: number }[],
  ): void {
    for (const r of rows)
      this.addPath(
        r.path,
        r.hypothesis,
        r.population,
        r.std,
        r.std_se,
        r.covered,
        r.significant,
        r.verdict,
        r.boot,
      );
    if (rows.length) {
      let hyp = 0;
      let all = true;
      for (const r of rows)
        if (r.paper_verdict !== "") {
          hyp++;
          if (r.verdict !== r.paper_verdict) all = false;
        }
      this.addReplication(hyp, all, rows[0].df, rows[0].chisq_p, rows[0].n);
    }
    for (const o of outcomes) this.addOutcome(o.outcome, o.value);
  }

  /** One path's row of a replication (as replicationRows computes it). */
  addPath(
    path: string,
    hypothesis: string,
    population: number,
    estimate: number,
    se: number,
    covered: number,
    significant: number,
    verdict: string,
    boot?: { covered: number; significant: number },
  ): void {
    let p = this.byPath.get(path);
    if (!p) {
      const paper = TABLE2.find((t) => pathLabel(t.from, t.to) === path);
      p = {
        hypothesis,
        population,
        slot: this.byPath.size,
        k: 0,
        sumEst: 0,
        sumSe: 0,
        covered: 0,
        significant: 0,
        paperVerdict: paper?.verdict,
        paperCoef: paper?.coefficient ?? null,
        match: 0,
        boot: { k: 0, covered: 0, significant: 0 },
      };
      this.byPath.set(path, p);
    }
    p.k++;
    this.estimates.push(p.slot, estimate);
    p.sumEst += estimate;
    p.sumSe += se;
    p.covered += covered;
    p.significant += significant;
    if (p.paperVerdict !== undefined && verdict === p.paperVerdict) p.match++;
    if (boot) {
      p.boot.k++;
      p.boot.covered += boot.covered;
      p.boot.significant += boot.significant;
    }
  }

  /**
   * The model-level figures of a replication with at least one path: how many rows have a
   * paper verdict and whether all of those match it, df, chi-square p (null if none), n.
   */
  addReplication(
    hypotheses: number,
    allMatch: boolean,
    df: number,
    chisqP: number | null,
    n: number,
  ): void {
    this.R++;
    this.compared = hypotheses;
    if (hypotheses > 0 && allMatch) this.pattern++;
    if (df > 0 && chisqP !== null && chisqP < this.alpha) this.rejected++;
    this.sumN += n;
    this.minN = Math.min(this.minN, n);
  }

  /** One finite outcome of a replication. */
  addOutcome(outcome: string, value: number): void {
    let e = this.sums.get(outcome);
    if (!e) {
      e = { s: 0, k: 0 };
      this.sums.set(outcome, e);
    }
    e.s += value;
    e.k++;
    let rk = this.rejKey.get(outcome);
    if (rk === undefined) {
      const m = /^(check\.\w+\.\w+)\.p$/.exec(outcome);
      rk = m ? m[1] : null;
      this.rejKey.set(outcome, rk);
    }
    if (rk !== null) {
      let x = this.rej.get(rk);
      if (!x) {
        x = { s: 0, k: 0 };
        this.rej.set(rk, x);
      }
      if (value < this.alpha) x.s++;
      x.k++;
    }
    const name =
      outcome === "check.earlyLate.flagged"
        ? "earlyLate"
        : outcome === "check.respondents.flagged"
          ? "respondents"
          : undefined;
    if (name) {
      let f = this.flagged.get(name);
      if (!f) {
        f = { yes: 0, k: 0 };
        this.flagged.set(name, f);
      }
      if (value > 0) f.yes++;
      f.k++;
    }
  }

  result(): Summary {
    const paths: PathSummary[] = [];
    const means = new Float64Array(this.byPath.size);
    const ssOf = new Float64Array(this.byPath.size);
    for (const p of this.byPath.values()) means[p.slot] = p.sumEst / p.k;
    this.estimates.forEach((slot, x) => {
      ssOf[slot] += (x - means[slot]) ** 2;
    });
    for (const [path, p] of this.byPath) {
      const k = p.k;
      const mean = p.sumEst / k;
      const ss = ssOf[p.slot];
      paths.push({
        hypothesis: p.hypothesis,
        path,
        paper_coefficient: p.paperCoef,
        paper_verdict: p.paperVerdict ?? "",
        population: p.population,
        composite_value: this.composite?.get(path) ?? null,
        mean_estimate: mean,
        bias: mean - p.population,
        empirical_sd: Math.sqrt(ss / Math.max(1, k - 1)),
        mean_se: p.sumSe / k,
        coverage: p.covered / k,
        power: p.significant / k,
        verdict_match: p.paperVerdict !== undefined ? p.match / k : null,
        ...(p.boot.k
          ? { boot_coverage: p.boot.covered / p.boot.k, boot_power: p.boot.significant / p.boot.k }
          : {}),
      });
    }
    const meanOutcomes: Record<string, number> = {};
    for (const [k, { s, k: c }] of this.sums) meanOutcomes[k] = s / c;
    for (const [k, { s, k: c }] of this.rej) meanOutcomes[`${k}.rejectionShare`] = s / c;
    for (const name of ["earlyLate", "respondents"]) {
      const f = this.flagged.get(name);
      if (f?.k) meanOutcomes[`check.${name}.anyFlaggedShare`] = f.yes / f.k;
    }
    paths.sort(byPathOrder);
    const R = this.R;
    return {
      model: {
        replications: R,
        alpha: this.alpha,
        mean_n: R ? this.sumN / R : 0,
        min_n: R ? this.minN : 0,
        chisq_rejection: R ? this.rejected / R : 0,
        pattern_share: R ? this.pattern / R : 0,
        pattern_hypotheses: this.compared,
      },
      paths,
      outcomes: meanOutcomes,
    };
  }
}

/** The cells of one path's summary.csv row after the point and its settings (column order). */
export function summaryCells(
  p: PathSummary,
  model: Summary["model"],
): Record<string, number | string | null> {
  return {
    hypothesis: p.hypothesis,
    path: p.path,
    population: p.population,
    composite_value: p.composite_value,
    mean_estimate: p.mean_estimate,
    bias: p.bias,
    empirical_sd: p.empirical_sd,
    mean_se: p.mean_se,
    coverage: p.coverage,
    power: p.power,
    verdict_match: p.verdict_match,
    pattern_share: model.pattern_share,
    chisq_rejection: model.chisq_rejection,
    mean_n: model.mean_n,
    replications: model.replications,
    ...(p.boot_coverage !== undefined
      ? { boot_coverage: p.boot_coverage, boot_power: p.boot_power ?? null }
      : {}),
  };
}

/** summaryCells for a model-level row of a model without paths (a CFA): path figures empty. */
export function modelLevelCells(replications: number): Record<string, number | string | null> {
  return {
    hypothesis: "",
    path: "",
    population: null,
    composite_value: null,
    mean_estimate: null,
    bias: null,
    empirical_sd: null,
    mean_se: null,
    coverage: null,
    power: null,
    verdict_match: null,
    pattern_share: null,
    chisq_rejection: null,
    mean_n: null,
    replications,
  };
}
