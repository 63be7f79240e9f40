import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runPower } from "../sim/core/montecarlo/power.ts";
import {
  analyticModelTestPower,
  noncentralChiSquareQuantile,
  populationMisfit,
  populationSigma,
} from "../src/analysis/modelTest.ts";
import { noncentralChiSquareCdf } from "../src/math/distributions.ts";
import { fromRows } from "../src/math/linalg.ts";
import { validateScenario } from "../src/scenario/validate.ts";

/** test/fixtures/lavaan/misspecified.R: lavaan 0.6-14 and R's pchisq/qchisq. */
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/misspecified.json", import.meta.url), "utf8"),
) as {
  table1_correlations: number[][];
  population: {
    f0: number;
    df: number;
    truth_h5_std: Record<string, number>;
    misspecified_h5_std: Record<string, number>;
  };
  analytic: {
    n: number;
    lambda: number;
    crit: number;
    power: number;
    close_crit: number;
    rmsea_power: number;
  }[];
  pchisq: { x: number; df: number; ncp: number; cdf: number }[];
  qchisq: { p: number; df: number; ncp: number; q: number }[];
  montecarlo: { n: number; replications: number; rejection: number; rejection_se: number }[];
};

const scenarioFile = (name: string) => {
  const json = JSON.parse(
    readFileSync(new URL(`../scenarios/misspecified/${name}.json`, import.meta.url), "utf8"),
  );
  const r = validateScenario(json);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
};

describe("noncentral chi-square against R", () => {
  it("pchisq(x, df, ncp) to 1e-9", () => {
    for (const g of ref.pchisq)
      expect(Math.abs(noncentralChiSquareCdf(g.x, g.df, g.ncp) - g.cdf)).toBeLessThan(1e-9);
  });
  it("qchisq(p, df, ncp) to 1e-6", () => {
    for (const g of ref.qchisq)
      expect(Math.abs(noncentralChiSquareQuantile(g.p, g.df, g.ncp) - g.q)).toBeLessThan(1e-6);
  });
});

describe("analytic model-test power against lavaan", () => {
  it("population misfit of the published model on Table 1 (lavaan's F = chisq / N)", () => {
    const m = populationMisfit("published", fromRows(ref.table1_correlations))!;
    expect(m.df).toBe(ref.population.df);
    expect(Math.abs(m.f0 - ref.population.f0)).toBeLessThan(1e-9);
  });

  it("lambda, Satorra-Saris and MacCallum-Browne-Sugawara power at n = 100, 203, 400", () => {
    const s = scenarioFile("omitted-direct-paths");
    for (const a of ref.analytic) {
      const p = analyticModelTestPower(s, "published", a.n)!;
      expect(Math.abs(p.lambda - a.lambda)).toBeLessThan(1e-6);
      expect(Math.abs(p.crit - a.crit)).toBeLessThan(1e-8);
      expect(Math.abs(p.power - a.power)).toBeLessThan(1e-8);
      expect(Math.abs(p.closeCrit - a.close_crit)).toBeLessThan(1e-6);
      expect(Math.abs(p.rmseaPower - a.rmsea_power)).toBeLessThan(1e-8);
    }
  });

  it("the scenario's population matrix is Table 1 (composites without error, no selection)", () => {
    const S = populationSigma(scenarioFile("omitted-direct-paths"))!;
    const R = ref.table1_correlations;
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++)
        expect(S[i * 7 + j] / Math.sqrt(S[i * 8] * S[j * 8])).toBeCloseTo(R[i][j], 10);
  });
});

describe("empirical model test of the misspecified scenario", () => {
  it("chi-square rejection: within binomial error of lavaan's, analytic within 0.03 (n = 203)", async () => {
    const s = scenarioFile("omitted-direct-paths");
    const reps = 500;
    const [pt] = await runPower(s, [], reps);
    const test = pt.analyses!.analyses[0].test;
    expect(test.replications).toBe(reps);
    const ours = test.chisq_rejection!;
    const lav = ref.montecarlo.find((m) => m.n === 203)!;
    const se = Math.sqrt(test.chisq_rejection_se! ** 2 + lav.rejection_se ** 2);
    // 3 combined binomial SEs (the SE of a share near 1 is small; floor it at 1/R)
    expect(Math.abs(ours - lav.rejection)).toBeLessThan(3 * Math.max(se, 1 / reps));
    expect(Math.abs(ours - test.analytic_power!)).toBeLessThan(0.03);
    // close fit: the empirical rate of chisq > the close-fit critical value against MBS power
    expect(Math.abs(test.close_fit_rejection! - test.rmsea_power!)).toBeLessThan(0.03);
    // H5a-H5d biased upwards when the direct paths are omitted, towards lavaan's population fit
    const pub = pt.analyses!.analyses[0].summary.paths;
    for (const [label, v] of Object.entries(ref.population.misspecified_h5_std)) {
      const p = pub.find((x) => x.path === label)!;
      expect(p.population).toBeCloseTo(ref.population.truth_h5_std[label], 6);
      expect(p.bias).toBeGreaterThan(0);
      expect(Math.abs(p.mean_estimate - v)).toBeLessThan(
        4 * (p.empirical_sd / Math.sqrt(reps)) + 0.005,
      );
    }
  }, 120_000);
});
