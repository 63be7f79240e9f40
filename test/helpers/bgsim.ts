import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (bgsim resolves scenario paths relative to the working directory). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  bin: { bgsim: string };
};

/** The bgsim executable, as a user runs it: the package's bin (the compiled CLI in dist-cli/). */
export const BIN = join(ROOT, pkg.bin.bgsim);

// Once per test file: if a source changed since the last build, the bin rebuilds first and notes
// it on stderr; do that here, so that the runs under test see an up-to-date build and no note.
spawnSync(process.execPath, [BIN, "--version"], { cwd: ROOT });

/** Run bgsim from the project root; its exit code, stdout and stderr. */
export function bgsim(...args: string[]): {
  code: number | null;
  out: string;
  err: string;
  /** The signal that ended the process, if one did (code is then null). */
  signal: NodeJS.Signals | null;
} {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr, signal: r.signal };
}

/** A fresh temporary directory. */
export function tmp(prefix = "bgsim-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
