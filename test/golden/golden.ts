import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { BIN, ROOT } from "../helpers/bgsim.ts";
import type { GoldenCase } from "./cases.ts";

/** What a case produced, reduced to hashes (the fixture's format). */
export interface GoldenResult {
  exitCode: number | null;
  /** sha256 of the normalised stdout. */
  stdout: string;
  /** Relative path (with "/") under {out} -> sha256 of the normalised file. */
  files: Record<string, string>;
}

export const sha256 = (data: string | Buffer): string =>
  createHash("sha256").update(data).digest("hex");

/** Run bgsim asynchronously from the project root; exit code, stdout and stderr. */
function runBgsim(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        out: Buffer.concat(out).toString("utf8"),
        err: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

type Dirs = { out: string; work: string };

/** Replace the case's temporary directories by "{out}" and "{work}". */
function untemp(text: string, dirs: Dirs): string {
  return text.split(dirs.out).join("{out}").split(dirs.work).join("{work}");
}

/** Apply a stdout normalisation that must match exactly once when `when` holds. */
function once(text: string, re: RegExp, to: string, what: string): string {
  const n = text.match(new RegExp(re.source, `${re.flags.replace("g", "")}g`))?.length ?? 0;
  if (n !== 1) throw new Error(`golden normalisation "${what}" matched ${n} times (expected 1)`);
  return text.replace(re, to);
}

/**
 * Normalise stdout before hashing. Every rule below replaces exactly the non-deterministic text
 * and nothing else:
 *  1. The case's temporary directories ({out}, {work}): printed by sweep and merge
 *     ("<out>: N runs ...") and by run ("Wrote <out>/timeseries.csv, ...").
 *  2. run: the wall-clock simulation time at the end of the header line
 *     ('Born Global Lab dynamics: "...", ... in 92 steps, 0.53 s' -> '..., <seconds> s').
 *  3. survey: the wall-clock time of the survey
 *     ("...; 200 ms including calibration" -> "...; <ms> ms including calibration").
 */
export function normaliseStdout(command: string, text: string, dirs: Dirs): string {
  let t = untemp(text, dirs);
  if (command === "run")
    t = once(
      t,
      /^(Born Global Lab dynamics: .* in \d+ steps, )\d+\.\d+ s$/m,
      "$1<seconds> s",
      "run: header seconds",
    );
  if (command === "survey")
    t = once(
      t,
      /; \d+ ms including calibration$/m,
      "; <ms> ms including calibration",
      "survey: milliseconds including calibration",
    );
  return t;
}

/**
 * Replace the value of one top-level key of a JSON file written with JSON.stringify(x, null, 2),
 * in the text itself (every other byte, including number formatting and key order, is kept).
 * Throws if the key is not a top-level key or its line is not found exactly once.
 */
function jsonField(file: string, text: string, key: string, to: (v: unknown) => unknown): string {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  if (!(key in parsed)) throw new Error(`golden normalisation: ${file} has no top-level "${key}"`);
  const re = new RegExp(`^  ${JSON.stringify(key)}: (.*?)(,?)$`, "m");
  const lines = text.split("\n").filter((l) => l.startsWith(`  ${JSON.stringify(key)}: `));
  if (lines.length !== 1)
    throw new Error(`golden normalisation: ${file}: "${key}" on ${lines.length} top-level lines`);
  return text.replace(
    re,
    (_m, _v, comma: string) =>
      `  ${JSON.stringify(key)}: ${JSON.stringify(to(parsed[key]))}${comma}`,
  );
}

/**
 * Normalise one output file before hashing. Only the fields that differ between two runs of the
 * same command line are replaced (found by running every case twice and diffing); every other
 * byte of every file is hashed as written:
 *  - run.json (run):          "seconds" (wall-clock simulation time) -> "<seconds>"
 *  - survey.json (survey):    "millisecondsIncludingCalibration" (wall-clock) -> "<ms>"
 *  - runs.jsonl (sweep, merge): each line's `,"crc":"<8 hex>"` checksum is removed (the journal
 *                             is internal; the checksum only guards it against edits)
 *  - fit.json (estimate):     "data" (the input path as given; absolute when the input is in the
 *                             case's {work} directory) -> the path with "{work}" / "{out}"
 *                             substituted (a relative path such as test/fixtures/... is kept)
 */
export function normaliseFile(command: string, rel: string, data: Buffer, dirs: Dirs): Buffer {
  const edit = (f: (text: string) => string) => Buffer.from(f(data.toString("utf8")), "utf8");
  if (command === "run" && rel === "run.json")
    return edit((t) => jsonField(rel, t, "seconds", () => "<seconds>"));
  if (command === "survey" && rel === "survey.json")
    return edit((t) => jsonField(rel, t, "millisecondsIncludingCalibration", () => "<ms>"));
  if (rel.endsWith("runs.jsonl"))
    // the journal is internal: its lines' checksums (branch reliability) are not hashed
    return edit((t) => t.replace(/,"crc":"[0-9a-f]{8}"\}$/gm, "}"));
  if (command === "estimate" && rel === "fit.json")
    return edit((t) => jsonField(rel, t, "data", (v) => untemp(String(v), dirs)));
  return data;
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else found.push(p);
    }
  };
  walk(dir);
  return found.map((p) => relative(dir, p).split(sep).join("/")).sort();
}

export interface RunOptions {
  /** Keep the temporary directories (for debugging); their path is returned. */
  keep?: boolean;
}

/**
 * Run one golden case: write its inputs, run its setup, run it with {out} a fresh temporary
 * directory, and hash the normalised stdout and every file under {out}.
 */
export async function runCase(
  c: GoldenCase,
  opts: RunOptions = {},
): Promise<GoldenResult & { stderr: string; root: string }> {
  const root = mkdtempSync(join(tmpdir(), "bgsim-golden-"));
  const dirs: Dirs = { out: join(root, "out"), work: join(root, "work") };
  mkdirSync(dirs.out);
  mkdirSync(dirs.work);
  const fill = (args: string[]) =>
    args.map((a) => a.split("{out}").join(dirs.out).split("{work}").join(dirs.work));
  try {
    for (const [name, text] of Object.entries(c.inputs ?? {}))
      writeFileSync(join(dirs.work, name), text);
    for (const step of c.setup ?? []) {
      const r = await runBgsim(fill(step));
      if (r.code !== 0)
        throw new Error(
          `${c.name}: setup step "bgsim ${step.join(" ")}" exited ${r.code}:\n${r.err}`,
        );
    }
    const r = await runBgsim(fill(c.args));
    if (opts.keep) writeFileSync(join(root, "stdout.txt"), r.out);
    const files: Record<string, string> = {};
    for (const rel of listFiles(dirs.out))
      files[rel] = sha256(normaliseFile(c.args[0], rel, readFileSync(join(dirs.out, rel)), dirs));
    return {
      exitCode: r.code,
      stdout: sha256(normaliseStdout(c.args[0], r.out, dirs)),
      files,
      stderr: r.err,
      root,
    };
  } finally {
    if (!opts.keep) rmSync(root, { recursive: true, force: true });
  }
}
