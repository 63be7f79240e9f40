import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import { createPool, type RunOutcome, runSweepInPool } from "../sim/core/pool/pool.ts";
import { createWorkerApi } from "../sim/core/pool/workerApi.ts";
import { nodeSpawn } from "../sim/node/pool/nodeSpawn.ts";
import { runReplication } from "../src/replication.ts";
import { validateSweep } from "../src/scenario/sweep.ts";

const v = validateSweep({
  base: { seed: 11, population: { firms: 120 } },
  replications: 6,
  design: {
    type: "grid",
    factors: [
      { path: "population.firms", levels: [80, 160] },
      { path: "model.paths.IEO->LFDC", levels: [0, 0.2, 0.4] },
    ],
  },
});
if (!v.ok) throw new Error(JSON.stringify(v.issues));
const sweep = v.sweep; // 6 points x 6 replications = 36 runs

async function collect(size: number, extra: Parameters<typeof runSweepInPool>[2] = {}) {
  const got = new Map<number, RunOutcome>();
  const summary = await runSweepInPool(
    sweep,
    { size, spawn: nodeSpawn() },
    {
      ...extra,
      onResult: (r) => {
        expect(got.has(r.spec.run)).toBe(false);
        got.set(r.spec.run, r.ok ? { ...r, values: r.values.slice() } : r);
      },
    },
  );
  return { got, summary };
}

const bits = (r: RunOutcome | undefined) =>
  r?.ok ? [r.keys.join(","), ...Array.from(new Uint32Array(new Float64Array(r.values).buffer))] : r;

