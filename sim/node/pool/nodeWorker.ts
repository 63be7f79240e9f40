import { parentPort } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { exposeWorkerApi } from "../../core/pool/workerApi.ts";

// Node worker_threads entry (loaded through nodeWorker.mjs, which registers tsx).
exposeWorkerApi(nodeEndpoint(parentPort!));
