import { meanCi } from "../../../src/math/intervals.ts";
import { morrisIndices } from "../designs/morris.ts";
import type { SweepPlan } from "../designs/plan.ts";
import { toUnit } from "../designs/unit.ts";
import { powerFiles } from "../montecarlo/finalise.ts";
import { VERSION } from "../version.ts";
import { hashOf } from "./hash.ts";
import { JournalEncoder, type JournalRecord } from "./journal.ts";
import { csvLine, numText, toRanges } from "./numbers.ts";

/**
 * Final files of a sweep (or of one shard), computed from the journal's records alone and
 * ordered by run index, so they do not depend on the number of workers, on completion order,
 * on interruptions or on how the runs were split into shards. Pure: returns file texts.
 */

export interface Shard {
  /** 1-based shard number k of N. */
  index: number;
  count: number;
}

export interface Manifest {
  format: "bgsim-sweep/1";
  name: string;
  version: string;
  /** Hash of the resolved sweep (base scenario inlined); resume and merge require it to match. */
  sweepHash: string;
  seed: number;
  streams: string;
  design: string;
  points: number;
  replications: number;
  runs: number;
  shard: Shard | null;
  /** Runs in this output's slice (all runs, or the shard's). */
  sliceRuns: number;
  status: "running" | "complete";
  /** Finished run indices (succeeded or failed) as ranges "0-99,120". */
  done: string;
  doneCount: number;
  failedCount: number;
}

/** Run indices of shard k of N: run i belongs to shard (i mod N) + 1 (round robin). */
export function shardRuns(runs: number, shard: Shard | null): number[] {
  const out: number[] = [];
  if (!shard) for (let i = 0; i < runs; i++) out.push(i);
  else for (let i = shard.index - 1; i < runs; i += shard.count) out.push(i);
  return out;
}

export function sweepHash(plan: SweepPlan): string {
  return hashOf(plan.sweep);
}

export function manifestOf(
  plan: SweepPlan,
  shard: Shard | null,
  records: Iterable<JournalRecord>,
  status: Manifest["status"],
): Manifest {
  const done: number[] = [];
  let failed = 0;
  for (const r of records) {
    done.push(r.run);
    if ("error" in r) failed++;
  }
  done.sort((a, b) => a - b);
  return {
    format: "bgsim-sweep/1",
    name: plan.sweep.name,
    version: VERSION,
    sweepHash: sweepHash(plan),
    seed: plan.sweep.seed,
    streams: plan.sweep.streams,
    design: plan.sweep.design.type,
    points: plan.points.length,
    replications: plan.sweep.replications,
    runs: plan.runs,
    shard,
    sliceRuns: shardRuns(plan.runs, shard).length,
    status,
    done: toRanges(done),
    doneCount: done.length,
    failedCount: failed,
  };
}

export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/**
 * The final files by name. A sweep: runs.jsonl, results.csv, failures.csv, summary.csv (and
 * morris.csv), manifest.json. A power sweep (sweep.power set, see bgsim power): runs.jsonl,
 * replications.csv, outcomes.csv, summary.csv, summary.json (not for a shard: a shard's slice
 * is no sample of its own; merge the shards), failures.csv when runs failed, manifest.json.
 * Writers put manifest.json last (it says "complete").
 */
export type FinalFiles = { "runs.jsonl": string; "manifest.json": string } & Record<string, string>;

