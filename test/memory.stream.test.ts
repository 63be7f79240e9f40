import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { gridPoints } from "../sim/core/designs/grid.ts";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { pointAnalyses } from "../sim/core/montecarlo/analyses.ts";
import {
  type PowerPointSummary,
  powerFiles,
  powerRows,
  resultOfRecord,
} from "../sim/core/montecarlo/finalise.ts";
import { powerSweep } from "../sim/core/montecarlo/power.ts";
import {
  ANALYSIS_ROW_COLUMNS,
  analysesOfRecord,
  analysisRows,
  outcomeRows,
  ROW_COLUMNS,
  replicationRows,
} from "../sim/core/montecarlo/rows.ts";
import { SummaryAccumulator, summarise } from "../sim/core/montecarlo/summary.ts";
import { toCsv } from "../sim/core/output/csv.ts";
import { finalFiles, RunBits, sliceOf } from "../sim/core/output/finalise.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import {
  crc32Hex,
  inRunOrder,
  JournalEncoder,
  type JournalRecord,
} from "../sim/core/output/journal.ts";
import { toRanges } from "../sim/core/output/numbers.ts";
import { PointValues } from "../sim/core/output/pointValues.ts";
import {
  fileSpill,
  fileTextSpill,
  journalLines,
  journalRecords,
  SweepDirectory,
} from "../sim/node/files/directory.ts";
import { type ReplicationResult, runReplication } from "../src/replication.ts";
import { validateSweep } from "../src/scenario/sweep.ts";
import { parseScenarioText } from "../src/scenario/validate.ts";
import { compositeValues } from "../src/survey/compositeValues.ts";

