import type { ViewHistory } from "./summarise.ts";

/** Pure view-model aggregations of a dynamics run (tested in test/web.dynamics.test.ts). */

export const EV = { entry: 0, exit: 1, replace: 2, firmExit: 3, founding: 4 } as const;

/** Firms serving each market at step s (the map's shading). */
export function presenceAt(h: ViewHistory, s: number): Int32Array {
  const out = new Int32Array(h.markets.length);
  for (let m = 0; m < out.length; m++) out[m] = h.presence[m * h.steps + s];
  return out;
}

/** The largest presence of any market at any step (a fixed colour domain for the animation). */
export function maxPresence(h: ViewHistory): number {
  let max = 0;
  for (let i = 0; i < h.presence.length; i++) if (h.presence[i] > max) max = h.presence[i];
  return max;
}

export interface FirmStop {
  market: number;
  step: number;
  /** Step the firm left the market, -1 if still there at `upTo`. */
  exit: number;
  /** Distributor replacements in this market up to `upTo`. */
  replacements: number;
  /** Competence (SD units) of each distributor the firm used there, in order. */
  distributors: number[];
}

/** One firm's foreign entries in entry order up to step upTo (inclusive), from the event log. */
export function firmPath(h: ViewHistory, firm: number, upTo: number): FirmStop[] {
  const ev = h.events;
  if (!ev) return [];
  const stops: FirmStop[] = [];
  const open = new Map<number, FirmStop>();
  for (let i = 0; i < ev.size; i++) {
    if (ev.firm[i] !== firm || ev.step[i] > upTo) continue;
    const m = ev.market[i];
    switch (ev.type[i]) {
      case EV.entry: {
        const stop = {
          market: m,
          step: ev.step[i],
          exit: -1,
          replacements: 0,
          distributors: [ev.competence[i]],
        };
        stops.push(stop);
        open.set(m, stop);
        break;
      }
      case EV.exit: {
        const s = open.get(m);
        if (s) s.exit = ev.step[i];
        open.delete(m);
        break;
      }
      case EV.replace: {
        const s = open.get(m);
        if (s) {
          s.replacements += 1;
          s.distributors.push(ev.competence[i]);
        }
        break;
      }
      case EV.firmExit:
        for (const s of open.values()) s.exit = ev.step[i];
        open.clear();
        break;
    }
  }
  return stops;
}

/** Entry and presence history of market m: one value per step. */
export function marketHistory(
  h: ViewHistory,
  m: number,
): { presence: number[]; entries: number[] } {
  const presence: number[] = [];
  const entries: number[] = [];
  for (let s = 0; s < h.steps; s++) {
    presence.push(h.presence[m * h.steps + s]);
    entries.push(h.entries[m * h.steps + s]);
  }
  return { presence, entries };
}

/** Firms with at least one entry, of the chosen kind, for "follow a firm" suggestions. */
export function pickFirm(h: ViewHistory, kind: "bornGlobal" | "gradual", nth = 0): number | null {
  const f = h.firms;
  let seen = 0;
  for (let i = 0; i < f.n; i++) {
    if (f.firstEntryStep[i] < 0) continue;
    const bg = f.bornGlobal[i] === 1;
    if ((kind === "bornGlobal") !== bg) continue;
    if (kind === "gradual" && (f.firstEntryStep[i] - f.foundingStep[i]) / h.stepsPerYear < 6)
      continue;
    if (seen++ === nth) return i;
  }
  return null;
}

export interface IncidenceCurve {
  /** Years since founding, 0, 1/stepsPerYear, ... */
  years: number[];
  /** Cumulative incidence of the first foreign entry by that age (0..1). */
  incidence: number[];
  /** Firms at risk at each age (still domestic, alive and observed). */
  atRisk: number[];
  /** Median years to first entry among all firms, or NaN if under half ever enter. */
  median: number;
}

/**
 * Cumulative incidence of the first foreign entry by years since founding (Aalen-Johansen:
 * firm exit is a competing risk; firms still domestic at the last step are censored there).
 * `include(f)` selects the firms (e.g. a founding cohort). The curve stops at the last age at
 * which some firm is still observed.
 */
