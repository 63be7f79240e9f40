import os from "node:os";
import { isConstruct } from "../../../../src/paper/constructs.ts";
import type { ReplicationResult } from "../../../../src/replication.ts";
import { compositeValues } from "../../../../src/survey/compositeValues.ts";
import { SurveyConfigError } from "../../../../src/survey/instrument.ts";
import { type Axis, designPoints, powerRows } from "../../../core/montecarlo/power.ts";
import { outcomeRows, ROW_COLUMNS, replicationRows } from "../../../core/montecarlo/rows.ts";
import { runMonteCarlo } from "../../../core/montecarlo/run.ts";
import { summarise } from "../../../core/montecarlo/summary.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { VERSION } from "../../../core/version.ts";
import { ensureDir, outPath, readScenario, writeAtomic } from "../../files/files.ts";
import { runMonteCarloParallel } from "../../montecarlo/parallel.ts";
import { progressBar } from "../../montecarlo/progress.ts";
import { type Command, intOption, stringOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

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
    "bgsim power <scenario.json> [--reps R] --out DIR [--n 100,203,400] [--coef FROM->TO=0.05,0.1] [--reliability 0.7,0.8] [--cmv 0,0.3] [--bias 0,0.4] [--cutoff 0,0.25] [--start S] [--workers N]",
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
  },
  help: `Runs R replications (draw -> survey -> estimate) of the scenario at every point of the grid
given by the list options (their full factorial; none = one point, the scenario as is). The
survey is switched on for every point. Replication r uses streams derived from (seed, r) only,
so runs split with --start merge into the same rows.
Grid options (comma-separated lists):
  --n            usable responses (the mailing grows at the scenario's mailed/n ratio if needed)
  --coef         one path's standardized coefficient, FROM->TO=v1,v2,...
  --reliability  CR of every construct (loadings scaled to it)
  --cmv          common-method loading of every item
  --bias         response-bias strength (on performance unless the scenario sets size)
  --cutoff       the frame's minimum export share
Writes to DIR, only after every replication finished:
  replications.csv  one row per point x replication x path (estimate, SE, CI, p, verdict, chi-square)
  outcomes.csv      survey facts and non-response checks per point x replication (long form)
  summary.csv       one row per point x path: population value (true constructs), composite
                    value (what the composites carry before selection: attenuation and
                    common-method inflation), mean estimate, bias (mean - population),
                    empirical SD, mean SE, 95% CI coverage of the population value, power,
                    pattern share, chi-square rejection rate
  summary.json      the same with model-level figures and mean outcomes, plus the run's settings
Progress is shown on stderr.
Options:
  --reps R   replications per point (1 to 1,000,000; default: the scenario's replications)
  --start S  first replication index (default 0)
  --workers N  worker threads (default: the machine's cores from 2,000 replications in all, else
             1 = this thread); the output is identical whatever N
  --out DIR  output directory`,
  async run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim power --help)");
    const base = readScenario(positionals[0]);
    const reps = intOption(values.reps, "reps", 1, 1_000_000, base.replications);
    const start = intOption(values.start, "start", 0, 1_000_000_000, 0);
    // workers pay off only for longer runs (each loads the code and calibrates once)
    const dir = stringOption(values.out, "out");
    const axes: Axis[] = [];
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
        path: `${m[1]}->${m[2]}`,
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

    let points: ReturnType<typeof designPoints>;
    try {
      points = designPoints(base, axes);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const bar = progressBar("power");
    const total = points.length * reps;
    const workers = intOption(
      values.workers,
      "workers",
      1,
      256,
      total >= 2000 ? os.availableParallelism() : 1,
    );
    let perPoint: ReplicationResult[][];
    try {
      perPoint =
        workers > 1
          ? await runMonteCarloParallel({
              scenarios: points.map((p) => p.scenario),
              reps,
              start,
              workers,
              onProgress: (d) =>
                bar.update(d, total, `(${points.length} point(s), ${workers} workers)`),
            })
          : points.map((pt, index) =>
              runMonteCarlo(pt.scenario, {
                reps,
                start,
                onProgress: (d) =>
                  bar.update(index * reps + d, total, `(point ${index + 1}/${points.length})`),
              }),
            );
    } catch (e) {
      if (e instanceof SurveyConfigError) throw new UsageError(`${e.message} (nothing written)`);
      throw new UsageError(`${(e as Error).message} (nothing written)`);
    }
    const allRows: Record<string, unknown>[] = [];
    const allOutcomes: Record<string, unknown>[] = [];
    const summaries = points.map((pt, index) => {
      const results = perPoint[index];
      const alpha = pt.scenario.estimation.alpha;
      const rows = replicationRows(results, alpha);
      const outs = outcomeRows(results);
      for (const r of rows) allRows.push({ point: index, ...pt.settings, ...r });
      for (const o of outs) allOutcomes.push({ point: index, ...pt.settings, ...o });
      return {
        index,
        settings: pt.settings,
        summary: summarise(rows, alpha, outs, compositeValues(pt.scenario)),
      };
    });
    const axisCols = Object.keys(points[0].settings);
    ensureDir(dir);
    writeAtomic(
      outPath(dir, "replications.csv"),
      toCsv(allRows, ["point", ...axisCols, ...ROW_COLUMNS] as never),
    );
    writeAtomic(outPath(dir, "outcomes.csv"), toCsv(allOutcomes));
    writeAtomic(outPath(dir, "summary.csv"), toCsv(powerRows(summaries)));
    writeAtomic(
      outPath(dir, "summary.json"),
      `${JSON.stringify({ command: "power", version: VERSION, scenario: base.name, seed: base.seed, reps, start, axes, points: summaries }, null, 2)}\n`,
    );
    for (const pt of summaries) {
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
            p.paper_coefficient === null
              ? "-"
              : `${fmt(p.paper_coefficient, 2)} ${p.paper_verdict}`,
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
    console.error(`wrote ${dir}/{replications.csv,outcomes.csv,summary.csv,summary.json}`);
  },
};
