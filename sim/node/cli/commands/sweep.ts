import type { ResolvedSweep } from "../../../../src/scenario/sweep.ts";
import { buildPlan, type RunPlan, type SweepPlan } from "../../../core/designs/plan.ts";
import type { Shard } from "../../../core/output/finalise.ts";
import { inProcessSpawn } from "../../../core/pool/inProcessSpawn.ts";
import { createPool } from "../../../core/pool/pool.ts";
import type { Faults } from "../../../core/pool/workerApi.ts";
import { SweepDirectory } from "../../files/directory.ts";
import { readSweep } from "../../files/sweepFile.ts";
import { nodeSpawn, nodeWorkerCount } from "../../pool/nodeSpawn.ts";
import { type Command, intOption, stringOption, UsageError, workersOption } from "../command.ts";
import { progressBar } from "../progress.ts";

/** Parse "k/N" (1 <= k <= N). */
export function parseShard(v: string | boolean | undefined): Shard | null {
  if (v === undefined || v === false) return null;
  const m = /^(\d+)\/(\d+)$/.exec(String(v));
  const k = m ? Number(m[1]) : Number.NaN;
  const n = m ? Number(m[2]) : Number.NaN;
  if (!m || n < 1 || k < 1 || k > n || n > 100_000)
    throw new UsageError(
      `--shard = ${JSON.stringify(v)}: must be k/N with 1 <= k <= N <= 100000 (e.g. --shard 3/8)`,
    );
  return { index: k, count: n };
}

function rateText(r: number): string {
  return r.toFixed(r < 10 ? 2 : 0);
}

function faultsFromEnv(): Faults | undefined {
  const t = process.env.BGSIM_TEST_FAULTS;
  return t ? (JSON.parse(t) as Faults) : undefined;
}

export interface DirectoryRunOptions {
  /** How the header line names the job ("sweep NAME", "power SCENARIO"). */
  label: string;
  out: string;
  workers: number;
  resume: boolean;
  shard: Shard | null;
  chunk?: number;
  quiet: boolean;
  /** Run in this thread instead of worker threads (one worker, no start-up cost). */
  inProcess?: boolean;
}

/**
 * The experiment engine's run, shared by sweep and power: open (or resume) the output
 * directory, run the pending runs of the slice in the pool with a progress bar, append each
 * finished run to the journal, and stop cleanly on SIGINT/SIGTERM (exit 130, resumable).
 * Returns the directory with every run of its slice done, ready to finalise.
 */
