import { describe, expect, it } from "vitest";
import { compareScenarios, comparisonSummary } from "../sim/node/cli/commands/compare.ts";
import { tCritical } from "../src/math/tDistribution.ts";
import {
  analystSummary,
  decimalsFor,
  describePolicy,
  fiellerRatio,
  formatNumber,
  policyMetrics,
} from "../src/pipeline/policyMetrics.ts";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { simulateForView } from "../web/dynamics/summarise.ts";
import { costRows, POLICIES, policyScenario, rowText } from "../web/whatIf/compare.ts";

const scenario = (input: ScenarioInput) => {
  const v = validateScenario(input);
  if (!v.ok) throw new Error("invalid scenario");
  return v.scenario;
};

describe("Fieller interval of a ratio of paired means", () => {
  it("solves |mean(x) - rho mean(y)| = t SE(mean(x) - rho mean(y)) at both bounds", () => {
    const x = [100, 120, 90, 110, 105, 95];
    const y = [10, 13, 8, 12, 11, 9];
    const r = fiellerRatio(x, y);
    expect(r.bounded).toBe(true);
    expect(r.estimate).toBeCloseTo(620 / 63, 12);
    const t = tCritical(5);
    for (const rho of [r.lo, r.hi]) {
      const d = x.map((v, i) => v - rho * y[i]);
      const m = d.reduce((a, b) => a + b, 0) / 6;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / 5);
      expect(Math.abs(m)).toBeCloseTo((t * sd) / Math.sqrt(6), 9);
    }
    expect(r.lo).toBeLessThan(r.estimate);
    expect(r.hi).toBeGreaterThan(r.estimate);
  });
  it("is unbounded when the denominator's own interval contains 0", () => {
    const r = fiellerRatio([5, 6, 5, 7], [1, -1, 2, -1.5]);
    expect(r.bounded).toBe(false);
    expect(r.lo).toBe(Number.NEGATIVE_INFINITY);
    expect(r.hi).toBe(Number.POSITIVE_INFINITY);
  });
  it("collapses to the ratio without variation", () => {
    const r = fiellerRatio([6, 6, 6], [2, 2, 2]);
    expect([r.estimate, r.lo, r.hi]).toEqual([3, 3, 3]);
  });
});

describe("one number format in the What-if table", () => {
  it("shares in percent and percentage points, the interval with the difference's decimals", () => {
    const t = rowText({
      pct: true,
      baseline: 0.1771,
      policy: 0.2033,
      diff: 0.02621,
      lo: 0.02372,
      hi: 0.02871,
    });
    expect(t).toEqual({ baseline: "17.7%", policy: "20.3%", diff: "+2.6 pp", ci: "[2.4, 2.9]" });
  });
  it("thousands separators, true minus signs, same decimals ('−517.67 [−1,360, 324.78]' before)", () => {
    const t = rowText({
      pct: false,
      baseline: 48_211.4,
      policy: 47_693.7,
      diff: -517.67,
      lo: -1360.1,
      hi: 324.78,
    });
    expect(t).toEqual({
      baseline: "48,211",
      policy: "47,694",
      diff: "\u2212518",
      ci: "[\u22121,360, 325]",
    });
    expect(decimalsFor(1.38, 1.4)).toBe(2);
    expect(formatNumber(-0.0001, 1, true)).toBe("0.0");
  });
});

describe("the analyst summary: bgsim compare --summary and the What-if view give the same sentence", () => {
  it("export promotion, 30% take-up, 12,000 firms, seed 2004, 3 replications", () => {
    const input: ScenarioInput = {
      name: "small",
      seed: 2004,
      mode: "dynamics",
      dynamics: { firms: 12_000 },
    };
    const a = scenario(input);
    const b = scenario(policyScenario(input, POLICIES[0], 0.3));
    const R = 3;
    // the CLI's code path: runReplication -> flattened outcome.<key> columns -> comparisonSummary
    const cli = compareScenarios(a, b, R, a.seed);
    const fromCli = comparisonSummary(a, b, cli);
    if ("missing" in fromCli) throw new Error(fromCli.missing);
    // the web's code path: the view's simulation -> the registry's outcomes in the ViewHistory
    const runs = (s: typeof a) =>
      Array.from({ length: R }, (_, r) => simulateForView(s, r, false).outcomes);
    const metrics = policyMetrics(runs(a), runs(b));
    const fromWeb = analystSummary(a, b, metrics);
    expect(fromWeb).toBe(fromCli.sentence);
    expect(metrics).toEqual(fromCli.metrics);

    // the sentence's numbers are bgsim compare's rows, rounded
    const row = (k: string) => cli.rows.find((x) => x.quantity === `outcome.${k}`)!;
    const share = row("dynamics.shareExporting");
    const pct = (x: number) => (100 * x).toFixed(1);
    const m = fromWeb.match(
      /^Treating 30% of eligible firms \(not yet exporting\) with export promotion from 1990 raises the share of firms exporting in 2002 from ([\d.]+)% to ([\d.]+)% \(\+([\d.]+) points, 95% CI ([\d.]+)–([\d.]+)\) at a cost of US\$ ([\d.,]+) m over the programme, about US\$ ([\d,]+) per additional exporter \(95% CI ([\d,]+)–([\d,]+)\)(?: and US\$ ([\d.]+) per additional US\$ of exports in 2002 \(95% CI ([\d.]+)–([\d.]+)\))?; 3 paired replications\.$/,
    );
    expect(m, fromWeb).not.toBeNull();
    if (!m) return;
    const dd = decimalsFor(100 * share.lo, 100 * share.hi, 1, 1);
    expect(m.slice(1, 6)).toEqual(
      [share.meanA, share.meanB, share.diff, share.lo, share.hi].map((x) => (100 * x).toFixed(dd)),
    );
    expect(dd).toBeGreaterThanOrEqual(1);
    expect(pct(share.meanA)).toBe(m[1]);
    const cost = row("dynamics.policyCostUsdM");
    expect(Number(m[6].replace(/,/g, ""))).toBeCloseTo(cost.diff, 0);
    const exporters = row("dynamics.exporters");
    const perExporter = (1e6 * cost.diff) / exporters.diff;
    const num = (s: string) => Number(s.replace(/,/g, ""));
    // 3 significant digits of the ratio of bgsim compare's mean differences
    expect(num(m[7])).toBe(Number(perExporter.toPrecision(3)));
    expect(num(m[8])).toBeLessThan(num(m[7]));
    expect(num(m[9])).toBeGreaterThan(num(m[7]));
    // the per-US$-of-exports clause is there exactly when its Fieller interval is bounded (at 3
    // replications of 12,000 firms the exports gain may not be distinguishable from 0)
    const perUsd = cost.diff / row("dynamics.exportsUsdM").diff;
    expect(m[10] !== undefined).toBe(metrics.costPerExportUsd.bounded);
    if (m[10] !== undefined) expect(Number(m[10])).toBe(Number(perUsd.toPrecision(3)));

    // the web's cost table holds the same ratios
    const rows = costRows(metrics, 2002);
    const c = rows.find((x) => x.key === "costPerAdditionalExporter")!;
    expect(c.estimate).toBeCloseTo(perExporter, 6);
    expect(c.lo).toBe(fromCli.metrics.costPerExporter.lo);
    expect(describePolicy(a, b).startYear).toBe(1990);
  }, 120_000);
});
