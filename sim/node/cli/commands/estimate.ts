import { csvParseRows } from "d3";
import { type MardiaTest, mardia, mardiaAdvice } from "../../../../src/estimate/mardia.ts";
import { estimatePathModel, singularCovariance } from "../../../../src/estimate/report.ts";
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
import { CONSTRUCTS, TABLE2 } from "../../../../src/paper/index.ts";
import { scenarioModel } from "../../../../src/scenario/validate.ts";
import { structureFromSyntax } from "../../../../src/syntax/index.ts";
import { hasLatentVariables } from "../../../../src/syntax/toMeasurement.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { VERSION } from "../../../core/version.ts";
import { parseDataCsv, parseMatrixCsv } from "../../files/data.ts";
import { MAX_DATA_BYTES, outPath, readScenario, readText, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, numberOption, stringOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { estimateLatent } from "./estimateLatent.ts";

export const estimate: Command = {
  name: "estimate",
  summary:
    "Estimate the path model on your own data (raw scores or a covariance/correlation matrix)",
  usage:
    "bgsim estimate <data.csv> [--model published|table1|scenario.json|FILE.lav|'<syntax>'] [--corr-matrix --n N] [--estimator ML|MLR|WLSMV] [--ordered all|ITEM,ITEM,...] [--alpha A] --out DIR",
  options: {
    model: { type: "string" },
    "corr-matrix": { type: "boolean" },
    n: { type: "string" },
    alpha: { type: "string" },
    estimator: { type: "string" },
    ordered: { type: "string" },
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
                 tli.robust, rmsea.robust, ... and Mardia's tests
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
                 cfi/tli/rmsea unscaled, .scaled and .robust as lavaan. --estimator MLR is not
                 available for latent-variable models (refused). A factor with one indicator, a
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
    const vars = structure.variables;
    let cov: Mat;
    let n: number;
    let data: Float64Array[] | undefined;
    if (values["corr-matrix"]) {
      if (estimator === "MLR")
        throw new UsageError(
          "--estimator MLR needs raw data (casewise scores); a covariance or correlation matrix supports ML only",
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
      const d = parseDataCsv(text, file, vars);
      n = d.n;
      if (n < 2)
        throw new UsageError(
          `${file}: ${n} data rows; need more rows than the model's free parameters`,
        );
      cov = covariance(d.columns, n);
      data = d.columns;
      vars.forEach((c, j) => {
        const v = cov[j * vars.length + j];
        if (!Number.isFinite(v))
          throw new UsageError(
            `${file}: column ${c}: its values are too large to compute a variance (keep them below about 1e150)`,
          );
      });
    }
    const singular = singularCovariance(cov, vars);
    if (singular) throw new UsageError(`${file}: ${singular}`);
    const r = estimatePathModel(structure, cov, n, {
      alpha,
      ...(estimator === "MLR" ? { estimator, data } : {}),
    });
    if (!r.ok) throw new UsageError(`${file}: ${r.error}`);
    const rep = r.report;
    const mardiaTest = data ? mardia(data, n) : null;
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
    }));
    const defined = rep.defined ?? [];
    // with syntax, lavaan's lhs/op/rhs/label columns and one extra row per defined parameter
    const blankNaN = (x: number) => (Number.isNaN(x) ? "" : x);
    const out: Record<string, string | number>[] = syntax
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
            lhs: d.name,
            op: ":=",
            rhs: d.expression,
            label: d.name,
          })),
        ]
      : rows;
    writeAtomic(outPath(dir, "estimates.csv"), toCsv(out));
    const modelName = spec ? spec.name : syntax!.source === "--model" ? "syntax" : syntax!.source;
    const extra = syntax ? { syntax: syntax.text, defined } : {};
    writeAtomic(
      outPath(dir, "fit.json"),
      `${JSON.stringify(estimator === "MLR" ? { version: VERSION, data: file, model: modelName, n, alpha, estimator: MLR_LABEL, fit: { ...rep.fit, ...rep.robust }, mardia: mardiaJson(mardiaTest), r2: rep.r2, modificationIndices: rep.modification, ...extra } : { version: VERSION, data: file, model: modelName, n, alpha, estimator: "ML (lavaan-compatible), expected information, Wald z", fit: rep.fit, r2: rep.r2, modificationIndices: rep.modification, ...extra }, null, 2)}\n`,
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
    const f = rep.fit;
    console.log(
      `n = ${n}; chi-square = ${fmt(f.chisq, 2)}, df = ${f.df}, p = ${fmt(f.pvalue, 4)}, CFI = ${fmt(f.cfi)}, RMSEA = ${fmt(f.rmsea)}, SRMR = ${fmt(f.srmr)}`,
    );
    const rb = rep.robust;
    if (rb)
      console.log(
        `MLR: scaled chi-square = ${fmt(rb["chisq.scaled"], 2)} (scaling factor ${fmt(rb["chisq.scaling.factor"], 3)}), p = ${fmt(rb["pvalue.scaled"], 4)}; scaled CFI = ${fmt(rb["cfi.scaled"])}, TLI = ${fmt(rb["tli.scaled"])}, RMSEA = ${fmt(rb["rmsea.scaled"])}; robust CFI = ${fmt(rb["cfi.robust"])}, RMSEA = ${fmt(rb["rmsea.robust"])}`,
      );
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

const MLR_LABEL =
  'MLR (lavaan-compatible estimator = "MLR"): ML estimates, Huber-White sandwich SEs from the observed information, Yuan-Bentler scaled chi-square (Mplus variant), Wald z';

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
