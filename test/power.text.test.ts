import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { GeneratingText, powerFiles, resultOfRecord } from "../sim/core/montecarlo/finalise.ts";
import { powerSweep } from "../sim/core/montecarlo/power.ts";
import { outcomeRows, ROW_COLUMNS, replicationRows } from "../sim/core/montecarlo/rows.ts";
import { summarise } from "../sim/core/montecarlo/summary.ts";
import { toCsv } from "../sim/core/output/csv.ts";
import { Flattener, flattenResult } from "../sim/core/output/flatten.ts";
import {
  JournalEncoder,
  JournalLineDecoder,
  type JournalRecord,
  sealLine,
} from "../sim/core/output/journal.ts";
import { jsonNum } from "../sim/core/output/numbers.ts";
import { ByteBuffer } from "../sim/node/files/directory.ts";
import { type ReplicationResult, runReplication } from "../src/replication.ts";
import type { Scenario } from "../src/scenario/schema.ts";
import { parseScenarioText } from "../src/scenario/validate.ts";
import { compositeValues } from "../src/survey/compositeValues.ts";

function scenario(file: string): Scenario {
  const p = parseScenarioText(
    readFileSync(new URL(`../scenarios/${file}`, import.meta.url), "utf8"),
  );
  if (!p.ok) throw new Error(`bad scenario ${file}`);
  return p.scenario;
}

/** Numbers whose text is unusual: non-finite, negative zero, exponents, the extremes. */
const ODD = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  1e21,
  -1.5e-7,
  5e-324,
  1.7976931348623157e308,
  0.1 + 0.2,
  123456789012345680000,
];

describe("power files written from the values (GeneratingText)", () => {
  const base = scenario("power-baseline.json");
  const v = powerSweep(base, [{ name: "cmv", values: [0, 0.3] }], 4);
  if (!v.ok) throw new Error("bad power sweep");
  const plan = buildPlan(v.sweep);
  const axis = plan.sweep.factors.map((f) => f.path);

  /** The runs' records, with odd values written over some of them. */
  function records(): JournalRecord[] {
    const out: JournalRecord[] = [];
    for (let run = 0; run < plan.runs; run++) {
      const s = plan.runSpec(run);
      const sc = plan.scenarioAt(s.point);
      if (!sc.ok) throw new Error(sc.message);
      const flat = flattenResult(runReplication(sc.scenario, s.replication), { stdSe: true });
      const at = (k: string) => flat.keys.indexOf(k);
      if (run === 1 || run === 5) {
        // every path's every value odd in turn, the model's fit and n too
        let o = run;
        for (let i = 1; i < flat.values.length; i++)
          if (!flat.keys[i].endsWith(".sig")) flat.values[i] = ODD[o++ % ODD.length];
      }
      if (run === 2) {
        flat.values[at("fit.df")] = 0; // saturated: chisq_p empty
        flat.values[at("n")] = Number.NaN;
        flat.values[at("IEO->GTC.pop")] = -0;
      }
      if (run === 3) flat.values[at("fit.pvalue")] = Number.NaN;
      if (run === 6) {
        // another layout within a point: one outcome fewer
        const k = at("outcome.survey.frame");
        flat.keys.splice(k, 1);
        flat.values.splice(k, 1);
      }
      out.push({ run, keys: flat.keys, values: flat.values });
    }
    // records of one layout share their keys array, as a chunk's do; run 4 has a copy
    for (let i = 1; i < out.length; i++) {
      const a = out[i] as { keys: string[] };
      const b = out[i - 1] as { keys: string[] };
      if (i !== 4 && a.keys.join() === b.keys.join()) a.keys = b.keys;
    }
    return out;
  }

  /** replications.csv, outcomes.csv and the summaries as toCsv and summarise write them. */
  function reference(recs: JournalRecord[]) {
    let rowsCsv = "";
    let outsCsv = "";
    const summaries = [];
    for (let point = 0; point < plan.pointCount; point++) {
      const settings: Record<string, number> = {};
      axis.forEach((c, j) => {
        settings[c] = plan.pointAt(point)[j];
      });
      const sc = plan.scenarioAt(point);
      if (!sc.ok) throw new Error(sc.message);
      const results: ReplicationResult[] = recs
        .filter((r) => plan.runSpec(r.run).point === point && !("error" in r))
        .map((r) => {
          const x = r as { run: number; keys: string[]; values: number[] };
          return resultOfRecord(plan.runSpec(x.run).replication, x.keys, x.values);
        });
      const alpha = sc.scenario.estimation.alpha;
      const rows = replicationRows(results, alpha);
      const outs = outcomeRows(results);
      const r = toCsv(
        rows.map((x) => ({ point, ...settings, ...x })),
        ["point", ...axis, ...ROW_COLUMNS] as never,
      );
      const o = toCsv(outs.map((x) => ({ point, ...settings, ...x })));
      rowsCsv += point ? r.slice(r.indexOf("\n") + 1) : r;
      outsCsv += point ? o.slice(o.indexOf("\n") + 1) : o;
      summaries.push(summarise(rows, alpha, outs, compositeValues(sc.scenario)));
    }
    return { rowsCsv, outsCsv, summaries };
  }

  it("gives the bytes and sums of toCsv and summarise of the rows, odd numbers included", () => {
    const recs = records();
    const want = reference(recs);
    const got = powerFiles(plan, recs);
    expect(got.files["replications.csv"]).toBe(want.rowsCsv);
    expect(got.files["outcomes.csv"]).toBe(want.outsCsv);
    expect(got.points.map((p) => p.summary)).toEqual(want.summaries);
    // the odd numbers reached the files as String writes them
    for (const t of ["NaN", "Infinity", "-Infinity", "1e+21", "-1.5e-7", "5e-324"])
      expect(got.files["replications.csv"]).toContain(`,${t},`);
    expect(got.files["replications.csv"]).toMatch(/\n0,0,2,NaN,H1a,IEO->GTC,0,/);
    expect(got.files["replications.csv"]).toContain("\n1,0.3,3,");
    expect(got.files["replications.csv"]).toMatch(/,0,\n/); // chisq_p empty with df = 0
  });

  it("is taken for the paper's layout and refused where its cells would differ", () => {
    const recs = records();
    const r0 = recs[0];
    if ("error" in r0) throw new Error("run 0 failed");
    const settings = { [axis[0]]: 0.3 };
    const g = GeneratingText.of(r0.keys, 0, settings, axis, "1,0.3,");
    expect(g).not.toBeNull();
    const res = resultOfRecord(0, r0.keys, r0.values);
    const rows = replicationRows([res], 0.05).map((x) => ({ point: 1, ...settings, ...x }));
    const csv = toCsv(rows, ["point", ...axis, ...ROW_COLUMNS] as never);
    expect(g?.rows(0, r0.values, 0.05)).toBe(csv.slice(csv.indexOf("\n") + 1));
    const refused = (keys: string[]) => GeneratingText.of(keys, 0, settings, axis, "1,0.3,");
    // a cell CSV quotes, a bootstrap interval, an outcome named like an array index, a
    // duplicated outcome, a missing fit index, a leading column named like a row's
    expect(refused([...r0.keys, 'outcome.say "hi"'])).toBeNull();
    expect(refused([...r0.keys, "outcome.a,b"])).toBeNull();
    expect(refused([...r0.keys, "IEO->GTC.boot_lo", "IEO->GTC.boot_hi"])).toBeNull();
    expect(refused([...r0.keys, "outcome.7"])).toBeNull();
    expect(refused([...r0.keys, "outcome.survey.frame"])).toBeNull();
    expect(refused(r0.keys.filter((k) => k !== "fit.df"))).toBeNull();
    expect(GeneratingText.of(r0.keys, 0, { n: 1 }, ["n"], "0,1,")).toBeNull();
  });
});

