import { describe, expect, it } from "vitest";
import baseline from "../scenarios/baseline.json";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { fitToTable1, reestimate, scenarioSpec, setPath } from "../web/pathModel/compute.ts";
import { edgeGeometry, nodePositions, pathColour, pathWidth } from "../web/pathModel/layout.ts";

const parse = (s: unknown) => {
  const v = validateScenario(s);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.scenario;
};

describe("path-model view model", () => {
  it("scales: width grows with |coefficient| and is clamped; colour encodes the sign", () => {
    expect(pathWidth(0)).toBe(1.5);
    expect(pathWidth(0.3)).toBeCloseTo(8.75, 10);
    expect(pathWidth(0.6)).toBe(16);
    expect(pathWidth(0.95)).toBe(16);
    expect(pathColour(0.2)).toBe("#0072B2");
    expect(pathColour(-0.2)).toBe("#D55E00");
  });

  it("lays out Figure 1 as three columns, culture left, PERF right", () => {
    const pos = nodePositions(CONSTRUCTS);
    expect(pos.get("IEO")!.x).toBeLessThan(pos.get("GTC")!.x);
    expect(pos.get("GTC")!.x).toBeLessThan(pos.get("PERF")!.x);
    expect(pos.get("GTC")!.x).toBe(pos.get("LFDC")!.x);
    const ys = ["GTC", "UPD", "QF", "LFDC"].map((k) => pos.get(k)!.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    const g = edgeGeometry(pos.get("IEO")!, pos.get("GTC")!, 0.5);
    expect(g.x1).toBe(pos.get("IEO")!.x + 59);
    expect(g.x2).toBe(pos.get("GTC")!.x - 59);
  });

  it("setPath accepts a possible coefficient and refuses an impossible one with the reason", () => {
    const base = baseline as ScenarioInput;
    const ok = setPath(base, "IEO->GTC", 0.5);
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      const spec = scenarioSpec(parse(ok.scenario));
      expect(spec.paths.find((p) => p.from === "IEO" && p.to === "GTC")!.value).toBe(0.5);
    }
    const bad = setPath(base, "IEO->GTC", 0.97);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/IEO → GTC = 0.97: .*residual variance of -0\.\d+/);
    const nan = setPath(base, "IEO->GTC", Number.NaN);
    expect(nan.ok).toBe(false);
  });

  it("re-estimates all 12 hypotheses from a virtual survey, deterministic in the seed", () => {
    const s = parse(baseline);
    const a = reestimate(s, 203, 1);
    const b = reestimate(s, 203, 1);
    const c = reestimate(s, 203, 2);
    expect(a.rows).toHaveLength(12);
    expect(a).toEqual(b);
    expect(a.rows[0].est).not.toBe(c.rows[0].est);
    const h1a = a.rows.find((r) => r.hypothesis === "H1a")!;
    expect(h1a.paper).toBe(0.28);
    expect(h1a.population).toBe(0.28);
    expect(h1a.lo).toBeLessThan(h1a.est);
    expect(h1a.hi).toBeGreaterThan(h1a.est);
    // 95% Wald interval: half-width = 1.96 * SE
    expect((h1a.hi - h1a.lo) / 2).toBeGreaterThan(0.08);
    expect((h1a.hi - h1a.lo) / 2).toBeLessThan(0.2);
    // a huge survey recovers the population value
    const big = reestimate(s, 5000, 3).rows.find((r) => r.hypothesis === "H3b")!;
    expect(Math.abs(big.est - 0.35)).toBeLessThan(0.05);
  });

  it("fits the published structure to Table 1 with a misfit chi-square on 2 df", () => {
    const f = fitToTable1(scenarioSpec(parse(baseline)));
    if ("error" in f) throw new Error(f.error);
    // published model: no direct IEO/IMO -> PERF paths, so 2 df at n = 203
    expect(f.df).toBe(2);
    expect(f.chisq).toBeGreaterThan(0);
    expect(f.cfi).toBeGreaterThan(0.8);
    expect(f.cfi).toBeLessThanOrEqual(1);
    expect(f.maxResidual).toBeGreaterThan(0);
    expect(f.maxResidual).toBeLessThan(0.3);
    const t1 = fitToTable1(scenarioSpec(parse({ model: { base: "table1" } })));
    if ("error" in t1) throw new Error(t1.error);
    expect(t1.df).toBe(0);
    expect(t1.maxResidual).toBeLessThan(1e-9);
  });

  it("a full virtual survey mails the frame and analyses about n usable answers", () => {
    const s = parse(baseline);
    const r = reestimate(s, 203, 1, true);
    expect(r.n).toBe(203);
    expect(r.mailed).toBeGreaterThanOrEqual(900);
    expect(r.responded).toBeGreaterThanOrEqual(203);
    expect(r.rows).toHaveLength(12);
    const direct = reestimate(s, 203, 1, false);
    expect(direct.mailed).toBeNull();
    expect(direct.rows[0].est).not.toBe(r.rows[0].est);
  });
});
