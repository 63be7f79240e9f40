import { describe, expect, it } from "vitest";
import { closedFormPlan } from "../src/estimate/closedForm.ts";
import { parameterEstimates } from "../src/estimate/coefficients.ts";
import { fitML } from "../src/estimate/ml.ts";
import { paramTable } from "../src/estimate/parameters.ts";
import { type EstimationReport, estimatePathModel } from "../src/estimate/report.ts";
import { fromRows } from "../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec, structureOf, table1Spec } from "../src/model/index.ts";
import { TABLE1_CORRELATIONS } from "../src/paper/table1.ts";
import { randomCovariance, randomModel } from "./estimate.closedForm.helpers.ts";

/**
 * The closed form (src/estimate/closedForm.ts) against Fisher scoring (method "iterative") over
 * random models. Tolerance: |a - b| <= 1e-9 * max(|a|, |b|, 1e-3), i.e. 1e-9 relative for every
 * value of size 1e-3 or more and 1e-12 absolute below (values that are 0 in theory, such as the
 * chi-square of a saturated model or SRMR, come out as rounding noise of 1e-13 from either path).
 */
const close = (a: number, b: number) =>
  (Number.isNaN(a) && Number.isNaN(b)) ||
  Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-3);

/** Every number of two reports that differs beyond the tolerance, as "where: a vs b". */
function differences(a: EstimationReport, b: EstimationReport): string[] {
  const out: string[] = [];
  const cmp = (where: string, x: number, y: number) => {
    if (!close(x, y)) out.push(`${where}: ${x} vs ${y}`);
  };
  for (const key of ["paths", "covariances", "variances"] as const) {
    expect(b[key].map((x) => x.label)).toEqual(a[key].map((x) => x.label));
    a[key].forEach((x, k) => {
      for (const f of ["est", "se", "z", "p", "std", "stdSe"] as const)
        cmp(`${x.label}.${f}`, x[f], b[key][k][f]);
    });
    for (const x of b.paths)
      expect(x.verdict).toBe(a.paths.find((y) => y.label === x.label)?.verdict);
  }
  for (const [k, v] of Object.entries(a.fit)) cmp(`fit.${k}`, v, b.fit[k as keyof typeof b.fit]);
  expect(Object.keys(b.r2)).toEqual(Object.keys(a.r2));
  for (const [k, v] of Object.entries(a.r2)) cmp(`r2.${k}`, v, b.r2[k]);
  expect(b.modification.map((x) => `${x.from}->${x.to}`)).toEqual(
    a.modification.map((x) => `${x.from}->${x.to}`),
  );
  a.modification.forEach((x, k) => {
    cmp(`mi ${x.from}->${x.to}`, x.mi, b.modification[k].mi);
    cmp(`epc ${x.from}->${x.to}`, x.epc, b.modification[k].epc);
  });
  return out;
}

const sizeOf = (seed: number) => 40 + ((seed * 37) % 460);

