import { estimatePathModel } from "../../../src/estimate/report.ts";
import { buildModelOrThrow, publishedSpec, structureOf } from "../../../src/model/index.ts";
import { derive } from "../../../src/random/stream.ts";
import { DEFAULT_SURVEY, type SurveyConfig } from "../../../src/survey/config.ts";
import { surveyPlanFor } from "../../../src/survey/plan.ts";
import { surveyCrossSection } from "../../../src/survey/stage.ts";
import { medianMs } from "./timing.ts";

/**
 * Virtual survey speed at the paper's n = 203: milliseconds per replication (median) for
 * item-level and composite-level surveys, survey alone and survey + ML estimate.
 * Target: item-level survey under 0.5 ms per replication on one core.
 */
export function run(): void {
  // How fast is this machine right now? (LIBRARY-NOTES: 156 M alea draws/s on an idle core)
  const s = derive("bench", "alea");
  const a0 = performance.now();
  let acc = 0;
  for (let i = 0; i < 20_000_000; i++) acc += s.next();
  const rate = 20 / ((performance.now() - a0) / 1000);
  console.log(
    `machine speed now: ${rate.toFixed(0)} M alea draws/s (idle reference 156; lower means other jobs share the core)${acc < 0 ? "" : ""}`,
  );
  const model = buildModelOrThrow(publishedSpec());
  const structure = structureOf(model.spec);
  const base: SurveyConfig = { ...DEFAULT_SURVEY, enabled: true };
  const cases: [string, SurveyConfig][] = [
    ["item level, Likert, frame + response (paper's design)", base],
    ["item level, continuous answers", { ...base, responses: "continuous" }],
    ["composite level, frame + response", { ...base, level: "composites" }],
    [
      "composite level, no selection (Wishart shortcut)",
      { ...base, level: "composites", frame: { ...base.frame, minExportShare: 0 } },
    ],
  ];
  for (const [label, cfg] of cases) {
    const t0 = performance.now();
    surveyPlanFor(cfg, model.Sigma);
    const planMs = performance.now() - t0;
    let rep = 0;
    const survey = medianMs(
      () => void surveyCrossSection(cfg, model.Sigma, 1, rep++, 0.05),
      400,
      40,
    );
    const both = medianMs(
      () => {
        const s = surveyCrossSection(cfg, model.Sigma, 2, rep++, 0.05);
        estimatePathModel(structure, s.cov, s.n, { modification: false, rmseaInterval: false });
      },
      400,
      40,
    );
    // CPU time per replication (less sensitive than wall time to other jobs on a shared machine)
    const c0 = process.cpuUsage();
    for (let i = 0; i < 400; i++) surveyCrossSection(cfg, model.Sigma, 3, i, 0.05);
    const c = process.cpuUsage(c0);
    const cpu = (c.user + c.system) / 1000 / 400;
    console.log(
      `${label.padEnd(54)} survey ${survey.toFixed(3)} ms (cpu ${cpu.toFixed(3)} ms), survey + estimate ${both.toFixed(3)} ms per replication; plan once ${planMs.toFixed(0)} ms`,
    );
  }
  const t0 = performance.now();
  surveyPlanFor({ ...base, calibration: "composites" }, model.Sigma);
  console.log(
    `calibration "composites" (Likert, item level): ${(performance.now() - t0).toFixed(0)} ms once per scenario`,
  );
}
