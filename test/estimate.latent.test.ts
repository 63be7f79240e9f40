import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/measurement/model.ts";
import { measurementSpecFromSyntax } from "../src/syntax/toMeasurement.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

// Reference values: test/fixtures/lavaan/cfa.R (ML) and wlsmv.R (WLSMV), lavaan 0.6-14.
const fixture = (f: string) => join("test", "fixtures", "lavaan", f);
const cfaRef = JSON.parse(readFileSync(fixture("cfa.json"), "utf8"));
const wlsmvRef = JSON.parse(readFileSync(fixture("wlsmv.json"), "utf8"));

interface RefRow {
  lhs: string;
  op: string;
  rhs: string;
  est: number;
  se: number;
}

const HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9";
const SEM =
  "f1 =~ z1 + z2 + z3 + z4; f2 =~ z5 + z6 + z7 + z8; f3 =~ z9 + z10 + z11 + z12\nf4 =~ z13 + z14 + z15 + z16\nf4 ~ f1 + f3";

function run(...args: string[]) {
  const dir = join(tmp("bgsim-latent-"), "out");
  const r = bgsim("estimate", ...args, "--out", dir);
  return { ...r, dir };
}

const readRows = (dir: string) => csvParse(readFileSync(join(dir, "estimates.csv"), "utf8"));

