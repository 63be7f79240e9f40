import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bootstrapPathModel, normInter } from "../src/estimate/bootstrap.ts";
import { BUILTIN_MODELS, structureOf } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { bootstrapBoundSd } from "./helpers/bootstrapError.ts";

// Reference: test/fixtures/lavaan/bootstrap.R (lavaan 0.6-14, R = 1000 resamples of its own).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/bootstrap.json", import.meta.url), "utf8"),
);

function readCsv(name: string): Float64Array[] {
  const lines = readFileSync(new URL(`./fixtures/lavaan/${name}`, import.meta.url), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((h) => h.replaceAll('"', ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  return CONSTRUCTS.map((c) => Float64Array.from(rows.map((r) => r[header.indexOf(c)])));
}

type Row = {
  lhs: string;
  op: string;
  rhs: string;
  est: number;
  se: number;
  "ci.lower": number;
  "ci.upper": number;
};

const labelOf = (r: Row) => (r.op === "~" ? `${r.rhs}->${r.lhs}` : null);

describe("nonparametric and Bollen-Stine bootstrap against lavaan (within Monte Carlo error)", () => {
  const cols = readCsv("nonnormal300.csv");
  const structure = structureOf(BUILTIN_MODELS.published());
  const run = () =>
    bootstrapPathModel(structure, cols, { R: ref.R, seed: 7, replication: 0, bollenStine: true });
  const r = run();
  if (!r.ok) throw new Error(r.error);
  const res = r.result;
  const find = (row: Row) =>
    res.intervals.find((x) => {
      const [a, b] = x.label.includes("~~") ? x.label.split("~~") : [null, null];
      if (row.op === "~") return x.label === labelOf(row) || x.label === `${row.rhs} -> ${row.lhs}`;
      return a !== null && ((a === row.lhs && b === row.rhs) || (a === row.rhs && b === row.lhs));
    });

  it("is deterministic in (seed, replication)", () => {
    const again = run();
    if (!again.ok) throw new Error(again.error);
    expect(again.result.intervals).toEqual(res.intervals);
    const other = bootstrapPathModel(structure, cols, { R: 50, seed: 7, replication: 1 });
    const same = bootstrapPathModel(structure, cols, { R: 50, seed: 7, replication: 0 });
    if (!other.ok || !same.ok) throw new Error("failed");
    expect(other.result.intervals[0].perc).not.toEqual(same.result.intervals[0].perc);
  });

  // Tolerance: 4 Monte Carlo SDs of the difference of two bootstraps' bounds
  // (test/helpers/bootstrapError.ts); the largest measured difference is printed.
  const q = res.intervals.length;
  const column = (k: number) => {
    const t = new Float64Array(res.R);
    for (let b = 0; b < res.R; b++) t[b] = res.estimates[b * q + k];
    return t.sort();
  };
  const mcSd = bootstrapBoundSd;
  for (const type of ["perc", "bca"] as const) {
    it(`${type} intervals of every parameter`, () => {
      let worst = 0;
      for (const row of ref[type] as Row[]) {
        const got = find(row);
        if (!got) throw new Error(`missing ${row.lhs}${row.op}${row.rhs}`);
        expect(Math.abs(got.est - row.est)).toBeLessThan(1e-6);
        // bootstrap SEs: SD of the SD estimate is about se / sqrt(2 R)
        expect(Math.abs(got.se - row.se) / row.se).toBeLessThan(4 * Math.sqrt(2 / (2 * ref.R)));
        const t = column(res.intervals.indexOf(got));
        const d0 = Math.abs(got[type][0] - row["ci.lower"]) / mcSd(t, got[type][0]);
        const d1 = Math.abs(got[type][1] - row["ci.upper"]) / mcSd(t, got[type][1]);
        worst = Math.max(worst, d0, d1);
        expect(Math.max(d0, d1), `${row.lhs}${row.op}${row.rhs}`).toBeLessThan(4);
      }
      console.log(`${type}: largest difference ${worst.toFixed(2)} Monte Carlo SDs`);
    });
  }

  it("Bollen-Stine p", () => {
    const bs = res.bollenStine;
    if (!bs) throw new Error("no Bollen-Stine");
    const p = ref["bollen.stine.pvalue"];
    const sd = Math.sqrt((2 * p * (1 - p)) / ref.R);
    console.log(
      `Bollen-Stine p ${bs.pvalue} vs lavaan ${p} (${(Math.abs(bs.pvalue - p) / sd).toFixed(2)} SDs)`,
    );
    expect(Math.abs(bs.pvalue - p)).toBeLessThan(4 * sd);
  });

  it("normInter interpolates as boot's norm.inter", () => {
    const t = Float64Array.from({ length: 99 }, (_, i) => i + 1);
    expect(normInter(t, 0.5)).toBe(50);
    const v = normInter(t, 0.025);
    expect(v).toBeGreaterThan(2);
    expect(v).toBeLessThan(3);
  });
});
