import { twoSidedP } from "../../../src/math/distributions.ts";
import type { ReplicationResult } from "../../../src/replication.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { compositeValues } from "../../../src/survey/compositeValues.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toCsv } from "../output/csv.ts";
import { hashOf } from "../output/hash.ts";
import type { JournalRecord } from "../output/journal.ts";
import { csvCell } from "../output/numbers.ts";
import { PointValues, type SpillFactory } from "../output/pointValues.ts";
import { VERSION } from "../version.ts";
import { analysisPowerRows, type PointAnalyses, pointAnalysesOf } from "./analyses.ts";
import {
  ANALYSIS_ROW_COLUMNS,
  type AnalysisRow,
  analysesOfRecord,
  analysisRows,
  GENERATING,
  isAnalysisKey,
  outcomeRows,
  type PathColumns,
  pathColumnsOf,
  pathsOfKeys,
  type ReplicationRow,
  ROW_COLUMNS,
  replicationRows,
  Z95,
} from "./rows.ts";
import { ModelTestAccumulator, type Summary, SummaryAccumulator, summaryCells } from "./summary.ts";

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

/** Where resultOfRecord finds each part of a record with given keys. */
interface RecordLayout {
  outcomes: { i: number; name: string }[];
  fit: { i: number; name: string }[];
  pathIndex: number[];
  /** The keys of pathIndex (pathsOfKeys finds its layout by this array). */
  pathKeys: string[];
  n: number;
}

function recordLayout(keys: readonly string[]): RecordLayout {
  const L: RecordLayout = { outcomes: [], fit: [], pathIndex: [], pathKeys: [], n: -1 };
  for (const [i, k] of keys.entries()) {
    if (k.startsWith("outcome.")) L.outcomes.push({ i, name: k.slice(8) });
    else if (k.startsWith("fit.")) L.fit.push({ i, name: k.slice(4) });
    else if (!isAnalysisKey(k)) {
      if (k === "n") L.n = i;
      L.pathIndex.push(i);
      L.pathKeys.push(k);
    }
  }
  return L;
}

/** Layouts by keys array (records of one layout share theirs), a few hundred at most. */
const layouts = new WeakMap<readonly string[], RecordLayout>();

/** A journal record of a power run back into the replication result it was flattened from. */
export function resultOfRecord(
  replication: number,
  keys: readonly string[],
  values: ArrayLike<number>,
): ReplicationResult {
  let L = layouts.get(keys);
  if (!L) {
    L = recordLayout(keys);
    layouts.set(keys, L);
  }
  const fit: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  for (const o of L.outcomes) outcomes[o.name] = values[o.i];
  for (const f of L.fit) fit[f.name] = values[f.i];
  return {
    replication,
    n: L.n < 0 ? Number.NaN : values[L.n],
    paths: pathsOfKeys(L.pathKeys, values, L.pathIndex),
    fit: fit as ReplicationResult["fit"],
    outcomes,
  };
}

/** Where a power file's text goes, piece by piece (a file on disk in Node, a string in browsers). */
export interface PowerSink {
  write(text: string): void;
}

/**
 * Text kept aside and written later, in order (the analysis models' rows of a design point,
 * which follow all of the generating model's rows in replications.csv): in memory by default;
 * in Node a temporary file beyond a buffer, so memory does not grow with the replications.
 */
export interface TextSpill {
  write(text: string): void;
  /** Write everything written since the last drain to `sink`, in order, and forget it. */
  drainTo(sink: PowerSink): void;
  close(): void;
}

export type TextSpillFactory = () => TextSpill;

export function memoryTextSpill(): TextSpill {
  let parts: string[] = [];
  return {
    write: (t) => {
      parts.push(t);
    },
    drainTo: (sink) => {
      if (parts.length) sink.write(parts.join(""));
      parts = [];
    },
    close: () => {
      parts = [];
    },
  };
}

/** A CSV cell as d3-dsv's csvFormat (toCsv) writes a value: null/undefined empty, quoted if needed. */
function cellOf(v: unknown): string {
  if (v == null) return "";
  if (typeof v === "number") return String(v);
  return csvCell(String(v));
}

/** One CSV line of `row` over `columns`, as toCsv writes it. */
function lineOf(row: Record<string, unknown>, columns: readonly string[]): string {
  let out = "";
  for (let i = 0; i < columns.length; i++) {
    if (i) out += ",";
    out += cellOf(row[columns[i]]);
  }
  return `${out}\n`;
}

