import { indirectTable } from "../../../src/analysis/indirect.ts";
import { analysisTable } from "../../../src/analysis/models.ts";
import {
  modelTestPowerOf,
  populationMisfit,
  populationSigma,
} from "../../../src/analysis/modelTest.ts";
import { estimatePathModel } from "../../../src/estimate/report.ts";
import { normalCdf, normalQuantile } from "../../../src/math/distributions.ts";
import { parsePathLabel, pathLabel } from "../../../src/model/pathLabel.ts";
import { CONSTRUCTS } from "../../../src/paper/constructs.ts";
import { TABLE2 } from "../../../src/paper/table2.ts";
import { inOrder } from "../../../src/pipeline/3-analysis.ts";
import { modelFor, type ReplicationResult, runReplication } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { buildPlan } from "../designs/plan.ts";
import { powerSweep } from "./power.ts";

/**
 * Required-n search (`bgsim power --target 0.8 --for H4a`): the smallest number of usable
 * responses n at which a test reaches the target power: a path's or a defined parameter's
 * (indirect effect's) Wald test (p < alpha, the `significant` column of replications.csv), or
 * a model's chi-square test (`--for chisq`, `chisq.scaled`, `<analysis>.chisq`; p < alpha for
 * df > 0, the rejection counted by power's chisq_rejection).
 *
 * 1'. Analytic first guess for a chi-square test (Satorra & Saris 1985): the model fitted to
 *    the same population covariance gives F0 = min F_ML(Sigma_true, model) and df; the test's
 *    power at n is P(chi2_df(n F0) > chi2_df,1-alpha) (src/analysis/modelTest.ts), and n0 is the
 *    smallest integer n where it reaches the target. For the scaled test (MLR) the guess is the
 *    ML test's (the noncentral approximation of the scaled statistic is not exact).
 *
 * 1. Analytic first guess (Wald): fit the generating model to the population covariance of what
 *    a replication observes (the survey's composites, populationSigma) at a very large N; the
 *    per-observation SE is SE_1 = se * sqrt(N), the standardized effect delta = est / SE_1 and
 *    n0 = ((z_{1-alpha/2} + z_target) / delta)^2. It ignores selection, response bias and
 *    small-sample effects, which the Monte Carlo then includes.
 * 2. Monte Carlo bisection on n: R replications at each n tried, replication r on the streams of
 *    (seed, r) at every n (common random numbers, as bgsim power), so the estimated power is
 *    nearly monotone in n. First bracket [lo, hi] with power(lo) < target <= power(hi): a secant
 *    step (the effect size implied by the power found at n0, 5% beyond), then steps of x1.5,
 *    then bisect on integers until hi - lo <= 1 (or maxSteps).
 * The answer is hi, the smallest n tried whose Monte Carlo power reaches the target, with that
 * power's binomial SE and 95% interval, and the Monte Carlo SE of n itself (the power's SE
 * divided by the slope of the analytic power curve at n).
 */
export interface TargetOptions {
  target: number;
  /** A path "FROM->TO" or a defined parameter's name (see targetPath), or a model test. */
  path: string;
  reps: number;
  /** Most Monte Carlo evaluations in all (bracketing and bisection). */
  maxSteps?: number;
  minN?: number;
  maxN?: number;
  /** Called after each evaluation. */
  onStep?: (s: TargetStep) => void;
}

export interface TargetStep {
  n: number;
  reps: number;
  /** Replications that failed to estimate (counted as not significant). */
  failed: number;
  significant: number;
  power: number;
  se: number;
  /** Analytic power at this n (Wald, or the noncentral chi-square of a model test). */
  analytic: number;
}

/** The analytic first guess of a model test: its population misfit and df. */
export interface ChisqGuess {
  kind: "chisq";
  /** "generating" or the analysis model's name. */
  model: string;
  scaled: boolean;
  df: number;
  /** Population discrepancy F0; the noncentrality at n is n F0. */
  f0: number;
  /** Population RMSEA sqrt(F0 / df). */
  rmsea: number;
  /** Smallest n whose Satorra-Saris power reaches the target (Infinity when F0 = 0). */
  n: number;
}

export interface AnalyticGuess {
  /** Unstandardized population coefficient (composite level). */
  est: number;
  /** Per-observation standard error: the SE at n is se1 / sqrt(n). */
  se1: number;
  /** n0 rounded up. */
  n: number;
}

