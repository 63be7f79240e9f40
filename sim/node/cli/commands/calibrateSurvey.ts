import { existsSync } from "node:fs";
import {
  publishedPathLabels,
  SELECTION_LABELS,
  SELECTION_LEVELS,
  type SelectionReplication,
  selectionReplication,
  summarise,
} from "../../../../src/calibration/selection.ts";
import {
  bestStep,
  calibrationStep,
  feasibility,
  initialState,
  meanVector,
  PAIRS,
  pairLabel,
  type SurveyCalibrationState,
  table1Vector,
  withFoundingModel,
} from "../../../../src/calibration/surveyCalibration.ts";
import { TARGETS } from "../../../../src/dynamics/calibration.ts";
import { paramTable } from "../../../../src/estimate/parameters.ts";
import { estimatePathModel } from "../../../../src/estimate/report.ts";
import { publishedSpec } from "../../../../src/model/builtins.ts";
import { structureOf } from "../../../../src/model/spec.ts";
import { CONSTRUCTS } from "../../../../src/paper/constructs.ts";
import { TABLE2 } from "../../../../src/paper/table2.ts";
import { ensureDir, outPath, readText, writeAtomic } from "../../files/files.ts";
import { type Command, intOption, numberOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { readDynamicsScenario } from "./run.ts";

const STATE_FILE = "state.json";

/** Table 1 vs the surveyed correlations, with each target's loss ((gap / tolerance)^2). */
export function correlationTable(observed: readonly number[], tolerance: number): string {
  const T = table1Vector();
  return table(
    ["correlation", "Table 1", "surveyed", "gap", "loss"],
    PAIRS.map((_, k) => {
      const gap = observed[k] - T[k];
      return [
        pairLabel(k),
        fmt(T[k], 2),
        fmt(observed[k], 3),
        fmt(gap, 3),
        fmt((gap / tolerance) ** 2, 2),
      ];
    }),
  );
}

export const calibrateSurvey: Command = {
  name: "calibrate-survey",
  summary:
    "Calibrate the founding population's construct correlations so the virtual survey reproduces Table 1",
  usage:
    "bgsim calibrate-survey <scenario.json> --out DIR [--firms 60000] [--replications 4] [--iterations 14] [--tolerance 0.02] [--damping 0.7] [--seed S] [--check-replications 10]",
  options: {
    out: { type: "string" },
    firms: { type: "string" },
    replications: { type: "string" },
    iterations: { type: "string" },
    tolerance: { type: "string" },
    damping: { type: "string" },
    seed: { type: "string" },
    "check-replications": { type: "string" },
  },
  help: `Indirect inference (docs/calibration-survey.md): choose the 21 correlations of the founding
population (IEO, IMO, GTC, UPD, QF, LFDC, PERF; written as the saturated recursive model that
implies them) so that the mean correlation matrix of the surveyed composites matches Table 1.
Moment inside the search: the questionnaire fielded to the whole surveyed frame (same items,
loadings, Likert scoring, composites; the expectation of the 900-mailed / 23%-response survey),
averaged over --replications replications with common random numbers (replications
0..R-1, --seed). Update: damped Newton-type fixed point x <- x + damping (T - m(x)) / g, with
a secant-estimated diagonal gain g; a step that would leave the feasible set (a standardized
coefficient at +-1, a residual variance <= 0, a residual block not positive definite) is
halved, and the correlations of the variable that binds are held. Stops when max |gap| <=
--tolerance, when no feasible step remains, or after --iterations evaluations.
Resumable: DIR/${STATE_FILE} is written after every evaluation and read when present (same
options). Writes DIR/scenario.json (the calibrated scenario, from the best evaluation) and
DIR/report.txt. Then checks the best world with the paper's survey itself over
--check-replications replications at the scenario's own dynamics.firms (0 skips the check).`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim calibrate-survey --help)");
    if (typeof values.out !== "string" || !values.out)
      throw new UsageError("--out DIR is required");
    const dir = values.out;
    const scenario = readDynamicsScenario(positionals[0]);
    if (scenario.mode !== "dynamics")
      throw new UsageError(`${positionals[0]}: not a dynamics scenario`);
    const options = {
      firms: intOption(values.firms, "firms", 1000, 2_000_000, 60_000),
      replications: intOption(values.replications, "replications", 1, 100, 4),
      iterations: intOption(values.iterations, "iterations", 1, 1000, 14),
      tolerance: numberOption(values.tolerance, "tolerance", 0.001, 0.5, 0.02),
      damping: numberOption(values.damping, "damping", 0.05, 1, 0.7),
      seed: intOption(values.seed, "seed", 0, 4_294_967_295, scenario.seed),
    };
    const checkReps = intOption(values["check-replications"], "check-replications", 0, 1000, 10);
    ensureDir(dir);
    const statePath = outPath(dir, STATE_FILE);
    let state: SurveyCalibrationState;
    if (existsSync(statePath)) {
      state = JSON.parse(readText(statePath)) as SurveyCalibrationState;
      if (JSON.stringify(state.options) !== JSON.stringify(options))
        throw new UsageError(
          `${statePath} was written with other options (${JSON.stringify(state.options)}); use another --out or the same options`,
        );
      if (state.status === "iterations" && state.trace.length < options.iterations)
        state.status = "running";
      process.stderr.write(`resuming after ${state.trace.length} evaluations (${state.status})\n`);
    } else state = initialState(options);
    const t0 = performance.now();
    while (state.status === "running") {
      state = calibrationStep(scenario, state, () => performance.now());
      writeAtomic(statePath, `${JSON.stringify(state)}\n`);
      const st = state.trace[state.trace.length - 1];
      process.stderr.write(
        `evaluation ${st.iteration + 1}/${options.iterations}: max |gap| ${fmt(st.maxGap, 3)}, rms ${fmt(st.rmsGap, 3)}, targets in band ${st.targetsWithin}/${TARGETS.length}, frame ${Math.round(st.meanFrame)}, ${st.seconds.toFixed(1)} s${st.binding ? `; binds: ${st.binding.slice(0, 120)}` : ""}\n`,
      );
    }
    const best = bestStep(state);
    if (!best) throw new Error("no evaluation");
    const feas = feasibility(best.x);
    if (!feas.ok) throw new Error(`best world infeasible: ${feas.binding}`);
    const calibrated = withFoundingModel(scenario, feas.section);
    const secs = state.trace.reduce((a, s) => a + s.seconds, 0);
    const lines = [
      `Survey calibration: ${state.trace.length} evaluations (${options.replications} replications of ${options.firms} firms each, seed ${options.seed}), ${secs.toFixed(0)} s of evaluation (${((performance.now() - t0) / 1000).toFixed(0)} s this session); status ${state.status}`,
      state.binding ? `Binding constraint: ${state.binding}` : "No constraint bound.",
      state.frozen?.length
        ? `Correlations held (their variable binds): ${state.frozen.map((i) => CONSTRUCTS[i]).join(", ")}`
        : "",
      `Best evaluation ${best.iteration + 1}: max |gap| ${fmt(best.maxGap, 3)}, rms ${fmt(best.rmsGap, 3)} (census of the frame, mean over replications); loss per target = (gap / ${options.tolerance})^2, equal weights`,
      correlationTable(best.observed, options.tolerance),
      "",
      "Founding correlations of the best world (lower triangle):",
      table(
        ["", ...CONSTRUCTS],
        CONSTRUCTS.map((c, i) => [
          c,
          ...CONSTRUCTS.map((_, j) => {
            if (j > i) return "";
            if (j === i) return "1";
            return fmt(best.x[PAIRS.findIndex(([a, b]) => a === i && b === j)], 3);
          }),
        ]),
      ),
      "",
      `Calibration targets (mean over the replications): ${best.targetsWithin} of ${TARGETS.length} in band`,
      table(
        ["target", "band", "simulated", ""],
        TARGETS.map((t) => {
          const v = best.targets[t.key];
          return [
            t.label,
            `${fmt(t.lo, 3)}-${fmt(t.hi, 3)}`,
            fmt(v, 3),
            v >= t.lo && v <= t.hi ? "ok" : "OUT",
          ];
        }),
      ),
    ];
    if (checkReps > 0) {
      process.stderr.write(
        `checking with the paper's survey: ${checkReps} replications at ${calibrated.dynamics.firms} firms\n`,
      );
      const reps: SelectionReplication[] = [];
      for (let r = 0; r < checkReps; r++) {
        reps.push(selectionReplication(calibrated, r));
        process.stderr.write(`  check replication ${r + 1}/${checkReps}\n`);
      }
      lines.push("", ...surveyCheck(reps, options.tolerance));
    }
    const text = lines.filter((l) => l !== "").join("\n");
    const json = {
      $schema: "./schema/scenario.schema.json",
      name: "dynamics-calibrated",
      description: `The dynamics baseline with its founding population calibrated to the paper's survey (bgsim calibrate-survey, docs/calibration-survey.md): the 21 founding correlations among IEO, IMO, GTC, UPD, QF, LFDC and PERF (as the saturated recursive model below) chosen so that the virtual survey of the simulated frame reproduces Table 1 as closely as the model allows. Best max |gap| ${fmt(best.maxGap, 3)} (census of the frame)${state.binding ? `; binding: ${state.binding.slice(0, 160)}` : ""}.`,
      seed: scenario.seed,
      mode: "dynamics",
      model: feas.section,
      dynamics: {},
      markets: { home: scenario.markets.home },
      survey: { enabled: true },
      analysis: [{ name: "published", model: "published" }],
    };
    writeAtomic(outPath(dir, "scenario.json"), `${JSON.stringify(json, null, 2)}\n`);
    writeAtomic(outPath(dir, "report.txt"), `${text}\n`);
    console.log(text);
  },
};

