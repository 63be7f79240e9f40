import { describe, expect, it } from "vitest";
import { designPoints, powerRows, runPower } from "../sim/core/montecarlo/power.ts";
import { validateScenario } from "../src/scenario/validate.ts";

const base = (() => {
  const r = validateScenario({
    seed: 7,
    survey: { enabled: true, level: "composites", frame: { minExportShare: 0 } },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
})();

describe("power curves", () => {
  it("power rises with n for every hypothesis", () => {
    const pts = runPower(base, [{ name: "n", values: [100, 400] }], 300);
    expect(pts).toHaveLength(2);
    const [small, large] = pts;
    expect(small.summary.model.mean_n).toBeLessThanOrEqual(100);
    expect(large.summary.model.mean_n).toBeGreaterThan(380);
    for (const p of small.summary.paths) {
      const q = large.summary.paths.find((x) => x.path === p.path)!;
      expect(q.power).toBeGreaterThan(p.power);
    }
    const rows = powerRows(pts);
    expect(rows).toHaveLength(24);
    expect(rows[0]).toHaveProperty("set_n", 100);
  });

  it("the mailing grows with n at the design's 900/203 ratio; bad points are refused with their field", () => {
    const pts = designPoints(base, [{ name: "n", values: [400] }]);
    expect(pts[0].scenario.survey.mailed).toBe(Math.ceil((400 * 900) / 203));
    expect(() => designPoints(base, [{ name: "reliability", values: [0.999] }])).toThrow(
      /reliability = 0.999 is invalid:\n {2}survey\.targetReliability/,
    );
  });

  it("a weaker coefficient has less power, and a common-method factor inflates H5 estimates", () => {
    const coef = runPower(base, [{ name: "coef", path: "IEO->LFDC", values: [0.05, 0.25] }], 200);
    const h4a = (i: number) => coef[i].summary.paths.find((p) => p.hypothesis === "H4a")!;
    expect(h4a(0).population).toBe(0.05);
    expect(h4a(1).power).toBeGreaterThan(h4a(0).power + 0.3);
    const cmv = runPower(base, [{ name: "cmv", values: [0, 0.5] }], 200);
    const h5 = (i: number) => cmv[i].summary.paths.filter((p) => p.hypothesis?.startsWith("H5"));
    const meanEst = (i: number) => h5(i).reduce((s, p) => s + p.mean_estimate, 0) / 4;
    expect(meanEst(1)).toBeGreaterThan(meanEst(0));
  });
});

describe("power grid design points", () => {
  it("the n axis at the scenario's own n leaves the scenario unchanged (same replications)", () => {
    const [pt] = designPoints(base, [{ name: "n", values: [203] }]);
    expect(pt.scenario.survey.mailed).toBe(900);
    const [plain] = designPoints(base, []);
    expect(pt.scenario).toEqual(plain.scenario);
  });
});