export interface TargetResult {
  target: number;
  /** The path or defined parameter, or "<model>.chisq" / "<model>.chisq.scaled". */
  path: string;
  hypothesis: string | null;
  alpha: number;
  reps: number;
  analytic: AnalyticGuess | ChisqGuess;
  steps: TargetStep[];
  /** The smallest n tried whose Monte Carlo power reaches the target (null if none did). */
  n: number | null;
  power: number | null;
  power_se: number | null;
  power_ci95: [number, number] | null;
  /** Monte Carlo SE of n: power_se / (d analytic power / dn) at n. */
  n_se: number | null;
  /** The largest n tried whose power fell short (the bracket's lower end). */
  below: { n: number; power: number; se: number } | null;
  converged: boolean;
}

/**
 * "H4a" or "IEO->LFDC" (or "IEO -> LFDC") to a path label, or an indirect effect's name
 * (IEO_GTC_PERF, ..., IEO_total, IMO_total) as is; null when it names neither.
 */
export function targetPath(spec: string): string | null {
  const h = TABLE2.find((t) => t.hypothesis.toLowerCase() === spec.toLowerCase());
  if (h) return pathLabel(h.from, h.to);
  if (INDIRECT_NAME.test(spec)) return spec;
  const ends = parsePathLabel(spec.replace(/\s+/g, ""));
  return ends ? pathLabel(ends.from, ends.to) : null;
}

/** The names src/syntax/indirect.ts gives the paper's indirect effects. */
export const INDIRECT_NAME = /^(IEO|IMO)_((GTC|UPD|QF|LFDC)_PERF|total)$/;

/** A model test to search n for: the generating model's or an analysis model's chi-square. */
export interface ModelTestTarget {
  /** "generating" or the analysis model's name. */
  model: string;
  scaled: boolean;
}

/**
 * `--for chisq | chisq.scaled | <model>.chisq | <model>.chisq.scaled` to the model test:
 * "chisq" is the first analysis model's test (the generating model's without an analysis
 * section), "chisq.scaled" the first MLR analysis model's; <model> is "generating" or an
 * analysis model's name. Null when `spec` is not a model test; an error message when it names
 * one the scenario does not have.
 */
export function targetModelTest(
  scenario: Scenario,
  spec: string,
): ModelTestTarget | { error: string } | null {
  const m = /^(?:([a-z][a-z0-9_]*)\.)?chisq(\.scaled)?$/.exec(spec);
  if (!m) return null;
  const scaled = m[2] !== undefined;
  const list = scenario.analysis ?? [];
  const names = ["generating", ...list.map((a) => a.name)];
  let model = m[1];
  if (model === undefined) {
    const first = scaled ? list.find((a) => a.estimator === "MLR") : list[0];
    if (scaled && !first)
      return {
        error: `--for ${spec}: the scaled chi-square needs an analysis model with estimator MLR; the scenario has none`,
      };
    model = first?.name ?? "generating";
  }
  if (!names.includes(model))
    return {
      error: `--for ${spec}: no model "${model}"; the models are ${names.join(", ")} (e.g. --for ${names[names.length - 1]}.chisq)`,
    };
  if (scaled && list.find((a) => a.name === model)?.estimator !== "MLR")
    return {
      error: `--for ${spec}: the scaled chi-square is an MLR statistic; model "${model}" is fitted by ML (use ${model}.chisq)`,
    };
  return { model, scaled };
}

/** Analytic Wald power of a coefficient est with per-observation SE se1 at n. */
export function waldPower(est: number, se1: number, n: number, alpha: number): number {
  const z = normalQuantile(1 - alpha / 2);
  const d = (Math.abs(est) / se1) * Math.sqrt(n);
  return normalCdf(d - z) + normalCdf(-d - z);
}

/** The analytic first guess (see the module comment); null when the population fit fails. */
export function analyticGuess(
  scenario: Scenario,
  path: string,
  target: number,
): AnalyticGuess | null {
  const Sigma = populationSigma(scenario);
  if (!Sigma) return null;
  const spec = modelFor(scenario).model.spec;
  const table = INDIRECT_NAME.test(path) ? indirectTable(spec) : modelFor(scenario).table;
  const N = 1_000_000;
  const r = estimatePathModel(table, inOrder(Sigma, CONSTRUCTS, table.variables), N, {
    modification: false,
    rmseaInterval: false,
  });
  if (!r.ok) return null;
  const x =
    r.report.paths.find((p) => p.label === path) ?? r.report.defined?.find((d) => d.name === path);
  if (!x) return null;
  const se1 = x.se * Math.sqrt(N);
  const alpha = scenario.estimation.alpha;
  const zs = normalQuantile(1 - alpha / 2) + normalQuantile(target);
  const n0 = ((zs * se1) / Math.abs(x.est)) ** 2;
  return { est: x.est, se1, n: Number.isFinite(n0) ? Math.ceil(n0) : Number.POSITIVE_INFINITY };
}

