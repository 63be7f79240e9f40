import { type DefinedEstimate, definedValues } from "../estimate/coefficients.ts";
import { type ParamTable, paramTable } from "../estimate/parameters.ts";
import { verdict } from "../estimate/verdicts.ts";
import type { ModelSpec, ModelStructure } from "../model/spec.ts";
import type { PathResult } from "../replicationResult.ts";
import { structureRows, toStructure, withIndirectEffects } from "../syntax/index.ts";

/**
 * The paper's indirect effects in every model fitted (scenario `estimation.indirect`): the
 * model's parameter table with the paths culture -> strategy -> PERF labelled and the eight
 * specific and two total indirect effects defined (src/syntax/indirect.ts, the same names as
 * `bgsim replicate --syntax --indirect`), so that each fit also reports them with delta-method
 * SEs. Labels only name parameters: the estimates of the paths are the same doubles.
 */
const cache = new WeakMap<object, ParamTable>();

export function indirectTable(model: ModelSpec | ModelStructure): ParamTable {
  let t = cache.get(model);
  if (!t) {
    const s = toStructure(withIndirectEffects(structureRows(model)), model.variables);
    if (!s.ok) throw new Error(`indirect effects: ${s.error}`);
    t = paramTable(s.structure);
    cache.set(model, t);
  }
  return t;
}

/**
 * Population values of a table's defined parameters from the generating model's path values
 * (by path label; 0 for a path the truth does not have): for the indirect effects, the products
 * of standardized population paths, i.e. the standardized population indirect effects.
 */
export function definedPopulation(
  table: ParamTable,
  population: ReadonlyMap<string, number>,
): Float64Array {
  const theta = new Float64Array(table.params.length);
  table.params.forEach((x, k) => {
    theta[k] = x.kind === "path" ? (population.get(x.label) ?? 0) : 0;
  });
  return definedValues(table, theta);
}

/**
 * Defined parameters as rows beside a replication's paths (label = the parameter's name, no
 * hypothesis): est, se and p of the delta-method Wald test, std and its delta-method SE.
 */
export function definedResults(
  defined: readonly DefinedEstimate[],
  population: ArrayLike<number>,
  alpha: number,
): PathResult[] {
  return defined.map((d, i) => ({
    label: d.name,
    hypothesis: null,
    population: population[i],
    est: d.est,
    std: d.std,
    se: d.se,
    stdSe: d.stdSe,
    p: d.p,
    verdict: verdict(d.est, d.p, alpha),
  }));
}
