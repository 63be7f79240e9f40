import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PAPER_CFA_FIT } from "../../../../src/measurement/paper.ts";
import { pathLabel } from "../../../../src/model/pathLabel.ts";
import { isConstruct } from "../../../../src/paper/constructs.ts";
import { TABLE2 } from "../../../../src/paper/table2.ts";
import { modelFor } from "../../../../src/replication.ts";
import type { Scenario } from "../../../../src/scenario/schema.ts";
import type { PowerAxis } from "../../../../src/scenario/sweep.ts";
import { formatIssue } from "../../../../src/scenario/validate.ts";
import type { SurveyConfig } from "../../../../src/survey/config.ts";
import { surveyPlanFor } from "../../../../src/survey/plan.ts";
import { buildPlan } from "../../../core/designs/plan.ts";
import { latentCells } from "../../../core/montecarlo/analyses.ts";
import type { PowerPointSummary } from "../../../core/montecarlo/finalise.ts";
import { powerSweep } from "../../../core/montecarlo/power.ts";
import {
  INDIRECT_NAME,
  requiredN,
  targetModelTest,
  targetPath,
} from "../../../core/montecarlo/target.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { hashOf } from "../../../core/output/hash.ts";
import { VERSION } from "../../../core/version.ts";
import { outPath, readScenario, writeAtomic } from "../../files/files.ts";
import { type OutputKind, prepareOutputDir } from "../../files/outputDir.ts";
import { nodeWorkerCount } from "../../pool/nodeSpawn.ts";
import {
  type Command,
  intOption,
  numberOption,
  type ParsedArgs,
  stringOption,
  UsageError,
} from "../command.ts";
import { fmt, table } from "../format.ts";
import { failuresError, parseShard, runToDirectory } from "./sweep.ts";

/** Parse "a,b,c" into numbers within [min, max], naming the option on failure. */
export function listOption(
  v: string | boolean | undefined,
  name: string,
  min: number,
  max: number,
  integer = false,
): number[] | null {
  if (v === undefined || v === false) return null;
  const parts = String(v)
    .split(",")
    .map((s) => s.trim());
  const out = parts.map((s) => Number(s));
  out.forEach((x, i) => {
    if (
      parts[i] === "" ||
      !Number.isFinite(x) ||
      x < min ||
      x > max ||
      (integer && !Number.isInteger(x))
    )
      throw new UsageError(
        `--${name} = ${JSON.stringify(v)}: "${parts[i]}" must be ${integer ? "an integer" : "a number"} from ${min} to ${max} (a comma-separated list)`,
      );
  });
  return out;
}

