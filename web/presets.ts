import calibratedJson from "../scenarios/dynamics-calibrated.json";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import type { AppState, View } from "./state/urlState.ts";

/** Classroom presets: a named starting point, two or three sentences, and the state to load. */
export interface Preset {
  id: string;
  title: string;
  text: string;
  state: (baseline: ScenarioInput) => Partial<AppState>;
}

export const PRESETS: Preset[] = [
  {
    id: "born-global-vs-gradual",
    title: "A born global vs a gradual exporter",
    text: "Click “Follow a born global” to trace a firm that went abroad within three years of its founding, then “Follow a gradual exporter”, one that stayed at home for years. Press Space to play; each numbered dot is a market in the order the firm entered it.",
    state: (b) => ({ view: "map", scenario: b, date: 0, firm: null }),
  },
  {
    id: "cheaper-communication",
    title: "The 1980s vs the 2000s: cheaper communication",
    text: "Cheaper communication and logistics make every foreign entry a little easier each year. Compare the baseline with a world where that trend is faster: more firms export, but capabilities still decide who goes first.",
    state: (b) => ({ view: "whatIf", scenario: b, policy: "cheaper-communication" }),
  },
  {
    id: "paper",
    title: "The paper's model, re-surveyed",
    text: "The population follows Knight & Cavusgil's published coefficients (Table 2). A virtual survey like theirs (mailed to the frame, about 23% respond, 203 usable answers on 7-point items) re-estimates every path. Change the survey seed and watch which hypotheses stay supported.",
    state: (b) => ({ view: "pathModel", scenario: b, survey: { n: 203, seed: 1, full: true } }),
  },
  {
    id: "weak-imo",
    title: "What if marketing orientation were weak?",
    text: "International marketing orientation (IMO) drives quality focus and the use of foreign distributors. Here its four paths are cut to 0.05. Does the survey still find the strategies' effects on performance?",
    state: (b) => ({
      view: "pathModel",
      scenario: {
        ...b,
        name: "weak marketing orientation",
        model: {
          ...(b.model ?? {}),
          paths: { "IMO->GTC": 0.05, "IMO->UPD": 0.05, "IMO->QF": 0.05, "IMO->LFDC": 0.05 },
        },
      },
      survey: { n: 203, seed: 1, full: false },
    }),
  },
  {
    id: "calibrated-world",
    title: "A world whose survey looks like the paper's",
    text: "This world was calibrated so that a survey of it (founded since 1980, alive in 2002, at least 25% of sales abroad) comes as close to the paper's Table 1 as the model allows, with all eleven calibration targets in band. Its founding population needs stronger links than the paper reports: survival and the export cut-off weaken them before any survey sees them (docs/calibration-survey.md).",
    state: () => ({ view: "cohorts", scenario: calibratedJson as ScenarioInput }),
  },
  {
    id: "power",
    title: "How many firms would you need to survey?",
    text: "The paper surveyed 203 firms. The sensitivity view re-runs the survey hundreds of times at each sample size and shows how often each hypothesis comes out supported. Small paths such as H4a need far more firms.",
    state: (b) => ({ view: "sensitivity", scenario: b }),
  },
];

/** What to notice in each view (the classroom line under its title). */
export const NOTICE: Record<View, string> = {
  map: "What to notice: follow a born global, then a gradual exporter. The born global reaches several countries within about three years of its founding; the gradual exporter stays at home for years, then adds markets one at a time.",
  cohorts:
    "What to notice: how much of each curve rises inside the 3-year born-global window, and whether the 1990s cohort rises faster than the 1980s one.",
  pathModel:
    "What to notice: which paths keep their S verdict when you change the survey seed; small paths (about 0.1, like H4a IEO → LFDC) are the ones that flip.",
  whatIf:
    "What to notice: the lines part only after the policy starts; judge the effect by the difference and its 95% interval in the table, not by the gap between the bands.",
  sensitivity:
    "What to notice: where each row crosses 80% power, and how that sample size compares with the paper's 203 firms.",
};
