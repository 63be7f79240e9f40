import { parentPort } from "node:worker_threads";
import { runReplication } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { SurveyConfigError } from "../../../src/survey/instrument.ts";

/**
 * A Monte Carlo worker thread: runs the replications it is sent and posts them back as plain
 * data. Messages in: { task, scenario, start, reps }; out: { task, tick } after every
 * replication, { task, results } when the task is done, or { task, error, field } on failure.
 */
export interface TaskMessage {
  task: number;
  scenario: Scenario;
  start: number;
  reps: number;
}

const port = parentPort;
if (port) {
  port.on("message", (m: TaskMessage) => {
    try {
      const results = [];
      for (let r = m.start; r < m.start + m.reps; r++) {
        results.push(runReplication(m.scenario, r));
        port.postMessage({ task: m.task, tick: 1 });
      }
      port.postMessage({ task: m.task, results });
    } catch (e) {
      port.postMessage({
        task: m.task,
        error: (e as Error).message,
        field: e instanceof SurveyConfigError ? e.field : null,
      });
    }
  });
  port.postMessage({ ready: true });
}
