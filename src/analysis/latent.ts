import { twoSidedP } from "../math/distributions.ts";
import { cholesky, covariance } from "../math/linalg.ts";
import { estimateCfa, type Problem } from "../measurement/estimate.ts";
import { fitMeasures } from "../measurement/fitMeasures.ts";
import { implied } from "../measurement/implied.ts";
import { buildModel, type MeasurementModel, type ModelSpec } from "../measurement/model.ts";
import { fitMeasurementModel } from "../measurement/ordinal/measurement.ts";
import { discriminantTests, PAPER_CFA_FIT, paperCfaSpec } from "../measurement/paper.ts";
import { robustCfa } from "../measurement/robust.ts";
import { publishedSpec } from "../model/builtins.ts";
import { pathLabel } from "../model/pathLabel.ts";
import { hypothesisOf, TABLE2 } from "../paper/table2.ts";
import type { Observed } from "../pipeline/2-observation.ts";
import type { AnalysisStep } from "../pipeline/3-analysis.ts";
import { type PathResult, type ReplicationFit, replicationFit } from "../replicationResult.ts";
import type { AnalysisModelConfig } from "../scenario/sections/analysis.ts";
import { measurementSpecFromSyntax } from "../syntax/toMeasurement.ts";
import type { AnalysisResult } from "./models.ts";

/**
 * Latent-variable analysis models (issue 12): a scenario `analysis` entry whose model has
 * factors measured by the survey's items (lavaan syntax with `=~`, or "paper-cfa" / "paper-sem")
 * is fitted to the item answers of every replication, by ML on their covariance matrix
 * (src/measurement/estimate.ts) or by WLSMV on their polychorics (src/measurement/ordinal).
 * A fit that fails (no convergence, a singular information matrix, a sample matrix that is not
 * positive definite, ...) never stops a run: the replication reports the reason's code and no
 * estimates; Heywood cases and non-positive-definite latent or residual matrices are reported
 * beside the estimates (lavaan warns and reports them too). The replication's facts go into its
 * outcomes under the model's name (`<name>.nonconverged`, `<name>.heywood`, ...; LATENT_FACTS).
 */

/**
 * "paper-sem": the paper's CFA (each construct on its retained Appendix items) with the
 * published structural model among the factors: the 12 paths of Table 2, IEO ~~ IMO, and the
 * four strategies' residuals correlated (as the composite path model "published").
 */
export function paperSemSpec(): ModelSpec {
  const pub = publishedSpec();
  const regs = new Map<string, string[]>();
  for (const t of TABLE2) regs.set(t.to, [...(regs.get(t.to) ?? []), t.from]);
  const endogenous = new Set(regs.keys());
  return {
    ...paperCfaSpec(false),
    regressions: [...regs].map(([lhs, rhs]) => ({ lhs, rhs })),
    latentCovariances: pub.correlations
      .filter((c) => endogenous.has(c.a) || endogenous.has(c.b))
      .map((c) => [c.a, c.b] as const),
  };
}

/** The specification of a latent analysis model (built-in or syntax over `items`). */
export function latentSpec(
  model: string,
  items?: readonly string[],
): { ok: true; spec: ModelSpec } | { ok: false; error: string } {
  if (model === "paper-cfa") return { ok: true, spec: paperCfaSpec(false) };
  if (model === "paper-sem") return { ok: true, spec: paperSemSpec() };
  const s = measurementSpecFromSyntax(model, items, "the survey's items");
  if (!s.ok) return s;
  const b = buildModel(s.spec);
  return b.ok ? s : { ok: false, error: b.message };
}

/** Why a latent fit failed, as the number `<name>.failure` holds (0: it did not fail). */
export const FAILURE_CODES = [
  "invalid-model",
  "missing-item",
  "sample-not-pd",
  "start-not-pd",
  "information-singular",
  "not-converged",
  "invalid-data",
  "acov-singular",
  "start",
  "item-order",
  "invalid-ordered",
  "mixed-items",
] as const;

export function failureCode(reason: string): number {
  const i = (FAILURE_CODES as readonly string[]).indexOf(reason);
  return i < 0 ? FAILURE_CODES.length + 1 : i + 1;
}

/** The reason behind a `<name>.failure` code ("other" for an unknown one). */
export function failureReason(code: number): string {
  return FAILURE_CODES[code - 1] ?? "other";
}

/** Discriminant validity (Anderson & Gerbing) of a CFA: pairs distinct out of pairs tested. */
export interface DiscriminantSummary {
  distinct: number;
  pairs: number;
}