export const power: Command = {
  name: "power",
  summary: "Monte Carlo power, bias and coverage of H1-H5 for a scenario, optionally over a grid",
  usage:
    "bgsim power <scenario.json> [--reps R] --out DIR [--target 0.8 --for H4a] [--n 100,203,400] [--coef FROM->TO=0.05,0.1] [--reliability 0.7,0.8] [--cmv 0,0.3] [--bias 0,0.4] [--cutoff 0,0.25] [--indirect] [--start S] [--workers N] [--resume] [--shard k/N] [--quiet]",
  options: {
    reps: { type: "string" },
    out: { type: "string" },
    n: { type: "string" },
    coef: { type: "string" },
    reliability: { type: "string" },
    cmv: { type: "string" },
    bias: { type: "string" },
    cutoff: { type: "string" },
    start: { type: "string" },
    workers: { type: "string" },
    resume: { type: "boolean" },
    shard: { type: "string" },
    chunk: { type: "string" },
    quiet: { type: "boolean", short: "q" },
    target: { type: "string" },
    for: { type: "string" },
    indirect: { type: "boolean" },
  },
  help: `Runs R replications (draw -> survey -> estimate) of the scenario at every point of the grid
given by the list options (their full factorial; none = one point, the scenario as is). The
survey is switched on for every point. Replication r uses streams derived from (seed, r) only,
at every point (common random numbers), so runs split with --start merge into the same rows.
Power is a sweep (the grid options are linked settings of a sweep file, see docs/survey.md): it
runs in the same worker pool and output directory, resumes and shards like bgsim sweep.
Grid options (comma-separated lists):
  --n            usable responses (the mailing grows at the scenario's mailed/n ratio if needed)
  --coef         one path's standardized coefficient, FROM->TO=v1,v2,...
  --reliability  CR of every construct (loadings scaled to it)
  --cmv          common-method loading of every item
  --bias         response-bias strength (on performance unless the scenario sets size)
  --cutoff       the frame's minimum export share
Appends each finished replication to DIR/runs.jsonl (with DIR/manifest.json and sweep.json)
and, once all are done, writes
  replications.csv  one row per point x replication x path: est, se, z, p, significant, verdict
                    (unstandardized Wald test); std, std_se, std_z, std_p, std_ci_low/high,
                    covered (standardized); chi-square
  outcomes.csv      survey facts and non-response checks per point x replication (long form)
  summary.csv       one row per point x path: population value (true constructs), composite
                    value (what the composites carry before selection: attenuation and
                    common-method inflation), mean estimate, bias (mean - population),
                    empirical SD, mean SE, 95% CI coverage of the population value, power,
                    pattern share, chi-square rejection rate
  summary.json      the same with model-level figures and mean outcomes, plus the run's settings,
                    the resolved scenario, its hash, the version and the seed
  failures.csv      only if replications failed: which, with the error
Progress is shown on stderr. The files are identical for any number of workers, after
--resume, and after merging shards.
Options:
  --indirect   also the paper's indirect effects, in every model fitted that has their paths:
               the eight specific ones IEO/IMO -> strategy -> PERF and the two totals, as rows
               beside the paths (path = IEO_GTC_PERF, ..., IEO_total, IMO_total) in
               replications.csv and summary.csv: est, se, z, p (delta-method Wald test; power
               = its rejection rate), std, std_se (delta method), coverage of the population
               value (the product of the generating model's standardized paths) and bias; the
               same as the scenario's estimation.indirect = true
  --reps R     replications per point (1 to 1,000,000; default: the scenario's replications)
  --start S    first replication index (default 0)
  --workers N  worker threads (default: the machine's available parallelism from 2,000
               replications in all, else 1 = this thread)
  --resume     continue an interrupted run in DIR (kill -9 safe), skipping finished replications
  --shard k/N  run only runs i with i mod N = k - 1; combine the N directories with bgsim merge
               (a shard holds the journal only; merge writes the power files)
  --chunk N    replications per message to a worker (default adaptive, about 100 ms of work)
  --quiet      no progress bar
  --out DIR    output directory (must not hold another run's output)
Required n (no grid options; in this thread):
  --target P --for H  the smallest n (usable responses) at which the Wald test of hypothesis H
               (H4a, ...), path FROM->TO or indirect effect (IEO_GTC_PERF, ..., IEO_total,
               IMO_total) reaches power P: an analytic first guess
               n0 = ((z_{1-alpha/2} + z_P) / (est / SE_1))^2 from the model fitted to the
               population covariance of the composites (SE_1 = per-observation SE), refined by
               Monte Carlo bisection on n with --reps replications per n tried (default 500;
               common random numbers).
  --for chisq  the same for a model's chi-square test (rejection at alpha): the first
               analysis model's (the generating model's without an analysis section);
               chisq.scaled the first MLR analysis model's scaled test; <name>.chisq or
               <name>.chisq.scaled a given model ("generating" or an analysis model). The
               analytic first guess is the smallest n whose Satorra-Saris power
               P(chi2_df(n F0) > chi2_df,1-alpha) reaches P, F0 the model's misfit to the
               population covariance of the composites. Writes target.json (n, its power with binomial SE and
               Wilson 95% interval, the Monte Carlo SE of n, every n tried, the resolved
               scenario, its hash, version, seed) and target.csv (one row per n tried).
Exit codes: 0 done, 3 some replications failed (see failures.csv), 2 bad input, 130
interrupted (continue with --resume).`,
  async run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim power --help)");
    const read = readScenario(positionals[0]);
    const base: Scenario = values.indirect
      ? { ...read, estimation: { ...read.estimation, indirect: true } }
      : read;
    if (values.target !== undefined || values.for !== undefined)
      return runTarget(base, values, positionals[0]);
    const reps = intOption(values.reps, "reps", 1, 1_000_000, base.replications);
    const start = intOption(values.start, "start", 0, 1_000_000_000, 0);
    const dir = stringOption(values.out, "out");
    const shard = parseShard(values.shard);
    const chunk =
      values.chunk === undefined ? undefined : intOption(values.chunk, "chunk", 1, 100_000);
    const quiet = values.quiet === true;
    const axes: PowerAxis[] = [];
    const n = listOption(values.n, "n", 30, 1_000_000, true);
    if (n) axes.push({ name: "n", values: n });
    if (values.coef !== undefined) {
      const m = /^([A-Z]+)->([A-Z]+)=(.+)$/.exec(String(values.coef));
      if (!m || !isConstruct(m[1]) || !isConstruct(m[2]))
        throw new UsageError(
          `--coef = ${JSON.stringify(values.coef)}: expected FROM->TO=v1,v2 with FROM, TO among IEO, IMO, GTC, UPD, QF, LFDC, PERF (quote it in the shell: --coef 'IEO->LFDC=0.05,0.1')`,
        );
      axes.push({
        name: "coef",
        path: pathLabel(m[1], m[2]),
        values: listOption(m[3], "coef", -0.99, 0.99)!,
      });
    }
    const rel = listOption(values.reliability, "reliability", 0.01, 0.99);
    if (rel) axes.push({ name: "reliability", values: rel });
    const cmv = listOption(values.cmv, "cmv", 0, 0.95);
    if (cmv) axes.push({ name: "cmv", values: cmv });
    const bias = listOption(values.bias, "bias", -0.95, 0.95);
    if (bias) axes.push({ name: "bias", values: bias });
    const cutoff = listOption(values.cutoff, "cutoff", 0, 1);
    if (cutoff) axes.push({ name: "cutoff", values: cutoff });

    const v = powerSweep(base, axes, reps, start);
    if (!v.ok)
      throw new UsageError(
        `the power design is invalid:\n${v.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
      );
    const sw = v.sweep;
    const plan = buildPlan(sw);
    // every point must be a valid scenario whose survey can be calibrated: checked here, so bad
    // input stops before anything is written
    for (let p = 0; p < plan.pointCount; p++) {
      const sc = plan.scenarioAt(p);
      if (!sc.ok) throw new UsageError(sc.message);
      const s = sc.scenario;
      if (s.mode !== "dynamics")
        try {
          surveyPlanFor(s.survey as SurveyConfig, modelFor(s).model.Sigma);
        } catch (e) {
          throw new UsageError(`${(e as Error).message} (nothing written)`);
        }
    }
    const total = plan.runs;
    const workers = intOption(
      values.workers,
      "workers",
      1,
      256,
      total >= 2000 ? nodeWorkerCount() : 1,
    );
    const out = await runToDirectory(sw, plan, {
      label: `power ${base.name}`,
      out: dir,
      workers,
      resume: values.resume === true,
      shard,
      chunk,
      quiet,
      inProcess: workers === 1,
    });
    const files = out.finalise();
    if (shard) {
      console.log(
        `${dir}: shard ${shard.index}/${shard.count} (${out.slice.length} runs) done; wrote ${files.join(", ")}; combine the shards with bgsim merge`,
      );
    } else {
      const json = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as {
        points: PowerPointSummary[];
      };
      printPower(json.points);
      console.error(`wrote ${dir}/{replications.csv,outcomes.csv,summary.csv,summary.json}`);
    }
    const err = failuresError(out, plan, dir, "failures.csv");
    if (err) throw err;
  },
};

const TARGET_KIND: OutputKind = {
  command: "power --target",
  files: ["target.json", "target.csv"],
  marker: "target.json",
  owns: (j) => j.command === "power --target",
};

/** bgsim power --target P --for H: the required-n search (sim/core/montecarlo/target.ts). */
function runTarget(base: Scenario, values: ParsedArgs["values"], file: string): void {
  for (const g of ["n", "coef", "reliability", "cmv", "bias", "cutoff", "start", "shard", "resume"])
    if (values[g] !== undefined)
      throw new UsageError(`--target searches n itself: --${g} cannot be combined with it`);
  const target = numberOption(values.target, "target", 0.01, 0.999, Number.NaN);
  if (Number.isNaN(target)) throw new UsageError("--for needs --target P (e.g. --target 0.8)");
  const forArg = stringOption(values.for, "for");
  const test = targetModelTest(base, forArg);
  if (test && "error" in test) throw new UsageError(test.error);
  const path = test ? forArg : targetPath(forArg);
  if (!path)
    throw new UsageError(
      `--for = ${JSON.stringify(forArg)}: expected a hypothesis (${TABLE2.map((t) => t.hypothesis).join(", ")}), a path FROM->TO, an indirect effect (IEO_GTC_PERF, ..., IEO_total, IMO_total) or a model test (chisq, chisq.scaled, <analysis>.chisq)`,
    );
  const reps = intOption(values.reps, "reps", 20, 1_000_000, 500);
  const dir = stringOption(values.out, "out");
  if (base.mode === "dynamics")
    throw new UsageError(
      "--target needs a cross-section scenario (no analytic first guess in dynamics mode)",
    );
  const scenario: Scenario = {
    ...base,
    survey: { ...base.survey, enabled: true },
    // an indirect effect is estimated only with estimation.indirect
    ...(INDIRECT_NAME.test(path) ? { estimation: { ...base.estimation, indirect: true } } : {}),
  };
  const quiet = values.quiet === true;
  const r = requiredN(scenario, {
    target,
    path,
    reps,
    onStep: (st) => {
      if (!quiet)
        process.stderr.write(
          `  n = ${st.n}: power ${fmt(st.power)} +/- ${fmt(st.se)} (${st.significant}/${st.reps}; analytic ${fmt(st.analytic)})\n`,
        );
    },
  });
  if ("error" in r) throw new UsageError(`${file}: ${r.error}`);
  prepareOutputDir(dir, TARGET_KIND);
  writeAtomic(
    outPath(dir, "target.json"),
    `${JSON.stringify({ command: "power --target", version: VERSION, seed: scenario.seed, scenario: scenario.name, scenario_hash: hashOf(scenario), ...r, resolved_scenario: scenario }, null, 2)}\n`,
  );
  writeAtomic(
    outPath(dir, "target.csv"),
    toCsv(
      r.steps.map((st, i) => ({
        step: i + 1,
        n: st.n,
        reps: st.reps,
        significant: st.significant,
        failed: st.failed,
        power: st.power,
        power_se: st.se,
        analytic_power: st.analytic,
      })),
    ),
  );
  const g = r.analytic;
  const what =
    "kind" in g
      ? `the ${g.scaled ? "scaled chi-square" : "chi-square"} test of model "${g.model}" (${path})`
      : `${r.hypothesis ? `${r.hypothesis} (${path})` : path}`;
  console.log(
    `Required n for power ${target} on ${what} at alpha ${r.alpha} (${reps} replications per n tried):\n` +
      ("kind" in g
        ? `  analytic first guess (Satorra-Saris noncentral chi-square, lambda = n F0, population fit of the composites): n0 = ${g.n} (df ${g.df}, F0 ${fmt(g.f0, 4)}, population RMSEA ${fmt(g.rmsea)}${g.scaled ? "; the ML test's guess for the scaled test" : ""})`
        : `  analytic first guess (Wald, population fit of the composites): n0 = ${g.n} (est ${fmt(g.est)}, per-observation SE ${fmt(g.se1)})`),
  );
  if (r.n === null || r.power === null || r.power_ci95 === null)
    console.log(`  not reached up to n = ${Math.max(...r.steps.map((st) => st.n))}`);
  else
    console.log(
      `  Monte Carlo: n = ${r.n}${r.n_se === null ? "" : ` (Monte Carlo SE of n about ${fmt(r.n_se, 0)})`}: power ${fmt(r.power)} +/- ${fmt(r.power_se ?? 0)}, 95% interval ${fmt(r.power_ci95[0])}-${fmt(r.power_ci95[1])}` +
        `${r.below ? `; n = ${r.below.n} gives ${fmt(r.below.power)}` : ""}; ${r.steps.length} values of n tried${r.converged ? "" : " (stopped before the bracket closed)"}`,
    );
  console.error(`wrote ${dir}/{target.json,target.csv}`);
}

function printPower(points: PowerPointSummary[]): void {
  for (const pt of points) {
    const axisCols = Object.keys(pt.settings);
    const m = pt.summary.model;
    const head = axisCols.length
      ? `Point ${pt.index}: ${axisCols.map((k) => `${k} = ${pt.settings[k]}`).join(", ")}`
      : "Result";
    console.log(
      `${head}  (${m.replications} replications, mean n ${fmt(m.mean_n, 1)}; chi-square rejection ${fmt(m.chisq_rejection)}; paper's S/NS pattern reproduced in ${fmt(100 * m.pattern_share, 1)}%)`,
    );
    console.log(pathTable(pt.summary.paths));
    if (pt.analyses) printAnalyses(pt.analyses, pt.summary.outcomes);
    const o = pt.summary.outcomes;
    if (o["check.respondents.anyFlaggedShare"] !== undefined)
      console.log(
        `  non-response checks flag a difference (any variable, p < ${m.alpha}): respondents vs non-respondents in ${fmt(100 * o["check.respondents.anyFlaggedShare"], 1)}% of surveys, early vs late in ${fmt(100 * (o["check.earlyLate.anyFlaggedShare"] ?? 0), 1)}%`,
      );
    console.log("");
  }
}

