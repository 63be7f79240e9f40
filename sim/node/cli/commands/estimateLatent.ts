import type { RobustFitIndices } from "../../../../src/estimate/robust.ts";
import { verdict } from "../../../../src/estimate/verdicts.ts";
import { chiSquareUpper, twoSidedP } from "../../../../src/math/distributions.ts";
import { fromRows } from "../../../../src/math/linalg.ts";
import {
  type CfaEstimate,
  type CfaFitMeasures,
  fitCfa,
  fitMeasures,
  modificationIndices,
  parameterTable,
} from "../../../../src/measurement/index.ts";
import { buildModel } from "../../../../src/measurement/model.ts";
import {
  fitMeasurementModel,
  type WlsmvEstimate,
  wlsmvFitMeasures,
} from "../../../../src/measurement/ordinal/index.ts";
import { factorReliability } from "../../../../src/measurement/reliability.ts";
import { robustCfa } from "../../../../src/measurement/robust.ts";
import { measurementSpecFromSyntax } from "../../../../src/syntax/toMeasurement.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { VERSION } from "../../../core/version.ts";
import { parseDataCsv, parseMatrixCsv } from "../../files/data.ts";
import { outPath, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

/**
 * `bgsim estimate` for models with latent variables (`=~`): CFA or full SEM on the items, by ML
 * (items continuous, lavaan's cfa()/sem() defaults) or WLSMV (items ordinal, `--ordered`:
 * thresholds, polychorics, DWLS with robust SEs and the scaled-shifted test, lavaan's
 * cfa(..., ordered = ..., estimator = "WLSMV")). Writes estimates.csv (lavaan's
 * parameterEstimates() columns lhs, op, rhs, label, est, se, z, p; the verdict; std = std.all
 * with its delta-method SE for ML) and fit.json (lavaan's fitMeasures() names).
 * MLR (raw continuous items): the ML estimates with lavaan's MLR inference (robustCfa: sandwich
 * SEs, the standardized SEs from the sandwich, Yuan-Bentler scaled test, scaled/robust indices).
 */
export interface LatentEstimateInput {
  file: string;
  /** The data file's text. */
  text: string;
  /** Its header (the data's columns). */
  columns: readonly string[];
  syntax: { text: string; source: string };
  estimator: string | undefined;
  /** --ordered: undefined, "all" or a comma-separated list of items. */
  ordered: string | undefined;
  corrMatrix: boolean;
  /** --n with --corr-matrix. */
  n: number | undefined;
  alpha: number;
  dir: string;
}

type Row = Record<string, string | number>;

const blank = (x: number) => (Number.isFinite(x) ? x : "");

export function estimateLatent(input: LatentEstimateInput): void {
  const { file, syntax, alpha, dir } = input;
  const columns = input.corrMatrix ? input.columns.slice(1) : input.columns;
  const r = measurementSpecFromSyntax(syntax.text, columns);
  if (!r.ok) throw new UsageError(`${syntax.source}: ${r.error}`);
  const built = buildModel(r.spec);
  if (!built.ok) throw new UsageError(`${syntax.source}: ${built.message}`);
  const items = built.model.observed;
  const ordered = orderedItems(input.ordered, items);
  const estimator = input.estimator ?? (ordered ? "WLSMV" : "ML");
  if (estimator !== "ML" && estimator !== "MLR" && estimator !== "WLSMV")
    throw new UsageError(`--estimator = "${estimator}": must be ML, MLR or WLSMV`);
  if (estimator === "WLSMV" && !ordered)
    throw new UsageError(
      "--estimator WLSMV is for ordinal items here: add --ordered all (or list the items); continuous items take ML",
    );
  if (estimator !== "WLSMV" && ordered)
    throw new UsageError(
      `--ordered items are fitted by WLSMV (polychoric correlations), not ${estimator}: drop --estimator ${estimator} or use --estimator WLSMV`,
    );
  if (estimator === "MLR" && input.corrMatrix)
    throw new UsageError(
      "--estimator MLR needs raw data (casewise scores); a covariance or correlation matrix supports ML only",
    );
  let rows: Row[];
  let fitJson: Record<string, unknown>;
  let summary: string;
  let n: number;
  if (estimator === "ML" || estimator === "MLR") {
    let est: CfaEstimate;
    let robust: RobustFitIndices | null = null;
    if (input.corrMatrix) {
      n = input.n!;
      const m = parseMatrixCsv(input.text, file, items);
      for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < i; j++)
          if (Math.abs(m[i][j] - m[j][i]) > 1e-8)
            throw new UsageError(
              `${file}: the matrix is not symmetric: ${items[i]},${items[j]} = ${m[i][j]} but ${items[j]},${items[i]} = ${m[j][i]}`,
            );
        if (!(m[i][i] > 0))
          throw new UsageError(
            `${file}: the variance of ${items[i]} is ${m[i][i]}; it must be > 0`,
          );
      }
      est = mlOrRefuse(fitCfa(r.spec, { names: items, cov: fromRows(m), n }), file);
    } else {
      const d = readItems(input.text, file, items);
      n = d.n;
      const o = fitMeasurementModel(r.spec, { names: items, columns: d.columns });
      if (!o.ok)
        throw new UsageError(
          `${file}: the model could not be estimated (${o.reason}): ${o.message}`,
        );
      if (o.estimator !== "ML") throw new Error("unreachable: continuous items without ML");
      est = o.estimate;
      if (estimator === "MLR") {
        const rb = robustCfa(
          est,
          est.model.observed.map((x) => d.columns[items.indexOf(x)]),
          fitMeasures(est, false),
        );
        if (!rb.ok) throw new UsageError(`${file}: ${rb.error}`);
        est = rb.result.estimate;
        robust = rb.result.fit;
      }
    }
    const fm = fitMeasures(est);
    const table = parameterTable(est);
    rows = table.map((x) => {
      const z = x.free ? x.z : Number.NaN;
      const p = x.free ? x.pvalue : Number.NaN;
      const stdZ = x.free ? x.stdAll / x.stdSe : Number.NaN;
      return {
        lhs: x.lhs,
        op: x.op,
        rhs: x.rhs,
        label: "",
        est: x.est,
        se: x.free ? x.se : "",
        z: blank(z),
        p: blank(p),
        verdict: x.free ? verdict(x.est, p, alpha) : "fixed",
        std: x.stdAll,
        std_se: x.free ? blank(x.stdSe) : "",
        std_z: blank(stdZ),
        std_p: Number.isFinite(stdZ) ? twoSidedP(stdZ) : "",
      };
    });
    fitJson = {
      estimator: robust
        ? 'MLR (lavaan-compatible cfa()/sem(..., estimator = "MLR"): ML estimates, Huber-White sandwich SEs from the observed information, Yuan-Bentler scaled chi-square (Mplus variant), Wald z)'
        : "ML (lavaan-compatible cfa()/sem() defaults: first loading fixed to 1, expected information, Wald z)",
      fit: { ...lavaanMlNames(fm), ...robust },
      problems: est.problems,
      iterations: est.iterations,
      reliability: factorReliability(est),
      modificationIndices: modificationIndices(est),
    };
    summary = `n = ${n}; chi-square = ${fmt(fm.chisq, 2)}, df = ${fm.df}, p = ${fmt(fm.pvalue, 4)}, CFI = ${fmt(fm.cfi)}, TLI = ${fmt(fm.tli)}, RMSEA = ${fmt(fm.rmsea)}, SRMR = ${fmt(fm.srmr)}`;
    if (robust)
      summary += `\nMLR: scaled chi-square = ${fmt(robust["chisq.scaled"], 2)} (scaling factor ${fmt(robust["chisq.scaling.factor"], 3)}), p = ${fmt(robust["pvalue.scaled"], 4)}; scaled CFI = ${fmt(robust["cfi.scaled"])}, TLI = ${fmt(robust["tli.scaled"])}, RMSEA = ${fmt(robust["rmsea.scaled"])}; robust CFI = ${fmt(robust["cfi.robust"])}, TLI = ${fmt(robust["tli.robust"])}, RMSEA = ${fmt(robust["rmsea.robust"])}`;
    if (est.problems.length)
      summary += `\nProblems: ${est.problems.map((x) => ("parameter" in x ? `${x.kind} ${x.parameter} = ${fmt(x.value)}` : x.kind)).join("; ")}`;
  } else {
    if (input.corrMatrix)
      throw new UsageError(
        "--ordered needs the raw answers (thresholds and polychoric correlations come from them), not a matrix",
      );
    const d = readItems(input.text, file, items);
    n = d.n;
    const o = fitMeasurementModel(r.spec, { names: items, columns: d.columns }, { ordered });
    if (!o.ok)
      throw new UsageError(`${file}: the model could not be estimated (${o.reason}): ${o.message}`);
    if (o.estimator !== "WLSMV") throw new Error("unreachable: ordered items without WLSMV");
    const e: WlsmvEstimate = o.estimate;
    const fm = wlsmvFitMeasures(e);
    rows = e.params.map((x) => {
      const fixed = !x.free || x.se === 0;
      const z = fixed ? Number.NaN : x.est / x.se;
      const p = Number.isFinite(z) ? twoSidedP(z) : Number.NaN;
      return {
        lhs: x.lhs,
        op: x.op,
        rhs: x.rhs,
        label: "",
        est: x.est,
        se: fixed ? "" : x.se,
        z: blank(z),
        p: blank(p),
        verdict: fixed ? "fixed" : verdict(x.est, p, alpha),
        std: x.stdAll,
        std_se: "",
        std_z: "",
        std_p: "",
      };
    });
    fitJson = {
      estimator:
        'WLSMV (lavaan-compatible estimator = "WLSMV", ordered items: delta parameterization, DWLS estimates, robust SEs, scaled-shifted test)',
      ordered: items,
      fit: fm,
      thresholds: e.stats.thresholds.length,
      emptyCellPairs: e.stats.emptyCellPairs,
      iterations: e.iterations,
    };
    summary = `n = ${n}; chi-square = ${fmt(fm.chisq, 2)} (DWLS), scaled-shifted ${fmt(fm["chisq.scaled"], 2)}, df = ${fm.df}, p = ${fmt(fm["pvalue.scaled"], 4)}; scaled CFI = ${fmt(fm["cfi.scaled"])}, TLI = ${fmt(fm["tli.scaled"])}, RMSEA = ${fmt(fm["rmsea.scaled"])}; robust CFI = ${fmt(fm["cfi.robust"])}, RMSEA = ${fmt(fm["rmsea.robust"])}; SRMR = ${fmt(fm.srmr)}`;
  }
  rows = lavaanOrder(rows, r.spec.factors);
  const num = (v: string | number, digits?: number) => (v === "" ? "-" : fmt(Number(v), digits));
  const printed = rows
    .filter((x) => x.op !== "|")
    .map((x) => [
      `${x.lhs} ${x.op} ${x.rhs}`,
      num(x.est),
      x.se === "" ? "fixed" : num(x.se),
      num(x.z, 2),
      num(x.p),
      num(x.std),
    ]);
  prepareOutputDir(dir, "estimate");
  writeAtomic(outPath(dir, "estimates.csv"), toCsv(rows));
  const modelName = syntax.source === "--model" ? "syntax" : syntax.source;
  writeAtomic(
    outPath(dir, "fit.json"),
    `${JSON.stringify(
      { version: VERSION, data: file, model: modelName, n, alpha, syntax: syntax.text, ...fitJson },
      (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
      2,
    )}\n`,
  );
  console.log(table(["parameter", "estimate", "se", "z", "p", "std.all"], printed));
  console.log(summary);
  console.error(`wrote ${outPath(dir, "estimates.csv")} and ${outPath(dir, "fit.json")}`);
}

