import { Matrix, inverse as mlInverse, solve } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { buildModel, customSpec, publishedSpec, table1Spec } from "../src/model/index.ts";
import type { ModelSpec } from "../src/model/spec.ts";
import { CONSTRUCTS, TABLE1_CORRELATIONS, TABLE2 } from "../src/paper/index.ts";

const ok = (spec: ModelSpec) => {
  const r = buildModel(spec);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.model;
};
const ix = (v: string) => CONSTRUCTS.indexOf(v as never);

describe("structural model", () => {
  it("published: Table 2 paths; IEO-IMO and strategy intercorrelations equal Table 1", () => {
    const m = ok(publishedSpec());
    expect(m.spec.paths.length).toBe(12);
    const pairs = [
      ["IEO", "IMO"],
      ["GTC", "UPD"],
      ["GTC", "QF"],
      ["GTC", "LFDC"],
      ["UPD", "QF"],
      ["UPD", "LFDC"],
      ["QF", "LFDC"],
    ];
    for (const [a, b] of pairs)
      expect(m.Sigma[ix(a) * 7 + ix(b)]).toBeCloseTo(TABLE1_CORRELATIONS[ix(a)][ix(b)], 12);
    for (let i = 0; i < 7; i++) expect(m.Sigma[i * 8]).toBeCloseTo(1, 12);
    // the published model cannot reproduce PERF's correlation with IMO (0.49 in Table 1)
    expect(m.Sigma[ix("PERF") * 7 + ix("IMO")]).toBeCloseTo(0.2748, 3);
  });

  it("table1: reproduces all 21 correlations of Table 1 exactly", () => {
    const m = ok(table1Spec());
    expect(m.spec.paths.length).toBe(14);
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++)
        expect(m.Sigma[i * 7 + j]).toBeCloseTo(TABLE1_CORRELATIONS[i][j], 12);
  });

  it("custom: implied matrix agrees with an independent computation (ml-matrix, population regressions)", () => {
    const spec = customSpec("published", {
      paths: { "IMO->PERF": 0.2, "LFDC->QF": 0.15, "IEO->LFDC": null },
      correlations: { "QF~~LFDC": null },
    });
    const m = ok(spec);
    // independent: Sigma = (I - B)^-1 Psi (I - B)^-T with ml-matrix
    const B = Matrix.zeros(7, 7);
    for (const p of spec.paths) B.set(ix(p.to), ix(p.from), p.value);
    const A = mlInverse(Matrix.eye(7).sub(B));
    const Psi = new Matrix(
      Array.from({ length: 7 }, (_, i) => Array.from(m.Psi.subarray(i * 7, i * 7 + 7))),
    );
    const S2 = A.mmul(Psi).mmul(A.transpose());
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++) expect(m.Sigma[i * 7 + j]).toBeCloseTo(S2.get(i, j), 12);
    // unit variances, and each equation's population regression on its parents returns the spec's coefficients
    for (let i = 0; i < 7; i++) expect(S2.get(i, i)).toBeCloseTo(1, 12);
    for (const to of ["GTC", "UPD", "QF", "LFDC", "PERF"]) {
      const parents = spec.paths.filter((p) => p.to === to);
      const idx = parents.map((p) => ix(p.from));
      const sxx = new Matrix(idx.map((a) => idx.map((b) => S2.get(a, b))));
      const sxy = Matrix.columnVector(idx.map((a) => S2.get(a, ix(to))));
      const beta = solve(sxx, sxy);
      parents.forEach((p, k) => expect(beta.get(k, 0)).toBeCloseTo(p.value, 10));
    }
    expect(m.Sigma[ix("GTC") * 7 + ix("UPD")]).toBeCloseTo(0.44, 12);
  });

  it("rejects a residual variance <= 0 and names the paths", () => {
    const r = buildModel(customSpec("published", { paths: { "GTC->PERF": 0.9, "QF->PERF": 0.8 } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].where).toBe("PERF");
    expect(r.errors[0].message).toMatch(/GTC->PERF = 0\.9/);
    expect(r.errors[0].message).toMatch(/residual variance of -/);
  });

  it("rejects impossible correlations (non-positive-definite residual matrix) and names them", () => {
    const r = buildModel(
      customSpec("published", {
        correlations: { "GTC~~UPD": 0.9, "GTC~~QF": 0.9, "UPD~~QF": -0.9 },
      }),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].message).toMatch(/not positive definite/);
    expect(r.errors[0].message).toMatch(/GTC~~UPD/);
  });

  it("rejects a cycle and names it", () => {
    const r = buildModel(customSpec("published", { paths: { "PERF->IEO": 0.1 } }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].message).toMatch(/cycle/);
    expect(r.errors[0].message).toMatch(/PERF -> IEO/);
  });

  it("rejects unknown variables and out-of-range values", () => {
    const r = buildModel({
      ...publishedSpec(),
      paths: [...publishedSpec().paths, { from: "IEO", to: "SIZE", value: 1.2 }],
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message).join()).toMatch(/unknown variable "SIZE"/);
    expect(r.errors.map((e) => e.message).join()).toMatch(/must lie in \(-1, 1\)/);
  });

  it("every Table 2 coefficient is a path of the published specification", () => {
    const spec = publishedSpec();
    for (const t of TABLE2)
      expect(spec.paths.find((p) => p.from === t.from && p.to === t.to)?.value).toBe(t.coefficient);
  });
});
