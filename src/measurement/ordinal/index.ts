export * from "./asymptoticCovariance.ts";
export * from "./bivariateNormal.ts";
export * from "./categories.ts";
export * from "./measurement.ts";
export * from "./polychoric.ts";
export * from "./sampleStatistics.ts";
export * from "./wlsmv.ts";