/** The paper's fit values (PAPER_CFA_FIT) as thresholds: CFI >= .92, NNFI >= .91, RMSEA <= .046. */
export function reachesPaperFit(f: { cfi: number; tli: number; rmsea: number }): boolean {
  return (
    f.cfi >= PAPER_CFA_FIT.cfi && f.tli >= PAPER_CFA_FIT.nnfi && f.rmsea <= PAPER_CFA_FIT.rmsea
  );
}

export type LatentFit =
  | {
      ok: true;
      estimator: "ML" | "MLR" | "WLSMV";
      paths: Omit<PathResult, "population">[];
      fit: ReplicationFit;
      tli: number;
      scaled?: { chisq: number; pvalue: number };
      problems: Problem[];
      discriminant: DiscriminantSummary | null;
    }
  | { ok: false; reason: string; message: string };

/**
 * Discriminant-validity tests by estimator. ML: the 21 chi-square-difference tests of
 * src/measurement/paper.ts on the std.lv refit. WLSMV's scaled difference test (lavaan's
 * lavTestLRT, method "satorra.2000") exists as wlsmvDiscriminantTests
 * (src/measurement/ordinal/discriminant.ts, used by `bgsim survey --cfa --ordered`) but is not
 * registered here: its 21 refits cost about 5 s per survey, too much per replication, so WLSMV
 * models report no `<name>.discriminant_*` facts. MLR has no scaled difference test yet.
 */
export const DISCRIMINANT_TESTS: Partial<
  Record<
    "ML" | "MLR" | "WLSMV",
    (
      spec: ModelSpec,
      data: { names: readonly string[]; cov: Float64Array; n: number },
    ) => DiscriminantSummary | null
  >
> = {
  ML(spec, data) {
    const b = buildModel({ ...spec, stdLv: true });
    if (!b.ok) return null;
    const o = estimateCfa(b.model, data);
    if (!o.ok) return null;
    const tests = discriminantTests(o.estimate);
    return { distinct: tests.filter((t) => t.distinct).length, pairs: tests.length };
  },
};

/** The survey's item ids in the order of `observed.items`. */
export function itemNames(observed: Observed): readonly string[] | null {
  const ins = observed.survey?.plan.instrument;
  return ins ? ins.items.map((i) => i.id) : null;
}

/** Built models by model text (ML), as analysisTable caches path models. */
const builtCache = new Map<string, { spec: ModelSpec; model: MeasurementModel }>();
function built(model: string): { spec: ModelSpec; model: MeasurementModel } {
  let b = builtCache.get(model);
  if (!b) {
    const s = latentSpec(model);
    if (!s.ok) throw new Error(`analysis model: ${s.error}`);
    const m = buildModel(s.spec);
    if (!m.ok) throw new Error(`analysis model: ${m.message}`);
    b = { spec: s.spec, model: m.model };
    if (builtCache.size >= 16) builtCache.delete(builtCache.keys().next().value as string);
    builtCache.set(model, b);
  }
  return b;
}

/**
 * The standardized regressions among factors (std.all: B_fg sd(g) / sd(f), sd from the implied
 * latent covariance matrix) with delta-method SEs from `vcov` (free parameters, model order),
 * the Jacobian by central differences over the parameters that move Phi (B and Psi).
 */
export function latentPaths(
  model: MeasurementModel,
  theta: Float64Array,
  se: Float64Array,
  vcov: Float64Array,
  alpha: number,
): Omit<PathResult, "population">[] {
  const q = model.nFree;
  const m = model.latent.length;
  const betas: number[] = [];
  const moving: number[] = [];
  for (let k = 0; k < q; k++) {
    const par = model.params[k];
    if (par.matrix === "beta") betas.push(k);
    if (par.matrix === "beta" || par.matrix === "psi") moving.push(k);
  }
  const stdAt = (th: Float64Array): Float64Array | null => {
    const im = implied(model, th);
    if (!im) return null;
    return Float64Array.from(betas, (k) => {
      const { row, col } = model.params[k];
      return (th[k] * Math.sqrt(im.Phi[col * m + col])) / Math.sqrt(im.Phi[row * m + row]);
    });
  };
  const std = stdAt(theta) ?? new Float64Array(betas.length).fill(Number.NaN);
  const J = new Float64Array(betas.length * moving.length);
  const t = Float64Array.from(theta);
  let jacobianOk = true;
  moving.forEach((k, c) => {
    const h = 1e-6 * Math.max(1, Math.abs(theta[k]));
    t[k] = theta[k] + h;
    const up = stdAt(t);
    t[k] = theta[k] - h;
    const down = stdAt(t);
    t[k] = theta[k];
    if (!up || !down) {
      jacobianOk = false;
      return;
    }
    for (let a = 0; a < betas.length; a++) J[a * moving.length + c] = (up[a] - down[a]) / (2 * h);
  });
  return betas.map((k, a) => {
    const par = model.params[k];
    let v = 0;
    if (jacobianOk)
      for (let c = 0; c < moving.length; c++)
        for (let d = 0; d < moving.length; d++)
          v +=
            J[a * moving.length + c] * vcov[moving[c] * q + moving[d]] * J[a * moving.length + d];
    const p = twoSidedP(theta[k] / se[k]);
    return {
      label: pathLabel(par.rhs, par.lhs),
      hypothesis: hypothesisOf(par.rhs, par.lhs) ?? null,
      est: theta[k],
      std: std[a],
      se: se[k],
      stdSe: jacobianOk ? Math.sqrt(Math.max(0, v)) : Number.NaN,
      p,
      verdict: p < alpha ? "S" : "NS",
    };
  });
}

