import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { powerRows, powerSweep, runPower } from "../sim/core/montecarlo/power.ts";
import { validateScenario } from "../src/scenario/validate.ts";

const base = (() => {
  const r = validateScenario({
    seed: 7,
    survey: { enabled: true, level: "composites", frame: { minExportShare: 0 } },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
})();

/** The validated scenario of each point of a power grid. */
const pointScenarios = (axes: Parameters<typeof powerSweep>[1]) => {
  const v = powerSweep(base, axes, 1);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const plan = buildPlan(v.sweep);
  return plan.points.map((_, p) => {
    const s = plan.scenarioAt(p);
    if (!s.ok) throw new Error(s.message);
    return s.scenario;
  });
};

describe("power curves (a power sweep run in the pool)", () => {
  it("power rises with n for every hypothesis", async () => {
    const pts = await runPower(base, [{ name: "n", values: [100, 400] }], 300);
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
  }, 60_000);

  it("the mailing grows with n at the design's 900/203 ratio; bad settings are refused with their field", () => {
    const [pt] = pointScenarios([{ name: "n", values: [400] }]);
    expect(pt.survey.mailed).toBe(Math.ceil((400 * 900) / 203));
    const bad = powerSweep(base, [{ name: "reliability", values: [0.999] }], 10);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.issues[0].path).toBe("design.factors[0].levels[0]");
      expect(bad.issues[0].message).toMatch(/reliability = 0.999 .*survey\.targetReliability/);
    }
  });

  it("a weaker coefficient has less power, and a common-method factor inflates H5 estimates", async () => {
    const coef = await runPower(
      base,
      [{ name: "coef", path: "IEO->LFDC", values: [0.05, 0.25] }],
      200,
    );
    const h4a = (i: number) => coef[i].summary.paths.find((p) => p.hypothesis === "H4a")!;
    expect(h4a(0).population).toBe(0.05);
    expect(h4a(1).power).toBeGreaterThan(h4a(0).power + 0.3);
    const cmv = await runPower(base, [{ name: "cmv", values: [0, 0.5] }], 200);
    const h5 = (i: number) => cmv[i].summary.paths.filter((p) => p.hypothesis?.startsWith("H5"));
    const meanEst = (i: number) => h5(i).reduce((s, p) => s + p.mean_estimate, 0) / 4;
    expect(meanEst(1)).toBeGreaterThan(meanEst(0));
  }, 60_000);
});

describe("power grid design points", () => {
  it("the n axis at the scenario's own n leaves the scenario unchanged (same replications)", () => {
    const [pt] = pointScenarios([{ name: "n", values: [203] }]);
    expect(pt.survey.mailed).toBe(900);
    const [plain] = pointScenarios([]);
    expect(pt).toEqual(plain);
  });

  it("every setting edits the fields power's grid always edited", () => {
    const [pt] = pointScenarios([
      { name: "coef", path: "IEO->LFDC", values: [0.3] },
      { name: "reliability", values: [0.7] },
      { name: "cmv", values: [0.2] },
      { name: "bias", values: [0.4] },
      { name: "cutoff", values: [0.25] },
    ]);
    expect(pt.model.paths?.["IEO->LFDC"]).toBe(0.3);
    expect(pt.survey).toMatchObject({
      enabled: true,
      loadings: "scaled",
      targetReliability: 0.7,
      methodFactor: 0.2,
      responseBias: { on: "performance", strength: 0.4 },
    });
    expect(pt.survey.frame.minExportShare).toBe(0.25);
    expect(pt.seed).toBe(base.seed);
  });
});
