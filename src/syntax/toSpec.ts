import type { ModelSpec, ModelStructure, ParameterConstraint } from "../model/spec.ts";
import { structureOf } from "../model/spec.ts";
import { exprLabels, parseExpression } from "./expression.ts";
import { type ParRow, type ParsedModel, tryParseModel } from "./parse.ts";

const constraint = (r: ParRow): ParameterConstraint => ({
  ...(r.label ? { label: r.label } : {}),
  ...(r.fixed !== null ? { fixed: r.fixed } : {}),
});

export type ToStructureResult =
  | { ok: true; structure: ModelStructure }
  | { ok: false; error: string };

/**
 * A parsed model as the path-model structure the estimator fits. `available` (the data's
 * columns) orders the variables and catches unknown names; without it, variables are ordered
 * by first appearance. Refuses what the path-model estimator cannot fit, with the reason.
 */
export function toStructure(
  model: ParsedModel | readonly ParRow[],
  available?: readonly string[],
): ToStructureResult {
  const rows = "rows" in model ? model.rows : model;
  const where = (k: number) => {
    const l = "rows" in model ? model.locations[k] : undefined;
    return l ? ` (line ${l.line}, column ${l.column})` : "";
  };
  const fail = (error: string): ToStructureResult => ({ ok: false, error });
  const seen: string[] = [];
  const defined = new Set(rows.filter((r) => r.op === ":=").map((r) => r.lhs));
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op === "=~")
      return fail(
        `${r.lhs} =~ ${r.rhs}${where(k)}: measurement models (=~) are not estimated yet; give the constructs as observed variables (composite scores)`,
      );
    if (r.op === "~1")
      return fail(
        `${r.lhs} ~ 1${where(k)}: intercepts are not estimated (the path model fits covariances only)`,
      );
    if (r.op === ":=") continue;
    for (const v of [r.lhs, r.rhs]) {
      if (available && !available.includes(v))
        return fail(
          `unknown variable "${v}"${where(k)}: the data have columns ${available.join(", ")}`,
        );
      if (defined.has(v)) return fail(`"${v}"${where(k)} is a defined parameter, not a variable`);
      if (!seen.includes(v)) seen.push(v);
    }
  }
  const variables = available ? available.filter((v) => seen.includes(v)) : seen;
  const inRegression = new Set(rows.filter((r) => r.op === "~").flatMap((r) => [r.lhs, r.rhs]));
  const outside = variables.filter((v) => !inRegression.has(v));
  if (outside.length)
    return fail(
      `${outside.join(", ")} appear${outside.length === 1 ? "s" : ""} in no regression (~): a path model needs every variable in a regression`,
    );
  const endogenous = new Set(rows.filter((r) => r.op === "~").map((r) => r.lhs));
  const paths: ({ from: string; to: string } & ParameterConstraint)[] = [];
  const covariances: ({ a: string; b: string } & ParameterConstraint)[] = [];
  const variances: ({ v: string } & ParameterConstraint)[] = [];
  const keys = new Set<string>();
  const labels = new Map<string, { fixed: number | null; at: number }>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op === ":=") continue;
    const key = r.op === "~" ? `${r.lhs}~${r.rhs}` : `${[r.lhs, r.rhs].sort().join("~~")}`;
    if (keys.has(key))
      return fail(`${r.lhs} ${r.op} ${r.rhs}${where(k)}: the parameter is given twice`);
    keys.add(key);
    if (r.op === "~" && r.lhs === r.rhs)
      return fail(`${r.lhs} ~ ${r.rhs}${where(k)}: a variable cannot predict itself`);
    if (r.label) {
      if (variables.includes(r.label))
        return fail(`label "${r.label}"${where(k)} is also a variable name`);
      if (defined.has(r.label))
        return fail(`label "${r.label}"${where(k)} is also a defined parameter's name`);
      const prev = labels.get(r.label);
      if (prev && prev.fixed !== r.fixed)
        return fail(
          `label "${r.label}"${where(k)} is shared by parameters with different fixed values (${prev.fixed ?? "free"} and ${r.fixed ?? "free"})`,
        );
      if (!prev) labels.set(r.label, { fixed: r.fixed, at: k });
    }
    const exo = r.op === "~~" && !endogenous.has(r.lhs) && !endogenous.has(r.rhs);
    if (exo && (r.label || r.fixed !== null))
      return fail(
        `${r.lhs} ~~ ${r.rhs}${where(k)}: (co)variances of exogenous variables are taken from the data (lavaan's fixed.x); they cannot be labelled or fixed`,
      );
    if (r.op === "~") paths.push({ from: r.rhs, to: r.lhs, ...constraint(r) });
    else if (r.lhs === r.rhs) {
      if (!exo) variances.push({ v: r.lhs, ...constraint(r) });
    } else covariances.push({ a: r.lhs, b: r.rhs, ...constraint(r) });
  }
  const defs: { name: string; expression: string }[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op !== ":=") continue;
    if (defs.some((d) => d.name === r.lhs))
      return fail(`${r.lhs}${where(k)}: the defined parameter is given twice`);
    for (const l of exprLabels(parseExpression(r.rhs))) {
      if (!labels.has(l) && !defs.some((d) => d.name === l))
        return fail(
          `${r.lhs} := ${r.rhs}${where(k)}: unknown label "${l}"${labels.size ? ` (labels: ${[...labels.keys()].join(", ")})` : " (the model has no labels; label a parameter with a*x)"}`,
        );
    }
    defs.push({ name: r.lhs, expression: r.rhs });
  }
  const structure: ModelStructure = {
    variables,
    paths,
    covariances,
    ...(variances.length ? { variances } : {}),
    ...(defs.length ? { defined: defs } : {}),
  };
  return { ok: true, structure };
}

/** Parse syntax and convert: syntax errors and refusals alike as a message. */
export function structureFromSyntax(
  text: string,
  available?: readonly string[],
): ToStructureResult {
  const r = tryParseModel(text);
  if (!r.ok) return r;
  const parsed = r.parsed;
  if (!parsed.rows.length) return { ok: false, error: "the model syntax has no formulas" };
  return toStructure(parsed, available);
}

const mods = (c: ParameterConstraint) => ({ label: c.label ?? "", fixed: c.fixed ?? null });

/** A structure (or a built-in specification's structure) as parameter-table rows. */
export function structureRows(s: ModelStructure | ModelSpec): ParRow[] {
  const st = "correlations" in s ? structureOf(s) : s;
  return [
    ...st.paths.map((x) => ({ lhs: x.to, op: "~" as const, rhs: x.from, ...mods(x) })),
    ...st.covariances.map((x) => ({ lhs: x.a, op: "~~" as const, rhs: x.b, ...mods(x) })),
    ...(st.variances ?? []).map((x) => ({ lhs: x.v, op: "~~" as const, rhs: x.v, ...mods(x) })),
    ...(st.defined ?? []).map((d) => ({
      lhs: d.name,
      op: ":=" as const,
      rhs: d.expression,
      label: d.name,
      fixed: null,
    })),
  ];
}
