export * from "./coefficients.ts";
export * from "./fit.ts";
export * from "./ml.ts";
export * from "./modification.ts";
export * from "./parameters.ts";
export * from "./report.ts";
export * from "./robust.ts";
export * from "./verdicts.ts";
