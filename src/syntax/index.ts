export * from "./expression.ts";
export * from "./indirect.ts";
export * from "./lexer.ts";
export * from "./parse.ts";
export * from "./print.ts";
export * from "./toMeasurement.ts";
export * from "./toSpec.ts";
