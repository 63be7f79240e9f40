import { dirname, resolve } from "node:path";
import { parseSweepText, type ResolvedSweep } from "../../../src/scenario/sweep.ts";
import { formatIssue, parseJsonText } from "../../../src/scenario/validate.ts";
import { UsageError } from "../cli/command.ts";
import { readText } from "./files.ts";

/** Read and validate a sweep file; a base given as a path is read relative to the sweep file. */
export function readSweep(path: string): ResolvedSweep {
  const text = readText(path);
  const json = parseJsonText(text);
  if (json.ok && !looksLikeSweep(json.json))
    throw new UsageError(
      `${path}: not a sweep file (a sweep has "base" and "design" fields; this looks like a scenario: check it with bgsim validate, run it with bgsim survey, run or power)`,
    );
  const r = parseSweepText(text, (ref) => {
    const file = resolve(dirname(path), ref);
    let text: string;
    try {
      text = readText(file);
    } catch (e) {
      return { ok: false, message: (e as Error).message };
    }
    const parsed = parseJsonText(text);
    return parsed.ok
      ? { ok: true, value: parsed.json }
      : { ok: false, message: `${file}: ${parsed.issues.map(formatIssue).join("; ")}` };
  });
  if (!r.ok)
    throw new UsageError(
      `${path}: invalid sweep:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
  return r.sweep;
}

/** Does this parsed JSON look like a sweep file (rather than a scenario)? */
export function looksLikeSweep(json: unknown): boolean {
  if (json === null || typeof json !== "object") return false;
  const o = json as Record<string, unknown>;
  return (
    "design" in o ||
    "base" in o ||
    (typeof o.$schema === "string" && o.$schema.endsWith("sweep.schema.json"))
  );
}