/** Heywood cases and non-positive-definite Phi of a WLSMV fit (delta parameterization). */
function wlsmvProblems(
  model: MeasurementModel,
  theta: Float64Array,
  residualVariances: Float64Array,
  Phi: Float64Array,
): Problem[] {
  const out: Problem[] = [];
  for (let k = 0; k < model.nFree; k++) {
    const par = model.params[k];
    if (par.matrix === "psi" && par.row === par.col && theta[k] < 0)
      out.push({ kind: "heywood", parameter: `${par.lhs} ~~ ${par.rhs}`, value: theta[k] });
  }
  model.observed.forEach((x, i) => {
    if (residualVariances[i] < 0)
      out.push({ kind: "heywood", parameter: `${x} ~~ ${x}`, value: residualVariances[i] });
  });
  const m = model.latent.length;
  if (!cholesky(Phi, m)) out.push({ kind: "latent-not-pd" });
  return out;
}

/**
 * Fit one latent analysis model to an observation's item answers. Throws only for what no
 * replication can fix (no item answers, a model the schema should have refused); data problems
 * come back as `{ ok: false }`.
 */
export function fitLatent(cfg: AnalysisModelConfig, observed: Observed, alpha: number): LatentFit {
  const names = itemNames(observed);
  const items = observed.items;
  if (!items || !names)
    throw new Error(
      `analysis "${cfg.name}": the latent model needs the survey's item answers; enable the survey with level "items"`,
    );
  const { spec, model } = built(cfg.model);
  const n = observed.n;
  const estimator = cfg.estimator;
  const col = (x: string) => {
    const i = names.indexOf(x);
    return i < 0 ? null : items[i];
  };
  const missing = model.observed.find((x) => !col(x));
  if (missing)
    return {
      ok: false,
      reason: "missing-item",
      message: `item ${missing} is not in the survey (set survey.includeDropped for the dropped items)`,
    };
  const cols = model.observed.map((x) => col(x)!);
  const wantDiscriminant = cfg.discriminant ?? cfg.model === "paper-cfa";
  if (estimator === "ML" || estimator === "MLR") {
    const data = { names: model.observed, cov: covariance(cols, n), n };
    const o = estimateCfa(model, data);
    if (!o.ok) return o;
    let e = o.estimate;
    const f = fitMeasures(e, false);
    let scaled: { chisq: number; pvalue: number } | undefined;
    if (estimator === "MLR") {
      // lavaan's estimator = "MLR": sandwich SEs and the Yuan-Bentler scaled test
      const r = robustCfa(e, cols, f);
      if (!r.ok) return { ok: false, reason: "information-singular", message: r.error };
      e = r.result.estimate;
      scaled = { chisq: r.result.fit["chisq.scaled"], pvalue: r.result.fit["pvalue.scaled"] };
    }
    const disc =
      wantDiscriminant && !model.hasRegressions
        ? (DISCRIMINANT_TESTS[estimator]?.(spec, data) ?? null)
        : null;
    return {
      ok: true,
      estimator,
      paths: latentPaths(model, e.theta, e.se, e.vcov, alpha),
      fit: replicationFit(f),
      tli: f.tli,
      ...(scaled ? { scaled } : {}),
      problems: e.problems,
      discriminant: disc,
    };
  }
  const o = fitMeasurementModel(
    spec,
    { names: model.observed, columns: cols },
    { ordered: cfg.ordered ?? true },
  );
  if (!o.ok) return o;
  if (o.estimator !== "WLSMV") throw new Error("unreachable: WLSMV fit expected");
  const e = o.estimate;
  const t = e.test;
  return {
    ok: true,
    estimator,
    paths: latentPaths(e.model, e.theta, e.se, e.vcov, alpha),
    fit: {
      chisq: t.chisq,
      df: t.df,
      pvalue: t.pvalue,
      cfi: Number.NaN,
      rmsea: Number.NaN,
      srmr: Number.NaN,
    },
    tli: Number.NaN,
    scaled: { chisq: t.chisqScaled, pvalue: t.pvalueScaled },
    problems: wlsmvProblems(e.model, e.theta, e.residualVariances, e.implied.Phi),
    discriminant: null,
  };
}

