import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The bgsim executable, as a user runs it. */
export const BIN = fileURLToPath(new URL("../../sim/node/bin/bgsim.mjs", import.meta.url));
/** The project root (bgsim resolves scenario paths relative to the working directory). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Run bgsim from the project root; its exit code, stdout and stderr. */
export function bgsim(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A fresh temporary directory. */
export function tmp(prefix = "bgsim-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