/** The survey check and the published model fitted to the mean surveyed correlation matrix. */
function surveyCheck(reps: readonly SelectionReplication[], tolerance: number): string[] {
  const mean = meanVector(reps.map((r) => r.sampleCorrelations));
  const T = table1Vector();
  const gaps = mean.map((m, k) => m - T[k]);
  const maxGap = Math.max(...gaps.map(Math.abs));
  const p = CONSTRUCTS.length;
  const R = new Float64Array(p * p);
  for (let i = 0; i < p; i++) R[i * p + i] = 1;
  PAIRS.forEach(([i, j], k) => {
    R[i * p + j] = mean[k];
    R[j * p + i] = mean[k];
  });
  const est = estimatePathModel(paramTable(structureOf(publishedSpec())), R, 203, {});
  const rows: string[][] = [];
  if (est.ok)
    for (const t of TABLE2) {
      const e = est.report.paths.find((x) => x.label === `${t.from}->${t.to}`);
      rows.push([
        t.hypothesis,
        `${t.from}->${t.to}`,
        fmt(t.coefficient, 2),
        fmt(e?.std ?? Number.NaN, 3),
        fmt((e?.std ?? Number.NaN) - t.coefficient, 3),
      ]);
    }
  return [
    `Check with the paper's survey (900 mailed, 23% response, n about 203), mean over ${reps.length} replications: max |gap| to Table 1 ${fmt(maxGap, 3)}`,
    correlationTable(mean, tolerance),
    "Published model fitted (ML, n = 203) to the mean surveyed correlation matrix vs Table 2:",
    table(["", "path", "Table 2", "fitted", "gap"], rows),
  ];
}

