import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { estimatePathModel } from "../src/estimate/report.ts";
import { fromRows } from "../src/math/linalg.ts";
import { publishedSpec } from "../src/model/index.ts";
import { CONSTRUCTS, TABLE1_CORRELATIONS, TABLE1_SDS } from "../src/paper/index.ts";
import { structureFromSyntax, structureRows, withIndirectEffects } from "../src/syntax/index.ts";
import { print } from "../src/syntax/print.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/reference.json", import.meta.url), "utf8"),
);
const RAW = "test/fixtures/lavaan/raw150.csv";

describe("the paper's indirect effects as defined parameters", () => {
  it("the eight specific and two total indirect effects agree with lavaan on Table 1", () => {
    const text = print(withIndirectEffects(structureRows(publishedSpec())));
    const s = structureFromSyntax(text, CONSTRUCTS);
    if (!s.ok) throw new Error(s.error);
    const sd = CONSTRUCTS.map((c) => TABLE1_SDS[c]);
    const cov = fromRows(TABLE1_CORRELATIONS.map((row, i) => row.map((r, j) => r * sd[i] * sd[j])));
    const r = estimatePathModel(s.structure, cov, 203);
    if (!r.ok) throw new Error(r.error);
    const defined = r.report.defined ?? [];
    expect(defined.map((d) => d.name).sort()).toEqual(
      (ref.syntax.defined_table1.pe as { op: string; lhs: string }[])
        .filter((x) => x.op === ":=" && x.lhs !== "contrast")
        .map((x) => x.lhs)
        .sort(),
    );
    for (const row of ref.syntax.defined_table1.pe as {
      op: string;
      lhs: string;
      est: number;
      se: number;
    }[]) {
      if (row.op !== ":=" || row.lhs === "contrast") continue;
      const mine = defined.find((d) => d.name === row.lhs)!;
      expect(mine.est).toBeCloseTo(row.est, 9);
      expect(mine.se).toBeCloseTo(row.se, 9);
    }
  });
});

describe("bgsim estimate --model <syntax> and replicate --syntax", () => {
  it("replicate --syntax prints the model; estimating it gives the built-in model's numbers", () => {
    const p = bgsim("replicate", "--model", "published", "--syntax");
    expect(p.code).toBe(0);
    expect(p.out).toContain("PERF ~ GTC + UPD + QF + LFDC\n");
    const dir = tmp("bgsim-syntax-");
    const lav = join(dir, "published.lav");
    writeFileSync(lav, p.out);
    expect(bgsim("estimate", RAW, "--out", join(dir, "a")).code).toBe(0);
    expect(bgsim("estimate", RAW, "--model", lav, "--out", join(dir, "b")).code).toBe(0);
    const a = readFileSync(join(dir, "a", "estimates.csv"), "utf8")
      .trim()
      .split("\n");
    const b = readFileSync(join(dir, "b", "estimates.csv"), "utf8")
      .trim()
      .split("\n");
    expect(b[0]).toBe(`${a[0]},lhs,op,rhs,label`);
    expect(b.slice(1).map((l) => l.split(",").slice(0, 13).join(","))).toEqual(a.slice(1));
  });

  it("inline syntax with labels, a fixed path and a defined parameter: extra rows and a table", () => {
    const dir = tmp("bgsim-syntax-");
    const r = bgsim(
      "estimate",
      RAW,
      "--model",
      "GTC ~ a*IEO + IMO; PERF ~ b*GTC + 0.1*IMO\nind := a*b  # indirect",
      "--out",
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Defined parameters/);
    expect(r.out).toMatch(/ind\s+a\*b\s+0\.075/);
    const csv = readFileSync(join(dir, "estimates.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(6);
    expect(csv[4]).toMatch(/^,IMO,PERF,0\.1,0,,,fixed,[^,]+,[^,]+,,,,PERF,~,IMO,$/);
    expect(csv[5]).toMatch(/^,,,0\.07541109\d*,.*,ind,:=,a\*b,ind$/);
    const fit = JSON.parse(readFileSync(join(dir, "fit.json"), "utf8"));
    expect(fit.model).toBe("syntax");
    expect(fit.fit.df).toBe(2);
    expect(fit.defined[0].name).toBe("ind");
  });

  it("bad syntax, unknown variables and measurement models exit 2 with the reason", () => {
    const dir = tmp("bgsim-syntax-");
    const bad = bgsim("estimate", RAW, "--model", "GTC ~ IEO\n\nPERF ~ GTC +", "--out", dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(
      "--model: line 3, column 13: expected a variable name after +, found the end of the formula",
    );
    const unknown = bgsim("estimate", RAW, "--model", "GTC ~ IEO + SIZE", "--out", dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      'unknown variable "SIZE" (line 1, column 13): the data have columns IEO, IMO, GTC, UPD, QF, LFDC, PERF',
    );
    const lav = join(dir, "cfa.lav");
    writeFileSync(lav, "F =~ GTC + UPD + QF\nPERF ~ F\n");
    const cfa = bgsim("estimate", RAW, "--model", lav, "--out", dir);
    expect(cfa.code).toBe(2);
    // latent-variable syntax goes to the measurement estimator (test/estimate.latent.test.ts),
    // which names what it cannot fit
    expect(cfa.err).toContain(
      "PERF ~ F (line 2, column 8): PERF is an observed variable that indicates no factor",
    );
  });
});
