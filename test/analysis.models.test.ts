import { describe, expect, it } from "vitest";
import { resultOfRecord } from "../sim/core/montecarlo/finalise.ts";
import { analysesOfRecord, isAnalysisKey } from "../sim/core/montecarlo/rows.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import { runReplication } from "../src/replication.ts";
import { validateScenario } from "../src/scenario/validate.ts";

const scenario = (extra: Record<string, unknown>) => {
  const r = validateScenario({
    seed: 11,
    model: { base: "table1" },
    population: { firms: 250 },
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
};

const PUBLISHED_SYNTAX = `
# the published model, written out
GTC ~ IEO + IMO
UPD ~ IEO + IMO
QF ~ IEO + IMO
LFDC ~ IEO + IMO
PERF ~ GTC + UPD + QF + LFDC
GTC ~~ UPD + QF + LFDC
UPD ~~ QF + LFDC
QF ~~ LFDC`;

describe("scenario analysis section", () => {
  it("is absent by default, and then a replication carries no analyses", () => {
    const s = scenario({});
    expect(s.analysis).toBeUndefined();
    const r = runReplication(s, 0);
    expect(r.analyses).toBeUndefined();
    expect(flattenResult(r).keys.some((k) => isAnalysisKey(k))).toBe(false);
  });

  it("refuses bad syntax (with line and column), duplicate and reserved names", () => {
    const bad = validateScenario({ analysis: [{ name: "x", model: "PERF ~ IEO +" }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues[0].path).toBe("analysis[0].model");
      expect(bad.issues[0].message).toMatch(/line 1, column/);
    }
    const unknown = validateScenario({ analysis: [{ name: "x", model: "PERF ~ SIZE" }] });
    expect(!unknown.ok && unknown.issues[0].message).toMatch(/unknown variable "SIZE"/);
    const dup = validateScenario({
      analysis: [
        { name: "a", model: "published" },
        { name: "a", model: "table1" },
      ],
    });
    expect(!dup.ok && dup.issues[0].message).toMatch(/listed twice/);
    for (const name of ["fit", "outcome", "generating", "Pub", "a.b"])
      expect(validateScenario({ analysis: [{ name }] }).ok).toBe(false);
  });

  it("fits each analysis model to the same data as the generating model", () => {
    const s = scenario({
      analysis: [
        { name: "truth", model: "table1" },
        { name: "pub", model: "published" },
        { name: "pubsyntax", model: PUBLISHED_SYNTAX },
      ],
    });
    const r = runReplication(s, 3);
    const [truth, pub, syn] = r.analyses!;
    // the generating model again: the same numbers as the replication's own fit
    expect(truth.fit.chisq).toBeCloseTo(r.fit.chisq, 10);
    for (const p of r.paths) {
      const q = truth.paths.find((x) => x.label === p.label)!;
      expect(q.est).toBeCloseTo(p.est, 10);
      expect(q.population).toBe(p.population);
    }
    // the published model: no direct paths, df 2; population values from the truth
    expect(pub.fit.df).toBe(2);
    expect(pub.paths.map((p) => p.label)).not.toContain("IMO->PERF");
    const h5c = pub.paths.find((p) => p.hypothesis === "H5c")!;
    expect(h5c.population).toBe(r.paths.find((p) => p.hypothesis === "H5c")!.population);
    // syntax and the built-in name give the same fit
    expect(syn.fit.chisq).toBeCloseTo(pub.fit.chisq, 8);
    for (const p of pub.paths)
      expect(syn.paths.find((x) => x.label === p.label)!.std).toBeCloseTo(p.std, 8);
  });

  it("MLR uses the raw columns and reports the scaled test; refused on the Wishart shortcut", () => {
    const s = scenario({ analysis: [{ name: "pub", model: "published", estimator: "MLR" }] });
    const r = runReplication(s, 1);
    const a = r.analyses![0];
    expect(a.scaled).toBeDefined();
    expect(a.scaled!.chisq).toBeGreaterThan(0);
    const wishart = scenario({
      survey: {
        enabled: true,
        level: "composites",
        measurementError: false,
        frame: { minExportShare: 0 },
      },
      analysis: [{ name: "pub", model: "published", estimator: "MLR" }],
    });
    expect(() => runReplication(wishart, 0)).toThrow(/analysis "pub": MLR needs raw data/);
  });

  it("a flattened record gives back the same analyses, and the generating paths ignore them", () => {
    const s = scenario({
      analysis: [
        { name: "pub", model: "published", estimator: "MLR" },
        { name: "t1", model: "table1" },
      ],
    });
    const r = runReplication(s, 2);
    const flat = flattenResult(r, { stdSe: true });
    expect(flat.keys).toContain("pub.GTC->PERF.est");
    expect(flat.keys).toContain("pub.fit.chisq");
    expect(flat.keys).toContain("pub.scaled.pvalue");
    const back = resultOfRecord(2, flat.keys, flat.values);
    expect(back.paths).toEqual(r.paths);
    expect(analysesOfRecord(flat.keys, flat.values, s.analysis!)).toEqual(r.analyses);
  });
});