export function entryIncidence(
  h: ViewHistory,
  include: (f: number) => boolean = () => true,
): IncidenceCurve {
  const f = h.firms;
  const A = h.steps;
  const entries = new Float64Array(A + 1);
  const exits = new Float64Array(A + 1);
  const censored = new Float64Array(A + 1);
  let n0 = 0;
  for (let i = 0; i < f.n; i++) {
    if (!include(i)) continue;
    const born = f.foundingStep[i];
    if (born >= A) continue;
    n0++;
    const e = f.firstEntryStep[i];
    const x = f.exitStep[i];
    if (e >= 0 && (x < 0 || e <= x)) entries[e - born] += 1;
    else if (x >= 0) exits[x - born] += 1;
    else censored[A - 1 - born] += 1;
  }
  const years: number[] = [];
  const incidence: number[] = [];
  const atRisk: number[] = [];
  let risk = n0;
  let surv = 1;
  let cif = 0;
  let median = Number.NaN;
  for (let a = 0; a < A; a++) {
    // the curve ends where no firm is left under observation (e.g. the 1990s cohorts after
    // 12.75 years): beyond it there is no information, so nothing is drawn
    if (risk <= 0) break;
    cif += (surv * entries[a]) / risk;
    surv *= 1 - (entries[a] + exits[a]) / risk;
    years.push((a + 1) / h.stepsPerYear);
    incidence.push(cif);
    atRisk.push(risk);
    if (Number.isNaN(median) && cif >= 0.5) median = (a + 1) / h.stepsPerYear;
    risk -= entries[a] + exits[a] + censored[a];
  }
  return { years, incidence, atRisk, median };
}

export interface AgeProfile {
  years: number[];
  /** Mean markets served at each age among the group's living exporters-to-be observed at that age. */
  mean: number[];
  firms: number[];
}

/**
 * Markets served by firm age (whole years), for the firms `include` selects, from the event
 * log: the count at the end of each year of age, averaged over the firms alive and observed.
 */
export function marketsByAge(
  h: ViewHistory,
  include: (f: number) => boolean,
  maxYears = 20,
): AgeProfile {
  const ev = h.events;
  const spy = h.stepsPerYear;
  const f = h.firms;
  const sum = new Float64Array(maxYears);
  const cnt = new Float64Array(maxYears);
  if (!ev) return { years: [], mean: [], firms: [] };
  // served count per firm over its life, from its events (the log is in step order)
  const delta = new Map<number, [number, number][]>();
  for (let i = 0; i < ev.size; i++) {
    const t = ev.type[i];
    if (t !== EV.entry && t !== EV.exit) continue;
    const firm = ev.firm[i];
    if (!include(firm)) continue;
    let list = delta.get(firm);
    if (!list) {
      list = [];
      delta.set(firm, list);
    }
    list.push([ev.step[i], t === EV.entry ? 1 : -1]);
  }
  for (let i = 0; i < f.n; i++) {
    if (!include(i)) continue;
    const born = f.foundingStep[i];
    const list = delta.get(i) ?? [];
    let k = 0;
    let served = 0;
    for (let y = 0; y < maxYears; y++) {
      const s = born + (y + 1) * spy - 1; // last step of year y of age
      if (s >= h.steps) break;
      if (f.exitStep[i] >= 0 && f.exitStep[i] <= s) break;
      while (k < list.length && list[k][0] <= s) served += list[k++][1];
      sum[y] += served;
      cnt[y] += 1;
    }
  }
  const years: number[] = [];
  const mean: number[] = [];
  const firms: number[] = [];
  for (let y = 0; y < maxYears; y++) {
    if (!cnt[y]) break;
    years.push(y + 1);
    mean.push(sum[y] / cnt[y]);
    firms.push(cnt[y]);
  }
  return { years, mean, firms };
}

/** A per-step measure of one group, e.g. ("born_global", "firms"). */
export function series(h: ViewHistory, group: string, measure: string): number[] {
  const g = h.groups.indexOf(group);
  const k = h.measures.indexOf(measure);
  if (g < 0 || k < 0) throw new Error(`unknown series ${group}/${measure}`);
  const out: number[] = [];
  const base = (g * h.measures.length + k) * h.steps;
  for (let s = 0; s < h.steps; s++) out.push(h.values[base + s]);
  return out;
}
