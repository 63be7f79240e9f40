export { runReplication } from "./pipeline/replication.ts";
export type { PathResult, ReplicationResult } from "./replicationResult.ts";
export { modelFor } from "./scenario/modelCache.ts";