/** The analytic first guess of a model test (see the module comment); null without a population. */
export function chisqGuess(
  scenario: Scenario,
  test: ModelTestTarget,
  target: number,
  maxN: number,
): ChisqGuess | { error: string } | null {
  const Sigma = populationSigma(scenario);
  if (!Sigma) return null;
  const cfg = scenario.analysis?.find((a) => a.name === test.model);
  const m = populationMisfit(cfg ? analysisTable(cfg.model) : modelFor(scenario).table, Sigma);
  if (!m) return null;
  if (m.df <= 0)
    return {
      error: `model "${test.model}" is saturated (df = 0): its chi-square test cannot reject at any n`,
    };
  const alpha = scenario.estimation.alpha;
  const pw = (n: number) => modelTestPowerOf(m.f0, m.df, n, alpha).power;
  let n = Number.POSITIVE_INFINITY;
  if (m.f0 > 0) {
    let hi = 2;
    while (hi < 100 * maxN && pw(hi) < target) hi *= 2;
    if (pw(hi) >= target) {
      let lo = hi / 2;
      if (pw(lo) >= target) lo = 1;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (pw(mid) >= target) hi = mid;
        else lo = mid;
      }
      n = hi;
    }
  }
  return {
    kind: "chisq",
    model: test.model,
    scaled: test.scaled,
    df: m.df,
    f0: m.f0,
    rmsea: Math.sqrt(m.f0 / m.df),
    n,
  };
}

/** The scenario at n usable responses, exactly as `bgsim power --n n` builds it. */
export function scenarioAtN(base: Scenario, n: number, reps: number): Scenario {
  const v = powerSweep(base, [{ name: "n", values: [n] }], reps, 0);
  if (!v.ok) throw new Error(`n = ${n}: ${v.issues.map((i) => i.message).join("; ")}`);
  const sc = buildPlan(v.sweep).scenarioAt(0);
  if (!sc.ok) throw new Error(sc.message);
  return sc.scenario;
}

/** Whether a replication's result rejects at alpha (the test searched for). */
type Rejects = (res: ReplicationResult, alpha: number) => boolean;

/** A path's or defined parameter's Wald test (p < alpha). */
function waldRejects(path: string): Rejects {
  return (res, alpha) => {
    const x = res.paths.find((p) => p.label === path);
    if (!x) throw new Error(`the model has no path or defined parameter ${path}`);
    return x.p < alpha;
  };
}

/** A model's chi-square test (or the scaled one) rejects: df > 0 and p < alpha. */
function chisqRejects(test: ModelTestTarget): Rejects {
  return (res, alpha) => {
    if (test.model === "generating") return res.fit.df > 0 && res.fit.pvalue < alpha;
    const a = res.analyses?.find((x) => x.name === test.model);
    if (!a) throw new Error(`the replication has no analysis model ${test.model}`);
    const p = test.scaled ? a.scaled?.pvalue : a.fit.pvalue;
    return a.fit.df > 0 && p !== undefined && p < alpha;
  };
}

/** Analytic power at n of the test the guess belongs to. */
function analyticPower(guess: AnalyticGuess | ChisqGuess, n: number, alpha: number): number {
  return "kind" in guess
    ? modelTestPowerOf(guess.f0, guess.df, n, alpha).power
    : waldPower(guess.est, guess.se1, n, alpha);
}

/** Monte Carlo power of `path` (or the model test `rejects`) at n (replications 0 .. reps-1). */
export function powerAtN(
  base: Scenario,
  path: string,
  n: number,
  reps: number,
  guess: AnalyticGuess | ChisqGuess,
  rejects: Rejects = waldRejects(path),
): TargetStep {
  const sc = scenarioAtN(base, n, reps);
  const alpha = sc.estimation.alpha;
  let sig = 0;
  let failed = 0;
  for (let r = 0; r < reps; r++) {
    let res: ReturnType<typeof runReplication>;
    try {
      res = runReplication(sc, r);
    } catch {
      failed++;
      continue;
    }
    if (rejects(res, alpha)) sig++;
  }
  const power = sig / reps;
  return {
    n,
    reps,
    failed,
    significant: sig,
    power,
    se: Math.sqrt((power * (1 - power)) / reps),
    analytic: analyticPower(guess, n, alpha),
  };
}

