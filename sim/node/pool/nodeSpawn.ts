import os from "node:os";
import { Worker } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import type { Spawn, WorkerHandle } from "../../core/pool/pool.ts";
import { workerCount } from "../../core/pool/workerCount.ts";

/** The CLI's default worker count: every core Node reports (os.availableParallelism). */
export function nodeWorkerCount(): number {
  return workerCount(os.availableParallelism(), "node");
}

/**
 * Spawn a Node worker_threads pool worker. The entry is `./nodeWorker.mjs` next to this module:
 * run from the sources (Vitest, tsx) that is the bootstrap beside this file, which registers tsx
 * and loads nodeWorker.ts; bundled into the compiled CLI (dist-cli/main.mjs, see
 * sim/node/build.mjs) it is dist-cli/nodeWorker.mjs, the compiled worker. Either way the worker
 * runs the same code as the browser worker. `entry` lets tests load a different worker file.
 */
export function nodeSpawn(entry: URL = new URL("./nodeWorker.mjs", import.meta.url)): Spawn {
  return (): WorkerHandle => {
    const w = new Worker(entry, { stderr: false });
    const cbs: ((e: Error) => void)[] = [];
    let ended = false;
    const fail = (e: Error) => {
      for (const cb of cbs) cb(e);
    };
    w.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
    w.on("exit", (code) => {
      if (!ended) fail(new Error(`worker exited with code ${code}`));
    });
    return {
      endpoint: nodeEndpoint(w),
      terminate() {
        ended = true;
        return w.terminate();
      },
      onFailure(cb) {
        cbs.push(cb);
      },
    };
  };
}
