/** A progress bar on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const t0 = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  return {
    update(done: number, total: number, extra = "") {
      const now = Date.now();
      const frac = total ? done / total : 1;
      const eta = done ? ((now - t0) / done) * (total - done) : 0;
      const text = `${label} ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${total}${extra ? ` ${extra}` : ""}, ETA ${(eta / 1000).toFixed(0)} s`;
      if (stream.isTTY) {
        if (now - lastDraw < 100 && done < total) return;
        lastDraw = now;
        const w = 30;
        const fill = Math.round(frac * w);
        stream.write(`\r[${"#".repeat(fill)}${".".repeat(w - fill)}] ${text}\x1b[K`);
        if (done >= total) stream.write("\n");
      } else {
        const decile = Math.floor(frac * 10);
        if (decile !== lastDecile) {
          lastDecile = decile;
          stream.write(`${text}\n`);
        }
      }
    },
  };
}
