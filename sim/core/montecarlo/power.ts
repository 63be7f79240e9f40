import type { Scenario, ScenarioInput } from "../../../src/scenario/schema.ts";
import { formatIssue, validateScenario } from "../../../src/scenario/validate.ts";
import { compositeValues } from "../../../src/survey/compositeValues.ts";
import { outcomeRows, replicationRows } from "./rows.ts";
import { runMonteCarlo } from "./run.ts";
import { type Summary, summarise } from "./summary.ts";

/**
 * Power curves: a full factorial grid over design axes, each point a Monte Carlo run of the
 * scenario with that point's settings (the sweep issue generalises this). Axes:
 *   n            usable responses (survey.n; the mailing grows with n at the scenario's
 *                mailed / n ratio when needed, 900 / 203 for the paper's design)
 *   coef         one path's standardized coefficient ("IEO->LFDC")
 *   reliability  every construct's CR (loadings scaled to it)
 *   cmv          common-method loading of every item (survey.methodFactor)
 *   bias         response-bias strength (on performance unless the scenario says size)
 *   cutoff       the frame's minimum export share
 */
export type AxisName = "n" | "coef" | "reliability" | "cmv" | "bias" | "cutoff";

export interface Axis {
  name: AxisName;
  values: number[];
  /** For coef: the path "FROM->TO". */
  path?: string;
}

export interface PowerPoint {
  index: number;
  settings: Record<string, number>;
  summary: Summary;
}

export interface PowerRow {
  point: number;
  axis_values: string;
  [axis: string]: number | string | null;
}

type Json = Record<string, unknown>;

/** The column naming a design axis in power output: set_n, set_cmv, set_coef_IEO_LFDC, ... */
export function axisColumn(a: Axis): string {
  return a.name === "coef" ? `set_coef_${a.path!.replace("->", "_")}` : `set_${a.name}`;
}
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** The scenario input of one design point (the base scenario's resolved values, edited). */
export function pointInput(
  base: Scenario,
  axes: readonly Axis[],
  values: readonly number[],
): ScenarioInput {
  const s = clone(base) as unknown as Json;
  const survey = s.survey as Json;
  const baseN = base.survey.n;
  axes.forEach((a, k) => {
    const v = values[k];
    switch (a.name) {
      case "n": {
        survey.n = v;
        // integer arithmetic: n = 203 keeps exactly the scenario's 900
        survey.mailed = Math.max(base.survey.mailed, Math.ceil((v * base.survey.mailed) / baseN));
        break;
      }
      case "coef": {
        const model = s.model as Json;
        model.paths = { ...(model.paths as Json), [a.path!]: v };
        break;
      }
      case "reliability":
        survey.loadings = "scaled";
        survey.targetReliability = v;
        break;
      case "cmv":
        survey.methodFactor = v;
        break;
      case "bias":
        survey.responseBias = {
          on: base.survey.responseBias.on === "none" ? "performance" : base.survey.responseBias.on,
          strength: v,
        };
        break;
      case "cutoff":
        (survey.frame as Json).minExportShare = v;
        break;
    }
  });
  survey.enabled = true;
  return s as ScenarioInput;
}

/** All design points of the grid, validated; throws with every problem listed. */
export function designPoints(
  base: Scenario,
  axes: readonly Axis[],
): { settings: Record<string, number>; scenario: Scenario }[] {
  let combos: number[][] = [[]];
  for (const a of axes) combos = combos.flatMap((c) => a.values.map((v) => [...c, v]));
  return combos.map((values) => {
    const r = validateScenario(pointInput(base, axes, values));
    const settings: Record<string, number> = {};
    axes.forEach((a, k) => {
      settings[axisColumn(a)] = values[k];
    });
    if (!r.ok)
      throw new Error(
        `design point ${Object.entries(settings)
          .map(([k, v]) => `${k} = ${v}`)
          .join(", ")} is invalid:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
      );
    return { settings, scenario: r.scenario };
  });
}

export function runPower(
  base: Scenario,
  axes: readonly Axis[],
  reps: number,
  onProgress?: (done: number, total: number, point: number, points: number) => void,
): PowerPoint[] {
  const points = designPoints(base, axes);
  return points.map((pt, index) => {
    const results = runMonteCarlo(pt.scenario, {
      reps,
      onProgress: (d) =>
        onProgress?.(index * reps + d, points.length * reps, index + 1, points.length),
    });
    const alpha = pt.scenario.estimation.alpha;
    const summary = summarise(
      replicationRows(results, alpha),
      alpha,
      outcomeRows(results),
      compositeValues(pt.scenario),
    );
    return { index, settings: pt.settings, summary };
  });
}

/** One row per design point x path (power.csv): the data of a power heatmap. */
export function powerRows(points: readonly PowerPoint[]): Record<string, number | string | null>[] {
  const rows: Record<string, number | string | null>[] = [];
  for (const pt of points)
    for (const p of pt.summary.paths)
      rows.push({
        point: pt.index,
        ...pt.settings,
        hypothesis: p.hypothesis,
        path: p.path,
        population: p.population,
        composite_value: p.composite_value,
        mean_estimate: p.mean_estimate,
        bias: p.bias,
        empirical_sd: p.empirical_sd,
        mean_se: p.mean_se,
        coverage: p.coverage,
        power: p.power,
        verdict_match: p.verdict_match,
        pattern_share: pt.summary.model.pattern_share,
        chisq_rejection: pt.summary.model.chisq_rejection,
        mean_n: pt.summary.model.mean_n,
        replications: pt.summary.model.replications,
      });
  return rows;
}
