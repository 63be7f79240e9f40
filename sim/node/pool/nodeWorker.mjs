// Bootstrap of a Node pool worker: register tsx so the TypeScript worker entry can load.
import { register } from "tsx/esm/api";

register();
await import("./nodeWorker.ts");
