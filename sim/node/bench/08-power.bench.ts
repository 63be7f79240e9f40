// The marginal cost of a replication in `bgsim power` (issue 15: within 15% of the
// replication's own cost). In one bench run:
//  - the replication alone: runReplication of the paper's design (scenarios/power-baseline.json,
//    item level) in a loop, median ms per replication over blocks;
//  - bgsim power --workers 1 at two sizes (R1 < R2 replications), wall time of the whole
//    process; marginal = (t(R2) - t(R1)) / (R2 - R1), so start-up, calibration and the worker
//    pool's set-up cancel out and what remains per replication is the replication plus the
//    journal line (JSON + CRC-32) and the rows of replications.csv and outcomes.csv, written as
//    the runs finish (with one worker the files are not read back from the journal at the end).
// The target is the wall-clock figure (what a user waits for); the CPU figure (user + system of
// the process) is printed with it because it moves less with the load of a shared machine.
// And, in this process, the parts: the power files written from 1,000 records and their journal
// lines by PowerFinal, the journal line encoded and decoded (CPU ms per replication).
// And the engine path of `bgsim power --workers 1` in this process, in blocks of 100 runs
// alternating with blocks of runReplication alone (a change of load touches both alike): the
// worker API's chunk (replications, flattened), each result appended to a SweepDirectory (journal
// line, written per chunk) with the power files written live, as the CLI runs them without its
// message channel, progress bar and process start; CPU ms per replication and the median of the
// block pairs' ratios.
// Each figure is the median of BENCH_POWER_TIMES (default 3) measurements; the machine is
// shared, so the load average is printed with them. BENCH_POWER_REPS=R1,R2 (default 200,2000).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runReplication } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { parseScenarioText } from "../../../src/scenario/validate.ts";
import { buildPlan } from "../../core/designs/plan.ts";
import { powerSweep } from "../../core/montecarlo/power.ts";
import { doneOf, PowerFinal } from "../../core/output/finalise.ts";
import { flattenResult } from "../../core/output/flatten.ts";
import { JournalEncoder, JournalLineDecoder } from "../../core/output/journal.ts";
import { createWorkerApi } from "../../core/pool/workerApi.ts";
import { SweepDirectory } from "../files/directory.ts";

const BIN =
  process.env.BENCH_POWER_BIN ?? fileURLToPath(new URL("../bin/bgsim.mjs", import.meta.url));
