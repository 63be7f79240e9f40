import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathLabel } from "../../../../src/model/pathLabel.ts";
import { isConstruct } from "../../../../src/paper/constructs.ts";
import { modelFor } from "../../../../src/replication.ts";
import type { PowerAxis } from "../../../../src/scenario/sweep.ts";
import { formatIssue } from "../../../../src/scenario/validate.ts";
import type { SurveyConfig } from "../../../../src/survey/config.ts";
import { surveyPlanFor } from "../../../../src/survey/plan.ts";
import { buildPlan } from "../../../core/designs/plan.ts";
import type { PowerPointSummary } from "../../../core/montecarlo/finalise.ts";
import { powerSweep } from "../../../core/montecarlo/power.ts";
import { readScenario } from "../../files/files.ts";
import { nodeWorkerCount } from "../../pool/nodeSpawn.ts";
import { type Command, intOption, stringOption, UsageError } from "../command.ts";
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
    "bgsim power <scenario.json> [--reps R] --out DIR [--n 100,203,400] [--coef FROM->TO=0.05,0.1] [--reliability 0.7,0.8] [--cmv 0,0.3] [--bias 0,0.4] [--cutoff 0,0.25] [--start S] [--workers N] [--resume] [--shard k/N] [--quiet]",
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
  replications.csv  one row per point x replication x path (estimate, SE, CI, p, verdict, chi-square)
  outcomes.csv      survey facts and non-response checks per point x replication (long form)
  summary.csv       one row per point x path: population value (true constructs), composite
                    value (what the composites carry before selection: attenuation and
                    common-method inflation), mean estimate, bias (mean - population),
                    empirical SD, mean SE, 95% CI coverage of the population value, power,
                    pattern share, chi-square rejection rate
  summary.json      the same with model-level figures and mean outcomes, plus the run's settings
  failures.csv      only if replications failed: which, with the error
Progress is shown on stderr. The files are identical for any number of workers, after
--resume, and after merging shards.
Options:
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
Exit codes: 0 done, 3 some replications failed (see failures.csv), 2 bad input, 130
interrupted (continue with --resume).`,
  async run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim power --help)");
    const base = readScenario(positionals[0]);
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
    console.log(
      table(
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
        ],
        pt.summary.paths.map((p) => [
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
        ]),
      ),
    );
    const o = pt.summary.outcomes;
    if (o["check.respondents.anyFlaggedShare"] !== undefined)
      console.log(
        `  non-response checks flag a difference (any variable, p < ${m.alpha}): respondents vs non-respondents in ${fmt(100 * o["check.respondents.anyFlaggedShare"], 1)}% of surveys, early vs late in ${fmt(100 * (o["check.earlyLate.anyFlaggedShare"] ?? 0), 1)}%`,
      );
    console.log("");
  }
}
