import { inverseSPD, type Mat, submatrix } from "../math/linalg.ts";
import type { ModelStructure } from "../model/spec.ts";
import { hypothesisOf, type Verdict } from "../paper/table2.ts";
import {
  type DefinedEstimate,
  definedEstimates,
  type ParameterEstimate,
  parameterEstimates,
  rSquared,
} from "./coefficients.ts";
import { type FitIndices, fitIndices } from "./fit.ts";
import { fitML, type MLOptions, type MLResult } from "./ml.ts";
import { type ModificationIndex, modificationIndices } from "./modification.ts";
import type { ParamTable } from "./parameters.ts";
import { type RobustFitIndices, robustEstimate } from "./robust.ts";
import { verdict } from "./verdicts.ts";

export interface PathEstimate extends ParameterEstimate {
  hypothesis: string | null;
  verdict: Verdict;
}

/** Everything a path analysis reports: the lavaan-style summary of one fit. */
export interface EstimationReport {
  n: number;
  alpha: number;
  paths: PathEstimate[];
  covariances: ParameterEstimate[];
  variances: ParameterEstimate[];
  /** Defined parameters (lavaan's `:=`); absent when the model defines none. */
  defined?: DefinedEstimate[];
  r2: Record<string, number>;
  fit: FitIndices;
  modification: ModificationIndex[];
  iterations: number;
  /** Only with estimator "MLR": scaled and robust fit indices, named as lavaan's fitMeasures(). */
  robust?: RobustFitIndices;
}

export interface EstimateOptions extends MLOptions {
  alpha?: number;
  /** Compute modification indices (skip them in Monte Carlo loops). */
  modification?: boolean;
  /** Compute the RMSEA 90% interval and p-close (skip them in Monte Carlo loops). */
  rmseaInterval?: boolean;
  /**
   * "ML" (default): normal-theory SEs from the expected information. "MLR": the same estimates
   * with lavaan's MLR inference (sandwich SEs, Yuan-Bentler scaled test); needs `data`.
   */
  estimator?: "ML" | "MLR";
  /** Raw data, one column per model variable in the structure's variable order (for MLR). */
  data?: readonly ArrayLike<number>[];
}

const hypotheses = new Map<string, Map<string, string | null>>();

/** The paper's hypothesis of a path (hypothesisOf), remembered. */
function hypothesis(from: string, to: string): string | null {
  let byTo = hypotheses.get(from);
  if (!byTo) {
    byTo = new Map();
    hypotheses.set(from, byTo);
  }
  let h = byTo.get(to);
  if (h === undefined) {
    h = hypothesisOf(from, to) ?? null;
    byTo.set(to, h);
  }
  return h;
}

/**
 * An EstimationReport whose covariance and variance rows and R² are computed when first read
 * (getters on the class: own getters on an object literal cost more to create than a
 * closed-form fit). Its own enumerable properties are the eager fields; JSON.stringify gives
 * every field, in the interface's order (toJSON).
 */
class Report implements EstimationReport {
  // absent unless set (as the optional keys of the interface): declared, not defined
  declare robust?: RobustFitIndices;
  declare defined?: DefinedEstimate[];
  #result: MLResult;
  #all: ParameterEstimate[] | null;
  #covariances: ParameterEstimate[] | undefined;
  #variances: ParameterEstimate[] | undefined;
  #r2: Record<string, number> | undefined;
  constructor(
    readonly n: number,
    readonly alpha: number,
    readonly paths: PathEstimate[],
    readonly fit: FitIndices,
    readonly modification: ModificationIndex[],
    readonly iterations: number,
    result: MLResult,
    all: ParameterEstimate[] | null,
  ) {
    this.#result = result;
    this.#all = all;
  }
  #rows(kind: "covariance" | "variance"): ParameterEstimate[] {
    return this.#all
      ? this.#all.filter((x) => x.kind === kind)
      : parameterEstimates(this.#result, kind);
  }
  get covariances(): ParameterEstimate[] {
    this.#covariances ??= this.#rows("covariance");
    return this.#covariances;
  }
  get variances(): ParameterEstimate[] {
    this.#variances ??= this.#rows("variance");
    return this.#variances;
  }
  get r2(): Record<string, number> {
    this.#r2 ??= rSquared(this.#result);
    return this.#r2;
  }
  toJSON(): EstimationReport {
    return {
      n: this.n,
      alpha: this.alpha,
      paths: this.paths,
      covariances: this.covariances,
      variances: this.variances,
      r2: this.r2,
      fit: this.fit,
      modification: this.modification,
      iterations: this.iterations,
      ...(this.robust ? { robust: this.robust } : {}),
      ...(this.defined ? { defined: this.defined } : {}),
    };
  }
}

export type EstimateResult = { ok: true; report: EstimationReport } | { ok: false; error: string };

