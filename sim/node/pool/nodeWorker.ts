import { parentPort } from "node:worker_threads";
import nodeEndpoint from "comlink/dist/esm/node-adapter.mjs";
import { exposeWorkerApi } from "../../core/pool/workerApi.ts";

// Node worker_threads entry: compiled to dist-cli/nodeWorker.mjs for bgsim; from the sources it is
// loaded through nodeWorker.mjs, which registers tsx (see nodeSpawn.ts).
exposeWorkerApi(nodeEndpoint(parentPort!));
