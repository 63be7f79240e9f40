import { tCritical } from "../../../src/math/tDistribution.ts";
import { morrisIndices } from "../designs/morris.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toUnit } from "../designs/unit.ts";
import { PowerWriter, type TextSpillFactory } from "../montecarlo/finalise.ts";
import { VERSION } from "../version.ts";
import { hashOf } from "./hash.ts";
import { JournalEncoder, type JournalRecord, type RunSlice } from "./journal.ts";
import { csvLine, numText, toRanges } from "./numbers.ts";
import { PointValues, type SpillFactory } from "./pointValues.ts";

/**
 * Final files of a sweep (or of one shard), computed from the journal's records alone and
 * ordered by run index, so they do not depend on the number of workers, on completion order,
 * on interruptions or on how the runs were split into shards. Pure: returns file texts.
 */

export interface Shard {
  /** 1-based shard number k of N. */
  index: number;
  count: number;
}

export interface Manifest {
  format: "bgsim-sweep/1";
  name: string;
  version: string;
  /** Hash of the resolved sweep (base scenario inlined); resume and merge require it to match. */
  sweepHash: string;
  seed: number;
  streams: string;
  design: string;
  points: number;
  replications: number;
  runs: number;
  shard: Shard | null;
  /** Runs in this output's slice (all runs, or the shard's). */
  sliceRuns: number;
  status: "running" | "complete";
  /** Finished run indices (succeeded or failed) as ranges "0-99,120". */
  done: string;
  doneCount: number;
  failedCount: number;
}

/** Run indices of shard k of N: run i belongs to shard (i mod N) + 1 (round robin). */
export function shardRuns(runs: number, shard: Shard | null): number[] {
  const out: number[] = [];
  if (!shard) for (let i = 0; i < runs; i++) out.push(i);
  else for (let i = shard.index - 1; i < runs; i += shard.count) out.push(i);
  return out;
}

export function sweepHash(plan: SweepPlan): string {
  return hashOf(plan.sweep);
}

/** Which runs of a slice are done: counts and the ranges text of manifest.json. */
export interface DoneRuns {
  doneCount: number;
  failedCount: number;
  /** Finished run indices as ranges "0-99,120" (see toRanges). */
  ranges(): string;
}

/** The slice of shard k of N (or of the whole sweep) without listing its runs. */
export function sliceOf(runs: number, shard: Shard | null): RunSlice {
  if (!shard) return { start: 0, step: 1, length: runs };
  const start = shard.index - 1;
  return {
    start,
    step: shard.count,
    length: start < runs ? Math.floor((runs - 1 - start) / shard.count) + 1 : 0,
  };
}

/**
 * Done runs as one bit per run of the sweep (1.25 MB for 10 million runs), with the failures
 * counted and the first few kept (by run index) for messages.
 */
export class RunBits implements DoneRuns {
  private bits: Uint8Array;
  doneCount = 0;
  failedCount = 0;
  /** The failed runs of lowest index, at most `keep`, in run order. */
  readonly firstFailures: { run: number; error: string }[] = [];

  constructor(
    readonly runs: number,
    private readonly keep = 10,
  ) {
    this.bits = new Uint8Array(Math.ceil(runs / 8));
  }

  has(run: number): boolean {
    return (this.bits[run >>> 3] & (1 << (run & 7))) !== 0;
  }

  /** Mark a run done (false if it already was). */
  add(r: JournalRecord): boolean {
    const run = r.run;
    if (this.has(run)) return false;
    this.bits[run >>> 3] |= 1 << (run & 7);
    this.doneCount++;
    if ("error" in r) {
      this.failedCount++;
      const f = this.firstFailures;
      if (f.length < this.keep || run < f[f.length - 1].run) {
        let i = f.length;
        while (i > 0 && f[i - 1].run > run) i--;
        f.splice(i, 0, { run, error: r.error });
        if (f.length > this.keep) f.pop();
      }
    }
    return true;
  }

  ranges(): string {
    const out: string[] = [];
    const n = this.runs;
    let i = 0;
    while (i < n) {
      const byte = this.bits[i >>> 3];
      if (byte === 0 && (i & 7) === 0) {
        i += 8;
        continue;
      }
      if (!this.has(i)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < n && this.has(j + 1)) j++;
      out.push(j === i ? String(i) : `${i}-${j}`);
      i = j + 1;
    }
    return out.join(",");
  }
}

