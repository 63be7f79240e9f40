import { describe, expect, it } from "vitest";
import { ROW_COLUMNS, replicationRows } from "../sim/core/montecarlo/rows.ts";
import { runMonteCarlo } from "../sim/core/montecarlo/run.ts";
import { toCsv } from "../sim/core/output/csv.ts";
import { runMonteCarloParallel } from "../sim/node/montecarlo/parallel.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { SurveyConfigError } from "../src/survey/instrument.ts";

const scenario = (input: unknown) => {
  const r = validateScenario(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
};

describe("Monte Carlo in worker threads", () => {
  it("gives the same replications as one thread, whatever the number of workers", async () => {
    const a = scenario({ seed: 8, survey: { enabled: true } });
    const b = scenario({ seed: 8, survey: { enabled: true, n: 100 } });
    let ticks = 0;
    const par = await runMonteCarloParallel({
      scenarios: [a, b],
      reps: 7,
      start: 3,
      workers: 2,
      onProgress: (d, total) => {
        ticks = d;
        expect(total).toBe(14);
      },
    });
    expect(ticks).toBe(14);
    const csv = (x: Parameters<typeof replicationRows>[0]) =>
      toCsv(replicationRows(x, 0.05), ROW_COLUMNS);
    expect(csv(par[0])).toBe(csv(runMonteCarlo(a, { reps: 7, start: 3 })));
    expect(csv(par[1])).toBe(csv(runMonteCarlo(b, { reps: 7, start: 3 })));
  }, 60_000);

  it("a survey error in a worker comes back as a SurveyConfigError naming the field", async () => {
    const bad = scenario({
      model: { base: "table1" },
      survey: {
        enabled: true,
        calibration: "composites",
        responses: "continuous",
        loadings: "scaled",
        targetReliability: 0.2,
      },
    });
    await expect(runMonteCarloParallel({ scenarios: [bad], reps: 4, workers: 2 })).rejects.toThrow(
      SurveyConfigError,
    );
    await expect(runMonteCarloParallel({ scenarios: [bad], reps: 4, workers: 2 })).rejects.toThrow(
      /^survey\.calibration: /,
    );
  }, 60_000);
});
