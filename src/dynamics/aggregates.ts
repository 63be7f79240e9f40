/**
 * Per-step aggregates kept for the views and timeseries.csv.
 *
 * Groups: "all"; the firm's status at that step ("born_global": first foreign entry within
 * the born-global window and foreign share >= its threshold now; "gradual": exporting, not
 * born global; "domestic": not exporting); IEO and IMO quartiles of the latent score at
 * founding (cut at the standard normal quartiles -0.674, 0, 0.674).
 * Firm counts and means are measured at the end of a step over living firms; events
 * (entries, exits, ...) are counted in the group the firm was in when they happened.
 */
export const GROUPS = [
  "all",
  "born_global",
  "gradual",
  "domestic",
  "IEO_Q1",
  "IEO_Q2",
  "IEO_Q3",
  "IEO_Q4",
  "IMO_Q1",
  "IMO_Q2",
  "IMO_Q3",
  "IMO_Q4",
] as const;
export const G_ALL = 0;
export const G_BORN_GLOBAL = 1;
export const G_GRADUAL = 2;
export const G_DOMESTIC = 3;
export const G_IEO = 4;
export const G_IMO = 8;

export const MEASURES = [
  "firms",
  "exporters",
  "new_exporters",
  "entries",
  "exits",
  "replacements",
  "firm_exits",
  "markets_per_exporter",
  "foreign_share",
  "performance",
] as const;
export const M_FIRMS = 0;
export const M_EXPORTERS = 1;
export const M_NEW_EXPORTERS = 2;
export const M_ENTRIES = 3;
export const M_EXITS = 4;
export const M_REPLACEMENTS = 5;
export const M_FIRM_EXITS = 6;
export const M_MARKETS = 7;
export const M_SHARE = 8;
export const M_PERF = 9;

/** Quartile (0..3) of a standard normal score. */
export function quartile(z: number): number {
  return z < -0.6744897501960817 ? 0 : z < 0 ? 1 : z < 0.6744897501960817 ? 2 : 3;
}

export interface StepAggregates {
  groups: readonly string[];
  measures: readonly string[];
  steps: number;
  /** values[(g * measures + k) * steps + s]; means are final (not sums). */
  values: Float64Array;
  regions: readonly string[];
  /** By region r and step s, index r * steps + s. */
  regionEntries: Int32Array;
  regionExits: Int32Array;
  regionPresence: Int32Array;
  /** By market m and step s, index m * steps + s. */
  countryEntries: Int32Array;
  countryExits: Int32Array;
  countryPresence: Int32Array;
}

/** Accumulator: sums while the step runs, turned into means by finish(). */
export class AggregateRecorder {
  readonly g = GROUPS.length;
  readonly k = MEASURES.length;
  readonly sums: Float64Array;
  /** Denominators of the mean measures (exporters; spells for performance). */
  readonly perfN: Float64Array;
  readonly regionEntries: Int32Array;
  readonly regionExits: Int32Array;
  readonly regionPresence: Int32Array;
  readonly countryEntries: Int32Array;
  readonly countryExits: Int32Array;
  readonly countryPresence: Int32Array;

  constructor(
    readonly steps: number,
    readonly regions: readonly string[],
    readonly markets: number,
  ) {
    this.sums = new Float64Array(this.g * this.k * steps);
    this.perfN = new Float64Array(this.g * steps);
    this.regionEntries = new Int32Array(regions.length * steps);
    this.regionExits = new Int32Array(regions.length * steps);
    this.regionPresence = new Int32Array(regions.length * steps);
    this.countryEntries = new Int32Array(markets * steps);
    this.countryExits = new Int32Array(markets * steps);
    this.countryPresence = new Int32Array(markets * steps);
  }

  /** Add x to measure k of the firm's four groups (all, status, IEO and IMO quartile). */
  add(s: number, k: number, status: number, ieoQ: number, imoQ: number, x: number): void {
    const K = this.k;
    const T = this.steps;
    this.sums[k * T + s] += x;
    this.sums[(status * K + k) * T + s] += x;
    this.sums[((G_IEO + ieoQ) * K + k) * T + s] += x;
    this.sums[((G_IMO + imoQ) * K + k) * T + s] += x;
  }

  /**
   * Per-step cells, one per (status 0..3, IEO quartile, IMO quartile) = status * 16 + ieoQ * 4
   * + imoQ, each with the K measures and a performance count: the scheduler adds one number per
   * event or firm, flush(s) spreads the cells over the groups at the end of the step.
   */
  readonly cells = new Float64Array(64 * (MEASURES.length + 1));

  cell(k: number, c: number, x: number): void {
    this.cells[c * (this.k + 1) + k] += x;
  }

  perf(c: number, perf: number): void {
    const b = c * (this.k + 1);
    this.cells[b + M_PERF] += perf;
    this.cells[b + this.k] += 1;
  }

  flush(s: number): void {
    const K = this.k;
    const T = this.steps;
    for (let c = 0; c < 64; c++) {
      const b = c * (K + 1);
      const st = c >> 4;
      const iq = (c >> 2) & 3;
      const mq = c & 3;
      for (let k = 0; k < K; k++) {
        const v = this.cells[b + k];
        if (v === 0) continue;
        this.add(s, k, st, iq, mq, v);
        this.cells[b + k] = 0;
      }
      const n = this.cells[b + K];
      if (n !== 0) {
        this.perfN[s] += n;
        this.perfN[st * T + s] += n;
        this.perfN[(G_IEO + iq) * T + s] += n;
        this.perfN[(G_IMO + mq) * T + s] += n;
        this.cells[b + K] = 0;
      }
    }
  }

  addPerf(s: number, status: number, ieoQ: number, imoQ: number, perf: number): void {
    this.add(s, M_PERF, status, ieoQ, imoQ, perf);
    const T = this.steps;
    this.perfN[s] += 1;
    this.perfN[status * T + s] += 1;
    this.perfN[(G_IEO + ieoQ) * T + s] += 1;
    this.perfN[(G_IMO + imoQ) * T + s] += 1;
  }

  finish(): StepAggregates {
    const { g, k, steps: T } = this;
    const values = Float64Array.from(this.sums);
    for (let gi = 0; gi < g; gi++) {
      for (let s = 0; s < T; s++) {
        const exporters = values[(gi * k + M_EXPORTERS) * T + s];
        for (const m of [M_MARKETS, M_SHARE]) {
          const i = (gi * k + m) * T + s;
          values[i] = exporters > 0 ? values[i] / exporters : 0;
        }
        const n = this.perfN[gi * T + s];
        const i = (gi * k + M_PERF) * T + s;
        values[i] = n > 0 ? values[i] / n : 0;
      }
    }
    return {
      groups: GROUPS,
      measures: MEASURES,
      steps: T,
      values,
      regions: this.regions,
      regionEntries: this.regionEntries,
      regionExits: this.regionExits,
      regionPresence: this.regionPresence,
      countryEntries: this.countryEntries,
      countryExits: this.countryExits,
      countryPresence: this.countryPresence,
    };
  }
}
