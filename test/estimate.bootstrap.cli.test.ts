import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { bootstrapPathModel } from "../src/estimate/bootstrap.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { structureFromSyntax } from "../src/syntax/index.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";
import { bootstrapBoundSd } from "./helpers/bootstrapError.ts";

// Reference: test/fixtures/lavaan/bootstrap.R, section `indirect` (lavaan 0.6-14: the published
// model with its eight specific and two total indirect effects, se = "bootstrap", R = 1000).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/bootstrap.json", import.meta.url), "utf8"),
).indirect;
const data = "test/fixtures/lavaan/nonnormal300.csv";
type Row = {
  lhs: string;
  op: string;
  rhs: string;
  est: number;
  "ci.lower": number;
  "ci.upper": number;
};

function dataColumns(vars: readonly string[]): Float64Array[] {
  const rows = csvParse(readFileSync(data, "utf8"));
  return vars.map((v) => Float64Array.from(rows, (r) => Number(r[v])));
}

describe("bgsim estimate --bootstrap (percentile and BCa, Bollen-Stine) against lavaan", () => {
  const dir = tmp();
  const lav = join(dir, "indirect.lav");
  writeFileSync(lav, ref.syntax);
  const s = structureFromSyntax(ref.syntax, CONSTRUCTS);
  if (!s.ok) throw new Error(s.error);
  const R = 1000;
  // the library with the CLI's seed: the same resamples, to measure the Monte Carlo error
  const lib = bootstrapPathModel(s.structure, dataColumns(s.structure.variables), {
    R,
    seed: 11,
    replication: 0,
    bollenStine: true,
  });
  if (!lib.ok) throw new Error(lib.error);
  const res = lib.result;
  const q = res.intervals.length;
  const sorted = (k: number) => {
    const t = new Float64Array(res.R);
    for (let b = 0; b < res.R; b++) t[b] = res.estimates[b * q + k];
    return t.sort();
  };

  for (const type of ["perc", "bca"] as const) {
    it(`${type}: every path and defined parameter within Monte Carlo error of lavaan`, () => {
      const out = join(dir, type);
      const r = bgsim(
        "estimate",
        data,
        "--model",
        lav,
        "--bootstrap",
        String(R),
        "--bootstrap-ci",
        type,
        "--seed",
        "11",
        "--out",
        out,
      );
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain(`${type === "bca" ? "BCa" : "percentile"} intervals`);
      const csv = csvParse(readFileSync(join(out, "estimates.csv"), "utf8"));
      expect(csv.columns).toEqual(expect.arrayContaining(["boot_se", "ci_lower", "ci_upper"]));
      let worst = 0;
      for (const row of ref[type] as Row[]) {
        const mine = csv.find((x) =>
          row.op === ":="
            ? x.op === ":=" && x.lhs === row.lhs
            : x.op === "~" && x.lhs === row.lhs && x.rhs === row.rhs,
        );
        expect(mine, `${row.lhs} ${row.op} ${row.rhs}`).toBeDefined();
        const lo = Number(mine!.ci_lower);
        const hi = Number(mine!.ci_upper);
        // the CLI writes the library's intervals for its seed
        const label = row.op === ":=" ? row.lhs : `${row.rhs}->${row.lhs}`;
        const k = res.intervals.findIndex((x) => x.label === label);
        expect(k, label).toBeGreaterThanOrEqual(0);
        expect([lo, hi]).toEqual(res.intervals[k][type]);
        expect(Math.abs(Number(mine!.est) - row.est)).toBeLessThan(1e-6);
        const t = sorted(k);
        const d = Math.max(
          Math.abs(lo - row["ci.lower"]) / bootstrapBoundSd(t, lo),
          Math.abs(hi - row["ci.upper"]) / bootstrapBoundSd(t, hi),
        );
        worst = Math.max(worst, d);
        expect(d, label).toBeLessThan(4);
      }
      expect((ref[type] as Row[]).filter((x) => x.op === ":=")).toHaveLength(10);
      console.log(
        `CLI ${type}: largest difference from lavaan ${worst.toFixed(2)} Monte Carlo SDs`,
      );
      const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
      expect(fit.fit["bollen.stine.pvalue"]).toBe(res.bollenStine!.pvalue);
      expect(fit.bootstrap).toMatchObject({ R, "R.ok": R, failed: 0, ci: type, seed: 11 });
    });
  }

  it("refuses a matrix, a bad interval type and --seed without --bootstrap, naming the option", () => {
    const a = bgsim(
      "estimate",
      data,
      "--corr-matrix",
      "--n",
      "300",
      "--bootstrap",
      "100",
      "--out",
      join(dir, "x"),
    );
    expect(a.code).toBe(2);
    expect(a.err).toContain("--bootstrap needs raw data");
    const b = bgsim(
      "estimate",
      data,
      "--bootstrap",
      "100",
      "--bootstrap-ci",
      "norm",
      "--out",
      join(dir, "y"),
    );
    expect(b.code).toBe(2);
    expect(b.err).toContain('--bootstrap-ci = "norm": must be perc or bca');
    const c = bgsim("estimate", data, "--seed", "3", "--out", join(dir, "z"));
    expect(c.code).toBe(2);
    expect(c.err).toContain("--seed applies only with --bootstrap");
    const d = bgsim("estimate", data, "--bootstrap", "5", "--out", join(dir, "w"));
    expect(d.code).toBe(2);
    expect(d.err).toContain("--bootstrap");
  });
});