/**
 * Rows in lavaan's parameter-table order: loadings (factor by factor, indicators as written),
 * regressions, residual covariances, thresholds, item variances, factor variances, factor
 * covariances.
 */
function lavaanOrder(
  rows: Row[],
  factors: readonly { name: string; indicators: readonly string[] }[],
): Row[] {
  const factorNames = factors.map((f) => f.name);
  const isFactor = (v: string | number) => factorNames.includes(String(v));
  const key = (x: Row): [number, number] => {
    if (x.op === "=~") {
      const f = factorNames.indexOf(String(x.lhs));
      return [0, f * 100_000 + factors[f].indicators.indexOf(String(x.rhs))];
    }
    if (x.op === "~") return [1, 0];
    if (x.op === "|") return [3, 0];
    if (x.lhs !== x.rhs) return isFactor(x.lhs) ? [6, 0] : [2, 0];
    return isFactor(x.lhs) ? [5, 0] : [4, 0];
  };
  return rows
    .map((x, k) => ({ x, k, key: key(x) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.k - b.k)
    .map((e) => e.x);
}

/** --ordered all | ITEM,ITEM,...: the ordered items (checked against the model's items). */
function orderedItems(arg: string | undefined, items: readonly string[]): string[] | undefined {
  if (arg === undefined) return undefined;
  if (arg === "all" || arg === "") return [...items];
  const list = arg.split(",").map((s) => s.trim());
  const unknown = list.find((x) => !items.includes(x));
  if (unknown !== undefined)
    throw new UsageError(
      `--ordered: ${unknown} is not an item of the model (items: ${items.join(", ")}); give all or a comma-separated list of the model's items`,
    );
  const rest = items.filter((x) => !list.includes(x));
  if (rest.length)
    throw new UsageError(
      `--ordered: ${rest.join(", ")} not listed: mixing continuous and ordinal items is not supported; give --ordered all`,
    );
  return list;
}

function readItems(text: string, file: string, items: readonly string[]) {
  const d = parseDataCsv(text, file, items);
  if (d.n < 3)
    throw new UsageError(`${file}: ${d.n} data rows; a latent-variable model needs more`);
  return d;
}

function mlOrRefuse(o: ReturnType<typeof fitCfa>, file: string): CfaEstimate {
  if (!o.ok)
    throw new UsageError(`${file}: the model could not be estimated (${o.reason}): ${o.message}`);
  return o.estimate;
}

/** The ML fit measures under lavaan's fitMeasures() names. */
function lavaanMlNames(f: CfaFitMeasures): Record<string, number> {
  return {
    npar: f.npar,
    fmin: f.chisq / (2 * f.n),
    chisq: f.chisq,
    df: f.df,
    pvalue: f.pvalue,
    "baseline.chisq": f.baselineChisq,
    "baseline.df": f.baselineDf,
    "baseline.pvalue": chiSquareUpper(f.baselineChisq, f.baselineDf),
    cfi: f.cfi,
    tli: f.tli,
    nnfi: f.nnfi,
    rni: f.rni,
    ifi: f.ifi,
    logl: f.logl,
    aic: f.aic,
    bic: f.bic,
    ntotal: f.n,
    rmsea: f.rmsea,
    "rmsea.ci.lower": f.rmseaLower,
    "rmsea.ci.upper": f.rmseaUpper,
    "rmsea.pvalue": f.rmseaPvalue,
    srmr: f.srmr,
  };
}
