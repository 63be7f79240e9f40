import { exogenous } from "../model/graph.ts";
import { pathLabel } from "../model/pathLabel.ts";
import type { ModelStructure } from "../model/spec.ts";

/**
 * The free parameters of a path model in matrix form, in a fixed order:
 * regression paths (B[to][from]), then variances (Psi[i][i]) of every variable, then
 * covariances (Psi[i][j]): all pairs of exogenous variables (freed by default, as lavaan does
 * with fixed.x) and the residual covariances the structure lists.
 */
export type ParamKind = "path" | "variance" | "covariance";

export interface Param {
  kind: ParamKind;
  i: number;
  j: number;
  label: string;
}

export interface ParamTable {
  p: number;
  variables: readonly string[];
  params: Param[];
  exogenous: number[];
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
  for (const { from, to } of structure.paths) {
    params.push({ kind: "path", i: ix(to), j: ix(from), label: pathLabel(from, to) });
  }
  for (let i = 0; i < p; i++)
    params.push({ kind: "variance", i, j: i, label: `${vars[i]}~~${vars[i]}` });
  const exo = exogenous(vars, structure.paths).map(ix);
  const covKeys = new Set<string>();
  const addCov = (a: number, b: number) => {
    const [i, j] = a > b ? [a, b] : [b, a];
    const key = `${i},${j}`;
    if (covKeys.has(key) || i === j) return;
    covKeys.add(key);
    params.push({ kind: "covariance", i, j, label: `${vars[j]}~~${vars[i]}` });
  };
  for (let a = 0; a < exo.length; a++)
    for (let b = a + 1; b < exo.length; b++) addCov(exo[b], exo[a]);
  for (const { a, b } of structure.covariances) addCov(ix(a), ix(b));
  return { p, variables: vars, params, exogenous: exo };
}
