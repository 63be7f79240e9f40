import * as Comlink from "comlink";
import type { Scenario } from "../../src/scenario/schema.ts";
import { simulateForView } from "../dynamics/summarise.ts";

/**
 * Web Worker entry: runs the agent-based dynamics (src/dynamics simulate) off the main thread
 * and returns the parts the views draw, with typed arrays transferred, not copied.
 */
const api = {
  run(
    scenario: Scenario,
    replication: number,
    events: boolean,
    onProgress?: (done: number, all: number) => void,
  ) {
    const r = simulateForView(scenario, replication, events, onProgress);
    return Comlink.transfer(r, r.transfer);
  },
};
export type DynamicsWorkerApi = typeof api;
Comlink.expose(api);
