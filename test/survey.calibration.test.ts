import { describe, expect, it } from "vitest";
import { cholesky } from "../src/math/linalg.ts";
import { buildModelOrThrow, table1Spec } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { TABLE1_CORRELATIONS, TABLE1_MEANS, TABLE1_SDS } from "../src/paper/table1.ts";
import { fillNormals } from "../src/random/deviates.ts";
import { derive } from "../src/random/stream.ts";
import { correlationOf } from "../src/survey/calibrate.ts";
import { DEFAULT_SURVEY, type SurveyConfig } from "../src/survey/config.ts";
import { SurveyConfigError } from "../src/survey/instrument.ts";
import { buildSurveyPlan } from "../src/survey/plan.ts";
import { answerItems } from "../src/survey/responses.ts";

const table1 = buildModelOrThrow(table1Spec()); // implied correlations = Table 1 exactly
const p = CONSTRUCTS.length;

function survey(cfg: SurveyConfig, N: number) {
  const plan = buildSurveyPlan(cfg, table1.Sigma);
  const L = cholesky(plan.R, p)!;
  const z = new Float64Array(N * p);
  fillNormals(derive("calibration-test", "latent"), z);
  const latent = CONSTRUCTS.map(() => new Float64Array(N));
  for (let i = 0; i < N; i++)
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let k = 0; k <= c; k++) s += L[c * p + k] * z[i * p + k];
      latent[c][i] = s;
    }
  const rows = Int32Array.from({ length: N }, (_, i) => i);
  const fmt = cfg.level === "composites" ? "continuous" : cfg.responses;
  const ans = answerItems(
    plan.instrument,
    plan.scales,
    fmt,
    latent,
    rows,
    derive("calibration-test", "items"),
  );
  const R = correlationOf(ans.composites, N);
  const stats = ans.composites.map((col) => {
    const m = col.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / (N - 1));
    return { m, sd };
  });
  return { plan, R, stats };
}

function maxGapToTable1(R: Float64Array): number {
  let g = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) g = Math.max(g, Math.abs(R[i * p + j] - TABLE1_CORRELATIONS[i][j]));
  return g;
}

describe("calibration targets", () => {
  it("`composites`: 200,000 Likert respondents reproduce Table 1 within 0.02 (correlations, means, SDs)", () => {
    const { plan, R, stats } = survey(
      { ...DEFAULT_SURVEY, enabled: true, calibration: "composites" },
      200_000,
    );
    expect(plan.calibration.maxGap).toBeLessThan(0.002); // at the calibration draw
    expect(plan.calibration.iterations).toBeLessThan(30);
    expect(maxGapToTable1(R)).toBeLessThan(0.02);
    CONSTRUCTS.forEach((c, ci) => {
      expect(Math.abs(stats[ci].m - TABLE1_MEANS[c])).toBeLessThan(0.02);
      expect(Math.abs(stats[ci].sd - TABLE1_SDS[c])).toBeLessThan(0.02);
    });
    // the latent correlations are disattenuated: larger than Table 1's
    const i = CONSTRUCTS.indexOf("IMO");
    const j = CONSTRUCTS.indexOf("PERF");
    expect(plan.R[i * p + j]).toBeGreaterThan(TABLE1_CORRELATIONS[j][i] + 0.02);
  });

  it("`composites` with continuous answers and a method factor is solved in closed form", () => {
    const cfg: SurveyConfig = {
      ...DEFAULT_SURVEY,
      enabled: true,
      calibration: "composites",
      responses: "continuous",
      methodFactor: 0.3,
    };
    const { plan, R } = survey(cfg, 200_000);
    expect(plan.calibration.iterations).toBe(0);
    expect(plan.calibration.maxGap).toBeLessThan(1e-12);
    expect(maxGapToTable1(R)).toBeLessThan(0.01);
  });

  it("`latent`: measurement error attenuates the composites' correlations by sqrt(rel_a rel_b)", () => {
    const { plan, R } = survey(
      { ...DEFAULT_SURVEY, enabled: true, calibration: "latent", responses: "continuous" },
      200_000,
    );
    for (let i = 0; i < p; i++)
      for (let j = 0; j < i; j++) {
        const expected =
          TABLE1_CORRELATIONS[i][j] * Math.sqrt(plan.reliability[i].cr * plan.reliability[j].cr);
        expect(Math.abs(R[i * p + j] - expected)).toBeLessThan(0.006);
      }
  });

  it("an unreachable target is a clear error naming survey.calibration", () => {
    const cfg: SurveyConfig = {
      ...DEFAULT_SURVEY,
      enabled: true,
      calibration: "composites",
      responses: "continuous",
      loadings: "scaled",
      targetReliability: 0.2,
    };
    expect(() => buildSurveyPlan(cfg, table1.Sigma)).toThrow(SurveyConfigError);
    expect(() => buildSurveyPlan(cfg, table1.Sigma)).toThrow(
      /^survey\.calibration: .*not positive definite/,
    );
  });
});
