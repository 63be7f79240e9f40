import { Worker } from "node:worker_threads";
import type { ReplicationResult } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { SurveyConfigError } from "../../../src/survey/instrument.ts";

/**
 * Monte Carlo replications of several scenarios (design points) in worker threads. The work is
 * cut into tasks of contiguous replications, handed to whichever worker is free; results are
 * put back in (point, replication) order, so the output is identical to running everything in
 * one thread (replication r only ever uses streams derived from (seed, r)).
 */
export interface ParallelJob {
  scenarios: Scenario[];
  reps: number;
  start?: number;
  workers: number;
  /** Replications finished so far, of the total. */
  onProgress?: (done: number, total: number) => void;
  /** Worker entry (tests may pass another). */
  entry?: URL;
}

export async function runMonteCarloParallel(job: ParallelJob): Promise<ReplicationResult[][]> {
  const start = job.start ?? 0;
  const total = job.scenarios.length * job.reps;
  const size = Math.max(1, Math.min(job.workers, total));
  const chunk = Math.max(1, Math.min(50, Math.ceil(job.reps / (size * 4))));
  const tasks: { point: number; start: number; reps: number }[] = [];
  job.scenarios.forEach((_, point) => {
    for (let r = 0; r < job.reps; r += chunk)
      tasks.push({ point, start: start + r, reps: Math.min(chunk, job.reps - r) });
  });
  const out: ReplicationResult[][] = job.scenarios.map(() => []);
  const entry = job.entry ?? new URL("./worker.mjs", import.meta.url);
  const workers: Worker[] = [];
  let done = 0;
  let next = 0;
  let failed: Error | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      let finishedTasks = 0;
      const give = (w: Worker) => {
        if (next >= tasks.length) return;
        const t = tasks[next];
        w.postMessage({
          task: next++,
          scenario: job.scenarios[t.point],
          start: t.start,
          reps: t.reps,
        });
      };
      const fail = (e: Error) => {
        if (!failed) {
          failed = e;
          reject(e);
        }
      };
      for (let i = 0; i < size; i++) {
        const w = new Worker(entry);
        workers.push(w);
        w.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
        w.on("exit", (code) => {
          if (!failed && finishedTasks < tasks.length)
            fail(new Error(`a Monte Carlo worker exited with code ${code}`));
        });
        w.on("message", (m) => {
          if (failed) return;
          if (m.ready) return give(w);
          if (m.tick) {
            done += m.tick;
            job.onProgress?.(done, total);
            return;
          }
          if (m.error !== undefined) {
            fail(
              m.field
                ? new SurveyConfigError(m.field, stripField(m.error, m.field))
                : new Error(m.error),
            );
            return;
          }
          out[tasks[m.task].point].push(...(m.results as ReplicationResult[]));
          finishedTasks++;
          if (finishedTasks === tasks.length) resolve();
          else give(w);
        });
      }
    });
  } finally {
    for (const w of workers) void w.terminate();
  }
  for (const rs of out) rs.sort((a, b) => a.replication - b.replication);
  return out;
}

function stripField(message: string, field: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
