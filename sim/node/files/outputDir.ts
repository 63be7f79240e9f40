import {
  closeSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { UsageError } from "../cli/command.ts";
import { ensureDir } from "./files.ts";

/**
 * Output directories of the commands that take --out DIR. A command writes into DIR only when
 * DIR is new, empty, or holds this command's own earlier output: every entry is one of the
 * command's file names (or a temporary file `<name>.tmp-<pid>` one of its writes left behind),
 * and its marker file (a JSON file it always writes) says it was written by this command.
 * Anything else, a user's results.csv for instance, makes the command refuse and touch nothing.
 */
export interface OutputKind {
  command: string;
  /** Every file the command may write into DIR. */
  files: readonly string[];
  /** The file that proves DIR is this command's output, and how to recognise its JSON. */
  marker: string;
  owns(json: Record<string, unknown>): boolean;
}

const isObj = (j: unknown): j is Record<string, unknown> =>
  j !== null && typeof j === "object" && !Array.isArray(j);

export const OUTPUT_KINDS = {
  generate: {
    command: "generate",
    files: ["firms.csv", "run.json"],
    marker: "run.json",
    owns: (j) => j.command === "generate",
  },
  estimate: {
    command: "estimate",
    files: ["estimates.csv", "fit.json"],
    marker: "fit.json",
    owns: (j) => typeof j.estimator === "string" && "fit" in j,
  },
  run: {
    command: "run",
    files: ["timeseries.csv", "firms.csv", "run.json", "events.csv"],
    marker: "run.json",
    owns: (j) => j.command === undefined && "calibration" in j && "replication" in j,
  },
  survey: {
    command: "survey",
    files: [
      "items.csv",
      "composites.csv",
      "reliability.csv",
      "estimates.csv",
      "checks.csv",
      "cfa.csv",
      "cfa.json",
      "survey.json",
    ],
    marker: "survey.json",
    owns: (j) => j.command === "survey",
  },
} satisfies Record<string, OutputKind>;

export type OutputCommand = keyof typeof OUTPUT_KINDS;

/** Is `name` a temporary file left by an atomic write of one of `files`? */
export function isOwnTemp(name: string, files: readonly string[]): boolean {
  const m = /^(.*)\.tmp-\d+$/.exec(name);
  return m !== null && files.includes(m[1]);
}

function listing(names: string[]): string {
  return names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", ");
}

/**
 * Make sure DIR can take the output of `kind` (see OutputKind): create it if missing; refuse
 * with a message naming DIR and what is in it otherwise. Never deletes or changes anything in
 * DIR. The check of every single-run command with --out; sweep, power (a sweep since the
 * engine rebuild) and merge check their directories in SweepDirectory.open and mergeShards,
 * with the same rule. A new command passes its own OutputKind.
 */
export function prepareOutputDir(dir: string, kind: OutputCommand | OutputKind): void {
  const k: OutputKind = typeof kind === "string" ? OUTPUT_KINDS[kind] : kind;
  let isDir = false;
  try {
    isDir = lstatSync(dir).isDirectory();
  } catch {
    ensureDir(dir);
    return;
  }
  if (!isDir) throw new UsageError(`--out ${dir}: exists and is not a directory`);
  const names = readdirSync(dir);
  if (!names.length) return;
  const foreign = names.filter((n) => !k.files.includes(n) && !isOwnTemp(n, k.files));
  const refuse = (why: string) =>
    new UsageError(
      `--out ${dir}: ${why}; bgsim ${k.command} writes only into a new or empty directory or its own earlier output (choose another --out)`,
    );
  if (foreign.length)
    throw refuse(`holds files that are not bgsim ${k.command} output (${listing(foreign)})`);
  if (!names.includes(k.marker)) {
    // only temporary files of our own interrupted writes: nothing of the user's is at stake
    if (names.every((n) => isOwnTemp(n, k.files))) return;
    throw refuse(
      `holds ${listing(names)} but no ${k.marker}, so it is not bgsim ${k.command} output`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dir, k.marker), "utf8"));
  } catch {
    json = undefined;
  }
  if (!isObj(json) || !k.owns(json))
    throw refuse(`its ${k.marker} was not written by bgsim ${k.command}`);
}

/** The lock file of an output directory. */
export const LOCK_FILE = "bgsim.lock";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Lock DIR for this process: create DIR/bgsim.lock exclusively holding {"pid","host","started"}.
 * A lock whose process is gone (same host, pid not running) is stale and taken over; a live
 * one, or one from another host, makes this refuse with a message naming the owner. Returns
 * the release function (also run at process exit).
 */
export function lockOutputDir(dir: string, command: string): () => void {
  const path = join(dir, LOCK_FILE);
  const host = hostname();
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new UsageError(
          `${path}: cannot create the lock file (${(e as NodeJS.ErrnoException).code})`,
        );
      let owner: { pid?: unknown; host?: unknown; command?: unknown } = {};
      try {
        owner = JSON.parse(readFileSync(path, "utf8"));
      } catch {
        owner = {};
      }
      const pid = typeof owner.pid === "number" ? owner.pid : undefined;
      if (pid !== undefined && owner.host === host && !pidAlive(pid)) {
        rmSync(path, { force: true }); // stale: its process is gone
        continue;
      }
      throw new UsageError(
        pid === undefined
          ? `${dir} is locked by ${path}, which does not name its owner; if no bgsim is writing to ${dir}, delete the lock file`
          : `${dir} is in use by bgsim ${String(owner.command ?? "")} (process ${pid} on ${String(owner.host)}); wait for it to finish${owner.host === host ? "" : `, or, if it no longer runs on ${String(owner.host)}, delete ${path}`}`,
      );
    }
    writeSync(
      fd,
      `${JSON.stringify({ pid: process.pid, host, command, started: new Date().toISOString() })}\n`,
    );
    closeSync(fd);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      process.off("exit", release);
      rmSync(path, { force: true });
    };
    process.on("exit", release);
    return release;
  }
  throw new UsageError(`${path}: cannot take the lock (it keeps coming back); try again`);
}
