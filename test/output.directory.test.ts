import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import type { Shard } from "../sim/core/output/finalise.ts";
import type { RunOutcome } from "../sim/core/pool/pool.ts";
import { createWorkerApi } from "../sim/core/pool/workerApi.ts";
import { SweepDirectory } from "../sim/node/files/directory.ts";
import { mergeShards } from "../sim/node/files/merge.ts";
import { validateSweep } from "../src/scenario/sweep.ts";

const tmp = mkdtempSync(join(tmpdir(), "bgsim-out-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sweepWith(seed: number) {
  const v = validateSweep({
    base: { seed, population: { firms: 60 } },
    replications: 3,
    design: {
      type: "morris",
      trajectories: 2,
      factors: [
        { path: "population.firms", min: 40, max: 100 },
        { path: "model.paths.QF->PERF", min: 0.1, max: 0.4 },
      ],
    },
  });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.sweep;
}
const sweep = sweepWith(4);
const plan = buildPlan(sweep); // 2 x 3 points x 3 replications = 18 runs

/** Outcomes of the given runs, computed in this thread (what a worker would send). */
function outcomes(runs: number[]): RunOutcome[] {
  const api = createWorkerApi();
  api.init(sweep, { throwOn: [5] });
  const r = api.run(Int32Array.from(runs));
  const out: RunOutcome[] = Array.from(r.runs, (run, i) => ({
    ok: true as const,
    spec: plan.runSpec(run),
    keys: r.layouts[r.layoutOf[i]],
    values: r.values.slice(r.offsets[i], r.offsets[i + 1]),
  }));
  for (const f of r.failures)
    out.push({ ok: false, spec: plan.runSpec(f.run), message: f.message });
  return out;
}
const files = (dir: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );

function complete(dir: string, shard: Shard | null = null, resume = false) {
  const d = SweepDirectory.open(dir, plan, { resume, shard });
  for (const o of outcomes(d.pending())) d.append(o);
  d.finalise();
  return files(dir);
}

describe("sweep output directory", () => {
  const reference = complete(join(tmp, "ref"));
  it("writes the final files, with morris.csv for a Morris design", () => {
    expect(Object.keys(reference)).toEqual([
      "failures.csv",
      "manifest.json",
      "morris.csv",
      "results.csv",
      "runs.jsonl",
      "summary.csv",
      "sweep.json",
    ]);
    expect(JSON.parse(reference["manifest.json"])).toMatchObject({
      runs: 18,
      doneCount: 18,
      failedCount: 1,
      design: "morris",
    });
    expect(reference["morris.csv"].split("\n")[0]).toBe("factor,quantity,effects,mu,mu_star,sigma");
  });

  it("resumes from a journal cut mid-line and a stale temporary file", () => {
    const dir = join(tmp, "cut");
    const d = SweepDirectory.open(dir, plan, { resume: false, shard: null });
    const all = outcomes(d.pending());
    for (const o of all.slice(0, 7)) d.append(o);
    d.checkpoint(true);
    d.close();
    appendFileSync(join(dir, "runs.jsonl"), '{"run":9,"layout":0,"values":[60,0.1');
    writeFileSync(join(dir, "manifest.json.tmp-12345"), "half");
    const r = SweepDirectory.open(dir, plan, { resume: true, shard: null });
    expect(r.doneCount).toBe(7);
    expect(r.pending()).toHaveLength(11);
    for (const o of outcomes(r.pending())) r.append(o);
    r.finalise();
    expect(files(dir)).toEqual(reference);
  });

  it("refuses another sweep's directory, or another shard's", () => {
    const dir = join(tmp, "ref");
    expect(() => SweepDirectory.open(dir, plan, { resume: false, shard: null })).toThrow(
      /already holds sweep output/,
    );
    expect(() =>
      SweepDirectory.open(dir, buildPlan(sweepWith(5)), { resume: true, shard: null }),
    ).toThrow(/different sweep/);
    expect(() =>
      SweepDirectory.open(dir, plan, { resume: true, shard: { index: 1, count: 2 } }),
    ).toThrow(/holds a whole sweep, not shard 1\/2/);
  });

  it("merges complete shards into the single-run files and rejects incomplete or foreign ones", () => {
    const dirs = [1, 2, 3].map((k) => join(tmp, `s${k}`));
    dirs.forEach((d, i) => complete(d, { index: i + 1, count: 3 }));
    mergeShards(dirs, join(tmp, "merged"));
    expect(files(join(tmp, "merged"))).toEqual(reference);
    expect(() => mergeShards(dirs, join(tmp, "merged"))).toThrow(/must be empty or new/);
    expect(() => mergeShards([dirs[0], dirs[0], dirs[1]], join(tmp, "m2"))).toThrow(
      /shard 1\/3 is also in/,
    );
    const half = join(tmp, "half");
    const d = SweepDirectory.open(half, plan, { resume: false, shard: { index: 3, count: 3 } });
    d.append(outcomes(d.pending().slice(0, 1))[0]);
    d.checkpoint(true);
    d.close();
    expect(() => mergeShards([dirs[0], dirs[1], half], join(tmp, "m3"))).toThrow(
      /shard 3\/3 is not complete \(1 of 6 runs\)/,
    );
    expect(() => mergeShards([join(tmp, "ref")], join(tmp, "m4"))).toThrow(
      /holds a whole sweep, not a shard/,
    );
  });
});
