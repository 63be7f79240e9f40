import * as Comlink from "comlink";
import type { ResolvedSweep } from "../../../src/scenario/sweep.ts";
import {
  buildPlan,
  isScenarioList,
  listPlan,
  type PoolJob,
  type RunPlan,
  type RunSpec,
  type ScenarioList,
  type SweepPlan,
} from "../designs/plan.ts";
import type { ChunkResult, Faults, WorkerApi } from "./workerApi.ts";
import { browserCores, workerCount } from "./workerCount.ts";

/**
 * A comlink worker pool for sweeps, with one code path for browser Web Workers and Node
 * worker_threads: the environment enters only through `spawn` (see nodeSpawn.ts and
 * browserSpawn.ts). Workers pull chunks of run indices; each run is a pure function of
 * (sweep, run index), so results do not depend on the number of workers or on scheduling.
 */

/** A started worker: its message endpoint, how to stop it, and how it reports dying. */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  /** Stop the worker; a promise, if any, settles once its thread has stopped. */
  terminate(): Promise<unknown> | undefined;
  /** Register a callback for a worker that fails to load, throws at top level or exits. */
  onFailure(cb: (err: Error) => void): void;
}

export type Spawn = (index: number) => WorkerHandle;

export interface PoolOptions {
  /** Number of workers (default: a page's share of the cores, see workerCount.ts). */
  size?: number;
  spawn: Spawn;
  /** A worker that has not answered its start-up check by then fails loudly (default 60 s). */
  startupTimeoutMs?: number;
}

export type RunOutcome =
  | { ok: true; spec: RunSpec; keys: string[]; values: Float64Array }
  | { ok: false; spec: RunSpec; message: string };

export interface Progress {
  /** Runs finished in this session (succeeded + failed). */
  done: number;
  failed: number;
  /** Runs this session was asked to run. */
  total: number;
  elapsedSec: number;
  runsPerSec: number;
  /** Seconds to go at the current rate (NaN before the first result). */
  etaSec: number;
}

/**
 * Run indices given lazily: how many, and an iterator taken as chunks are handed out, so a pool
 * of any number of runs holds no list of them (e.g. a shard's slice minus finished runs).
 */
export interface RunSource {
  count: number;
  [Symbol.iterator](): Iterator<number>;
}

export interface RunOptions {
  /** Run indices to run (default: all of the plan), e.g. a shard's slice minus finished runs. */
  runs?: ArrayLike<number> | RunSource;
  /** Runs per message (default: adaptive, aiming at about 100 ms of work per chunk). */
  chunkSize?: number;
  signal?: AbortSignal;
  /** Called once per finished run, in completion order. */
  onResult?: (r: RunOutcome) => void;
  /** Called after the results of each chunk were delivered (e.g. to flush buffered output). */
  onChunk?: () => void;
  onProgress?: (p: Progress) => void;
  /** Minimum interval between progress events (default 200 ms; the last one always fires). */
  progressIntervalMs?: number;
}

export interface RunSummary {
  total: number;
  done: number;
  failed: number;
  cancelled: boolean;
  elapsedSec: number;
}

export interface Pool {
  readonly size: number;
  /** Spawn the workers and check that each starts and holds the same plan. */
  prepare(sweep: ResolvedSweep, faults?: Faults): Promise<SweepPlan>;
  /** The same for a list of scenarios, each run a number of replications. */
  prepare(list: ScenarioList, faults?: Faults): Promise<RunPlan>;
  run(options?: RunOptions): Promise<RunSummary>;
  /**
   * Stop every worker. The promise settles once their threads have stopped: a process should
   * await it before it exits (a Node process ending while a worker thread is still being torn
   * down can die of a signal instead of exiting with its code).
   */
  close(): Promise<void>;
}

interface Slot {
  index: number;
  handle: WorkerHandle;
  api: Comlink.Remote<WorkerApi>;
  died: Promise<never>;
  /** Seconds per run, smoothed, for the adaptive chunk size. */
  secPerRun: number;
}

