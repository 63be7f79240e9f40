import { describe, expect, it } from "vitest";
import { fromRows } from "../src/math/linalg.ts";
import {
  buildModel,
  estimateCfa,
  factorReliability,
  fitCfa,
  paperCfaModel,
  paperMeasurementAnalysis,
  type SampleMoments,
} from "../src/measurement/index.ts";
import { CONSTRUCTS, RETAINED_ITEMS, TABLE1_CORRELATIONS } from "../src/paper/index.ts";

/** The population covariance of the paper's CFA: Appendix loadings, Table 1 correlations. */
function paperPopulation(): SampleMoments {
  const names = RETAINED_ITEMS.map((i) => i.id);
  const p = names.length;
  const cov = new Float64Array(p * p);
  RETAINED_ITEMS.forEach((a, i) => {
    RETAINED_ITEMS.forEach((b, j) => {
      const r =
        TABLE1_CORRELATIONS[CONSTRUCTS.indexOf(a.construct)][CONSTRUCTS.indexOf(b.construct)];
      cov[i * p + j] = i === j ? 1 : a.loading! * b.loading! * r;
    });
  });
  return { names, cov, n: 203 };
}

describe("model building (refused before estimation, with the name)", () => {
  it("a single-indicator factor, an empty factor, an unknown factor in a regression", () => {
    const one = buildModel({
      factors: [
        { name: "F", indicators: ["a", "b", "c"] },
        { name: "G", indicators: ["d"] },
      ],
    });
    expect(one).toEqual({
      ok: false,
      message: expect.stringMatching(/factor G has one indicator \(d\)/),
    });
    const empty = buildModel({ factors: [{ name: "F", indicators: [] }] });
    expect(empty.ok ? "" : empty.message).toMatch(/factor F has no indicators/);
    const reg = buildModel({
      factors: [{ name: "F", indicators: ["a", "b", "c"] }],
      regressions: [{ lhs: "F", rhs: ["H"] }],
    });
    expect(reg.ok ? "" : reg.message).toMatch(/H is not a factor/);
  });
  it("an item that is not in the data is a typed failure naming it", () => {
    const o = fitCfa(
      { factors: [{ name: "F", indicators: ["x1", "x2", "zz"] }] },
      {
        names: ["x1", "x2", "x3"],
        cov: fromRows([
          [1, 0.5, 0.5],
          [0.5, 1, 0.5],
          [0.5, 0.5, 1],
        ]),
        n: 100,
      },
    );
    expect(o).toEqual({ ok: false, reason: "missing-item", message: "item zz is not in the data" });
  });
  it("the paper's CFA: 7 factors, 39 items, 99 free parameters, df 681", () => {
    const m = paperCfaModel();
    expect(m.latent).toEqual([...CONSTRUCTS]);
    expect(m.observed.length).toBe(39);
    expect(m.nFree).toBe(39 - 7 + 39 + 7 + 21);
  });
});

describe("estimation outcomes are typed, never thrown", () => {
  const data = (rows: number[][]): SampleMoments => ({
    names: rows.map((_, i) => `x${i + 1}`),
    cov: fromRows(rows),
    n: 200,
  });
  const one = { factors: [{ name: "F", indicators: ["x1", "x2", "x3"] }] };
  it("a sample covariance that is not positive definite", () => {
    const o = fitCfa(
      one,
      data([
        [1, 1, 0.5],
        [1, 1, 0.5],
        [0.5, 0.5, 1],
      ]),
    );
    expect(o.ok ? "" : o.reason).toBe("sample-not-pd");
  });
  it("no convergence within the iteration limit", () => {
    const o = estimateCfa(paperCfaModel(), paperPopulation(), { maxIterations: 1 });
    expect(o.ok ? "" : o.reason).toBe("not-converged");
  });
  it("a Heywood case (negative residual variance) is reported as a problem of the fit", () => {
    // lambda1^2 = r12 r13 / r23 = 0.81 / 0.7 > 1
    const o = fitCfa(
      one,
      data([
        [1, 0.9, 0.9],
        [0.9, 1, 0.7],
        [0.9, 0.7, 1],
      ]),
    );
    expect(o.ok).toBe(true);
    if (!o.ok) return;
    expect(o.estimate.problems).toContainEqual({
      kind: "heywood",
      parameter: "x1 ~~ x1",
      value: expect.any(Number),
    });
    expect(o.estimate.fmin).toBeLessThan(1e-12); // just identified: exact fit
  });
});

describe("the paper's measurement analysis at the population", () => {
  const a = paperMeasurementAnalysis(paperPopulation(), { discriminant: true });
  it("recovers the Appendix loadings, a perfect fit and the Appendix loadings' CR", () => {
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    expect(a.fit.chisq).toBeLessThan(1e-6);
    expect(a.fit.cfi).toBeCloseTo(1, 9);
    for (const l of a.loadings) expect(Math.abs(l.standardized - l.appendix)).toBeLessThan(1e-6);
    for (const r of a.reliability) expect(Math.abs(r.cr - r.crAppendixLoadings)).toBeLessThan(1e-6);
    expect(a.paper).toMatchObject({ cfi: 0.92, nnfi: 0.91, rmsea: 0.046 });
  });
  it("21 discriminant tests, every pair distinct (Table 1 correlations are far from 1)", () => {
    if (!a.ok) throw new Error(a.message);
    expect(a.discriminant.length).toBe(21);
    for (const t of a.discriminant) {
      expect(t.failure).toBeUndefined();
      expect(t.distinct).toBe(true);
    }
  });
  it("CR and AVE of a fit agree with the Fornell-Larcker formulas on its std loadings", () => {
    const o = estimateCfa(paperCfaModel(), paperPopulation());
    if (!o.ok) throw new Error(o.message);
    const rel = factorReliability(o.estimate);
    const ieo = RETAINED_ITEMS.filter((i) => i.construct === "IEO").map((i) => i.loading!);
    const s = ieo.reduce((x, y) => x + y, 0);
    const e = ieo.reduce((x, y) => x + 1 - y * y, 0);
    expect(rel[0].cr).toBeCloseTo((s * s) / (s * s + e), 9);
    expect(rel[0].ave).toBeCloseTo(ieo.reduce((x, y) => x + y * y, 0) / ieo.length, 9);
  });
});
