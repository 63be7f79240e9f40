/**
 * Active firm-market relationships ("spells"), one per (firm, market) served now, stored as
 * columns with swap-remove (order is irrelevant; iteration is deterministic). The presence
 * matrix (firms x markets, 0 never, 1 served now, 2 served before) guarantees that a firm is
 * never in a market twice at once.
 */
export class SpellPool {
  size = 0;
  firm: Int32Array;
  market: Int32Array;
  start: Int32Array;
  /** Distributor competence D (SD units). */
  competence: Float64Array;
  /** Smoothed performance. */
  smoothed: Float64Array;
  /** Integrated exit-or-replace hazard and its unit-exponential threshold. */
  h: Float64Array;
  e: Float64Array;
  /** Performance summed over the survey window (the last 3 years before the survey) and steps. */
  winSum: Float64Array;
  winN: Int32Array;

  constructor(capacity = 1024) {
    this.firm = new Int32Array(capacity);
    this.market = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
    this.competence = new Float64Array(capacity);
    this.smoothed = new Float64Array(capacity);
    this.h = new Float64Array(capacity);
    this.e = new Float64Array(capacity);
    this.winSum = new Float64Array(capacity);
    this.winN = new Int32Array(capacity);
  }

  private grow(): void {
    const c = this.firm.length * 2;
    const g = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(c);
      b.set(a);
      return b;
    };
    this.firm = g(this.firm);
    this.market = g(this.market);
    this.start = g(this.start);
    this.competence = g(this.competence);
    this.smoothed = g(this.smoothed);
    this.h = g(this.h);
    this.e = g(this.e);
    this.winSum = g(this.winSum);
    this.winN = g(this.winN);
  }

  add(
    firm: number,
    market: number,
    start: number,
    competence: number,
    smoothed: number,
    e: number,
  ): number {
    if (this.size === this.firm.length) this.grow();
    const i = this.size++;
    this.firm[i] = firm;
    this.market[i] = market;
    this.start[i] = start;
    this.competence[i] = competence;
    this.smoothed[i] = smoothed;
    this.h[i] = 0;
    this.e[i] = e;
    this.winSum[i] = 0;
    this.winN[i] = 0;
    return i;
  }

  /** Remove spell i by moving the last spell into its slot. */
  remove(i: number): void {
    const j = --this.size;
    if (i === j) return;
    this.firm[i] = this.firm[j];
    this.market[i] = this.market[j];
    this.start[i] = this.start[j];
    this.competence[i] = this.competence[j];
    this.smoothed[i] = this.smoothed[j];
    this.h[i] = this.h[j];
    this.e[i] = this.e[j];
    this.winSum[i] = this.winSum[j];
    this.winN[i] = this.winN[j];
  }
}
