import type { Scenario } from "../../../src/scenario/schema.ts";
import {
  type PowerAxis,
  type SweepInput,
  type SweepValidation,
  validateSweep,
} from "../../../src/scenario/sweep.ts";
import type { JournalRecord } from "../output/journal.ts";
import { inProcessSpawn } from "../pool/inProcessSpawn.ts";
import { createPool, type PoolOptions, type Progress } from "../pool/pool.ts";
import { type PowerPointSummary, powerFiles } from "./finalise.ts";

export type { PowerAxis } from "../../../src/scenario/sweep.ts";
export type { PowerPointSummary } from "./finalise.ts";
export { powerRows } from "./finalise.ts";

/**
 * Power curves as a sweep: a full factorial grid over design axes, each point a Monte Carlo run
 * of the scenario with that point's settings. The axes are the sweep's linked settings
 * (applySetting in src/scenario/sweep.ts):
 *   n            usable responses (survey.n; the mailing grows with n at the scenario's
 *                mailed / n ratio when needed, 900 / 203 for the paper's design)
 *   coef         one path's standardized coefficient ("IEO->LFDC")
 *   reliability  every construct's CR (loadings scaled to it)
 *   cmv          common-method loading of every item (survey.methodFactor)
 *   bias         response-bias strength (on performance unless the scenario says size)
 *   cutoff       the frame's minimum export share
 * The base is the scenario with its defaults resolved and the survey on; every point uses the
 * scenario's seed (common random numbers), replications start at `start`.
 */
export function powerSweep(
  base: Scenario,
  axes: readonly PowerAxis[],
  reps: number,
  start = 0,
): SweepValidation {
  const plain = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
  const input: SweepInput = {
    name: `power ${base.name}`.slice(0, 200),
    base: { ...plain, survey: { ...(plain.survey as Record<string, unknown>), enabled: true } },
    design: {
      type: "grid",
      factors: axes.map((a) =>
        a.name === "coef"
          ? { setting: "coef", coef: a.path, levels: a.values }
          : { setting: a.name, levels: a.values },
      ),
    },
    replications: reps,
    streams: "common",
    ...(start ? { firstReplication: start } : {}),
  };
  const v = validateSweep(input);
  if (!v.ok) return v;
  return { ok: true, sweep: { ...v.sweep, power: { scenario: base.name, axes: [...axes] } } };
}

/**
 * Run a power study in a pool (default: one in-process worker) and summarise it: the engine's
 * plan -> pool -> records -> powerFiles, without files on disk (the web app and tests).
 */
export async function runPower(
  base: Scenario,
  axes: readonly PowerAxis[],
  reps: number,
  opts: { pool?: PoolOptions; start?: number; onProgress?: (p: Progress) => void } = {},
): Promise<PowerPointSummary[]> {
  const v = powerSweep(base, axes, reps, opts.start);
  if (!v.ok) throw new Error(v.issues.map((i) => `${i.path}: ${i.message}`).join("; "));
  const pool = createPool(opts.pool ?? { size: 1, spawn: inProcessSpawn() });
  const records: JournalRecord[] = [];
  try {
    const plan = await pool.prepare(v.sweep);
    await pool.run({
      onProgress: opts.onProgress,
      onResult: (r) =>
        records.push(
          r.ok
            ? { run: r.spec.run, keys: r.keys, values: r.values }
            : { run: r.spec.run, error: r.message },
        ),
    });
    const failed = records.find((r) => "error" in r);
    if (failed && "error" in failed) throw new Error(failed.error);
    records.sort((a, b) => a.run - b.run);
    return powerFiles(plan, records).points;
  } finally {
    await pool.close();
  }
}
