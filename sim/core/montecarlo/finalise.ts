import { parsePathLabel, pathLabel } from "../../../src/model/pathLabel.ts";
import { hypothesisOf, TABLE2 } from "../../../src/paper/table2.ts";
import type { PathResult, ReplicationResult } from "../../../src/replication.ts";
import { compositeValues } from "../../../src/survey/compositeValues.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toCsv } from "../output/csv.ts";
import type { SinkFactory, TextSink } from "../output/finalise.ts";
import type { JournalRecord } from "../output/journal.ts";
import { PointValues } from "../output/pointValues.ts";
import { VERSION } from "../version.ts";
import { outcomeRows, ROW_COLUMNS, replicationRows, Z95 } from "./rows.ts";
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

/** Where a record layout's values are, for PowerWriter's direct rows. */
interface FastLayout {
  n: number;
  chisq: number;
  df: number;
  pvalue: number;
  /** Rows with a paper verdict. */
  hypotheses: number;
  paths: {
    label: string;
    hypothesis: string;
    paperVerdict: string;
    /** The hypothesis and path cells ("H1,IEO->GTC"). */
    cells: string;
    paperCell: string;
    std: number;
    stdSe: number;
    pop: number;
    p: number;
    sig: number;
  }[];
  outcomes: { i: number; name: string; cell: string }[];
}

/**
 * The layout of a power record as resultOfRecord reads it, or null when its keys are not
 * plain enough to skip resultOfRecord (repeated keys, an outcome named like an array index,
 * which objects would reorder, a path or fit figure missing).
 */
