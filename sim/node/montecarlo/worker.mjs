// Bootstrap of a Monte Carlo worker thread: register tsx so the TypeScript entry can load.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
