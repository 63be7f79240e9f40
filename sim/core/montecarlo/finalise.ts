import { parsePathLabel } from "../../../src/model/pathLabel.ts";
import { hypothesisOf } from "../../../src/paper/table2.ts";
import type { PathResult, ReplicationResult } from "../../../src/replication.ts";
import { compositeValues } from "../../../src/survey/compositeValues.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toCsv } from "../output/csv.ts";
import type { SinkFactory, TextSink } from "../output/finalise.ts";
import type { JournalRecord } from "../output/journal.ts";
import { VERSION } from "../version.ts";
import { outcomeRows, ROW_COLUMNS, replicationRows } from "./rows.ts";
import { type Summary, SummaryAccumulator } from "./summary.ts";

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
  const at = new Map<string, number>();
  keys.forEach((k, i) => {
    at.set(k, values[i]);
  });
  const paths: PathResult[] = [];
  const fit: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  for (const [i, k] of keys.entries()) {
    if (k.startsWith("outcome.")) outcomes[k.slice(8)] = values[i];
    else if (k.startsWith("fit.")) fit[k.slice(4)] = values[i];
    else if (k.endsWith(".est")) {
      const label = k.slice(0, -4);
      const get = (suffix: string) => {
        const v = at.get(`${label}.${suffix}`);
        if (v === undefined) throw new Error(`a power run's record lacks ${label}.${suffix}`);
        return v;
      };
      const ends = parsePathLabel(label);
      paths.push({
        label,
        hypothesis: ends ? (hypothesisOf(ends.from, ends.to) ?? null) : null,
        population: get("pop"),
        est: values[i],
        std: get("std"),
        se: get("se"),
        stdSe: get("std_se"),
        p: get("p"),
        verdict: get("sig") === 1 ? "S" : "NS",
      });
    }
  }
  return {
    replication,
    n: at.get("n") ?? Number.NaN,
    paths,
    fit: fit as ReplicationResult["fit"],
    outcomes,
  };
}

/** A CSV cell as d3-dsv's csvFormat writes it (null and undefined empty, quoted if needed). */
function d3Cell(v: unknown): string {
  if (v == null) return "";
  const s = String(v);
  return /["\n\r,]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line of `row` over `columns`, as toCsv writes its rows. */
function d3Line(row: Record<string, unknown>, columns: readonly string[]): string {
  let out = "";
  for (let i = 0; i < columns.length; i++) {
    if (i) out += ",";
    out += d3Cell(row[columns[i]]);
  }
  return `${out}\n`;
}

/** The columns csvFormat infers: every key of the rows, in order of first appearance. */
function inferColumns(rows: readonly object[]): string[] {
  const cols = new Set<string>();
  for (const r of rows) for (const k in r) cols.add(k);
  return [...cols];
}

/**
 * The power files written as the records of a power sweep arrive (in run order): the rows of
 * replications.csv and outcomes.csv go straight to their sinks, each point is summarised with
 * a SummaryAccumulator, and summary.csv and summary.json are written at the end.
 */
export class PowerWriter {
  readonly points: PowerPointSummary[] = [];
  private replications: TextSink;
  private outcomes: TextSink;
  private rowColumns: string[];
  private outColumns: string[] | undefined;
  private point = -1;
  private settings: Record<string, number> = {};
  private alpha = 0.05;
  private acc: SummaryAccumulator | undefined;
  private composite: Map<string, number> | null = null;

  constructor(
    private readonly plan: SweepPlan,
    private readonly open: SinkFactory,
  ) {
    if (!plan.sweep.power) throw new Error("not a power sweep");
    this.replications = open("replications.csv");
    this.outcomes = open("outcomes.csv");
    this.rowColumns = ["point", ...plan.sweep.factors.map((f) => f.path), ...ROW_COLUMNS];
    this.replications.write(
      d3Line(Object.fromEntries(this.rowColumns.map((c) => [c, c])), this.rowColumns),
    );
  }

  /** Start design points up to `index` (points without a successful run are summarised empty). */
  private toPoint(index: number): void {
    while (this.point < index) {
      this.endPoint();
      this.point++;
      const p = this.point;
      const at = this.plan.pointAt(p);
      const settings: Record<string, number> = {};
      this.plan.sweep.factors.forEach((f, j) => {
        settings[f.path] = at[j];
      });
      this.settings = settings;
      const sc = this.plan.scenarioAt(p);
      if (!sc.ok) throw new Error(sc.message);
      this.alpha = sc.scenario.estimation.alpha;
      this.composite = compositeValues(sc.scenario);
      this.acc = new SummaryAccumulator(this.alpha, this.composite);
    }
  }

  private endPoint(): void {
    if (!this.acc) return;
    this.points.push({ index: this.point, settings: this.settings, summary: this.acc.result() });
    this.acc = undefined;
  }

  /** A successful run's record. */
  add(r: { run: number; keys: readonly string[]; values: ArrayLike<number> }): void {
    const spec = this.plan.runSpec(r.run);
    this.toPoint(spec.point);
    const result = resultOfRecord(spec.replication, r.keys, r.values);
    const rows = replicationRows([result], this.alpha);
    const outs = outcomeRows([result]);
    const head = { point: this.point, ...this.settings };
    let text = "";
    for (const row of rows) text += d3Line({ ...head, ...row }, this.rowColumns);
    if (text) this.replications.write(text);
    if (outs.length) {
      const full = outs.map((o) => ({ ...head, ...o }));
      const cols = inferColumns(full);
      if (!this.outColumns) {
        this.outColumns = cols;
        this.outcomes.write(`${cols.map(d3Cell).join(",")}\n`);
      }
      let t = "";
      for (const o of full) t += d3Line(o, cols);
      this.outcomes.write(t);
    }
    (this.acc as SummaryAccumulator).add(rows, outs);
  }

  /** Summarise the last points and write summary.csv and summary.json. */
  end(): PowerPointSummary[] {
    this.toPoint(this.plan.pointCount - 1);
    this.endPoint();
    if (!this.outColumns) this.outcomes.write("\n");
    const s = this.plan.sweep;
    const meta = s.power as NonNullable<typeof s.power>;
    this.open("summary.csv").write(toCsv(powerRows(this.points)));
    this.open("summary.json").write(
      `${JSON.stringify(
        {
          command: "power",
          version: VERSION,
          scenario: meta.scenario,
          seed: s.seed,
          reps: s.replications,
          start: s.firstReplication ?? 0,
          axes: meta.axes,
          points: this.points,
        },
        null,
        2,
      )}\n`,
    );
    return this.points;
  }
}

/** The power files in memory (browsers, tests): the same bytes as PowerWriter on disk. */
export function powerFiles(plan: SweepPlan, sorted: readonly JournalRecord[]): PowerFiles {
  const parts = new Map<string, string[]>();
  const w = new PowerWriter(plan, (name) => {
    const p: string[] = [];
    parts.set(name, p);
    return { write: (t) => p.push(t) };
  });
  for (const r of sorted) if (!("error" in r)) w.add(r);
  const points = w.end();
  const text = (n: string) => (parts.get(n) ?? []).join("");
  return {
    files: {
      "replications.csv": text("replications.csv"),
      "outcomes.csv": text("outcomes.csv"),
      "summary.csv": text("summary.csv"),
      "summary.json": text("summary.json"),
    },
    points,
  };
}

/** One row per design point x path (summary.csv): the data of a power heatmap. */
export function powerRows(
  points: readonly PowerPointSummary[],
): Record<string, number | string | null>[] {
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
