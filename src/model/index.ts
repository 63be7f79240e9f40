export * from "./builtins.ts";
export * from "./graph.ts";
export * from "./implied.ts";
export * from "./spec.ts";
