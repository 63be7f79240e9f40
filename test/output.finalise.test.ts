import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { finalFiles, shardRuns } from "../sim/core/output/finalise.ts";
import { canonicalJson, fnv1a64 } from "../sim/core/output/hash.ts";
import type { JournalRecord } from "../sim/core/output/journal.ts";
import { csvLine, fromRanges, numText, toRanges } from "../sim/core/output/numbers.ts";
import { validateSweep } from "../src/scenario/sweep.ts";

describe("output helpers", () => {
  it("formats numbers deterministically and CSV cells safely", () => {
    expect([0.1 + 0.2, -0, 1e-7, Number.NaN, -Infinity, 203].map(numText)).toEqual([
      "0.30000000000000004",
      "0",
      "1e-7",
      "NA",
      "-Inf",
      "203",
    ]);
    expect(csvLine(["a,b", 'q"x', "plain"])).toBe('"a,b","q""x",plain\n');
  });
  it("compresses run lists to ranges and back", () => {
    expect(toRanges([0, 1, 2, 5, 7, 8])).toBe("0-2,5,7-8");
    expect(fromRanges("0-2,5,7-8")).toEqual([0, 1, 2, 5, 7, 8]);
    expect(toRanges([])).toBe("");
  });
  it("hashes canonical JSON (key order does not matter) with 64-bit FNV-1a", () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(fnv1a64("")).toBe("cbf29ce484222325");
    expect(fnv1a64("a")).toBe("af63dc4c8601ec8c"); // published FNV-1a 64 test vector
    expect(fnv1a64("foobar")).toBe("85944171f73967e8");
  });
});

describe("final files", () => {
  const v = validateSweep({
    base: { population: { firms: 100 } },
    replications: 2,
    design: { type: "grid", factors: [{ path: "estimation.alpha", levels: [0.01, 0.05] }] },
  });
  if (!v.ok) throw new Error("bad");
  const plan = buildPlan(v.sweep);
  const recs: JournalRecord[] = [
    { run: 3, keys: ["n", "x"], values: [100, 4] },
    { run: 0, keys: ["n", "x"], values: [100, 1] },
    { run: 2, error: "no" },
    { run: 1, keys: ["n", "y"], values: [100, 7] },
  ];
  it("are in run order whatever the order of the records, with a column union", () => {
    const a = finalFiles(plan, null, recs);
    expect(finalFiles(plan, null, [...recs].reverse())).toEqual(a);
    const lines = a["results.csv"].trim().split("\n");
    expect(lines[0]).toBe("run,point,replication,seed,estimation.alpha,n,x,y");
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual(["0", "1", "3"]);
    expect(lines[2].endsWith(",100,,7")).toBe(true);
    expect(a["failures.csv"].trim().split("\n")[1]).toMatch(/^2,1,0,\d+,0.05,no$/);
    expect(a["summary.csv"]).toContain("\n0,0.01,x,1,1,NA,NA,NA,NA\n");
    const m = JSON.parse(a["manifest.json"]);
    expect(m).toMatchObject({
      status: "complete",
      runs: 4,
      done: "0-3",
      doneCount: 4,
      failedCount: 1,
      shard: null,
    });
  });
  it("shards split runs round robin and cover every run once", () => {
    const parts = [1, 2, 3].map((k) => shardRuns(10, { index: k, count: 3 }));
    expect(parts[0]).toEqual([0, 3, 6, 9]);
    expect(parts.flat().sort((x, y) => x - y)).toEqual(shardRuns(10, null));
  });
});
