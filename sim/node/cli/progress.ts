import type { Progress } from "../../core/pool/pool.ts";

function clock(sec: number): string {
  if (!Number.isFinite(sec)) return "--:--";
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** One line of progress: bar, runs done, runs/s, ETA. */
export function progressLine(p: Progress, offset = 0, grand = p.total): string {
  const done = offset + p.done;
  const frac = grand ? done / grand : 1;
  const width = 24;
  const fill = Math.round(frac * width);
  return `[${"#".repeat(fill)}${".".repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${grand} runs${p.failed ? ` (${p.failed} failed)` : ""}, ${p.runsPerSec.toFixed(p.runsPerSec < 10 ? 1 : 0)} runs/s, ETA ${clock(p.etaSec)}`;
}

/**
 * A progress bar on stderr: redrawn in place on a terminal; on a pipe or log file (batch jobs)
 * one line every `logEverySec` seconds instead, and the last state when the run ends. The one
 * progress bar of bgsim (sweep, power).
 */
export function progressBar(
  stream: NodeJS.WriteStream,
  opts: { offset?: number; grand?: number; logEverySec?: number; quiet?: boolean } = {},
) {
  const tty = stream.isTTY === true;
  let lastLog = -Infinity;
  let drawn = false;
  /** The latest line not yet written to a log (pipe) stream. */
  let unlogged: string | undefined;
  return {
    update(p: Progress) {
      if (opts.quiet) return;
      const line = progressLine(p, opts.offset ?? 0, opts.grand ?? p.total);
      if (tty) {
        stream.write(`\r${line}\u001b[K`);
        drawn = true;
      } else if (p.elapsedSec - lastLog >= (opts.logEverySec ?? 10)) {
        lastLog = p.elapsedSec;
        stream.write(`${line}\n`);
        unlogged = undefined;
      } else unlogged = line;
    },
    end() {
      if (drawn) stream.write("\n");
      else if (unlogged !== undefined) stream.write(`${unlogged}\n`);
      drawn = false;
      unlogged = undefined;
    },
  };
}
