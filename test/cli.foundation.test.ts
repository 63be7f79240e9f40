import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp as tmpDir } from "./helpers/bgsim.ts";

const tmp = () => tmpDir("bgsim-");

describe("bgsim foundation commands", () => {
  it("--help works for the tool and every command", () => {
    const top = bgsim("--help");
    expect(top.code).toBe(0);
    for (const cmd of ["replicate", "generate", "estimate"]) {
      expect(top.out).toContain(cmd);
      const h = bgsim(cmd, "--help");
      expect(h.code).toBe(0);
      expect(h.out).toMatch(/^Usage: bgsim /);
    }
  });

  it("replicate prints Table 1 and Table 2 beside the model and the fit at n = 203", () => {
    const r = bgsim("replicate");
    expect(r.code).toBe(0);
    expect(r.out).toContain("0.49/0.27 [-0.22]"); // PERF-IMO: the published model misses it
    expect(r.out).toMatch(/H5b\s+UPD -> PERF\s+0\.14\s+S\s+0\.140\s+0\.130/);
    expect(r.out).toMatch(/chi-square = 19\.57, df = 2/);
    const t1 = bgsim("replicate", "--model", "table1");
    expect(t1.code).toBe(0);
    expect(t1.out).toContain("saturated (df = 0)");
  });

  it("generate writes firms.csv and run.json; estimate recovers the model from it", () => {
    const dir = tmp();
    const g = bgsim(
      "generate",
      "scenarios/baseline.json",
      "--firms",
      "5000",
      "--seed",
      "9",
      "--out",
      dir,
    );
    expect(g.code).toBe(0);
    const lines = readFileSync(join(dir, "firms.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("id,IEO,IMO,GTC,UPD,QF,LFDC,PERF");
    expect(lines.length).toBe(5001);
    const run = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    expect(run.seed).toBe(9);
    expect(run.scenario.population.firms).toBe(5000);
    // same seed, same file
    const dir2 = tmp();
    bgsim("generate", "scenarios/baseline.json", "--firms", "5000", "--seed", "9", "--out", dir2);
    expect(readFileSync(join(dir2, "firms.csv"), "utf8")).toBe(
      readFileSync(join(dir, "firms.csv"), "utf8"),
    );
    const out = tmp();
    const e = bgsim("estimate", join(dir, "firms.csv"), "--out", out);
    expect(e.code).toBe(0);
    const est = readFileSync(join(out, "estimates.csv"), "utf8").trim().split("\n");
    expect(est[0]).toBe(
      "hypothesis,from,to,est,se,z,p,verdict,std,std_se,std_z,std_p,paper_coefficient",
    );
    const h3b = est.find((l) => l.startsWith("H3b"))!.split(",");
    expect(Math.abs(Number(h3b[est[0].split(",").indexOf("std")]) - 0.35)).toBeLessThan(0.05);
    const fit = JSON.parse(readFileSync(join(out, "fit.json"), "utf8"));
    expect(fit.fit.df).toBe(2);
    expect(fit.n).toBe(5000);
  });

  it("estimate --corr-matrix reads a correlation matrix with n", () => {
    const dir = tmp();
    const m = join(dir, "table1.csv");
    const rows = [
      ",IEO,IMO,GTC,UPD,QF,LFDC,PERF",
      "IEO,1,.36,.33,.27,.36,.19,.32",
      "IMO,.36,1,.23,.30,.44,.29,.49",
      "GTC,.33,.23,1,.44,.19,.16,.36",
      "UPD,.27,.30,.44,1,.31,.17,.35",
      "QF,.36,.44,.19,.31,1,.29,.44",
      "LFDC,.19,.29,.16,.17,.29,1,.32",
      "PERF,.32,.49,.36,.35,.44,.32,1",
    ];
    writeFileSync(m, rows.join("\n"));
    const r = bgsim("estimate", m, "--corr-matrix", "--n", "203", "--out", join(dir, "o"));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/chi-square = 19\.57, df = 2/);
  });

  describe("bad input: one line, exit 2, no stack trace, no output", () => {
    const dir = tmp();
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const header = "IEO,IMO,GTC,UPD,QF,LFDC,PERF";
    const row = "5,4,5,5,6,4,5";
    const cases: [string, string[], RegExp][] = [
      [
        "missing file",
        ["estimate", join(dir, "nope.csv"), "--out", join(dir, "o1")],
        /nope\.csv: no such file/,
      ],
      [
        "missing columns",
        ["estimate", file("a.csv", "IEO,IMO\n1,2\n"), "--out", join(dir, "o2")],
        /missing column\(s\) GTC, UPD, QF, LFDC, PERF/,
      ],
      [
        "non-numeric cell",
        ["estimate", file("b.csv", `${header}\n${row}\n5,4,x,5,6,4,5\n`), "--out", join(dir, "o3")],
        /row 3, column GTC: "x" is not a number/,
      ],
      [
        "fewer rows than parameters",
        [
          "estimate",
          file(
            "c.csv",
            `${header}\n${Array.from({ length: 10 }, (_, i) => `${i},${i % 3},${i % 5},${i % 2},${(i * 7) % 5},${i % 4},${(i * 3) % 7}`).join("\n")}\n`,
          ),
          "--out",
          join(dir, "o4"),
        ],
        /too few for 26 free parameters/,
      ],
      [
        "singular covariance",
        [
          "estimate",
          file(
            "d.csv",
            `${header}\n${Array.from({ length: 50 }, (_, i) => `${i},${i},${i % 5},${i % 2},${(i * 7) % 5},${i % 4},${(i * 3) % 7}`).join("\n")}\n`,
          ),
          "--out",
          join(dir, "o5"),
        ],
        /singular/,
      ],
      [
        "malformed scenario JSON",
        ["generate", file("e.json", "{ nope"), "--out", join(dir, "o6")],
        /not valid JSON/,
      ],
      [
        "unknown field",
        ["generate", file("f.json", '{"populaton": {}}'), "--out", join(dir, "o7")],
        /populaton.*unknown field/,
      ],
      [
        "impossible coefficient",
        [
          "generate",
          file("g.json", '{"model": {"paths": {"GTC->PERF": 0.95, "QF->PERF": 0.9}}}'),
          "--out",
          join(dir, "o8"),
        ],
        /PERF.*residual variance/,
      ],
      [
        "out-of-range firms",
        ["generate", "scenarios/baseline.json", "--firms=-5", "--out", join(dir, "o9")],
        /--firms = "-5": must be an integer from 10 to 5000000/,
      ],
      [
        "unknown model",
        ["replicate", "--model", "lisrel"],
        /--model = "lisrel": must be one of published, table1/,
      ],
      ["unknown option", ["replicate", "--modle", "x"], /Unknown option '--modle'/],
    ];
    for (const [name, args, pattern] of cases) {
      it(name, () => {
        const r = bgsim(...args);
        expect(r.code).toBe(2);
        expect(r.err).toMatch(pattern);
        expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
        const outIdx = args.indexOf("--out");
        if (outIdx >= 0) {
          const out = args[outIdx + 1];
          expect(existsSync(join(out, "estimates.csv")) || existsSync(join(out, "firms.csv"))).toBe(
            false,
          );
        }
      });
    }
  });
});
