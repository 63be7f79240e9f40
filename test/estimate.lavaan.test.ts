import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimatePathModel } from "../src/estimate/report.ts";
import { covariance, fromRows } from "../src/math/linalg.ts";
import type { ModelStructure } from "../src/model/spec.ts";
import { CONSTRUCTS, TABLE1_CORRELATIONS, TABLE1_SDS } from "../src/paper/index.ts";

// Reference values were produced by test/fixtures/lavaan/reference.R with lavaan 0.6-14.
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/reference.json", import.meta.url), "utf8"),
);

const table1Cov = () => {
  const sd = CONSTRUCTS.map((c) => TABLE1_SDS[c]);
  return fromRows(TABLE1_CORRELATIONS.map((row, i) => row.map((r, j) => r * sd[i] * sd[j])));
};

const published: ModelStructure = {
  variables: CONSTRUCTS,
  paths: [
    ...["GTC", "UPD", "QF", "LFDC"].flatMap((to) => ["IEO", "IMO"].map((from) => ({ from, to }))),
    ...["GTC", "UPD", "QF", "LFDC"].map((from) => ({ from, to: "PERF" })),
  ],
  covariances: [
    { a: "GTC", b: "UPD" },
    { a: "GTC", b: "QF" },
    { a: "GTC", b: "LFDC" },
    { a: "UPD", b: "QF" },
    { a: "UPD", b: "LFDC" },
    { a: "QF", b: "LFDC" },
  ],
};

const custom: ModelStructure = {
  variables: CONSTRUCTS,
  paths: [
    { from: "IEO", to: "GTC" },
    { from: "IEO", to: "UPD" },
    { from: "IMO", to: "UPD" },
    { from: "GTC", to: "UPD" },
    { from: "IMO", to: "LFDC" },
    { from: "IEO", to: "QF" },
    { from: "LFDC", to: "QF" },
    { from: "GTC", to: "PERF" },
    { from: "UPD", to: "PERF" },
    { from: "QF", to: "PERF" },
    { from: "LFDC", to: "PERF" },
    { from: "IMO", to: "PERF" },
  ],
  covariances: [{ a: "GTC", b: "LFDC" }],
};

type PeRow = {
  lhs: string;
  op: string;
  rhs: string;
  est: number;
  se: number;
  z: number;
  pvalue: number;
  "std.all": number;
};

function compare(name: "published" | "custom", structure: ModelStructure) {
  const r = estimatePathModel(structure, table1Cov(), 203);
  if (!r.ok) throw new Error(r.error);
  const rep = r.report;
  const all = [...rep.paths, ...rep.covariances, ...rep.variances];
  for (const row of ref[name].pe as PeRow[]) {
    const mine =
      row.op === "~"
        ? rep.paths.find((x) => x.from === row.rhs && x.to === row.lhs)
        : all.find(
            (x) =>
              x.kind !== "path" &&
              [x.from, x.to].sort().join() === [row.lhs, row.rhs].sort().join(),
          );
    expect(mine, `${row.lhs}${row.op}${row.rhs}`).toBeDefined();
    expect(mine!.est).toBeCloseTo(row.est, 6);
    expect(mine!.se).toBeCloseTo(row.se, 6);
    expect(mine!.std).toBeCloseTo(row["std.all"], 6);
    expect(mine!.p).toBeCloseTo(row.pvalue, 6);
  }
  for (const row of ref[name].std as { lhs: string; rhs: string; se: number }[]) {
    const mine = rep.paths.find((x) => x.from === row.rhs && x.to === row.lhs)!;
    expect(mine.stdSe).toBeCloseTo(row.se, 5);
  }
  const f = ref[name].fit;
  expect(rep.fit.chisq).toBeCloseTo(f.chisq, 6);
  expect(rep.fit.df).toBe(f.df);
  expect(rep.fit.pvalue).toBeCloseTo(f.pvalue, 8);
  expect(rep.fit.baselineChisq).toBeCloseTo(f["baseline.chisq"], 6);
  expect(rep.fit.baselineDf).toBe(f["baseline.df"]);
  expect(rep.fit.cfi).toBeCloseTo(f.cfi, 6);
  expect(rep.fit.tli).toBeCloseTo(f.tli, 6);
  expect(rep.fit.rmsea).toBeCloseTo(f.rmsea, 6);
  expect(rep.fit.rmseaLower).toBeCloseTo(f["rmsea.ci.lower"], 5);
  expect(rep.fit.rmseaUpper).toBeCloseTo(f["rmsea.ci.upper"], 5);
  expect(rep.fit.rmseaPClose).toBeCloseTo(f["rmsea.pvalue"], 5);
  expect(rep.fit.srmr).toBeCloseTo(f.srmr, 6);
  expect(rep.fit.npar).toBe(f.npar);
  for (const [v, r2] of Object.entries(ref[name].r2 as Record<string, number>))
    expect(rep.r2[v]).toBeCloseTo(r2, 6);
  for (const m of ref[name].mi as { lhs: string; rhs: string; mi: number; epc: number }[]) {
    const mine = rep.modification.find((x) => x.from === m.rhs && x.to === m.lhs);
    if (!mine) continue; // lavaan also lists paths that would make the model non-recursive
    expect(mine.mi).toBeCloseTo(m.mi, 4);
    expect(mine.epc).toBeCloseTo(m.epc, 5);
  }
}

describe("ML estimator agrees with lavaan 0.6-14 sem()", () => {
  it("published model on the Table 1 covariance matrix, n = 203", () =>
    compare("published", published));
  it("a non-block-recursive custom model (LFDC -> QF, IMO -> PERF, GTC ~~ LFDC)", () =>
    compare("custom", custom));
  it("published model on raw data (150 rows)", () => {
    const lines = readFileSync(new URL("./fixtures/lavaan/raw150.csv", import.meta.url), "utf8")
      .trim()
      .split("\n");
    const header = lines[0].split(",").map((h) => h.replace(/"/g, ""));
    const rows = lines.slice(1).map((l) => l.split(",").map(Number));
    const cols = CONSTRUCTS.map((c) => rows.map((r) => r[header.indexOf(c)]));
    const r = estimatePathModel(published, covariance(cols, rows.length), rows.length);
    if (!r.ok) throw new Error(r.error);
    for (const row of ref.raw.pe as PeRow[]) {
      const mine = r.report.paths.find((x) => x.from === row.rhs && x.to === row.lhs)!;
      expect(mine.est).toBeCloseTo(row.est, 6);
      expect(mine.se).toBeCloseTo(row.se, 6);
    }
    expect(r.report.fit.chisq).toBeCloseTo(ref.raw.fit.chisq, 6);
    expect(r.report.fit.srmr).toBeCloseTo(ref.raw.fit.srmr, 6);
  });
});