describe("closed-form ML", () => {
  it("equals Fisher scoring on 150 random models that meet the condition", () => {
    let models = 0;
    for (let seed = 1; models < 150; seed++) {
      const m = randomModel(seed, false);
      expect(m.violation).toBeNull();
      const table = paramTable(m.structure);
      expect(closedFormPlan(table), `seed ${seed}`).not.toBeNull();
      const n = sizeOf(seed);
      const cov = randomCovariance(seed, table.p, n);
      const it = estimatePathModel(m.structure, cov, n, { method: "iterative", tolerance: 1e-12 });
      const cf = estimatePathModel(m.structure, cov, n);
      expect(it.ok && cf.ok, `seed ${seed}`).toBe(true);
      if (!it.ok || !cf.ok) continue;
      expect(cf.report.iterations).toBe(0);
      expect(differences(it.report, cf.report), `seed ${seed}`).toEqual([]);
      models++;
    }
  });

  it("is refused by the detector on random models that break it; Fisher scoring runs", () => {
    const seen = new Set<string>();
    let models = 0;
    for (let seed = 1; models < 60; seed++) {
      const m = randomModel(seed, true);
      if (!m.violation) continue;
      seen.add(m.violation);
      const table = paramTable(m.structure);
      expect(closedFormPlan(table), `seed ${seed} ${m.violation}`).toBeNull();
      const n = sizeOf(seed);
      const cov = randomCovariance(seed, table.p, n);
      const r = fitML(m.structure, cov, n);
      if (r.ok) expect(r.result.method).toBe("iterative");
      const forced = fitML(m.structure, cov, n, { method: "closed-form" });
      expect(forced.ok).toBe(false);
      models++;
    }
    expect([...seen].sort()).toEqual(
      ["different-predictors", "equal", "exo-endo", "fixed", "incomplete-block"].sort(),
    );
  });

  it("refuses cycles and blocks whose equations have different predictors", () => {
    const cyc = paramTable({
      variables: ["x", "a", "b"],
      paths: [
        { from: "x", to: "a" },
        { from: "a", to: "b" },
        { from: "b", to: "a" },
      ],
      covariances: [],
    });
    expect(closedFormPlan(cyc)).toBeNull();
    const ok = paramTable({
      variables: ["x", "a", "b"],
      paths: [
        { from: "x", to: "a" },
        { from: "x", to: "b" },
      ],
      covariances: [{ a: "a", b: "b" }],
    });
    expect(closedFormPlan(ok)?.blocks.map((b) => b.eqs)).toEqual([[1, 2]]);
  });

  it("covers the built-in models: published (chi-square 19.57 on Table 1) and table1 (saturated)", () => {
    const pub = paramTable(structureOf(publishedSpec()));
    const plan = closedFormPlan(pub);
    expect(plan?.blocks.map((b) => b.eqs.length)).toEqual([4, 1]);
    expect(plan?.blocks.map((b) => b.saturated)).toEqual([true, false]);
    const t1 = structureOf(table1Spec());
    expect(closedFormPlan(paramTable(t1))?.blocks.every((b) => b.saturated)).toBe(true);
    const cov = fromRows(TABLE1_CORRELATIONS);
    for (const s of [structureOf(publishedSpec()), t1]) {
      const it = estimatePathModel(s, cov, 203, { method: "iterative", tolerance: 1e-12 });
      const cf = estimatePathModel(s, cov, 203);
      expect(it.ok && cf.ok).toBe(true);
      if (it.ok && cf.ok) expect(differences(it.report, cf.report)).toEqual([]);
    }
    const t1fit = estimatePathModel(t1, cov, 203);
    expect(t1fit.ok && t1fit.report.fit.chisq).toBe(0);
    const pubFit = estimatePathModel(structureOf(publishedSpec()), cov, 203);
    expect(pubFit.ok && pubFit.report.fit.chisq).toBeCloseTo(19.5716, 4);
    const mi = pubFit.ok ? pubFit.report.modification.find((m) => m.from === "IMO") : undefined;
    expect(mi?.mi).toBeCloseTo(18.363, 3);
  });

  it("gives the lazily computed expected information of Fisher scoring", () => {
    const s = structureOf(publishedSpec());
    const cov = fromRows(TABLE1_CORRELATIONS);
    const it = fitML(s, cov, 203, { method: "iterative", tolerance: 1e-12 });
    const cf = fitML(s, cov, 203);
    expect(it.ok && cf.ok).toBe(true);
    if (!it.ok || !cf.ok) return;
    expect(cf.result.method).toBe("closed-form");
    const a = it.result.information;
    const b = cf.result.information;
    let worst = 0;
    for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
    expect(worst).toBeLessThan(1e-10);
  });
});

describe("the closed form's delta method (row plans from the model's structure)", () => {
  it("gives bit for bit the rows of the general loop over the full vcov, on 150 random models", () => {
    let models = 0;
    for (let seed = 1; models < 150; seed++) {
      const m = randomModel(seed, false);
      const table = paramTable(m.structure);
      const n = sizeOf(seed);
      const fit = fitML(table, randomCovariance(seed, table.p, n), n);
      if (!fit.ok) continue;
      expect(fit.result.method).toBe("closed-form");
      // a plain copy is not a ClosedFormResult: parameterEstimates scans the full vcov
      const plain = { ...fit.result, information: new Float64Array(0) };
      expect(parameterEstimates(fit.result)).toEqual(parameterEstimates(plain));
      for (const kind of ["path", "variance", "covariance"] as const)
        expect(parameterEstimates(fit.result, kind)).toEqual(parameterEstimates(plain, kind));
      models++;
    }
  });
});

describe("the report's rows computed when first read", () => {
  it("equal the rows of parameterEstimates (same numbers), and JSON has every field in order", () => {
    const model = buildModelOrThrow(publishedSpec());
    const structure = structureOf(model.spec);
    const r = estimatePathModel(structure, model.Sigma, 203, { modification: false });
    const fit = fitML(structure, model.Sigma, 203);
    if (!r.ok || !fit.ok) throw new Error("fit failed");
    const all = parameterEstimates(fit.result);
    expect(r.report.covariances).toEqual(all.filter((x) => x.kind === "covariance"));
    expect(r.report.variances).toEqual(all.filter((x) => x.kind === "variance"));
    expect(r.report.paths.map(({ hypothesis: _h, verdict: _v, ...x }) => x)).toEqual(
      all.filter((x) => x.kind === "path"),
    );
    expect(Object.keys(JSON.parse(JSON.stringify(r.report)))).toEqual([
      "n",
      "alpha",
      "paths",
      "covariances",
      "variances",
      "r2",
      "fit",
      "modification",
      "iterations",
    ]);
  });
});
