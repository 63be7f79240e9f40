import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../src/measurement/model.ts";
import {
  fitWlsmv,
  type OrdinalSampleStats,
  ordinalSampleStats,
  type WlsmvEstimate,
  type WlsmvFitMeasures,
  wlsmvDiscriminantTests,
  wlsmvFitMeasures,
} from "../src/measurement/ordinal/index.ts";
import { paperCfaSpec } from "../src/measurement/paper.ts";

// Reference values: test/fixtures/lavaan/wlsmv.R (lavaan 0.6-14). wlsmv-sim.csv is read by no
// other test.
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/wlsmv.json", import.meta.url), "utf8"),
);

function readStats(file: string, names?: readonly string[]): OrdinalSampleStats {
  const lines = readFileSync(new URL(`./fixtures/lavaan/${file}`, import.meta.url), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((s) => s.replace(/"/g, ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const use = names ?? header;
  const r = ordinalSampleStats({
    names: use,
    columns: use.map((nm) => Float64Array.from(rows, (row) => row[header.indexOf(nm)])),
  });
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

const factors = [1, 2, 3, 4].map((f) => ({
  name: `f${f}`,
  indicators: [1, 2, 3, 4].map((k) => `z${4 * (f - 1) + k}`),
}));
const cfaSpec = (stdLv = false): ModelSpec => ({ factors, stdLv });
const semSpec: ModelSpec = { factors, regressions: [{ lhs: "f4", rhs: ["f1", "f3"] }] };
const sim = readStats("wlsmv-sim.csv");

function fitOrdinal(spec: ModelSpec, stats: OrdinalSampleStats): WlsmvEstimate {
  const o = fitWlsmv(spec, stats);
  if (!o.ok) throw new Error(o.message);
  return o.estimate;
}

const SCALED = [
  "chisq.scaled",
  "baseline.chisq.scaled",
  "baseline.chisq.scaling.factor",
  "cfi.scaled",
  "tli.scaled",
  "nnfi.scaled",
  "rni.scaled",
  "rmsea.scaled",
  "rmsea.ci.lower.scaled",
  "rmsea.ci.upper.scaled",
  "rmsea.pvalue.scaled",
] as const;
const UNSCALED = [
  "chisq",
  "baseline.chisq",
  "cfi",
  "tli",
  "nnfi",
  "rni",
  "rmsea",
  "rmsea.ci.lower",
  "rmsea.ci.upper",
  "rmsea.pvalue",
  "srmr",
] as const;
const ROBUST = [
  "cfi.robust",
  "tli.robust",
  "nnfi.robust",
  "rni.robust",
  "rmsea.robust",
  "rmsea.ci.lower.robust",
  "rmsea.ci.upper.robust",
  "rmsea.pvalue.robust",
] as const;

/** Largest relative (above 1) or absolute difference over the named fit measures. */
function worst(
  ours: WlsmvFitMeasures,
  theirs: Record<string, number>,
  names: readonly string[],
): { name: string; diff: number } {
  let w = { name: "", diff: 0 };
  for (const nm of names) {
    const a = ours[nm as keyof WlsmvFitMeasures];
    const b = theirs[nm];
    const d = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (!(d <= w.diff)) w = { name: nm, diff: d };
  }
  return w;
}

describe("WLSMV fit measures (lavaan's fitMeasures(), data no other test reads)", () => {
  for (const [key, spec] of [
    ["cfa", cfaSpec()],
    ["cfa_stdlv", cfaSpec(true)],
    ["sem", semSpec],
  ] as const) {
    it(`${key}: scaled, unscaled and robust CFI/TLI/RMSEA match lavaan`, () => {
      const e = fitOrdinal(spec, sim);
      const fm = wlsmvFitMeasures(e);
      const r = ref[key].fit;
      expect(fm.df).toBe(r.df);
      expect(fm["baseline.df"]).toBe(r["baseline.df"]);
      expect(fm.npar).toBe(r.npar);
      // measured: scaled <= 2e-8, unscaled <= 2e-8, robust <= 2e-8
      expect(worst(fm, r, SCALED).diff).toBeLessThan(1e-6);
      expect(worst(fm, r, UNSCALED).diff).toBeLessThan(1e-6);
      expect(worst(fm, r, ROBUST).diff).toBeLessThan(1e-6);
      // the model does not fit perfectly: the indices are not at their bounds
      expect(fm["cfi.scaled"]).toBeLessThan(0.99);
      expect(fm["rmsea.robust"]).toBeGreaterThan(0.02);
    });
  }
  it("the paper's CFA on 39 7-point items (n = 203): within 1e-4 of lavaan", () => {
    const ids = paperCfaSpec().factors.flatMap((f) => f.indicators);
    const e = fitOrdinal(paperCfaSpec(), readStats("cfa-survey-likert.csv", ids));
    const fm = wlsmvFitMeasures(e);
    const r = ref.paper.fit;
    // lavaan's polychoric optimiser stops ~3e-8 short on these data (ordinal.R): the chi-squares
    // differ by ~1e-5 of 457, the indices by less
    expect(worst(fm, r, SCALED).diff).toBeLessThan(1e-4);
    expect(worst(fm, r, UNSCALED).diff).toBeLessThan(1e-4);
    expect(worst(fm, r, ROBUST).diff).toBeLessThan(1e-4);
    expect(Math.abs(fm["cfi.scaled"] - r["cfi.scaled"])).toBeLessThan(1e-6);
    expect(Math.abs(fm["rmsea.scaled"] - r["rmsea.scaled"])).toBeLessThan(1e-6);
  });
  it("without the robust part (Monte Carlo loops) the robust indices are NaN, the rest equal", () => {
    const e = fitOrdinal(cfaSpec(), sim);
    const all = wlsmvFitMeasures(e);
    const fast = wlsmvFitMeasures(e, { robust: false });
    expect(fast["cfi.scaled"]).toBe(all["cfi.scaled"]);
    expect(fast["rmsea.scaled"]).toBe(all["rmsea.scaled"]);
    expect(fast["cfi.robust"]).toBeNaN();
  });
});

interface RefTest {
  a: string;
  b: string;
  chisq_free: number;
  chisq_fixed: number;
  chisq_diff: number;
  pvalue: number;
  scale: number;
}

describe("WLSMV discriminant validity: lavTestLRT's scaled difference test (satorra.2000)", () => {
  it("every pair of the 4-factor model matches lavaan's Chisq diff and p", () => {
    const e = fitOrdinal(cfaSpec(true), sim);
    const tests = wlsmvDiscriminantTests(cfaSpec(true), e);
    const rt = ref.discriminant as RefTest[];
    expect(tests.map((t) => `${t.a}-${t.b}`)).toEqual(rt.map((t) => `${t.a}-${t.b}`));
    tests.forEach((t, k) => {
      expect(t.failure).toBeUndefined();
      expect(Math.abs(t.chisqFixed - rt[k].chisq_fixed) / rt[k].chisq_fixed).toBeLessThan(1e-6);
      expect(Math.abs(t.scale - rt[k].scale)).toBeLessThan(1e-6);
      expect(Math.abs(t.deltaChisq - rt[k].chisq_diff)).toBeLessThan(1e-4);
      expect(Math.abs(t.pvalue - rt[k].pvalue)).toBeLessThan(1e-6);
    });
    // f2-f3 (population correlation .6 plus the cross-loading) is the closest pair
    expect(tests.find((t) => t.a === "f2" && t.b === "f3")!.deltaChisq).toBeLessThan(10);
  });
  it("the paper's 21 pairs on the 39 items match lavaan to 1e-4 (relative)", () => {
    const ids = paperCfaSpec().factors.flatMap((f) => f.indicators);
    const stats = readStats("cfa-survey-likert.csv", ids);
    const e = fitOrdinal(paperCfaSpec(true), stats);
    const tests = wlsmvDiscriminantTests(paperCfaSpec(true), e);
    const rt = ref.paper_discriminant as RefTest[];
    expect(tests).toHaveLength(21);
    let worstDiff = 0;
    tests.forEach((t, k) => {
      expect(`${t.a}-${t.b}`).toBe(`${rt[k].a}-${rt[k].b}`);
      worstDiff = Math.max(worstDiff, Math.abs(t.deltaChisq - rt[k].chisq_diff) / rt[k].chisq_diff);
    });
    expect(worstDiff).toBeLessThan(1e-4);
    expect(tests.every((t) => t.distinct)).toBe(true);
  }, 120_000);
});
