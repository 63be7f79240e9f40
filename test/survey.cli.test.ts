import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp as tmpDir } from "./helpers/bgsim.ts";

const tmp = () => tmpDir("bgsim-survey-");
const scenarioFile = (obj: unknown) => {
  const f = join(tmp(), "scenario.json");
  writeFileSync(f, JSON.stringify(obj));
  return f;
};

describe("bgsim survey and bgsim power", () => {
  it("survey writes items, composites, reliability, estimates, checks and survey.json", () => {
    const out = join(tmp(), "one");
    const r = bgsim("survey", "scenarios/power-baseline.json", "--out", out);
    expect(r.code).toBe(0);
    for (const f of [
      "items.csv",
      "composites.csv",
      "reliability.csv",
      "estimates.csv",
      "checks.csv",
      "survey.json",
    ])
      expect(existsSync(join(out, f))).toBe(true);
    const items = readFileSync(join(out, "items.csv"), "utf8").trim().split("\n");
    const header = items[0].split(",");
    expect(header.slice(0, 3)).toEqual(["respondent", "firm", "wave"]);
    expect(header).toHaveLength(3 + 39); // the 39 retained Appendix items
    expect(items.length - 1).toBeLessThanOrEqual(203);
    for (const line of items.slice(1)) {
      const v = line.split(",").slice(3).map(Number);
      expect(v.every((x) => Number.isInteger(x) && x >= 1 && x <= 10)).toBe(true);
    }
    const facts = JSON.parse(readFileSync(join(out, "survey.json"), "utf8"));
    expect(facts.mailed).toBe(900);
    expect(facts.frame).toMatch(/PLACEHOLDER/);
    expect(r.out).toMatch(/H4a\s+IEO->LFDC/);
    expect(readFileSync(join(out, "reliability.csv"), "utf8")).toContain("reported_cr");
  });

  it("power writes replications, outcomes and summaries, with progress on stderr", () => {
    const out = join(tmp(), "pw");
    const r = bgsim(
      "power",
      "scenarios/power-baseline.json",
      "--reps",
      "20",
      "--n",
      "100,203",
      "--out",
      out,
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/100% 40\/40 runs/);
    const summary = readFileSync(join(out, "summary.csv"), "utf8").trim().split("\n");
    expect(summary).toHaveLength(1 + 2 * 12);
    expect(summary[0]).toMatch(
      /^point,set_n,hypothesis,path,population,composite_value,mean_estimate,bias/,
    );
    const reps = readFileSync(join(out, "replications.csv"), "utf8").trim().split("\n");
    expect(reps).toHaveLength(1 + 2 * 20 * 12);
    const json = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(json.points).toHaveLength(2);
    expect(json.points[0].summary.model.replications).toBe(20);
  });

  it("bad input is named, exits 2 and writes nothing", () => {
    const cases: [string[], RegExp][] = [
      [
        ["survey", scenarioFile({ survey: { responseRate: 0 } })],
        /survey\.responseRate = 0: must lie in \(0, 1\]/,
      ],
      [
        ["survey", scenarioFile({ survey: { itemLoadings: { QF1: 1.1 } } })],
        /survey\.itemLoadings\.QF1 = 1\.1: impossible loading/,
      ],
      [
        ["power", scenarioFile({ survey: { mailed: 300 } }), "--reps", "5"],
        /survey\.mailed = 300: .*fewer than the n = 203/,
      ],
      [
        [
          "power",
          scenarioFile({
            model: { base: "table1" },
            survey: {
              calibration: "composites",
              responses: "continuous",
              loadings: "scaled",
              targetReliability: 0.2,
            },
          }),
          "--reps",
          "5",
        ],
        /survey\.calibration: .*not positive definite.*\(nothing written\)/,
      ],
      [
        ["power", "scenarios/power-baseline.json", "--reps", "5", "--n", "0,203"],
        /--n = "0,203": "0" must be an integer from 30/,
      ],
      [
        ["power", "scenarios/power-baseline.json", "--reps", "5", "--coef", "IEO-LFDC=0.1"],
        /--coef = .*expected FROM->TO=v1,v2/,
      ],
      [
        ["power", "scenarios/power-baseline.json", "--reps", "5", "--reliability", "0.999"],
        /reliability.*0\.99/,
      ],
      [
        ["power", "scenarios/power-baseline.json", "--reps", "0"],
        /--reps = "0": must be an integer from 1/,
      ],
    ];
    for (const [args, msg] of cases) {
      const out = join(tmp(), "never");
      const r = bgsim(...args, "--out", out);
      expect(r.code, `${args.join(" ")}\n${r.err}`).toBe(2);
      expect(r.err).toMatch(msg);
      expect(existsSync(out)).toBe(false);
    }
  });
});
