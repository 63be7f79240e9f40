import { csvParseRows } from "d3";
import { type BootstrapResult, bootstrapPathModel } from "../../../../src/estimate/bootstrap.ts";
import { type MardiaTest, mardia, mardiaAdvice } from "../../../../src/estimate/mardia.ts";
import {
  estimateWithMissing,
  MISSING_METHODS,
  type MissingMethod,
  type MissingSummary,
} from "../../../../src/estimate/missing/index.ts";
import { paramTable } from "../../../../src/estimate/parameters.ts";
import {
  type EstimationReport,
  estimatePathModel,
  singularCovariance,
} from "../../../../src/estimate/report.ts";
import { verdict } from "../../../../src/estimate/verdicts.ts";
import { twoSidedP } from "../../../../src/math/distributions.ts";
import { covariance, fromRows, type Mat } from "../../../../src/math/linalg.ts";
import {
  BUILTIN_MODELS,
  type BuiltinModelName,
  type ModelSpec,
  type ModelStructure,
  structureOf,
} from "../../../../src/model/index.ts";
import { pathLabel } from "../../../../src/model/pathLabel.ts";
import { CONSTRUCTS, TABLE2 } from "../../../../src/paper/index.ts";
import { scenarioModel } from "../../../../src/scenario/validate.ts";
import {
  structureFromSyntax,
  structureRows,
  toStructure,
  withIndirectEffects,
} from "../../../../src/syntax/index.ts";
import { hasLatentVariables } from "../../../../src/syntax/toMeasurement.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { VERSION } from "../../../core/version.ts";
import { parseDataCsv, parseMatrixCsv } from "../../files/data.ts";
import { MAX_DATA_BYTES, outPath, readScenario, readText, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, numberOption, stringOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { estimateLatent } from "./estimateLatent.ts";

const BOOT_MIN = 10;
const BOOT_MAX = 100_000;

export const estimate: Command = {
  name: "estimate",
  summary:
    "Estimate a path model, or a CFA / latent-variable SEM on item columns (=~), on your own data (raw scores or a covariance/correlation matrix)",
  usage:
    "bgsim estimate <data.csv> [--model published|table1|scenario.json|FILE.lav|'<syntax>'] [--corr-matrix --n N] [--estimator ML|MLR|WLSMV] [--ordered all|ITEM,ITEM,...] [--missing listwise|fiml] [--indirect] [--bootstrap R [--bootstrap-ci perc|bca] [--seed S]] [--alpha A] --out DIR",
  options: {
    model: { type: "string" },
    "corr-matrix": { type: "boolean" },
    n: { type: "string" },
    alpha: { type: "string" },
    estimator: { type: "string" },
    ordered: { type: "string" },
    indirect: { type: "boolean" },
    bootstrap: { type: "string" },
    "bootstrap-ci": { type: "string" },
    seed: { type: "string" },
    missing: { type: "string" },
    out: { type: "string" },
  },
  help: `Input: a CSV with one column per construct named ${CONSTRUCTS.join(", ")} (other columns are
ignored), one row per firm; or, with --corr-matrix, a 7 x 7 covariance or correlation matrix
whose first column names the rows, and --n the number of observations behind it.
Writes DIR/estimates.csv (one row per path: hypothesis, from, to; est, se, z, p, the
unstandardized coefficient and its Wald test as lavaan's parameterEstimates(), and the verdict
from that test; std, std_se, std_z, std_p, the standardized coefficient and its delta-method
test as lavaan's standardizedSolution(); paper_coefficient) and DIR/fit.json (chi-square, df, p, CFI, TLI, RMSEA with 90% CI, SRMR, R-squared,
modification indices). Estimation is ML as in lavaan's sem(); p-values are two-sided Wald z.
With raw data, Mardia's multivariate skewness and kurtosis tests are printed (on stderr) with
advice on whether MLR or a bootstrap is advisable.
Options:
  --model        published (default), table1, a scenario file whose model section to use, a
                 file of lavaan model syntax (.lav), or the syntax itself, e.g.
                 'GTC ~ a*IEO; PERF ~ b*GTC; ind := a*b' (observed-variable path models:
                 ~ and ~~, labels, fixed values, equal labels, := defined parameters; with
                 syntax, the variables are the data's columns the model names)
  --corr-matrix  the CSV is a matrix, not raw data (requires --n)
  --n N          observations behind the matrix (8 to 10,000,000)
  --estimator E  ML (default) or MLR (raw data only): lavaan's estimator = "MLR", i.e. the ML
                 estimates with Huber-White sandwich SEs (observed information) and the
                 Yuan-Bentler scaled chi-square; fit.json then adds lavaan's chisq.scaled,
                 chisq.scaling.factor, cfi.scaled, tli.scaled, rmsea.scaled, cfi.robust,
                 tli.robust, rmsea.robust, ... and Mardia's tests. With --missing fiml as
                 lavaan's missing = "ml", estimator = "MLR": sandwich SEs from the casewise
                 scores, the scaled test and scaled CFI/TLI/RMSEA (the .robust ones, which
                 lavaan computes otherwise for missing data, are null)
  --indirect     also the eight specific indirect effects IEO/IMO -> strategy -> PERF and the
                 two total indirect effects (IEO_GTC_PERF, ..., IEO_total, IMO_total) as
                 defined parameters with delta-method SEs (and bootstrap intervals with
                 --bootstrap): the model's paths are labelled IEO_GTC, GTC_PERF, ... as
                 bgsim replicate --syntax --indirect prints them (a path that has a label
                 keeps it); estimates.csv then has lavaan's lhs, op, rhs, label columns
  --bootstrap R  (raw data only) also a nonparametric bootstrap with R resamples (${BOOT_MIN} to
                 ${BOOT_MAX.toLocaleString("en-US")}) as lavaan's se = "bootstrap": estimates.csv gains boot_se (SD of
                 the resampled estimates), ci_lower and ci_upper (the 95% bootstrap interval
                 of every parameter and defined parameter, as lavaan's
                 parameterEstimates(boot.ci.type = ...)); est, se, z, p stay the ML (or MLR)
                 Wald test. fit.json gains bollen.stine.pvalue, the Bollen-Stine bootstrap p
                 of the chi-square test (lavaan's test = "bollen.stine", another R resamples),
                 and a "bootstrap" block (R, resamples that failed, interval type, seed).
                 Cost: 2R + n model fits (BCa's jackknife refits each leave-one-out sample),
                 about 1 s for R = 1000 at n = 300 (measured: 1.1 s)
  --bootstrap-ci perc (default, percentile) or bca (bias-corrected and accelerated, Efron 1987)
  --seed S       seed of the resamples (integer, default 1): they come from the stream derived
                 from (S, 0, "bootstrap"), Bollen-Stine's from (S, 0, "bollen-stine")
  --missing M    what to do with missing cells (empty, NA, NaN or "." in a model column; raw
                 data only). Without it, a file with missing cells is refused, saying how many rows
                 are affected. listwise: drop every row with a missing cell in the model's
                 columns (lavaan's missing = "listwise"; the count is printed) and estimate
                 as usual (MLR and Mardia's tests then use the complete rows). fiml:
                 full-information ML, lavaan's missing = "ml": casewise likelihood with
                 intercepts, SEs from the observed information, chi-square against the
                 unrestricted model fitted by EM, baseline model with available-case means
                 and variances; as lavaan (fixed.x), rows missing an exogenous variable are
                 dropped (the count is printed); fit.json adds logl, unrestricted.logl, the
                 intercepts and the missing-data summary; no modification indices; with
                 --estimator MLR lavaan's missing = "ml", estimator = "MLR" (see --estimator)
  --alpha A      significance level of the verdicts (default 0.05)
Latent variables: syntax with =~ (e.g. 'F =~ x1 + x2 + x3; G =~ x4 + x5 + x6; G ~ F') is a
CFA or full SEM on the item columns it names, with lavaan's cfa()/sem() defaults (first
loading fixed to 1, free residual variances, covariances among exogenous factors). It writes
DIR/estimates.csv with lavaan's parameterEstimates() columns (lhs, op, rhs, label, est, se, z,
p, verdict, std = std.all, std_se, std_z, std_p; thresholds as op "|") and DIR/fit.json with
lavaan's fitMeasures() names. ML (items continuous; raw data or --corr-matrix --n) or WLSMV:
  --ordered all|ITEM,...  the items are ordinal (all of the model's items): thresholds,
                 polychoric correlations, WLSMV as lavaan's cfa(ordered = TRUE, estimator =
                 "WLSMV"): DWLS, robust SEs, scaled-shifted chi-square; fit.json has chisq.scaled,
                 cfi/tli/rmsea unscaled, .scaled and .robust as lavaan. --estimator MLR (raw
                 continuous items) as lavaan's cfa()/sem(..., estimator = "MLR"): sandwich SEs
                 (std.all SEs too), Yuan-Bentler scaled chi-square, scaled/robust CFI, TLI,
                 RMSEA in fit.json. A factor with one indicator, a
                 factor without indicators, or an item not in the data is refused before
                 estimation, naming it.
  --out DIR      output directory`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one data file (see bgsim estimate --help)");
    const file = positionals[0];
    const dir = stringOption(values.out, "out");
    const alpha = numberOption(values.alpha, "alpha", 1e-6, 0.5, 0.05);
    const modelArg = (values.model as string | undefined) ?? "published";
    const latentSyntax = latentModelSyntax(modelArg);
    if (latentSyntax) {
      const text = readText(file, MAX_DATA_BYTES);
      const header =
        csvParseRows(text.slice(0, (text.indexOf("\n") + 1 || text.length + 1) - 1))[0] ?? [];
      if (values.n !== undefined && !values["corr-matrix"])
        throw new UsageError("--n applies only with --corr-matrix (raw data give their own n)");
      for (const o of ["missing", "indirect", "bootstrap", "bootstrap-ci", "seed"])
        if (values[o] !== undefined)
          throw new UsageError(
            `--${o} is not available for models with latent variables (=~) yet; it applies to path models`,
          );
      estimateLatent({
        file,
        text,
        columns: header.map((c) => c.trim()),
        syntax: latentSyntax,
        estimator: values.estimator as string | undefined,
        ordered: values.ordered as string | undefined,
        corrMatrix: values["corr-matrix"] === true,
        n: values["corr-matrix"] ? intOption(values.n, "n", 8, 10_000_000) : undefined,
        alpha,
        dir,
      });
      return;
    }
    if (values.ordered !== undefined)
      throw new UsageError(
        "--ordered applies to models with latent variables (f =~ item1 + item2 + ...) fitted on item answers",
      );
    const estimatorArg = (values.estimator as string | undefined) ?? "ML";
    if (estimatorArg === "WLSMV")
      throw new UsageError(
        "--estimator WLSMV applies to models with latent variables (=~) on ordinal items (--ordered); path models take ML or MLR",
      );
    if (estimatorArg !== "ML" && estimatorArg !== "MLR")
      throw new UsageError(`--estimator = "${estimatorArg}": must be ML, MLR or WLSMV`);
    const estimator: "ML" | "MLR" = estimatorArg;
    const boot =
      values.bootstrap === undefined
        ? null
        : {
            R: intOption(values.bootstrap, "bootstrap", BOOT_MIN, BOOT_MAX),
            ci: bootCiOption(values["bootstrap-ci"]),
            seed: intOption(values.seed, "seed", 0, 2 ** 31 - 1, 1),
          };
    if (!boot)
      for (const o of ["bootstrap-ci", "seed"])
        if (values[o] !== undefined)
          throw new UsageError(`--${o} applies only with --bootstrap R (the number of resamples)`);
    const missingArg = values.missing as string | undefined;
    if (missingArg !== undefined && !(MISSING_METHODS as readonly string[]).includes(missingArg))
      throw new UsageError(`--missing = "${missingArg}": must be listwise or fiml`);
    const missing = missingArg as MissingMethod | undefined;
    if (missing && values["corr-matrix"])
      throw new UsageError(
        "--missing applies to raw data; a covariance or correlation matrix has no missing cells",
      );
    if (boot && missing === "fiml")
      throw new UsageError(
        "--bootstrap resamples complete rows; use it with --missing listwise, not --missing fiml",
      );
    let spec: ModelSpec | null = null;
    let syntax: { text: string; source: string } | null = null;
    if (modelArg in BUILTIN_MODELS) spec = BUILTIN_MODELS[modelArg as BuiltinModelName]();
    else if (/~|:=/.test(modelArg)) syntax = { text: modelArg, source: "--model" };
    else if (modelArg.endsWith(".lav")) syntax = { text: readText(modelArg), source: modelArg };
    else if (modelArg.endsWith(".json")) {
      const built = scenarioModel(readScenario(modelArg));
      if (!built.ok)
        throw new UsageError(
          built.issues.map((i) => `${modelArg}: ${i.path}: ${i.message}`).join("\n"),
        );
      spec = built.model.spec;
    } else
      throw new UsageError(
        `--model = "${modelArg}": must be published, table1, a scenario .json file, a .lav file of lavaan syntax or the syntax itself`,
      );
    const text = readText(file, MAX_DATA_BYTES);
    let structure: ModelStructure;
    if (syntax) {
      const header =
        csvParseRows(text.slice(0, (text.indexOf("\n") + 1 || text.length + 1) - 1))[0] ?? [];
      const columns = values["corr-matrix"] ? header.slice(1) : header;
      const r = structureFromSyntax(
        syntax.text,
        columns.map((c) => c.trim()),
      );
      if (!r.ok) throw new UsageError(`${syntax.source}: ${r.error}`);
      structure = r.structure;
    } else structure = structureOf(spec!);
    const indirect = values.indirect === true;
    if (indirect) {
      const withDefined = toStructure(
        withIndirectEffects(structureRows(structure)),
        structure.variables,
      );
      if (!withDefined.ok) throw new UsageError(`--indirect: ${withDefined.error}`);
      if (!withDefined.structure.defined?.length)
        throw new UsageError(
          "--indirect: the model has no path IEO or IMO -> GTC, UPD, QF or LFDC -> PERF, so no indirect effect to report",
        );
      structure = withDefined.structure;
    }
    const vars = structure.variables;
    let cov: Mat;
    let n: number;
    let data: Float64Array[] | undefined;
    let fiml: { columns: Float64Array[]; n: number; incompleteRows: number } | null = null;
    let listwise: { rows: number; dropped: number } | null = null;
    if (values["corr-matrix"]) {
      if (estimator === "MLR")
        throw new UsageError(
          "--estimator MLR needs raw data (casewise scores); a covariance or correlation matrix supports ML only",
        );
      if (boot)
        throw new UsageError(
          "--bootstrap needs raw data (it resamples the cases); a covariance or correlation matrix supports ML only",
        );
      n = intOption(values.n, "n", 8, 10_000_000);
      const m = parseMatrixCsv(text, file, vars);
      for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < i; j++) {
          if (Math.abs(m[i][j] - m[j][i]) > 1e-8)
            throw new UsageError(
              `${file}: the matrix is not symmetric: ${vars[i]},${vars[j]} = ${m[i][j]} but ${vars[j]},${vars[i]} = ${m[j][i]}`,
            );
        }
        if (!(m[i][i] > 0))
          throw new UsageError(`${file}: the variance of ${vars[i]} is ${m[i][i]}; it must be > 0`);
      }
      cov = fromRows(m);
    } else {
      if (values.n !== undefined)
        throw new UsageError("--n applies only with --corr-matrix (raw data give their own n)");
      const d = parseDataCsv(text, file, vars, { missing: true });
      if (d.incompleteRows > 0 && !missing) {
        const byColumn = vars
          .map((c, j) => ({ c, k: d.missingByColumn[j] }))
          .filter((x) => x.k > 0)
          .map((x) => `${x.c} ${x.k}`)
          .join(", ");
        throw new UsageError(
          `${file}: ${d.incompleteRows} of ${d.n} rows have missing values (empty, NA, NaN or ".") in the model's columns (missing cells: ${byColumn}); choose --missing listwise (drop those rows) or --missing fiml (full-information ML, lavaan's missing = "ml")`,
        );
      }
      if (missing === "fiml") {
        fiml = { columns: d.columns, n: d.n, incompleteRows: d.incompleteRows };
        n = d.n;
        cov = new Float64Array(0);
      } else {
        let columns = d.columns;
        n = d.n;
        if (missing === "listwise" && d.incompleteRows > 0) {
          const keep: number[] = [];
          for (let i = 0; i < n; i++) if (!columns.some((c) => Number.isNaN(c[i]))) keep.push(i);
          columns = columns.map((c) => Float64Array.from(keep, (i) => c[i]));
          n = keep.length;
          console.error(
            `listwise deletion: dropped ${d.incompleteRows} of ${d.n} rows with missing values; ${n} rows used`,
          );
          listwise = { rows: d.n, dropped: d.incompleteRows };
        }
        if (n < 2)
          throw new UsageError(
            `${file}: ${n} ${missing === "listwise" ? "complete " : ""}data rows; need more rows than the model's free parameters`,
          );
        cov = covariance(columns, n);
        data = columns;
        vars.forEach((c, j) => {
          const v = cov[j * vars.length + j];
          if (!Number.isFinite(v))
            throw new UsageError(
              `${file}: column ${c}: its values are too large to compute a variance (keep them below about 1e150)`,
            );
        });
      }
    }
    let rep: EstimationReport;
    let missingSummary: MissingSummary | null = null;
    if (fiml) {
      const r = estimateWithMissing(structure, fiml.columns, fiml.n, {
        method: "fiml",
        alpha,
        estimator,
      });
      if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
      rep = r.report;
      missingSummary = r.missing;
      n = r.missing.rowsUsed;
      const m = r.missing;
      console.error(
        `FIML: ${m.incompleteRows} of ${m.rows} rows have missing values (${m.patterns} missing-data patterns among the rows used)${m.rowsDeletedExogenous ? `; ${m.rowsDeletedExogenous} rows missing an exogenous variable were dropped (as lavaan with fixed.x)` : ""}${m.rowsEmpty ? `; ${m.rowsEmpty} rows with no value were dropped` : ""}; ${m.rowsUsed} rows used`,
      );
    } else {
      const singular = singularCovariance(cov, vars);
      if (singular) throw new UsageError(`${file}: ${singular}`);
      const r = estimatePathModel(structure, cov, n, {
        alpha,
        ...(estimator === "MLR" ? { estimator, data } : {}),
      });
      if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
      rep = r.report;
    }
    const mardiaTest = data ? mardia(data, n) : null;
    let bootResult: BootstrapResult | null = null;
    if (boot && data) {
      const b = bootstrapPathModel(structure, data, {
        R: boot.R,
        seed: boot.seed,
        replication: 0,
        bollenStine: true,
      });
      if (!b.ok) throw new UsageError(`${file}: the bootstrap failed: ${b.error}`);
      bootResult = b.result;
    }
    const ciOf = bootResult ? bootstrapCells(bootResult, structure, boot!.ci) : null;
    prepareOutputDir(dir, "estimate");
    const rows = rep.paths.map((x) => ({
      hypothesis: x.hypothesis ?? "",
      from: x.from,
      to: x.to,
      est: x.est,
      se: x.se,
      z: x.z,
      p: x.p,
      verdict: x.fixed ? "fixed" : x.verdict,
      std: x.std,
      std_se: x.stdSe,
      std_z: x.fixed ? Number.NaN : x.std / x.stdSe,
      std_p: x.fixed ? Number.NaN : twoSidedP(x.std / x.stdSe),
      paper_coefficient: TABLE2.find((t) => t.from === x.from && t.to === x.to)?.coefficient ?? "",
      ...(ciOf ? ciOf(x.fixed ? null : pathLabel(x.from, x.to)) : {}),
    }));
    const defined = rep.defined ?? [];
    // with syntax, lavaan's lhs/op/rhs/label columns and one extra row per defined parameter
    const blankNaN = (x: number) => (Number.isNaN(x) ? "" : x);
    const out: Record<string, string | number>[] =
      syntax || indirect
        ? [
            ...rows.map((row, k) => ({
              ...row,
              z: blankNaN(row.z),
              p: blankNaN(row.p),
              std_z: blankNaN(row.std_z),
              std_p: blankNaN(row.std_p),
              lhs: row.to,
              op: "~",
              rhs: row.from,
              label: rep.paths[k].name ?? "",
            })),
            ...defined.map((d) => ({
              hypothesis: "",
              from: "",
              to: "",
              est: d.est,
              se: d.se,
              z: d.z,
              p: d.p,
              verdict: verdict(d.est, d.p, alpha),
              std: d.std,
              std_se: "",
              std_z: "",
              std_p: "",
              paper_coefficient: "",
              ...(ciOf ? ciOf(d.name) : {}),
              lhs: d.name,
              op: ":=",
              rhs: d.expression,
              label: d.name,
            })),
          ]
        : rows;
    writeAtomic(outPath(dir, "estimates.csv"), toCsv(out));
    const modelName = spec ? spec.name : syntax!.source === "--model" ? "syntax" : syntax!.source;
    const extra = {
      ...(syntax ? { syntax: syntax.text, defined } : indirect ? { defined } : {}),
      ...(bootResult ? { bootstrap: bootstrapJson(bootResult, boot!) } : {}),
    };
    const bs = bootResult?.bollenStine
      ? { "bollen.stine.pvalue": bootResult.bollenStine.pvalue }
      : {};
    const missingJson = missingSummary
      ? {
          missing: {
            method: "fiml",
            rows: missingSummary.rows,
            incompleteRows: missingSummary.incompleteRows,
            rowsUsed: missingSummary.rowsUsed,
            rowsDeletedExogenous: missingSummary.rowsDeletedExogenous,
            rowsEmpty: missingSummary.rowsEmpty,
            patterns: missingSummary.patterns,
          },
          intercepts: missingSummary.intercepts,
        }
      : listwise
        ? {
            missing: {
              method: "listwise",
              rows: listwise.rows,
              rowsDropped: listwise.dropped,
              rowsUsed: n,
            },
          }
        : {};
    const fitJson = missingSummary
      ? {
          ...rep.fit,
          logl: missingSummary.logl,
          "unrestricted.logl": missingSummary.unrestrictedLogl,
        }
      : { ...rep.fit, ...bs };
    writeAtomic(
      outPath(dir, "fit.json"),
      `${JSON.stringify(estimator === "MLR" ? { version: VERSION, data: file, model: modelName, n, alpha, estimator: missingSummary ? MLR_FIML_LABEL : MLR_LABEL, fit: missingSummary ? { ...fitJson, ...rep.robust } : { ...rep.fit, ...rep.robust, ...bs }, mardia: mardiaJson(mardiaTest), r2: rep.r2, modificationIndices: rep.modification, ...missingJson, ...extra } : { version: VERSION, data: file, model: modelName, n, alpha, estimator: missingSummary ? FIML_LABEL : "ML (lavaan-compatible), expected information, Wald z", fit: fitJson, ...missingJson, r2: rep.r2, modificationIndices: rep.modification, ...extra }, null, 2)}\n`,
    );
    console.log(
      table(
        ["hyp", "path", "estimate", "std", "se", "z", "p", "verdict"],
        rep.paths.map((x) => [
          x.hypothesis ?? "-",
          `${x.from} -> ${x.to}${x.name ? ` (${x.name})` : ""}`,
          fmt(x.est),
          fmt(x.std),
          x.fixed ? "fixed" : fmt(x.se),
          fmt(x.z, 2),
          fmt(x.p),
          x.fixed ? "-" : x.verdict,
        ]),
      ),
    );
    if (defined.length) {
      console.log("\nDefined parameters (delta-method standard errors):");
      console.log(
        table(
          ["name", "definition", "estimate", "std", "se", "z", "p"],
          defined.map((d) => [
            d.name,
            d.expression,
            fmt(d.est),
            fmt(d.std),
            fmt(d.se),
            fmt(d.z, 2),
            fmt(d.p),
          ]),
        ),
      );
    }
    const intercepts = missingSummary?.intercepts?.filter((x) => !x.fixed) ?? [];
    if (intercepts.length) {
      console.log("\nIntercepts (FIML):");
      console.log(
        table(
          ["variable", "estimate", "se"],
          intercepts.map((x) => [x.variable, fmt(x.est), fmt(x.se)]),
        ),
      );
    }
    const f = rep.fit;
    console.log(
      `n = ${n}; chi-square = ${fmt(f.chisq, 2)}, df = ${f.df}, p = ${fmt(f.pvalue, 4)}, CFI = ${fmt(f.cfi)}, RMSEA = ${fmt(f.rmsea)}, SRMR = ${fmt(f.srmr)}`,
    );
    const rb = rep.robust;
    if (rb)
      console.log(
        `MLR: scaled chi-square = ${fmt(rb["chisq.scaled"], 2)} (scaling factor ${fmt(rb["chisq.scaling.factor"], 3)}), p = ${fmt(rb["pvalue.scaled"], 4)}; scaled CFI = ${fmt(rb["cfi.scaled"])}, TLI = ${fmt(rb["tli.scaled"])}, RMSEA = ${fmt(rb["rmsea.scaled"])}${Number.isNaN(rb["cfi.robust"]) ? "" : `; robust CFI = ${fmt(rb["cfi.robust"])}, RMSEA = ${fmt(rb["rmsea.robust"])}`}`,
      );
    if (bootResult && ciOf) {
      const type = boot!.ci === "bca" ? "BCa" : "percentile";
      console.log(
        `\nBootstrap (${bootResult.R} resamples${bootResult.failed ? `, ${bootResult.failed} failed` : ""}, seed ${boot!.seed}): ${Math.round(100 * bootResult.level)}% ${type} intervals`,
      );
      const labelled = [
        ...rep.paths
          .filter((x) => !x.fixed)
          .map((x) => ({ name: `${x.from} -> ${x.to}`, key: pathLabel(x.from, x.to), est: x.est })),
        ...defined.map((d) => ({ name: d.name, key: d.name, est: d.est })),
      ];
      console.log(
        table(
          ["parameter", "estimate", "boot se", "ci lower", "ci upper"],
          labelled.map((x) => {
            const c = ciOf(x.key);
            const f = (v: number | string) => (typeof v === "number" ? fmt(v) : "-");
            return [x.name, fmt(x.est), f(c.boot_se), f(c.ci_lower), f(c.ci_upper)];
          }),
        ),
      );
      const bsr = bootResult.bollenStine;
      if (bsr)
        console.log(
          `Bollen-Stine bootstrap p of the chi-square test = ${fmt(bsr.pvalue, 3)} (${bsr.R} resamples${bsr.failed ? `, ${bsr.failed} failed` : ""})`,
        );
    }
    if (mardiaTest) {
      // stderr, so that the ML run's stdout stays as it was
      const say = estimator === "MLR" ? console.log : console.error;
      say(
        `Mardia: skewness b1p = ${fmt(mardiaTest.b1p, 3)}, chi2(${mardiaTest.skewDf}) = ${fmt(mardiaTest.skew, 2)}, p = ${fmt(mardiaTest.skewP, 4)}; kurtosis b2p = ${fmt(mardiaTest.b2p, 3)} (normal ${mardiaTest.p * (mardiaTest.p + 2)}), z = ${fmt(mardiaTest.kurtZ, 2)}, p = ${fmt(mardiaTest.kurtP, 4)}`,
      );
      say(mardiaAdvice(mardiaTest, 0.05, estimator));
    }
    console.error(`wrote ${outPath(dir, "estimates.csv")} and ${outPath(dir, "fit.json")}`);
  },
};

