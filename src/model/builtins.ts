import { fromRows, inverseSPD, submatrix } from "../math/linalg.ts";
import { CONSTRUCTS, type Construct } from "../paper/constructs.ts";
import { TABLE1_CORRELATIONS } from "../paper/table1.ts";
import { TABLE2 } from "../paper/table2.ts";
import { pathLabel } from "./pathLabel.ts";
import type { CorrelationSpec, ModelSpec, PathSpec } from "./spec.ts";

const STRATEGIES: Construct[] = ["GTC", "UPD", "QF", "LFDC"];
const CULTURE: Construct[] = ["IEO", "IMO"];

const r1 = (a: Construct, b: Construct) =>
  TABLE1_CORRELATIONS[CONSTRUCTS.indexOf(a)][CONSTRUCTS.indexOf(b)];

/** IEO~~IMO and the six strategy intercorrelations, all from Table 1. */
function table1Correlations(): CorrelationSpec[] {
  const out: CorrelationSpec[] = [{ a: "IEO", b: "IMO", value: r1("IEO", "IMO") }];
  for (let i = 0; i < STRATEGIES.length; i++) {
    for (let j = i + 1; j < STRATEGIES.length; j++) {
      out.push({ a: STRATEGIES[i], b: STRATEGIES[j], value: r1(STRATEGIES[i], STRATEGIES[j]) });
    }
  }
  return out;
}

/**
 * `published`: the 12 paths of Table 2 at their printed values, IEO-IMO correlated as in
 * Table 1, the four strategies' residuals correlated so that their intercorrelations equal
 * Table 1, and no direct IEO/IMO -> PERF paths.
 */
export function publishedSpec(): ModelSpec {
  return {
    name: "published",
    variables: CONSTRUCTS,
    paths: TABLE2.map(({ from, to, coefficient }) => ({ from, to, value: coefficient })),
    correlations: table1Correlations(),
  };
}

/** Population regression coefficients of `y` on `xs` implied by a correlation matrix. */
function regression(R: readonly (readonly number[])[], y: Construct, xs: Construct[]): number[] {
  const p = CONSTRUCTS.length;
  const idx = xs.map((x) => CONSTRUCTS.indexOf(x));
  const full = fromRows(R);
  const rxx = inverseSPD(submatrix(full, p, idx), idx.length)!;
  const rxy = idx.map((i) => R[i][CONSTRUCTS.indexOf(y)]);
  return idx.map((_, a) => idx.reduce((s, __, b) => s + rxx[a * idx.length + b] * rxy[b], 0));
}

/**
 * `table1`: the published structure plus direct IEO -> PERF and IMO -> PERF paths, every
 * coefficient the population regression implied by Table 1. The model is saturated, so its
 * implied correlations are Table 1 exactly.
 */
export function table1Spec(): ModelSpec {
  const paths: PathSpec[] = [];
  for (const s of STRATEGIES) {
    regression(TABLE1_CORRELATIONS, s, CULTURE).forEach((value, k) =>
      paths.push({ from: CULTURE[k], to: s, value }),
    );
  }
  const perfParents: Construct[] = [...STRATEGIES, ...CULTURE];
  regression(TABLE1_CORRELATIONS, "PERF", perfParents).forEach((value, k) =>
    paths.push({ from: perfParents[k], to: "PERF", value }),
  );
  return { name: "table1", variables: CONSTRUCTS, paths, correlations: table1Correlations() };
}

export const BUILTIN_MODELS = { published: publishedSpec, table1: table1Spec } as const;
export type BuiltinModelName = keyof typeof BUILTIN_MODELS;

export interface ModelOverrides {
  /** "FROM->TO": coefficient, or null to remove the path. */
  paths?: Record<string, number | null>;
  /** "A~~B": implied correlation, or null to remove it. */
  correlations?: Record<string, number | null>;
}

/** A custom specification: a built-in base with paths and correlations set, added or removed. */
export function customSpec(
  base: BuiltinModelName | "empty",
  o: ModelOverrides,
  name = "custom",
): ModelSpec {
  const start: ModelSpec =
    base === "empty"
      ? { name, variables: CONSTRUCTS, paths: [], correlations: [] }
      : BUILTIN_MODELS[base]();
  const paths = new Map(start.paths.map((x) => [pathLabel(x.from, x.to), x.value]));
  for (const [key, value] of Object.entries(o.paths ?? {})) {
    if (value === null) paths.delete(key);
    else paths.set(key, value);
  }
  const cors = new Map(start.correlations.map((c) => [`${c.a}~~${c.b}`, c.value]));
  for (const [key, value] of Object.entries(o.correlations ?? {})) {
    const [a, b] = key.split("~~");
    const existing = cors.has(key) ? key : cors.has(`${b}~~${a}`) ? `${b}~~${a}` : key;
    if (value === null) cors.delete(existing);
    else cors.set(existing, value);
  }
  return {
    name,
    variables: CONSTRUCTS,
    paths: [...paths].map(([k, value]) => {
      const [from, to] = k.split("->");
      return { from, to, value };
    }),
    correlations: [...cors].map(([k, value]) => {
      const [a, b] = k.split("~~");
      return { a, b, value };
    }),
  };
}
