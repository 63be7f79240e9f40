import { paramTable } from "../estimate/parameters.ts";
import { buildModel, customSpec, type StructuralModel, structureOf } from "../model/index.ts";
import { SAMPLE } from "../paper/sample.ts";
import { type Scenario, ScenarioSchema } from "./schema.ts";

/** A validation problem: the JSON path, the value found, and what is allowed. */
export interface ScenarioIssue {
  path: string;
  value: unknown;
  message: string;
}

export type ValidationResult =
  | { ok: true; scenario: Scenario }
  | { ok: false; issues: ScenarioIssue[] };

/** Deepest nesting of objects and arrays a scenario or sweep file may have (real files: < 10). */
export const MAX_NESTING = 64;
/** Longest key shown in a message, and most issues listed for one file. */
const MAX_KEY_SHOWN = 60;
const MAX_VALUE_SHOWN = 60;
export const MAX_ISSUES = 50;

/** A key as shown in a message: cut to MAX_KEY_SHOWN characters with its full length. */
export function shortKey(k: string): string {
  return k.length > MAX_KEY_SHOWN ? `${k.slice(0, MAX_KEY_SHOWN - 3)}...(${k.length} chars)` : k;
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (!path.length) return "(root)";
  const shown =
    path.length > 12
      ? [...path.slice(0, 6), `...(${path.length - 10} levels)`, ...path.slice(-4)]
      : path;
  return shown
    .map((k, i) =>
      typeof k === "number" ? `[${k}]` : i === 0 ? shortKey(String(k)) : `.${shortKey(String(k))}`,
    )
    .join("");
}

/**
 * A value as shown in a message: JSON, cut to MAX_VALUE_SHOWN characters. Never recurses more
 * than a few levels or walks more than a few dozen entries, so any input is shown in bounded
 * time and stack. Non-finite numbers (JSON has none; JSON.parse turns 1e999 into Infinity) are
 * shown as what the user most likely wrote.
 */
export function showValue(v: unknown): string {
  let budget = MAX_VALUE_SHOWN + 4;
  const put = (s: string): string => {
    budget -= s.length;
    return s;
  };
  const walk = (x: unknown, depth: number): string => {
    if (budget <= 0) return "";
    if (x === null) return put("null");
    if (typeof x === "number")
      return put(
        Number.isFinite(x)
          ? String(x)
          : Number.isNaN(x)
            ? "NaN"
            : x > 0
              ? "1e999 (too large)"
              : "-1e999 (too large)",
      );
    if (typeof x === "string")
      return put(JSON.stringify(x.length > MAX_VALUE_SHOWN ? x.slice(0, MAX_VALUE_SHOWN) : x));
    if (typeof x !== "object") return put(String(x));
    if (depth >= 3) return put(Array.isArray(x) ? "[...]" : "{...}");
    const parts: string[] = [];
    if (Array.isArray(x)) {
      put("[");
      for (let i = 0; i < x.length && budget > 0; i++) parts.push(walk(x[i], depth + 1));
      return `[${parts.join(put(","))}]`;
    }
    put("{");
    for (const k in x) {
      if (!Object.hasOwn(x, k)) continue;
      if (budget <= 0) break;
      const key = put(`${JSON.stringify(shortKey(k))}:`);
      parts.push(key + walk((x as Record<string, unknown>)[k], depth + 1));
    }
    return `{${parts.join(",")}}`;
  };
  const s = walk(v, 0);
  return s.length > MAX_VALUE_SHOWN ? `${s.slice(0, MAX_VALUE_SHOWN - 3)}...` : s;
}

function show(v: unknown): string {
  return v === undefined ? "missing" : showValue(v);
}

/**
 * The first place where parsed JSON nests deeper than `max` levels or holds a `__proto__` key
 * (JSON.parse makes it an own property, which schema parsing would drop silently), or
 * undefined. Iterative,
 * so a file nested 100,000 levels deep costs no stack.
 */
