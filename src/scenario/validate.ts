import { paramTable } from "../estimate/parameters.ts";
import { buildModel, customSpec, type StructuralModel, structureOf } from "../model/index.ts";
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

export function formatPath(path: readonly PropertyKey[]): string {
  if (!path.length) return "(root)";
  return path
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join("");
}

function show(v: unknown): string {
  if (v === undefined) return "missing";
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
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
    return { ok: false, issues };
  }
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

/** Parse JSON text, or the issue that says why it is not JSON (with the parser's position). */
export function parseJsonText(
  text: string,
): { ok: true; json: unknown } | { ok: false; issues: ScenarioIssue[] } {
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch (e) {
    return {
      ok: false,
      issues: [
        { path: "(file)", value: undefined, message: `not valid JSON: ${(e as Error).message}` },
      ],
    };
  }
}

/** Parse JSON text and validate it; JSON syntax errors are reported with their position. */
export function parseScenarioText(text: string): ValidationResult {
  const parsed = parseJsonText(text);
  return parsed.ok ? validateScenario(parsed.json) : parsed;
}