describe("worker pool (Node worker_threads)", () => {
  it("gives bit-identical results for 1, 2 and 4 workers, equal to the main thread", async () => {
    const one = await collect(1, { chunkSize: 5 });
    const two = await collect(2);
    const four = await collect(4, { chunkSize: 1 });
    expect(one.summary).toMatchObject({ total: 36, done: 36, failed: 0, cancelled: false });
    for (let run = 0; run < 36; run++) {
      expect(bits(two.got.get(run))).toEqual(bits(one.got.get(run)));
      expect(bits(four.got.get(run))).toEqual(bits(one.got.get(run)));
    }
    // same numbers as calling runReplication here
    const plan = buildPlan(sweep);
    for (const run of [0, 17, 35]) {
      const s = plan.runSpec(run);
      const sc = plan.scenarioAt(s.point);
      if (!sc.ok) throw new Error(sc.message);
      const flat = flattenResult(runReplication(sc.scenario, s.replication));
      const r = one.got.get(run);
      expect(r?.ok && Array.from(r.values)).toEqual(flat.values);
    }
  });

  it("takes runs lazily from a RunSource, chunk by chunk, and names a run outside the sweep", async () => {
    const want = await collect(1, { runs: [3, 5, 7, 30, 31] });
    let taken = 0;
    const lazy = await collect(2, {
      chunkSize: 2,
      runs: {
        count: 5,
        *[Symbol.iterator]() {
          for (const r of [3, 5, 7, 30, 31]) {
            taken++;
            yield r;
          }
        },
      },
    });
    expect(taken).toBe(5);
    expect(lazy.summary).toMatchObject({ total: 5, done: 5, failed: 0 });
    for (const run of [3, 5, 7, 30, 31])
      expect(bits(lazy.got.get(run))).toEqual(bits(want.got.get(run)));
    await expect(
      collect(1, {
        runs: {
          count: 2,
          *[Symbol.iterator]() {
            yield 1;
            yield 36;
          },
        },
      }),
    ).rejects.toThrow("run 36 is not in the sweep (0 to 35)");
  });
  it("close() settles once every worker thread has stopped", async () => {
    let stopped = 0;
    const spawn = nodeSpawn();
    const pool = createPool({
      size: 2,
      spawn: (i) => {
        const h = spawn(i);
        return {
          ...h,
          terminate: () =>
            h.terminate()?.then(() => {
              stopped++;
            }),
        };
      },
    });
    await pool.prepare(sweep);
    await pool.run({ runs: [0, 1, 2, 3] });
    const closing = pool.close();
    expect(stopped).toBe(0);
    await closing;
    expect(stopped).toBe(2);
  });
  it("reports a run that throws with its seed and parameters and finishes every other run", async () => {
    const { got, summary } = await collect(2, { faults: { throwOn: [7] }, chunkSize: 4 });
    expect(summary).toMatchObject({ done: 36, failed: 1 });
    const bad = got.get(7);
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok) {
      expect(bad.message).toBe("injected failure in run 7");
      expect(bad.spec).toMatchObject({
        run: 7,
        point: 1,
        replication: 1,
        params: { "population.firms": 80, "model.paths.IEO->LFDC": 0.2 },
      });
      expect(bad.spec.seed).toBe(buildPlan(sweep).runSpec(7).seed);
    }
    const clean = await collect(1);
    for (let run = 0; run < 36; run++)
      if (run !== 7) expect(bits(got.get(run))).toEqual(bits(clean.got.get(run)));
  });

  it("survives a worker that dies mid-chunk: the culprit fails, its chunk-mates are rerun", async () => {
    const { got, summary } = await collect(2, { faults: { crashOn: [20] }, chunkSize: 6 });
    expect(summary).toMatchObject({ done: 36, failed: 1 });
    const bad = got.get(20);
    expect(bad?.ok).toBe(false);
    if (bad && !bad.ok)
      expect(bad.message).toMatch(/worker died running it: worker exited with code 70/);
    for (let run = 0; run < 36; run++) if (run !== 20) expect(got.get(run)?.ok).toBe(true);
  });

  it("reports progress and can be cancelled", async () => {
    const controller = new AbortController();
    const progress: number[] = [];
    const big = validateSweep({
      base: { population: { firms: 2000 } },
      replications: 400,
      design: { type: "grid", factors: [{ path: "estimation.alpha", levels: [0.05] }] },
    });
    if (!big.ok) throw new Error("bad sweep");
    const summary = await runSweepInPool(
      big.sweep,
      { size: 2, spawn: nodeSpawn() },
      {
        chunkSize: 2,
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          progress.push(p.done);
          expect(p.runsPerSec).toBeGreaterThan(0);
          if (p.done >= 10) controller.abort();
        },
      },
    );
    expect(summary.cancelled).toBe(true);
    expect(summary.done).toBeGreaterThanOrEqual(10);
    expect(summary.done).toBeLessThan(400);
    expect(progress.length).toBeGreaterThan(1);
  });

  it("fails loudly when a worker cannot start, or does not answer its start-up check", async () => {
    const broken = createPool({
      size: 2,
      spawn: nodeSpawn(new URL("./fixtures/pool/broken.mjs", import.meta.url)),
    });
    await expect(broken.prepare(sweep)).rejects.toThrow(
      /worker 1 failed to start: broken on purpose/,
    );
    const silent = createPool({
      size: 1,
      spawn: nodeSpawn(new URL("./fixtures/pool/silent.mjs", import.meta.url)),
      startupTimeoutMs: 1500,
    });
    await expect(silent.prepare(sweep)).rejects.toThrow(
      /worker 1 failed to start: worker 1 did not answer within 1.5 s/,
    );
  });

  it("packs a chunk's results into typed arrays", () => {
    const api = createWorkerApi();
    expect(api.init(sweep)).toEqual({ runs: 36, ready: "bgsim-worker" });
    const r = api.run(Int32Array.from([3, 4]));
    expect(r.values).toBeInstanceOf(Float64Array);
    expect(Array.from(r.runs)).toEqual([3, 4]);
    expect(r.offsets[2]).toBe(r.values.length);
    expect(r.layouts).toHaveLength(1);
  });
});
