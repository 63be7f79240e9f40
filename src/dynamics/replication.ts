import { estimatePathModel } from "../estimate/report.ts";
import { covariance, type Mat } from "../math/linalg.ts";
import { type ReplicationResult, replicationResult } from "../replicationResult.ts";
import { modelFor } from "../scenario/modelCache.ts";
import type { Scenario } from "../scenario/schema.ts";
import type { SurveyConfig } from "../survey/config.ts";
import { surveyPlanFor } from "../survey/plan.ts";
import { surveyOutcomes } from "../survey/stage.ts";
import { runSurvey } from "../survey/survey.ts";
import { calibrationValues } from "./calibration.ts";
import { estimateSubset, subsetColumns } from "./selection.ts";
import { simulate } from "./simulate.ts";
import { surveyUniverse } from "./surveyLink.ts";
import type { DynamicsHistory } from "./types.ts";

/**
 * One dynamics replication (scenario.mode === "dynamics"): simulate the firms, then at the
 * survey date either run the virtual survey on them (scenario.survey.enabled) and estimate
 * the path model on the respondents' composites, or estimate it on the surveyed frame
 * directly. Outcomes carry the calibration measures and the standardized coefficients in
 * the whole founded population ("population.<path>") and in the frame ("frame.<path>") so
 * users can see selection effects next to the sample's estimates (`paths`).
 */
export function dynamicsReplication(
  scenario: Scenario,
  replication: number,
  history?: DynamicsHistory,
): { result: ReplicationResult; history: DynamicsHistory } {
  const { model, table: structure } = modelFor(scenario);
  const alpha = scenario.estimation.alpha;
  const h = history ?? simulate(scenario, replication);
  const o = h.firms;
  const outcomes: Record<string, number> = {};
  for (const [k, v] of Object.entries(calibrationValues(h)))
    if (Number.isFinite(v)) outcomes[`dynamics.${k}`] = v;
  outcomes["dynamics.firms"] = o.n;
  let alive = 0;
  let exporters = 0;
  let markets = 0;
  let bornGlobals = 0;
  let exportsUsdM = 0;
  for (let f = 0; f < o.n; f++) {
    if (!h.survey.alive[f]) continue;
    alive++;
    bornGlobals += o.bornGlobal[f];
    exportsUsdM += h.survey.share[f] * o.salesUsdM[f];
    if (h.survey.served[f] > 0) {
      exporters++;
      markets += h.survey.served[f];
    }
  }
  outcomes["dynamics.aliveAtSurvey"] = alive;
  outcomes["dynamics.exporters"] = exporters;
  outcomes["dynamics.bornGlobals"] = bornGlobals;
  outcomes["dynamics.marketsPerExporter"] = exporters ? markets / exporters : 0;
  /** Annual exports of the living firms in the survey year, US$ million. */
  outcomes["dynamics.exportsUsdM"] = exportsUsdM;
  outcomes["dynamics.policyCost"] = h.stats.policyCost; // US$ thousand, over the whole run
  // the same in US$ million, comparable with exportsUsdM (annual exports at the survey date)
  outcomes["dynamics.policyCostUsdM"] = h.stats.policyCost / 1000;

  // Selection effects: the whole founded population (latent) and the frame (simulated PERF).
  const all = Int32Array.from({ length: o.n }, (_, i) => i);
  const frameRows = Int32Array.from(
    Array.from({ length: o.n }, (_, i) => i).filter((f) => o.inFrame[f]),
  );
  const pop = estimateSubset(structure, subsetColumns(h.latent, all), alpha);
  const frame = estimateSubset(
    structure,
    subsetColumns(h.latent, frameRows, h.survey.perf3y),
    alpha,
  );
  for (const [name, est] of [
    ["population", pop],
    ["frame", frame],
  ] as const) {
    if (!est) continue;
    outcomes[`${name}.n`] = est.n;
    for (const [label, v] of Object.entries(est.std)) outcomes[`${name}.${label}`] = v;
  }

  // The sample: the virtual survey of the simulated firms, or the frame itself.
  let cov: Mat;
  let n: number;
  const survey = (scenario as { survey?: { enabled?: boolean } }).survey;
  if (survey?.enabled) {
    const cfg = survey as unknown as SurveyConfig;
    const plan = surveyPlanFor(cfg, model.Sigma);
    const out = runSurvey(surveyUniverse(h, scenario.seed, replication), plan, {
      seed: scenario.seed,
      replication,
    });
    Object.assign(outcomes, surveyOutcomes(out, alpha, false));
    cov = covariance(out.composites, out.n);
    n = out.n;
  } else {
    const cols = subsetColumns(h.latent, frameRows, h.survey.perf3y);
    n = frameRows.length;
    if (n < 20)
      throw new Error(
        `replication ${replication}: the surveyed frame holds ${n} firms (fewer than 20); raise dynamics.firms`,
      );
    cov = covariance(cols, n);
    outcomes["dynamics.estimatedOnFrame"] = 1;
  }
  const est = estimatePathModel(structure, cov, n, {
    alpha,
    modification: false,
    rmseaInterval: false,
  });
  if (!est.ok) throw new Error(`replication ${replication}: ${est.error}`);
  const result = replicationResult(replication, n, est.report, model.spec, outcomes);
  return { result, history: h };
}

/** runReplication's dynamics branch: the ReplicationResult alone (plain data). */
export function runDynamicsReplication(scenario: Scenario, replication: number): ReplicationResult {
  return dynamicsReplication(scenario, replication).result;
}
