import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type EstimationReport, estimatePathModel } from "../src/estimate/report.ts";
import { covariance, fromRows, type Mat } from "../src/math/linalg.ts";
import { CONSTRUCTS, TABLE1_CORRELATIONS, TABLE1_SDS } from "../src/paper/index.ts";
import { structureFromSyntax } from "../src/syntax/index.ts";

// Reference values: test/fixtures/lavaan/reference.R (lavaan 0.6-14), section `syntax`. The
// model text given to lavaan is parsed here by our own parser.
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/reference.json", import.meta.url), "utf8"),
);

type PeRow = {
  lhs: string;
  op: string;
  rhs: string;
  label: string;
  est: number;
  se: number;
  z?: number;
  pvalue?: number;
  "std.all": number;
};

const table1Cov = () => {
  const sd = CONSTRUCTS.map((c) => TABLE1_SDS[c]);
  return fromRows(TABLE1_CORRELATIONS.map((row, i) => row.map((r, j) => r * sd[i] * sd[j])));
};

function raw150(): { cov: Mat; n: number } {
  const lines = readFileSync(new URL("./fixtures/lavaan/raw150.csv", import.meta.url), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((h) => h.replace(/"/g, ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const cols = CONSTRUCTS.map((c) => rows.map((r) => r[header.indexOf(c)]));
  return { cov: covariance(cols, rows.length), n: rows.length };
}

/** Largest absolute difference from lavaan per quantity, over every case (reported below). */
const largest: Record<string, number> = {};
function close(what: string, mine: number, theirs: number, digits = 6) {
  largest[what] = Math.max(largest[what] ?? 0, Math.abs(mine - theirs));
  expect(mine, what).toBeCloseTo(theirs, digits);
}

function find(rep: EstimationReport, row: PeRow) {
  if (row.op === ":=") return rep.defined?.find((d) => d.name === row.lhs);
  if (row.op === "~") return rep.paths.find((x) => x.from === row.rhs && x.to === row.lhs);
  const pool = row.lhs === row.rhs ? rep.variances : rep.covariances;
  return pool.find((x) => [x.from, x.to].sort().join() === [row.lhs, row.rhs].sort().join());
}

function compare(name: string) {
  const c = ref.syntax[name];
  const s = structureFromSyntax(c.syntax, CONSTRUCTS);
  if (!s.ok) throw new Error(s.error);
  const { cov, n } = name.endsWith("raw150") ? raw150() : { cov: table1Cov(), n: 203 };
  const r = estimatePathModel(s.structure, cov, n);
  if (!r.ok) throw new Error(r.error);
  const rep = r.report;
  for (const row of c.pe as PeRow[]) {
    const mine = find(rep, row);
    const what = `${row.lhs} ${row.op} ${row.rhs}`;
    expect(mine, what).toBeDefined();
    close("est", mine!.est, row.est);
    close("se", mine!.se, row.se);
    close("std.all", mine!.std, row["std.all"]);
    if (row.z === undefined) {
      expect("fixed" in mine! && mine.fixed, `${what} fixed`).toBe(true);
      expect(mine!.z).toBeNaN();
    } else {
      close("z", mine!.z, row.z, 5);
      close("p", mine!.p, row.pvalue!);
    }
    if (row.label && row.op !== ":=") expect("name" in mine! && mine.name).toBe(row.label);
  }
  expect(rep.defined?.length ?? 0).toBe((c.pe as PeRow[]).filter((x) => x.op === ":=").length);
  for (const row of c.std as { lhs: string; op: string; rhs: string; se: number }[]) {
    if (row.op === ":=") {
      const d = rep.defined!.find((x) => x.name === row.lhs)!;
      close("defined std se", d.stdSe, row.se, 6);
      continue;
    }
    if (row.op !== "~") continue;
    const mine = rep.paths.find((x) => x.from === row.rhs && x.to === row.lhs)!;
    close("std se", mine.stdSe, row.se, 5);
  }
  const f = c.fit;
  expect(rep.fit.df).toBe(f.df);
  expect(rep.fit.npar).toBe(f.npar);
  expect(rep.fit.baselineDf).toBe(f["baseline.df"]);
  close("chisq", rep.fit.chisq, f.chisq);
  close("pvalue", rep.fit.pvalue, f.pvalue);
  close("baseline chisq", rep.fit.baselineChisq, f["baseline.chisq"]);
  close("cfi", rep.fit.cfi, f.cfi);
  close("tli", rep.fit.tli, f.tli);
  close("rmsea", rep.fit.rmsea, f.rmsea);
  close("rmsea ci", rep.fit.rmseaLower, f["rmsea.ci.lower"], 5);
  close("rmsea ci", rep.fit.rmseaUpper, f["rmsea.ci.upper"], 5);
  close("rmsea pclose", rep.fit.rmseaPClose, f["rmsea.pvalue"], 5);
  close("srmr", rep.fit.srmr, f.srmr);
  for (const [v, r2] of Object.entries(c.r2 as Record<string, number>)) close("r2", rep.r2[v], r2);
}

describe("models in lavaan syntax agree with lavaan 0.6-14 sem()", () => {
  for (const name of Object.keys(ref.syntax)) it(name, () => compare(name));
  it("reports the largest differences", () => {
    console.log(
      `largest |ours - lavaan| over ${Object.keys(ref.syntax).length} cases: ${Object.entries(
        largest,
      )
        .map(([k, v]) => `${k} ${v.toExponential(1)}`)
        .join(", ")}`,
    );
  });
});

describe("constraints change the model as lavaan's do", () => {
  it("a shared label is one free parameter: equal estimates, df counts it once", () => {
    const free = structureFromSyntax(
      ref.syntax.equal_table1.syntax.replace(/\b[abcv]\*|ac :=.*/g, ""),
    );
    const eq = structureFromSyntax(ref.syntax.equal_table1.syntax);
    if (!free.ok || !eq.ok) throw new Error("parse");
    const a = estimatePathModel(free.structure, table1Cov(), 203);
    const b = estimatePathModel(eq.structure, table1Cov(), 203);
    if (!a.ok || !b.ok) throw new Error("fit");
    expect(b.report.fit.df - a.report.fit.df).toBe(4);
    const gtc = b.report.paths.find((x) => x.from === "IEO" && x.to === "GTC")!;
    const upd = b.report.paths.find((x) => x.from === "IEO" && x.to === "UPD")!;
    expect(gtc.est).toBe(upd.est);
    expect(gtc.se).toBe(upd.se);
  });
});
