import { existsSync } from "node:fs";
import {
  latentReplication,
  MECHANISM_FACTORS,
  publishedPathLabels,
  SELECTION_LABELS,
  SELECTION_LEVELS,
  type SelectionReplication,
  type SurveyCheck,
  selectionReplication,
  summarise,
  surveyCheck,
} from "../../../../src/calibration/selection.ts";
import {
  bestStep,
  calibrationStep,
  feasibility,
  foundingCorrelations,
  initialState,
  PAIRS,
  pairLabel,
  type SurveyCalibrationState,
  table1Vector,
  withFoundingModel,
} from "../../../../src/calibration/surveyCalibration.ts";
import { withDynamics } from "../../../../src/dynamics/calibrate.ts";
import { TARGETS } from "../../../../src/dynamics/calibration.ts";
import { CONSTRUCTS } from "../../../../src/paper/constructs.ts";
import { TABLE2 } from "../../../../src/paper/table2.ts";
import { derive } from "../../../../src/random/stream.ts";
import type { Scenario } from "../../../../src/scenario/schema.ts";
import { morrisDesign, morrisIndices } from "../../../core/designs/morris.ts";
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
    "bgsim calibrate-survey <scenario.json> --out DIR [--firms 60000] [--replications 4] [--iterations 14] [--tolerance 0.02] [--damping 0.7] [--seed S] [--start table1|scenario] [--check-replications 10]",
  options: {
    out: { type: "string" },
    firms: { type: "string" },
    replications: { type: "string" },
    iterations: { type: "string" },
    tolerance: { type: "string" },
    damping: { type: "string" },
    seed: { type: "string" },
    start: { type: "string" },
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
DIR/report.txt (the scenario keeps the input's "dynamics" section, so a world whose dynamics
parameters were recalibrated with bgsim calibrate stays that world). --start: the founding
correlations the search starts from: table1, or scenario (the input's own founding model;
the default when its model.base is "empty", i.e. an earlier calibration). Then checks the best world with the paper's survey itself over
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
    const startFrom =
      values.start === undefined
        ? scenario.model.base === "empty"
          ? "scenario"
          : "table1"
        : values.start;
    if (startFrom !== "table1" && startFrom !== "scenario")
      throw new UsageError(`--start must be table1 or scenario (got "${String(values.start)}")`);
    const rawDynamics = (JSON.parse(readText(positionals[0])) as { dynamics?: unknown }).dynamics;
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
    } else
      state = initialState(
        options,
        startFrom === "scenario" ? foundingCorrelations(scenario) : table1Vector(),
      );
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
      lines.push("", checkText(surveyCheck(reps), options.tolerance));
    }
    const text = lines.filter((l) => l !== "").join("\n");
    const json = {
      $schema: "./schema/scenario.schema.json",
      name: "dynamics-calibrated",
      description: `The dynamics baseline with its founding population calibrated to the paper's survey (bgsim calibrate-survey, docs/calibration-survey.md): the 21 founding correlations among IEO, IMO, GTC, UPD, QF, LFDC and PERF (as the saturated recursive model below) chosen so that the virtual survey of the simulated frame reproduces Table 1 as closely as the model allows. Best max |gap| ${fmt(best.maxGap, 3)} (census of the frame)${state.binding ? `; binding: ${state.binding.slice(0, 160)}` : ""}.`,
      seed: scenario.seed,
      mode: "dynamics",
      model: feas.section,
      dynamics: rawDynamics ?? {},
      markets: { home: scenario.markets.home },
      survey: { enabled: true },
      analysis: [{ name: "published", model: "published" }],
    };
    writeAtomic(outPath(dir, "scenario.json"), `${JSON.stringify(json, null, 2)}\n`);
    writeAtomic(outPath(dir, "report.txt"), `${text}\n`);
    console.log(text);
  },
};

