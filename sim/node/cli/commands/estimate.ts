import { csvParseRows } from "d3";
import { type BootstrapResult, bootstrapPathModel } from "../../../../src/estimate/bootstrap.ts";
import { type MardiaTest, mardia, mardiaAdvice } from "../../../../src/estimate/mardia.ts";
import { paramTable } from "../../../../src/estimate/parameters.ts";
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
import { pathLabel } from "../../../../src/model/pathLabel.ts";
import { CONSTRUCTS, TABLE2 } from "../../../../src/paper/index.ts";
import { scenarioModel } from "../../../../src/scenario/validate.ts";
import {
  structureFromSyntax,
  structureRows,
  toStructure,
  withIndirectEffects,
} from "../../../../src/syntax/index.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { VERSION } from "../../../core/version.ts";
import { parseDataCsv, parseMatrixCsv } from "../../files/data.ts";
import { MAX_DATA_BYTES, outPath, readScenario, readText, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, numberOption, stringOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

const BOOT_MIN = 10;
const BOOT_MAX = 100_000;

export const estimate: Command = {
  name: "estimate",
  summary:
    "Estimate the path model on your own data (raw scores or a covariance/correlation matrix)",
  usage:
    "bgsim estimate <data.csv> [--model published|table1|scenario.json|FILE.lav|'<syntax>'] [--corr-matrix --n N] [--estimator ML|MLR] [--indirect] [--bootstrap R [--bootstrap-ci perc|bca] [--seed S]] [--alpha A] --out DIR",
  options: {
    model: { type: "string" },
    "corr-matrix": { type: "boolean" },
    n: { type: "string" },
    alpha: { type: "string" },
    estimator: { type: "string" },
    indirect: { type: "boolean" },
    bootstrap: { type: "string" },
    "bootstrap-ci": { type: "string" },
    seed: { type: "string" },
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
  --alpha A      significance level of the verdicts (default 0.05)
  --out DIR      output directory`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one data file (see bgsim estimate --help)");
    const file = positionals[0];
    const dir = stringOption(values.out, "out");
    const alpha = numberOption(values.alpha, "alpha", 1e-6, 0.5, 0.05);
    const estimatorArg = (values.estimator as string | undefined) ?? "ML";
    if (estimatorArg !== "ML" && estimatorArg !== "MLR")
      throw new UsageError(`--estimator = "${estimatorArg}": must be ML or MLR`);
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
    const modelArg = (values.model as string | undefined) ?? "published";
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
    writeAtomic(
      outPath(dir, "fit.json"),
      `${JSON.stringify(estimator === "MLR" ? { version: VERSION, data: file, model: modelName, n, alpha, estimator: MLR_LABEL, fit: { ...rep.fit, ...rep.robust, ...bs }, mardia: mardiaJson(mardiaTest), r2: rep.r2, modificationIndices: rep.modification, ...extra } : { version: VERSION, data: file, model: modelName, n, alpha, estimator: "ML (lavaan-compatible), expected information, Wald z", fit: { ...rep.fit, ...bs }, r2: rep.r2, modificationIndices: rep.modification, ...extra }, null, 2)}\n`,
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
