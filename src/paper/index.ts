export * from "./citation.ts";
export * from "./constructs.ts";
export * from "./items.ts";
export * from "./sample.ts";
export * from "./table1.ts";
export * from "./table2.ts";
