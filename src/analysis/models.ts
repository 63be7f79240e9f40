import { type BootstrapResult, bootstrapPathModel } from "../estimate/bootstrap.ts";
import { estimateWithMissing } from "../estimate/missing/index.ts";
import { type ParamTable, paramTable } from "../estimate/parameters.ts";
import { type EstimateResult, estimatePathModel } from "../estimate/report.ts";
import { BUILTIN_MODELS } from "../model/builtins.ts";
import { pathLabel } from "../model/pathLabel.ts";
import { type ModelStructure, structureOf } from "../model/spec.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import type { AnalysisStep } from "../pipeline/3-analysis.ts";
import { inOrder } from "../pipeline/3-analysis.ts";
import {
  type PathResult,
  pathResult,
  type ReplicationResult,
  replicationFit,
} from "../replicationResult.ts";
import {
  type AnalysisEstimator,
  type AnalysisModelConfig,
  isLatentAnalysis,
} from "../scenario/sections/analysis.ts";
import { structureFromSyntax } from "../syntax/toSpec.ts";
import { definedPopulation, definedResults, indirectTable } from "./indirect.ts";
import { latentModelStep } from "./latent.ts";

/**
 * Analysis models separate from the generating model (issue 11, item 1). A scenario's
 * `analysis` section names models ("published", "table1" or lavaan syntax) and estimators;
 * each becomes one AnalysisStep keyed `analysis.<name>`, run on the same observation as the
 * generating model's fit. Its result is reduced to the replication's plain data (paths with
 * the generating model's population values, 0 for a path the truth does not have; the fit).
 */

/**
 * The estimator's parameter table of an analysis model, built once per model text; with
 * `indirect`, the paper's indirect effects defined in it (src/analysis/indirect.ts).
 */
const tables = new Map<string, ParamTable>();
export function analysisTable(model: string, indirect = false): ParamTable {
  const key = indirect ? `indirect\u0000${model}` : model;
  let t = tables.get(key);
  if (!t) {
    let structure: ModelStructure;
    if (model === "published" || model === "table1") {
      structure = structureOf(BUILTIN_MODELS[model]());
    } else {
      const s = structureFromSyntax(model, CONSTRUCTS);
      if (!s.ok) throw new Error(`analysis model: ${s.error}`);
      structure = s.structure;
    }
    t = indirect ? indirectTable(structure) : paramTable(structure);
    if (tables.size >= 64) tables.delete(tables.keys().next().value as string);
    tables.set(key, t);
  }
  return t;
}

/** An analysis step's estimate, with its bootstrap when the model has one. */
export type AnalysisEstimate = EstimateResult & { bootstrap?: BootstrapResult };

/** Fit of one analysis model in one replication (plain data, transferable between workers). */
export interface AnalysisResult {
  name: string;
  estimator: AnalysisEstimator;
  paths: PathResult[];
  /** With missing "fiml", also n: the rows FIML used (the observation's n is listwise). */
  fit: ReplicationResult["fit"] & { n?: number };
  /** MLR: the Yuan-Bentler scaled chi-square and its p-value; WLSMV: the scaled-shifted one. */
  scaled?: { chisq: number; pvalue: number };
}

export const ANALYSIS_STEP_PREFIX = "analysis.";

