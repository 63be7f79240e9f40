import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { resultOfRecord } from "../sim/core/montecarlo/finalise.ts";
import { analysesOfRecord } from "../sim/core/montecarlo/rows.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import { bootstrapPathModel } from "../src/estimate/bootstrap.ts";
import { estimatePathModel } from "../src/estimate/report.ts";
import { covariance } from "../src/math/linalg.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { runReplication } from "../src/replication.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { structureFromSyntax } from "../src/syntax/index.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const base = {
  seed: 2004,
  model: { base: "table1" },
  survey: { enabled: true, level: "items", responses: "likert", n: 203 },
};
const withBoot = (bootstrap: unknown, extra: Record<string, unknown> = {}) =>
  validateScenario({
    ...base,
    ...extra,
    analysis: [{ name: "pub", model: "published", bootstrap }],
  });

describe("bootstrap in a scenario's analysis entries", () => {
  it("bounds R by the schema (10 to 2000) and names the interval types", () => {
    const big = withBoot({ R: 5000 });
    expect(big.ok).toBe(false);
    if (!big.ok) {
      expect(big.issues[0].path).toBe("analysis[0].bootstrap.R");
      expect(big.issues[0].message).toMatch(/2000/);
    }
    const ci = withBoot({ R: 100, ci: "norm" });
    expect(!ci.ok && ci.issues[0].message).toMatch(/perc|bca/);
    const ok = withBoot({ R: 100 });
    expect(ok.ok && ok.scenario.analysis?.[0].bootstrap).toEqual({ R: 100, ci: "perc" });
  });

  it("gives each standardized path and indirect effect its bootstrap interval, deterministically", () => {
    const v = withBoot({ R: 100, ci: "bca" }, { estimation: { indirect: true } });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const r = runReplication(v.scenario, 5);
    const a = r.analyses![0];
    expect(a.paths.length).toBe(22);
    for (const x of a.paths) {
      expect(x.bootLow, x.label).toBeLessThan(x.bootHigh!);
      expect(x.bootLow! - 0.05).toBeLessThan(x.std);
      expect(x.bootHigh! + 0.05).toBeGreaterThan(x.std);
    }
    expect(runReplication(v.scenario, 5).analyses![0].paths).toEqual(a.paths);
    expect(runReplication(v.scenario, 6).analyses![0].paths[0].bootLow).not.toBe(
      a.paths[0].bootLow,
    );
    // the generating model has no bootstrap; the journal keeps the intervals
    expect(r.paths[0].bootLow).toBeUndefined();
    const { keys, values } = flattenResult(r, { stdSe: true });
    expect(keys).toContain("pub.IEO_total.boot_lo");
    const back = analysesOfRecord(keys, values, [{ name: "pub", estimator: "ML" }]);
    expect(back[0].paths).toEqual(a.paths);
    expect(resultOfRecord(5, keys, values).paths.map((x) => x.label)).toEqual(
      r.paths.map((x) => x.label),
    );
  });

  it("refuses a survey without raw data (the Wishart shortcut), saying what to change", () => {
    const v = validateScenario({
      seed: 1,
      model: { base: "table1" },
      survey: {
        enabled: true,
        level: "composites",
        measurementError: false,
        frame: { minExportShare: 0 },
        mailed: 203,
        responseRate: 1,
        n: 203,
      },
      analysis: [{ name: "pub", model: "published", bootstrap: { R: 50 } }],
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    expect(() => runReplication(v.scenario, 0)).toThrow(
      /the bootstrap needs raw data.*survey.level "items"/,
    );
  });

  it("bootstraps std.all: the full-sample statistics equal the standardized solution", () => {
    const s = structureFromSyntax(
      "GTC ~ a*IEO + IMO\nPERF ~ b*GTC + IEO + IMO\nind := a*b",
      CONSTRUCTS,
    );
    if (!s.ok) throw new Error(s.error);
    const lines = readFileSync(new URL("./fixtures/lavaan/raw150.csv", import.meta.url), "utf8")
      .trim()
      .split("\n");
    const header = lines[0].split(",").map((h) => h.replaceAll('"', ""));
    const rows = lines.slice(1).map((l) => l.split(",").map(Number));
    const cols = s.structure.variables.map((c) =>
      Float64Array.from(rows.map((r) => r[header.indexOf(c)])),
    );
    const b = bootstrapPathModel(s.structure, cols, { R: 20, seed: 1, standardized: true });
    if (!b.ok) throw new Error(b.error);
    const e = estimatePathModel(s.structure, covariance(cols, rows.length), rows.length);
    if (!e.ok) throw new Error(e.error);
    for (const x of e.report.paths)
      expect(b.result.intervals.find((i) => i.label === x.label)!.est).toBeCloseTo(x.std, 12);
    expect(b.result.intervals.find((i) => i.label === "ind")!.est).toBeCloseTo(
      e.report.defined![0].std,
      12,
    );
  });

  it("bgsim power reports boot_coverage and boot_power in summary.csv; replications.csv keeps its columns", () => {
    const dir = tmp();
    const sc = join(dir, "s.json");
    const v = {
      ...base,
      name: "boot",
      replications: 10,
      analysis: [{ name: "pub", model: "published", bootstrap: { R: 50 } }],
    };
    writeFileSync(sc, JSON.stringify(v));
    const r = bgsim("power", sc, "--quiet", "--out", join(dir, "o"));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("boot power");
    const sum = csvParse(readFileSync(join(dir, "o", "summary.csv"), "utf8"));
    expect(sum.columns.slice(-2)).toEqual(["boot_coverage", "boot_power"]);
    const pub = sum.filter((x) => x.analysis === "pub");
    expect(pub.every((x) => x.boot_power !== "")).toBe(true);
    expect(sum.filter((x) => x.analysis === "generating").every((x) => x.boot_power === "")).toBe(
      true,
    );
    const reps = readFileSync(join(dir, "o", "replications.csv"), "utf8").split("\n")[0];
    expect(reps).not.toContain("boot");
  });
});