/** DoneRuns of a list of records (the in-memory finaliser). */
export function doneOf(records: Iterable<JournalRecord>): DoneRuns {
  const done: number[] = [];
  let failed = 0;
  for (const r of records) {
    done.push(r.run);
    if ("error" in r) failed++;
  }
  done.sort((a, b) => a - b);
  return { doneCount: done.length, failedCount: failed, ranges: () => toRanges(done) };
}

export function manifestOf(
  plan: SweepPlan,
  shard: Shard | null,
  done: DoneRuns,
  status: Manifest["status"],
): Manifest {
  return {
    format: "bgsim-sweep/1",
    name: plan.sweep.name,
    version: VERSION,
    sweepHash: sweepHash(plan),
    seed: plan.sweep.seed,
    streams: plan.sweep.streams,
    design: plan.sweep.design.type,
    points: plan.pointCount,
    replications: plan.sweep.replications,
    runs: plan.runs,
    shard,
    sliceRuns: sliceOf(plan.runs, shard).length,
    status,
    done: done.ranges(),
    doneCount: done.doneCount,
    failedCount: done.failedCount,
  };
}

export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/**
 * The final files by name. A sweep: runs.jsonl, results.csv, failures.csv, summary.csv (and
 * morris.csv), manifest.json. A power sweep (sweep.power set, see bgsim power): runs.jsonl,
 * replications.csv, outcomes.csv, summary.csv, summary.json (not for a shard: a shard's slice
 * is no sample of its own; merge the shards), failures.csv when runs failed, manifest.json.
 * Writers put manifest.json last (it says "complete").
 */
export type FinalFiles = { "runs.jsonl": string; "manifest.json": string } & Record<string, string>;

/** Where the final files go, piece by piece: a file on disk (Node) or a string (browsers). */
export interface TextSink {
  write(text: string): void;
}
export type SinkFactory = (name: string) => TextSink;

/** What the final files are computed from: the slice's records in run order, read once. */
export interface FinalSource {
  records: Iterable<JournalRecord>;
  /** Result columns: every key of the successful records, in order of first appearance by run. */
  columns: string[];
  done: DoneRuns;
}

/** Result columns of records in run order (first appearance). */
export function columnsOf(sorted: Iterable<JournalRecord>): string[] {
  const cols = new Set<string>();
  for (const r of sorted) if (!("error" in r)) for (const k of r.keys) cols.add(k);
  return [...cols];
}

/**
 * Result columns from a journal's layouts and the lowest run using each (see columnsOf): the
 * keys of the layouts taken by their first run.
 */
export function columnsOfLayouts(
  layouts: readonly { keys: string[]; firstRun: number }[],
): string[] {
  const cols = new Set<string>();
  for (const l of [...layouts]
    .filter((x) => Number.isFinite(x.firstRun))
    .sort((a, b) => a.firstRun - b.firstRun))
    for (const k of l.keys) cols.add(k);
  return [...cols];
}

/** The final files in memory (browsers, tests); the same bytes as writeFinalFiles. */
export function finalFiles(
  plan: SweepPlan,
  shard: Shard | null,
  records: JournalRecord[],
): FinalFiles {
  const sorted = [...records].sort((a, b) => a.run - b.run);
  const parts = new Map<string, string[]>();
  writeFinalFiles(
    plan,
    shard,
    { records: sorted, columns: columnsOf(sorted), done: doneOf(sorted) },
    (name) => {
      const p: string[] = [];
      parts.set(name, p);
      return { write: (t) => p.push(t) };
    },
  );
  const files: Record<string, string> = {};
  for (const [name, p] of parts) files[name] = p.join("");
  return files as FinalFiles;
}

/**
 * Write the final files through `open`, streaming: each record is written as it is read, with
 * per-design-point accumulators (only the values of the current point are held, for the exact
 * two-pass standard deviations). Returns the names in the order opened; manifest.json is last.
 */
export function writeFinalFiles(
  plan: SweepPlan,
  shard: Shard | null,
  src: FinalSource,
  open: SinkFactory,
  spill?: SpillFactory,
  textSpill?: TextSpillFactory,
): string[] {
  const values = new PointValues(spill);
  try {
    return writeFinal(plan, shard, src, open, values, { spill, textSpill });
  } finally {
    values.close();
  }
}