/** The AnalysisStep fitting one configured model (ML, or MLR on the observation's raw columns). */
export function analysisModelStep(
  cfg: AnalysisModelConfig,
  indirect = false,
): AnalysisStep<AnalysisEstimate> {
  return {
    key: `${ANALYSIS_STEP_PREFIX}${cfg.name}`,
    label: `Analysis model "${cfg.name}" (${cfg.missing === "fiml" ? (cfg.estimator === "MLR" ? "MLR, FIML" : "FIML") : cfg.estimator})`,
    run(observed, ctx) {
      const table = analysisTable(cfg.model, indirect);
      if (cfg.missing === "fiml") {
        // every respondent, NaN for a missing composite (complete data when nothing is missing)
        const src =
          observed.withMissing ??
          (observed.columns ? { columns: observed.columns, n: observed.n } : null);
        if (!src)
          return {
            ok: false,
            error: `analysis "${cfg.name}": FIML needs raw data, but the survey drew the covariance matrix directly (its Wishart shortcut); use survey.level "items"`,
          };
        const cols = table.variables.map((v) => src.columns[observed.variables.indexOf(v)]);
        const r = estimateWithMissing(table, cols, src.n, {
          method: "fiml",
          alpha: ctx.alpha,
          modification: false,
          rmseaInterval: false,
          ...(cfg.estimator === "MLR" ? { estimator: "MLR" as const } : {}),
        });
        return r.ok ? { ok: true, report: r.report } : r;
      }
      const cov = inOrder(observed.cov, observed.variables, table.variables);
      let data: Float64Array[] | undefined;
      if (cfg.estimator === "MLR" || cfg.bootstrap) {
        const cols = observed.columns;
        if (!cols)
          return {
            ok: false,
            error: `analysis "${cfg.name}": ${cfg.estimator === "MLR" ? "MLR" : "the bootstrap"} needs raw data, but the survey drew the covariance matrix directly (its Wishart shortcut); use survey.level "items"${cfg.estimator === "MLR" ? " or estimator ML" : " or drop the bootstrap"}`,
          };
        data = table.variables.map((v) => cols[observed.variables.indexOf(v)]);
      }
      const est = estimatePathModel(table, cov, observed.n, {
        alpha: ctx.alpha,
        modification: false,
        rmseaInterval: false,
        estimator: cfg.estimator === "MLR" ? "MLR" : "ML",
        ...(data ? { data } : {}),
      });
      if (!est.ok || !cfg.bootstrap || !data) return est;
      // resamples from derive(seed, replication, "bootstrap"): every bootstrapped model of a
      // replication resamples the same cases
      const b = bootstrapPathModel(table, data, {
        R: cfg.bootstrap.R,
        seed: ctx.seed ?? 0,
        replication: ctx.replication,
        standardized: true,
      });
      if (!b.ok) return { ok: false, error: `analysis "${cfg.name}": bootstrap: ${b.error}` };
      return { ...est, bootstrap: b.result };
    },
  };
}

/** The steps of a scenario's analysis section (none without one). */
export function analysisSteps(
  list: readonly AnalysisModelConfig[] | undefined,
  indirect = false,
): AnalysisStep[] {
  return (list ?? []).map((cfg) =>
    isLatentAnalysis(cfg) ? latentModelStep(cfg) : analysisModelStep(cfg, indirect),
  );
}

/**
 * An analysis step's estimate as plain data; throws (naming the model) when it failed. Its
 * defined parameters (the model's `:=`, and the indirect effects with `indirect`) follow the
 * paths, their population values from the generating model's paths.
 */
export function analysisResult(
  cfg: AnalysisModelConfig,
  est: AnalysisEstimate,
  population: ReadonlyMap<string, number>,
  indirect = false,
): AnalysisResult {
  if (!est.ok) throw new Error(`analysis "${cfg.name}": ${est.error}`);
  const r = est.report;
  const f = r.fit;
  const defined = r.defined
    ? definedResults(
        r.defined,
        definedPopulation(analysisTable(cfg.model, indirect), population),
        r.alpha,
      )
    : [];
  const paths: PathResult[] = [...r.paths.map((x) => pathResult(x, population)), ...defined];
  if (est.bootstrap && cfg.bootstrap) {
    // the 95% bootstrap interval of each standardized path and defined parameter
    const type = cfg.bootstrap.ci;
    const byLabel = new Map(est.bootstrap.intervals.map((x) => [x.label, x[type]]));
    for (const x of paths) {
      const ci = byLabel.get(x.label);
      if (ci) {
        x.bootLow = ci[0];
        x.bootHigh = ci[1];
      }
    }
  }
  return {
    name: cfg.name,
    estimator: cfg.estimator,
    paths,
    fit: { ...replicationFit(f), ...(cfg.missing === "fiml" ? { n: r.n } : {}) },
    ...(r.robust
      ? { scaled: { chisq: r.robust["chisq.scaled"], pvalue: r.robust["pvalue.scaled"] } }
      : {}),
  };
}

/** Population values of the generating model's paths by label. */
export function populationPaths(spec: {
  paths: readonly { from: string; to: string; value: number }[];
}): Map<string, number> {
  return new Map(spec.paths.map((x) => [pathLabel(x.from, x.to), x.value]));
}
