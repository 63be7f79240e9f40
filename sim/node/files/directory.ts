import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { ResolvedSweep } from "../../../src/scenario/sweep.ts";
import type { SweepPlan } from "../../core/designs/plan.ts";
import type { TextSpill } from "../../core/montecarlo/finalise.ts";
import {
  columnsOfLayouts,
  type DoneRuns,
  type Manifest,
  manifestOf,
  manifestText,
  PowerFinal,
  RunBits,
  type Shard,
  sliceOf,
  sweepHash,
  type TextSink,
  writeFinalFiles,
} from "../../core/output/finalise.ts";
import {
  inRunOrder,
  JournalEncoder,
  JournalLineDecoder,
  type JournalRecord,
  type RunSlice,
} from "../../core/output/journal.ts";
import type { Spill } from "../../core/output/pointValues.ts";
import type { RunOutcome, RunSource } from "../../core/pool/pool.ts";
import { VERSION } from "../../core/version.ts";
import { UsageError } from "../cli/command.ts";
import { ensureDir, writeAtomic, writeError } from "./files.ts";
import { isOwnTemp, LOCK_FILE, lockOutputDir } from "./outputDir.ts";

/** Every file a sweep, a power sweep or a merge writes into its output directory. */
export const SWEEP_FILES = [
  "sweep.json",
  "manifest.json",
  "runs.jsonl",
  "results.csv",
  "failures.csv",
  "summary.csv",
  "morris.csv",
  // bgsim power (a sweep with sweep.power set)
  "replications.csv",
  "outcomes.csv",
  "summary.json",
] as const;

/** Result-column layouts seen in a journal, each with the lowest run that used it. */
export class LayoutRuns {
  private bySig = new Map<string, { keys: string[]; firstRun: number }>();
  private byArray = new Map<readonly string[], { keys: string[]; firstRun: number }>();

  note(keys: readonly string[], run: number): void {
    let e = this.byArray.get(keys);
    if (!e) {
      const sig = keys.join("\u0000");
      e = this.bySig.get(sig);
      if (!e) {
        e = { keys: [...keys], firstRun: run };
        this.bySig.set(sig, e);
      }
      if (this.byArray.size > 256) this.byArray.clear();
      this.byArray.set(keys, e);
    }
    if (run < e.firstRun) e.firstRun = run;
  }

  columns(): string[] {
    return columnsOfLayouts([...this.bySig.values()]);
  }
}

/** Bytes gathered for a file before a write. */
const BUFFER_BYTES = 1 << 16;

/**
 * Text for a file gathered as UTF-8 bytes outside the JavaScript heap and written in pieces of
 * up to 64 KB: text waiting to be written is not kept as strings, which the garbage collector
 * would copy at every young-generation collection until it promotes them (bgsim power writes
 * about 8 KB of text per replication). `write` is called with each full piece, in order; a text
 * longer than the buffer is written on its own.
 */
export class ByteBuffer {
  private readonly buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;

  constructor(private readonly write: (bytes: Uint8Array) => void) {}

  get empty(): boolean {
    return this.used === 0;
  }