const hasOwn = (o: object, k: string) => Object.hasOwn(o, k);

/**
 * The lines of one design point's rows in a file whose rows are `{ point, ...settings, ...row }`
 * over fixed columns (as powerFiles built them with toCsv): the point's leading cells are
 * formatted once, and a row is formatted cell by cell from its own fields; a row that has a
 * field of the same name as a leading column takes the general way (the spread object). Many
 * cells repeat (a replication's n and chi-square on each of its rows, a path's name and
 * population value in every replication), so each column keeps the text of its last value, in
 * any row and in the row at the same place of the previous replication (`slot`).
 */
class PointLines {
  private readonly lead: string[];
  private readonly rest: string[];
  /** The point's leading cells, each followed by a comma. */
  readonly prefix: string;
  private readonly head: Record<string, unknown>;
  private readonly colVal: unknown[];
  private readonly colText: string[];
  private slotVal: unknown[] = [];
  private slotText: string[] = [];

  constructor(
    point: number,
    settings: Record<string, number>,
    private readonly columns: readonly string[],
    leadCount: number,
  ) {
    this.head = { point, ...settings };
    this.lead = columns.slice(0, leadCount);
    this.rest = columns.slice(leadCount);
    let prefix = "";
    for (const c of this.lead) prefix += `${cellOf(this.head[c])},`;
    this.prefix = prefix;
    this.colVal = this.rest.map(() => Number.NaN);
    this.colText = this.rest.map(() => "");
  }

  /** Where each column's value is among a row's own values (by key order), -1: the point's. */
  private mapKeys: string[] = [];
  private map: Int32Array = new Int32Array(0);

  private mapOf(keys: string[]): Int32Array {
    const k = this.mapKeys;
    let same = k.length === keys.length;
    for (let i = 0; same && i < keys.length; i++) same = k[i] === keys[i];
    if (!same) {
      this.mapKeys = keys;
      this.map = Int32Array.from(this.rest, (c) => keys.indexOf(c));
    }
    return this.map;
  }

  /** The CSV line of a row, the `slot`-th row of its replication. */
  line(r: object, slot: number): string {
    const row = r as Record<string, unknown>;
    for (const c of this.lead)
      if (hasOwn(row, c)) return lineOf({ ...this.head, ...row }, this.columns);
    const map = this.mapOf(Object.keys(row));
    const values = Object.values(row);
    let out = this.prefix;
    const rest = this.rest;
    const nc = rest.length;
    const base = slot * nc;
    if (this.slotVal.length < base + nc) {
      for (let i = this.slotVal.length; i < base + nc; i++) {
        this.slotVal.push(Number.NaN);
        this.slotText.push("");
      }
    }
    const { colVal, colText, slotVal, slotText, head } = this;
    for (let i = 0; i < nc; i++) {
      const j = map[i];
      const v = j >= 0 ? values[j] : hasOwn(head, rest[i]) ? head[rest[i]] : undefined;
      let t: string;
      if (v === slotVal[base + i]) t = slotText[base + i];
      else {
        if (v === colVal[i]) t = colText[i];
        else {
          t = cellOf(v);
          colVal[i] = v;
          colText[i] = t;
        }
        slotVal[base + i] = v;
        slotText[base + i] = t;
      }
      out += i ? `,${t}` : t;
    }
    return `${out}\n`;
  }
}

/**
 * Cells that JSON.stringify writes as CSV would once its quotes are removed (see
 * GeneratingText): printable ASCII without a quote, backslash or bracket; a cell that CSV
 * quotes holds a quote, so no cell here needed quoting.
 */
const PLAIN = /^[\x20\x21\x23-\x5a\x5e-\x7e]*$/;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A number as a JSON array element that reads as its CSV cell (String(x)) once unquoted. */
const cellValue = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/**
 * The generating model's rows of replications.csv and its outcomes.csv lines for records of
 * one layout at one design point (no analysis section), written from the values themselves
 * instead of through ReplicationResult and row objects: the same cells as replicationRows,
 * outcomeRows and PointLines (a test compares them with toCsv of those rows), and the same
 * additions to the point's SummaryAccumulator as its add(rows, outcomes). A replication's rows
 * are one JSON.stringify of an array per row (numbers as String writes them; non-finite ones
 * and constant cells as strings, all PLAIN), with the quotes removed and "],[" turned into line
 * breaks: V8 writes numbers into JSON text without a string for each. Built only for layouts
 * whose cells are PLAIN, without bootstrap intervals, and whose outcome names keep their order
 * as object keys; otherwise the general way is taken.
 */
