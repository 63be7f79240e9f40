import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDataCsv } from "../sim/node/files/data.ts";
import { estimateWithMissing, type MissingMethod } from "../src/estimate/missing/index.ts";
import { BUILTIN_MODELS, type ModelStructure, structureOf } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { structureFromSyntax } from "../src/syntax/index.ts";

// Reference values from test/fixtures/lavaan/missing.R (lavaan 0.6-14, sem(..., missing = "ml")
// and missing = "listwise") on the fixture files missing-mcar.csv and missing-mar.csv.
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/missing.json", import.meta.url), "utf8"),
);

type PeRow = {
  lhs: string;
  op: string;
  rhs: string;
  label: string;
  est: number;
  se: number;
  z: number;
  pvalue: number;
  "std.all": number;
};

function data(name: "mcar" | "mar") {
  const file = `missing-${name}.csv`;
  const text = readFileSync(new URL(`./fixtures/lavaan/${file}`, import.meta.url), "utf8");
  return parseDataCsv(text, file, CONSTRUCTS, { missing: true });
}

function fitCase(dataName: "mcar" | "mar", model: "published" | "syntax", method: MissingMethod) {
  const key = `${dataName}_${model}_${method === "fiml" ? "fiml" : "listwise"}`;
  const r0 = ref[key];
  let structure: ModelStructure;
  if (model === "published") structure = structureOf(BUILTIN_MODELS.published());
  else {
    const s = structureFromSyntax(r0.syntax, CONSTRUCTS);
    if (!s.ok) throw new Error(s.error);
    structure = s.structure;
  }
  const d = data(dataName);
  const cols = structure.variables.map(
    (v) => d.columns[(CONSTRUCTS as readonly string[]).indexOf(v)],
  );
  const r = estimateWithMissing(structure, cols, d.n, { method });
  if (!r.ok) throw new Error(r.error);
  return { r, ref: r0 };
}

/** The largest absolute differences from lavaan over every parameter row. */
function compare(dataName: "mcar" | "mar", model: "published" | "syntax", method: MissingMethod) {
  const { r, ref: r0 } = fitCase(dataName, model, method);
  const rep = r.report;
  const all = [...rep.paths, ...rep.covariances, ...rep.variances];
  let est = 0;
  let se = 0;
  let std = 0;
  let rows = 0;
  for (const row of r0.pe as PeRow[]) {
    let mine: { est: number; se: number; std?: number } | undefined;
    if (row.op === "~") mine = rep.paths.find((x) => x.from === row.rhs && x.to === row.lhs);
    else if (row.op === "~~")
      mine = all.find(
        (x) =>
          x.kind !== "path" && [x.from, x.to].sort().join() === [row.lhs, row.rhs].sort().join(),
      );
    else if (row.op === "~1") mine = r.missing.intercepts?.find((x) => x.variable === row.lhs);
    else if (row.op === ":=") mine = rep.defined?.find((x) => x.name === row.lhs);
    expect(mine, `${key(row)} (${method})`).toBeDefined();
    est = Math.max(est, Math.abs(mine!.est - row.est));
    se = Math.max(se, Math.abs(mine!.se - row.se));
    if (mine!.std !== undefined && row.op !== "~1")
      std = Math.max(std, Math.abs(mine!.std - row["std.all"]));
    rows++;
  }
  return { est, se, std, rows, rep, missing: r.missing, fit: r0.fit, nobs: r0.nobs };
}

const key = (row: PeRow) => `${row.lhs}${row.op}${row.rhs}`;

