// Peak memory of `bgsim sweep` and `bgsim power` at 10^4, 10^5 and 10^6 runs (issue 15: flat
// in the number of runs, the 10^6 figure within about 1.5x of the 10^4 one).
//
// Two measurements, each the peak RSS (/usr/bin/time %M) of a separate bgsim process:
//  - "journal -> final files": a directory whose journal already holds every run (synthetic
//    records: copies of real replications of the Wishart-shortcut survey under each run's
//    index), finished by `--resume`, so the plan, the journal scan, the pending list and the
//    streamed final files are measured at every size without running 10^6 replications;
//  - "real runs": `bgsim power --workers 1` running every replication (10^4 by default, and
//    BENCH_MEMORY_REAL=10000,100000 for more; 10^5 takes a minute or more on a loaded machine).
//  - "running sweeps": `bgsim sweep --workers 1` of 10^5, 10^6 and 10^7 runs, each stopped by
//    SIGINT after BENCH_MEMORY_SECONDS (default 15) s of running; the peak RSS so far (VmHWM
//    in /proc) shows what a run holds per run of the sweep before any result is kept (plan,
//    done-run bits, the pool's run list, now fed lazily). BENCH_MEMORY_RUNNING=100000,... sets
//    the sizes.
// BENCH_MEMORY_SIZES=10000,100000 limits the sizes; BENCH_MEMORY_BIN=/other/checkout/sim/node/
// bin/bgsim.mjs measures another build (the figures before this change, say).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runReplication } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { validateSweep } from "../../../src/scenario/sweep.ts";
import { parseScenarioText } from "../../../src/scenario/validate.ts";
import { buildPlan } from "../../core/designs/plan.ts";
import { powerSweep } from "../../core/montecarlo/power.ts";
import { flattenResult } from "../../core/output/flatten.ts";
import { SweepDirectory } from "../files/directory.ts";

const BIN =
  process.env.BENCH_MEMORY_BIN ?? fileURLToPath(new URL("../bin/bgsim.mjs", import.meta.url));

/** The paper's design at the composite level without selection: the Wishart shortcut. */
const WISHART = {
  name: "wishart",
  seed: 2004,
  replications: 100,
  model: { base: "published" },
  survey: {
    enabled: true,
    level: "composites",
    responses: "likert",
    calibration: "latent",
    loadings: "reported",
    frame: { minFoundingYear: 1980, minExportShare: 0 },
    mailed: 900,
    responseRate: 0.23,
    n: 203,
  },
};

function sizes(name: string, fallback: number[]): number[] {
  const v = process.env[name];
  return v ? v.split(",").map(Number) : fallback;
}

/** Peak RSS in MB and wall seconds of one bgsim command. */
function peak(args: string[]): { mb: number; sec: number; ok: boolean; err: string } {
  const r = spawnSync("/usr/bin/time", ["-f", "PEAK %M %e", process.execPath, BIN, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const m = /PEAK (\d+) ([\d.]+)/.exec(r.stderr);
  const err = r.stderr
    .split("\n")
    .filter((l) => l && !l.startsWith("PEAK") && !/^(\s|Command|wrote)/.test(l))
    .slice(-1)[0];
  return {
    mb: m ? Number(m[1]) / 1024 : Number.NaN,
    sec: m ? Number(m[2]) : Number.NaN,
    ok: r.status === 0,
    err: (err ?? `exit ${r.status}`).slice(0, 120),
  };
}

/**
 * Peak RSS in MB (VmHWM) of a bgsim command stopped by SIGINT after `seconds`, and how many
 * runs its journal holds by then.
 */
async function peakRunning(
  args: string[],
  seconds: number,
  journal: string,
): Promise<{ mb: number; lines: number; code: number | null }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: "ignore" });
  const exited = new Promise<number | null>((res) => child.on("exit", (c) => res(c)));
  let mb = Number.NaN;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000 && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, 250));
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (m) mb = Number(m[1]) / 1024;
    } catch {}
  }
  child.kill("SIGINT");
  const code = await exited;
  let lines = 0;
  try {
    lines = readFileSync(journal, "utf8").split("\n").length - 1;
  } catch {}
  return { mb, lines, code };
}

/** Fill `dir` with a running sweep whose journal holds every run (records of `sample`). */
function synthetic(
  dir: string,
  sweep: Parameters<typeof buildPlan>[0],
  sample: { keys: string[]; values: number[] }[],
): void {
  const plan = buildPlan(sweep);
  const d = SweepDirectory.open(dir, plan, { resume: false, shard: null });
  for (let run = 0; run < plan.runs; run++) {
    const s = sample[run % sample.length];
    d.append({
      ok: true,
      spec: plan.runSpec(run),
      keys: s.keys,
      values: Float64Array.from(s.values),
    });
    if (run % 5000 === 4999) d.flush();
  }
  d.checkpoint(true);
  d.close();
}

