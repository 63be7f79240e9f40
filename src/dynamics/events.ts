/** The optional per-firm, per-market event log (columns that grow as events happen). */
export const EVENT_TYPES = ["entry", "exit", "replace", "firm-exit", "founding"] as const;
export const EV_ENTRY = 0;
export const EV_EXIT = 1;
export const EV_REPLACE = 2;
export const EV_FIRM_EXIT = 3;
export const EV_FOUNDING = 4;

export interface EventLog {
  size: number;
  step: Int32Array;
  firm: Int32Array;
  /** Market index, -1 for firm events. */
  market: Int32Array;
  type: Uint8Array;
  /** The new distributor's competence D (SD units) for entry and replacement events, else 0. */
  competence: Float64Array;
}

export class EventRecorder {
  size = 0;
  step = new Int32Array(4096);
  firm = new Int32Array(4096);
  market = new Int32Array(4096);
  type = new Uint8Array(4096);
  competence = new Float64Array(4096);

  push(step: number, firm: number, market: number, type: number, competence = 0): void {
    if (this.size === this.step.length) {
      const c = this.size * 2;
      const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(c);
        b.set(a);
        return b;
      };
      this.step = g(this.step);
      this.firm = g(this.firm);
      this.market = g(this.market);
      this.type = g(this.type);
      this.competence = g(this.competence);
    }
    const i = this.size++;
    this.step[i] = step;
    this.firm[i] = firm;
    this.market[i] = market;
    this.type[i] = type;
    this.competence[i] = competence;
  }

  finish(): EventLog {
    return {
      size: this.size,
      step: this.step.slice(0, this.size),
      firm: this.firm.slice(0, this.size),
      market: this.market.slice(0, this.size),
      type: this.type.slice(0, this.size),
      competence: this.competence.slice(0, this.size),
    };
  }
}
