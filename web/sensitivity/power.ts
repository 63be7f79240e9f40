/**
 * Power heatmap aggregation (pure): for each path (row) and design level (column), the share of
 * replications in which the path came out supported ("<label>.sig" = 1 in the flattened
 * results of sim/core/output/flatten.ts).
 */
export interface PowerCell {
  label: string;
  level: number;
  supported: number;
  runs: number;
  /** supported / runs, NaN when no run has finished. */
  power: number;
  /** Monte Carlo (binomial) standard error of the power, sqrt(p (1 - p) / runs); NaN without runs. */
  se: number;
}

/** Binomial standard error of a share p estimated from `runs` independent runs. */
export function powerSe(p: number, runs: number): number {
  return runs > 0 && Number.isFinite(p) ? Math.sqrt((p * (1 - p)) / runs) : Number.NaN;
}

export class PowerGrid {
  readonly supported: Int32Array;
  readonly runs: Int32Array;
  private levelIndex: Map<number, number>;
  private labelIndex: Map<string, number>;

  constructor(
    readonly labels: readonly string[],
    readonly levels: readonly number[],
  ) {
    this.supported = new Int32Array(labels.length * levels.length);
    this.runs = new Int32Array(labels.length * levels.length);
    this.levelIndex = new Map(levels.map((l, j) => [l, j]));
    this.labelIndex = new Map(labels.map((l, i) => [l, i]));
  }

  /** Count one finished run at design level `level` from its flattened keys and values. */
  add(level: number, keys: readonly string[], values: ArrayLike<number>): void {
    const j = this.levelIndex.get(level);
    if (j === undefined) throw new Error(`level ${level} is not in the design`);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (!key.endsWith(".sig")) continue;
      const i = this.labelIndex.get(key.slice(0, -4));
      if (i === undefined) continue;
      const cell = i * this.levels.length + j;
      this.runs[cell] += 1;
      if (values[k] === 1) this.supported[cell] += 1;
    }
  }

  cell(i: number, j: number): PowerCell {
    const c = i * this.levels.length + j;
    const runs = this.runs[c];
    const power = runs ? this.supported[c] / runs : Number.NaN;
    return {
      label: this.labels[i],
      level: this.levels[j],
      supported: this.supported[c],
      runs,
      power,
      se: powerSe(power, runs),
    };
  }

  cells(): PowerCell[] {
    const out: PowerCell[] = [];
    for (let i = 0; i < this.labels.length; i++)
      for (let j = 0; j < this.levels.length; j++) out.push(this.cell(i, j));
    return out;
  }
}

/** Parse a comma-separated list of design levels, or explain what is wrong with it. */
export function parseLevels(
  text: string,
  min: number,
  max: number,
  integer: boolean,
): { ok: true; levels: number[] } | { ok: false; message: string } {
  const parts = text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) return { ok: false, message: "enter at least one value" };
  if (parts.length > 20) return { ok: false, message: "at most 20 values" };
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { ok: false, message: `"${p}" is not a number` };
    if (integer && !Number.isInteger(v))
      return { ok: false, message: `"${p}" must be a whole number` };
    if (v < min || v > max) return { ok: false, message: `"${p}" must lie from ${min} to ${max}` };
    if (out.includes(v)) return { ok: false, message: `"${p}" is listed twice` };
    out.push(v);
  }
  return { ok: true, levels: out.sort((a, b) => a - b) };
}

/** Runs per second and seconds left, as shown beside the progress bar. */
export function progressText(done: number, total: number, runsPerSec: number): string {
  const left = runsPerSec > 0 ? (total - done) / runsPerSec : Number.NaN;
  const eta =
    done >= total
      ? " · finished"
      : Number.isFinite(left)
        ? ` · ${left < 1 ? "<1" : Math.round(left)} s left`
        : "";
  return `${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} runs · ${Math.round(runsPerSec).toLocaleString("en-US")} runs/s${eta}`;
}