/** The model syntax (text and where it came from) if --model is syntax with latent variables. */
function latentModelSyntax(modelArg: string): { text: string; source: string } | null {
  if (modelArg in BUILTIN_MODELS || modelArg.endsWith(".json")) return null;
  const s = /~|:=/.test(modelArg)
    ? { text: modelArg, source: "--model" }
    : modelArg.endsWith(".lav")
      ? { text: readText(modelArg), source: modelArg }
      : null;
  return s && hasLatentVariables(s.text) ? s : null;
}

function bootCiOption(v: string | boolean | undefined): "perc" | "bca" {
  if (v === undefined) return "perc";
  if (v === "perc" || v === "bca") return v;
  throw new UsageError(`--bootstrap-ci = ${JSON.stringify(v)}: must be perc or bca`);
}

/**
 * The bootstrap columns of a row of estimates.csv, by the parameter's path label or the defined
 * parameter's name (null: a fixed parameter, blank cells). A parameter shared by several places
 * (equal labels) has one interval, found through its first place.
 */
function bootstrapCells(
  b: BootstrapResult,
  structure: ModelStructure,
  ci: "perc" | "bca",
): (key: string | null) => {
  boot_se: number | string;
  ci_lower: number | string;
  ci_upper: number | string;
} {
  const table = paramTable(structure);
  const byKey = new Map<string, number>();
  for (const pos of table.positions)
    if (pos.kind === "path" && pos.k >= 0) byKey.set(pos.label, pos.k);
  const q = table.params.length;
  table.defined.forEach((d, i) => {
    byKey.set(d.name, q + i);
  });
  return (key) => {
    const k = key === null ? undefined : byKey.get(key);
    if (k === undefined) return { boot_se: "", ci_lower: "", ci_upper: "" };
    const x = b.intervals[k];
    const [lo, hi] = x[ci];
    return { boot_se: x.se, ci_lower: lo, ci_upper: hi };
  };
}

