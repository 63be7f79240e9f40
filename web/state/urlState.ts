import type { ScenarioInput } from "../../src/scenario/schema.ts";
import { formatIssue, validateScenario } from "../../src/scenario/validate.ts";

/**
 * The whole state of the app lives in the URL's query string, so a link reproduces exactly what
 * the sender saw. Pure functions (no DOM): encodeState / decodeState round-trip, and a decoded
 * link is validated like any scenario file; every problem becomes a message and the affected part
 * falls back to the baseline.
 */
export const VIEWS = ["map", "cohorts", "pathModel", "whatIf", "sensitivity"] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<View, string> = {
  map: "World map",
  cohorts: "Cohort curves",
  pathModel: "Path model",
  whatIf: "What-if",
  sensitivity: "Sensitivity",
};

export interface AppState {
  view: View;
  /** The scenario as the user gave or edited it (validated before it enters the state). */
  scenario: ScenarioInput;
  /** Time step shown on the map timeline (0 = first step); null = the survey date. */
  date: number | null;
  /**
   * Virtual survey of the path-model view: sample size and seed of the re-estimate; `full` runs
   * the whole survey (frame, mailing, non-response, 7-point items) instead of drawing n firms.
   */
  survey: { n: number; seed: number; full: boolean };
  /** The firm followed on the map, or null. */
  firm: number | null;
  /** Name of the policy scenario compared in the what-if view. */
  policy: string;
  /**
   * Every other setting of a view, by control name (see UI_KEYS): the What-if lever, replications
   * and measure, the map's speed and country, the sensitivity designs. Raw text here; each view
   * checks its own values against its controls and reports the ones it cannot use.
   */
  ui: Readonly<Record<string, string>>;
}

/** The view settings a link may carry, each the name of a query parameter. */
export const UI_KEYS = [
  "wi-lever",
  "wi-reps",
  "wi-measure",
  "map-speed",
  "map-country",
  "sens-axis",
  "sens-path",
  "sens-levels",
  "sens-reps",
  "glob-sweep",
  "glob-reps",
  "glob-quantity",
] as const;
export type UiKey = (typeof UI_KEYS)[number];
const UI_MAX_LENGTH = 200;

export const SURVEY_N = { min: 30, max: 5000 } as const; // our UI range: below 30 the ML fit is unstable
export const DATE_MAX = 10_000;

export function defaultState(baseline: ScenarioInput): AppState {
  return {
    view: "map",
    scenario: stripSchema(baseline),
    date: null,
    // n = 203 usable responses (Knight & Cavusgil 2004, Method); survey seed is ours
    survey: { n: 203, seed: 1, full: false },
    firm: null,
    policy: "",
    ui: {},
  };
}

function stripSchema(s: ScenarioInput): ScenarioInput {
  const { $schema: _drop, ...rest } = s as ScenarioInput & { $schema?: string };
  return rest;
}

/** UTF-8 safe base64url. */
export function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("contains characters outside base64url");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** The query string (without "?") that reproduces a state. The seed is shown on its own. */
export function encodeState(s: AppState): string {
  const { seed, ...rest } = stripSchema(s.scenario) as ScenarioInput & { seed?: number };
  const p = new URLSearchParams();
  p.set("view", s.view);
  if (seed !== undefined) p.set("seed", String(seed));
  if (s.date !== null) p.set("date", String(s.date));
  p.set("n", String(s.survey.n));
  p.set("sseed", String(s.survey.seed));
  if (s.survey.full) p.set("full", "1");
  if (s.firm !== null) p.set("firm", String(s.firm));
  if (s.policy) p.set("policy", s.policy);
  for (const k of UI_KEYS) {
    const v = s.ui[k];
    if (v !== undefined) p.set(k, v);
  }
  p.set("scenario", toBase64Url(JSON.stringify(rest)));
  return p.toString();
}

export interface Decoded {
  state: AppState;
  /** Human-readable problems with the link; empty when it was fully valid. */
  errors: string[];
}

const KNOWN = new Set<string>([
  "view",
  "seed",
  "date",
  "n",
  "sseed",
  "full",
  "firm",
  "policy",
  "scenario",
  ...UI_KEYS,
]);

function intParam(
  p: URLSearchParams,
  key: string,
  min: number,
  max: number,
  errors: string[],
): number | undefined {
  const raw = p.get(key);
  if (raw === null) return undefined;
  const v = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    errors.push(`"${key}" = ${JSON.stringify(raw)}: must be a whole number from ${min} to ${max}`);
    return undefined;
  }
  return v;
}

/** Read a state from a query string; anything invalid is reported and replaced by the baseline. */
export function decodeState(search: string, baseline: ScenarioInput): Decoded {
  const base = defaultState(baseline);
  const errors: string[] = [];
  const p = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  if ([...p.keys()].length === 0) return { state: base, errors };
  for (const k of p.keys()) {
    if (!KNOWN.has(k)) errors.push(`unknown link parameter "${k}" (ignored)`);
  }
  const state: AppState = { ...base, survey: { ...base.survey } };
  const ui: Record<string, string> = {};
  for (const k of UI_KEYS) {
    const v = p.get(k);
    if (v === null) continue;
    if (v.length > UI_MAX_LENGTH)
      errors.push(`"${k}" is longer than ${UI_MAX_LENGTH} characters (ignored)`);
    else ui[k] = v;
  }
  state.ui = ui;
  const view = p.get("view");
  if (view !== null) {
    if ((VIEWS as readonly string[]).includes(view)) state.view = view as View;
    else errors.push(`"view" = ${JSON.stringify(view)}: must be one of ${VIEWS.join(", ")}`);
  }
  state.date = intParam(p, "date", 0, DATE_MAX, errors) ?? base.date;
  state.survey.n = intParam(p, "n", SURVEY_N.min, SURVEY_N.max, errors) ?? base.survey.n;
  state.survey.seed = intParam(p, "sseed", 0, 4_294_967_295, errors) ?? base.survey.seed;
  state.survey.full = (intParam(p, "full", 0, 1, errors) ?? 0) === 1;
  state.firm = intParam(p, "firm", 0, 100_000_000, errors) ?? null;
  const policy = p.get("policy");
  if (policy !== null) {
    if (/^[\w.-]{1,80}$/.test(policy)) state.policy = policy;
    else errors.push(`"policy" = ${JSON.stringify(policy.slice(0, 40))}: not a scenario name`);
  }

  let scenario: Record<string, unknown> = { ...base.scenario };
  const raw = p.get("scenario");
  let scenarioOk = true;
  if (raw !== null) {
    try {
      const parsed: unknown = JSON.parse(fromBase64Url(raw));
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("not a JSON object");
      scenario = parsed as Record<string, unknown>;
    } catch (e) {
      scenarioOk = false;
      errors.push(`"scenario" could not be read: ${(e as Error).message}`);
    }
  }
  const seed = intParam(p, "seed", 0, 4_294_967_295, errors);
  if (scenarioOk && seed !== undefined) scenario.seed = seed;
  if (scenarioOk) {
    const v = validateScenario(scenario);
    if (v.ok) state.scenario = scenario as ScenarioInput;
    else {
      scenarioOk = false;
      for (const issue of v.issues) errors.push(`scenario: ${formatIssue(issue)}`);
    }
  }
  if (!scenarioOk) {
    errors.push("the baseline scenario is shown instead");
    state.scenario = base.scenario;
  }
  return { state, errors };
}