function writeFinal(
  plan: SweepPlan,
  shard: Shard | null,
  src: FinalSource,
  open: SinkFactory,
  values: PointValues,
  stores: { spill?: SpillFactory; textSpill?: TextSpillFactory },
): string[] {
  if (plan.sweep.power) {
    const power = new PowerFinal(plan, shard, open, stores);
    try {
      for (const r of src.records) power.add(r);
      return power.end(src.done);
    } finally {
      power.close();
    }
  }
  const names: string[] = [];
  const opened = (name: string) => {
    names.push(name);
    return open(name);
  };
  const journal = opened("runs.jsonl");
  const enc = new JournalEncoder();
  sweepFiles(plan, shard, src, opened, (r) => journal.write(enc.encode(r)), values);
  opened("manifest.json").write(manifestText(manifestOf(plan, shard, src.done, "complete")));
  return names;
}

/**
 * The final files of a power sweep (or of one of its shards), written as the slice's records
 * are given in run order: from the journal once every run is done (writeFinalFiles), or from
 * the runs as they finish (Node, one worker), so the files are ready when the last run is.
 * Call add for each record in run order, then end; close in any case.
 */
export class PowerFinal {
  private readonly names: string[] = [];
  private readonly journal: TextSink | undefined;
  private readonly enc = new JournalEncoder();
  private readonly power: PowerWriter | undefined;
  private readonly failures: FailureWriter;

  constructor(
    private readonly plan: SweepPlan,
    private readonly shard: Shard | null,
    private readonly open: SinkFactory,
    stores: { spill?: SpillFactory; textSpill?: TextSpillFactory } = {},
    /**
     * False when the caller's journal already is runs.jsonl as it would be written here (its
     * lines, given to add, in run order from the first): it is named, not written again.
     */
    writeJournal = true,
  ) {
    if (!plan.sweep.power) throw new Error("not a power sweep");
    if (writeJournal) this.journal = this.opened("runs.jsonl");
    else this.names.push("runs.jsonl");
    this.power = shard
      ? undefined
      : new PowerWriter(plan, this.opened, stores.spill, stores.textSpill);
    this.failures = new FailureWriter(plan, () => this.opened("failures.csv"));
  }

  private opened = (name: string): TextSink => {
    this.names.push(name);
    return this.open(name);
  };

  /**
   * The next record of the slice, in run order. `line`: its journal line from an encoder given
   * the same records in the same order (then each record's line must be given), or encoded here.
   */
  add(r: JournalRecord, line?: string): void {
    this.journal?.write(line ?? this.enc.encode(r));
    if ("error" in r) this.failures.add(r);
    else this.power?.add(r);
  }

  /** The summaries and manifest.json (last); returns the names in the order written. */
  end(done: DoneRuns): string[] {
    this.power?.end();
    // the order the in-memory files were listed in before they were streamed
    const order = [
      "runs.jsonl",
      "replications.csv",
      "outcomes.csv",
      "summary.csv",
      "summary.json",
      "failures.csv",
    ];
    this.names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.opened("manifest.json").write(
      manifestText(manifestOf(this.plan, this.shard, done, "complete")),
    );
    return this.names;
  }

  close(): void {
    this.power?.close();
  }
}

/** failures.csv rows, the file opened at the first failure. */
class FailureWriter {
  private sink: TextSink | undefined;
  private factors: string[];
  constructor(
    private plan: SweepPlan,
    private open: () => TextSink,
    eager = false,
  ) {
    this.factors = plan.sweep.factors.map((f) => f.path);
    if (eager) this.start();
  }
  private start(): TextSink {
    if (!this.sink) {
      this.sink = this.open();
      this.sink.write(csvLine(["run", "point", "replication", "seed", ...this.factors, "error"]));
    }
    return this.sink;
  }
  add(r: { run: number; error: string }): void {
    this.start().write(csvLine([...idCells(this.plan, this.factors, r.run), r.error]));
  }
}

function idCells(plan: SweepPlan, factors: string[], run: number): string[] {
  const s = plan.runSpec(run);
  return [
    String(run),
    String(s.point),
    String(s.replication),
    String(s.seed),
    ...factors.map((f) => numText(s.params[f])),
  ];
}

