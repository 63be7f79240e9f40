import * as Comlink from "comlink";
import { browserCores, workerCount } from "../../sim/core/pool/workerCount.ts";
import type { Scenario } from "../../src/scenario/schema.ts";
import type { DynamicsWorkerApi } from "../workers/dynamics.worker.ts";
import type { ViewHistory } from "./summarise.ts";

/**
 * Runs of the dynamics for the views, in Web Workers (one per concurrent run, at most `size`).
 * Results are cached by (scenario, replication, events) so the map, cohort and what-if views
 * share runs.
 */
interface Slot {
  worker: Worker;
  api: Comlink.Remote<DynamicsWorkerApi>;
  busy: boolean;
}

const slots: Slot[] = [];
const waiting: ((s: Slot) => void)[] = [];
const cache = new Map<string, Promise<ViewHistory>>();
const MAX_CACHE = 64;

function maxWorkers(): number {
  return workerCount(browserCores(), "page");
}

function spawn(): Slot {
  const worker = new Worker(new URL("../workers/dynamics.worker.ts", import.meta.url), {
    type: "module",
  });
  return { worker, api: Comlink.wrap<DynamicsWorkerApi>(worker), busy: false };
}

async function acquire(): Promise<Slot> {
  const free = slots.find((s) => !s.busy);
  if (free) {
    free.busy = true;
    return free;
  }
  if (slots.length < maxWorkers()) {
    const s = spawn();
    s.busy = true;
    slots.push(s);
    return s;
  }
  return new Promise((resolve) => waiting.push(resolve));
}

function release(s: Slot): void {
  const next = waiting.shift();
  if (next) next(s);
  else s.busy = false;
}

export function runDynamics(
  scenario: Scenario,
  replication: number,
  events: boolean,
  onProgress?: (done: number, all: number) => void,
): Promise<ViewHistory> {
  const key = `${JSON.stringify(scenario)}|${replication}|${events}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = (async () => {
    const slot = await acquire();
    try {
      return await slot.api.run(
        scenario,
        replication,
        events,
        onProgress ? Comlink.proxy(onProgress) : undefined,
      );
    } finally {
      release(slot);
    }
  })();
  p.catch(() => cache.delete(key));
  if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value as string);
  cache.set(key, p);
  return p;
}
