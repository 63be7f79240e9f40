import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { formatIssue, parseScenarioText } from "../../../src/scenario/validate.ts";
import { UsageError } from "../cli/command.ts";

/** Read a text file, or fail with a one-line message naming it. */
export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${path}: no such file`
        : code === "EISDIR"
          ? `${path}: is a directory, expected a file`
          : `${path}: cannot read (${code ?? (e as Error).message})`,
    );
  }
}

/** Read and validate a scenario file; every problem is listed with its JSON path. */
export function readScenario(path: string): Scenario {
  const r = parseScenarioText(readText(path));
  if (!r.ok)
    throw new UsageError(
      `${path}: invalid scenario:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
  return r.scenario;
}

/** Write a file atomically (temporary file, then rename), so a reader never sees half of it. */
export function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(
      `${dir}: cannot create output directory (${(e as NodeJS.ErrnoException).code})`,
    );
  }
}

export function outPath(dir: string, file: string): string {
  return join(dir, file);
}
