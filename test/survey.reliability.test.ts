import { describe, expect, it } from "vitest";
import { cholesky } from "../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { REPORTED_CR, RETAINED_ITEMS } from "../src/paper/items.ts";
import { fillNormals } from "../src/random/deviates.ts";
import { derive } from "../src/random/stream.ts";
import { DEFAULT_SURVEY, type SurveyConfig } from "../src/survey/config.ts";
import { buildInstrument } from "../src/survey/instrument.ts";
import { buildSurveyPlan } from "../src/survey/plan.ts";
import {
  alphaClosedForm,
  averageVarianceExtracted,
  compositeReliability,
  correlation,
  cronbachAlpha,
  sumVariance,
  trueReliability,
} from "../src/survey/reliability.ts";
import { answerItems, compositeItemColumns } from "../src/survey/responses.ts";

const model = buildModelOrThrow(publishedSpec());

/** N respondents' standardized construct scores drawn from R. */
function latentScores(R: Float64Array, N: number, key: string): Float64Array[] {
  const p = CONSTRUCTS.length;
  const L = cholesky(R, p)!;
  const z = new Float64Array(N * p);
  fillNormals(derive("test", key), z);
  const cols = CONSTRUCTS.map(() => new Float64Array(N));
  for (let i = 0; i < N; i++)
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let k = 0; k <= c; k++) s += L[c * p + k] * z[i * p + k];
      cols[c][i] = s;
    }
  return cols;
}

function sampleStats(cfg: SurveyConfig, N: number) {
  const plan = buildSurveyPlan(cfg, model.Sigma);
  const latent = latentScores(plan.R, N, JSON.stringify(cfg));
  const rows = Int32Array.from({ length: N }, (_, i) => i);
  const ans = answerItems(
    plan.instrument,
    plan.scales,
    cfg.responses,
    latent,
    rows,
    derive("test", "items"),
  );
  return CONSTRUCTS.map((c, ci) => {
    const r = correlation(ans.composites[ci], latent[ci], N);
    return {
      construct: c,
      alpha: cronbachAlpha(compositeItemColumns(plan.instrument, ans.scored, ci), N),
      r2: r * r,
      closed: plan.reliability[ci],
    };
  });
}

describe("reliability closed forms", () => {
  it("Fornell-Larcker CR and AVE of the Appendix loadings (IEO: about 0.94 against a reported 0.80)", () => {
    const ieo = RETAINED_ITEMS.filter((i) => i.construct === "IEO").map((i) => i.loading!);
    // sum l = 4.38, sum l^2 = 3.866, sum (1 - l^2) = 1.134
    expect(compositeReliability(ieo)).toBeCloseTo(4.38 ** 2 / (4.38 ** 2 + 1.134), 12);
    expect(compositeReliability(ieo)).toBeCloseTo(0.944, 3);
    expect(averageVarianceExtracted(ieo)).toBeCloseTo(3.866 / 5, 12);
    expect(REPORTED_CR.IEO).toBe(0.8);
  });

  it("with no method factor the true reliability equals CR, and alpha follows its formula", () => {
    const l = [0.46, 0.41, 0.59, 0.53, 0.79]; // QF, Appendix
    expect(trueReliability(l)).toBeCloseTo(compositeReliability(l), 14);
    expect(alphaClosedForm(l)).toBeCloseTo((5 / 4) * (1 - 5 / sumVariance(l)), 14);
    // a reverse-scored item cancels the method variance it shares with the others
    expect(sumVariance([0.7, 0.7], 0.3, [1, -1])).toBeCloseTo(1.4 ** 2 + 2 * (1 - 0.49 - 0.09), 14);
  });

  it("loadings scaled to the reported CRs reach them exactly", () => {
    const ins = buildInstrument({
      ...DEFAULT_SURVEY,
      loadings: "scaled",
      targetReliability: "reported",
    });
    ins.composite.forEach((idx, ci) => {
      const ls = idx.map((k) => ins.items[k].loading);
      expect(compositeReliability(ls)).toBeCloseTo(REPORTED_CR[CONSTRUCTS[ci]], 8);
    });
  });

  it("on 200,000 continuous respondents sample alpha and r2(composite, construct) match the closed forms", () => {
    const rows = sampleStats(
      { ...DEFAULT_SURVEY, enabled: true, responses: "continuous" },
      200_000,
    );
    for (const r of rows) {
      expect(Math.abs(r.alpha - r.closed.alpha)).toBeLessThan(0.004);
      expect(Math.abs(r.r2 - r.closed.cr)).toBeLessThan(0.004);
    }
  });

  it("with a common-method factor and the dropped items, alpha and r2 still match the closed forms", () => {
    const rows = sampleStats(
      {
        ...DEFAULT_SURVEY,
        enabled: true,
        responses: "continuous",
        methodFactor: 0.3,
        includeDropped: true,
        compositeItems: "all",
      },
      200_000,
    );
    for (const r of rows) {
      expect(Math.abs(r.alpha - r.closed.alpha)).toBeLessThan(0.004);
      expect(Math.abs(r.r2 - r.closed.trueReliability)).toBeLessThan(0.004);
    }
    // IEO has two reverse-keyed dropped items: its method variance partly cancels
    const ieo = rows.find((r) => r.construct === "IEO")!;
    expect(ieo.closed.items).toBe(12);
  });

  it("Likert rounding lowers reliability below the continuous closed form", () => {
    const rows = sampleStats({ ...DEFAULT_SURVEY, enabled: true }, 100_000);
    for (const r of rows) expect(r.r2).toBeLessThan(r.closed.cr);
  });
});