export async function run(): Promise<void> {
  if (spawnSync("/usr/bin/time", ["true"]).status !== 0) {
    console.log("skipped: /usr/bin/time is needed to measure a process's peak RSS");
    return;
  }
  const work = mkdtempSync(join(os.tmpdir(), "bgsim-mem-"));
  try {
    const parsed = parseScenarioText(JSON.stringify(WISHART));
    if (!parsed.ok) throw new Error("bench scenario invalid");
    const scenario: Scenario = parsed.scenario;
    const scenFile = join(work, "wishart.json");
    writeFileSync(scenFile, JSON.stringify(WISHART));
    const powerSample = Array.from({ length: 50 }, (_, r) =>
      flattenResult(runReplication(scenario, r), { stdSe: true }),
    );
    const sweepSample = powerSample.map((s) => {
      const keep = s.keys.map((k) => !k.endsWith(".std_se"));
      return { keys: s.keys.filter((_, i) => keep[i]), values: s.values.filter((_, i) => keep[i]) };
    });
    console.log(
      `load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}; bgsim ${BIN}`,
    );
    console.log("journal -> final files (bgsim ... --resume of a journal holding every run):");
    for (const n of sizes("BENCH_MEMORY_SIZES", [10_000, 100_000, 1_000_000])) {
      // power: one point, n replications
      const pv = powerSweep(scenario, [], n);
      if (!pv.ok) throw new Error("power sweep invalid");
      const pdir = join(work, `power-${n}`);
      synthetic(pdir, pv.sweep, powerSample);
      const p = peak([
        "power",
        scenFile,
        "--reps",
        String(n),
        "--out",
        pdir,
        "--resume",
        "--workers",
        "1",
        "--quiet",
      ]);
      rmSync(pdir, { recursive: true, force: true });
      // sweep: a grid of 10 points x n / 10 replications
      const sweepFile = join(work, `sweep-${n}.json`);
      const input = {
        name: `mem-${n}`,
        base: WISHART,
        replications: n / 10,
        design: {
          type: "grid",
          factors: [
            {
              path: "estimation.alpha",
              levels: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1],
            },
          ],
        },
      };
      writeFileSync(sweepFile, JSON.stringify(input));
      const sv = validateSweep(input);
      if (!sv.ok) throw new Error("sweep invalid");
      const sdir = join(work, `sweep-${n}`);
      synthetic(sdir, sv.sweep, sweepSample);
      const s = peak(["sweep", sweepFile, "--out", sdir, "--resume", "--workers", "1", "--quiet"]);
      rmSync(sdir, { recursive: true, force: true });
      const show = (x: typeof p) =>
        x.ok
          ? `${x.mb.toFixed(0)} MB (${x.sec.toFixed(1)} s)`
          : `FAILED after ${x.sec} s, peak ${x.mb.toFixed(0)} MB: ${x.err}`;
      console.log(
        `  ${String(n).padStart(9)} runs: sweep peak RSS ${show(s)}; power peak RSS ${show(p)}`,
      );
    }
    console.log(
      "real runs (bgsim power --workers 1, Wishart shortcut, journal written as it goes):",
    );
    for (const n of sizes("BENCH_MEMORY_REAL", [10_000])) {
      const dir = join(work, `real-${n}`);
      const p = peak([
        "power",
        scenFile,
        "--reps",
        String(n),
        "--out",
        dir,
        "--workers",
        "1",
        "--quiet",
      ]);
      rmSync(dir, { recursive: true, force: true });
      console.log(
        `  ${String(n).padStart(9)} replications: peak RSS ${p.mb.toFixed(0)} MB in ${p.sec.toFixed(1)} s${p.ok ? "" : ` FAILED: ${p.err}`}`,
      );
    }
    console.log(
      `running sweeps (bgsim sweep --workers 1, Wishart shortcut, stopped after ${Number(process.env.BENCH_MEMORY_SECONDS ?? 15)} s):`,
    );
    for (const n of sizes("BENCH_MEMORY_RUNNING", [100_000, 1_000_000, 10_000_000])) {
      const input = {
        name: `running-${n}`,
        base: WISHART,
        replications: n / 10,
        design: {
          type: "grid",
          factors: [
            {
              path: "estimation.alpha",
              levels: [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1],
            },
          ],
        },
      };
      const file = join(work, `running-${n}.json`);
      writeFileSync(file, JSON.stringify(input));
      const dir = join(work, `running-${n}`);
      const r = await peakRunning(
        ["sweep", file, "--out", dir, "--workers", "1", "--quiet"],
        Number(process.env.BENCH_MEMORY_SECONDS ?? 15),
        join(dir, "runs.jsonl"),
      );
      rmSync(dir, { recursive: true, force: true });
      console.log(
        `  ${String(n).padStart(9)} runs: peak RSS ${r.mb.toFixed(0)} MB with ${r.lines} journal lines written (exit ${r.code})`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