function pathTable(paths: PowerPointSummary["summary"]["paths"]): string {
  const boot = paths.some((p) => p.boot_coverage !== undefined);
  const opt = (v: number | undefined) => (v === undefined ? "-" : fmt(v));
  return table(
    [
      "hyp",
      "path",
      "paper",
      "population",
      "composite",
      "mean est",
      "bias",
      "emp SD",
      "mean SE",
      "coverage",
      "power",
      ...(boot ? ["boot cov.", "boot power"] : []),
    ],
    paths.map((p) => [
      p.hypothesis || "-",
      p.path,
      p.paper_coefficient === null ? "-" : `${fmt(p.paper_coefficient, 2)} ${p.paper_verdict}`,
      fmt(p.population),
      p.composite_value === null ? "-" : fmt(p.composite_value),
      fmt(p.mean_estimate),
      fmt(p.bias),
      fmt(p.empirical_sd),
      fmt(p.mean_se),
      fmt(p.coverage),
      fmt(p.power),
      ...(boot ? [opt(p.boot_coverage), opt(p.boot_power)] : []),
    ]),
  );
}

/** The analysis models' paths (against the generating model's values) and every model's chi-square test. */
function printAnalyses(
  a: NonNullable<PowerPointSummary["analyses"]>,
  outcomes: Readonly<Record<string, number>>,
): void {
  for (const x of a.analyses) {
    const builtin = ["published", "table1", "paper-cfa", "paper-sem"].includes(x.model);
    const syntax = builtin ? x.model : "syntax";
    const facts = latentCells(x.name, outcomes);
    if (x.summary.paths.length || !facts)
      console.log(
        `Analysis model "${x.name}" (${syntax}, ${x.estimator}); population = the generating model's value, 0 where the truth has no path:`,
      );
    if (x.summary.paths.length) console.log(pathTable(x.summary.paths));
    if (facts) printLatentFacts(x.name, `${syntax}, ${x.estimator}`, facts);
  }
  const opt = (v: number | null, d = 3) => (v === null ? "-" : fmt(v, d));
  console.log(
    "Model test (chi-square at alpha; analytic at the mean n: exact fit after Satorra & Saris 1985, close fit eps0 = 0.05 after MacCallum, Browne & Sugawara 1996):",
  );
  console.log(
    table(
      [
        "model",
        "estimator",
        "df",
        "pop RMSEA",
        "lambda",
        "rejection",
        "+/- SE",
        "analytic",
        "close-fit rej.",
        "RMSEA power",
        "scaled rej.",
      ],
      [a.generating_test, ...a.analyses.map((x) => x.test)].map((t) => [
        t.analysis,
        t.estimator,
        Number.isFinite(t.df) ? String(t.df) : "-",
        opt(t.population_rmsea),
        opt(t.lambda, 2),
        opt(t.chisq_rejection),
        opt(t.chisq_rejection_se),
        opt(t.analytic_power),
        opt(t.close_fit_rejection),
        opt(t.rmsea_power),
        opt(t.scaled_rejection),
      ]),
    ),
  );
}

