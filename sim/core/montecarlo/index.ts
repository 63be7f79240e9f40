export * from "./power.ts";
export * from "./rows.ts";
export * from "./run.ts";
export * from "./summary.ts";