describe("bgsim estimate with latent variables (=~)", () => {
  it("ML CFA from syntax: lavaan's columns and row order; estimates, SEs and fit as lavaan", () => {
    const r = run(fixture("cfa-hs.csv"), "--model", HS);
    expect(r.code).toBe(0);
    const rows = readRows(r.dir);
    expect(rows.columns.slice(0, 8)).toEqual(["lhs", "op", "rhs", "label", "est", "se", "z", "p"]);
    expect(rows.columns).toContain("std");
    const ref = cfaRef.hs.pe as (RefRow & { "std.all": number })[];
    expect(rows.map((x) => `${x.lhs} ${x.op} ${x.rhs}`)).toEqual(
      ref.map((x) => `${x.lhs} ${x.op} ${x.rhs}`),
    );
    rows.forEach((x, k) => {
      expect(Math.abs(Number(x.est) - ref[k].est)).toBeLessThan(1e-6);
      if (ref[k].se > 0) expect(Math.abs(Number(x.se) - ref[k].se)).toBeLessThan(1e-6);
      else expect(x.se).toBe("");
      expect(Math.abs(Number(x.std) - ref[k]["std.all"])).toBeLessThan(1e-6);
    });
    const fit = JSON.parse(readFileSync(join(r.dir, "fit.json"), "utf8")).fit;
    for (const k of ["chisq", "df", "cfi", "tli", "rmsea", "rmsea.ci.upper", "srmr", "bic"])
      expect(
        Math.abs(fit[k] - cfaRef.hs.fit[k]) / Math.max(1, Math.abs(cfaRef.hs.fit[k])),
      ).toBeLessThan(1e-6);
  }, 60_000);

  it("ML from a covariance matrix (--corr-matrix --n) gives the raw data's estimates", () => {
    const raw = csvParse(readFileSync(fixture("cfa-hs.csv"), "utf8"));
    const names = raw.columns;
    const cols = names.map((c) => raw.map((r) => Number(r[c])));
    const n = raw.length;
    const mean = cols.map((c) => c.reduce((a, b) => a + b, 0) / n);
    const lines = [`,${names.join(",")}`];
    names.forEach((a, i) => {
      const row = names.map((_, j) => {
        let s = 0;
        for (let k = 0; k < n; k++) s += (cols[i][k] - mean[i]) * (cols[j][k] - mean[j]);
        return String(s / (n - 1));
      });
      lines.push(`${a},${row.join(",")}`);
    });
    const file = join(tmp("bgsim-latent-"), "hs-cov.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const m = run(file, "--model", HS, "--corr-matrix", "--n", String(n));
    expect(m.code).toBe(0);
    const r = run(fixture("cfa-hs.csv"), "--model", HS);
    const a = readRows(m.dir);
    const b = readRows(r.dir);
    a.forEach((x, k) => {
      expect(Math.abs(Number(x.est) - Number(b[k].est))).toBeLessThan(1e-9);
    });
    const ord = run(file, "--model", HS, "--corr-matrix", "--n", String(n), "--ordered", "all");
    expect(ord.code).toBe(2);
    expect(ord.err).toMatch(/--ordered needs the raw answers/);
  }, 60_000);

  it("WLSMV SEM from a .lav file with --ordered all: estimates, SEs and scaled fit as lavaan", () => {
    const lav = join(tmp("bgsim-latent-"), "sem.lav");
    writeFileSync(lav, `# the wlsmv.R SEM\n${SEM}\n`);
    const r = run(fixture("wlsmv-sim.csv"), "--model", lav, "--ordered", "all");
    expect(r.code).toBe(0);
    const rows = readRows(r.dir);
    const ref = (wlsmvRef.sem.params as RefRow[]).filter((x) => x.op !== "~*~" && x.op !== "~1");
    expect(rows.map((x) => `${x.lhs} ${x.op} ${x.rhs}`)).toEqual(
      ref.map((x) => `${x.lhs} ${x.op} ${x.rhs}`),
    );
    let est = 0;
    let se = 0;
    rows.forEach((x, k) => {
      est = Math.max(est, Math.abs(Number(x.est) - ref[k].est));
      if (ref[k].se > 0) se = Math.max(se, Math.abs(Number(x.se) - ref[k].se));
    });
    expect(est).toBeLessThan(1e-5);
    expect(se).toBeLessThan(1e-4);
    const j = JSON.parse(readFileSync(join(r.dir, "fit.json"), "utf8"));
    expect(j.estimator).toMatch(/^WLSMV/);
    for (const k of [
      "chisq.scaled",
      "cfi.scaled",
      "tli.scaled",
      "rmsea.scaled",
      "cfi.robust",
      "rmsea.robust",
    ])
      expect(Math.abs(j.fit[k] - wlsmvRef.sem.fit[k])).toBeLessThan(1e-5);
    expect(j.fit.df).toBe(wlsmvRef.sem.fit.df);
    expect(r.out).toMatch(/scaled CFI = 0\.972/);
  }, 60_000);

  it("--ordered without --estimator means WLSMV; a list must name every item", () => {
    const items = Array.from({ length: 16 }, (_, k) => `z${k + 1}`);
    const ok = run(
      fixture("wlsmv-sim.csv"),
      "--model",
      SEM,
      "--ordered",
      items.join(","),
      "--estimator",
      "WLSMV",
    );
    expect(ok.code).toBe(0);
    const some = run(fixture("wlsmv-sim.csv"), "--model", SEM, "--ordered", "z1,z2");
    expect(some.code).toBe(2);
    expect(some.err).toMatch(
      /z3, .* not listed: mixing continuous and ordinal items is not supported/,
    );
    const stray = run(fixture("wlsmv-sim.csv"), "--model", SEM, "--ordered", "z1,q9");
    expect(stray.code).toBe(2);
    expect(stray.err).toMatch(/--ordered: q9 is not an item of the model/);
  }, 60_000);

  it("MLR gives lavaan's cfa(..., estimator = 'MLR') (latent-mlr.R)", () => {
    const want = JSON.parse(readFileSync(fixture("latent-mlr.json"), "utf8")).cfa;
    const r = run(fixture("latent-mlr.csv"), "--model", want.syntax, "--estimator", "MLR");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/MLR: scaled chi-square = 81\.21 \(scaling factor 0\.961\)/);
    const fit = JSON.parse(readFileSync(join(r.dir, "fit.json"), "utf8"));
    expect(fit.estimator).toMatch(/^MLR/);
    for (const key of ["chisq.scaled", "cfi.scaled", "cfi.robust", "rmsea.robust"])
      expect(Math.abs(fit.fit[key] - want.fit[key]), key).toBeLessThan(1e-6);
    const rows = csvParse(readFileSync(join(r.dir, "estimates.csv"), "utf8"));
    for (const w of want.pe as RefRow[]) {
      const got = rows.find((x) => x.lhs === w.lhs && x.op === w.op && x.rhs === w.rhs);
      expect(got, `${w.lhs}${w.op}${w.rhs}`).toBeDefined();
      expect(Math.abs(Number(got!.se) - w.se)).toBeLessThan(1e-6);
    }
    const matrix = join(tmp("bgsim-latent-"), "m.csv");
    writeFileSync(matrix, ",x1,x2,x3\nx1,1,0.5,0.4\nx2,0.5,1,0.3\nx3,0.4,0.3,1\n");
    const mat = bgsim(
      "estimate",
      matrix,
      "--corr-matrix",
      "--n",
      "100",
      "--model",
      "f =~ x1 + x2 + x3",
      "--estimator",
      "MLR",
      "--out",
      join(tmp("bgsim-latent-"), "o"),
    );
    expect(mat.code).toBe(2);
    expect(mat.err).toMatch(/--estimator MLR needs raw data/);
  });

  it("continuous WLSMV is refused for latent models, --ordered for path models", () => {
    const w = run(fixture("cfa-hs.csv"), "--model", HS, "--estimator", "WLSMV");
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/add --ordered all/);
    const ml = run(
      fixture("wlsmv-sim.csv"),
      "--model",
      SEM,
      "--ordered",
      "all",
      "--estimator",
      "ML",
    );
    expect(ml.code).toBe(2);
    expect(ml.err).toMatch(/fitted by WLSMV/);
    const fiml = run(fixture("cfa-hs.csv"), "--model", HS, "--missing", "fiml");
    expect(fiml.code).toBe(2);
    expect(fiml.err).toMatch(/--missing is not available for models with latent variables/);
    const path = run(fixture("cfa-hs.csv"), "--model", "x1 ~ x2", "--ordered", "all");
    expect(path.code).toBe(2);
    expect(path.err).toMatch(/--ordered applies to models with latent variables/);
  }, 60_000);
});

