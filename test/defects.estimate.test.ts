import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { estimatePathModel } from "../src/estimate/report.ts";
import { fromRows } from "../src/math/linalg.ts";
import { BUILTIN_MODELS, structureOf } from "../src/model/index.ts";
import { TABLE1_CORRELATIONS } from "../src/paper/table1.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

// Issue 11 item 8 (defects found using the estimator as a researcher would); reference values
// from lavaan 0.6-14 by test/fixtures/lavaan/defects.R (defects.json).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/defects.json", import.meta.url), "utf8"),
) as {
  published_raw150: {
    pe: { lhs: string; rhs: string; est: number; se: number; z: number; pvalue: number }[];
    std: { lhs: string; rhs: string; "est.std": number; se: number; z: number; pvalue: number }[];
  };
  table1_raw150: { fit: Record<string, number | null> };
};
const RAW = "test/fixtures/lavaan/raw150.csv";

function csv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

describe("estimates.csv: each test's numbers stand together", () => {
  it("est, se, z, p are lavaan's parameterEstimates; std, std_se, std_z, std_p its standardizedSolution", () => {
    const out = tmp("bgsim-defects-");
    const r = bgsim("estimate", RAW, "--out", out);
    expect(r.code, r.err).toBe(0);
    const rows = csv(join(out, "estimates.csv"));
    expect(Object.keys(rows[0])).toEqual([
      "hypothesis",
      "from",
      "to",
      "est",
      "se",
      "z",
      "p",
      "verdict",
      "std",
      "std_se",
      "std_z",
      "std_p",
      "paper_coefficient",
    ]);
    expect(rows).toHaveLength(ref.published_raw150.pe.length);
    for (const row of rows) {
      const pe = ref.published_raw150.pe.find((x) => x.lhs === row.to && x.rhs === row.from)!;
      const st = ref.published_raw150.std.find((x) => x.lhs === row.to && x.rhs === row.from)!;
      expect(Math.abs(Number(row.est) - pe.est)).toBeLessThan(1e-6);
      expect(Math.abs(Number(row.se) - pe.se)).toBeLessThan(1e-6);
      expect(Math.abs(Number(row.z) - pe.z)).toBeLessThan(1e-5);
      expect(Math.abs(Number(row.p) - pe.pvalue)).toBeLessThan(1e-6);
      expect(Math.abs(Number(row.std) - st["est.std"])).toBeLessThan(1e-6);
      expect(Math.abs(Number(row.std_se) - st.se)).toBeLessThan(1e-6);
      expect(Math.abs(Number(row.std_z) - st.z)).toBeLessThan(1e-5);
      expect(Math.abs(Number(row.std_p) - st.pvalue)).toBeLessThan(1e-6);
    }
  });
});

describe("saturated models (df = 0)", () => {
  it("TLI = 1, RMSEA = 0 with its interval 0-0 as lavaan (table1 on raw150)", () => {
    const out = tmp("bgsim-defects-");
    const r = bgsim("estimate", RAW, "--model", "table1", "--out", out);
    expect(r.code, r.err).toBe(0);
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8")).fit;
    const want = ref.table1_raw150.fit;
    expect(fit.df).toBe(0);
    expect(want.df).toBe(0);
    expect(fit.tli).toBe(want.tli); // 1
    expect(fit.rmsea).toBe(want.rmsea); // 0
    expect(fit.rmseaLower).toBe(want["rmsea.ci.lower"]); // 0
    expect(fit.rmseaUpper).toBe(want["rmsea.ci.upper"]); // 0
    expect(fit.pvalue).toBeNull(); // lavaan: NA
    expect(want.pvalue).toBeNull();
    expect(fit.rmseaPClose).toBeNull(); // lavaan: NA
    expect(Math.abs(fit.cfi - (want.cfi as number))).toBeLessThan(1e-9);
  });
});

describe("singular covariance input", () => {
  /** Table 1 with column b replaced by a copy of column a. */
  function duplicate(a: number, b: number) {
    const R = TABLE1_CORRELATIONS.map((r) => [...r]);
    for (let k = 0; k < 7; k++) {
      R[b][k] = R[a][k];
      R[k][b] = R[k][a];
    }
    R[a][b] = 1;
    R[b][a] = 1;
    R[b][b] = 1;
    return R;
  }

  it("the estimator says it is singular and names the columns, not 'starting values ...'", () => {
    // UPD a copy of GTC: fitML alone says "starting values give a non-positive-definite implied matrix"
    const r = estimatePathModel(
      structureOf(BUILTIN_MODELS.published()),
      fromRows(duplicate(2, 3)),
      203,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).not.toMatch(/starting values/);
    expect(r.error).toMatch(/singular/);
    expect(r.error).toMatch(/UPD = 1\*GTC/);
  });

  it("bgsim estimate refuses a singular matrix that the fit alone would accept, naming the columns", () => {
    // PERF a copy of LFDC: the published model's fit converges, so only the input check stops it
    const dir = tmp("bgsim-defects-");
    const R = duplicate(5, 6);
    const names = ["IEO", "IMO", "GTC", "UPD", "QF", "LFDC", "PERF"];
    const file = join(dir, "m.csv");
    const text = `,${names.join(",")}\n${R.map((row, i) => `${names[i]},${row.join(",")}`).join("\n")}\n`;
    writeFileSync(file, text);
    const r = bgsim("estimate", file, "--corr-matrix", "--n", "203", "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/singular/);
    expect(r.err).toMatch(/PERF = 1\*LFDC/);
  });

  it("a constant column is named", () => {
    const dir = tmp("bgsim-defects-");
    const lines = readFileSync(RAW, "utf8").trim().split("\n");
    const head = lines[0].replace(/"/g, "").split(",");
    const qf = head.indexOf("QF");
    const body = lines.slice(1).map((l) => {
      const c = l.split(",");
      c[qf] = "4";
      return c.join(",");
    });
    const file = join(dir, "const.csv");
    writeFileSync(file, `${head.join(",")}\n${body.join("\n")}\n`);
    const r = bgsim("estimate", file, "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/singular: column QF is constant/);
  });

  it("a column that is a sum of others is named with the combination (raw data)", () => {
    const dir = tmp("bgsim-defects-");
    const lines = readFileSync(RAW, "utf8").trim().split("\n");
    const head = lines[0].replace(/"/g, "").split(",");
    const [g, u, p] = ["GTC", "UPD", "PERF"].map((c) => head.indexOf(c));
    const body = lines.slice(1).map((l) => {
      const c = l.split(",").map(Number);
      c[p] = c[g] + c[u];
      return c.join(",");
    });
    const file = join(dir, "sum.csv");
    writeFileSync(file, `${head.join(",")}\n${body.join("\n")}\n`);
    const r = bgsim("estimate", file, "--out", join(dir, "o"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/PERF = 1\*GTC \+ 1\*UPD/);
  });
});