export function requiredN(scenario: Scenario, o: TargetOptions): TargetResult | { error: string } {
  // an indirect effect is estimated only with estimation.indirect
  const base =
    INDIRECT_NAME.test(o.path) && scenario.estimation.indirect !== true
      ? { ...scenario, estimation: { ...scenario.estimation, indirect: true } }
      : scenario;
  const alpha = base.estimation.alpha;
  const minN = o.minN ?? 30;
  const maxN = o.maxN ?? 100_000;
  const test = targetModelTest(base, o.path);
  if (test && "error" in test) return test;
  let guess: AnalyticGuess | ChisqGuess;
  let rejects: Rejects;
  if (test) {
    const g = chisqGuess(base, test, o.target, maxN);
    if (!g) return { error: `no population fit for model "${test.model}"` };
    if ("error" in g) return g;
    guess = g;
    rejects = chisqRejects(test);
  } else {
    const g = analyticGuess(base, o.path, o.target);
    if (!g)
      return {
        error: `no population fit for ${o.path} (is it a path or indirect effect of the model?)`,
      };
    guess = g;
    rejects = waldRejects(o.path);
  }
  const maxSteps = o.maxSteps ?? 20;
  const steps: TargetStep[] = [];
  const cache = new Map<number, TargetStep>();
  const at = (n: number): TargetStep => {
    const hit = cache.get(n);
    if (hit) return hit;
    const s = powerAtN(base, o.path, n, o.reps, guess, rejects);
    cache.set(n, s);
    steps.push(s);
    o.onStep?.(s);
    return s;
  };
  const clamp = (n: number) => Math.min(maxN, Math.max(minN, Math.round(n)));
  let lo: TargetStep | null = null;
  let hi: TargetStep | null = null;
  const first = at(clamp(Number.isFinite(guess.n) ? guess.n : maxN));
  if (first.power >= o.target) hi = first;
  else lo = first;
  // secant step: the effect size the first Monte Carlo power implies (Wald), 5% beyond it
  if (first.power > 0 && first.power < 1 && steps.length < maxSteps) {
    const za = normalQuantile(1 - alpha / 2);
    const dEff = (za + normalQuantile(first.power)) / Math.sqrt(first.n);
    if (dEff > 0) {
      const n1 = ((za + normalQuantile(o.target)) / dEff) ** 2 * (hi ? 0.95 : 1.05);
      const s = at(clamp(Math.min(3 * first.n, Math.max(first.n / 3, n1))));
      if (s.power >= o.target) {
        if (!hi || s.n < hi.n) hi = s;
      } else if (!lo || s.n > lo.n) lo = s;
    }
  }
  // bracket
  while (steps.length < maxSteps) {
    if (hi && !lo) {
      if (hi.n <= minN) break;
      const s = at(clamp(hi.n / 1.5));
      if (s.power >= o.target) hi = s;
      else lo = s;
    } else if (lo && !hi) {
      if (lo.n >= maxN) break;
      const s = at(clamp(lo.n * 1.5));
      if (s.power >= o.target) hi = s;
      else lo = s;
    } else break;
  }
  // bisect on integers
  while (lo && hi && hi.n - lo.n > 1 && steps.length < maxSteps) {
    const s = at(Math.floor((lo.n + hi.n) / 2));
    if (s.power >= o.target) hi = s;
    else lo = s;
  }
  const converged = hi !== null && (lo === null ? hi.n <= minN : hi.n - lo.n <= 1);
  let nSe: number | null = null;
  if (hi) {
    // slope of the analytic power curve at hi (per unit n), by a central difference
    const h = Math.max(1, Math.round(hi.n * 0.01));
    const slope =
      (analyticPower(guess, hi.n + h, alpha) - analyticPower(guess, Math.max(2, hi.n - h), alpha)) /
      (hi.n + h - Math.max(2, hi.n - h));
    nSe = slope > 0 ? hi.se / slope : null;
  }
  const hyp = TABLE2.find((t) => pathLabel(t.from, t.to) === o.path)?.hypothesis ?? null;
  return {
    target: o.target,
    path: o.path,
    hypothesis: hyp,
    alpha,
    reps: o.reps,
    analytic: guess,
    steps,
    n: hi?.n ?? null,
    power: hi?.power ?? null,
    power_se: hi?.se ?? null,
    power_ci95: hi ? wilson(hi.significant, hi.reps) : null,
    n_se: nSe,
    below: lo ? { n: lo.n, power: lo.power, se: lo.se } : null,
    converged,
  };
}

/** Wilson 95% interval of a binomial proportion k / n. */
export function wilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const w = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - w), Math.min(1, c + w)];
}