/** Fit a path model to a covariance (or correlation) matrix of n observations and report it. */
export function estimatePathModel(
  structure: ModelStructure | ParamTable,
  cov: Mat,
  n: number,
  options: EstimateOptions = {},
): EstimateResult {
  const alpha = options.alpha ?? 0.05;
  const r = fitML(structure, cov, n, options);
  if (!r.ok) {
    // a failed fit of a singular input says so, naming the columns (not "starting values ...")
    const why = singularCovariance(cov, structure.variables);
    return { ok: false, error: why ?? r.error.message };
  }
  const fit = fitIndices(r.result, options.rmseaInterval !== false);
  let result = r.result;
  let robust: RobustFitIndices | undefined;
  if (options.estimator === "MLR") {
    if (!options.data) return { ok: false, error: "estimator MLR needs the raw data" };
    const rob = robustEstimate(r.result, options.data, fit);
    if (!rob.ok) return rob;
    // (the closed form's result is a class instance: its lazy information is not an own property)
    result = { ...r.result, information: r.result.information, vcov: rob.result.vcov };
    robust = rob.result.fit;
  }
  return {
    ok: true,
    report: buildReport(result, fit, {
      alpha,
      modification: options.modification === false ? [] : modificationIndices(r.result),
      ...(robust ? { robust } : {}),
    }),
  };
}

/**
 * The report of a fitted model from its result (estimates and vcov) and fit indices: parameter
 * rows with hypotheses and verdicts, R-squared, defined parameters.
 */
export function buildReport(
  result: MLResult,
  fit: FitIndices,
  extra: { alpha: number; modification: ModificationIndex[]; robust?: RobustFitIndices },
): EstimationReport {
  const { alpha, robust } = extra;
  // Only the path rows are computed now (what a Monte Carlo replication reads); the other rows
  // and R² when first read (each row depends on its own parameter only: the same numbers).
  const all = result.table.defined.length > 0 ? parameterEstimates(result) : null;
  const paths = (
    all ? all.filter((x) => x.kind === "path") : parameterEstimates(result, "path")
  ) as PathEstimate[];
  // the rows are fresh objects: a path row gets its hypothesis and verdict added in place
  for (const row of paths) {
    row.hypothesis = hypothesis(row.from, row.to);
    row.verdict = verdict(row.est, row.p, alpha);
  }
  const report = new Report(
    result.n,
    alpha,
    paths,
    fit,
    extra.modification,
    result.iterations,
    result,
    all,
  );
  if (robust) report.robust = robust;
  if (all) report.defined = definedEstimates(result, all);
  return report;
}

const fmtCoef = (x: number) =>
  x >= 1e-3 && x < 1e6 ? String(Number(x.toFixed(4))) : x.toExponential(3);

/**
 * Why a covariance matrix of the model's variables (in `variables` order) is singular, naming
 * the columns: the constant ones (variance 0), else each column that is a linear combination of
 * earlier ones (R-squared on them above 1 - `tol`), with the combination. Null when it is not
 * singular. Cheap (p <= ~20) but not free: estimatePathModel calls it only when a fit fails;
 * callers reading user input call it first.
 */
export function singularCovariance(
  cov: Mat,
  variables: readonly string[],
  tol = 1e-10,
): string | null {
  const p = variables.length;
  const constant = variables.filter((_, i) => !(cov[i * p + i] > 0));
  if (constant.length)
    return `the covariance matrix is singular: ${constant.length === 1 ? "column" : "columns"} ${constant.join(", ")} ${constant.length === 1 ? "is constant" : "are constant"} (variance ${constant.length === 1 ? "0" : "0 each"})`;
  const sd = variables.map((_, i) => Math.sqrt(cov[i * p + i]));
  const basis: number[] = [];
  const found: string[] = [];
  for (let k = 0; k < p; k++) {
    if (basis.length === 0) {
      basis.push(k);
      continue;
    }
    const m = basis.length;
    // regression of column k on the basis columns, on the correlation scale
    const Rbb = submatrix(cov, p, basis);
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) Rbb[a * m + b] /= sd[basis[a]] * sd[basis[b]];
    const inv = inverseSPD(Rbb, m);
    if (!inv) break;
    const rbk = basis.map((j) => cov[j * p + k] / (sd[j] * sd[k]));
    const beta = rbk.map((_, a) => rbk.reduce((s, r, b) => s + inv[a * m + b] * r, 0));
    const resid = 1 - beta.reduce((s, b, a) => s + b * rbk[a], 0);
    if (resid > tol) {
      basis.push(k);
      continue;
    }
    // coefficients on the columns' own scale; name only the columns that take part
    const terms = basis
      .map((j, a) => ({ name: variables[j], coef: (beta[a] * sd[k]) / sd[j] }))
      .filter((_t, a) => Math.abs(beta[a]) > 1e-6);
    found.push(
      `${variables[k]} = ${terms.map((t, i) => `${i === 0 ? (t.coef < 0 ? "-" : "") : t.coef < 0 ? " - " : " + "}${fmtCoef(Math.abs(t.coef))}*${t.name}`).join("")} (+ a constant; R-squared ${resid <= 0 ? "1" : `1 - ${resid.toExponential(1)}`})`,
    );
  }
  if (!found.length) return null;
  return `the covariance matrix is singular: ${found.length === 1 ? "a column is a linear combination of others" : "columns are linear combinations of others"}: ${found.join("; ")}. Drop one of the columns involved or fix the data`;
}
