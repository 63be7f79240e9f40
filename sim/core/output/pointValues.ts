/**
 * The values of one design point kept for a second pass (the two-pass standard deviations of
 * the summaries, so they are the same doubles as computed from a list of all values): pairs
 * (slot, value) in arrival order. Up to `PAIRS` pairs are held in memory; beyond that, full
 * buffers go to a Spill (Node: a temporary file) when one is given, so memory does not grow
 * with the number of replications; without one (browsers) the buffer grows.
 */
export interface Spill {
  /** Append n doubles of buf. */
  append(buf: Float64Array, n: number): void;
  /** Every double appended since the last clear, in order, in pieces. */
  read(each: (buf: Float64Array, n: number) => void): void;
  clear(): void;
  /** Release it (remove the file). */
  close(): void;
}

export type SpillFactory = () => Spill;

const PAIRS = 1 << 19; // 8 MB of doubles

export class PointValues {
  private buf = new Float64Array(2 * 1024);
  private n = 0;
  private spill: Spill | undefined;
  private spilled = false;

  constructor(private readonly makeSpill?: SpillFactory) {}

  push(slot: number, x: number): void {
    if (this.n === this.buf.length) {
      if (this.makeSpill && this.n >= 2 * PAIRS) {
        this.spill ??= this.makeSpill();
        this.spill.append(this.buf, this.n);
        this.spilled = true;
        this.n = 0;
      } else {
        const b = new Float64Array(this.buf.length * 2);
        b.set(this.buf);
        this.buf = b;
      }
    }
    this.buf[this.n++] = slot;
    this.buf[this.n++] = x;
  }

  /** Every pair pushed since the last reset, in order. */
  forEach(fn: (slot: number, x: number) => void): void {
    if (this.spilled)
      (this.spill as Spill).read((b, n) => {
        for (let i = 0; i < n; i += 2) fn(b[i], b[i + 1]);
      });
    const b = this.buf;
    for (let i = 0; i < this.n; i += 2) fn(b[i], b[i + 1]);
  }

  reset(): void {
    this.n = 0;
    if (this.spilled) this.spill?.clear();
    this.spilled = false;
  }

  close(): void {
    this.spill?.close();
    this.spill = undefined;
  }
}