export function tooDeep(input: unknown, max = MAX_NESTING): ScenarioIssue | undefined {
  const stack: { v: unknown; path: PropertyKey[] }[] = [{ v: input, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop() as { v: unknown; path: PropertyKey[] };
    if (v === null || typeof v !== "object") continue;
    if (path.length >= max)
      return {
        path: formatPath(path),
        value: undefined,
        message: `nested more than ${max} levels deep (a scenario or sweep file nests fewer than 10)`,
      };
    if (Object.hasOwn(v, "__proto__"))
      return {
        path: formatPath([...path, "__proto__"]),
        value: undefined,
        message: "a key named __proto__ is not allowed (it is no field of a scenario or sweep)",
      };
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else
      for (const k of Object.keys(v))
        stack.push({ v: (v as Record<string, unknown>)[k], path: [...path, k] });
  }
  return undefined;
}

/** At most MAX_ISSUES issues, the last one saying how many more there are. */
export function capIssues(issues: ScenarioIssue[]): ScenarioIssue[] {
  if (issues.length <= MAX_ISSUES) return issues;
  return [
    ...issues.slice(0, MAX_ISSUES),
    {
      path: "(file)",
      value: undefined,
      message: `... and ${issues.length - MAX_ISSUES} more problems`,
    },
  ];
}

export function formatIssue(i: ScenarioIssue): string {
  return i.value === undefined
    ? `${i.path}: ${i.message}`
    : `${i.path} = ${show(i.value)}: ${i.message}`;
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Validate a parsed scenario object: schema first, then the structural model's own checks. */
export function validateScenario(input: unknown): ValidationResult {
  const deep = tooDeep(input);
  if (deep) return { ok: false, issues: [deep] };
  const r = ScenarioSchema.safeParse(input);
  if (!r.success) {
    const issues: ScenarioIssue[] = [];
    for (const iss of r.error.issues) {
      if (iss.code === "unrecognized_keys") {
        for (const key of iss.keys) {
          const path = formatPath([...iss.path, key]);
          issues.push({
            path,
            value: valueAt(input, [...iss.path, key]),
            message:
              "unknown field (check the spelling; allowed fields are listed in the JSON Schema)",
          });
        }
      } else {
        issues.push({
          path: formatPath(iss.path),
          value: valueAt(input, iss.path),
          message: iss.message,
        });
      }
    }
    return { ok: false, issues: capIssues(issues) };
  }
  const frame = emptyFrame(r.data);
  if (frame.length) return { ok: false, issues: frame };
  const built = scenarioModel(r.data);
  if (!built.ok) return built;
  // A cross-section estimated on the drawn firms needs more firms than the model has free
  // parameters (the survey and the dynamics mode check their own sample sizes).
  const q = paramTable(structureOf(built.model.spec)).params.length;
  if (r.data.mode === "cross-section" && !r.data.survey.enabled && r.data.population.firms <= q) {
    return {
      ok: false,
      issues: [
        {
          path: "population.firms",
          value: r.data.population.firms,
          message: `must exceed the ${q} free parameters of the path model (allowed: ${q + 1} to 5000000)`,
        },
      ],
    };
  }
  return { ok: true, scenario: r.data };
}

/**
 * Frame criteria that admit no firm at all, whatever the seed. In a cross-section the frame is
 * drawn from the placeholder universe (docs/survey.md): export shares lie strictly below 1 and
 * firms are founded by the survey year (SAMPLE.surveyYear); in the dynamics no firm is founded
 * after dynamics.surveyYear. What depends on the draw (too few firms for the mailing) only a
 * run can tell; it is reported then as an error naming survey.frame.
 */
function emptyFrame(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const f = s.survey.frame;
  const surveyYear = s.mode === "dynamics" ? s.dynamics.surveyYear : SAMPLE.surveyYear;
  const where =
    s.mode === "dynamics" ? "dynamics.surveyYear" : "the survey year of the placeholder frame";
  if (f.minFoundingYear !== null && f.minFoundingYear > surveyYear)
    issues.push({
      path: "survey.frame.minFoundingYear",
      value: f.minFoundingYear,
      message: `no firm is founded after ${where} (${surveyYear}), so the frame would hold no firm (allowed: up to ${surveyYear}, or null)`,
    });
  if (s.mode !== "dynamics" && f.minExportShare >= 1)
    issues.push({
      path: "survey.frame.minExportShare",
      value: f.minExportShare,
      message:
        "no firm of the placeholder frame exports all of its production, so the frame would hold no firm (allowed: 0 to below 1)",
    });
  return issues;
}

/** The structural model a (schema-valid) scenario describes, or the reasons it is impossible. */
export function scenarioModel(
  s: Scenario,
): { ok: true; model: StructuralModel } | { ok: false; issues: ScenarioIssue[] } {
  const spec = customSpec(
    s.model.base,
    { paths: s.model.paths, correlations: s.model.correlations },
    s.model.base,
  );
  const b = buildModel(spec);
  if (b.ok) return { ok: true, model: b.model };
  return {
    ok: false,
    issues: b.errors.map((e) => ({
      path: `model (${e.where})`,
      value: undefined,
      message: e.message,
    })),
  };
}

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

/**
 * What JSON.parse accepts silently in text already known to be valid JSON: a key given twice
 * in one object (the last one would win) and a number too large for a double (it would become
 * Infinity). One pass, no recursion; the issues name the path, the key and both positions, or
 * the number as written.
 */
export function jsonTextIssues(text: string): ScenarioIssue[] {
  type Ctx = { path: PropertyKey[]; keys?: Map<string, number>; key?: string; index: number };
  const issues: ScenarioIssue[] = [];
  const stack: Ctx[] = [];
  const here = (): PropertyKey[] => {
    const top = stack[stack.length - 1];
    if (!top) return [];
    return top.keys ? [...top.path, top.key ?? ""] : [...top.path, top.index];
  };
  let expectKey = false;
  for (let i = 0; i < text.length && issues.length < MAX_ISSUES; i++) {
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push(
        c === "{" ? { path: here(), keys: new Map(), index: 0 } : { path: here(), index: 0 },
      );
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const first = top.keys.get(key);
        if (first !== undefined)
          issues.push({
            path: formatPath([...top.path, key]),
            value: undefined,
            message: `the key "${shortKey(key)}" appears twice in one object (${lineCol(text, first)} and ${lineCol(text, i)}); keep one`,
          });
        else top.keys.set(key, i);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const raw = text.slice(i, j);
      if (!Number.isFinite(Number(raw)))
        issues.push({
          path: formatPath(here()),
          value: undefined,
          message: `${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw} is too large a number (beyond +-1.8e308)`,
        });
      i = j - 1;
    }
  }
  return issues;
}

/**
 * Parse JSON text, or the issues that say why it cannot be used: not JSON (with the parser's
 * position), a duplicate key, a number too large (see jsonTextIssues).
 */
export function parseJsonText(
  text: string,
): { ok: true; json: unknown } | { ok: false; issues: ScenarioIssue[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      issues: [
        { path: "(file)", value: undefined, message: `not valid JSON: ${(e as Error).message}` },
      ],
    };
  }
  const issues = jsonTextIssues(text);
  return issues.length ? { ok: false, issues } : { ok: true, json };
}

/** Parse JSON text and validate it; JSON syntax errors are reported with their position. */
export function parseScenarioText(text: string): ValidationResult {
  const parsed = parseJsonText(text);
  return parsed.ok ? validateScenario(parsed.json) : parsed;
}
