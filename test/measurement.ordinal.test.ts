import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bivariateNormalCdf,
  corIndex,
  fitMeasurementModel,
  fitWlsmv,
  type OrdinalData,
  type OrdinalSampleStats,
  ordinalAcov,
  ordinalSampleStats,
} from "../src/measurement/ordinal/index.ts";
import { paperCfaSpec } from "../src/measurement/paper.ts";

// Reference values: test/fixtures/lavaan/ordinal.R (lavaan 0.6-14, mvtnorm, pbivnorm).
const ref = JSON.parse(
  readFileSync(new URL("./fixtures/lavaan/ordinal.json", import.meta.url), "utf8"),
);

function readItems(file: string, names?: readonly string[]): OrdinalData {
  const lines = readFileSync(new URL(`./fixtures/lavaan/${file}`, import.meta.url), "utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",").map((s) => s.replace(/"/g, ""));
  const rows = lines.slice(1).map((l) => l.split(",").map(Number));
  const use = names ?? header;
  return {
    names: use,
    columns: use.map((nm) => {
      const j = header.indexOf(nm);
      return Float64Array.from(rows, (r) => r[j]);
    }),
  };
}

function stats(data: OrdinalData): OrdinalSampleStats {
  const r = ordinalSampleStats(data);
  if (!r.ok) throw new Error(r.message);
  return r.stats;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

function vechRef(cor: number[][]): number[] {
  const p = cor.length;
  const out: number[] = [];
  for (let j = 0; j < p; j++) for (let i = j + 1; i < p; i++) out.push(cor[i][j]);
  return out;
}

describe("bivariate normal CDF (Genz BVND)", () => {
  it("equals mvtnorm::pmvnorm and pbivnorm to 1e-14 on a grid of 240 points", () => {
    let m = 0;
    for (const g of ref.bvn as { x: number; y: number; rho: number; pmvnorm: number }[])
      m = Math.max(m, Math.abs(bivariateNormalCdf(g.x, g.y, g.rho) - g.pmvnorm));
    expect(m).toBeLessThan(1e-14);
  });
});

describe("thresholds and polychoric correlations (lavCor(ordered = TRUE))", () => {
  for (const [key, file, names] of [
    ["sim", "ordinal-sim.csv", undefined],
    ["survey", "cfa-survey-likert.csv", ref.survey.names],
  ] as const) {
    it(`${key}: thresholds and polychorics equal lavaan's to 1e-6`, () => {
      const r = ref[key];
      const s = stats(readItems(file, names));
      expect(s.thresholdNames).toEqual(r.th_names);
      expect(maxDiff(s.thresholds, r.th)).toBeLessThan(1e-9);
      const p = s.names.length;
      const mine: number[] = [];
      for (let j = 0; j < p; j++) for (let i = j + 1; i < p; i++) mine.push(s.cor[i * p + j]);
      expect(maxDiff(mine, vechRef(r.cor))).toBeLessThan(1e-6);
      expect(corIndex(p - 1, p - 2, p)).toBe(mine.length - 1);
    });
  }
  it("drops an empty category as lavaan does (y12: 6 categories, 5 thresholds)", () => {
    const s = stats(readItems("ordinal-sim.csv"));
    expect(s.items[11].levels).toEqual([1, 3, 4, 5, 6, 7]);
    expect(s.items[11].thresholds.length).toBe(5);
    expect(s.emptyCellPairs.length).toBeGreaterThan(0);
  });
});

describe("asymptotic covariance (NACOV / Gamma and the DWLS weight)", () => {
  it("Gamma and WLS.V equal lavaan's to 1e-6 (relative)", () => {
    const s = stats(readItems("ordinal-sim.csv"));
    const a = ordinalAcov(s)!;
    const G = ref.sim.gamma as number[][];
    expect(a.dim).toBe(G.length);
    let m = 0;
    for (let r = 0; r < a.dim; r++)
      for (let c = 0; c < a.dim; c++)
        m = Math.max(m, Math.abs(a.gamma[r * a.dim + c] - G[r][c]) / (1 + Math.abs(G[r][c])));
    expect(m).toBeLessThan(1e-6);
    let w = 0;
    for (let r = 0; r < a.dim; r++)
      w = Math.max(w, Math.abs(a.wlsV[r] - ref.sim.wls_v[r]) / ref.sim.wls_v[r]);
    expect(w).toBeLessThan(1e-6);
  });
  it("survey items: WLS.V equals lavaan's to 1e-6 (relative)", () => {
    const a = ordinalAcov(stats(readItems("cfa-survey-likert.csv", ref.survey.names)))!;
    let w = 0;
    for (let r = 0; r < a.dim; r++)
      w = Math.max(w, Math.abs(a.wlsV[r] - ref.survey.wls_v[r]) / ref.survey.wls_v[r]);
    expect(w).toBeLessThan(1e-6);
  });
});

describe("WLSMV CFA (cfa(ordered = TRUE, estimator = 'WLSMV'))", () => {
  const data = readItems("ordinal-sim.csv");
  const spec = {
    factors: [0, 1, 2].map((f) => ({
      name: `f${f + 1}`,
      indicators: data.names.slice(4 * f, 4 * f + 4),
    })),
  };
  const r = fitWlsmv(spec, stats(data));
  if (!r.ok) throw new Error(r.message);
  const e = r.estimate;
  interface Row {
    lhs: string;
    op: string;
    rhs: string;
    est: number;
    se: number;
    std_all: number;
  }
  const rows = ref.cfa.params as Row[];
  it("estimates (loadings, factor (co)variances, thresholds, residual variances) to 1e-5", () => {
    let m = 0;
    for (const p of e.params) {
      const q = rows.find((x) => x.lhs === p.lhs && x.op === p.op && x.rhs === p.rhs);
      expect(q, `${p.lhs} ${p.op} ${p.rhs}`).toBeDefined();
      m = Math.max(m, Math.abs(p.est - q!.est));
    }
    expect(e.params.length).toBe(100);
    expect(m).toBeLessThan(1e-5);
  });
  it("std.all to 1e-5", () => {
    let m = 0;
    for (const p of e.params) {
      const q = rows.find((x) => x.lhs === p.lhs && x.op === p.op && x.rhs === p.rhs)!;
      m = Math.max(m, Math.abs(p.stdAll - q.std_all));
    }
    expect(m).toBeLessThan(1e-5);
  });
  it("robust standard errors to 1e-5", () => {
    let m = 0;
    for (const p of e.params) {
      const q = rows.find((x) => x.lhs === p.lhs && x.op === p.op && x.rhs === p.rhs)!;
      m = Math.max(m, Math.abs(p.se - q.se));
    }
    expect(m).toBeLessThan(1e-5);
  });
  it("chi-square, scaled.shifted chi-square, df, scaling and shift to 1e-5", () => {
    const f = ref.cfa.fit;
    expect(e.test.df).toBe(f.df);
    expect(e.npar).toBe(f.npar);
    expect(e.fmin).toBeCloseTo(f.fmin, 8);
    expect(Math.abs(e.test.chisq - f.chisq)).toBeLessThan(1e-5);
    expect(Math.abs(e.test.chisqScaled - f["chisq.scaled"])).toBeLessThan(1e-5);
    expect(Math.abs(e.test.scalingFactor - f["chisq.scaling.factor"])).toBeLessThan(1e-5);
    expect(Math.abs(e.test.shift - ref.cfa.shift_parameter)).toBeLessThan(1e-5);
    expect(Math.abs(e.test.pvalueScaled - f["pvalue.scaled"])).toBeLessThan(1e-5);
    expect(Math.abs(e.test.traceUGamma - ref.cfa.trace_ugamma)).toBeLessThan(1e-5);
    expect(Math.abs(e.test.traceUGamma2 - ref.cfa.trace_ugamma2)).toBeLessThan(1e-5);
  });
});

describe("measurement API: fitMeasurementModel(spec, raw items, { ordered })", () => {
  const data = readItems("ordinal-sim.csv");
  const spec = {
    factors: [
      { name: "f1", indicators: ["y1", "y2", "y3", "y4"] },
      { name: "f2", indicators: ["y5", "y6", "y7", "y8"] },
    ],
  };
  it("ordered: true and a list of every item give WLSMV; the items are taken by name", () => {
    const a = fitMeasurementModel(spec, data, { ordered: true });
    const b = fitMeasurementModel(spec, data, {
      ordered: ["y8", "y7", "y6", "y5", "y4", "y3", "y2", "y1"],
    });
    expect(a.ok && a.estimator).toBe("WLSMV");
    expect(b.ok && b.estimator).toBe("WLSMV");
    if (a.ok && b.ok) expect(b.estimate.theta).toEqual(a.estimate.theta);
  });
  it("without ordered it is the continuous ML fit", () => {
    const a = fitMeasurementModel(spec, data);
    expect(a.ok && a.estimator).toBe("ML");
  });
  it("a partial list (mixed items) and an unknown item are refused with the item named", () => {
    const a = fitMeasurementModel(spec, data, { ordered: ["y1", "y2"] });
    expect(!a.ok && a.reason).toBe("mixed-items");
    const b = fitMeasurementModel(spec, data, { ordered: ["y1", "zz"] });
    expect(!b.ok && b.message).toMatch(/zz/);
  });
});

describe("WLSMV: the paper's CFA (39 items, 7 factors) on bgsim survey items", () => {
  const data = readItems("cfa-survey-likert.csv", ref.paper.names);
  const ours = stats(data);
  // lavaan's polychorics stop (nlminb) up to 3e-8 from the maximum; the chi-square of this
  // 741-correlation model moves about 2000 per unit of correlation, so with our polychorics
  // the statistics agree to ~1e-5 absolute (1e-8 relative), with lavaan's own to 1e-11
  const lavaansCor = { ...ours, cor: Float64Array.from((ref.paper.cor as number[][]).flat()) };
  for (const [label, s, tolChisq] of [
    ["our polychorics", ours, 1e-7],
    ["lavaan's polychorics", lavaansCor, 1e-10],
  ] as const) {
    it(`${label}: estimates, SEs, std.all to 1e-5; chi-squares to ${tolChisq} relative`, () => {
      const r = fitWlsmv(paperCfaSpec(false), s);
      if (!r.ok) throw new Error(r.message);
      const e = r.estimate;
      const rows = ref.paper.params as {
        lhs: string;
        op: string;
        rhs: string;
        est: number;
        se: number;
        std_all: number;
      }[];
      let me = 0;
      let ms = 0;
      let mz = 0;
      for (const p of e.params) {
        const q = rows.find((x) => x.lhs === p.lhs && x.op === p.op && x.rhs === p.rhs)!;
        me = Math.max(me, Math.abs(p.est - q.est));
        ms = Math.max(ms, Math.abs(p.se - q.se));
        mz = Math.max(mz, Math.abs(p.stdAll - q.std_all));
      }
      expect(me).toBeLessThan(1e-5);
      expect(ms).toBeLessThan(1e-5);
      expect(mz).toBeLessThan(1e-5);
      const f = ref.paper.fit;
      expect(e.npar).toBe(f.npar);
      expect(e.test.df).toBe(f.df);
      const rel = (a: number, b: number) => Math.abs(a - b) / b;
      expect(rel(e.test.chisq, f.chisq)).toBeLessThan(tolChisq);
      expect(rel(e.test.chisqScaled, f["chisq.scaled"])).toBeLessThan(tolChisq);
      expect(rel(e.test.shift, ref.paper.shift_parameter)).toBeLessThan(tolChisq);
    });
  }
  it("fitMeasurementModel on the raw answers gives the same fit", () => {
    const r = fitMeasurementModel(paperCfaSpec(false), data, { ordered: true });
    expect(r.ok && r.estimator).toBe("WLSMV");
  });
});
