import type { ReplicationResult } from "../../../src/replication.ts";
import { compositeValues } from "../../../src/survey/compositeValues.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toCsv } from "../output/csv.ts";
import { hashOf } from "../output/hash.ts";
import type { JournalRecord } from "../output/journal.ts";
import { VERSION } from "../version.ts";
import { analysisPowerRows, type PointAnalyses, pointAnalyses } from "./analyses.ts";
import {
  ANALYSIS_ROW_COLUMNS,
  analysesOfRecord,
  analysisRows,
  isAnalysisKey,
  outcomeRows,
  pathsOfKeys,
  ROW_COLUMNS,
  replicationRows,
} from "./rows.ts";
import { type Summary, summarise, summaryCells } from "./summary.ts";

/**
 * The files of `bgsim power`, computed from a power sweep's journal alone (records of the
 * runs; see flattenResult with stdSe), so an interrupted, resumed, sharded-and-merged or
 * multi-worker run writes the same bytes as one uninterrupted run:
 *   replications.csv  one row per point x replication x path
 *   outcomes.csv      survey facts and checks per point x replication (long form)
 *   summary.csv       one row per point x path (powerRows)
 *   summary.json      the same with model-level figures and mean outcomes, and the settings
 * Records are taken point by point in run order; each point's rows are summarised and written
 * before the next point is read.
 */
export interface PowerPointSummary {
  index: number;
  settings: Record<string, number>;
  summary: Summary;
  /** Only with a scenario `analysis` section: the analysis models and every model's chi-square test. */
  analyses?: PointAnalyses;
}

export interface PowerFiles {
  files: {
    "replications.csv": string;
    "outcomes.csv": string;
    "summary.csv": string;
    "summary.json": string;
  };
  points: PowerPointSummary[];
}

/** A journal record of a power run back into the replication result it was flattened from. */
export function resultOfRecord(
  replication: number,
  keys: readonly string[],
  values: ArrayLike<number>,
): ReplicationResult {
  const fit: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const pathKeys: string[] = [];
  const pathValues: number[] = [];
  let n = Number.NaN;
  for (const [i, k] of keys.entries()) {
    if (k.startsWith("outcome.")) outcomes[k.slice(8)] = values[i];
    else if (k.startsWith("fit.")) fit[k.slice(4)] = values[i];
    else if (!isAnalysisKey(k)) {
      if (k === "n") n = values[i];
      pathKeys.push(k);
      pathValues.push(values[i]);
    }
  }
  return {
    replication,
    n,
    paths: pathsOfKeys(pathKeys, pathValues),
    fit: fit as ReplicationResult["fit"],
    outcomes,
  };
}

/** CSV text without its header line (the header is written once, by the first chunk). */
function body(csv: string): string {
  const nl = csv.indexOf("\n");
  return csv.slice(nl + 1);
}

export function powerFiles(plan: SweepPlan, sorted: readonly JournalRecord[]): PowerFiles {
  const meta = plan.sweep.power;
  if (!meta) throw new Error("not a power sweep");
  const factors = plan.sweep.factors;
  const reps = plan.sweep.replications;
  const axisCols = factors.map((f) => f.path);
  let replications = "";
  let outcomes = "";
  const points: PowerPointSummary[] = [];
  let k = 0;
  for (let index = 0; index < plan.points.length; index++) {
    const settings: Record<string, number> = {};
    factors.forEach((f, j) => {
      settings[f.path] = plan.points[index][j];
    });
    const sc = plan.scenarioAt(index);
    if (!sc.ok) throw new Error(sc.message);
    const models = sc.scenario.analysis;
    const results: ReplicationResult[] = [];
    const end = (index + 1) * reps;
    for (; k < sorted.length && sorted[k].run < end; k++) {
      const r = sorted[k];
      if ("error" in r) continue;
      const res = resultOfRecord(plan.runSpec(r.run).replication, r.keys, r.values);
      if (models) res.analyses = analysesOfRecord(r.keys, r.values, models);
      results.push(res);
    }
    const alpha = sc.scenario.estimation.alpha;
    const names = models?.map((a) => a.name);
    const all = names ? analysisRows(results, alpha, names) : null;
    const rows = all
      ? all.filter((r) => r.analysis === "generating")
      : replicationRows(results, alpha);
    const outs = outcomeRows(results);
    const rowCsv = all
      ? toCsv(
          all.map((r) => ({ point: index, ...settings, ...r })),
          ["point", ...axisCols, ...ANALYSIS_ROW_COLUMNS] as never,
        )
      : toCsv(
          rows.map((r) => ({ point: index, ...settings, ...r })),
          ["point", ...axisCols, ...ROW_COLUMNS] as never,
        );
    replications += replications ? body(rowCsv) : rowCsv;
    if (outs.length) {
      const outCsv = toCsv(outs.map((o) => ({ point: index, ...settings, ...o })));
      outcomes += outcomes ? body(outCsv) : outCsv;
    }
    const summary = summarise(rows, alpha, outs, compositeValues(sc.scenario));
    points.push({
      index,
      settings,
      summary,
      ...(all ? { analyses: pointAnalyses(sc.scenario, all, alpha, summary.model.mean_n) } : {}),
    });
  }
  if (!outcomes) outcomes = "\n";
  const s = plan.sweep;
  return {
    files: {
      "replications.csv": replications,
      "outcomes.csv": outcomes,
      "summary.csv": toCsv(powerRows(points)),
      "summary.json": `${JSON.stringify(
        {
          command: "power",
          version: VERSION,
          scenario: meta.scenario,
          // the scenario as run (defaults resolved, survey on) and its hash (canonical JSON)
          scenario_hash: hashOf(s.base),
          seed: s.seed,
          reps,
          start: s.firstReplication ?? 0,
          axes: meta.axes,
          points,
          resolved_scenario: s.base,
        },
        null,
        2,
      )}\n`,
    },
    points,
  };
}

/** One row per design point x path (summary.csv): the data of a power heatmap. */
export function powerRows(
  points: readonly PowerPointSummary[],
): Record<string, number | string | null>[] {
  if (points.some((pt) => pt.analyses)) return analysisPowerRows(points);
  const rows: Record<string, number | string | null>[] = [];
  for (const pt of points)
    for (const p of pt.summary.paths)
      rows.push({ point: pt.index, ...pt.settings, ...summaryCells(p, pt.summary.model) });
  return rows;
}

/** Where a power file's text goes (a file on disk in Node, a string in browsers). */
interface PowerSink {
  write(text: string): void;
}

/**
 * The power files for the streaming finaliser (sim/core/output/finalise.ts): records are
 * taken in run order and the four files are written at the end with powerFiles, so they are
 * the same bytes as the in-memory path. Unlike a sweep's results.csv, power's files are still
 * built in memory from the records (analysis models, the summaries' second pass); see the
 * closing note of issue 15.
 */
export class PowerWriter {
  points: PowerPointSummary[] = [];
  private records: JournalRecord[] = [];

  constructor(
    private readonly plan: SweepPlan,
    private readonly open: (name: string) => PowerSink,
    _values?: unknown,
  ) {
    if (!plan.sweep.power) throw new Error("not a power sweep");
  }

  add(r: JournalRecord): void {
    this.records.push(r);
  }

  end(): PowerPointSummary[] {
    const out = powerFiles(this.plan, this.records);
    for (const name of ["replications.csv", "outcomes.csv", "summary.csv", "summary.json"] as const)
      this.open(name).write(out.files[name]);
    this.points = out.points;
    this.records = [];
    return this.points;
  }
}
