import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

// Issue 11 item 6: the required-n search for a model's chi-square test (bgsim power --target
// 0.8 --for chisq) and for an indirect effect, on scenarios/misspecified: the returned n's Monte
// Carlo power interval (Wilson 95%) contains the target, and the analytic first guess is
// reported beside it.

interface Target {
  path: string;
  n: number;
  power: number;
  power_ci95: [number, number];
  n_se: number;
  analytic: { kind?: string; model?: string; df?: number; f0?: number; n: number };
  steps: { n: number; power: number; analytic: number }[];
  converged: boolean;
  resolved_scenario: { estimation: { indirect?: boolean } };
}

const read = (dir: string) => JSON.parse(readFileSync(join(dir, "target.json"), "utf8")) as Target;

describe("bgsim power --target 0.8 --for chisq", () => {
  it("omitted direct paths: the published model's test; Monte Carlo interval holds 0.8, analytic guess reported", () => {
    const dir = join(tmp("bgsim-target-"), "t");
    const r = bgsim(
      "power",
      "scenarios/misspecified/omitted-direct-paths.json",
      "--target",
      "0.8",
      "--for",
      "chisq",
      "--reps",
      "400",
      "--quiet",
      "--out",
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('chi-square test of model "published"');
    expect(r.out).toMatch(
      /analytic first guess \(Satorra-Saris noncentral chi-square.*n0 = \d+ \(df 2/,
    );
    const t = read(dir);
    expect(t.analytic.kind).toBe("chisq");
    expect(t.analytic.model).toBe("published");
    expect(t.analytic.df).toBe(2);
    expect(t.converged).toBe(true);
    expect(t.power_ci95[0]).toBeLessThanOrEqual(0.8);
    expect(t.power_ci95[1]).toBeGreaterThanOrEqual(0.8);
    // composites without error or selection: the noncentral chi-square is accurate here
    expect(Math.abs(t.n - t.analytic.n) / t.analytic.n).toBeLessThan(0.1);
    expect(t.n_se).toBeGreaterThan(0);
    for (const st of t.steps) expect(Math.abs(st.power - st.analytic)).toBeLessThan(0.08);
    // the same model named explicitly gives the same search
    const again = join(tmp("bgsim-target-"), "t");
    const r2 = bgsim(
      "power",
      "scenarios/misspecified/omitted-direct-paths.json",
      "--target",
      "0.8",
      "--for",
      "published.chisq",
      "--reps",
      "400",
      "--quiet",
      "--out",
      again,
    );
    expect(r2.code, r2.err).toBe(0);
    expect(read(again).n).toBe(t.n);
  }, 120_000);

  it("an indirect effect (IMO_total): estimation.indirect is switched on, the interval holds 0.8", () => {
    const dir = join(tmp("bgsim-target-"), "t");
    const r = bgsim(
      "power",
      "scenarios/misspecified/omitted-direct-paths.json",
      "--target",
      "0.8",
      "--for",
      "IMO_total",
      "--reps",
      "300",
      "--quiet",
      "--out",
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const t = read(dir);
    expect(t.path).toBe("IMO_total");
    expect(t.resolved_scenario.estimation.indirect).toBe(true);
    expect(t.power_ci95[0]).toBeLessThanOrEqual(0.8);
    expect(t.power_ci95[1]).toBeGreaterThanOrEqual(0.8);
    expect(t.analytic.n).toBeGreaterThan(0);
  }, 120_000);
});