export class GeneratingText {
  /** One array per path, refilled for each replication: the cells of its row. */
  private readonly cells: (number | string)[][];
  private readonly popValue: number[];
  private readonly popText: string[];

  private constructor(
    private readonly prefix: string,
    private readonly n: number,
    private readonly chisq: number,
    private readonly df: number,
    private readonly pvalue: number,
    private readonly paths: PathColumns[],
    private readonly outs: { i: number; name: string }[],
  ) {
    this.cells = paths.map((x) => {
      const c: (number | string)[] = new Array(17).fill("");
      c[15] = csvCell(x.paperVerdict);
      return c;
    });
    this.popValue = paths.map(() => Number.NaN);
    this.popText = paths.map(() => "");
  }

  static of(
    keys: readonly string[],
    point: number,
    settings: Record<string, number>,
    axisCols: readonly string[],
    prefix: string,
  ): GeneratingText | null {
    // the leading cells are the point's own (no column of the rows among them)
    const lead = ["point", ...axisCols];
    const settingKeys = Object.keys(settings);
    if (
      !PLAIN.test(prefix) ||
      lead.some((c) => (ROW_COLUMNS as string[]).includes(c)) ||
      !sameKeys(settingKeys, axisCols) ||
      !sameKeys(Object.keys({ point, ...settings, replication: 0, outcome: "", value: 0 }), [
        "point",
        ...axisCols,
        "replication",
        "outcome",
        "value",
      ])
    )
      return null;
    const L = recordLayout(keys);
    const fitAt = (name: string) => {
      let at = -1;
      for (const f of L.fit) if (f.name === name) at = f.i;
      return at;
    };
    const chisq = fitAt("chisq");
    const df = fitAt("df");
    const pvalue = fitAt("pvalue");
    if (chisq < 0 || df < 0 || pvalue < 0) return null;
    const paths = pathColumnsOf(L.pathKeys, L.pathIndex);
    for (const x of paths)
      if (
        x.boot ||
        !PLAIN.test(`${csvCell(x.hypothesis)},${csvCell(x.label)},${csvCell(x.paperVerdict)}`)
      )
        return null;
    // outcomes as Object.entries of resultOfRecord's outcomes: first appearance, last value
    const names = new Set<string>();
    for (const o of L.outcomes) {
      if (names.has(o.name) || /^(0|[1-9]\d*)$/.test(o.name) || !PLAIN.test(csvCell(o.name)))
        return null;
      names.add(o.name);
    }
    return new GeneratingText(prefix, L.n, chisq, df, pvalue, paths, L.outcomes);
  }

  /** The replication's rows (replicationRows), as PointLines writes them. */
  rows(replication: number, v: ArrayLike<number>, alpha: number): string {
    const paths = this.paths;
    if (!paths.length) return "";
    const df = v[this.df];
    const pvalue = v[this.pvalue];
    const head = `${this.prefix}${replication},${this.n < 0 ? Number.NaN : v[this.n]}`;
    const tail = `${v[this.chisq]},${df},${df > 0 && Number.isFinite(pvalue) ? pvalue : ""}`;
    for (let j = 0; j < paths.length; j++) {
      const x = paths[j];
      const c = this.cells[j];
      const pop = v[x.pop];
      if (!Object.is(pop, this.popValue[j])) {
        this.popValue[j] = pop;
        this.popText[j] = `${csvCell(x.hypothesis)},${csvCell(x.label)},${pop}`;
      }
      const est = v[x.est];
      const se = v[x.se];
      const p = v[x.p];
      const std = v[x.std];
      const stdSe = v[x.stdSe];
      const lo = std - Z95 * stdSe;
      const hi = std + Z95 * stdSe;
      c[0] = head;
      c[1] = this.popText[j];
      c[2] = cellValue(est);
      c[3] = cellValue(se);
      c[4] = cellValue(est / se);
      c[5] = cellValue(p);
      c[6] = p < alpha ? 1 : 0;
      c[7] = v[x.sig] === 1 ? "S" : "NS";
      c[8] = cellValue(std);
      c[9] = cellValue(stdSe);
      c[10] = cellValue(std / stdSe);
      c[11] = cellValue(twoSidedP(std / stdSe));
      c[12] = cellValue(lo);
      c[13] = cellValue(hi);
      c[14] = lo <= pop && pop <= hi ? 1 : 0;
      c[16] = tail;
    }
    const json = JSON.stringify(this.cells);
    return `${json.slice(2, -2).replaceAll('"', "").replaceAll("],[", "\n")}\n`;
  }

