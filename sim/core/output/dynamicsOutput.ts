import { stepLabel } from "../../../src/dynamics/calendar.ts";
import { EVENT_TYPES } from "../../../src/dynamics/events.ts";
import { LATENT } from "../../../src/dynamics/firms.ts";
import type { DynamicsHistory } from "../../../src/dynamics/types.ts";

/** Full-precision number for CSV (no NaN ever: callers pass finite values or ""). */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : "";
}

/** timeseries.csv: tidy rows step,date,group,measure,value (groups, regions, countries). */
export function timeseriesCsv(h: DynamicsHistory): string {
  const a = h.aggregates;
  const T = a.steps;
  const out: string[] = ["step,date,group,measure,value"];
  const dates = Array.from({ length: T }, (_, s) => stepLabel(h.calendar, s));
  a.groups.forEach((g, gi) => {
    a.measures.forEach((m, k) => {
      const base = (gi * a.measures.length + k) * T;
      for (let s = 0; s < T; s++) out.push(`${s},${dates[s]},${g},${m},${num(a.values[base + s])}`);
    });
  });
  const block = (prefix: string, names: readonly string[], series: [string, Int32Array][]) => {
    names.forEach((name, r) => {
      for (const [m, arr] of series)
        for (let s = 0; s < T; s++)
          out.push(`${s},${dates[s]},"${prefix}:${name}",${m},${arr[r * T + s]}`);
    });
  };
  block("region", a.regions, [
    ["entries", a.regionEntries],
    ["exits", a.regionExits],
    ["presence", a.regionPresence],
  ]);
  block("country", h.markets.iso3, [
    ["entries", a.countryEntries],
    ["exits", a.countryExits],
    ["presence", a.countryPresence],
  ]);
  return `${out.join("\n")}\n`;
}

/** firms.csv: one row per firm, outcomes at the survey date plus lifetime facts. */
export function firmsCsv(h: DynamicsHistory): string {
  const o = h.firms;
  const snap = h.survey;
  const cal = h.calendar;
  const header = [
    "firm",
    "founding_year",
    "exit_year",
    "alive_at_survey",
    "years_to_first_entry",
    "markets_served",
    "markets_ever",
    "foreign_share",
    "born_global",
    "in_frame",
    "employees",
    "sales_usd_m",
    "main_market",
    "perf_3y",
    "knowledge",
    ...LATENT,
    "treated",
  ];
  const rows: string[] = [header.join(",")];
  for (let f = 0; f < o.n; f++) {
    const alive = snap.alive[f] === 1;
    const main = snap.mainMarket[f];
    rows.push(
      [
        f,
        num(o.foundingYear[f]),
        o.exitStep[f] >= 0 ? num(cal.startYear + o.exitStep[f] * cal.dt) : "",
        alive ? 1 : 0,
        o.yearsToFirstEntry[f] >= 0 ? num(o.yearsToFirstEntry[f]) : "",
        alive ? snap.served[f] : "",
        alive ? snap.ever[f] : "",
        alive ? num(snap.share[f]) : "",
        o.bornGlobal[f],
        o.inFrame[f],
        alive ? num(o.employees[f]) : "",
        alive ? num(o.salesUsdM[f]) : "",
        alive && main >= 0 ? h.markets.iso3[main] : "",
        alive ? num(snap.perf3y[f]) : "",
        alive ? num(snap.knowledge[f]) : "",
        ...LATENT.map((c) => num(h.latent[c][f])),
        o.treated[f],
      ].join(","),
    );
  }
  return `${rows.join("\n")}\n`;
}

/**
 * events.csv: step,date,firm,market,type,distributor_competence (market empty for firm events;
 * competence, in SD units, only for entries and distributor replacements).
 */
export function eventsCsv(h: DynamicsHistory): string {
  const e = h.events;
  const rows: string[] = ["step,date,firm,market,type,distributor_competence"];
  if (e)
    for (let i = 0; i < e.size; i++)
      rows.push(
        `${e.step[i]},${stepLabel(h.calendar, e.step[i])},${e.firm[i]},${e.market[i] >= 0 ? h.markets.iso3[e.market[i]] : ""},${EVENT_TYPES[e.type[i]]},${e.type[i] === 0 || e.type[i] === 2 ? e.competence[i] : ""}`,
      );
  return `${rows.join("\n")}\n`;
}
