import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { MAX_SWEEP_RUNS, type ResolvedSweep } from "../../../src/scenario/sweep.ts";
import { buildPlan } from "../../core/designs/plan.ts";
import { RunBits, sweepHash } from "../../core/output/finalise.ts";
import type { JournalRecord } from "../../core/output/journal.ts";
import { VERSION } from "../../core/version.ts";
import { UsageError } from "../cli/command.ts";
import {
  journalRecords,
  LayoutRuns,
  readManifest,
  sweepJsonText,
  writeFinalFromJournals,
} from "./directory.ts";
import { ensureDir, readText, writeAtomic } from "./files.ts";
import { lockOutputDir } from "./outputDir.ts";

/** A shard's sweep.json, or a message naming it when it is missing or damaged. */
function readShardSweep(dir: string): ResolvedSweep {
  const path = join(dir, "sweep.json");
  let s: unknown;
  try {
    s = JSON.parse(readText(path));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${path}: damaged, not valid JSON (${(e as Error).message})`);
  }
  const o = s as Partial<ResolvedSweep> | null;
  if (
    o === null ||
    typeof o !== "object" ||
    typeof o.base !== "object" ||
    typeof o.design !== "object" ||
    !Array.isArray(o.factors)
  )
    throw new UsageError(`${path}: damaged, not the resolved sweep a shard writes`);
  return o as ResolvedSweep;
}

/** A journal must be a regular file (it is read in pieces, at any size), or a message naming it. */
function regularFile(path: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${code})`,
    );
  }
  if (st.isDirectory()) throw new UsageError(`${path}: is a directory, expected a file`);
  if (!st.isFile())
    throw new UsageError(
      `${path}: not a regular file (a device, pipe or socket); bgsim reads regular files only`,
    );
}

/**
 * Combine the output directories of shards 1..N of one sweep into the files a single machine
 * would have written. Every shard must be complete and belong to the same sweep and version.
 */
export function mergeShards(
  dirs: string[],
  out: string,
): { runs: number; failed: number; files: string[] } {
  if (!dirs.length) throw new UsageError("no shard directories given");
  let sweep: ResolvedSweep | undefined;
  let hash = "";
  let count = 0;
  let runsOfSweep = 0;
  const seen = new Map<number, string>();
  let done: RunBits | undefined;
  let records = 0;
  let outside = 0;
  const layouts = new LayoutRuns();
  for (const dir of dirs) {
    const mPath = join(dir, "manifest.json");
    if (!existsSync(mPath))
      throw new UsageError(`${dir}: no manifest.json (not a sweep output directory)`);
    const m = readManifest(mPath);
    if (!m.shard)
      throw new UsageError(`${dir}: holds a whole sweep, not a shard; nothing to merge`);
    const { index, count: of } = m.shard as { index: unknown; count: unknown };
    if (
      !Number.isInteger(of) ||
      !Number.isInteger(index) ||
      (of as number) < 1 ||
      (of as number) > 100_000 ||
      (index as number) < 1 ||
      (index as number) > (of as number)
    )
      throw new UsageError(
        `${mPath}: damaged: shard ${JSON.stringify(index)}/${JSON.stringify(of)} is not k/N with 1 <= k <= N <= 100000`,
      );
    if (m.status !== "complete")
      throw new UsageError(
        `${dir}: shard ${m.shard.index}/${m.shard.count} is not complete (${m.doneCount} of ${m.sliceRuns} runs); finish it with --resume first`,
      );
    if (m.version !== VERSION)
      throw new UsageError(`${dir}: written by bgsim ${m.version}; this is ${VERSION}`);
    const s = readShardSweep(dir);
    if (!sweep) {
      sweep = s;
      hash = m.sweepHash;
      count = m.shard.count;
      runsOfSweep =
        Number.isInteger(m.runs) && m.runs >= 0 && m.runs <= MAX_SWEEP_RUNS ? m.runs : 0;
      done = new RunBits(runsOfSweep);
    } else if (m.sweepHash !== hash)
      throw new UsageError(
        `${dir}: belongs to a different sweep (hash ${m.sweepHash}, first shard ${hash})`,
      );
    else if (m.shard.count !== count)
      throw new UsageError(
        `${dir}: is shard ${m.shard.index}/${m.shard.count}, others are of ${count}`,
      );
    const other = seen.get(m.shard.index);
    if (other) throw new UsageError(`${dir}: shard ${m.shard.index}/${count} is also in ${other}`);
    seen.set(m.shard.index, dir);
    const jPath = join(dir, "runs.jsonl");
    regularFile(jPath);
    try {
      for (const r of journalRecords(jPath)) {
        records++;
        if (!Number.isInteger(r.run) || r.run < 0 || r.run >= runsOfSweep) outside++;
        else if ((done as RunBits).add(r) && !("error" in r)) layouts.note(r.keys, r.run);
      }
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length)
    throw new UsageError(`missing shard(s) ${missing.map((k) => `${k}/${count}`).join(", ")}`);
  let plan: ReturnType<typeof buildPlan>;
  try {
    plan = buildPlan(sweep as ResolvedSweep);
  } catch (e) {
    throw new UsageError(
      `${join(dirs[0], "sweep.json")}: damaged, cannot rebuild the sweep's plan (${(e as Error).message})`,
    );
  }
  if (sweepHash(plan) !== hash)
    throw new UsageError(`${dirs[0]}/sweep.json does not match its manifest's hash`);
  const bits = done as RunBits;
  const distinct = bits.doneCount + outside;
  if (distinct !== records || bits.doneCount !== plan.runs || outside)
    throw new UsageError(
      `the shards hold ${distinct} distinct runs of ${records} records; the sweep has ${plan.runs}`,
    );
  ensureDir(out);
  if (existsSync(join(out, "manifest.json")) || readdirSync(out).length)
    throw new UsageError(`${out}: must be empty or new (merge never overwrites)`);
  const release = lockOutputDir(out, "merge");
  // shard k holds runs k-1, k-1+N, ... in run order: taking one record of each shard in turn
  // gives the runs in order (inRunOrder copes with any other order)
  const journals = [...seen.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, dir]) => join(dir, "runs.jsonl"));
  const interleaved = function* (): Generator<JournalRecord> {
    let live = journals.map((j) => journalRecords(j));
    while (live.length) {
      const next: typeof live = [];
      for (const it of live) {
        const r = it.next();
        if (!r.done) {
          yield r.value;
          next.push(it);
        }
      }
      live = next;
    }
  };
  let names: string[];
  try {
    writeAtomic(join(out, "sweep.json"), sweepJsonText(plan.sweep));
    const written = writeFinalFromJournals(out, plan, null, interleaved, layouts.columns(), bits);
    names = [...written.filter((f) => f !== "manifest.json"), "manifest.json"];
    names = ["runs.jsonl", ...names.filter((f) => f !== "runs.jsonl")];
  } finally {
    release();
  }
  return {
    runs: plan.runs,
    failed: bits.failedCount,
    files: ["sweep.json", ...names],
  };
}
