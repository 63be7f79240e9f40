import { MECHANISM_FACTORS } from "../../../../src/calibration/selection.ts";
import { surveyLossTerm } from "../../../../src/calibration/surveyCalibration.ts";
import {
  CALIBRATED,
  type CalibrationParameter,
  calibrate,
  withDynamics,
} from "../../../../src/dynamics/calibrate.ts";
import { calibrationTable } from "../../../../src/dynamics/calibration.ts";
import { simulate } from "../../../../src/dynamics/simulate.ts";
import { getAt, setAt } from "../../../../src/scenario/fieldPath.ts";
import { writeAtomic } from "../../files/files.ts";
import { type Command, intOption, numberOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { calibrationText, readDynamicsScenario } from "./run.ts";

export const calibrateCommand: Command = {
  name: "calibrate",
  summary: "Search the dynamics parameters that bring the calibration targets into their bands",
  usage:
    "bgsim calibrate <scenario.json> [--iterations 200] [--firms 10000] [--replications 1] [--seed 1] [--min-frame-share F] [--survey-weight W] [--mechanisms] [--in-band] [--out best.json]",
  options: {
    iterations: { type: "string" },
    firms: { type: "string" },
    replications: { type: "string" },
    seed: { type: "string" },
    "min-frame-share": { type: "string" },
    "survey-weight": { type: "string" },
    mechanisms: { type: "boolean" },
    "in-band": { type: "boolean" },
    out: { type: "string" },
  },
  help: `How the baseline's "our calibration" values were chosen (docs/ODD.md, Calibration).
Starting from the scenario's dynamics values, a (1+1) evolution strategy with the 1/5th
success rule perturbs the calibrated parameters (log scale for rates and scales) and keeps a
candidate when it lowers the loss: the sum over targets of ((simulated - target) / half band)^2.
Every candidate runs with the same seed and replications (common random numbers). Prints
accepted steps on stderr, then the best values, as a "dynamics" patch, and their calibration
table at the scenario's own firm count. Parameters searched:
  ${CALIBRATED.map((p) => `${p.path} [${p.min}, ${p.max}]`).join("\n  ")}
Options:
  --iterations  candidates evaluated (default 200)
  --firms       firms per evaluation run (default 10000; the check run uses the scenario's)
  --replications runs averaged per candidate (default 1)
  --seed        seed of the search's own proposals (default 1)
  --min-frame-share  smallest share of founded firms in the surveyed frame; a candidate below
                it is rejected (default with the survey enabled: survey.mailed / dynamics.firms,
                so the survey can mail its firms; 0 otherwise)
  --survey-weight W  joint calibration with the paper's survey: adds W x the mean over Table 1's
                21 correlations of ((census of the frame - Table 1) / 0.02)^2 per replication
                (the scenario's founding correlations held fixed; docs/calibration-survey.md);
                default 0 (targets only)
  --in-band     reject a candidate unless every target's mean over the replications lies in
                its band (with --survey-weight: the closest survey fit among worlds whose
                targets are all in band)
  --mechanisms  also search the uncertain mechanism parameters (the Morris factors of bgsim
                selection): ${MECHANISM_FACTORS.map((f) => `${f.path} [${f.min}, ${f.max}]`).join(", ")}
  --out FILE    write the best values as JSON {"dynamics": {...}}`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim calibrate --help)");
    const scenario = readDynamicsScenario(positionals[0]);
    const iterations = intOption(values.iterations, "iterations", 0, 100_000, 200);
    const firms = intOption(values.firms, "firms", 100, 2_000_000, 10_000);
    const reps = intOption(values.replications, "replications", 1, 100, 1);
    const seed = intOption(values.seed, "seed", 0, 4_294_967_295, 1);
    const minFrameShare = numberOption(
      values["min-frame-share"],
      "min-frame-share",
      0,
      1,
      scenario.survey.enabled ? scenario.survey.mailed / scenario.dynamics.firms : 0,
    );
    const surveyWeight = numberOption(values["survey-weight"], "survey-weight", 0, 1000, 0);
    if (surveyWeight > 0 && !scenario.survey.enabled)
      throw new UsageError("--survey-weight needs a scenario with survey.enabled = true");
    const parameters: CalibrationParameter[] = [
      ...CALIBRATED,
      ...(values.mechanisms === true
        ? MECHANISM_FACTORS.map((f) => ({ path: f.path, min: f.min, max: f.max, log: false }))
        : []),
    ];
    const small = withDynamics(scenario, { firms });
    const t0 = performance.now();
    const res = calibrate(small, {
      iterations,
      replications: reps,
      seed,
      minFrameShare,
      parameters,
      requireInBand: values["in-band"] === true,
      extraLoss: surveyWeight > 0 ? surveyLossTerm(surveyWeight) : undefined,
      onStep: (st) => {
        if (st.accepted || st.iteration % 20 === 0)
          process.stderr.write(
            `iteration ${st.iteration}/${iterations}: loss ${fmt(st.loss, 3)}${st.accepted ? " (accepted)" : ""}, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`,
          );
      },
    });
    let patch: Record<string, unknown> = {};
    for (const [path, v] of Object.entries(res.values))
      patch = setAt(patch, path.split("."), Number(v.toPrecision(3)));
    const check = simulate(withDynamics(scenario, res.values), 0);
    const rows = calibrationTable(check);
    console.log(
      [
        `Best loss ${fmt(res.loss, 3)} after ${iterations} candidates at ${firms} firms:`,
        table(
          ["parameter", "start", "best"],
          parameters.map((p) => {
            const start = Number(getAt(scenario.dynamics, p.path.split(".")));
            return [p.path, fmt(start, 4), fmt(res.values[p.path], 4)];
          }),
        ),
        "",
        `As a scenario patch: ${JSON.stringify({ dynamics: patch })}`,
        "",
        calibrationText(
          rows,
          check.firms.inFrame.reduce((a, b) => a + b, 0),
        ),
      ].join("\n"),
    );
    if (typeof values.out === "string" && values.out)
      writeAtomic(values.out, `${JSON.stringify({ dynamics: patch }, null, 2)}\n`);
  },
};
