import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/robust.json", import.meta.url), "utf8"),
);
const data = "test/fixtures/lavaan/nonnormal300.csv";

describe("bgsim estimate --estimator", () => {
  it("MLR with shared labels, fixed values and := (lavaan syntax) gives lavaan's robust SEs", () => {
    const want = JSON.parse(
      readFileSync(new URL("./fixtures/lavaan/robust-constrained.json", import.meta.url), "utf8"),
    ).equal;
    const out = join(tmp(), "o");
    const r = bgsim(
      "estimate",
      "test/fixtures/lavaan/nonnormal240.csv",
      "--model",
      want.syntax,
      "--estimator",
      "MLR",
      "--out",
      out,
    );
    expect(r.code, r.err).toBe(0);
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    for (const key of ["chisq.scaled", "chisq.scaling.factor", "cfi.robust", "rmsea.robust"])
      expect(Math.abs(fit.fit[key] - want.fit[key])).toBeLessThan(1e-6);
    const lines = readFileSync(join(out, "estimates.csv"), "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const ind = lines.find((l) => l.split(",")[head.indexOf("lhs")] === "ind")!.split(",");
    const lav = want.pe.find((x: { lhs: string }) => x.lhs === "ind");
    expect(Math.abs(Number(ind[head.indexOf("se")]) - lav.se)).toBeLessThan(1e-6);
  });
  it("MLR writes lavaan's robust SEs and scaled fit, and prints Mardia's tests with advice", () => {
    const out = join(tmp(), "o");
    const r = bgsim("estimate", data, "--estimator", "MLR", "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MLR: scaled chi-square = 4\.02 \(scaling factor 0\.929\)/);
    expect(r.out).toMatch(/Mardia: skewness .* p = 4\.58e-121/);
    expect(r.out).toContain("MLR (used here) corrects them");
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    const want = ref.nonnormal300.published.fit;
    for (const key of ["chisq.scaled", "chisq.scaling.factor", "cfi.scaled", "rmsea.robust"])
      expect(Math.abs(fit.fit[key] - want[key])).toBeLessThan(1e-7);
    expect(fit.estimator).toMatch(/^MLR/);
    expect(fit.mardia["skew.df"]).toBe(84);
    const lines = readFileSync(join(out, "estimates.csv"), "utf8").trim().split("\n");
    const head = lines[0].split(",");
    const h1a = lines.find((l) => l.startsWith("H1a,"))!.split(",");
    const se = Number(h1a[head.indexOf("se")]);
    const lav = ref.nonnormal300.published.pe.find(
      (x: { lhs: string; op: string; rhs: string }) =>
        x.lhs === "GTC" && x.op === "~" && x.rhs === "IEO",
    );
    expect(Math.abs(se - lav.se)).toBeLessThan(1e-8);
  });

  it("ML (the default) adds no robust fields and puts Mardia's advice on stderr only", () => {
    const out = join(tmp(), "o");
    const r = bgsim("estimate", data, "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).not.toContain("Mardia");
    expect(r.err).toContain("Use --estimator MLR");
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.fit["chisq.scaled"]).toBeUndefined();
    expect(fit.mardia).toBeUndefined();
  });

  it("refuses MLR on a matrix and an unknown estimator", () => {
    const dir = tmp();
    const m = bgsim(
      "estimate",
      data,
      "--corr-matrix",
      "--n",
      "300",
      "--estimator",
      "MLR",
      "--out",
      join(dir, "a"),
    );
    expect(m.code).not.toBe(0);
    expect(m.err).toMatch(/needs raw data/);
    const u = bgsim("estimate", data, "--estimator", "WLSMV", "--out", join(dir, "b"));
    expect(u.code).not.toBe(0);
    expect(u.err).toMatch(/--estimator WLSMV applies to models with latent variables/);
    const v = bgsim("estimate", data, "--estimator", "GLS", "--out", join(dir, "c"));
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/must be ML, MLR or WLSMV/);
  });
});
