import type { Endpoint } from "comlink";
import type { Spawn, WorkerHandle } from "../core/pool/pool.ts";

/** Spawn a browser module Web Worker running browserWorker.ts (Vite bundles it). */
export function browserSpawn(): Spawn {
  return (): WorkerHandle => {
    const w = new Worker(new URL("./browserWorker.ts", import.meta.url), { type: "module" });
    const cbs: ((e: Error) => void)[] = [];
    const fail = (e: Error) => {
      for (const cb of cbs) cb(e);
    };
    w.addEventListener("error", (ev) => {
      ev.preventDefault();
      fail(new Error(ev.message || "worker failed to load or threw at top level"));
    });
    w.addEventListener("messageerror", () => fail(new Error("worker message could not be read")));
    return {
      endpoint: w as unknown as Endpoint,
      terminate() {
        w.terminate();
      },
      onFailure(cb) {
        cbs.push(cb);
      },
    };
  };
}
