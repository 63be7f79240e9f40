// Start-up: `bgsim --version` wall time and a pool worker's time to ready (spawn -> answer to
// its init call), compiled (dist-cli/, what users run) vs through tsx (the sources, as every
// bgsim call and worker ran before the build existed). Goals (issue 10): --version < 0.3 s,
// worker ready < 0.2 s on this 2-core machine. Medians, interleaved so load affects both alike.
import { spawnSync } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import * as Comlink from "comlink";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { validateSweep } from "../../../src/scenario/sweep.ts";
import type { WorkerApi } from "../../core/pool/workerApi.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/bgsim.mjs", import.meta.url));
const BUILD = fileURLToPath(new URL("../build.mjs", import.meta.url));
const MAIN_TS = new URL("../cli/main.ts", import.meta.url).href;
const COMPILED_WORKER = new URL("../../../dist-cli/nodeWorker.mjs", import.meta.url);
const TSX_WORKER = new URL("../pool/nodeWorker.mjs", import.meta.url);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms (${[...xs]
    .sort((a, b) => a - b)
    .map((x) => x.toFixed(0))
    .join(", ")})`;

/** Wall time in ms of one `node ...args` from the project root; throws unless it prints `expect`. */
function timeNode(args: string[], expect: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stdout.trim() !== expect)
    throw new Error(`node ${args.join(" ")}: exit ${r.status}, ${r.stdout}${r.stderr}`);
  return ms;
}

/** ms from new Worker(entry) to the answer of its init call (a 1-run sweep). */
async function workerReady(entry: URL, job: unknown): Promise<number> {
  const t0 = performance.now();
  // execArgv: [] so the worker does not inherit this bench's `--import tsx`, as under bgsim.
  const w = new Worker(entry, { execArgv: [] });
  const api = Comlink.wrap<WorkerApi>(nodeEndpoint(w));
  const r = await api.init(job as Parameters<WorkerApi["init"]>[0]);
  const ms = performance.now() - t0;
  await w.terminate();
  if (r.ready !== "bgsim-worker" || r.runs !== 1)
    throw new Error(`bad answer ${JSON.stringify(r)}`);
  return ms;
}

/** ms from new Worker to the first message of a worker that only posts one. */
async function emptyWorker(): Promise<number> {
  const t0 = performance.now();
  const w = new Worker(`require("node:worker_threads").parentPort.postMessage(1)`, {
    eval: true,
    execArgv: [],
  });
  await new Promise((resolve) => w.once("message", resolve));
  const ms = performance.now() - t0;
  await w.terminate();
  return ms;
}

export async function run(): Promise<void> {
  const runs = 7;
  console.log(
    `load average before: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")} (other processes share the cores)`,
  );
  const build: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = spawnSync(process.execPath, [BUILD], { cwd: ROOT, encoding: "utf8" });
    const m = /in (\d+) ms/.exec(r.stdout);
    if (r.status !== 0 || !m) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
    build.push(Number(m[1]));
  }
  console.log(`esbuild build of the CLI and workers (sim/node/build.mjs): ${fmt(build)}`);

  const version = spawnSync(process.execPath, [BIN, "--version"], {
    encoding: "utf8",
  }).stdout.trim();
  const tsxScript = `const { main } = await import(${JSON.stringify(MAIN_TS)}); process.exitCode = await main(["--version"]);`;
  const bare: number[] = [];
  const compiled: number[] = [];
  const tsx: number[] = [];
  timeNode(["--import", "tsx", "--input-type=module", "-e", tsxScript], version); // tsx cache warm
  for (let i = 0; i < runs; i++) {
    bare.push(timeNode(["-e", "console.log(1)"], "1"));
    compiled.push(timeNode([BIN, "--version"], version));
    tsx.push(timeNode(["--import", "tsx", "--input-type=module", "-e", tsxScript], version));
  }
  console.log(`bgsim --version, compiled bin: ${fmt(compiled)} (goal < 300 ms)`);
  console.log(`bgsim --version, through tsx (before): ${fmt(tsx)}`);
  console.log(`node -e (Node itself, for scale): ${fmt(bare)}`);
  console.log(
    `bgsim's own part of --version (compiled minus node -e, medians): ${(median(compiled) - median(bare)).toFixed(0)} ms compiled, ${(median(tsx) - median(bare)).toFixed(0)} ms through tsx`,
  );

  const v = validateSweep({
    name: "startup",
    base: { seed: 1, population: { firms: 203 } },
    replications: 1,
    design: { type: "grid", factors: [{ path: "model.paths.IEO->LFDC", levels: [0.1] }] },
  });
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  const empty: number[] = [];
  const wc: number[] = [];
  const wt: number[] = [];
  await workerReady(TSX_WORKER, v.sweep); // tsx cache warm
  for (let i = 0; i < runs; i++) {
    empty.push(await emptyWorker());
    wc.push(await workerReady(COMPILED_WORKER, v.sweep));
    wt.push(await workerReady(TSX_WORKER, v.sweep));
  }
  console.log(`pool worker ready (spawn -> init answered), compiled: ${fmt(wc)} (goal < 200 ms)`);
  console.log(`pool worker ready, through tsx (before): ${fmt(wt)}`);
  console.log(`empty worker thread's first message (Node itself, for scale): ${fmt(empty)}`);
}