export async function runToDirectory(
  sw: ResolvedSweep,
  plan: SweepPlan,
  o: DirectoryRunOptions,
): Promise<SweepDirectory> {
  const { shard, quiet } = o;
  const dir = SweepDirectory.open(o.out, plan, { resume: o.resume, shard });
  const pending = dir.pendingRuns();
  const sliceText = shard ? ` (shard ${shard.index}/${shard.count}: ${dir.slice.length} runs)` : "";
  if (!quiet)
    console.error(
      `${o.label}: ${plan.pointCount} design point${plan.pointCount > 1 ? "s" : ""} x ${sw.replications} replications = ${plan.runs} runs${sliceText}; ${dir.doneCount ? `${dir.doneCount} already done, ` : ""}${pending.count} to run`,
    );
  let cancelled = false;
  if (pending.count) {
    const size = o.inProcess ? 1 : Math.min(o.workers, pending.count);
    const pool = createPool({ size, spawn: o.inProcess ? inProcessSpawn() : nodeSpawn() });
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    const bar = progressBar(process.stderr, {
      offset: dir.doneCount,
      grand: dir.slice.length,
      quiet,
    });
    const who = o.inProcess ? "this thread" : `${size} worker${size > 1 ? "s" : ""}`;
    try {
      const t0 = performance.now();
      await pool.prepare(sw, faultsFromEnv()).catch((e: Error) => {
        throw new UsageError(`cannot start the worker pool: ${e.message}`, 1);
      });
      if (!quiet && !o.inProcess)
        console.error(`${who} started in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      // one worker delivers the runs in order: a power sweep's files are written as they finish
      if (size === 1) dir.startLive();
      const summary = await pool.run({
        runs: pending,
        chunkSize: o.chunk,
        signal: controller.signal,
        onResult: (r) => dir.append(r),
        onChunk: () => {
          dir.flush();
          if (dir.writeFailure) controller.abort(); // a full disk: stop, report it below
        },
        onProgress: (p) => {
          bar.update(p);
          dir.checkpoint();
        },
      });
      bar.end();
      cancelled = summary.cancelled;
      const elapsed = summary.elapsedSec;
      if (!quiet && !cancelled)
        console.error(
          `ran ${summary.done} runs in ${elapsed.toFixed(2)} s with ${who} (${rateText(summary.done / Math.max(elapsed, 1e-9))} runs/s)`,
        );
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      // wait for the worker threads to stop before going on (and, in the end, exiting)
      await pool.close();
      dir.checkpoint(true);
    }
  }
  if (cancelled) {
    dir.close();
    throw new UsageError(
      `interrupted: ${dir.doneCount} of ${dir.slice.length} runs are saved in ${o.out}; continue with --resume`,
      130,
    );
  }
  return dir;
}

/** The failed runs of a directory as a usage error (exit code 3), or nothing. */
export function failuresError(dir: SweepDirectory, plan: RunPlan, out: string, file: string) {
  const count = dir.failedCount;
  if (!count) return undefined;
  const lines = dir
    .firstFailures()
    .slice(0, 10)
    .map((f) => {
      const s = plan.runSpec(f.run);
      return `  run ${f.run} (point ${s.point}, replication ${s.replication}, seed ${s.seed}${Object.entries(
        s.params,
      )
        .map(([k, v]) => `, ${k}=${v}`)
        .join("")}): ${f.error}`;
    });
  return new UsageError(
    `${count} run(s) failed (all in ${out}/${file}; the other runs are intact):\n${lines.join("\n")}${count > 10 ? "\n  ..." : ""}`,
    3,
  );
}

export const sweep: Command = {
  name: "sweep",
  summary: "Run a sweep file (grid, Latin hypercube or Morris design) in worker threads",
  usage: "bgsim sweep <sweep.json> --out DIR [--workers N] [--resume] [--shard k/N] [--quiet]",
  options: {
    out: { type: "string" },
    workers: { type: "string" },
    resume: { type: "boolean" },
    shard: { type: "string" },
    chunk: { type: "string" },
    quiet: { type: "boolean", short: "q" },
  },
  help: `Runs every (design point, replication) of the sweep in a pool of worker threads and
appends each finished run to DIR/runs.jsonl. When all runs are done it writes
  results.csv   one row per run: run, point, replication, seed, factor values, then n,
                <path>.est/.std/.se/.p/.sig/.pop, fit.*, outcome.* (NA = not a number)
  summary.csv   per design point and quantity: runs, mean, sd, se, 95% CI (t)
  failures.csv  runs that failed, with their seed, factor values and the error
  morris.csv    for Morris designs: mu, mu*, sigma of every quantity for every factor
  manifest.json sweep hash, seed, version, shard, which runs are done
Results are identical for any number of workers, after --resume, and after merging shards.
Options:
  --out DIR     output directory (required; must not hold another sweep's output)
  --workers N   worker threads (default: the machine's available parallelism)
  --resume      continue an interrupted sweep in DIR (kill -9 safe), skipping finished runs
  --shard k/N   run only runs i with i mod N = k - 1 (for Slurm arrays, Kubernetes indexed
                jobs, GNU parallel); combine the N output directories with bgsim merge
  --chunk N     runs per message to a worker (default adaptive, about 100 ms of work)
  --quiet       no progress bar
Exit codes: 0 all runs succeeded, 3 some runs failed (see failures.csv), 2 bad input,
130 interrupted (continue with --resume).`,
  async run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected exactly one sweep file (bgsim sweep <sweep.json> --out DIR)");
    const file = positionals[0];
    const out = stringOption(values.out, "out");
    const workers = workersOption(values.workers, nodeWorkerCount(), nodeWorkerCount());
    const shard = parseShard(values.shard);
    const chunk =
      values.chunk === undefined ? undefined : intOption(values.chunk, "chunk", 1, 100_000);
    const quiet = values.quiet === true;
    const sw = readSweep(file);
    const plan = buildPlan(sw);
    // design points that are not valid scenarios: say so now (their runs will fail)
    if (plan.pointCount <= 20_000) {
      const bad: string[] = [];
      for (let p = 0; p < plan.pointCount; p++) {
        const s = plan.scenarioAt(p);
        if (!s.ok) bad.push(s.message);
      }
      if (bad.length)
        console.error(
          `warning: ${bad.length} of ${plan.pointCount} design points are not valid scenarios; their runs will be reported as failed:\n  ${bad.slice(0, 5).join("\n  ")}${bad.length > 5 ? "\n  ..." : ""}`,
        );
    }
    const dir = await runToDirectory(sw, plan, {
      label: `sweep ${sw.name}`,
      out,
      workers,
      resume: values.resume === true,
      shard,
      chunk,
      quiet,
    });
    const sliceText = shard
      ? ` (shard ${shard.index}/${shard.count}: ${dir.slice.length} runs)`
      : "";
    const files = dir.finalise();
    console.log(
      `${out}: ${dir.slice.length} runs${sliceText}, ${dir.failedCount} failed; wrote ${files.join(", ")}`,
    );
    const err = failuresError(dir, plan, out, "failures.csv");
    if (err) throw err;
  },
};
