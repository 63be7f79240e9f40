import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashOf } from "../sim/core/output/hash.ts";
import { VERSION } from "../sim/core/version.ts";
import { parse } from "../sim/node/cli/command.ts";
import { COMMANDS } from "../sim/node/cli/registry.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

// Issue 11 item 8: column naming in survey/power outputs, provenance in every output
// directory, negative numbers in every numeric flag.

function csv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

/** z = estimate / se within each test's group of columns. */
function expectTestsStandTogether(rows: Record<string, string>[]) {
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(Number(r.z)).toBeCloseTo(Number(r.est) / Number(r.se), 8);
    expect(Number(r.std_z)).toBeCloseTo(Number(r.std) / Number(r.std_se), 8);
    for (const k of ["p", "std_p"]) expect(Number(r[k])).toBeGreaterThanOrEqual(0);
  }
}

describe("survey and power outputs: est, se, z, p and std, std_se, std_z, std_p", () => {
  it("bgsim survey: estimates.csv columns; survey.json has the resolved scenario, its hash, version, seed", () => {
    const out = tmp("bgsim-defects-");
    const r = bgsim("survey", "scenarios/baseline.json", "--out", out);
    expect(r.code, r.err).toBe(0);
    const rows = csv(join(out, "estimates.csv"));
    expect(Object.keys(rows[0])).toEqual([
      "hypothesis",
      "path",
      "population",
      "est",
      "se",
      "z",
      "p",
      "verdict",
      "std",
      "std_se",
      "std_z",
      "std_p",
      "paper_coefficient",
      "paper_verdict",
    ]);
    expectTestsStandTogether(rows);
    const j = JSON.parse(readFileSync(join(out, "survey.json"), "utf8"));
    expect(j.version).toBe(VERSION);
    expect(j.seed).toBe(2004);
    expect(j.scenario.survey.enabled).toBe(true);
    expect(j.scenario_hash).toBe(hashOf(j.scenario));
  }, 60_000);

  it("bgsim power (2 replications): replications.csv columns; summary.json has the resolved scenario, its hash, version, seed", () => {
    const out = tmp("bgsim-defects-");
    const r = bgsim("power", "scenarios/baseline.json", "--reps", "2", "--quiet", "--out", out);
    expect(r.code, r.err).toBe(0);
    const rows = csv(join(out, "replications.csv"));
    expect(Object.keys(rows[0])).toEqual([
      "point",
      "replication",
      "n",
      "hypothesis",
      "path",
      "population",
      "est",
      "se",
      "z",
      "p",
      "significant",
      "verdict",
      "std",
      "std_se",
      "std_z",
      "std_p",
      "std_ci_low",
      "std_ci_high",
      "covered",
      "paper_verdict",
      "chisq",
      "df",
      "chisq_p",
    ]);
    expectTestsStandTogether(rows);
    for (const row of rows) {
      expect(row.significant).toBe(Number(row.p) < 0.05 ? "1" : "0");
      expect(Number(row.std_ci_low)).toBeCloseTo(
        Number(row.std) - 1.959964 * Number(row.std_se),
        5,
      );
    }
    const j = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(j.version).toBe(VERSION);
    expect(j.seed).toBe(2004);
    expect(j.scenario).toBe("baseline");
    expect(j.resolved_scenario.name).toBe("baseline");
    expect(j.resolved_scenario.survey.enabled).toBe(true);
    expect(j.scenario_hash).toBe(hashOf(j.resolved_scenario));
    // the summary's mean estimate is the mean standardized estimate
    const h1a = rows.filter((x) => x.hypothesis === "H1a").map((x) => Number(x.std));
    const s = j.points[0].summary.paths.find((p: { hypothesis: string }) => p.hypothesis === "H1a");
    expect(s.mean_estimate).toBeCloseTo((h1a[0] + h1a[1]) / 2, 12);
  }, 60_000);

  it("bgsim generate: run.json has the resolved scenario, its hash, version, seed", () => {
    const out = tmp("bgsim-defects-");
    const r = bgsim("generate", "scenarios/baseline.json", "--firms", "50", "--out", out);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    expect(j).toMatchObject({ version: VERSION, seed: 2004 });
    expect(j.scenario_hash).toBe(hashOf(j.scenario));
  });
});

describe("negative numbers parse in every numeric flag", () => {
  it("every command's every value option takes '-2' as its value (no 'ambiguous')", () => {
    for (const cmd of COMMANDS)
      for (const [name, o] of Object.entries(cmd.options)) {
        if (o.type !== "string") continue;
        for (const v of ["-2", "-0.5", "-.5", "-1e3"]) {
          const r = parse(cmd, [`--${name}`, v]);
          expect(r.values[name], `bgsim ${cmd.name} --${name} ${v}`).toBe(v);
        }
      }
  });

  it("--bias -2 gives the range message; --coef 'IEO->LFDC=-0.1' runs", () => {
    const dir = tmp("bgsim-defects-");
    const b = bgsim("power", "scenarios/baseline.json", "--bias", "-2", "--out", join(dir, "a"));
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--bias = "-2": "-2" must be a number from -0\.95 to 0\.95/);
    expect(b.err).not.toMatch(/ambiguous/);
    for (const args of [
      ["--alpha", "-0.1"],
      ["--n", "-5"],
    ]) {
      const e = bgsim(
        "estimate",
        "test/fixtures/lavaan/raw150.csv",
        ...args,
        "--out",
        join(dir, "e"),
      );
      expect(e.code).toBe(2);
      expect(e.err).toMatch(new RegExp(`${args[0]} = "${args[1]}"|${args[0]} applies only`));
    }
    const c = bgsim(
      "power",
      "scenarios/baseline.json",
      "--coef",
      "IEO->LFDC=-0.1",
      "--reps",
      "1",
      "--quiet",
      "--out",
      join(dir, "c"),
    );
    expect(c.code, c.err).toBe(0);
    const j = JSON.parse(readFileSync(join(dir, "c", "summary.json"), "utf8"));
    expect(j.axes).toEqual([{ name: "coef", path: "IEO->LFDC", values: [-0.1] }]);
  }, 60_000);
});