function bootstrapJson(b: BootstrapResult, o: { R: number; ci: "perc" | "bca"; seed: number }) {
  return {
    R: o.R,
    "R.ok": b.R,
    failed: b.failed,
    ci: o.ci,
    level: b.level,
    seed: o.seed,
    streams: `derive(${o.seed}, 0, "bootstrap") and derive(${o.seed}, 0, "bollen-stine")`,
    "bollen.stine": b.bollenStine,
  };
}
const FIML_LABEL =
  'FIML (lavaan-compatible missing = "ml"): casewise ML with intercepts, observed-information SEs, chi-square against the EM-estimated unrestricted model, Wald z';

const MLR_LABEL =
  'MLR (lavaan-compatible estimator = "MLR"): ML estimates, Huber-White sandwich SEs from the observed information, Yuan-Bentler scaled chi-square (Mplus variant), Wald z';

const MLR_FIML_LABEL =
  'MLR with FIML (lavaan-compatible missing = "ml", estimator = "MLR"): casewise ML with intercepts, Huber-White sandwich SEs from the casewise scores and the observed information, Yuan-Bentler scaled chi-square (Mplus variant) against the EM-estimated unrestricted model, Wald z; the robust CFI/TLI/RMSEA lavaan computes for missing data are not reported (null)';

function mardiaJson(m: MardiaTest | null) {
  if (!m) return null;
  return {
    b1p: m.b1p,
    skew: m.skew,
    "skew.df": m.skewDf,
    "skew.pvalue": m.skewP,
    b2p: m.b2p,
    "kurt.z": m.kurtZ,
    "kurt.pvalue": m.kurtP,
    advice: mardiaAdvice(m, 0.05, "MLR"),
  };
}
