import pkg from "../../package.json" with { type: "json" };

/** The package version, recorded in every run.json and manifest. */
export const VERSION: string = pkg.version;