/** A latent model's replication facts (shares over the point's replications; latentCells). */
function printLatentFacts(
  name: string,
  what: string,
  f: Readonly<Record<string, number | null>>,
): void {
  const pct = (v: number | null) => (v === null ? "-" : `${fmt(100 * v, 1)}%`);
  const parts = [
    `failed (not converged or not estimable) ${pct(f.nonconverged)}`,
    `Heywood case ${pct(f.heywood)}`,
    `non-positive-definite matrix ${pct(f.not_pd)} (these two of the fits that converged)`,
  ];
  if (f.mean_cfi !== null)
    parts.push(
      `mean CFI ${fmt(f.mean_cfi)}, NNFI ${fmt(f.mean_tli ?? Number.NaN)}, RMSEA ${fmt(f.mean_rmsea ?? Number.NaN)}`,
    );
  if (f.latent_chisq_rejection !== null)
    parts.push(`chi-square rejects in ${pct(f.latent_chisq_rejection)}`);
  if (f.paper_fit !== null)
    parts.push(
      `the paper's fit reached (CFI >= ${PAPER_CFA_FIT.cfi}, NNFI >= ${PAPER_CFA_FIT.nnfi}, RMSEA <= ${PAPER_CFA_FIT.rmsea}; ${PAPER_CFA_FIT.source}) in ${pct(f.paper_fit)}`,
    );
  if (f.discriminant_pass !== null)
    parts.push(
      `all discriminant-validity tests passed (chi-square difference, 1 df, 5%) in ${pct(f.discriminant_pass)}${f.mean_discriminant_distinct === null ? "" : ` (mean ${fmt(f.mean_discriminant_distinct, 2)} pairs distinct)`}`,
    );
  console.log(`Latent model "${name}" (${what}), share of replications:\n  ${parts.join("\n  ")}`);
}