export function finalFiles(
  plan: SweepPlan,
  shard: Shard | null,
  records: JournalRecord[],
): FinalFiles {
  const sorted = [...records].sort((a, b) => a.run - b.run);
  if (plan.sweep.power) return finalPowerFiles(plan, shard, sorted);
  const factors = plan.sweep.factors.map((f) => f.path);
  const enc = new JournalEncoder();
  let journal = "";
  const columns: string[] = [];
  const colIndex = new Map<string, number>();
  for (const r of sorted) {
    journal += enc.encode(r);
    if (!("error" in r))
      for (const k of r.keys)
        if (!colIndex.has(k)) {
          colIndex.set(k, columns.length);
          columns.push(k);
        }
  }
  const idHead = ["run", "point", "replication", "seed", ...factors];
  const idCells = (run: number) => {
    const s = plan.runSpec(run);
    return [
      String(run),
      String(s.point),
      String(s.replication),
      String(s.seed),
      ...factors.map((f) => numText(s.params[f])),
    ];
  };
  let results = csvLine([...idHead, ...columns]);
  let failures = csvLine([...idHead, "error"]);
  // per point, per column: values of its successful replications
  const byPoint = new Map<number, number[][]>();
  for (const r of sorted) {
    if ("error" in r) {
      failures += csvLine([...idCells(r.run), r.error]);
      continue;
    }
    const row = new Array<string>(columns.length).fill("");
    const point = plan.runSpec(r.run).point;
    let acc = byPoint.get(point);
    if (!acc) {
      acc = columns.map(() => []);
      byPoint.set(point, acc);
    }
    r.keys.forEach((k, i) => {
      const j = colIndex.get(k) as number;
      row[j] = numText(r.values[i]);
      acc[j].push(r.values[i]);
    });
    results += csvLine([...idCells(r.run), ...row]);
  }
  let summary = csvLine([
    "point",
    ...factors,
    "quantity",
    "runs",
    "mean",
    "sd",
    "se",
    "ci95_lo",
    "ci95_hi",
  ]);
  const points = [...byPoint.keys()].sort((a, b) => a - b);
  for (const p of points) {
    const acc = byPoint.get(p) as number[][];
    const fcells = plan.points[p].map(numText);
    columns.forEach((c, j) => {
      if (!acc[j].length) return;
      const m = meanCi(acc[j]);
      summary += csvLine([
        String(p),
        ...fcells,
        c,
        String(acc[j].length),
        numText(m.mean),
        numText(m.sd),
        numText(m.se),
        numText(m.lo),
        numText(m.hi),
      ]);
    });
  }
  const files: FinalFiles = {
    "runs.jsonl": journal,
    "results.csv": results,
    "failures.csv": failures,
    "summary.csv": summary,
    "manifest.json": manifestText(manifestOf(plan, shard, sorted, "complete")),
  };
  if (plan.morris && !shard) files["morris.csv"] = morrisCsv(plan, columns, byPoint);
  return files;
}

function journalText(sorted: readonly JournalRecord[]): string {
  const enc = new JournalEncoder();
  let journal = "";
  for (const r of sorted) journal += enc.encode(r);
  return journal;
}

function finalPowerFiles(
  plan: SweepPlan,
  shard: Shard | null,
  sorted: JournalRecord[],
): FinalFiles {
  const extra: Record<string, string> = shard ? {} : { ...powerFiles(plan, sorted).files };
  const failed = sorted.flatMap((r) => ("error" in r ? [r] : []));
  if (failed.length) {
    const factors = plan.sweep.factors.map((f) => f.path);
    let failures = csvLine(["run", "point", "replication", "seed", ...factors, "error"]);
    for (const r of failed) {
      const s = plan.runSpec(r.run);
      failures += csvLine([
        String(r.run),
        String(s.point),
        String(s.replication),
        String(s.seed),
        ...factors.map((f) => numText(s.params[f])),
        r.error,
      ]);
    }
    extra["failures.csv"] = failures;
  }
  return {
    "runs.jsonl": journalText(sorted),
    ...extra,
    "manifest.json": manifestText(manifestOf(plan, shard, sorted, "complete")),
  };
}

/** Morris statistics of every quantity (per-point means over replications) for every factor. */
function morrisCsv(plan: SweepPlan, columns: string[], byPoint: Map<number, number[][]>): string {
  const m = plan.morris as NonNullable<SweepPlan["morris"]>;
  const fs = plan.sweep.factors;
  const unitActual = plan.points.map((row) => row.map((x, j) => toUnit(fs[j], x)));
  let out = csvLine(["factor", "quantity", "effects", "mu", "mu_star", "sigma"]);
  const perQuantity = columns.map((_, j) => {
    const y = new Float64Array(plan.points.length).fill(Number.NaN);
    for (const [p, acc] of byPoint) {
      const v = acc[j];
      if (v.length) y[p] = v.reduce((a, b) => a + b, 0) / v.length;
    }
    return morrisIndices(unitActual, m.changed, y, fs.length);
  });
  fs.forEach((f, k) => {
    columns.forEach((c, j) => {
      const s = perQuantity[j][k];
      out += csvLine([
        f.path,
        c,
        String(s.effects),
        numText(s.mu),
        numText(s.muStar),
        numText(s.sigma),
      ]);
    });
  });
  return out;
}
