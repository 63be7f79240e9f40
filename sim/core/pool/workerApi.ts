import * as Comlink from "comlink";
import { runReplication } from "../../../src/replication.ts";
import { isScenarioList, type PoolJob, planOf, type RunPlan } from "../designs/plan.ts";
import { Flattener } from "../output/flatten.ts";

/**
 * What a pool worker does, the same in Node worker_threads and browser Web Workers: rebuild the
 * sweep's plan from the sweep itself (deterministic), then run chunks of run indices through
 * runReplication. Results come back packed in typed arrays that are transferred, not copied.
 */

/** Test hooks: make chosen runs throw, or kill the worker while running them. */
export interface Faults {
  throwOn?: number[];
  crashOn?: number[];
}

/** The results of one chunk. Run i's values are values[offsets[i] .. offsets[i+1]) named by layouts[layoutOf[i]]. */
export interface ChunkResult {
  runs: Int32Array;
  layoutOf: Int32Array;
  offsets: Int32Array;
  values: Float64Array;
  layouts: string[][];
  failures: { run: number; message: string }[];
}

export interface WorkerApi {
  /** Start-up check and plan: returns the number of runs and a token proving the worker is alive. */
  init(job: PoolJob, faults?: Faults): { runs: number; ready: "bgsim-worker" };
  run(runs: Int32Array): ChunkResult;
}

function die(): never {
  const g = globalThis as { process?: { exit(code: number): never }; close?: () => void };
  if (g.process?.exit) g.process.exit(70);
  g.close?.();
  throw new Error("worker asked to crash");
}

/** Run chunks of one sweep (pure except for the fault hooks). */
export function createWorkerApi(): WorkerApi {
  let plan: RunPlan | undefined;
  let faults: Faults = {};
  // power runs also record each path's standardized SE (for the CIs of replications.csv)
  let flat = new Flattener(false);
  return {
    init(job, f) {
      plan = planOf(job);
      flat = new Flattener(!isScenarioList(job) && job.power !== undefined);
      faults = f ?? {};
      return { runs: plan.runs, ready: "bgsim-worker" };
    },
    run(runs) {
      if (!plan) throw new Error("worker not initialised (call init first)");
      const done: number[] = [];
      const layoutOf: number[] = [];
      const offsets: number[] = [0];
      const values: number[] = [];
      const layouts: string[][] = [];
      const layoutIndex = new Map<string, number>();
      const failures: { run: number; message: string }[] = [];
      // the layout of the last run (runs of one layout share their keys array)
      let lastKeys: string[] | undefined;
      let lastLayout = -1;
      for (const run of runs) {
        try {
          if (faults.crashOn?.includes(run)) die();
          if (faults.throwOn?.includes(run)) throw new Error(`injected failure in run ${run}`);
          const spec = plan.runSpec(run);
          const sc = plan.scenarioAt(spec.point);
          if (!sc.ok) throw new Error(sc.message);
          const result = runReplication(sc.scenario, spec.replication);
          const keys = flat.into(result, values);
          if (keys !== lastKeys) {
            const sig = keys.join("\u0000");
            let li = layoutIndex.get(sig);
            if (li === undefined) {
              li = layouts.length;
              layouts.push(keys);
              layoutIndex.set(sig, li);
            }
            lastKeys = keys;
            lastLayout = li;
          }
          done.push(run);
          layoutOf.push(lastLayout);
          offsets.push(values.length);
        } catch (e) {
          values.length = offsets[offsets.length - 1]; // nothing of a failed run
          failures.push({ run, message: (e as Error).message ?? String(e) });
        }
      }
      const result: ChunkResult = {
        runs: Int32Array.from(done),
        layoutOf: Int32Array.from(layoutOf),
        offsets: Int32Array.from(offsets),
        values: Float64Array.from(values),
        layouts,
        failures,
      };
      return Comlink.transfer(result, [
        result.runs.buffer,
        result.layoutOf.buffer,
        result.offsets.buffer,
        result.values.buffer,
      ]);
    },
  };
}

/** Expose the worker API on an endpoint (the worker entry files call only this). */
export function exposeWorkerApi(endpoint: Comlink.Endpoint): void {
  Comlink.expose(createWorkerApi(), endpoint);
}