const now = () => performance.now();

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function createPool(options: PoolOptions): Pool {
  const size = options.size ?? workerCount(browserCores(), "page");
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`pool size ${size}: must be an integer >= 1`);
  const startupMs = options.startupTimeoutMs ?? 60_000;
  let slots: Slot[] = [];
  let plan: RunPlan | undefined;
  let sweepSent: PoolJob | undefined;
  let faultsSent: Faults | undefined;

  const startSlot = async (index: number): Promise<Slot> => {
    const handle = options.spawn(index);
    let fail: (e: Error) => void = () => {};
    const died = new Promise<never>((_, reject) => {
      fail = reject;
    });
    died.catch(() => {});
    handle.onFailure((e) => fail(e));
    const api = Comlink.wrap<WorkerApi>(handle.endpoint);
    const slot: Slot = { index, handle, api, died, secPerRun: Number.NaN };
    try {
      const r = await withTimeout(
        Promise.race([api.init(sweepSent as PoolJob, faultsSent), died]),
        startupMs,
        `worker ${index + 1}`,
      );
      if (r?.ready !== "bgsim-worker" || r.runs !== plan?.runs)
        throw new Error(
          `worker ${index + 1} answered its start-up check wrongly (${JSON.stringify(r)})`,
        );
    } catch (e) {
      handle.terminate();
      throw new Error(`worker ${index + 1} failed to start: ${(e as Error).message}`);
    }
    return slot;
  };

  // workers being stopped (by this close or an earlier one, e.g. on cancel)
  let stopping: Promise<unknown>[] = [];
  const close = (): Promise<void> => {
    for (const s of slots) {
      s.api[Comlink.releaseProxy]?.();
      const t = s.handle.terminate();
      if (t) stopping.push(t.catch(() => {}));
    }
    slots = [];
    const all = stopping;
    return Promise.all(all).then(() => {
      stopping = stopping.filter((x) => !all.includes(x));
    });
  };

  return {
    size,
    async prepare(job: PoolJob, faults?: Faults) {
      close();
      plan = isScenarioList(job) ? listPlan(job) : buildPlan(job);
      sweepSent = job;
      faultsSent = faults;
      const started = await Promise.allSettled(
        Array.from({ length: size }, (_, i) => startSlot(i)),
      );
      slots = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      const bad = started.find((r) => r.status === "rejected");
      if (bad) {
        close();
        throw (bad as PromiseRejectedResult).reason;
      }
      // biome-ignore lint/suspicious/noExplicitAny: the overloads above type the result
      return plan as any;
    },
    close,
    async run(opts = {}) {
      if (!plan || !slots.length) throw new Error("pool not prepared (call prepare(sweep) first)");
      const p = plan;
      const src = runSource(opts.runs, p.runs);
      const it = src[Symbol.iterator]();
      const total = src.count;
      // queue of chunks; an "isolated" chunk is one run retried alone after a worker died
      let next = 0;
      const isolated: number[] = [];
      let done = 0;
      let failed = 0;
      let cancelled = false;
      const t0 = now();
      let lastProgress = -Infinity;
      const interval = opts.progressIntervalMs ?? 200;
      const progress = (force: boolean) => {
        if (!opts.onProgress) return;
        const t = now();
        if (!force && t - lastProgress < interval) return;
        lastProgress = t;
        const elapsedSec = (t - t0) / 1000;
        const runsPerSec = elapsedSec > 0 ? done / elapsedSec : 0;
        opts.onProgress({
          done,
          failed,
          total,
          elapsedSec,
          runsPerSec,
          etaSec: done > 0 ? (total - done) / runsPerSec : Number.NaN,
        });
      };
      const report = (r: RunOutcome) => {
        done++;
        if (!r.ok) failed++;
        opts.onResult?.(r);
      };
      const deliver = (res: ChunkResult) => {
        for (let i = 0; i < res.runs.length; i++) {
          const keys = res.layouts[res.layoutOf[i]];
          report({
            ok: true,
            spec: p.runSpec(res.runs[i]),
            keys,
            values: res.values.subarray(res.offsets[i], res.offsets[i + 1]),
          });
        }
        for (const f of res.failures)
          report({ ok: false, spec: p.runSpec(f.run), message: f.message });
      };
      const takeChunk = (slot: Slot): { runs: number[]; isolated: boolean } | undefined => {
        if (isolated.length) return { runs: [isolated.shift() as number], isolated: true };
        if (next >= total) return undefined;
        const remaining = total - next;
        let n = opts.chunkSize;
        if (n === undefined) {
          const target = Number.isFinite(slot.secPerRun)
            ? Math.round(0.1 / Math.max(slot.secPerRun, 1e-7))
            : 1;
          n = Math.max(1, Math.min(target, 2048, Math.ceil(remaining / (2 * slots.length))));
        }
        const runs: number[] = [];
        while (runs.length < n && next < total) {
          const r = it.next();
          if (r.done) throw new Error(`the run list ended after ${next} of ${total} runs`);
          const run = r.value;
          if (!Number.isInteger(run) || run < 0 || run >= p.runs)
            throw new Error(`run ${run} is not in the sweep (0 to ${p.runs - 1})`);
          runs.push(run);
          next++;
        }
        return { runs, isolated: false };
      };
      let abortReject: (e: Error) => void = () => {};
      const aborted = new Promise<never>((_, reject) => {
        abortReject = reject;
      });
      aborted.catch(() => {});
      const onAbort = () => {
        cancelled = true;
        abortReject(new Error("cancelled"));
      };
      if (opts.signal?.aborted) onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });

      const loop = async (slotIndex: number): Promise<void> => {
        for (;;) {
          if (cancelled) return;
          const slot = slots[slotIndex];
          const chunk = takeChunk(slot);
          if (!chunk) return;
          const buf = Int32Array.from(chunk.runs);
          const t = now();
          try {
            // Promise.race leaves a reaction on the long-lived `died` and `aborted` promises
            // at every call; raced on the chunk's result itself, those reactions would keep
            // every chunk's values alive (memory growing with the runs), so race on a
            // promise of nothing and take the result aside
            let answer: ChunkResult | undefined;
            await Promise.race([
              slot.api.run(Comlink.transfer(buf, [buf.buffer])).then((r) => {
                answer = r;
              }),
              slot.died,
              aborted,
            ]);
            const res = answer as ChunkResult;
            const sec = (now() - t) / 1000 / chunk.runs.length;
            slot.secPerRun = Number.isFinite(slot.secPerRun)
              ? 0.5 * slot.secPerRun + 0.5 * sec
              : sec;
            deliver(res);
            opts.onChunk?.();
            progress(false);
          } catch (e) {
            if (cancelled) return;
            // the worker died (or its message failed): retry the chunk's runs one by one on a
            // fresh worker; a run that kills a worker on its own is reported as failed
            const message = (e as Error).message ?? String(e);
            if (chunk.isolated)
              report({
                ok: false,
                spec: p.runSpec(chunk.runs[0]),
                message: `worker died running it: ${message}`,
              });
            else isolated.push(...chunk.runs);
            slot.handle.terminate();
            try {
              slots[slotIndex] = await startSlot(slot.index);
            } catch (restart) {
              // no replacement worker: stop everything rather than run on with fewer workers silently
              cancelled = true;
              abortReject(restart as Error);
              throw restart;
            }
            progress(false);
          }
        }
      };
      try {
        await Promise.all(slots.map((_, i) => loop(i)));
      } catch (e) {
        close();
        throw e;
      } finally {
        opts.signal?.removeEventListener("abort", onAbort);
      }
      if (cancelled) close();
      progress(true);
      return { total, done, failed, cancelled, elapsedSec: (now() - t0) / 1000 };
    },
  };
}

/** Run indices as a RunSource: a list as given (checked up front), or every run of the plan. */
function runSource(runs: RunOptions["runs"], planRuns: number): RunSource {
  if (!runs)
    return {
      count: planRuns,
      *[Symbol.iterator]() {
        for (let i = 0; i < planRuns; i++) yield i;
      },
    };
  if ("count" in runs) return runs;
  const list = runs;
  for (let i = 0; i < list.length; i++) {
    const r = list[i];
    if (!Number.isInteger(r) || r < 0 || r >= planRuns)
      throw new Error(`run ${r} is not in the sweep (0 to ${planRuns - 1})`);
  }
  return {
    count: list.length,
    *[Symbol.iterator]() {
      for (let i = 0; i < list.length; i++) yield list[i];
    },
  };
}

/** Prepare a pool, run a sweep (or the given runs of it) and close the pool. */
export async function runSweepInPool(
  sweep: ResolvedSweep,
  pool: PoolOptions,
  opts: RunOptions & { faults?: Faults } = {},
): Promise<RunSummary> {
  const p = createPool(pool);
  try {
    await p.prepare(sweep, opts.faults);
    return await p.run(opts);
  } finally {
    await p.close();
  }
}
