import { describe, expect, it } from "vitest";
import { outcomeRows, replicationRows } from "../sim/core/montecarlo/rows.ts";
import { runMonteCarlo } from "../sim/core/montecarlo/run.ts";
import { summarise } from "../sim/core/montecarlo/summary.ts";
import { validateScenario } from "../src/scenario/validate.ts";

function scenario(input: unknown) {
  const r = validateScenario(input);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

describe("Monte Carlo coverage and error rates", () => {
  it("with no measurement error and no selection, 95% CIs cover 0.95 +/- 0.02 over 2,000 replications", () => {
    const s = scenario({
      seed: 2004,
      model: { base: "published" },
      survey: {
        enabled: true,
        level: "composites",
        measurementError: false,
        frame: { minExportShare: 0 },
      },
    });
    const results = runMonteCarlo(s, { reps: 2000 });
    expect(results[0].outcomes["survey.shortcut"]).toBe(1); // the Wishart fast path
    const sum = summarise(replicationRows(results, 0.05), 0.05, outcomeRows(results));
    expect(sum.paths).toHaveLength(12);
    for (const p of sum.paths) {
      expect(Math.abs(p.coverage - 0.95)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(p.bias)).toBeLessThan(0.01); // consistent estimator, no attenuation
      expect(p.mean_se / p.empirical_sd).toBeGreaterThan(0.9);
      expect(p.mean_se / p.empirical_sd).toBeLessThan(1.1);
    }
    // the published model is the true model: the chi-square test rejects at about alpha
    expect(Math.abs(sum.model.chisq_rejection - 0.05)).toBeLessThan(0.02);
    expect(sum.model.replications).toBe(2000);
  });
});
