import { type ReplicationResult, runReplication } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";

/**
 * R replications of a scenario (draw -> survey -> estimate), replication r on streams derived
 * from (scenario.seed, r) only: any split of [start, start + reps) into chunks, run in any
 * order or on any machine, gives the same results.
 */
export interface MonteCarloOptions {
  reps: number;
  /** First replication index (to split a run across processes), default 0. */
  start?: number;
  /** Called after each finished replication with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export function runMonteCarlo(scenario: Scenario, o: MonteCarloOptions): ReplicationResult[] {
  const start = o.start ?? 0;
  const out: ReplicationResult[] = [];
  for (let r = start; r < start + o.reps; r++) {
    out.push(runReplication(scenario, r));
    o.onProgress?.(r - start + 1, o.reps);
  }
  return out;
}
