import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

describe("bgsim survey --cfa --ordered", () => {
  it("writes the WLSMV CFA (cfa.csv, cfa.json); the survey's own outputs are unchanged", () => {
    const dir = tmp("bgsim-ocfa-");
    const plain = bgsim("survey", "scenarios/power-baseline.json", "--out", join(dir, "plain"));
    const ord = bgsim(
      "survey",
      "scenarios/power-baseline.json",
      "--out",
      join(dir, "ord"),
      "--cfa",
      "--ordered",
    );
    expect(plain.code).toBe(0);
    expect(ord.code).toBe(0);
    for (const f of ["items.csv", "composites.csv", "estimates.csv"])
      expect(readFileSync(join(dir, "ord", f), "utf8")).toBe(
        readFileSync(join(dir, "plain", f), "utf8"),
      );
    const rows = readFileSync(join(dir, "ord", "cfa.csv"), "utf8")
      .trim()
      .split("\n");
    expect(rows[0]).toBe("construct,item,estimate,se,std_all,appendix_loading");
    expect(rows).toHaveLength(40);
    const j = JSON.parse(readFileSync(join(dir, "ord", "cfa.json"), "utf8"));
    expect(j.estimator).toBe("WLSMV");
    expect(j.test.df).toBe(681);
    expect(j.test.chisqScaled).toBeGreaterThan(0);
    expect(j.reliability).toHaveLength(7);
    expect(ord.out).toContain("items as ordinal (WLSMV");
    expect(ord.out).toMatch(/scaled-shifted/);
    // fit beside the paper's and the 21 discriminant tests (lavaan agreement:
    // measurement.wlsmv.test.ts)
    expect(j.fit.df).toBe(681);
    for (const k of ["cfi.scaled", "tli.scaled", "rmsea.scaled", "cfi.robust", "rmsea.robust"])
      expect(Number.isFinite(j.fit[k])).toBe(true);
    expect(j.fit["cfi.scaled"]).toBeGreaterThan(0.9);
    expect(j.discriminant).toHaveLength(21);
    expect(j.discriminant[0]).toMatchObject({ a: "IEO", b: "IMO" });
    expect(j.discriminant.every((t: { deltaChisq: number }) => t.deltaChisq > 0)).toBe(true);
    expect(ord.out).toMatch(/CFI .* 0\.92/);
    expect(ord.out).toMatch(/RMSEA .* 0\.046/);
    expect(ord.out).toMatch(/Discriminant validity .*: \d+ of 21 pairs distinct/);
  }, 120_000);
  it("--ordered without --cfa is refused", () => {
    const r = bgsim(
      "survey",
      "scenarios/power-baseline.json",
      "--out",
      join(tmp("bgsim-ocfa-"), "o"),
      "--ordered",
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--ordered goes with --cfa/);
  }, 60_000);
});