  /** Whether the replication has an outcome to write (a finite one). */
  anyOutcome(v: ArrayLike<number>): boolean {
    for (const o of this.outs) if (Number.isFinite(v[o.i])) return true;
    return false;
  }

  /** The replication's outcomes.csv lines (outcomeRows), after the point's leading cells. */
  outcomes(prefix: string, replication: number, v: ArrayLike<number>): string {
    const head = `${prefix}${replication},`;
    let out = "";
    for (const o of this.outs) {
      const x = v[o.i];
      if (Number.isFinite(x)) out += `${head}${o.name},${x}\n`;
    }
    return out;
  }

  /** SummaryAccumulator.add of the replication's rows and outcomes, term by term. */
  sums(acc: SummaryAccumulator, v: ArrayLike<number>, alpha: number): void {
    const paths = this.paths;
    let hyp = 0;
    let all = true;
    for (const x of paths) {
      const pop = v[x.pop];
      const std = v[x.std];
      const stdSe = v[x.stdSe];
      const lo = std - Z95 * stdSe;
      const hi = std + Z95 * stdSe;
      const verdict = v[x.sig] === 1 ? "S" : "NS";
      acc.addPath(
        x.label,
        x.hypothesis,
        pop,
        std,
        stdSe,
        lo <= pop && pop <= hi ? 1 : 0,
        v[x.p] < alpha ? 1 : 0,
        verdict,
      );
      if (x.paperVerdict !== "") {
        hyp++;
        if (verdict !== x.paperVerdict) all = false;
      }
    }
    if (paths.length) {
      const df = v[this.df];
      const pvalue = v[this.pvalue];
      acc.addReplication(
        hyp,
        all,
        df,
        df > 0 && Number.isFinite(pvalue) ? pvalue : null,
        this.n < 0 ? Number.NaN : v[this.n],
      );
    }
    for (const o of this.outs) {
      const x = v[o.i];
      if (Number.isFinite(x)) acc.addOutcome(o.name, x);
    }
  }
}

/** The analysis models of a design point and what is accumulated for each. */
interface ModelState {
  name: string;
  acc: SummaryAccumulator;
  test: ModelTestAccumulator;
  side: TextSpill;
}

/** What the writer holds for the design point being read. */
interface PointState {
  index: number;
  settings: Record<string, number>;
  scenario: Scenario;
  alpha: number;
  models: Scenario["analysis"];
  names: string[] | undefined;
  acc: SummaryAccumulator;
  test: ModelTestAccumulator;
  rows: PointLines;
  outs: PointLines | undefined;
  analyses: ModelState[];
  /** The generating model's rows written straight from the values (see GeneratingText). */
  fast: { keys: readonly string[]; text: GeneratingText | null } | undefined;
}

/**
 * The power files written as a power sweep's records arrive in run order (from the journal, or
 * from the runs as they finish): the rows of replications.csv and outcomes.csv go straight to
 * their sinks, each design point is summarised by accumulators (summary.ts: sums and counts,
 * and the values the exact two-pass figures need, in stores that spill to files in Node), so
 * memory does not grow with the replications; summary.csv and summary.json are written at the
 * end. The rows themselves come from rows.ts (replicationRows, analysisRows, outcomeRows) one
 * replication at a time, so a new column there reaches the files without a change here. The
 * bytes are those of the earlier in-memory powerFiles (toCsv of every row of a point).
 */
export class PowerWriter {
  readonly points: PowerPointSummary[] = [];
  private readonly replications: PowerSink;
  private readonly outcomes: PowerSink;
  private readonly axisCols: string[];
  private point = -1;
  private cur: PointState | undefined;
  private rowHeader = false;
  private outHeader = false;
  /** Value stores, reused point after point: [0] generating paths, [1] generating test, ... */
  private stores: PointValues[] = [];
  private sides: TextSpill[] = [];

