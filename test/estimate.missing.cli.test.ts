import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/missing.json", import.meta.url), "utf8"),
);
const mar = "test/fixtures/lavaan/missing-mar.csv";
const mcar = "test/fixtures/lavaan/missing-mcar.csv";

const seOf = (out: string, hyp: string) => {
  const lines = readFileSync(join(out, "estimates.csv"), "utf8").trim().split("\n");
  const head = lines[0].split(",");
  const row = lines.find((l) => l.startsWith(`${hyp},`))!.split(",");
  return { est: Number(row[head.indexOf("est")]), se: Number(row[head.indexOf("se")]) };
};
const lav = (key: string, lhs: string, rhs: string) =>
  ref[key].pe.find(
    (x: { lhs: string; op: string; rhs: string }) => x.lhs === lhs && x.op === "~" && x.rhs === rhs,
  );

describe("bgsim estimate --missing", () => {
  it("without --missing, a file with missing cells is refused (exit 2), counting the rows and naming both options", () => {
    const r = bgsim("estimate", mar, "--out", join(tmp(), "o"));
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      '129 of 250 rows have missing values (empty, NA, NaN or ".") in the model\'s columns (missing cells: GTC 43, UPD 50, QF 50, PERF 41); choose --missing listwise (drop those rows) or --missing fiml',
    );
  });

  it("listwise drops the incomplete rows, says how many, and gives lavaan's listwise estimates", () => {
    const out = join(tmp(), "o");
    const r = bgsim("estimate", mcar, "--missing", "listwise", "--out", out);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      "listwise deletion: dropped 168 of 300 rows with missing values; 132 rows used",
    );
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.n).toBe(132);
    expect(fit.missing).toEqual({ method: "listwise", rows: 300, rowsDropped: 168, rowsUsed: 132 });
    expect(Math.abs(fit.fit.chisq - ref.mcar_published_listwise.fit.chisq)).toBeLessThan(1e-6);
    const h5c = seOf(out, "H5c");
    const want = lav("mcar_published_listwise", "PERF", "QF");
    expect(Math.abs(h5c.est - want.est)).toBeLessThan(1e-6);
    expect(Math.abs(h5c.se - want.se)).toBeLessThan(1e-6);
  });

  it("fiml gives lavaan's missing = 'ml' estimates, SEs and fit, and says which rows it dropped", () => {
    const out = join(tmp(), "o");
    const r = bgsim("estimate", mcar, "--missing", "fiml", "--out", out);
    expect(r.code).toBe(0);
    expect(r.err).toContain("6 rows missing an exogenous variable were dropped");
    expect(r.out).toContain("Intercepts (FIML)");
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    const want = ref.mcar_published_fiml.fit;
    expect(fit.n).toBe(294);
    expect(Math.abs(fit.fit.chisq - want.chisq)).toBeLessThan(1e-4);
    expect(Math.abs(fit.fit["unrestricted.logl"] - want["unrestricted.logl"])).toBeLessThan(1e-4);
    expect(fit.missing.rowsDeletedExogenous).toBe(6);
    expect(fit.estimator).toMatch(/^FIML/);
    const h5c = seOf(out, "H5c");
    const lh = lav("mcar_published_fiml", "PERF", "QF");
    expect(Math.abs(h5c.est - lh.est)).toBeLessThan(1e-5);
    expect(Math.abs(h5c.se - lh.se)).toBeLessThan(1e-5);
  });

  it("bad combinations name the flag and what is allowed", () => {
    const bad = bgsim("estimate", mar, "--missing", "pairwise", "--out", join(tmp(), "o"));
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--missing = "pairwise": must be listwise or fiml');
  });

  it("--missing fiml --estimator MLR gives lavaan's missing = 'ml', estimator = 'MLR'", () => {
    const want = JSON.parse(
      readFileSync(new URL("./fixtures/lavaan/missing-mlr.json", import.meta.url), "utf8"),
    ).published;
    const out = join(tmp(), "o");
    const mlr = bgsim(
      "estimate",
      "test/fixtures/lavaan/missing-mlr.csv",
      "--missing",
      "fiml",
      "--estimator",
      "MLR",
      "--out",
      out,
    );
    expect(mlr.code, mlr.err).toBe(0);
    expect(mlr.out).toMatch(/MLR: scaled chi-square = 7\.41 \(scaling factor 0\.981\)/);
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.estimator).toMatch(/^MLR with FIML/);
    expect(Math.abs(fit.fit["chisq.scaled"] - want.fit["chisq.scaled"])).toBeLessThan(1e-4);
    expect(fit.fit["cfi.robust"]).toBeNull();
    expect(fit.missing.method).toBe("fiml");
  });

  it("bgsim survey --cfa refuses a survey with item non-response, naming the field", () => {
    const r = bgsim(
      "survey",
      "scenarios/missing/item-nonresponse-mar.json",
      "--cfa",
      "--out",
      join(tmp(), "o"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      "--cfa needs every item answered, but the scenario's survey.itemNonresponse",
    );
  });
});