/** The check of a world against Tables 1 and 2 and the calibration targets, as text. */
export function checkText(c: SurveyCheck, tolerance = 0.02): string {
  const R = c.replications;
  return [
    `Check with the paper's survey (900 mailed, 23% response, n about 203), ${R} replications: mean correlation matrix of the surveyed composites vs Table 1; max |gap| ${fmt(c.maxCorrelationGap, 3)}, rms ${fmt(c.rmsCorrelationGap, 3)} (issue's goal: within ${tolerance} each)`,
    table(
      ["correlation", "Table 1", "surveyed", "MC s.e.", "gap", ""],
      c.correlations.map((x) => [
        x.label,
        fmt(x.table1, 2),
        fmt(x.mean, 3),
        fmt(x.se, 3),
        fmt(x.gap, 3),
        Math.abs(x.gap) <= tolerance ? "ok" : "",
      ]),
    ),
    "",
    `Published model (ML) fitted at n = 203 to the mean surveyed matrix vs Table 2 (max |gap| ${fmt(c.maxCoefficientGap, 3)}; goal 0.03); mean of the ${R} per-sample estimates beside it`,
    table(
      ["", "path", "Table 2", "fitted to mean", "gap", "", "mean of samples", "MC s.e."],
      c.coefficients.map((x) => [
        x.hypothesis,
        x.path,
        fmt(x.table2, 2),
        fmt(x.fittedToMean, 3),
        fmt(x.gap, 3),
        Math.abs(x.gap) <= 0.03 ? "ok" : "",
        fmt(x.meanOfSamples, 3),
        fmt(x.se, 3),
      ]),
    ),
    "",
    `Calibration targets, mean over the ${R} replications: ${c.targetsWithin} of ${c.targets.length} in band`,
    table(
      ["target", "band", "mean", "", "replications in band"],
      c.targets.map((t) => [
        t.label,
        `${fmt(t.lo, 3)}-${fmt(t.hi, 3)}`,
        fmt(t.mean, 3),
        t.within ? "ok" : "OUT",
        `${t.withinReplications}/${R}`,
      ]),
    ),
  ].join("\n");
}

export const selection: Command = {
  name: "selection",
  summary: "Selection-corrected H1-H5: the published paths from founding to the survey sample",
  usage:
    "bgsim selection <scenario.json> [--replications 20] [--firms N] [--out FILE] [--morris R] [--morris-replications 2]",
  options: {
    replications: { type: "string" },
    firms: { type: "string" },
    out: { type: "string" },
    morris: { type: "string" },
    "morris-replications": { type: "string" },
  },
  help: `Fits the published model (Table 2's 12 paths) at five stages of selection of each replication
of a dynamics scenario with its survey: founded population (latent scores), survivors at the
survey date (latent), the frame with latent PERF (survival plus the 25% export cut-off), the
frame with simulated 3-year PERF, and the survey sample (composites). Prints the mean and the
95% interval of one replication (mean +- 1.96 SD over replications) per path and level, and the
split of the correction: survival, export cut-off, performance measured abroad, survey.
First it checks the world against the paper: the mean correlation matrix of the surveyed
composites vs Table 1, the published model fitted to it vs Table 2, and the calibration
targets' means vs their bands.
Options:
  --replications  replications (default 20)
  --firms         dynamics.firms (default: the scenario's)
  --out FILE      also write the table as CSV
  --morris R      also run a Morris screen (R trajectories) of the uncertain mechanism
                  parameters (${MECHANISM_FACTORS.map((f) => `${f.path} [${f.min}, ${f.max}]`).join(", ")}):
                  mu* and mu of each published path in the frame (simulated PERF) and of
                  the correction frame - founded, per full range of the parameter; a dummy
                  factor that only changes the replications gives the noise floor
  --morris-replications  replications averaged per design point (default 2; common random
                  numbers: the same replications at every point, offset by the dummy's level)`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim selection --help)");
    let scenario = readDynamicsScenario(positionals[0]);
    if (scenario.mode !== "dynamics")
      throw new UsageError(`${positionals[0]}: not a dynamics scenario`);
    const R = intOption(values.replications, "replications", 2, 10_000, 20);
    const morris =
      values.morris === undefined
        ? null
        : {
            r: intOption(values.morris, "morris", 2, 1000, 4),
            reps: intOption(values["morris-replications"], "morris-replications", 1, 100, 2),
          };
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
        checkText(surveyCheck(reps)),
        "",
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
    if (morris) console.log(`\n${morrisText(scenario, morris.r, morris.reps)}`);
  },
};

