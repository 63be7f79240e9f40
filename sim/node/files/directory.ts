import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { ResolvedSweep } from "../../../src/scenario/sweep.ts";
import type { SweepPlan } from "../../core/designs/plan.ts";
import {
  finalFiles,
  type Manifest,
  manifestOf,
  manifestText,
  type Shard,
  shardRuns,
  sweepHash,
} from "../../core/output/finalise.ts";
import { decodeJournal, JournalEncoder, type JournalRecord } from "../../core/output/journal.ts";
import type { RunOutcome } from "../../core/pool/pool.ts";
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

/**
 * A sweep's output directory on disk (Node):
 *   sweep.json     the resolved sweep (base scenario inlined), written first
 *   manifest.json  status, sweep hash, seed, version, shard, which runs are done
 *   runs.jsonl     the journal: one line appended per finished run (see journal.ts)
 * and, once every run of the slice is done, results.csv, failures.csv, summary.csv (and
 * morris.csv), with runs.jsonl rewritten in run order. Files are replaced atomically, so a kill
 * at any moment leaves a directory that `--resume` can continue.
 */
export class SweepDirectory {
  private fd: number | undefined;
  private encoder: JournalEncoder;
  private records = new Map<number, JournalRecord>();
  private lastCheckpoint = 0;
  private buffer: string[] = [];
  private release: () => void = () => {};
  readonly slice: number[];

  private constructor(
    readonly dir: string,
    readonly plan: SweepPlan,
    readonly shard: Shard | null,
    existing: JournalRecord[],
    layouts: string[][],
  ) {
    this.encoder = new JournalEncoder(layouts);
    this.slice = shardRuns(plan.runs, shard);
    const inSlice = new Set(this.slice);
    for (const r of existing) {
      if (!inSlice.has(r.run))
        throw new UsageError(
          `${join(dir, "runs.jsonl")}: run ${r.run} is not in this output's slice`,
        );
      this.records.set(r.run, r);
    }
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
    let records: JournalRecord[] = [];
    let layouts: string[][] = [];
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
      if (existsSync(jPath)) {
        const text = readFileSync(jPath, "utf8");
        try {
          const d = decodeJournal(text, jPath);
          records = d.records;
          layouts = d.layouts;
          validBytes = Buffer.byteLength(d.validText);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      }
    } else if (existsSync(jPath))
      throw new UsageError(`${dir} holds runs.jsonl but no manifest.json; use another --out`);
    const d = new SweepDirectory(dir, plan, opts.shard, records, layouts);
    // order matters for a kill at any moment: the manifest exists before the journal does
    writeAtomic(join(dir, "sweep.json"), sweepJsonText(plan.sweep));
    d.writeManifest("running");
    // drop a line cut by a kill, then append after the last complete line
    if (existsSync(jPath)) truncateSync(jPath, validBytes);
    d.fd = openSync(jPath, "a");
    return d;
  }

  /** Runs of this slice not yet in the journal, in run order. */
  pending(): number[] {
    return this.slice.filter((r) => !this.records.has(r));
  }

  get doneCount(): number {
    return this.records.size;
  }

  /** Add one finished run to the journal (written by the next flush; pass flush = true to write now). */
  append(o: RunOutcome, flush = false): void {
    if (this.fd === undefined) throw new Error("output directory is closed");
    const rec: JournalRecord = o.ok
      ? { run: o.spec.run, keys: o.keys, values: o.values }
      : { run: o.spec.run, error: o.message };
    if (this.records.has(rec.run)) return;
    this.records.set(rec.run, rec);
    this.buffer.push(this.encoder.encode(rec));
    if (flush) this.flush();
  }

  /**
   * Write buffered journal lines in one call (a kill loses at most this unwritten batch).
   * A failed write (a full disk) does not throw here, inside the pool's callbacks: it is kept
   * in `writeFailure` (the caller should stop the pool) and thrown by the next checkpoint,
   * close or finalise; later lines are dropped, so the journal stays resumable.
   */
  flush(): void {
    if (this.writeFailure) this.buffer = [];
    if (!this.buffer.length || this.fd === undefined) return;
    const text = this.buffer.join("");
    this.buffer = [];
    try {
      writeSync(this.fd, text, null, "utf8");
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
      manifestText(manifestOf(this.plan, this.shard, this.records.values(), status)),
    );
  }

  /** Close the journal and release the directory's lock. */
  close(): void {
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
    const left = this.pending().length;
    this.throwWriteFailure();
    if (left) throw new Error(`cannot finalise: ${left} runs are not done`);
    this.closeJournal();
    const files = finalFiles(this.plan, this.shard, [...this.records.values()]);
    const names = Object.keys(files).filter((f) => f !== "manifest.json" && f !== "runs.jsonl");
    for (const f of names) writeAtomic(join(this.dir, f), files[f as keyof typeof files] as string);
    writeAtomic(join(this.dir, "runs.jsonl"), files["runs.jsonl"]);
    writeAtomic(join(this.dir, "manifest.json"), files["manifest.json"]);
    this.release();
    return ["sweep.json", ...names, "runs.jsonl", "manifest.json"];
  }

  /** The failed runs so far. */
  failures(): { run: number; error: string }[] {
    return [...this.records.values()]
      .flatMap((r) => ("error" in r ? [r] : []))
      .sort((a, b) => a.run - b.run);
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
