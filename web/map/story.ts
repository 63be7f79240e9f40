import { EV_ENTRY, EV_EXIT, EV_FIRM_EXIT, EV_REPLACE } from "../../src/dynamics/events.ts";
import { firmPath, presenceAt } from "../dynamics/aggregate.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";

/**
 * The classroom story beside the map (pure): one or two plain sentences for the date shown,
 * generated from the run's event log — of the followed firm, or of all firms.
 */

const WORDS = [
  "no",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
];

/** A small count in words ("four"), larger ones in digits. */
export function inWords(n: number): string {
  return n >= 0 && n < WORDS.length ? WORDS[n] : n.toLocaleString("en-US");
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${inWords(n)} ${n === 1 ? one : many}`;
}

/** A firm's age at step s in words: "in its first year", "two years after founding". */
function ageText(h: ViewHistory, firm: number, s: number): string {
  const years = Math.floor((s - h.firms.foundingStep[firm]) / h.stepsPerYear);
  if (years < 1) return "in its first year";
  return `${plural(years, "year")} after founding`;
}

function quality(d: number): string {
  return d >= 0.5 ? "a good" : d <= -0.5 ? "a poor" : "an average";
}

export interface Story {
  /** The sentence(s) for this date. */
  text: string;
  /** The event the sentence starts from: its step and market (-1 for none or a firm event). */
  step: number;
  market: number;
}

/** The followed firm's story at step s: its latest event up to s, and where it sells now. */
export function firmStory(h: ViewHistory, firm: number, s: number): Story {
  const f = h.firms;
  const found = f.foundingStep[firm];
  const name = `firm ${firm}`;
  if (s < found)
    return {
      text: `${h.labels[s]}: ${name} is not founded yet; it will be founded in ${h.labels[found]}. Press Space to play.`,
      step: -1,
      market: -1,
    };
  const ev = h.events;
  let last = -1;
  if (ev)
    for (let i = 0; i < ev.size; i++)
      if (ev.firm[i] === firm && ev.step[i] <= s && ev.type[i] <= EV_FIRM_EXIT) last = i;
  const stops = firmPath(h, firm, s);
  const serving = stops.filter((x) => x.exit < 0).length;
  const age = ageText(h, firm, s);
  if (last < 0) {
    return {
      text: `${h.labels[s]}: ${name}, founded ${h.labels[found]}, sells only at home, ${age}.`,
      step: -1,
      market: -1,
    };
  }
  const when = h.labels[ev!.step[last]];
  const m = ev!.market[last];
  const country = m >= 0 ? h.markets[m].name : "";
  let what: string;
  switch (ev!.type[last]) {
    case EV_ENTRY:
      what = `${name} enters ${country} through ${quality(ev!.competence[last])} distributor`;
      break;
    case EV_EXIT:
      what = `${name} leaves ${country}`;
      break;
    case EV_REPLACE:
      what = `${name} replaces its distributor in ${country} with ${quality(ev!.competence[last])} one`;
      break;
    default:
      what = `${name} closes`;
  }
  const closed = f.exitStep[firm] >= 0 && f.exitStep[firm] <= s;
  let now: string;
  if (closed)
    now = `It sold in ${plural(stops.length, "foreign country", "foreign countries")} before it closed.`;
  else {
    const early =
      f.bornGlobal[firm] === 1 && (s - found) / h.stepsPerYear <= 3 && serving > 1
        ? "already "
        : "";
    now = `${age[0].toUpperCase()}${age.slice(1)} it ${early}sells in ${plural(serving, "foreign country", "foreign countries")}${stops.length > serving ? ` (and has left ${inWords(stops.length - serving)})` : ""}.`;
  }
  return { text: `${when}: ${what}. ${now}`, step: ev!.step[last], market: m };
}

/** All firms at step s: how many are founded, how many markets they serve, the busiest one. */
export function worldStory(h: ViewHistory, s: number): Story {
  const f = h.firms;
  let founded = 0;
  let abroad = 0;
  for (let i = 0; i < f.n; i++) {
    if (f.foundingStep[i] > s) continue;
    if (f.exitStep[i] >= 0 && f.exitStep[i] <= s) continue;
    founded++;
    if (f.firstEntryStep[i] >= 0 && f.firstEntryStep[i] <= s) abroad++;
  }
  const p = presenceAt(h, s);
  let served = 0;
  let top = -1;
  for (let m = 0; m < p.length; m++) {
    if (p[m] > 0) served++;
    if (p[m] > 0 && (top < 0 || p[m] > p[top])) top = m;
  }
  let entries = 0;
  for (let m = 0; m < h.markets.length; m++) entries += h.entries[m * h.steps + s];
  const share = founded ? Math.round((100 * abroad) / founded) : 0;
  const text =
    top < 0
      ? `${h.labels[s]}: ${founded.toLocaleString("en-US")} firms in business, none sells abroad yet.`
      : `${h.labels[s]}: ${founded.toLocaleString("en-US")} firms in business, ${share}% of them have sold abroad; they serve ${served} of ${h.markets.length} foreign markets, most of all ${h.markets[top].name} (${p[top].toLocaleString("en-US")} firms). ${plural(entries, "new entry", "new entries")} ${h.stepsPerYear === 4 ? "this quarter" : h.stepsPerYear === 12 ? "this month" : h.stepsPerYear === 1 ? "this year" : "at this step"}.`;
  return { text, step: s, market: top };
}
