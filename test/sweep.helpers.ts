import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BIN } from "./helpers/bgsim.ts";

/** Every file of a directory, by name (sorted). */
export function files(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

/** Lines in an output directory's journal (0 before it exists). */
export function journalLines(dir: string): number {
  const journal = join(dir, "runs.jsonl");
  return existsSync(journal) ? readFileSync(journal, "utf8").split("\n").length - 1 : 0;
}

/**
 * Start `bgsim ...args` writing to `dir` and SIGKILL it once the journal holds at least
 * `atLeast` lines. Resolves with the exit code (null when killed) and the journal's lines then.
 */
export async function killWhenJournalHas(
  args: string[],
  dir: string,
  atLeast: number,
): Promise<{ code: number | null; lines: number }> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { stdio: "ignore" });
  let code: number | null | undefined;
  const exited = new Promise<number | null>((res) =>
    child.on("exit", (c) => {
      code = c;
      res(c);
    }),
  );
  for (let i = 0; i < 1200 && code === undefined && journalLines(dir) < atLeast; i++)
    await new Promise((r) => setTimeout(r, 25));
  child.kill("SIGKILL");
  return { code: await exited, lines: journalLines(dir) };
}