const SCENARIO = fileURLToPath(new URL("../../../scenarios/power-baseline.json", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Wall and CPU (user + system) seconds of one bgsim power process. */
function powerSeconds(reps: number, work: string): { wall: number; cpu: number } {
  const out = join(work, `p${reps}-${Math.random().toString(36).slice(2)}`);
  const t0 = performance.now();
  const r = spawnSync(
    "/usr/bin/time",
    [
      "-f",
      "CPU %U %S",
      process.execPath,
      BIN,
      "power",
      SCENARIO,
      "--reps",
      String(reps),
      "--workers",
      "1",
      "--out",
      out,
      "--quiet",
    ],
    { encoding: "utf8" },
  );
  const wall = (performance.now() - t0) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`bgsim power failed: ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

/**
 * The parts of power's overhead in this process (CPU ms per replication, median of 7 after a
 * warm-up): the power files written by PowerFinal from the records of 1,000 replications and
 * their journal lines
 * (distinct values: V8 caches the text of numbers it formatted lately) into sinks that only count, less the point's set-up (the time with one record),
 * and the journal line's encoding and decoding.
 */
function parts(scenario: Scenario): {
  files: number;
  kb: number;
  encode: number;
  decode: number;
} {
  const N = 1000;
  const v = powerSweep(scenario, [], N);
  if (!v.ok) throw new Error("power sweep invalid");
  const plan = buildPlan(v.sweep);
  const sample = Array.from({ length: N }, (_, r) =>
    flattenResult(runReplication(scenario, r), { stdSe: true }),
  );
  const keys = sample[0].keys;
  const records = Array.from({ length: N }, (_, run) => ({
    run,
    keys,
    values: Float64Array.from(sample[run % sample.length].values),
  }));
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const time = (f: () => void) => {
    f();
    const ts: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t = cpu();
      f();
      ts.push((cpu() - t) / N);
    }
    return median(ts);
  };
  let bytes = 0;
  // as in bgsim power with one worker: PowerFinal given each record's journal line (whose
  // numbers' text the rows reuse), runs.jsonl taking the lines as they are
  const journal = new JournalEncoder();
  const lines = records.map((r) => journal.encode(r));
  const done = doneOf(records);
  const writeFiles = (count: number) => {
    bytes = 0;
    const w = new PowerFinal(plan, null, (name) => ({
      write: (t) => {
        if (name !== "runs.jsonl") bytes += t.length;
      },
    }));
    for (let i = 0; i < count; i++) w.add(records[i], lines[i]);
    w.end(done);
    w.close();
  };
  // per replication: the writer's set-up for the design point (its composite values, about
  // 0.1 s, once per point) is taken off with the time of a writer given one record
  const one = time(() => writeFiles(1));
  const files = time(() => writeFiles(N)) - one;
  const enc = new JournalEncoder();
  const encode = time(() => {
    for (const r of records) enc.encode(r);
  });
  const text = lines.join("");
  const all = text.slice(0, -1).split("\n");
  const decode = time(() => {
    const d = new JournalLineDecoder();
    for (let i = 0; i < all.length; i++) d.decode(all[i], i + 1, false);
  });
  return { files, kb: bytes / N / 1024, encode, decode };
}

/** The engine path against runReplication alone, alternating blocks (see the header). */
function engine(scenario: Scenario, work: string): { bare: number; path: number; ratio: number } {
  const B = 100;
  const K = 15;
  const v = powerSweep(scenario, [], B * (K + 1));
  if (!v.ok) throw new Error("power sweep invalid");
  const plan = buildPlan(v.sweep);
  const sc = plan.scenarioAt(0);
  if (!sc.ok) throw new Error(sc.message);
  const api = createWorkerApi();
  api.init(v.sweep);
  const dir = SweepDirectory.open(join(work, "engine"), plan, { resume: false, shard: null });
  dir.startLive();
  const cpu = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  let next = 0;
  let rep = 1_000_000;
  const path = () => {
    for (let done = 0; done < B; done += 50) {
      const res = api.run(Int32Array.from({ length: 50 }, (_, i) => next + i));
      next += 50;
      for (let i = 0; i < res.runs.length; i++)
        dir.append({
          ok: true,
          spec: plan.runSpec(res.runs[i]),
          keys: res.layouts[res.layoutOf[i]],
          values: res.values.subarray(res.offsets[i], res.offsets[i + 1]),
        });
      dir.flush();
    }
  };
  const bare = () => {
    for (let i = 0; i < B; i++) runReplication(sc.scenario, rep++);
  };
  try {
    path(); // warm-up, and the design point's set-up
    bare();
    const a: number[] = [];
    const b: number[] = [];
    for (let k = 0; k < K; k++) {
      let t = cpu();
      bare();
      a.push((cpu() - t) / B);
      t = cpu();
      path();
      b.push((cpu() - t) / B);
    }
    return { bare: median(a), path: median(b), ratio: median(a.map((x, i) => b[i] / x)) };
  } finally {
    dir.close();
  }
}

export function run(): void {
  const times = Number(process.env.BENCH_POWER_TIMES ?? 3);
  const [r1, r2] = (process.env.BENCH_POWER_REPS ?? "200,2000").split(",").map(Number);
  const parsed = parseScenarioText(readFileSync(SCENARIO, "utf8"));
  if (!parsed.ok) throw new Error("power-baseline.json is invalid");
  const scenario = parsed.scenario;
  const work = mkdtempSync(join(os.tmpdir(), "bgsim-power-bench-"));
  try {
    spawnSync(process.execPath, [BIN, "--version"]); // build the CLI if stale (not timed)
    for (let r = 0; r < 100; r++) runReplication(scenario, 10_000 + r); // warm-up
    const bare: number[] = [];
    const bareCpu: number[] = [];
    const marginal: number[] = [];
    const marginalCpu: number[] = [];
    let rep = 0;
    for (let k = 0; k < times; k++) {
      // interleaved, so a change of load touches both figures alike
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < 300; i++) runReplication(scenario, rep++);
      const c = process.cpuUsage(c0);
      bare.push((performance.now() - t0) / 300);
      bareCpu.push((c.user + c.system) / 1000 / 300);
      const a = powerSeconds(r1, work);
      const b = powerSeconds(r2, work);
      marginal.push(((b.wall - a.wall) * 1000) / (r2 - r1));
      marginalCpu.push(((b.cpu - a.cpu) * 1000) / (r2 - r1));
    }
    const p = parts(scenario);
    const e = engine(scenario, work);
    const m = median(marginal);
    const b = median(bare);
    const mc = median(marginalCpu);
    const bc = median(bareCpu);
    console.log(
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}; paper's design (power-baseline.json, item level), one worker`,
    );
    console.log(
      `replication alone (runReplication): ${b.toFixed(3)} ms (runs ${bare.map((x) => x.toFixed(3)).join(", ")})`,
    );
    console.log(
      `bgsim power marginal per replication (${r1} vs ${r2} reps): ${m.toFixed(3)} ms (runs ${marginal.map((x) => x.toFixed(3)).join(", ")})`,
    );
    console.log(
      `overhead of power over the replication: ${((100 * (m - b)) / b).toFixed(1)}% of wall time (target <= 15%)`,
    );
    console.log(
      `CPU time (user + system, less sensitive to other jobs): replication ${bc.toFixed(3)} ms, power marginal ${mc.toFixed(3)} ms: overhead ${((100 * (mc - bc)) / bc).toFixed(1)}% (runs ${marginalCpu.map((x) => x.toFixed(3)).join(", ")})`,
    );
    console.log(
      `in this process, alternating blocks of 100 runs: runReplication alone ${e.bare.toFixed(3)} ms, the engine path of power --workers 1 (worker API chunk, journal, live power files) ${e.path.toFixed(3)} ms CPU: overhead ${(100 * (e.ratio - 1)).toFixed(1)}% (median of block pairs)`,
    );
    console.log(
      `in this process, CPU per replication: the power files (PowerFinal given the journal lines, ${p.kb.toFixed(1)} KB of text besides runs.jsonl) ${p.files.toFixed(3)} ms, journal line encoded ${p.encode.toFixed(3)} ms, decoded (checksum verified) ${p.decode.toFixed(3)} ms`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