const work = mkdtempSync(join(os.tmpdir(), "bgsim-memory-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A deterministic shuffle (LCG) of 0..n-1. */
function shuffled(n: number, seed = 7): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe("inRunOrder: records of any journal order in run order, bounded buffer", () => {
  const rec = (run: number): JournalRecord => ({ run, keys: ["x"], values: [run * 2] });
  it("sorts a shuffled journal with a tiny budget over several passes, keeping first duplicates", () => {
    const order = shuffled(500);
    const journal = [...order.map(rec), { run: 17, keys: ["x"], values: [-1] }];
    let passes = 0;
    const out = [
      ...inRunOrder(
        { start: 0, step: 1, length: 500 },
        () => {
          passes++;
          return journal;
        },
        200, // about 20 records held at most
      ),
    ];
    expect(out.map((r) => r.run)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(out[17]).toEqual(rec(17));
    expect(passes).toBeGreaterThan(3);
  });
  it("takes one pass over a nearly sorted journal and only a shard's runs", () => {
    const runs = Array.from({ length: 300 }, (_, i) => i);
    for (let i = 0; i + 5 < runs.length; i += 7) [runs[i], runs[i + 5]] = [runs[i + 5], runs[i]];
    let passes = 0;
    const slice = sliceOf(300, { index: 2, count: 3 });
    expect(slice).toEqual({ start: 1, step: 3, length: 100 });
    const out = [
      ...inRunOrder(slice, () => {
        passes++;
        return runs.map(rec);
      }),
    ];
    expect(passes).toBe(1);
    expect(out.map((r) => r.run)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + 3 * i));
  });
  it("names a run missing from the journal", () => {
    const journal = [0, 1, 3].map(rec);
    expect(() => [...inRunOrder({ start: 0, step: 1, length: 4 }, () => journal)]).toThrow(
      "run 2 is missing from the journal",
    );
  });
});

describe("done runs as bits", () => {
  it("counts, keeps the first failures and lists ranges as toRanges does", () => {
    const bits = new RunBits(1000, 3);
    const done = shuffled(1000).filter((r) => r % 7 !== 3 && r % 50 !== 9);
    for (const r of done)
      bits.add(r % 11 === 0 ? { run: r, error: `e${r}` } : { run: r, keys: [], values: [] });
    expect(bits.add({ run: done[0], keys: [], values: [] })).toBe(false);
    expect(bits.doneCount).toBe(done.length);
    expect(bits.ranges()).toBe(toRanges([...done].sort((a, b) => a - b)));
    expect(bits.failedCount).toBe(done.filter((r) => r % 11 === 0).length);
    expect(bits.firstFailures).toEqual([
      { run: 0, error: "e0" },
      { run: 11, error: "e11" },
      { run: 22, error: "e22" },
    ]);
  });
});

describe("grid plans compute points on demand", () => {
  it("gives the points of gridPoints in the same order", () => {
    const levels = [
      [0.01, 0.05, 0.1],
      [50, 60],
      [0.05, 0.1, 0.15, 0.2],
    ];
    const v = validateSweep({
      base: { population: { firms: 50 } },
      replications: 2,
      design: {
        type: "grid",
        factors: [
          { path: "estimation.alpha", levels: [0.01, 0.05, 0.1] },
          { path: "population.firms", levels: [50, 60] },
          { path: "model.paths.IEO->LFDC", levels: [0.05, 0.1, 0.15, 0.2] },
        ],
      },
    });
    if (!v.ok) throw new Error("bad sweep");
    const plan = buildPlan(v.sweep);
    const want = gridPoints(levels);
    expect(plan.pointCount).toBe(24);
    expect(Array.from({ length: 24 }, (_, p) => plan.pointAt(p))).toEqual(want);
    expect(plan.points).toEqual(want);
    expect(plan.runSpec(47)).toMatchObject({ point: 23, replication: 1 });
  });
});

describe("journal files read in pieces", () => {
  it("splits lines across pieces, multi-byte characters included, and stops at a cut line", () => {
    const enc = new JournalEncoder();
    let text = "";
    for (let r = 0; r < 40; r++)
      text += enc.encode(
        r % 5 === 0
          ? { run: r, error: `fehlgeschlagen – Größe ${"é".repeat(r)} 😀` }
          : { run: r, keys: ["a", "b"], values: [r, r / 3] },
      );
    const path = join(work, "pieces.jsonl");
    writeFileSync(path, `${text}{"run":40,"lay`);
    const lines = [...journalLines(path, 7)];
    expect(lines.at(-1)).toMatchObject({ cut: true, text: '{"run":40,"lay' });
    expect(
      lines
        .filter((l) => !l.cut)
        .map((l) => `${l.text}\n`)
        .join(""),
    ).toBe(text);
    const recs = [...journalRecords(path)];
    expect(recs).toHaveLength(40);
    expect(recs[35]).toMatchObject({ run: 35, error: expect.stringContaining("😀") });
  });
});

describe("streamed final files", () => {
  it("a directory finalised from a shuffled journal equals the in-memory final files", () => {
    const v = validateSweep({
      name: "memory-test",
      base: { population: { firms: 60 } },
      replications: 30,
      design: { type: "grid", factors: [{ path: "estimation.alpha", levels: [0.01, 0.05] }] },
    });
    if (!v.ok) throw new Error("bad sweep");
    const plan = buildPlan(v.sweep);
    const records: JournalRecord[] = shuffled(plan.runs).map((run) =>
      run % 13 === 4
        ? { run, error: `failed ${run}` }
        : run % 3 === 0
          ? { run, keys: ["n", "x"], values: [60, Math.sin(run)] }
          : { run, keys: ["n", "y", "x"], values: [60, run / 7, Math.cos(run)] },
    );
    const dir = join(work, "stream");
    const d = SweepDirectory.open(dir, plan, { resume: false, shard: null });
    for (const r of records)
      d.append(
        "error" in r
          ? { ok: false, spec: plan.runSpec(r.run), message: r.error }
          : {
              ok: true,
              spec: plan.runSpec(r.run),
              keys: r.keys,
              values: Float64Array.from(r.values),
            },
      );
    expect(d.failedCount).toBe(records.filter((r) => "error" in r).length);
    const names = d.finalise();
    const want = finalFiles(plan, null, records);
    expect(names).toEqual([
      "sweep.json",
      "results.csv",
      "failures.csv",
      "summary.csv",
      "runs.jsonl",
      "manifest.json",
    ]);
    for (const f of Object.keys(want))
      expect(readFileSync(join(dir, f), "utf8"), f).toBe(want[f as keyof typeof want]);
    expect(want["results.csv"].split("\n")[0]).toBe(
      "run,point,replication,seed,estimation.alpha,n,x,y",
    );
  });
});

describe("SummaryAccumulator", () => {
  it("gives summarise's figures, replication by replication", () => {
    const p = parseScenarioText(
      JSON.stringify({
        seed: 11,
        model: { base: "published" },
        survey: { enabled: true, level: "composites", n: 120, mailed: 600 },
      }),
    );
    if (!p.ok) throw new Error("bad scenario");
    const results = Array.from({ length: 12 }, (_, r) => runReplication(p.scenario, r));
    const rows = replicationRows(results, 0.05);
    const outs = outcomeRows(results);
    const acc = new SummaryAccumulator(0.05);
    for (const r of results) acc.add(replicationRows([r], 0.05), outcomeRows([r]));
    const got = acc.result();
    expect(got).toEqual(summarise(rows, 0.05, outs));
    expect(got.model.replications).toBe(12);
    expect(got.paths.length).toBeGreaterThan(5);
  });
});

describe("a point's values spill to a file beyond 2^19 pairs", () => {
  it("gives back every pair in order, from the file and then the buffer", () => {
    const v = new PointValues(fileSpill);
    const n = 1_300_000;
    for (let round = 0; round < 2; round++) {
      v.reset();
      for (let i = 0; i < n; i++) v.push(i % 5, i * 0.5 + round);
      let k = 0;
      let bad = 0;
      v.forEach((slot, x) => {
        if (slot !== k % 5 || x !== k * 0.5 + round) bad++;
        k++;
      });
      expect(k).toBe(n);
      expect(bad).toBe(0);
    }
    v.close();
  });
});

describe("crc32Hex (slicing by 4)", () => {
  it("equals zlib's CRC-32 of the UTF-8 bytes for ASCII, multi-byte and lone surrogates", () => {
    const pieces = [
      "a",
      "Zz",
      '{"run":1,',
      "é",
      "€",
      "😀",
      "\ud800",
      "\udc00x",
      "0123456789",
      "\n",
    ];
    let s = "";
    for (let i = 0; i < 600; i++) {
      s += pieces[(i * 7 + (i >> 3)) % pieces.length];
      for (const t of [s, s.slice(1), s.slice(i % 5)])
        expect(crc32Hex(t)).toBe(crc32(Buffer.from(t, "utf8")).toString(16).padStart(8, "0"));
    }
  });
});

describe("power files streamed one replication at a time", () => {
  /** The in-memory powerFiles before streaming (every row of a point at once), as reference. */
  function wholePointFiles(plan: ReturnType<typeof buildPlan>, sorted: JournalRecord[]) {
    const reps = plan.sweep.replications;
    const axisCols = plan.sweep.factors.map((f) => f.path);
    const body = (csv: string) => csv.slice(csv.indexOf("\n") + 1);
    let replications = "";
    let outcomes = "";
    const points: PowerPointSummary[] = [];
    let k = 0;
    for (let index = 0; index < plan.pointCount; index++) {
      const settings: Record<string, number> = {};
      plan.sweep.factors.forEach((f, j) => {
        settings[f.path] = plan.pointAt(index)[j];
      });
      const sc = plan.scenarioAt(index);
      if (!sc.ok) throw new Error(sc.message);
      const models = sc.scenario.analysis;
      const results: ReplicationResult[] = [];
      for (; k < sorted.length && sorted[k].run < (index + 1) * reps; k++) {
        const r = sorted[k];
        if ("error" in r) continue;
        const res = resultOfRecord(plan.runSpec(r.run).replication, r.keys, r.values);
        if (models) res.analyses = analysesOfRecord(r.keys, r.values, models);
        results.push(res);
      }
      const alpha = sc.scenario.estimation.alpha;
      const names = models?.map((a) => a.name);
      const all = names ? analysisRows(results, alpha, names) : null;
      const rows = all
        ? all.filter((r) => r.analysis === "generating")
        : replicationRows(results, alpha);
      const outs = outcomeRows(results);
      const rowCsv = all
        ? toCsv(
            all.map((r) => ({ point: index, ...settings, ...r })),
            ["point", ...axisCols, ...ANALYSIS_ROW_COLUMNS] as never,
          )
        : toCsv(
            rows.map((r) => ({ point: index, ...settings, ...r })),
            ["point", ...axisCols, ...ROW_COLUMNS] as never,
          );
      replications += replications ? body(rowCsv) : rowCsv;
      if (outs.length) {
        const outCsv = toCsv(outs.map((o) => ({ point: index, ...settings, ...o })));
        outcomes += outcomes ? body(outCsv) : outCsv;
      }
      const summary = summarise(rows, alpha, outs, compositeValues(sc.scenario));
      points.push({
        index,
        settings,
        summary,
        ...(all ? { analyses: pointAnalyses(sc.scenario, all, alpha, summary.model.mean_n) } : {}),
      });
    }
    return {
      "replications.csv": replications,
      "outcomes.csv": outcomes || "\n",
      "summary.csv": toCsv(powerRows(points)),
    };
  }

  it("gives the bytes of whole-point files, analysis models and failed runs included, from a shuffled journal on disk", () => {
    const p = parseScenarioText(
      readFileSync(
        new URL("../scenarios/misspecified/omitted-direct-paths-survey.json", import.meta.url),
        "utf8",
      ),
    );
    if (!p.ok) throw new Error("bad scenario");
    const v = powerSweep(p.scenario, [{ name: "n", values: [120, 160] }], 5);
    if (!v.ok) throw new Error("bad power sweep");
    const plan = buildPlan(v.sweep);
    const records: JournalRecord[] = [];
    for (let run = 0; run < plan.runs; run++) {
      const s = plan.runSpec(run);
      const sc = plan.scenarioAt(s.point);
      if (!sc.ok) throw new Error(sc.message);
      if (run === 3) records.push({ run, error: "failed on purpose" });
      else
        records.push({
          run,
          ...flattenResult(runReplication(sc.scenario, s.replication), { stdSe: true }),
        });
    }
    const want = wholePointFiles(plan, records);
    const mem = powerFiles(plan, records).files;
    const dir = join(work, "power-analysis");
    const d = SweepDirectory.open(dir, plan, { resume: false, shard: null });
    for (const run of shuffled(plan.runs)) {
      const r = records[run];
      d.append(
        "error" in r
          ? { ok: false, spec: plan.runSpec(run), message: r.error }
          : {
              ok: true,
              spec: plan.runSpec(run),
              keys: r.keys,
              values: Float64Array.from(r.values),
            },
      );
    }
    d.finalise();
    for (const f of ["replications.csv", "outcomes.csv", "summary.csv"] as const) {
      expect(mem[f], f).toBe(want[f]);
      expect(readFileSync(join(dir, f), "utf8"), f).toBe(want[f]);
    }
    expect(want["replications.csv"]).toContain("\n1,160,published_mlr,");
    expect(readFileSync(join(dir, "summary.json"), "utf8")).toBe(mem["summary.json"]);
  });

  it("a text spill gives back what was written, in order, across its file and its buffer", () => {
    const t = fileTextSpill();
    for (let round = 0; round < 2; round++) {
      let want = "";
      for (let i = 0; i < 60_000; i++) {
        const s = `${round},${i},é€😀,${"x".repeat(i % 17)}\n`;
        want += s;
        t.write(s);
      }
      const got: string[] = [];
      t.drainTo({ write: (s) => got.push(s) });
      expect(got.length).toBeGreaterThan(1);
      expect(got.join("")).toBe(want);
    }
    t.close();
    t.close();
  });
});
