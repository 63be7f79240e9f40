export * from "./draw.ts";
