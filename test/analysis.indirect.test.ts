import { readFileSync } from "node:fs";
import { join } from "node:path";
import { csvParse } from "d3";
import { describe, expect, it } from "vitest";
import { resultOfRecord } from "../sim/core/montecarlo/finalise.ts";
import { analysesOfRecord } from "../sim/core/montecarlo/rows.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import { runReplication } from "../src/replication.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const scenario = (extra: Record<string, unknown>) => {
  const r = validateScenario({
    seed: 11,
    model: { base: "table1" },
    population: { firms: 300 },
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
};

const NAMES = [
  "IEO_GTC_PERF",
  "IEO_UPD_PERF",
  "IEO_QF_PERF",
  "IEO_LFDC_PERF",
  "IEO_total",
  "IMO_GTC_PERF",
  "IMO_UPD_PERF",
  "IMO_QF_PERF",
  "IMO_LFDC_PERF",
  "IMO_total",
];

describe("indirect effects in every fitted model (estimation.indirect)", () => {
  const analysis = [{ name: "published", model: "published" }];
  const off = runReplication(scenario({ analysis }), 3);
  const on = runReplication(scenario({ analysis, estimation: { indirect: true } }), 3);

  it("leaves the paths' numbers as they were and adds the ten effects after them", () => {
    expect(on.paths.slice(0, off.paths.length)).toEqual(off.paths);
    expect(on.paths.slice(off.paths.length).map((x) => x.label)).toEqual(NAMES);
    expect(on.analyses![0].paths.slice(0, off.analyses![0].paths.length)).toEqual(
      off.analyses![0].paths,
    );
    expect(on.fit).toEqual(off.fit);
  });

  it("estimates products of the paths with population values from the generating model", () => {
    const path = (l: string) => on.paths.find((x) => x.label === l)!;
    const ind = path("IEO_GTC_PERF");
    expect(ind.est).toBeCloseTo(path("IEO->GTC").est * path("GTC->PERF").est, 14);
    expect(ind.std).toBeCloseTo(path("IEO->GTC").std * path("GTC->PERF").std, 14);
    expect(ind.population).toBeCloseTo(
      path("IEO->GTC").population * path("GTC->PERF").population,
      14,
    );
    const strategies = ["GTC", "UPD", "QF", "LFDC"];
    const total = strategies.reduce(
      (s, m) => s + path(`IMO->${m}`).population * path(`${m}->PERF`).population,
      0,
    );
    expect(path("IMO_total").population).toBeCloseTo(total, 14);
    expect(ind.se).toBeGreaterThan(0);
    expect(ind.stdSe).toBeGreaterThan(0);
  });

  it("survives the journal: flattened and read back, generating and analysis model alike", () => {
    const { keys, values } = flattenResult(on, { stdSe: true });
    expect(keys).toContain("IEO_total.est");
    expect(keys).toContain("published.IEO_total.std_se");
    const back = resultOfRecord(3, keys, values);
    expect(back.paths.map((x) => x.label)).toEqual(on.paths.map((x) => x.label));
    expect(back.paths.find((x) => x.label === "IMO_total")!.est).toBe(
      on.paths.find((x) => x.label === "IMO_total")!.est,
    );
    const a = analysesOfRecord(keys, values, [{ name: "published", estimator: "ML" }]);
    expect(a[0].paths.map((x) => x.label)).toEqual(on.analyses![0].paths.map((x) => x.label));
  });

  it("a lower-case defined parameter of the generating model stays the generating model's", () => {
    const s = scenario({
      model: {
        base: "table1",
      },
      analysis: [
        {
          name: "mine",
          model: "GTC ~ a*IEO + IMO\nPERF ~ b*GTC + IEO + IMO\nind := a*b",
        },
      ],
    });
    const r = runReplication(s, 0);
    const { keys, values } = flattenResult(r, { stdSe: true });
    expect(keys).toContain("mine.ind.est");
    const a = analysesOfRecord(keys, values, [{ name: "mine", estimator: "ML" }]);
    expect(a[0].paths.map((x) => x.label)).toContain("ind");
    expect(resultOfRecord(0, keys, values).paths.map((x) => x.label)).not.toContain("ind");
  });
});

describe("bgsim power --indirect and bgsim survey --indirect", () => {
  it("power: replications.csv and summary.csv gain the effects' rows; power, coverage, bias", () => {
    const dir = join(tmp(), "p");
    const r = bgsim(
      "power",
      "scenarios/misspecified/omitted-direct-paths.json",
      "--reps",
      "40",
      "--indirect",
      "--quiet",
      "--out",
      dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("IEO_total");
    const summary = csvParse(readFileSync(join(dir, "summary.csv"), "utf8"));
    const rows = summary.filter((x) => x.analysis === "published");
    // paths in Table 2's order, then the defined parameters
    expect(rows.map((x) => x.path).slice(12)).toEqual(
      [...NAMES].sort((a, b) => a.localeCompare(b)),
    );
    const total = rows.find((x) => x.path === "IMO_total")!;
    for (const c of ["population", "mean_estimate", "bias", "coverage", "power", "mean_se"])
      expect(Number.isFinite(Number(total[c])), c).toBe(true);
    const reps = csvParse(readFileSync(join(dir, "replications.csv"), "utf8"));
    expect(reps.filter((x) => x.path === "IEO_total")).toHaveLength(2 * 40);
    const one = reps.find((x) => x.path === "IEO_total" && x.analysis === "published")!;
    expect(Number(one.z)).toBeCloseTo(Number(one.est) / Number(one.se), 12);
    const json = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(json.resolved_scenario.estimation.indirect).toBe(true);
  });

  it("survey: estimates.csv gains the ten rows with their population values", () => {
    const dir = join(tmp(), "s");
    const r = bgsim("survey", "scenarios/baseline.json", "--indirect", "--out", dir);
    expect(r.code, r.err).toBe(0);
    const est = csvParse(readFileSync(join(dir, "estimates.csv"), "utf8"));
    expect(est.slice(-10).map((x) => x.path)).toEqual(NAMES);
    expect(Number(est.find((x) => x.path === "IEO_total")!.population)).toBeGreaterThan(0);
  });
});

describe("bgsim estimate --indirect", () => {
  it("reports the ten effects as lavaan does (reference.R, defined_raw150: est and SE to 1e-9)", () => {
    const ref = JSON.parse(
      readFileSync(new URL("./fixtures/lavaan/reference.json", import.meta.url), "utf8"),
    );
    const dir = join(tmp(), "e");
    const r = bgsim("estimate", "test/fixtures/lavaan/raw150.csv", "--indirect", "--out", dir);
    expect(r.code, r.err).toBe(0);
    const est = csvParse(readFileSync(join(dir, "estimates.csv"), "utf8"));
    const want = (
      ref.syntax.defined_raw150.pe as { lhs: string; op: string; est: number; se: number }[]
    ).filter((x) => x.op === ":=" && NAMES.includes(x.lhs));
    expect(want).toHaveLength(10);
    for (const w of want) {
      const mine = est.find((x) => x.op === ":=" && x.lhs === w.lhs)!;
      expect(Math.abs(Number(mine.est) - w.est), w.lhs).toBeLessThan(1e-9);
      expect(Math.abs(Number(mine.se) - w.se), w.lhs).toBeLessThan(1e-9);
    }
    const bad = bgsim(
      "estimate",
      "test/fixtures/lavaan/raw150.csv",
      "--model",
      "PERF ~ IEO + IMO",
      "--indirect",
      "--out",
      join(dir, "x"),
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("no indirect effect to report");
  });
});
