import { SAMPLE } from "../../src/paper/sample.ts";
import type { ViewHistory } from "../dynamics/summarise.ts";

/** Simulated facts of the surveyed frame next to the paper's sample facts (pure). */
export interface FactRow {
  fact: string;
  simulated: string;
  paper: string;
}

function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

export function cohortFacts(h: ViewHistory): FactRow[] {
  const f = h.firms;
  const spy = h.stepsPerYear;
  let alive = 0;
  let bg = 0;
  let frame = 0;
  const lag: number[] = [];
  for (let i = 0; i < f.n; i++) {
    const isAlive =
      f.foundingStep[i] <= h.surveyStep && (f.exitStep[i] < 0 || f.exitStep[i] > h.surveyStep);
    if (!isAlive) continue;
    alive++;
    if (f.bornGlobal[i]) bg++;
    if (f.inFrame[i]) {
      frame++;
      if (f.firstEntryStep[i] >= 0) lag.push((f.firstEntryStep[i] - f.foundingStep[i]) / spy);
    }
  }
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "–");
  const med = median(lag);
  return [
    {
      fact: "Firms alive at the survey date",
      simulated: alive.toLocaleString("en-US"),
      paper: "–",
    },
    {
      fact: "Born global among them",
      simulated: `${bg.toLocaleString("en-US")} (${pct(bg, alive)})`,
      paper: "–",
    },
    {
      fact: "In the surveyed frame (founded ≥ 1980, foreign share ≥ 25%)",
      simulated: frame.toLocaleString("en-US"),
      paper: `${SAMPLE.mailed} mailed, ${SAMPLE.usable} usable`,
    },
    {
      fact: "Median years from founding to first foreign entry (frame)",
      simulated: Number.isFinite(med) ? med.toFixed(2) : "–",
      paper: `within ${SAMPLE.medianYearsToFirstForeignSale}`,
    },
  ];
}