describe("bad latent models are refused before estimation, naming the factor or item", () => {
  it("an item that is not in the data (CLI: exit 2, the item and its factor named)", () => {
    const r = run(
      fixture("cfa-hs.csv"),
      "--model",
      "visual =~ x1 + x2 + x99\ntextual =~ x4 + x5 + x6",
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /item x99 \(an indicator of factor visual\) is not one of the data's columns/,
    );
    expect(r.dir).toBeTruthy();
  }, 30_000);
  it("a factor with one indicator and no constraint (exogenous or endogenous)", () => {
    const r = run(fixture("cfa-hs.csv"), "--model", "visual =~ x1 + x2 + x3\nspeed =~ x7");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /factor speed has one indicator \(x7\) and no constraint: not identified/,
    );
    const endo = measurementSpecFromSyntax("F =~ a + b + c\nG =~ d\nG ~ F");
    expect(endo.ok).toBe(true);
    if (endo.ok)
      expect(buildModel(endo.spec)).toEqual({
        ok: false,
        message: "factor G has one indicator (d) and no constraint: not identified",
      });
  }, 30_000);
  it("an unidentified factor: no indicators, two indicators alone or uncorrelated with the rest", () => {
    const none = run(fixture("cfa-hs.csv"), "--model", "visual =~ x1 + x2 + x3\nvisual ~ speed");
    expect(none.code).toBe(2);
    expect(none.err).toMatch(
      /speed is not a factor of the model \(a latent variable needs indicators: speed =~ \.\.\.\)/,
    );
    expect(none.err).toMatch(/line 2, column/);
    const two = run(fixture("cfa-hs.csv"), "--model", "visual =~ x1 + x2");
    expect(two.code).toBe(2);
    expect(two.err).toMatch(/factor visual has two indicators and no other factor: not identified/);
    const apart = measurementSpecFromSyntax("F =~ a + b + c\nG =~ d + e\nF ~~ 0*G");
    expect(apart.ok).toBe(true);
    if (apart.ok)
      expect(buildModel(apart.spec)).toEqual({
        ok: false,
        message:
          "factor G has two indicators and its covariances with every other factor are fixed to 0: not identified",
      });
  }, 30_000);
  it("what the latent estimator cannot fit yet is named with its line", () => {
    const cases: [string, RegExp][] = [
      ["F =~ a*x1 + x2 + x3", /labels are not supported in latent-variable models yet/],
      ["F =~ x1 + 0.5*x2 + x3", /only the first loading of a factor can be fixed, to 1/],
      ["F =~ x1 + x2 + x3\nG =~ x4 + x5 + x6\nx1 ~ x4", /regressions on or of observed items/],
      ["F =~ x1 + x2 + x3\nF ~~ 1*F", /fixed factor variances are not supported yet/],
      ["F =~ x1 + x2 + x3\nF ~~ x4", /x4 is not a factor of the model/],
      ["F =~ x1 + x2 + F", /F is a factor; higher-order factors are not supported yet/],
    ];
    for (const [text, re] of cases) {
      const r = measurementSpecFromSyntax(text);
      expect(r.ok ? "ok" : r.error).toMatch(re);
    }
    const clash = measurementSpecFromSyntax("x1 =~ x2 + x3 + x4", ["x1", "x2", "x3", "x4"]);
    expect(clash.ok ? "ok" : clash.error).toMatch(/factor x1 has the name of a data column/);
  });
});