export const selection: Command = {
  name: "selection",
  summary: "Selection-corrected H1-H5: the published paths from founding to the survey sample",
  usage: "bgsim selection <scenario.json> [--replications 20] [--firms N] [--out FILE]",
  options: {
    replications: { type: "string" },
    firms: { type: "string" },
    out: { type: "string" },
  },
  help: `Fits the published model (Table 2's 12 paths) at five stages of selection of each replication
of a dynamics scenario with its survey: founded population (latent scores), survivors at the
survey date (latent), the frame with latent PERF (survival plus the 25% export cut-off), the
frame with simulated 3-year PERF, and the survey sample (composites). Prints the mean and the
95% interval of one replication (mean +- 1.96 SD over replications) per path and level, and the
split of the correction: survival, export cut-off, performance measured abroad, survey.
Options:
  --replications  replications (default 20)
  --firms         dynamics.firms (default: the scenario's)
  --out FILE      also write the table as CSV`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim selection --help)");
    let scenario = readDynamicsScenario(positionals[0]);
    if (scenario.mode !== "dynamics")
      throw new UsageError(`${positionals[0]}: not a dynamics scenario`);
    const R = intOption(values.replications, "replications", 2, 10_000, 20);
    const firms = intOption(values.firms, "firms", 1000, 2_000_000, scenario.dynamics.firms);
    scenario = {
      ...scenario,
      dynamics: { ...scenario.dynamics, firms },
      survey: { ...scenario.survey, enabled: true },
    };
    const t0 = performance.now();
    const reps: SelectionReplication[] = [];
    for (let r = 0; r < R; r++) {
      reps.push(selectionReplication(scenario, r));
      process.stderr.write(
        `replication ${r + 1}/${R}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
      );
    }
    const labels = publishedPathLabels();
    const hyp = (l: string) => TABLE2.find((t) => `${t.from}->${t.to}` === l);
    const cell = (xs: number[]) => {
      const s = summarise(xs);
      return `${fmt(s.mean, 2)} [${fmt(s.lo, 2)}, ${fmt(s.hi, 2)}]`;
    };
    const mean = (level: (typeof SELECTION_LEVELS)[number], l: string) =>
      reps.reduce((a, r) => a + r.paths[level][l], 0) / reps.length;
    const csv: string[] = ["hypothesis,path,table2,level,mean,sd,lo,hi"];
    const rows = labels.map((l) => {
      const h = hyp(l);
      for (const lv of SELECTION_LEVELS) {
        const s = summarise(reps.map((r) => r.paths[lv][l]));
        csv.push(
          [h?.hypothesis ?? "", l, h?.coefficient ?? "", lv, s.mean, s.sd, s.lo, s.hi].join(","),
        );
      }
      return [
        h?.hypothesis ?? "",
        l,
        fmt(h?.coefficient ?? Number.NaN, 2),
        ...SELECTION_LEVELS.map((lv) => cell(reps.map((r) => r.paths[lv][l]))),
      ];
    });
    const split = labels.map((l) => [
      hyp(l)?.hypothesis ?? "",
      l,
      fmt(mean("survivors", l) - mean("founded", l), 3),
      fmt(mean("frameLatent", l) - mean("survivors", l), 3),
      fmt(mean("frame", l) - mean("frameLatent", l), 3),
      fmt(mean("sample", l) - mean("frame", l), 3),
      fmt(mean("sample", l) - mean("founded", l), 3),
    ]);
    const ns = SELECTION_LEVELS.map(
      (lv) => `${lv} ${Math.round(reps.reduce((a, r) => a + r.n[lv], 0) / R)}`,
    ).join(", ");
    console.log(
      [
        `Selection-corrected paths of the published model, ${R} replications of ${firms} firms (${positionals[0]}); mean [95% interval of one replication]`,
        `Mean n: ${ns}`,
        table(["", "path", "Table 2", ...SELECTION_LEVELS.map((lv) => SELECTION_LABELS[lv])], rows),
        "",
        "Split of the change from the founded population to the sample (differences of means):",
        table(
          ["", "path", "survival", "export cut-off", "PERF measured abroad", "survey", "total"],
          split,
        ),
      ].join("\n"),
    );
    if (typeof values.out === "string" && values.out)
      writeAtomic(values.out, `${csv.join("\n")}\n`);
  },
};
