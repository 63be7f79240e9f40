import { exogenous } from "../model/graph.ts";
import { pathLabel } from "../model/pathLabel.ts";
import type { ModelStructure, ParameterConstraint } from "../model/spec.ts";
import { type Expr, parseExpression } from "../syntax/expression.ts";

/**
 * The free parameters of a path model in matrix form, in a fixed order:
 * regression paths (B[to][from]), then variances (Psi[i][i]) of every variable, then
 * covariances (Psi[i][j]): all pairs of exogenous variables (freed by default, as lavaan does
 * with fixed.x) and the residual covariances the structure lists.
 * Parameters fixed by the structure are not free: they sit in `fixed` with their value.
 * Parameters that share a label are one free parameter, set at every place it appears (`also`).
 */
export type ParamKind = "path" | "variance" | "covariance";

export interface Param {
  kind: ParamKind;
  i: number;
  j: number;
  label: string;
  /** The user's label (lavaan syntax `a*x`), when given. */
  name?: string;
  /** Further places of the same parameter (equality through a shared label). */
  also?: { kind: ParamKind; i: number; j: number }[];
}

/** One place in B or Psi: a free parameter's index k, or k = -1 and its fixed value. */
export interface Position {
  kind: ParamKind;
  i: number;
  j: number;
  label: string;
  k: number;
  value: number;
  name?: string;
}

export interface ParamTable {
  p: number;
  variables: readonly string[];
  params: Param[];
  exogenous: number[];
  /** Every parameter place (free, equal-to-another and fixed) in the structure's order. */
  positions: Position[];
  /** Positions fixed at a value (k = -1). */
  fixed: Position[];
  /** True when some parameter is fixed or shared (the estimator then takes its general path). */
  constrained: boolean;
  /** Defined parameters (lavaan's `:=`), in order. */
  defined: { name: string; expression: string; expr: Expr }[];
}

export function paramTable(structure: ModelStructure): ParamTable {
  const vars = structure.variables;
  const p = vars.length;
  const ix = (v: string) => {
    const i = vars.indexOf(v);
    if (i < 0) throw new Error(`unknown variable "${v}" in model structure`);
    return i;
  };
  const params: Param[] = [];
  const positions: Position[] = [];
  const fixed: Position[] = [];
  const byName = new Map<string, number>();
  let shared = false;
  const add = (kind: ParamKind, i: number, j: number, label: string, c: ParameterConstraint) => {
    if (c.fixed !== undefined) {
      const pos: Position = { kind, i, j, label, k: -1, value: c.fixed };
      if (c.label) pos.name = c.label;
      positions.push(pos);
      fixed.push(pos);
      return;
    }
    const prev = c.label === undefined ? undefined : byName.get(c.label);
    if (prev !== undefined) {
      const par = params[prev];
      par.also ??= [];
      par.also.push({ kind, i, j });
      shared = true;
      positions.push({ kind, i, j, label, k: prev, value: Number.NaN, name: c.label });
      return;
    }
    const par: Param = { kind, i, j, label };
    const pos: Position = { kind, i, j, label, k: params.length, value: Number.NaN };
    if (c.label !== undefined) {
      par.name = c.label;
      pos.name = c.label;
      byName.set(c.label, params.length);
    }
    params.push(par);
    positions.push(pos);
  };
  for (const x of structure.paths) add("path", ix(x.to), ix(x.from), pathLabel(x.from, x.to), x);
  const varConstraint = new Map((structure.variances ?? []).map((x) => [x.v, x]));
  for (let i = 0; i < p; i++)
    add("variance", i, i, `${vars[i]}~~${vars[i]}`, varConstraint.get(vars[i]) ?? {});
  const exo = exogenous(vars, structure.paths).map(ix);
  const covKeys = new Set<string>();
  const addCov = (a: number, b: number, c: ParameterConstraint) => {
    const [i, j] = a > b ? [a, b] : [b, a];
    const key = `${i},${j}`;
    if (covKeys.has(key) || i === j) return;
    covKeys.add(key);
    add("covariance", i, j, `${vars[j]}~~${vars[i]}`, c);
  };
  for (let a = 0; a < exo.length; a++)
    for (let b = a + 1; b < exo.length; b++) addCov(exo[b], exo[a], {});
  for (const x of structure.covariances) addCov(ix(x.a), ix(x.b), x);
  const defined = (structure.defined ?? []).map((d) => ({
    ...d,
    expr: parseExpression(d.expression),
  }));
  return {
    p,
    variables: vars,
    params,
    exogenous: exo,
    positions,
    fixed,
    constrained: shared || fixed.length > 0,
    defined,
  };
}