function fastLayout(keys: readonly string[]): FastLayout | null {
  if (new Set(keys).size !== keys.length) return null;
  const at = new Map<string, number>();
  keys.forEach((k, i) => {
    at.set(k, i);
  });
  const fitAt = (k: string) => at.get(`fit.${k}`) ?? -1;
  const L: FastLayout = {
    n: at.get("n") ?? -1,
    chisq: fitAt("chisq"),
    df: fitAt("df"),
    pvalue: fitAt("pvalue"),
    hypotheses: 0,
    paths: [],
    outcomes: [],
  };
  if (L.chisq < 0 || L.df < 0 || L.pvalue < 0) return null;
  for (const [i, k] of keys.entries()) {
    if (k.startsWith("outcome.")) {
      const name = k.slice(8);
      if (/^(0|[1-9]\d*)$/.test(name)) return null;
      L.outcomes.push({ i, name, cell: d3Cell(name) });
    } else if (k.startsWith("fit.")) {
    } else if (k.endsWith(".est")) {
      const label = k.slice(0, -4);
      const idx = (suffix: string) => at.get(`${label}.${suffix}`) ?? -1;
      const ends = parsePathLabel(label);
      const hypothesis = (ends ? hypothesisOf(ends.from, ends.to) : undefined) ?? "";
      const paperVerdict = TABLE2.find((t) => pathLabel(t.from, t.to) === label)?.verdict ?? "";
      const x = {
        label,
        hypothesis,
        paperVerdict,
        cells: `${d3Cell(hypothesis)},${d3Cell(label)}`,
        paperCell: d3Cell(paperVerdict),
        std: idx("std"),
        stdSe: idx("std_se"),
        pop: idx("pop"),
        p: idx("p"),
        sig: idx("sig"),
      };
      if (x.std < 0 || x.stdSe < 0 || x.pop < 0 || x.p < 0 || x.sig < 0 || idx("se") < 0)
        return null;
      if (paperVerdict !== "") L.hypotheses++;
      L.paths.push(x);
    }
  }
  return L;
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
  /** Whether rows can be written straight from values (no column name collisions). */
  private fast: boolean;
  /** The current point's leading cells of a replications.csv row ("0,203,"). */
  private rowPrefix = "";
  /** The current point's leading cells of an outcomes.csv row. */
  private outPrefix = "";
  private outFastColumns: string[] = [];

  constructor(
    private readonly plan: SweepPlan,
    private readonly open: SinkFactory,
    private readonly values: PointValues = new PointValues(),
  ) {
    if (!plan.sweep.power) throw new Error("not a power sweep");
    this.replications = open("replications.csv");
    this.outcomes = open("outcomes.csv");
    this.rowColumns = ["point", ...plan.sweep.factors.map((f) => f.path), ...ROW_COLUMNS];
    this.replications.write(
      d3Line(Object.fromEntries(this.rowColumns.map((c) => [c, c])), this.rowColumns),
    );
    const taken = new Set<string>([...ROW_COLUMNS, "point", "replication", "outcome", "value"]);
    const axes = plan.sweep.factors.map((f) => f.path);
    this.fast = axes.every((a) => !taken.has(a)) && new Set(axes).size === axes.length;
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
      const head: Record<string, unknown> = { point: p, ...settings };
      const axisCols = this.rowColumns.slice(0, this.rowColumns.length - ROW_COLUMNS.length);
      this.rowPrefix = d3Line(head, axisCols).slice(0, -1) + ",";
      const outCols = inferColumns([head]);
      this.outPrefix = d3Line(head, outCols).slice(0, -1) + ",";
      this.outFastColumns = [...outCols, "replication", "outcome", "value"];
      const sc = this.plan.scenarioAt(p);
      if (!sc.ok) throw new Error(sc.message);
      this.alpha = sc.scenario.estimation.alpha;
      this.composite = compositeValues(sc.scenario);
      this.acc = new SummaryAccumulator(this.alpha, this.composite, this.values);
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
    const fast = this.fast && this.layoutOf(r.keys);
    if (fast) this.addFast(spec.replication, fast, r.values);
    else this.addRows(spec.replication, r.keys, r.values);
  }

  /** The general way: rows as objects, formatted as toCsv would (any keys, any settings). */
  private addRows(replication: number, keys: readonly string[], values: ArrayLike<number>): void {
    const result = resultOfRecord(replication, keys, values);
    const rows = replicationRows([result], this.alpha);
    const outs = outcomeRows([result]);
    const head = { point: this.point, ...this.settings };
    let text = "";
    for (const row of rows) text += d3Line({ ...head, ...row }, this.rowColumns);
    if (text) this.replications.write(text);
    if (outs.length) {
      const full = outs.map((o) => ({ ...head, ...o }));
      const cols = inferColumns(full);
      this.outcomeHeader(cols);
      let t = "";
      for (const o of full) t += d3Line(o, cols);
      this.outcomes.write(t);
    }
    (this.acc as SummaryAccumulator).add(rows, outs);
  }

  private outcomeHeader(cols: string[]): void {
    if (this.outColumns) return;
    this.outColumns = cols;
    this.outcomes.write(`${cols.map(d3Cell).join(",")}\n`);
  }

  /**
   * The same rows written straight from the record's values (no objects per row): used when
   * the layout's keys are plain (see fastLayout) and the settings' column names collide with
   * no row column. The text and the summary are the same as addRows gives.
   */
  private addFast(replication: number, L: FastLayout, v: ArrayLike<number>): void {
    const acc = this.acc as SummaryAccumulator;
    const alpha = this.alpha;
    const rep = String(replication);
    const lead = `${this.rowPrefix}${rep},${String(L.n < 0 ? Number.NaN : v[L.n])},`;
    const chisq = v[L.chisq];
    const df = v[L.df];
    const pv = v[L.pvalue];
    const chisqP = df > 0 && Number.isFinite(pv) ? pv : null;
    const tail = `,${String(chisq)},${String(df)},${chisqP === null ? "" : String(chisqP)}\n`;
    let text = "";
    let allMatch = true;
    for (const x of L.paths) {
      const std = v[x.std];
      const se = v[x.stdSe];
      const pop = v[x.pop];
      const p = v[x.p];
      const lo = std - Z95 * se;
      const hi = std + Z95 * se;
      const covered = lo <= pop && pop <= hi ? 1 : 0;
      const significant = p < alpha ? 1 : 0;
      const verdict = v[x.sig] === 1 ? "S" : "NS";
      if (x.paperVerdict !== "" && verdict !== x.paperVerdict) allMatch = false;
      text += `${lead}${x.cells},${String(pop)},${String(std)},${String(se)},${String(lo)},${String(hi)},${covered},${String(p)},${significant},${verdict},${x.paperCell}${tail}`;
      acc.addPath(x.label, x.hypothesis, pop, std, se, covered, significant, verdict);
    }
    if (text) this.replications.write(text);
    if (L.paths.length)
      acc.addReplication(L.hypotheses, allMatch, df, chisqP, L.n < 0 ? Number.NaN : v[L.n]);
    let outs = "";
    for (const o of L.outcomes) {
      const x = v[o.i];
      if (!Number.isFinite(x)) continue;
      outs += `${this.outPrefix}${rep},${o.cell},${String(x)}\n`;
      acc.addOutcome(o.name, x);
    }
    if (outs) {
      this.outcomeHeader(this.outFastColumns);
      this.outcomes.write(outs);
    }
  }

  private layouts = new Map<readonly string[], FastLayout | null>();

  private layoutOf(keys: readonly string[]): FastLayout | null {
    let L = this.layouts.get(keys);
    if (L === undefined) {
      L = fastLayout(keys);
      if (this.layouts.size > 256) this.layouts.clear();
      this.layouts.set(keys, L);
    }
    return L;
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
