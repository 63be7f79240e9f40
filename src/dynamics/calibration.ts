import { surveyDateCounts } from "./status.ts";
import type { DynamicsHistory } from "./types.ts";

/**
 * Calibration targets: what the shipped baseline must reproduce, each with its band and
 * source. "frame" targets are measured on the surveyed frame at the survey date (founded in or
 * after frame.foundedFrom, alive, foreign share >= frame.minForeignShare); the others on the
 * population named in `population`.
 */
export interface CalibrationTarget {
  key: string;
  label: string;
  population: string;
  target: number;
  lo: number;
  hi: number;
  source: string;
  /** Short citation for terminal tables. */
  cite: string;
}

export const TARGETS: readonly CalibrationTarget[] = [
  {
    key: "frameMedianYearsToFirstSale",
    label: "median years founding -> first foreign sale",
    population: "frame",
    target: 2,
    lo: 0,
    hi: 2,
    source: "Knight & Cavusgil 2004, data analysis: median within 2 years",
    cite: "K&C 2004",
  },
  {
    key: "frameMedianMarkets",
    label: "median markets served",
    population: "frame",
    target: 20,
    lo: 15,
    hi: 25,
    source: "Knight & Cavusgil 2004: median 20 countries targeted (band: our choice, +-25%)",
    cite: "K&C 2004",
  },
  {
    key: "frameMeanForeignShare",
    label: "mean foreign share of sales",
    population: "frame",
    target: 0.41,
    lo: 0.36,
    hi: 0.46,
    source: "Knight & Cavusgil 2004: 41% (band: our choice, +-5 points)",
    cite: "K&C 2004",
  },
  {
    key: "frameMeanEmployees",
    label: "mean employees",
    population: "frame",
    target: 190,
    lo: 120,
    hi: 260,
    source: "Knight & Cavusgil 2004: respondents' mean 190 (band: our choice)",
    cite: "K&C 2004",
  },
  {
    key: "shareExporting",
    label: "share of living firms that export",
    population: "all firms alive at the survey",
    target: 0.18,
    lo: 0.1,
    hi: 0.3,
    source: "Bernard, Jensen, Redding & Schott 2007 JEP 21(3): 18% of US manufacturers (2002)",
    cite: "Bernard et al. 2007",
  },
  {
    key: "exportersEarlyShare",
    label: "exporters that exported within 2 years of founding",
    population: "exporters alive at the survey",
    target: 0.33,
    lo: 0.2,
    hi: 0.5,
    source: "Moen & Servais 2002 J. Int'l Marketing 10(3): about one third",
    cite: "Moen & Servais 2002",
  },
  {
    key: "bornGlobalShareOfExporters",
    label: "born globals among exporters",
    population: "exporters alive at the survey",
    target: 0.16,
    lo: 0.05,
    hi: 0.3,
    source: "Sui, Yu & Baum 2012 (Canada): 16% of SME exporters",
    cite: "Sui, Yu & Baum 2012",
  },
  {
    key: "destinationSurvival2y",
    label: "new destinations still served after 2 years",
    population: "new firm-market relationships",
    target: 0.31,
    lo: 0.2,
    hi: 0.45,
    source: "Albornoz, Fanelli & Hallak 2016 JIE 102: 31%",
    cite: "Albornoz et al. 2016",
  },
  {
    key: "newExporterQuitFirstYear",
    label: "new exporters that stop within a year",
    population: "first foreign entries",
    target: 0.5,
    lo: 0.3,
    hi: 0.65,
    source: "Eaton, Eslava, Kugler & Tybout 2008: about half",
    cite: "Eaton et al. 2008",
  },
  {
    key: "firmSurvival4y",
    label: "new firms surviving 4 years",
    population: "firms founded 4+ years before the end",
    target: 0.44,
    lo: 0.34,
    hi: 0.54,
    source:
      "BLS Business Employment Dynamics: about 66% of new establishments survive 2 years and 44% survive 4 years (Knaup 2005, Monthly Labor Review 128(5); all private-sector establishments born in 1998; band: our choice, +-10 points)",
    cite: "Knaup 2005 (BLS)",
  },
  {
    key: "bornGlobalShareOfStartups",
    label: "born globals among firms alive at the survey",
    population: "all firms alive at the survey",
    target: 0.05,
    lo: 0.006,
    hi: 0.2,
    source:
      "Halldin 2012 (Sweden 0.6-3.3%) to Eurofound 2012 (about one fifth, broad definition): the band is the published range; the target 0.05 inside it is our choice (no source gives a point value), used by the calibration loss",
    cite: "Halldin 2012; Eurofound 2012",
  },
];

