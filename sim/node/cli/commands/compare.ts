import { pairedDifference } from "../../../../src/math/intervals.ts";
import {
  analystSummary,
  type OutcomeRun,
  type PolicyMetrics,
  policyMetrics,
  SUMMARY_KEYS,
} from "../../../../src/pipeline/policyMetrics.ts";
import { runReplication } from "../../../../src/replication.ts";
import type { Scenario } from "../../../../src/scenario/schema.ts";
import { flattenResult } from "../../../core/output/flatten.ts";
import { createPool } from "../../../core/pool/pool.ts";
import { readScenario } from "../../files/files.ts";
import { nodeSpawn, nodeWorkerCount } from "../../pool/nodeSpawn.ts";
import { type Command, intOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { progressBar } from "../progress.ts";

export interface Comparison {
  seed: number;
  reps: number;
  /** Replications where A or B failed (excluded from every difference). */
  failed: { replication: number; message: string }[];
  rows: {
    quantity: string;
    meanA: number;
    meanB: number;
    diff: number;
    lo: number;
    hi: number;
    n: number;
  }[];
  onlyA: string[];
  onlyB: string[];
  /** The registered outcomes (`outcome.<key>` without the prefix) of each replication used. */
  outcomes: { a: OutcomeRun[]; b: OutcomeRun[] };
}

/** The registered outcomes of one flattened replication. */
function outcomesOfFlat(f: Flat): OutcomeRun {
  const o: Record<string, number> = {};
  f.keys.forEach((k, i) => {
    if (k.startsWith("outcome.")) o[k.slice("outcome.".length)] = f.values[i];
  });
  return o;
}

type Flat = { keys: string[]; values: ArrayLike<number> };

/**
 * Paired comparison of two scenarios with common random numbers: replication r of A and of B
 * both use streams derived from (seed, r, ...), so the difference B - A of each quantity is
 * measured on the same random draws and its confidence interval is a paired t interval.
 * `get(0, r)` / `get(1, r)` give replication r of A / B (or the error that stopped it).
 */
export function comparisonFrom(
  reps: number,
  seed: number,
  get: (scenario: 0 | 1, replication: number) => Flat | { error: string },
): Comparison {
  const va = new Map<string, number[]>();
  const vb = new Map<string, number[]>();
  const keysA: string[] = [];
  const keysB: string[] = [];
  const failed: Comparison["failed"] = [];
  const outcomes: Comparison["outcomes"] = { a: [], b: [] };
  let ok = 0;
  const put = (m: Map<string, number[]>, keys: string[], f: Flat) =>
    f.keys.forEach((k, i) => {
      let arr = m.get(k);
      if (!arr) {
        arr = new Array<number>(ok).fill(Number.NaN);
        m.set(k, arr);
        keys.push(k);
      }
      arr.push(f.values[i]);
    });
  for (let r = 0; r < reps; r++) {
    const fa = get(0, r);
    const fb = get(1, r);
    if ("error" in fa || "error" in fb) {
      failed.push({
        replication: r,
        message: "error" in fa ? `A: ${fa.error}` : `B: ${(fb as { error: string }).error}`,
      });
      continue;
    }
    put(va, keysA, fa);
    put(vb, keysB, fb);
    outcomes.a.push(outcomesOfFlat(fa));
    outcomes.b.push(outcomesOfFlat(fb));
    ok++;
    for (const m of [va, vb])
      for (const arr of m.values()) if (arr.length < ok) arr.push(Number.NaN);
  }
  const rows: Comparison["rows"] = [];
  for (const k of keysA) {
    const xa = va.get(k) as number[];
    const xb = vb.get(k);
    if (!xb) continue;
    const d = pairedDifference(xa, xb);
    rows.push({
      quantity: k,
      meanA: d.meanA,
      meanB: d.meanB,
      diff: d.diff,
      lo: d.lo,
      hi: d.hi,
      n: d.n,
    });
  }
  return {
    seed,
    reps,
    failed,
    rows,
    onlyA: keysA.filter((k) => !vb.has(k)),
    onlyB: keysB.filter((k) => !va.has(k)),
    outcomes,
  };
}

/** The analyst's summary of a comparison (`--summary`), or why there is none. */
export function comparisonSummary(
  a: Scenario,
  b: Scenario,
  c: Comparison,
): { metrics: PolicyMetrics; sentence: string } | { missing: string } {
  const keys = Object.values(SUMMARY_KEYS);
  const lacking = keys.filter((k) => !c.outcomes.a.concat(c.outcomes.b).every((o) => k in o));
  if (lacking.length || !c.outcomes.a.length)
    return {
      missing: `the summary needs dynamics-mode scenarios (outcome ${lacking.join(", ") || keys[0]} is missing)`,
    };
  const metrics = policyMetrics(c.outcomes.a, c.outcomes.b);
  return { metrics, sentence: analystSummary(a, b, metrics) };
}

/** The comparison computed in this thread (no workers). */
export function compareScenarios(a: Scenario, b: Scenario, reps: number, seed: number): Comparison {
  const pair = [
    { ...a, seed },
    { ...b, seed },
  ];
  return comparisonFrom(reps, seed, (i, r) => {
    try {
      return flattenResult(runReplication(pair[i], r));
    } catch (e) {
      return { error: (e as Error).message };
    }
  });
}

/** The comparison computed in a pool of worker threads, with a progress bar on stderr. */
export async function compareInPool(
  a: Scenario,
  b: Scenario,
  reps: number,
  seed: number,
  workers: number,
  quiet: boolean,
): Promise<Comparison> {
  const pool = createPool({ size: Math.min(workers, 2 * reps), spawn: nodeSpawn() });
  const results = new Map<number, Flat | { error: string }>();
  const bar = progressBar(process.stderr, { quiet });
  try {
    await pool.prepare({
      scenarios: [
        { ...a, seed },
        { ...b, seed },
      ],
      replications: reps,
    });
    await pool.run({
      onResult: (o) =>
        results.set(
          o.spec.run,
          o.ok ? { keys: o.keys, values: o.values.slice() } : { error: o.message },
        ),
      onProgress: (p) => bar.update(p),
    });
  } finally {
    bar.end();
    await pool.close(); // worker threads stopped before the process exits
  }
  return comparisonFrom(reps, seed, (i, r) => results.get(i * reps + r) ?? { error: "not run" });
}

export const compare: Command = {
  name: "compare",
  summary:
    "What did B change relative to A? Outcome differences with 95% CIs (common random numbers)",
  usage:
    "bgsim compare <scenario A.json> <scenario B.json> [--reps R] [--seed S] [--workers N] [--all] [--summary]",
  options: {
    reps: { type: "string" },
    seed: { type: "string" },
    workers: { type: "string" },
    all: { type: "boolean" },
    summary: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  },
  help: `Runs R replications of each scenario with common random numbers (replication r of A and
of B use the same random streams, from seed S and r), and prints for every outcome, path
(estimate, standardized estimate, SE, p, significance rate = power, population value) and fit
index: the mean under A, the mean under B, the difference B - A and its paired 95% confidence
interval (t, R - 1 df). "*" marks intervals that exclude zero.
Options:
  --reps R   replications (default 200)
  --seed S   seed of both scenarios (default: A's seed)
  --workers N  worker threads (default: the machine's; 1 runs in this thread)
  --quiet    no progress bar
  --all      also list quantities that are identical in every replication
  --summary  (dynamics scenarios) end with the analyst's summary: one sentence on the share
             exporting at the survey date and the programme cost, and the cost per additional
             exporter and per additional US$ of exports in the survey year, each a ratio of
             paired mean differences with a Fieller 95% interval (t, R - 1 df); the same
             function as the web app's What-if view (src/pipeline/policyMetrics.ts)`,
  async run({ values, positionals }) {
    if (positionals.length !== 2)
      throw new UsageError("expected two scenario files (bgsim compare A.json B.json)");
    const reps = intOption(values.reps, "reps", 2, 1_000_000, 200);
    const a = readScenario(positionals[0]);
    const b = readScenario(positionals[1]);
    const seed = intOption(values.seed, "seed", 0, 4_294_967_295, a.seed);
    const workers = intOption(values.workers, "workers", 1, 1024, nodeWorkerCount());
    const c =
      workers === 1
        ? compareScenarios(a, b, reps, seed)
        : await compareInPool(a, b, reps, seed, workers, values.quiet === true);
    if (c.failed.length === reps)
      throw new UsageError(`every replication failed; first error: ${c.failed[0].message}`);
    const rows = c.rows.filter((r) => values.all || !(r.diff === 0 && r.lo === 0 && r.hi === 0));
    const same = c.rows.length - rows.length;
    const out: string[] = [];
    out.push(`A: ${positionals[0]} ("${a.name}")   B: ${positionals[1]} ("${b.name}")`);
    out.push(
      `Common random numbers: replication r of A and of B draws from the same streams (seed ${seed}, replication r), so each difference is paired; 95% CIs are paired t intervals over ${reps - c.failed.length} replications.`,
    );
    if (a.seed !== seed || b.seed !== seed)
      out.push(
        `(The scenarios' own seeds, A ${a.seed} and B ${b.seed}, were replaced by ${seed}.)`,
      );
    out.push("");
    out.push(
      table(
        ["quantity", "A mean", "B mean", "B - A", "95% CI", ""],
        [...rows]
          .sort((x, y) => displayRank(x.quantity) - displayRank(y.quantity))
          .map((r) => [
            r.quantity,
            fmt(r.meanA, 4),
            fmt(r.meanB, 4),
            fmt(r.diff, 4),
            Number.isFinite(r.lo) ? `[${fmt(r.lo, 4)}, ${fmt(r.hi, 4)}]` : "NA",
            r.lo > 0 || r.hi < 0 ? "*" : "",
          ]),
      ),
    );
    if (same)
      out.push(
        `\n${same} quantities are identical in A and B in every replication (--all lists them).`,
      );
    out.push(
      "\n.sig = share of replications with p < alpha (power or false-positive rate); .pop = population value.",
    );
    if (c.onlyA.length) out.push(`Only in A: ${c.onlyA.join(", ")}`);
    if (c.onlyB.length) out.push(`Only in B: ${c.onlyB.join(", ")}`);
    if (c.failed.length)
      out.push(
        `${c.failed.length} replication(s) failed and were left out of both A and B (first: replication ${c.failed[0].replication}: ${c.failed[0].message})`,
      );
    if (values.summary) out.push("", ...summaryLines({ ...a, seed }, { ...b, seed }, c));
    console.log(out.join("\n"));
  },
};

/** The `--summary` section: the sentence, then the numbers behind it with their intervals. */
export function summaryLines(a: Scenario, b: Scenario, c: Comparison): string[] {
  const s = comparisonSummary(a, b, c);
  if ("missing" in s) return [`Analyst summary: none, ${s.missing}.`];
  const m = s.metrics;
  const ci = (lo: number, hi: number) =>
    Number.isFinite(lo) && Number.isFinite(hi) ? `[${fmt(lo, 4)}, ${fmt(hi, 4)}]` : "unbounded";
  const year = b.dynamics.surveyYear;
  return [
    "Analyst summary",
    s.sentence,
    "",
    table(
      ["quantity", "A mean", "B mean", "B - A", "95% CI"],
      [
        ["share of firms exporting", m.share],
        ["exporters (firms)", m.exporters],
        [`exports in ${year} (US$ million)`, m.exports],
        ["programme cost (US$ thousand)", m.cost],
      ].map(([label, d]) => {
        const p = d as PolicyMetrics["share"];
        return [label as string, fmt(p.meanA, 4), fmt(p.meanB, 4), fmt(p.diff, 4), ci(p.lo, p.hi)];
      }),
    ),
    "",
    table(
      ["ratio of paired mean differences", "estimate", "95% CI (Fieller)"],
      [
        ["cost per additional exporter (US$)", m.costPerExporter],
        [`cost per additional US$ of exports in ${year} (US$)`, m.costPerExportUsd],
      ].map(([label, r]) => {
        const q = r as PolicyMetrics["costPerExporter"];
        return [label as string, fmt(q.estimate, 4), ci(q.lo, q.hi)];
      }),
    ),
    `Cost is the programme's over the whole run; exports are one year's (${year}). Fieller's interval is unbounded when the denominator's own interval contains 0.`,
  ];
}

/**
 * Display order: what a policy analyst asks first (the dynamics outcomes: exporters, born
 * globals, markets, exports, cost), then other outcomes, the path estimates, the fit, and last
 * the non-response check statistics. The sort is stable, so each group keeps its own order.
 */
function displayRank(quantity: string): number {
  if (quantity.startsWith("outcome.dynamics.")) return 0;
  if (quantity.startsWith("outcome.check.")) return 4;
  if (quantity.startsWith("outcome.")) return 1;
  if (quantity.startsWith("fit.")) return 3;
  return 2;
}
