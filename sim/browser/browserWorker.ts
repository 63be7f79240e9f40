import type { Endpoint } from "comlink";
import { exposeWorkerApi } from "../core/pool/workerApi.ts";

// Browser Web Worker entry (module worker, bundled by Vite).
exposeWorkerApi(self as unknown as Endpoint);
