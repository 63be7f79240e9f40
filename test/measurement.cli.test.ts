import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

describe("bgsim survey --cfa", () => {
  it("adds cfa.csv and cfa.json and the comparison table; every other output is unchanged", () => {
    const dir = tmp("bgsim-cfa-");
    const plain = bgsim("survey", "scenarios/power-baseline.json", "--out", join(dir, "plain"));
    const cfa = bgsim(
      "survey",
      "scenarios/power-baseline.json",
      "--out",
      join(dir, "cfa"),
      "--cfa",
    );
    expect(plain.code).toBe(0);
    expect(cfa.code).toBe(0);
    for (const f of [
      "items.csv",
      "composites.csv",
      "reliability.csv",
      "estimates.csv",
      "checks.csv",
    ])
      expect(readFileSync(join(dir, "cfa", f), "utf8")).toBe(
        readFileSync(join(dir, "plain", f), "utf8"),
      );
    const noTime = (f: string) => {
      const j = JSON.parse(readFileSync(f, "utf8"));
      delete j.millisecondsIncludingCalibration;
      return j;
    };
    expect(noTime(join(dir, "cfa", "survey.json"))).toEqual(
      noTime(join(dir, "plain", "survey.json")),
    );
    expect(existsSync(join(dir, "plain", "cfa.csv"))).toBe(false);
    const rows = readFileSync(join(dir, "cfa", "cfa.csv"), "utf8")
      .trim()
      .split("\n");
    expect(rows[0]).toBe("construct,item,estimate,se,std_all,std_se,appendix_loading");
    expect(rows).toHaveLength(40);
    const j = JSON.parse(readFileSync(join(dir, "cfa", "cfa.json"), "utf8"));
    expect(j.fit.df).toBe(681);
    expect(j.paper).toMatchObject({ cfi: 0.92, nnfi: 0.91, rmsea: 0.046 });
    expect(j.discriminant).toHaveLength(21);
    expect(j.reliability).toHaveLength(7);
    expect(cfa.out).toContain("The paper's CFA on this survey");
    expect(cfa.out).toMatch(/CFI\s+\d\.\d{3}\s+0\.92/);
    expect(cfa.out).toMatch(/Discriminant validity .* of 21 pairs distinct/);
  }, 120_000);
  it("a composite-level survey has no items: --cfa is refused with the reason", () => {
    const dir = tmp("bgsim-cfa-");
    const scen = join(dir, "s.json");
    const base = JSON.parse(readFileSync("scenarios/power-baseline.json", "utf8"));
    base.survey.level = "composites";
    writeFileSync(scen, JSON.stringify(base));
    const r = bgsim("survey", scen, "--out", join(dir, "o"), "--cfa");
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--cfa needs item answers/);
  }, 60_000);
});
