import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDataCsv } from "../sim/node/files/data.ts";
import { covariance } from "../src/math/linalg.ts";
import { fitCfa, fitMeasures, parameterTable } from "../src/measurement/index.ts";
import { robustCfa } from "../src/measurement/robust.ts";
import { measurementSpecFromSyntax } from "../src/syntax/toMeasurement.ts";

// Reference values: test/fixtures/lavaan/latent-mlr.R (lavaan 0.6-14,
// cfa()/sem(..., estimator = "MLR")) on latent-mlr.csv (skewed, heavy-tailed items).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/latent-mlr.json", import.meta.url), "utf8"),
);
const ITEMS = ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4"];
const text = readFileSync(new URL("./fixtures/lavaan/latent-mlr.csv", import.meta.url), "utf8");
const data = parseDataCsv(text, "latent-mlr.csv", ITEMS);

type PeRow = { lhs: string; op: string; rhs: string; est: number; se: number; z: number };
type StdRow = { lhs: string; op: string; rhs: string; "est.std": number; se: number };

function fitModel(name: "cfa" | "sem" | "stdlv") {
  const want = ref[name];
  const r = measurementSpecFromSyntax(want.syntax, ITEMS);
  if (!r.ok) throw new Error(r.error);
  const spec = want["std.lv"] ? { ...r.spec, stdLv: true } : r.spec;
  const n = data.n;
  const names = ITEMS;
  const o = fitCfa(spec, { names, cov: covariance(data.columns, n), n });
  if (!o.ok) throw new Error(o.message);
  const est = o.estimate;
  const cols = est.model.observed.map((x) => data.columns[ITEMS.indexOf(x)]);
  const fm = fitMeasures(est);
  const rob = robustCfa(est, cols, fm);
  if (!rob.ok) throw new Error(rob.error);
  return { want, est, fm, rob: rob.result };
}

const same = (a: { lhs: string; op: string; rhs: string }, b: PeRow | StdRow) =>
  a.op === b.op &&
  ((a.lhs === b.lhs && a.rhs === b.rhs) || (a.op === "~~" && a.lhs === b.rhs && a.rhs === b.lhs));

describe("MLR for latent-variable models against lavaan 0.6-14 (latent-mlr.csv)", () => {
  for (const name of ["cfa", "sem", "stdlv"] as const)
    it(`${name}: sandwich SEs, standardized SEs, scaled test and scaled/robust fit`, () => {
      const { want, est, fm, rob } = fitModel(name);
      expect(want.options.test).toBe("yuan.bentler.mplus");
      expect(want.options.meanstructure).toBe(false);
      const rows = parameterTable(rob.estimate);
      let se = 0;
      let stdSe = 0;
      let count = 0;
      for (const w of want.pe as PeRow[]) {
        const got = rows.find((x) => x.free && same(x, w));
        if (!got) throw new Error(`missing ${w.lhs} ${w.op} ${w.rhs}`);
        expect(Math.abs(got.est - w.est), `${w.lhs}${w.op}${w.rhs} est`).toBeLessThan(1e-7);
        se = Math.max(se, Math.abs(got.se - w.se));
        count++;
      }
      expect(count).toBe(est.model.nFree);
      for (const w of want.std as StdRow[]) {
        const got = rows.find((x) => x.free && same(x, w));
        if (!got) continue;
        stdSe = Math.max(stdSe, Math.abs(got.stdSe - w.se));
      }
      // measured: SEs 4.1e-10, standardized SEs 1.4e-9
      expect(se).toBeLessThan(1e-6);
      expect(stdSe).toBeLessThan(1e-6);
      const f = want.fit;
      expect(Math.abs(fm.chisq - f.chisq)).toBeLessThan(1e-6);
      // measured: largest 1.0e-7 (rmsea.ci.lower.robust, by lavaan's uniroot), 3.9e-8 (the
      // scaled baseline chi-square), the rest below
      for (const key of Object.keys(rob.fit) as (keyof typeof rob.fit)[])
        expect(
          Math.abs(rob.fit[key] - f[key]),
          `${key}: ${rob.fit[key]} vs ${f[key]}`,
        ).toBeLessThan(1e-6);
    });
});
