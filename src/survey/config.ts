import { SAMPLE } from "../paper/sample.ts";
import { DEFAULT_INSTRUMENT, type InstrumentOptions } from "./instrument.ts";
import type { ResponseFormat } from "./responses.ts";

/** Everything a virtual survey needs to know (the scenario's `survey` section, defaults resolved). */
export interface SurveyConfig extends InstrumentOptions {
  enabled: boolean;
  /** "items": every respondent answers every item; "composites": composites are drawn directly
   * as the mean of continuous items would be (faster; no item file). */
  level: "items" | "composites";
  responses: ResponseFormat;
  calibration: "latent" | "composites";
  frame: {
    minFoundingYear: number | null;
    minExportShare: number;
    attributes: "placeholder";
  };
  mailed: number;
  responseRate: number;
  /** Usable responses wanted; a survey that gets fewer responses uses all it gets. */
  n: number;
  responseBias: { on: "none" | "performance" | "size"; strength: number };
  /** Shares of respondents in the three mailing waves (early = first, late = last). */
  waves: [number, number, number];
}

export const DEFAULT_SURVEY: SurveyConfig = {
  ...DEFAULT_INSTRUMENT,
  enabled: false,
  level: "items",
  responses: "likert",
  calibration: "latent",
  frame: {
    minFoundingYear: SAMPLE.minFoundingYear, // Method: founded in 1980 or later
    minExportShare: SAMPLE.minExportShare, // Method: exporting at least 25% of production
    attributes: "placeholder",
  },
  mailed: SAMPLE.mailed, // Method: 900 firms mailed
  responseRate: SAMPLE.responseRate, // Method: about 23%
  n: SAMPLE.usable, // Method: 203 usable responses
  responseBias: { on: "none", strength: 0 },
  waves: [0.5, 0.3, 0.2], // our calibration: a typical three-wave mailing (the paper gives no split)
};

/** Problems with a survey configuration that the schema's per-field ranges cannot see. */
export function surveyConfigProblems(c: SurveyConfig): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!(c.responseRate > 0 && c.responseRate <= 1))
    out.push({ field: "responseRate", message: `${c.responseRate} must lie in (0, 1]` });
  if (c.n > c.mailed)
    out.push({
      field: "mailed",
      message: `mailing ${c.mailed} firms cannot yield n = ${c.n} usable responses; mail at least ${Math.ceil(c.n / c.responseRate)}`,
    });
  else if (c.mailed * c.responseRate < c.n)
    out.push({
      field: "mailed",
      message: `${c.mailed} firms mailed at a response rate of ${c.responseRate} return about ${Math.round(c.mailed * c.responseRate)} responses, fewer than the n = ${c.n} usable responses requested; mail at least ${Math.ceil(c.n / c.responseRate)} or lower survey.n`,
    });
  const w = c.waves.reduce((a, b) => a + b, 0);
  if (Math.abs(w - 1) > 1e-9)
    out.push({ field: "waves", message: `the three wave shares must sum to 1 (they sum to ${w})` });
  return out;
}