  constructor(
    private readonly plan: SweepPlan,
    private readonly open: (name: string) => PowerSink,
    private readonly spill?: SpillFactory,
    private readonly textSpill: TextSpillFactory = memoryTextSpill,
  ) {
    if (!plan.sweep.power) throw new Error("not a power sweep");
    this.axisCols = plan.sweep.factors.map((f) => f.path);
    this.replications = open("replications.csv");
    this.outcomes = open("outcomes.csv");
  }

  private store(i: number): PointValues {
    while (this.stores.length <= i) this.stores.push(new PointValues(this.spill));
    return this.stores[i];
  }

  private side(i: number): TextSpill {
    while (this.sides.length <= i) this.sides.push(this.textSpill());
    return this.sides[i];
  }

  /** Start design points up to `index` (a point without a successful run is summarised empty). */
  private toPoint(index: number): PointState {
    while (this.point < index) {
      this.endPoint();
      this.point++;
      const p = this.point;
      const at = this.plan.pointAt(p);
      const settings: Record<string, number> = {};
      this.plan.sweep.factors.forEach((f, j) => {
        settings[f.path] = at[j];
      });
      const sc = this.plan.scenarioAt(p);
      if (!sc.ok) throw new Error(sc.message);
      const scenario = sc.scenario;
      const alpha = scenario.estimation.alpha;
      const models = scenario.analysis;
      const names = models?.map((a) => a.name);
      const columns = [
        "point",
        ...this.axisCols,
        ...((names ? ANALYSIS_ROW_COLUMNS : ROW_COLUMNS) as string[]),
      ];
      if (!this.rowHeader) {
        this.replications.write(`${columns.map(cellOf).join(",")}\n`);
        this.rowHeader = true;
      }
      this.cur = {
        index: p,
        settings,
        scenario,
        alpha,
        models,
        names,
        acc: new SummaryAccumulator(alpha, compositeValues(scenario), this.store(0)),
        test: new ModelTestAccumulator(alpha, this.store(1)),
        rows: new PointLines(p, settings, columns, 1 + this.axisCols.length),
        outs: undefined,
        analyses: (names ?? []).map((name, i) => ({
          name,
          acc: new SummaryAccumulator(alpha, null, this.store(2 + 2 * i)),
          test: new ModelTestAccumulator(alpha, this.store(3 + 2 * i)),
          side: this.side(i),
        })),
        fast: undefined,
      };
    }
    return this.cur as PointState;
  }

  private endPoint(): void {
    const st = this.cur;
    if (!st) return;
    this.cur = undefined;
    for (const m of st.analyses) m.side.drainTo(this.replications);
    const summary = st.acc.result();
    this.points.push({
      index: st.index,
      settings: st.settings,
      summary,
      ...(st.names
        ? {
            analyses: pointAnalysesOf(
              st.scenario,
              st.alpha,
              summary.model.mean_n,
              st.test,
              st.analyses.map((m) => ({ summary: m.acc.result(), test: m.test })),
            ),
          }
        : {}),
    });
  }

  /** A successful run's record (records in run order). */
  add(r: { run: number; keys: readonly string[]; values: ArrayLike<number> }): void {
    const spec = this.plan.runSpec(r.run);
    const st = this.toPoint(spec.point);
    if (!st.names) {
      const fast = this.fastText(st, r.keys);
      if (fast) {
        this.addFast(st, fast, spec.replication, r.values);
        return;
      }
    }
    const res = resultOfRecord(spec.replication, r.keys, r.values);
    if (st.models) res.analyses = analysesOfRecord(r.keys, r.values, st.models);
    const results = [res];
    let text = "";
    if (st.names) {
      // the generating model's rows now; each analysis model's rows aside until the point ends
      const gen: AnalysisRow[] = [];
      const byModel = st.analyses.map(() => [] as AnalysisRow[]);
      let m = -1;
      let slot = 0;
      for (const row of analysisRows(results, st.alpha, st.names)) {
        const line = st.rows.line(row, slot++);
        if (row.analysis === GENERATING) {
          gen.push(row);
          text += line;
          continue;
        }
        if (m < 0 || st.analyses[m].name !== row.analysis) m = st.names.indexOf(row.analysis);
        st.analyses[m].side.write(line);
        byModel[m].push(row);
      }
      st.analyses.forEach((ms, i) => {
        const rs = byModel[i];
        ms.acc.add(rs, []);
        if (rs.length) ms.test.add(rs[0]);
      });
      this.addGenerating(st, gen, res, text);
      return;
    }
    const rows = replicationRows(results, st.alpha);
    for (let i = 0; i < rows.length; i++) text += st.rows.line(rows[i], i);
    this.addGenerating(st, rows, res, text);
  }

