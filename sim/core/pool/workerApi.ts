import * as Comlink from "comlink";
import { runReplication } from "../../../src/replication.ts";
import { isScenarioList, type PoolJob, planOf, type RunPlan } from "../designs/plan.ts";
import { flattenResult } from "../output/flatten.ts";

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
  let stdSe = false;
  return {
    init(job, f) {
      plan = planOf(job);
      stdSe = !isScenarioList(job) && job.power !== undefined;
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
      for (const run of runs) {
        try {
          if (faults.crashOn?.includes(run)) die();
          if (faults.throwOn?.includes(run)) throw new Error(`injected failure in run ${run}`);
          const spec = plan.runSpec(run);
          const sc = plan.scenarioAt(spec.point);
          if (!sc.ok) throw new Error(sc.message);
          const flat = flattenResult(runReplication(sc.scenario, spec.replication), { stdSe });
          const sig = flat.keys.join("\u0000");
          let li = layoutIndex.get(sig);
          if (li === undefined) {
            li = layouts.length;
            layouts.push(flat.keys);
            layoutIndex.set(sig, li);
          }
          done.push(run);
          layoutOf.push(li);
          for (const v of flat.values) values.push(v);
          offsets.push(values.length);
        } catch (e) {
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