describe("FIML (missing = 'ml') agrees with lavaan 0.6-14", () => {
  for (const dataName of ["mcar", "mar"] as const)
    for (const model of ["published", "syntax"] as const)
      it(`${model} model, ${dataName.toUpperCase()} data`, () => {
        const c = compare(dataName, model, "fiml");
        expect(c.rows).toBeGreaterThan(20);
        // the tolerances: estimates and SEs to 1e-5, chi-square to 1e-4
        expect(c.est).toBeLessThan(1e-5);
        expect(c.se).toBeLessThan(1e-5);
        expect(c.std).toBeLessThan(1e-5);
        const f = c.rep.fit;
        expect(Math.abs(f.chisq - c.fit.chisq)).toBeLessThan(1e-4);
        expect(f.df).toBe(c.fit.df);
        expect(f.npar).toBe(c.fit.npar);
        expect(f.n).toBe(c.nobs);
        expect(f.pvalue).toBeCloseTo(c.fit.pvalue, 6);
        expect(Math.abs(f.baselineChisq - c.fit["baseline.chisq"])).toBeLessThan(1e-4);
        expect(f.baselineDf).toBe(c.fit["baseline.df"]);
        expect(f.cfi).toBeCloseTo(c.fit.cfi, 6);
        expect(f.tli).toBeCloseTo(c.fit.tli, 6);
        expect(f.rmsea).toBeCloseTo(c.fit.rmsea, 6);
        expect(f.rmseaLower).toBeCloseTo(c.fit["rmsea.ci.lower"], 5);
        expect(f.rmseaUpper).toBeCloseTo(c.fit["rmsea.ci.upper"], 5);
        // lavaan's SRMR uses its EM estimates, which stop at lavaan's EM tolerance (ours run to
        // 1e-12): the two differ by up to 8e-7 here
        expect(Math.abs(f.srmr - c.fit.srmr)).toBeLessThan(2e-6);
        expect(c.missing.logl!).toBeCloseTo(c.fit.logl, 4);
        expect(c.missing.unrestrictedLogl!).toBeCloseTo(c.fit["unrestricted.logl"], 4);
      });

  it("deletes the rows missing an exogenous variable, as lavaan does with fixed.x", () => {
    const c = compare("mcar", "published", "fiml");
    expect(c.missing.rowsDeletedExogenous).toBe(6);
    expect(c.missing.rowsUsed).toBe(294);
    expect(c.nobs).toBe(294);
  });
});

describe("listwise deletion agrees with lavaan's missing = 'listwise'", () => {
  for (const dataName of ["mcar", "mar"] as const)
    for (const model of ["published", "syntax"] as const)
      it(`${model} model, ${dataName.toUpperCase()} data`, () => {
        const c = compare(dataName, model, "listwise");
        expect(c.est).toBeLessThan(1e-6);
        expect(c.se).toBeLessThan(1e-6);
        expect(c.missing.rowsUsed).toBe(c.nobs);
        expect(c.rep.n).toBe(c.nobs);
        expect(Math.abs(c.rep.fit.chisq - c.fit.chisq)).toBeLessThan(1e-6);
        expect(c.rep.fit.cfi).toBeCloseTo(c.fit.cfi, 6);
        expect(c.rep.fit.rmsea).toBeCloseTo(c.fit.rmsea, 6);
        expect(c.rep.fit.srmr).toBeCloseTo(c.fit.srmr, 6);
      });
});

describe("data with missing cells", () => {
  const head = CONSTRUCTS.join(",");
  const row = "1,2,3,4,5,6,7";
  it("reads empty, NA, NaN and '.' cells as missing and counts the rows", () => {
    const text = `${head}\n${row}\n1,2,,4,5,6,7\n1,NA,3,4,.,6,7\n${row}\n1,2,3,4,5,6,NaN\n`;
    const d = parseDataCsv(text, "f.csv", CONSTRUCTS, { missing: true });
    expect(d.incompleteRows).toBe(3);
    expect(d.missingByColumn).toEqual([0, 1, 1, 0, 1, 0, 1]);
    expect(d.columns[2][1]).toBeNaN();
    expect(d.columns[4][2]).toBeNaN();
  });
  it("without the option, an empty cell is not a number", () => {
    expect(() => parseDataCsv(`${head}\n1,2,,4,5,6,7\n`, "f.csv", CONSTRUCTS)).toThrow(
      'row 2, column GTC: "" is not a number',
    );
  });
  it("other text is still refused, naming the missing-value codes", () => {
    expect(() =>
      parseDataCsv(`${head}\n1,2,n/a,4,5,6,7\n`, "f.csv", CONSTRUCTS, { missing: true }),
    ).toThrow(
      'row 2, column GTC: "n/a" is not a number (a plain decimal number is expected; a missing value is an empty cell, NA, NaN or ".")',
    );
  });
});
