export * from "./estimate.ts";
export * from "./fitMeasures.ts";
export * from "./implied.ts";
export * from "./model.ts";
export * from "./modification.ts";
export * from "./paper.ts";
export * from "./reliability.ts";
export * from "./standardized.ts";
