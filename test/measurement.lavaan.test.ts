import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { covariance } from "../src/math/linalg.ts";
import {
  type CfaEstimate,
  discriminantTests,
  fitCfa,
  fitMeasures,
  type ModelSpec,
  modificationIndices,
  paperCfaSpec,
  parameterTable,
  type SampleMoments,
} from "../src/measurement/index.ts";

// Reference values: test/fixtures/lavaan/cfa.R (lavaan 0.6-14) on data the estimator never saw
// when it was written (lavaan's HolzingerSwineford1939 and PoliticalDemocracy, a simulateData()
// draw from the Appendix loadings, two `bgsim survey` items.csv files).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/cfa.json", import.meta.url), "utf8"),
);

function readCsv(file: string): SampleMoments {
  const lines = readFileSync(new URL(`./fixtures/lavaan/${file}`, import.meta.url), "utf8")
    .trim()
    .split("\n");
  const names = lines[0].split(",").map((s) => s.replace(/"/g, ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const cols = names.map((_, j) => Float64Array.from(rows, (r) => r[j]));
  return { names, cov: covariance(cols, rows.length), n: rows.length };
}

interface RefRow {
  lhs: string;
  op: string;
  rhs: string;
  est: number;
  se: number;
  "std.all": number;
}

const hsSpec: ModelSpec = {
  factors: [
    { name: "visual", indicators: ["x1", "x2", "x3"] },
    { name: "textual", indicators: ["x4", "x5", "x6"] },
    { name: "speed", indicators: ["x7", "x8", "x9"] },
  ],
};
const pdSpec: ModelSpec = {
  factors: [
    { name: "ind60", indicators: ["x1", "x2", "x3"] },
    { name: "dem60", indicators: ["y1", "y2", "y3", "y4"] },
    { name: "dem65", indicators: ["y5", "y6", "y7", "y8"] },
  ],
  regressions: [
    { lhs: "dem60", rhs: ["ind60"] },
    { lhs: "dem65", rhs: ["ind60", "dem60"] },
  ],
  residualCovariances: [
    ["y1", "y5"],
    ["y2", "y4"],
    ["y2", "y6"],
    ["y3", "y7"],
    ["y4", "y8"],
    ["y6", "y8"],
  ],
};

const cases: [string, ModelSpec, string][] = [
  ["hs", hsSpec, "cfa-hs.csv"],
  ["hs_stdlv", { ...hsSpec, stdLv: true }, "cfa-hs.csv"],
  ["pd", pdSpec, "cfa-pd.csv"],
  ["paper", paperCfaSpec(false), "cfa-paper.csv"],
  ["paper_stdlv", paperCfaSpec(true), "cfa-paper.csv"],
  ["survey_continuous", paperCfaSpec(false), "cfa-survey-continuous.csv"],
  ["survey_likert", paperCfaSpec(false), "cfa-survey-likert.csv"],
];

const fitted = new Map<string, CfaEstimate>();
function fitOf(name: string, spec: ModelSpec, file: string): CfaEstimate {
  const cached = fitted.get(name);
  if (cached) return cached;
  const o = fitCfa(spec, readCsv(file));
  if (!o.ok) throw new Error(o.message);
  fitted.set(name, o.estimate);
  return o.estimate;
}

describe.each(cases)("lavaan agreement: %s", (name, spec, file) => {
  const r = ref[name];
  it("estimates, SEs and standardized solution (est, se to 1e-6; std.all and its SE to 1e-6)", () => {
    const est = fitOf(name, spec, file);
    const rows = parameterTable(est);
    const key = (x: { lhs: string; op: string; rhs: string }) => `${x.lhs} ${x.op} ${x.rhs}`;
    const ours = new Map(rows.map((x) => [key(x), x]));
    // lavaan lists fixed zero parameters too (none here) and orders ~~ either way round
    const find = (x: RefRow) => ours.get(key(x)) ?? ours.get(`${x.rhs} ${x.op} ${x.lhs}`);
    const pe: RefRow[] = r.pe;
    expect(pe.length).toBe(rows.length);
    for (const x of pe) {
      const o = find(x);
      expect(o, key(x)).toBeDefined();
      expect(Math.abs(o!.est - x.est), key(x)).toBeLessThan(1e-6);
      expect(Math.abs(o!.se - x.se), key(x)).toBeLessThan(1e-6);
      expect(Math.abs(o!.stdAll - x["std.all"]), key(x)).toBeLessThan(1e-6);
    }
    for (const x of r.std as {
      lhs: string;
      op: string;
      rhs: string;
      "est.std": number;
      se: number;
    }[]) {
      const o = ours.get(key(x)) ?? ours.get(`${x.rhs} ${x.op} ${x.lhs}`)!;
      expect(Math.abs(o.stdAll - x["est.std"]), key(x)).toBeLessThan(1e-6);
      expect(Math.abs(o.stdSe - x.se), `${key(x)} std se`).toBeLessThan(1e-6);
    }
  });
  it("fitMeasures (chi-square, p, CFI, TLI, RMSEA and its interval, SRMR, logl) to 1e-6", () => {
    const f = fitMeasures(fitOf(name, spec, file));
    const l = r.fit;
    const pairs: [number, number, string][] = [
      [f.chisq, l.chisq, "chisq"],
      [f.df, l.df, "df"],
      [f.pvalue, l.pvalue, "pvalue"],
      [f.baselineChisq, l["baseline.chisq"], "baseline.chisq"],
      [f.baselineDf, l["baseline.df"], "baseline.df"],
      [f.cfi, l.cfi, "cfi"],
      [f.tli, l.tli, "tli"],
      [f.nnfi, l.nnfi, "nnfi"],
      [f.rni, l.rni, "rni"],
      [f.ifi, l.ifi, "ifi"],
      [f.rmsea, l.rmsea, "rmsea"],
      [f.rmseaLower, l["rmsea.ci.lower"], "rmsea.ci.lower"],
      [f.rmseaUpper, l["rmsea.ci.upper"], "rmsea.ci.upper"],
      [f.rmseaPvalue, l["rmsea.pvalue"], "rmsea.pvalue"],
      [f.srmr, l.srmr, "srmr"],
      [f.npar, l.npar, "npar"],
    ];
    for (const [a, b, label] of pairs) expect(Math.abs(a - b), label).toBeLessThan(1e-6);
    // log-likelihood and information criteria: relative 1e-9 (they are in the thousands)
    for (const [a, b, label] of [
      [f.logl, l.logl, "logl"],
      [f.aic, l.aic, "aic"],
      [f.bic, l.bic, "bic"],
    ] as const)
      expect(Math.abs(a - b) / Math.abs(b), label).toBeLessThan(1e-9);
  });
});

describe("lavaan agreement: modification indices", () => {
  for (const [name, spec, file] of cases.filter(([n]) => n === "hs" || n === "paper")) {
    it(`${name}: every cross-loading and residual covariance MI and EPC to 1e-6`, () => {
      const mi = modificationIndices(fitOf(name, spec, file));
      const ours = new Map(mi.map((x) => [`${x.lhs} ${x.op} ${x.rhs}`, x]));
      const theirs = (
        ref[name].mi as { lhs: string; op: string; rhs: string; mi: number; epc: number }[]
      ).filter(
        (x) => x.op === "=~" || (x.op === "~~" && !spec.factors.some((f) => f.name === x.lhs)),
      );
      expect(theirs.length).toBe(mi.length);
      for (const x of theirs) {
        const o = ours.get(`${x.lhs} ${x.op} ${x.rhs}`) ?? ours.get(`${x.rhs} ${x.op} ${x.lhs}`);
        expect(o, `${x.lhs} ${x.op} ${x.rhs}`).toBeDefined();
        expect(Math.abs(o!.mi - x.mi), `${x.lhs} ${x.op} ${x.rhs} mi`).toBeLessThan(1e-6);
        expect(Math.abs(o!.epc - x.epc), `${x.lhs} ${x.op} ${x.rhs} epc`).toBeLessThan(1e-6);
      }
    });
  }
});

describe("lavaan agreement: discriminant validity (21 pairs, correlation fixed to 1)", () => {
  it("chi-square of each constrained model and its difference to 1e-5 (lavaan's default nlminb)", () => {
    const tests = discriminantTests(fitOf("paper_stdlv", paperCfaSpec(true), "cfa-paper.csv"));
    const theirs = ref.paper_discriminant as {
      a: string;
      b: string;
      chisq: number;
      delta: number;
    }[];
    expect(tests.length).toBe(21);
    theirs.forEach((t, k) => {
      expect([tests[k].a, tests[k].b]).toEqual([t.a, t.b]);
      expect(Math.abs(tests[k].chisqFixed - t.chisq), `${t.a}-${t.b}`).toBeLessThan(1e-5);
      expect(Math.abs(tests[k].deltaChisq - t.delta), `${t.a}-${t.b}`).toBeLessThan(1e-5);
    });
  }, 60_000);
});