/** The AnalysisStep of a latent analysis model (key `analysis.<name>`). */
export function latentModelStep(cfg: AnalysisModelConfig): AnalysisStep<LatentFit> {
  return {
    key: `analysis.${cfg.name}`,
    label: `Latent analysis model "${cfg.name}" (${cfg.estimator})`,
    run: (observed, ctx) => fitLatent(cfg, observed, ctx.alpha),
  };
}

/**
 * The facts of one latent fit, as outcomes named `<name>.<fact>`:
 *   nonconverged  1 when the fit failed (no estimates; `failure` holds the reason's code)
 *   failure       0, or 1 + the reason's index in FAILURE_CODES
 *   heywood       1 when a variance is negative (item residual or factor)
 *   not_pd        1 when the latent or the residual covariance matrix is not positive definite
 *   chisq_reject  1 when the model's chi-square test (WLSMV: scaled-shifted) rejects at alpha
 *   cfi, tli, rmsea   fit indices (ML)
 *   paper_fit     "paper-cfa" only: 1 when CFI >= .92, NNFI >= .91 and RMSEA <= .046 (the paper's
 *                 values, PAPER_CFA_FIT); 0 when they are missed or the fit failed
 *   discriminant_distinct, discriminant_pass   when the discriminant tests ran: pairs distinct,
 *                 and 1 when all are (0 when the fit failed)
 */
export const LATENT_FACTS = [
  "nonconverged",
  "failure",
  "heywood",
  "not_pd",
  "chisq_reject",
  "cfi",
  "tli",
  "rmsea",
  "paper_fit",
  "discriminant_distinct",
  "discriminant_pass",
] as const;

export function latentFacts(
  cfg: AnalysisModelConfig,
  fit: LatentFit,
  alpha: number,
): Record<string, number> {
  const o: Record<string, number> = {};
  const put = (k: (typeof LATENT_FACTS)[number], v: number) => {
    if (Number.isFinite(v)) o[`${cfg.name}.${k}`] = v;
  };
  // the paper's fit values are CFI, NNFI and RMSEA, which WLSMV does not report yet
  const paper = cfg.model === "paper-cfa" && cfg.estimator !== "WLSMV";
  const wantDiscriminant =
    (cfg.discriminant ?? cfg.model === "paper-cfa") && DISCRIMINANT_TESTS[cfg.estimator];
  if (!fit.ok) {
    put("nonconverged", 1);
    put("failure", failureCode(fit.reason));
    if (paper) put("paper_fit", 0);
    if (wantDiscriminant) put("discriminant_pass", 0);
    return o;
  }
  put("nonconverged", 0);
  put("failure", 0);
  put("heywood", fit.problems.some((x) => x.kind === "heywood") ? 1 : 0);
  put("not_pd", fit.problems.some((x) => x.kind !== "heywood") ? 1 : 0);
  const p = fit.scaled ? fit.scaled.pvalue : fit.fit.pvalue;
  if (fit.fit.df > 0 && Number.isFinite(p)) put("chisq_reject", p < alpha ? 1 : 0);
  put("cfi", fit.fit.cfi);
  put("tli", fit.tli);
  put("rmsea", fit.fit.rmsea);
  if (paper && fit.estimator !== "WLSMV")
    put(
      "paper_fit",
      reachesPaperFit({ cfi: fit.fit.cfi, tli: fit.tli, rmsea: fit.fit.rmsea }) ? 1 : 0,
    );
  if (fit.discriminant) {
    put("discriminant_distinct", fit.discriminant.distinct);
    put("discriminant_pass", fit.discriminant.distinct === fit.discriminant.pairs ? 1 : 0);
  } else if (wantDiscriminant) put("discriminant_pass", 0);
  return o;
}

/** A latent fit as the replication's plain data (no paths and NaN fit when it failed). */
export function latentAnalysisResult(
  cfg: AnalysisModelConfig,
  fit: LatentFit,
  population: ReadonlyMap<string, number>,
): AnalysisResult {
  if (!fit.ok) {
    const nan = Number.NaN;
    return {
      name: cfg.name,
      estimator: cfg.estimator,
      paths: [],
      fit: { chisq: nan, df: nan, pvalue: nan, cfi: nan, rmsea: nan, srmr: nan },
    };
  }
  return {
    name: cfg.name,
    estimator: cfg.estimator,
    paths: fit.paths.map((x) => ({ ...x, population: population.get(x.label) ?? 0 })),
    fit: fit.fit,
    ...(fit.scaled ? { scaled: fit.scaled } : {}),
  };
}
