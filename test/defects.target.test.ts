import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

// Issue 11 item 6: bgsim power --target 0.8 --for H4a (required-n search). Small replication
// counts to keep the tests short: 300 per n tried on the Wishart shortcut, 100 on the paper's
// item-level survey; the returned n's Monte Carlo power interval must contain 0.8.

interface Target {
  command: string;
  n: number;
  power: number;
  power_se: number;
  power_ci95: [number, number];
  n_se: number;
  analytic: { n: number; est: number; se1: number };
  steps: { n: number; power: number }[];
  converged: boolean;
  scenario_hash: string;
  version: string;
  seed: number;
}

const power = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).points[0].summary.paths.find(
    (p: { hypothesis: string }) => p.hypothesis === "H4a",
  ).power as number;

describe("bgsim power --target 0.8 --for H4a", () => {
  it("composites without error or selection: analytic guess ~ Monte Carlo; the n found has power 0.8 (also on fresh replications)", () => {
    const dir = tmp("bgsim-target-");
    const sc = join(dir, "h4a.json");
    writeFileSync(
      sc,
      JSON.stringify({
        name: "h4a-composites",
        seed: 2004,
        replications: 1,
        model: { base: "published" },
        survey: {
          enabled: true,
          level: "composites",
          measurementError: false,
          frame: { minExportShare: 0 },
          mailed: 203,
          responseRate: 1,
          n: 203,
        },
      }),
    );
    const r = bgsim(
      "power",
      sc,
      "--target",
      "0.8",
      "--for",
      "H4a",
      "--reps",
      "300",
      "--out",
      join(dir, "t"),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Required n for power 0\.8 on H4a \(IEO->LFDC\)/);
    const t = JSON.parse(readFileSync(join(dir, "t", "target.json"), "utf8")) as Target;
    expect(t.converged).toBe(true);
    expect(t.power).toBeGreaterThanOrEqual(0.8);
    expect(t.power_ci95[0]).toBeLessThanOrEqual(0.8);
    expect(t.power_ci95[1]).toBeGreaterThanOrEqual(0.8);
    // the Wald guess is close here (no attenuation, no selection): within 15%
    expect(Math.abs(t.n - t.analytic.n) / t.analytic.n).toBeLessThan(0.15);
    // fresh replications (another block of streams) at the n found: 95% interval holds 0.8
    const f = bgsim(
      "power",
      sc,
      "--n",
      String(t.n),
      "--reps",
      "1000",
      "--start",
      "50000",
      "--quiet",
      "--out",
      join(dir, "f"),
    );
    expect(f.code, f.err).toBe(0);
    const p = power(join(dir, "f"));
    expect(Math.abs(p - 0.8)).toBeLessThan(1.96 * Math.sqrt((0.8 * 0.2) / 1000));
    const csv = readFileSync(join(dir, "t", "target.csv"), "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).toBe("step,n,reps,significant,failed,power,power_se,analytic_power");
    expect(csv).toHaveLength(1 + t.steps.length);
  }, 120_000);

  it("the paper's item-level survey (baseline, 100 replications per n): the interval contains 0.8", () => {
    const dir = tmp("bgsim-target-");
    const r = bgsim(
      "power",
      "scenarios/baseline.json",
      "--target",
      "0.8",
      "--for",
      "IEO->LFDC",
      "--reps",
      "100",
      "--quiet",
      "--out",
      dir,
    );
    expect(r.code, r.err).toBe(0);
    const t = JSON.parse(readFileSync(join(dir, "target.json"), "utf8")) as Target;
    expect(t.command).toBe("power --target");
    expect(t.seed).toBe(2004);
    expect(t.power_ci95[0]).toBeLessThanOrEqual(0.8);
    expect(t.power_ci95[1]).toBeGreaterThanOrEqual(0.8);
    expect(t.n_se).toBeGreaterThan(0);
    // measurement error and selection: more than the Wald guess from the population fit
    expect(t.n).toBeGreaterThan(t.analytic.n);
  }, 120_000);

  it("refuses grid options, untestable model tests and unknown targets", () => {
    const dir = tmp("bgsim-target-");
    for (const [args, msg] of [
      [["--target", "0.8", "--for", "H4a", "--n", "100"], /--n cannot be combined/],
      [["--target", "0.8", "--for", "H9"], /expected a hypothesis/],
      [["--target", "0.8", "--for", "chisq"], /model "table1" is saturated \(df = 0\)/],
      [["--target", "0.8", "--for", "chisq.scaled"], /needs an analysis model with estimator MLR/],
      [["--target", "0.8", "--for", "nope.chisq"], /no model "nope"; the models are generating/],
      [["--target", "1.5", "--for", "H4a"], /--target = "1.5"/],
      [["--for", "H4a"], /needs --target/],
    ] as [string[], RegExp][]) {
      // extra-direct-paths: "chisq" is its first analysis model's test, table1's (saturated)
      const file = args.includes("chisq")
        ? "scenarios/misspecified/extra-direct-paths.json"
        : "scenarios/baseline.json";
      const r = bgsim("power", file, ...args, "--out", join(dir, "x"));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });
});
