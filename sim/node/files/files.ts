import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { formatIssue, parseScenarioText } from "../../../src/scenario/validate.ts";
import { UsageError } from "../cli/command.ts";

/** Largest scenario, sweep or markets file read (64 MB; the largest real one is < 1 MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Largest data file `estimate` reads (256 MB: about 3 million firms' scores). */
export const MAX_DATA_BYTES = 256 * 1024 * 1024;

function mb(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/**
 * Read a text file, or fail with a one-line message naming it. Only regular files of at most
 * `maxBytes` are read: a device (/dev/zero, /dev/urandom), a FIFO or a huge file is refused
 * before reading, so no input can make bgsim read without limit.
 */
export function readText(path: string, maxBytes = MAX_JSON_BYTES): string {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw Object.assign(new Error("EISDIR"), { code: "EISDIR" });
    if (!st.isFile())
      throw new UsageError(
        `${path}: not a regular file (a device, pipe or socket); bgsim reads regular files only`,
      );
    if (st.size > maxBytes)
      throw new UsageError(
        `${path}: ${mb(st.size)}, larger than the ${mb(maxBytes)} bgsim reads for this kind of file`,
      );
    return readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
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

/**
 * A failed write as the user should read it: the disk being full (or a quota, or a read-only
 * disk) named with the path, exit code 1, instead of a bare errno.
 */
export function writeError(
  path: string,
  e: unknown,
  after = "nothing was written to it",
): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === "ENOSPC"
      ? "the disk is full"
      : code === "EDQUOT"
        ? "the disk quota is exceeded"
        : code === "EROFS"
          ? "the file system is read-only"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : (code ?? (e as Error).message);
  return new UsageError(`${path}: cannot write (${why}); ${after}`, 1);
}

/** Write a file atomically (temporary file, then rename), so a reader never sees half of it. */
export function writeAtomic(path: string, text: string): void {
  writeAtomicStream(path, (write) => write(text));
}

/**
 * Write a file atomically from pieces (so a file larger than a JavaScript string can be
 * written): `fill` calls `write` for each piece, in order. On any failure (a full disk) the
 * temporary file is removed, the target is left as it was, and the error names the path.
 */
export function writeAtomicStream(
  path: string,
  fill: (write: (text: string) => void) => void,
): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number | undefined;
  let pending: string[] = [];
  let size = 0;
  const flush = () => {
    if (!pending.length) return;
    const text = pending.join("");
    pending = [];
    size = 0;
    const buf = Buffer.from(text, "utf8");
    for (let off = 0; off < buf.length; )
      off += writeSync(fd as number, buf, off, buf.length - off);
  };
  try {
    fd = openSync(tmp, "w");
    fill((text) => {
      pending.push(text);
      size += text.length;
      if (size >= 1 << 20) flush();
    });
    flush();
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    if (e instanceof UsageError) throw e;
    if ((e as NodeJS.ErrnoException).code) throw writeError(path, e);
    throw e;
  }
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