  private addGenerating(
    st: PointState,
    rows: readonly ReplicationRow[],
    res: ReplicationResult,
    text: string,
  ): void {
    if (text) this.replications.write(text);
    if (rows.length && st.names) st.test.add(rows[0]); // the model test: analysis sections only
    const outs = outcomeRows([res]);
    if (outs.length) {
      const lines = this.outLines(st, outs[0]);
      let o = "";
      for (let i = 0; i < outs.length; i++) o += lines.line(outs[i], i);
      this.outcomes.write(o);
    }
    st.acc.add(rows, outs);
  }

  /** The point's outcomes.csv lines, started (and the file's header written) by its first row. */
  private outLines(st: PointState, first: object): PointLines {
    if (!st.outs) {
      const sample = { point: st.index, ...st.settings, ...first };
      const cols = Object.keys(sample);
      if (!this.outHeader) {
        this.outcomes.write(`${cols.map(cellOf).join(",")}\n`);
        this.outHeader = true;
      }
      st.outs = new PointLines(st.index, st.settings, cols, 1 + Object.keys(st.settings).length);
    }
    return st.outs;
  }

  /**
   * The point's GeneratingText for records with these keys, or null when the general way must
   * be taken. Records of a chunk share one keys array; a new array with the same keys (the next
   * chunk) keeps the text's layout.
   */
  private fastText(st: PointState, keys: readonly string[]): GeneratingText | null {
    const f = st.fast;
    if (f && (f.keys === keys || sameKeys(f.keys, keys))) {
      f.keys = keys;
      return f.text;
    }
    const text = GeneratingText.of(keys, st.index, st.settings, this.axisCols, st.rows.prefix);
    st.fast = { keys, text };
    return text;
  }

  /** addGenerating without rows: the same text and the same sums, from the values directly. */
  private addFast(
    st: PointState,
    g: GeneratingText,
    replication: number,
    values: ArrayLike<number>,
  ): void {
    const text = g.rows(replication, values, st.alpha);
    if (text) this.replications.write(text);
    if (g.anyOutcome(values)) {
      const lines = this.outLines(st, { replication, outcome: "", value: 0 });
      this.outcomes.write(g.outcomes(lines.prefix, replication, values));
    }
    g.sums(st.acc, values, st.alpha);
  }

  /** Summarise the last design points and write summary.csv and summary.json. */
  end(): PowerPointSummary[] {
    this.toPoint(this.plan.pointCount - 1);
    this.endPoint();
    if (!this.outHeader) this.outcomes.write("\n");
    for (const v of this.stores) v.close();
    for (const t of this.sides) t.close();
    const s = this.plan.sweep;
    const meta = s.power as NonNullable<typeof s.power>;
    this.open("summary.csv").write(toCsv(powerRows(this.points)));
    this.open("summary.json").write(
      `${JSON.stringify(
        {
          command: "power",
          version: VERSION,
          scenario: meta.scenario,
          // the scenario as run (defaults resolved, survey on) and its hash (canonical JSON)
          scenario_hash: hashOf(s.base),
          seed: s.seed,
          reps: s.replications,
          start: s.firstReplication ?? 0,
          axes: meta.axes,
          points: this.points,
          resolved_scenario: s.base,
        },
        null,
        2,
      )}\n`,
    );
    return this.points;
  }

  /** Release the stores (after end, or when giving up). */
  close(): void {
    for (const v of this.stores) v.close();
    for (const t of this.sides) t.close();
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
  if (points.some((pt) => pt.analyses)) return analysisPowerRows(points);
  const rows: Record<string, number | string | null>[] = [];
  for (const pt of points)
    for (const p of pt.summary.paths)
      rows.push({ point: pt.index, ...pt.settings, ...summaryCells(p, pt.summary.model) });
  return rows;
}