/**
 * Morris screen of MECHANISM_FACTORS: r trajectories on a 4-level grid (sim/core/designs),
 * each design point simulated at replications d*reps..d*reps+reps-1 (common random numbers;
 * d = the dummy factor's grid level 0..3, so the dummy's elementary effects are pure Monte
 * Carlo noise: the noise floor) without the survey; output per path: the published path in the frame with simulated PERF, and the
 * correction frame - founded. Elementary effects per full range of the parameter.
 */
export function morrisText(scenario: Scenario, r: number, reps: number): string {
  // one more factor than there are parameters: a dummy that changes no parameter but moves the
  // point to other replications (other random worlds), whose mu* is the Monte Carlo noise floor
  // Monte Carlo noise floor of the elementary effects
  const k = MECHANISM_FACTORS.length + 1;
  const design = morrisDesign(r, k, 4, derive(scenario.seed, "selection-morris"));
  const labels = publishedPathLabels();
  const t0 = performance.now();
  const frame: number[][] = labels.map(() => []);
  const corr: number[][] = labels.map(() => []);
  design.unit.forEach((u, i) => {
    const values = Object.fromEntries(
      MECHANISM_FACTORS.map((f, j) => [f.path, f.min + u[j] * (f.max - f.min)]),
    );
    const s = withDynamics(scenario, values);
    const offset = Math.round(u[k - 1] * 3) * reps;
    const levels = Array.from({ length: reps }, (_, rep) => latentReplication(s, offset + rep));
    labels.forEach((l, q) => {
      const f = levels.reduce((a, x) => a + x.paths.frame[l], 0) / reps;
      const c = levels.reduce((a, x) => a + x.paths.frame[l] - x.paths.founded[l], 0) / reps;
      frame[q].push(f);
      corr[q].push(c);
    });
    process.stderr.write(
      `morris point ${i + 1}/${design.unit.length}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
    );
  });
  const hyp = (l: string) => TABLE2.find((t) => `${t.from}->${t.to}` === l)?.hypothesis ?? "";
  const out: string[] = [
    `Morris screen of the mechanism parameters: ${r} trajectories x ${k + 1} points, ${reps} replications of ${scenario.dynamics.firms} firms per point; elementary effects per full range; output: the published path in the frame (simulated PERF), and the correction (frame - founded)`,
    `Factors (and a dummy that changes no parameter but moves the point to other replications: its mu* is the Monte Carlo noise floor): ${MECHANISM_FACTORS.map((f) => `${f.path} [${f.min}, ${f.max}] (${f.what})`).join("; ")}`,
  ];
  const header = ["", "path", ...MECHANISM_FACTORS.map((f) => f.path), "dummy (noise floor)"];
  const rows = labels.map((l, q) => {
    const idx = morrisIndices(design.unit, design.changed, frame[q], k);
    return [hyp(l), l, ...idx.map((x) => `${fmt(x.muStar, 2)} (${fmt(x.mu, 2)})`)];
  });
  out.push("mu* (mu) of the frame path:", table(header, rows));
  const spread = labels.map((l, q) => {
    const xs = corr[q];
    return [hyp(l), l, fmt(Math.min(...xs), 3), fmt(Math.max(...xs), 3)];
  });
  out.push(
    "Range of the correction (frame - founded) over the design points:",
    table(["", "path", "min", "max"], spread),
  );
  return out.join("\n");
}
