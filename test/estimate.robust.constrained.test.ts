import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimatePathModel } from "../src/estimate/report.ts";
import { covariance } from "../src/math/linalg.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { structureFromSyntax } from "../src/syntax/index.ts";

// Reference values: test/fixtures/lavaan/robust-constrained.R (lavaan 0.6-14,
// sem(..., estimator = "MLR") with shared labels, fixed values and := on nonnormal240.csv).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/robust-constrained.json", import.meta.url), "utf8"),
);

function readCsv(name: string): number[][] {
  const lines = readFileSync(new URL(`./fixtures/lavaan/${name}`, import.meta.url), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((h) => h.replaceAll('"', ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  return CONSTRUCTS.map((c) => rows.map((r) => r[header.indexOf(c)]));
}

type PeRow = {
  lhs: string;
  op: string;
  rhs: string;
  label: string;
  est: number;
  se: number;
  z: number;
  pvalue: number;
};

const close = (got: number, want: number, tol: number, what: string) =>
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThan(tol);

describe("MLR with equality constraints and fixed values against lavaan (nonnormal240.csv)", () => {
  const cols = readCsv("nonnormal240.csv");
  const n = cols[0].length;
  for (const model of ["equal", "fixed", "both"] as const) {
    it(`${model}: robust SEs, defined parameters, scaled test and fit indices`, () => {
      const want = ref[model];
      expect(want.options.test).toBe("yuan.bentler.mplus");
      const s = structureFromSyntax(want.syntax, CONSTRUCTS);
      if (!s.ok) throw new Error(s.error);
      const r = estimatePathModel(s.structure, covariance(cols, n), n, {
        estimator: "MLR",
        data: cols,
      });
      if (!r.ok) throw new Error(r.error);
      const rep = r.report;
      const all = [...rep.paths, ...rep.covariances, ...rep.variances];
      let worstSe = 0;
      for (const row of want.pe as PeRow[]) {
        const what = `${row.lhs}${row.op}${row.rhs}`;
        if (row.op === ":=") {
          const d = rep.defined?.find((x) => x.name === row.lhs);
          if (!d) throw new Error(`missing ${what}`);
          close(d.est, row.est, 1e-8, `${what} est`);
          close(d.se, row.se, 1e-8, `${what} se`);
          close(d.z, row.z, 1e-6, `${what} z`);
          worstSe = Math.max(worstSe, Math.abs(d.se - row.se));
          continue;
        }
        const got =
          row.op === "~"
            ? all.find((x) => x.kind === "path" && x.to === row.lhs && x.from === row.rhs)
            : all.find(
                (x) =>
                  x.kind !== "path" &&
                  ((x.to === row.lhs && x.from === row.rhs) ||
                    (x.to === row.rhs && x.from === row.lhs)),
              );
        if (!got) throw new Error(`missing ${what}`);
        close(got.est, row.est, 1e-8, `${what} est`);
        close(got.se, row.se, 1e-8, `${what} se`);
        close(got.z, row.z, 1e-6, `${what} z`);
        close(got.p, row.pvalue, 1e-8, `${what} p`);
        worstSe = Math.max(worstSe, Math.abs(got.se - row.se));
      }
      const f = want.fit;
      close(rep.fit.chisq, f.chisq, 1e-7, "chisq");
      expect(rep.fit.df).toBe(f.df);
      const rob = rep.robust;
      if (!rob) throw new Error("no robust fit");
      // measured: largest absolute difference 1.7e-7 (chisq.scaled of "fixed", about 145), the
      // largest relative one 4.8e-8 (lavaan finds the robust RMSEA interval with uniroot)
      let worstFit = 0;
      for (const key of Object.keys(rob) as (keyof typeof rob)[]) {
        close(rob[key], f[key], 1e-6, key);
        worstFit = Math.max(worstFit, Math.abs(rob[key] - f[key]) / Math.max(1, Math.abs(f[key])));
      }
      expect(worstFit).toBeLessThan(1e-7);
      // measured: largest SE difference 3.2e-11 (incl. the defined parameters)
      expect(worstSe).toBeLessThan(1e-8);
    });
  }
});
