export * from "./deviates.ts";
export * from "./stream.ts";
export * from "./wishart.ts";