function sweepFiles(
  plan: SweepPlan,
  shard: Shard | null,
  src: FinalSource,
  open: SinkFactory,
  journal: (r: JournalRecord) => void,
  values: PointValues,
): void {
  const factors = plan.sweep.factors.map((f) => f.path);
  const columns = src.columns;
  const colIndex = new Map<string, number>();
  columns.forEach((c, j) => {
    colIndex.set(c, j);
  });
  const idHead = ["run", "point", "replication", "seed", ...factors];
  const results = open("results.csv");
  results.write(csvLine([...idHead, ...columns]));
  const failures = new FailureWriter(plan, () => open("failures.csv"), true);
  const summary = open("summary.csv");
  summary.write(
    csvLine(["point", ...factors, "quantity", "runs", "mean", "sd", "se", "ci95_lo", "ci95_hi"]),
  );
  const morris = plan.morris && !shard;
  const pointMeans = morris
    ? columns.map(() => new Float64Array(plan.pointCount).fill(Number.NaN))
    : [];
  // the current point, per column: values (all), finite values and their sum, sum of all;
  // the finite values themselves (for meanCi's second pass) in `values`
  const nc = columns.length;
  const count = new Float64Array(nc);
  const nFinite = new Float64Array(nc);
  const sumFinite = new Float64Array(nc);
  const sumAll = new Float64Array(nc);
  const ss = new Float64Array(nc);
  const mean = new Float64Array(nc);
  values.reset();
  let point = -1;
  let any = false;
  const endPoint = () => {
    if (!any) return;
    const fcells = plan.pointAt(point).map(numText);
    for (let j = 0; j < nc; j++) mean[j] = nFinite[j] ? sumFinite[j] / nFinite[j] : Number.NaN;
    ss.fill(0);
    values.forEach((j, x) => {
      ss[j] += (x - mean[j]) ** 2;
    });
    columns.forEach((c, j) => {
      if (!count[j]) return;
      // meanCi (src/math/intervals.ts) of the column's values, term by term
      const n = nFinite[j];
      const sd = n > 1 ? Math.sqrt(ss[j] / (n - 1)) : Number.NaN;
      const se = sd / Math.sqrt(n);
      const h = n > 1 ? tCritical(n - 1, 0.95) * se : Number.NaN;
      summary.write(
        csvLine([
          String(point),
          ...fcells,
          c,
          String(count[j]),
          numText(mean[j]),
          numText(sd),
          numText(se),
          numText(mean[j] - h),
          numText(mean[j] + h),
        ]),
      );
      if (morris) pointMeans[j][point] = sumAll[j] / count[j];
    });
    count.fill(0);
    nFinite.fill(0);
    sumFinite.fill(0);
    sumAll.fill(0);
    values.reset();
    any = false;
  };
  const slots = new Map<readonly string[], Int32Array>();
  const row = new Array<string>(columns.length);
  for (const r of src.records) {
    journal(r);
    if ("error" in r) {
      failures.add(r);
      continue;
    }
    const s = plan.runSpec(r.run);
    if (s.point !== point) {
      endPoint();
      point = s.point;
    }
    any = true;
    let slot = slots.get(r.keys);
    if (!slot) {
      slot = Int32Array.from(r.keys, (k) => {
        const j = colIndex.get(k);
        if (j === undefined) throw new Error(`run ${r.run}: column ${k} is not in the results`);
        return j;
      });
      if (slots.size > 1000) slots.clear();
      slots.set(r.keys, slot);
    }
    row.fill("");
    for (let i = 0; i < slot.length; i++) {
      const x = r.values[i];
      const j = slot[i];
      row[j] = numText(x);
      count[j]++;
      sumAll[j] += x;
      if (Number.isFinite(x)) {
        nFinite[j]++;
        sumFinite[j] += x;
        values.push(j, x);
      }
    }
    results.write(
      csvLine([
        String(r.run),
        String(s.point),
        String(s.replication),
        String(s.seed),
        ...factors.map((f) => numText(s.params[f])),
        ...row,
      ]),
    );
  }
  endPoint();
  if (morris) open("morris.csv").write(morrisCsv(plan, columns, pointMeans));
}

/** Morris statistics of every quantity (per-point means over replications) for every factor. */
function morrisCsv(plan: SweepPlan, columns: string[], pointMeans: Float64Array[]): string {
  const m = plan.morris as NonNullable<SweepPlan["morris"]>;
  const fs = plan.sweep.factors;
  const unitActual: number[][] = [];
  for (let p = 0; p < plan.pointCount; p++)
    unitActual.push(plan.pointAt(p).map((x, j) => toUnit(fs[j], x)));
  let out = csvLine(["factor", "quantity", "effects", "mu", "mu_star", "sigma"]);
  const perQuantity = columns.map((_, j) =>
    morrisIndices(unitActual, m.changed, pointMeans[j], fs.length),
  );
  fs.forEach((f, k) => {
    columns.forEach((c, j) => {
      const s = perQuantity[j][k];
      out += csvLine([
        f.path,
        c,
        String(s.effects),
        numText(s.mu),
        numText(s.muStar),
        numText(s.sigma),
      ]);
    });
  });
  return out;
}