  add(text: string): void {
    // at most 3 bytes of UTF-8 per UTF-16 code unit
    if (this.used + 3 * text.length > this.buf.length) {
      this.flush();
      if (3 * text.length > this.buf.length) {
        this.write(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, "utf8");
  }

  /** Write what is gathered (if anything). */
  flush(): void {
    if (!this.used) return;
    const n = this.used;
    this.used = 0;
    this.write(this.buf.subarray(0, n));
  }

  /** Forget what is gathered. */
  clear(): void {
    this.used = 0;
  }
}

/** Write all of `bytes` to `fd`. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Final files written to temporary files beside their targets (buffered, any size), renamed
 * into place by commit in the order given; abort removes them. A failed write names the file
 * (a full disk) and leaves the targets as they were.
 */
export class TempFiles {
  private open = new Map<string, { fd: number; tmp: string; bytes: ByteBuffer }>();

  constructor(private readonly dir: string) {}

  sink = (name: string): TextSink => {
    const path = join(this.dir, name);
    const tmp = `${path}.tmp-${process.pid}`;
    let fd: number;
    try {
      fd = openSync(tmp, "w");
    } catch (e) {
      throw writeError(path, e);
    }
    // written every 64 KB, gathered as bytes (see ByteBuffer)
    const bytes = new ByteBuffer((b) => {
      try {
        writeAll(fd, b);
      } catch (e) {
        throw writeError(path, e);
      }
    });
    this.open.set(name, { fd, tmp, bytes });
    return { write: (text) => bytes.add(text) };
  };

  /** Close every file and rename them into place: `last` in its order after all others. */
  commit(last: string[]): void {
    for (const f of this.open.values()) f.bytes.flush();
    for (const f of this.open.values()) closeSync(f.fd);
    const names = [...this.open.keys()];
    const order = [
      ...names.filter((n) => !last.includes(n)),
      ...last.filter((n) => names.includes(n)),
    ];
    for (const n of order) renameSync((this.open.get(n) as { tmp: string }).tmp, join(this.dir, n));
    this.open.clear();
  }

  abort(): void {
    for (const f of this.open.values()) {
      try {
        closeSync(f.fd);
      } catch {}
      rmSync(f.tmp, { force: true });
    }
    this.open.clear();
  }
}

/**
 * A Spill (see pointValues.ts) in a temporary file under the system's temporary directory:
 * the values of a design point with very many replications, written and read back in order.
 */
export function fileSpill(): Spill {
  const dir = mkdtempSync(join(tmpdir(), "bgsim-values-"));
  const path = join(dir, "values.f64");
  const fd = openSync(path, "w+");
  let size = 0;
  return {
    append(buf, n) {
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, n * 8);
      for (let off = 0; off < bytes.length; )
        off += writeSync(fd, bytes, off, bytes.length - off, size + off);
      size += bytes.length;
    },
    read(each) {
      const piece = new Float64Array(1 << 17);
      const bytes = new Uint8Array(piece.buffer);
      for (let pos = 0; pos < size; ) {
        const want = Math.min(bytes.length, size - pos);
        let got = 0;
        while (got < want) {
          const k = readSync(fd, bytes, got, want - got, pos + got);
          if (k <= 0) throw new Error(`${path}: short read`);
          got += k;
        }
        each(piece, got / 8);
        pos += got;
      }
    },
    clear() {
      size = 0;
      ftruncateSync(fd, 0);
    },
    close() {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A TextSpill (see montecarlo/finalise.ts) that keeps up to 1 MB of text in memory and the rest
 * in a temporary file under the system's temporary directory, given back in order.
 */
export function fileTextSpill(): TextSpill {
  let parts: string[] = [];
  let held = 0;
  let file: { dir: string; path: string; fd: number; size: number } | undefined;
  const toFile = () => {
    if (!parts.length) return;
    if (!file) {
      const dir = mkdtempSync(join(tmpdir(), "bgsim-rows-"));
      const path = join(dir, "rows.csv");
      file = { dir, path, fd: openSync(path, "w+"), size: 0 };
    }
    const buf = Buffer.from(parts.join(""), "utf8");
    parts = [];
    held = 0;
    for (let off = 0; off < buf.length; )
      off += writeSync(file.fd, buf, off, buf.length - off, file.size + off);
    file.size += buf.length;
  };
  return {
    write(text) {
      parts.push(text);
      held += text.length;
      if (held >= 1 << 20) toFile();
    },
    drainTo(sink) {
      if (file?.size) {
        toFile();
        const f = file;
        const buf = Buffer.allocUnsafe(1 << 20);
        const dec = new StringDecoder("utf8");
        for (let pos = 0; pos < f.size; ) {
          const k = readSync(f.fd, buf, 0, Math.min(buf.length, f.size - pos), pos);
          if (k <= 0) throw new Error(`${f.path}: short read`);
          pos += k;
          const t = dec.write(buf.subarray(0, k));
          if (t) sink.write(t);
        }
        const t = dec.end();
        if (t) sink.write(t);
        f.size = 0;
        ftruncateSync(f.fd, 0);
      } else if (parts.length) sink.write(parts.join(""));
      parts = [];
      held = 0;
    },
    close() {
      parts = [];
      if (!file) return;
      closeSync(file.fd);
      rmSync(file.dir, { recursive: true, force: true });
      file = undefined;
    },
  };
}

/**
 * Write the final files of a slice into `dir`, streamed from journals (read as often as the
 * run order needs, see inRunOrder): temporary files first, then renamed, runs.jsonl and
 * manifest.json last. Returns the file names written, in that order.
 */
export function writeFinalFromJournals(
  dir: string,
  plan: SweepPlan,
  shard: Shard | null,
  journals: () => Iterable<JournalRecord>,
  columns: string[],
  done: DoneRuns,
): string[] {
  const tmp = new TempFiles(dir);
  try {
    const records = inRunOrder(sliceOf(plan.runs, shard), journals);
    const names = writeFinalFiles(
      plan,
      shard,
      { records, columns, done },
      tmp.sink,
      fileSpill,
      fileTextSpill,
    );
    const last = ["runs.jsonl", "manifest.json"];
    tmp.commit(last);
    return [...names.filter((n) => !last.includes(n)), ...last];
  } catch (e) {
    tmp.abort();
    throw e instanceof Error && !(e instanceof UsageError) && /journal|runs\.jsonl/.test(e.message)
      ? new UsageError(e.message)
      : e;
  }
}

/**
 * A sweep's output directory on disk (Node):
 *   sweep.json     the resolved sweep (base scenario inlined), written first
 *   manifest.json  status, sweep hash, seed, version, shard, which runs are done
 *   runs.jsonl     the journal: one line appended per finished run (see journal.ts)
 * and, once every run of the slice is done, results.csv, failures.csv, summary.csv (and
 * morris.csv), with runs.jsonl rewritten in run order. Files are replaced atomically, so a kill
 * at any moment leaves a directory that `--resume` can continue. Memory does not grow with the
 * number of runs: done runs are one bit each, the journal is read in pieces and the final
 * files are streamed from it.
 */
export class SweepDirectory {
  private fd: number | undefined;
  private encoder: JournalEncoder;
  private done: RunBits;
  private layouts = new LayoutRuns();
  private lastCheckpoint = 0;
  /** Journal lines not yet written (see flush). */
  private buffer = new ByteBuffer((b) => this.writeJournal(b));
  private release: () => void = () => {};
  /** A journal was read (--resume): its encoder starts with the layouts found there. */
  private resumed = false;
  /** The final files written as the runs finish, in run order (see startLive). */
  private live: { final: PowerFinal; tmp: TempFiles; next: number } | undefined;
  readonly slice: RunSlice;

  private constructor(
    readonly dir: string,
    readonly plan: SweepPlan,
    readonly shard: Shard | null,
  ) {
    this.slice = sliceOf(plan.runs, shard);
    this.done = new RunBits(plan.runs);
    this.encoder = new JournalEncoder();
  }

  static path(dir: string, file: string): string {
    return join(dir, file);
  }

  /** Open (or, with resume, continue) the output directory of a sweep. */
  static open(dir: string, plan: SweepPlan, opts: { resume: boolean; shard: Shard | null }) {
    ensureDir(dir);
    checkSweepDir(dir, plan);
    const release = lockOutputDir(dir, "sweep");
    try {
      const d = SweepDirectory.openLocked(dir, plan, opts);
      d.release = release;
      return d;
    } catch (e) {
      release();
      throw e;
    }
  }

  private inSlice(run: number): boolean {
    const off = run - this.slice.start;
    return (
      Number.isInteger(run) &&
      run >= 0 &&
      run < this.plan.runs &&
      off >= 0 &&
      off % this.slice.step === 0
    );
  }

  /** Read a journal being resumed: done runs, layouts; returns the bytes of complete lines. */
  private scan(jPath: string): number {
    const dec = new JournalLineDecoder(jPath);
    let valid = 0;
    for (const l of journalLines(jPath)) {
      if (l.cut) break;
      const d = dec.decode(l.text, l.line, l.last);
      if (!d) break;
      valid = l.end;
      if (d.kind !== "record") continue;
      const r = d.record;
      if (!this.inSlice(r.run))
        throw new UsageError(`${jPath}: run ${r.run} is not in this output's slice`);
      if (this.done.add(r) && !("error" in r)) this.layouts.note(r.keys, r.run);
    }
    this.encoder = new JournalEncoder(dec.layouts);
    this.resumed = true;
    return valid;
  }

  private static openLocked(
    dir: string,
    plan: SweepPlan,
    opts: { resume: boolean; shard: Shard | null },
  ): SweepDirectory {
    const mPath = join(dir, "manifest.json");
    const jPath = join(dir, "runs.jsonl");
    // temporary files of this sweep's own interrupted writes (never anyone else's)
    for (const f of readdirSync(dir)) if (isOwnTemp(f, SWEEP_FILES)) rmSync(join(dir, f));
    const hash = sweepHash(plan);
    const d = new SweepDirectory(dir, plan, opts.shard);
    let validBytes = 0;
    if (existsSync(mPath)) {
      const m = readManifest(mPath);
      if (!opts.resume)
        throw new UsageError(
          `${dir} already holds sweep output (${m.name}, ${m.status}, ${m.doneCount} of ${m.sliceRuns} runs done); add --resume to continue it, or choose another --out`,
        );
      if (m.sweepHash !== hash)
        throw new UsageError(
          `${dir} was written by a different sweep (hash ${m.sweepHash}, this sweep ${hash}); use another --out`,
        );
      if (m.version !== VERSION)
        throw new UsageError(
          `${dir} was written by bgsim ${m.version}; this is ${VERSION} (results could differ)`,
        );
      const same =
        (m.shard === null && opts.shard === null) ||
        (m.shard?.index === opts.shard?.index && m.shard?.count === opts.shard?.count);
      if (!same)
        throw new UsageError(
          `${dir} holds ${m.shard ? `shard ${m.shard.index}/${m.shard.count}` : "a whole sweep"}, not ${opts.shard ? `shard ${opts.shard.index}/${opts.shard.count}` : "the whole sweep"}`,
        );
      if (existsSync(jPath))
        try {
          validBytes = d.scan(jPath);
        } catch (e) {
          if (e instanceof UsageError) throw e;
          throw new UsageError((e as Error).message);
        }
    } else if (existsSync(jPath))
      throw new UsageError(`${dir} holds runs.jsonl but no manifest.json; use another --out`);
    // order matters for a kill at any moment: the manifest exists before the journal does
    writeAtomic(join(dir, "sweep.json"), sweepJsonText(plan.sweep));
    d.writeManifest("running");
    // drop a line cut by a kill, then append after the last complete line
    if (existsSync(jPath)) truncateSync(jPath, validBytes);
    d.fd = openSync(jPath, "a");
    return d;
  }

  /**
   * Runs of this slice not yet in the journal, in run order, without listing them (the pool
   * takes them chunk by chunk; 10^7 runs would be 80 MB as a list).
   */
  pendingRuns(): RunSource {
    const { start, step, length } = this.slice;
    const done = this.done;
    return {
      count: length - done.doneCount,
      *[Symbol.iterator]() {
        for (let i = 0, run = start; i < length; i++, run += step) if (!done.has(run)) yield run;
      },
    };
  }

  /** Runs of this slice not yet in the journal, in run order. */
  pending(): number[] {
    const out: number[] = [];
    const { start, step, length } = this.slice;
    for (let i = 0, run = start; i < length; i++, run += step)
      if (!this.done.has(run)) out.push(run);
    return out;
  }

  get doneCount(): number {
    return this.done.doneCount;
  }

  /**
   * Write the final files of a power sweep as the runs finish (into temporary files, renamed by
   * finalise), so they are ready when the last run is instead of being read back from the
   * journal then; runs.jsonl is the journal itself (its lines are those of the final file when
   * it was begun here and the runs came in run order). Only for a whole power sweep started
   * afresh (no journal read) whose runs arrive in run order (one worker); a run out of order, a
   * failed write or an interruption drops them, and finalise writes the files from the journal
   * as always (the same bytes).
   */
  startLive(): void {
    if (!this.plan.sweep.power || this.shard || this.resumed || this.live || this.done.doneCount)
      return;
    const tmp = new TempFiles(this.dir);
    try {
      this.live = {
        // the journal, written from the first run in run order, is runs.jsonl as it stands
        final: new PowerFinal(
          this.plan,
          null,
          tmp.sink,
          { spill: fileSpill, textSpill: fileTextSpill },
          false,
        ),
        tmp,
        next: 0,
      };
    } catch (e) {
      tmp.abort();
      throw e;
    }
  }

  private dropLive(): void {
    const l = this.live;
    if (!l) return;
    this.live = undefined;
    l.final.close();
    l.tmp.abort();
  }

  private addLive(rec: JournalRecord, line: string): void {
    const l = this.live;
    if (!l) return;
    if (rec.run !== l.next) {
      this.dropLive();
      return;
    }
    try {
      l.final.add(rec, line);
      l.next++;
    } catch (e) {
      this.dropLive();
      if (!(e instanceof UsageError)) throw e;
      this.writeFailure ??= e; // a full disk: stop, as for the journal (see flush)
    }
  }

  /** Add one finished run to the journal (written by the next flush; pass flush = true to write now). */
  append(o: RunOutcome, flush = false): void {
    if (this.fd === undefined) throw new Error("output directory is closed");
    const rec: JournalRecord = o.ok
      ? { run: o.spec.run, keys: o.keys, values: o.values }
      : { run: o.spec.run, error: o.message };
    if (!this.done.add(rec)) return;
    if (!("error" in rec)) this.layouts.note(rec.keys, rec.run);
    const line = this.encoder.encode(rec);
    if (!this.writeFailure) this.buffer.add(line);
    // the journal's encoder began with this run (startLive): its line is that of runs.jsonl
    this.addLive(rec, line);
    if (flush) this.flush();
  }
  /**
   * Write buffered journal lines (a kill loses at most this unwritten batch: the lines since
   * the last flush, up to 64 KB of them, which are written as the buffer fills).
   * A failed write (a full disk) does not throw here, inside the pool's callbacks: it is kept
   * in `writeFailure` (the caller should stop the pool) and thrown by the next checkpoint,
   * close or finalise; later lines are dropped, so the journal stays resumable.
   */
  flush(): void {
    if (this.writeFailure) this.buffer.clear();
    else if (this.fd !== undefined) this.buffer.flush();
  }

  private writeJournal(bytes: Uint8Array): void {
    if (this.writeFailure || this.fd === undefined) return;
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      // a line cut by a full disk is dropped by the next --resume, like a line cut by a kill
      this.writeFailure = writeError(
        join(this.dir, "runs.jsonl"),
        e,
        "the runs written before are kept; continue with --resume once there is room",
      );
    }
  }

  /** The error of a failed journal write, if any (then stop and report it). */
  writeFailure: UsageError | undefined;

  private throwWriteFailure(): void {
    if (this.writeFailure) throw this.writeFailure;
  }

  /** Rewrite manifest.json with the runs done so far (at most once a second unless forced). */
  checkpoint(force = false): void {
    const t = performance.now();
    if (!force && t - this.lastCheckpoint < 1000) return;
    this.lastCheckpoint = t;
    if (force) {
      this.writeManifest("running");
      return;
    }
    try {
      this.writeManifest("running");
    } catch (e) {
      // called from the pool's progress callback: keep a failed write for the caller (as flush)
      if (!(e instanceof UsageError)) throw e;
      this.writeFailure ??= e;
    }
  }

  private writeManifest(status: Manifest["status"]): void {
    this.flush();
    this.throwWriteFailure();
    writeAtomic(
      join(this.dir, "manifest.json"),
      manifestText(manifestOf(this.plan, this.shard, this.done, status)),
    );
  }

  /** Close the journal and release the directory's lock. */
  close(): void {
    this.dropLive();
    this.closeJournal();
    this.release();
    this.throwWriteFailure();
  }

  private closeJournal(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Write the final files (every run of the slice must be done). Returns the file names. */
  finalise(): string[] {
    const left = this.slice.length - this.done.doneCount;
    this.throwWriteFailure();
    if (left) throw new Error(`cannot finalise: ${left} runs are not done`);
    this.closeJournal();
    // the last flush can fail too (a full disk): runs.jsonl is then short, and with live power
    // files it is the final runs.jsonl itself, so nothing may be committed as final
    this.throwWriteFailure();
    const l = this.live;
    if (l && l.next === this.slice.length) {
      this.live = undefined;
      try {
        const names = l.final.end(this.done);
        l.final.close();
        const last = ["runs.jsonl", "manifest.json"];
        l.tmp.commit(last);
        this.release();
        return ["sweep.json", ...names.filter((n) => !last.includes(n)), ...last];
      } catch (e) {
        l.final.close();
        l.tmp.abort();
        throw e;
      }
    }
    this.dropLive();
    const jPath = join(this.dir, "runs.jsonl");
    const names = writeFinalFromJournals(
      this.dir,
      this.plan,
      this.shard,
      () => journalRecords(jPath),
      this.layouts.columns(),
      this.done,
    );
    this.release();
    return ["sweep.json", ...names];
  }

  /** Runs that failed so far. */
  get failedCount(): number {
    return this.done.failedCount;
  }

  /** The failed runs of lowest index (at most 10), in run order. */
  firstFailures(): { run: number; error: string }[] {
    return this.done.firstFailures;
  }
}

/**
 * Refuse an output directory that is neither new, empty, nor this sweep's own output: with no
 * manifest.json, only a sweep.json identical to this sweep's (a kill right after it was
 * written) and temporary files of the sweep's own writes may be there. Read-only.
 */
function checkSweepDir(dir: string, plan: SweepPlan): void {
  const names = readdirSync(dir);
  if (names.includes("manifest.json")) return; // checked against this sweep in openLocked
  const own = [...SWEEP_FILES, LOCK_FILE];
  const foreign = names.filter((n) => !own.includes(n) && !isOwnTemp(n, SWEEP_FILES));
  const refuse = (why: string) =>
    new UsageError(
      `--out ${dir}: ${why}; a sweep writes only into a new or empty directory or its own output (choose another --out)`,
    );
  if (foreign.length)
    throw refuse(
      `is not empty and holds no sweep output (${names.slice(0, 5).join(", ")}${names.length > 5 ? ", ..." : ""})`,
    );
  const other = names.filter(
    (n) => n !== "sweep.json" && n !== LOCK_FILE && !isOwnTemp(n, SWEEP_FILES),
  );
  if (other.length)
    throw refuse(`holds ${other.join(", ")} but no manifest.json, so it is not a sweep's output`);
  if (
    names.includes("sweep.json") &&
    readFileSync(join(dir, "sweep.json"), "utf8") !== sweepJsonText(plan.sweep)
  )
    throw refuse("holds the sweep.json of a different sweep and no manifest.json");
}

export function sweepJsonText(s: ResolvedSweep): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

export function readManifest(path: string): Manifest {
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError(`${path}: cannot read the manifest (${(e as Error).message})`);
  }
  if (m?.format !== "bgsim-sweep/1") throw new UsageError(`${path}: not a bgsim sweep manifest`);
  return m;
}

/** Bytes read from a journal at a time. */
const READ_BYTES = 1 << 20;

/**
 * The lines of a journal file, read in pieces (a journal may be larger than a string can be):
 * each line's text without its newline, its number, whether it is the file's last line, and
 * the byte offset after it. A last piece without a newline (a line cut by a kill) comes with
 * `cut` set. The file is opened for each piece, so any number of journals can be read at once.
 */
export function* journalLines(
  path: string,
  pieceBytes = READ_BYTES,
): Generator<{ text: string; line: number; last: boolean; end: number; cut: boolean }> {
  const size = statSync(path).size;
  const buf = Buffer.allocUnsafe(pieceBytes);
  let carry: Buffer | undefined;
  let pos = 0;
  let line = 0;
  while (pos < size) {
    const fd = openSync(path, "r");
    let n: number;
    try {
      n = readSync(fd, buf, 0, Math.min(pieceBytes, size - pos), pos);
    } finally {
      closeSync(fd);
    }
    if (n <= 0) break;
    const base = pos;
    pos += n;
    let a = 0;
    for (let nl = buf.indexOf(10, 0); nl >= 0 && nl < n; nl = buf.indexOf(10, a)) {
      let text: string;
      if (carry) {
        text = Buffer.concat([carry, buf.subarray(0, nl)]).toString("utf8");
        carry = undefined;
      } else text = buf.toString("utf8", a, nl);
      line++;
      yield { text, line, last: base + nl + 1 >= size, end: base + nl + 1, cut: false };
      a = nl + 1;
    }
    if (a < n)
      carry = carry ? Buffer.concat([carry, buf.subarray(a, n)]) : Buffer.from(buf.subarray(a, n));
  }
  if (carry)
    yield { text: carry.toString("utf8"), line: line + 1, last: true, end: size, cut: true };
}

/** The records of a journal file in file order (a cut last line is skipped). */
export function* journalRecords(path: string): Generator<JournalRecord> {
  const dec = new JournalLineDecoder(path);
  for (const l of journalLines(path)) {
    if (l.cut) return;
    const d = dec.decode(l.text, l.line, l.last);
    if (d?.kind === "record") yield d.record;
  }
}