describe("Flattener", () => {
  it("gives flattenResult's keys and values, and the same keys array while the layout stays", () => {
    const a = runReplication(scenario("power-baseline.json"), 0);
    const b = runReplication(scenario("misspecified/omitted-direct-paths-survey.json"), 0);
    // a bootstrap interval on one path, an outcome less, a path less, another fit index
    const boot: ReplicationResult = {
      ...a,
      paths: a.paths.map((p, i) => (i === 2 ? { ...p, bootLow: 0.1, bootHigh: 0.3 } : p)),
    };
    const fewer: ReplicationResult = { ...a, outcomes: { ...a.outcomes } };
    delete fewer.outcomes["survey.frame"];
    const shorter: ReplicationResult = { ...a, paths: a.paths.slice(1) };
    const fit: ReplicationResult = { ...a, fit: { ...a.fit, extra: 1 } as never };
    const seq = [a, a, b, b, a, boot, boot, a, fewer, a, shorter, a, fit, a];
    const f = new Flattener(true);
    let last: string[] | undefined;
    let prev: ReplicationResult | undefined;
    for (const r of seq) {
      const values: number[] = [7];
      const keys = f.into(r, values);
      const want = flattenResult(r, { stdSe: true });
      expect(keys).toEqual(want.keys);
      expect(values).toEqual([7, ...want.values]);
      if (r === prev) expect(keys).toBe(last);
      else expect(keys).not.toBe(last);
      last = keys;
      prev = r;
    }
  });
});

describe("journal lines", () => {
  it("encode as sealLine of the record's JSON, odd numbers included, and read back", () => {
    const keys = ODD.map((_, i) => `x${i}`);
    const enc = new JournalEncoder();
    const dec = new JournalLineDecoder();
    let n = 0;
    for (let run = 0; run < 12; run++) {
      const values = ODD.map((_, i) => ODD[(i + run) % ODD.length]);
      const text = enc.encode({ run, keys, values: Float64Array.from(values) });
      const lines = text.slice(0, -1).split("\n");
      const line = lines[lines.length - 1];
      const json = JSON.stringify({ run, layout: 0, values: values.map(jsonNum) });
      expect(line).toBe(sealLine(json));
      expect(line.slice(-10, -2)).toBe(crc32(Buffer.from(json)).toString(16).padStart(8, "0"));
      for (const l of lines) {
        const d = dec.decode(l, ++n, false);
        if (d?.kind === "record" && "values" in d.record)
          expect(Array.from(d.record.values)).toEqual(values.map((x) => (x === 0 ? 0 : x)));
      }
    }
  });
});

describe("ByteBuffer", () => {
  it("writes the UTF-8 of every text in order, in pieces of at most 64 KB, long texts whole", () => {
    const pieces: Buffer[] = [];
    const b = new ByteBuffer((bytes) => pieces.push(Buffer.from(bytes)));
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++)
      texts.push(
        i % 500 === 7
          ? "é→😀\ud800".repeat(6000) // multi-byte, a surrogate pair, a lone surrogate; > 64 KB
          : `${i},${"x".repeat(i % 97)},é\n`,
      );
    for (const t of texts) b.add(t);
    expect(b.empty).toBe(false);
    b.flush();
    expect(b.empty).toBe(true);
    expect(Buffer.concat(pieces).equals(Buffer.from(texts.join(""), "utf8"))).toBe(true);
    expect(pieces.length).toBeGreaterThan(5);
    const long = Buffer.from(texts[7], "utf8").length;
    expect(pieces.every((p) => p.length <= 1 << 16 || p.length === long)).toBe(true);
  });
});
