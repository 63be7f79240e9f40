import { fileOption, type PolicyOption } from "./compare.ts";

/** The project's policy scenarios (scenarios/policy/*.json), bundled by Vite at build time. */
const files = import.meta.glob("../../scenarios/policy/*.json", { eager: true, import: "default" });

export const POLICY_FILES: PolicyOption[] = Object.entries(files)
  .map(([path, json]) =>
    fileOption(
      path
        .split("/")
        .pop()!
        .replace(/\.json$/, ""),
      json as Record<string, unknown>,
    ),
  )
  .sort((a, b) => a.title.localeCompare(b.title));
