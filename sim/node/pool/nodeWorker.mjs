// Bootstrap of a Node pool worker run from the sources (Vitest, tsx): register tsx so the
// TypeScript worker entry can load. The compiled CLI uses dist-cli/nodeWorker.mjs instead.
import { register } from "tsx/esm/api";

register();
await import("./nodeWorker.ts");