function median(xs: number[]): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** The simulated value of every target key, plus the frame size. */
export function calibrationValues(h: DynamicsHistory): Record<string, number> {
  const o = h.firms;
  const snap = h.survey;
  const { alive, exporters, earlyExporters: early, bornGlobals: bg, frame } = surveyDateCounts(h);
  const years: number[] = [];
  const markets: number[] = [];
  let shareSum = 0;
  let empSum = 0;
  for (let f = 0; f < o.n; f++) {
    if (!snap.alive[f] || !o.inFrame[f]) continue;
    years.push(o.yearsToFirstEntry[f]);
    markets.push(snap.served[f]);
    shareSum += snap.share[f];
    empSum += o.employees[f];
  }
  const st = h.stats;
  const T = h.calendar.steps;
  const four = 4 * h.calendar.stepsPerYear;
  let cohort = 0;
  let survived = 0;
  for (let f = 0; f < o.n; f++) {
    if (o.foundingStep[f] > T - 1 - four) continue;
    cohort++;
    if (o.exitStep[f] < 0 || o.exitStep[f] - o.foundingStep[f] >= four) survived++;
  }
  return {
    firmSurvival4y: cohort ? survived / cohort : Number.NaN,
    frameSize: frame,
    frameMedianYearsToFirstSale: median(years),
    frameMedianMarkets: median(markets),
    frameMeanForeignShare: frame ? shareSum / frame : Number.NaN,
    frameMeanEmployees: frame ? empSum / frame : Number.NaN,
    shareExporting: alive ? exporters / alive : Number.NaN,
    exportersEarlyShare: exporters ? early / exporters : Number.NaN,
    bornGlobalShareOfExporters: exporters ? bg / exporters : Number.NaN,
    destinationSurvival2y: st.spellsEligible
      ? 1 - st.spellsEndedEarly / st.spellsEligible
      : Number.NaN,
    newExporterQuitFirstYear: st.firstEntriesChecked
      ? st.quitWithinYear / st.firstEntriesChecked
      : Number.NaN,
    bornGlobalShareOfStartups: alive ? bg / alive : Number.NaN,
  };
}

export interface CalibrationRow extends CalibrationTarget {
  simulated: number;
  within: boolean;
}

export function calibrationTable(h: DynamicsHistory): CalibrationRow[] {
  const v = calibrationValues(h);
  return TARGETS.map((t) => {
    const x = v[t.key];
    return { ...t, simulated: x, within: Number.isFinite(x) && x >= t.lo && x <= t.hi };
  });
}

/**
 * Calibration loss: sum over targets of ((simulated - target) / half band)^2, where the half
 * band is the distance from the target to the band edge on the simulated value's side (or the
 * other edge when the target sits on the band's edge); a missing value costs 100.
 */
export function calibrationLoss(rows: readonly CalibrationRow[]): number {
  let loss = 0;
  for (const r of rows) {
    if (!Number.isFinite(r.simulated)) {
      loss += 100;
      continue;
    }
    const up = r.simulated >= r.target;
    let half = up ? r.hi - r.target : r.target - r.lo;
    if (half <= 0) half = up ? r.target - r.lo : r.hi - r.target;
    if (half <= 0) half = Math.abs(r.target) || 1;
    const z = (r.simulated - r.target) / half;
    loss += r.within && r.lo === r.target ? 0 : z * z;
  }
  return loss;
}
