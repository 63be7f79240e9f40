import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cholesky } from "../../../src/math/linalg.ts";
import {
  discriminantTests,
  estimateCfa,
  fitMeasures,
  paperCfaModel,
  parameterTable,
  type SampleMoments,
} from "../../../src/measurement/index.ts";
import {
  fitWlsmv,
  ordinalAcov,
  ordinalSampleStats,
  wlsmvFitMeasures,
} from "../../../src/measurement/ordinal/index.ts";
import { paperCfaSpec } from "../../../src/measurement/paper.ts";
import { CONSTRUCTS, RETAINED_ITEMS, TABLE1_CORRELATIONS } from "../../../src/paper/index.ts";
import { derive } from "../../../src/random/stream.ts";
import { sampleCovariance } from "../../../src/random/wishart.ts";

/**
 * The paper's CFA (7 factors, 39 retained items, 99 free parameters) at n = 203: time per ML fit
 * (estimates, SEs, fit measures) on fresh samples drawn from the Appendix loadings and Table 1
 * correlations (Wishart draws of the sample covariance), median wall and mean CPU time; the
 * discriminant step (21 constrained refits); lavaan's cfa() timed in the same run when Rscript
 * and lavaan are installed. Then the same CFA with the items as ordinal (7-point answers cut
 * from draws of the same population): thresholds + polychorics + Gamma's scores + WLSMV per
 * replication, beside lavaan's cfa(ordered = TRUE, estimator = "WLSMV") on one of the data sets.
 */
export function run(): void {
  const lavaan =
    spawnSync("Rscript", ["-e", "suppressMessages(library(lavaan))"], { encoding: "utf8" })
      .status === 0;
  runMl(lavaan);
  runWlsmv(lavaan);
}

/** The Appendix population: Sigma of the 39 items (unit variances) and its Cholesky factor. */
function population(): { names: string[]; p: number; L: Float64Array } {
  const names = RETAINED_ITEMS.map((i) => i.id);
  const p = names.length;
  const Sigma = new Float64Array(p * p);
  RETAINED_ITEMS.forEach((a, i) => {
    RETAINED_ITEMS.forEach((b, j) => {
      const r =
        TABLE1_CORRELATIONS[CONSTRUCTS.indexOf(a.construct)][CONSTRUCTS.indexOf(b.construct)];
      Sigma[i * p + j] = i === j ? 1 : (a.loading ?? 0) * (b.loading ?? 0) * r;
    });
  });
  return { names, p, L: cholesky(Sigma, p)! };
}

/** n raw draws x = L e (Box-Muller from the stream's uniforms), rows of p values. */
function rawDraws(L: Float64Array, p: number, n: number, ...purpose: string[]): Float64Array[] {
  const z = derive("bench", "measurement", ...purpose);
  const out: Float64Array[] = [];
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: p }, () => {
      const u = z.next() || 1e-12;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * z.next());
    });
    const x = new Float64Array(p);
    for (let a = 0; a < p; a++) {
      let v = 0;
      for (let b = 0; b <= a; b++) v += L[a * p + b] * e[b];
      x[a] = v;
    }
    out.push(x);
  }
  return out;
}

const paperModelSyntax = (sep: string) =>
  CONSTRUCTS.map(
    (c) =>
      `${c} =~ ${RETAINED_ITEMS.filter((i) => i.construct === c)
        .map((i) => i.id)
        .join(" + ")}`,
  ).join(sep);

function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

export function runWlsmv(lavaan: boolean): void {
  const { names, p, L } = population();
  const n = 203;
  const reps = 12;
  // 7-point answers: cut points shifted per item (symmetric to skewed, as survey answers are)
  const cuts = [-1.8, -1.1, -0.4, 0.4, 1.1, 1.8];
  const shift = (a: number) => ((a % 5) - 2) * 0.2;
  const sets = Array.from({ length: reps }, (_, r) => {
    const x = rawDraws(L, p, n, "ordinal", String(r));
    return names.map((_, a) =>
      Float64Array.from(x, (row) => 1 + cuts.filter((c) => row[a] > c + shift(a)).length),
    );
  });
  const spec = paperCfaSpec();
  let parts = { stats: 0, acov: 0, fit: 0, fitMeasures: 0 };
  let failures = 0;
  const one = (cols: Float64Array[], record: boolean) => {
    let t = cpuMs();
    const s = ordinalSampleStats({ names, columns: cols });
    if (!s.ok) return void failures++;
    let u = cpuMs();
    if (record) parts.stats += u - t;
    t = u;
    const acov = ordinalAcov(s.stats);
    u = cpuMs();
    if (record) parts.acov += u - t;
    t = u;
    if (!acov) return void failures++;
    const o = fitWlsmv(spec, s.stats, { acov });
    u = cpuMs();
    if (record) parts.fit += u - t;
    t = u;
    if (!o.ok) return void failures++;
    wlsmvFitMeasures(o.estimate, { robust: false, rmseaInterval: false });
    if (record) parts.fitMeasures += cpuMs() - t;
  };
  // three timed passes over the 12 data sets: the first right after one warm-up replication (the
  // JIT still compiling: its CPU time includes the compiler threads), the later ones as the
  // replications of a longer Monte Carlo run go
  one(sets[0], false);
  const pass = (label: string) => {
    parts = { stats: 0, acov: 0, fit: 0, fitMeasures: 0 };
    failures = 0;
    const wall: number[] = [];
    const c0 = cpuMs();
    for (const cols of sets) {
      const a = performance.now();
      one(cols, true);
      wall.push(performance.now() - a);
    }
    const cpu = (cpuMs() - c0) / reps;
    wall.sort((x, y) => x - y);
    console.log(
      `${`paper CFA, 39 ordinal items, n = 203: WLSMV per replication, ${label}`.padEnd(62)} ${wall[Math.floor(reps / 2)].toFixed(1)} ms median wall, ${cpu.toFixed(1)} ms cpu`,
    );
    console.log(
      `  thresholds + polychorics ${(parts.stats / reps).toFixed(1)} ms, Gamma's scores ${(parts.acov / reps).toFixed(1)} ms, DWLS + robust SEs + scaled-shifted test ${(parts.fit / reps).toFixed(1)} ms, scaled CFI/TLI/RMSEA ${(parts.fitMeasures / reps).toFixed(1)} ms (cpu); ${failures} failed`,
    );
    return { cpu, wall: wall[Math.floor(reps / 2)] };
  };
  const first = pass("1st pass");
  const second = pass("2nd pass");
  const third = pass("3rd pass");
  if (!lavaan) {
    console.log("lavaan WLSMV: skipped (Rscript with lavaan not installed)");
    return;
  }
  const file = join(tmpdir(), `bgsim-bench-wlsmv-${process.pid}.csv`);
  const rows = [names.join(",")];
  for (let i = 0; i < n; i++) rows.push(sets[0].map((c) => c[i]).join(","));
  writeFileSync(file, `${rows.join("\n")}\n`);
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      `suppressMessages(library(lavaan)); d <- read.csv("${file}"); m <- "${paperModelSyntax("\\n")}"; ` +
        `f <- function() cfa(m, data = d, ordered = TRUE, estimator = "WLSMV"); invisible(f()); ` +
        `cpu <- function(e) { s <- system.time(e); s[["user.self"]] + s[["sys.self"]] }; ` +
        `el <- function(e) { s <- system.time(e); c(s[["user.self"]] + s[["sys.self"]], s[["elapsed"]]) }; ` +
        `t <- sapply(1:3, function(k) el(f())); cat(1000 * median(t[1, ]), 1000 * median(t[2, ]))`,
    ],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (r.error) console.log(`lavaan: could not run Rscript (${r.error.message})`);
  const [lavMs, lavWall] = (r.stdout ?? "").trim().split(/\s+/).map(Number);
  console.log(
    Number.isFinite(lavMs) && lavMs > 0
      ? `lavaan cfa(ordered = TRUE, estimator = "WLSMV"), same model, n = 203: ${lavMs.toFixed(0)} ms cpu per fit (median of 3) -> ours ${(lavMs / first.cpu).toFixed(1)}x (1st pass), ${(lavMs / second.cpu).toFixed(1)}x (2nd), ${(lavMs / third.cpu).toFixed(1)}x (3rd) faster (cpu time on both sides); median wall ${lavWall.toFixed(0)} ms -> ours ${(lavWall / first.wall).toFixed(1)}x (1st pass), ${(lavWall / second.wall).toFixed(1)}x (2nd), ${(lavWall / third.wall).toFixed(1)}x (3rd) (median wall time on both sides: the cpu figure of a pass counts V8's background compiler and GC threads too)`
      : `lavaan WLSMV: timing failed (${(r.stderr ?? "").trim().split("\n").pop()})`,
  );
}

function runMl(lavaan: boolean): void {
  const { names, p, L } = population();
  const n = 203;
  const reps = 200;
  const s = derive("bench", "measurement");
  const samples: SampleMoments[] = Array.from({ length: reps }, () => ({
    names,
    cov: sampleCovariance(s, L, p, n),
    n,
  }));
  const model = paperCfaModel();
  const modelStd = paperCfaModel(true);
  let failures = 0;
  let iterations = 0;
  const time = (label: string, fn: (d: SampleMoments) => void, count = reps, warm = 10) => {
    for (let i = 0; i < warm; i++) fn(samples[i % reps]);
    const t: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const a = performance.now();
      fn(samples[i % reps]);
      t.push(performance.now() - a);
    }
    const c = process.cpuUsage(c0);
    t.sort((x, y) => x - y);
    const med = t[Math.floor(t.length / 2)];
    const cpu = (c.user + c.system) / 1000 / count;
    console.log(`${label.padEnd(62)} ${med.toFixed(2)} ms median wall, ${cpu.toFixed(2)} ms cpu`);
    return { cpu, wall: med };
  };
  const ours = time("paper CFA, n = 203: estimate + SEs", (d) => {
    const o = estimateCfa(model, d);
    if (!o.ok) failures++;
    else iterations += o.estimate.iterations;
  });
  console.log(
    `  ${reps + 10} fits, ${failures} failed, ${(iterations / (reps + 10 - failures)).toFixed(1)} iterations on average (Fisher scoring, then BFGS)`,
  );
  // the same fits again after a full pass of warm-up: the per-replication cost of a Monte Carlo's
  // thousands of fits, once V8 has compiled the estimator (the line above includes that work)
  const steady = time(
    "  the same, steady state (after 200 more warm-up fits)",
    (d) => {
      estimateCfa(model, d);
    },
    reps,
    reps,
  );
  time("  + fitMeasures (RMSEA interval) + std.all with delta SEs", (d) => {
    const o = estimateCfa(model, d);
    if (o.ok) {
      fitMeasures(o.estimate);
      parameterTable(o.estimate);
    }
  });
  time(
    "  + 21 discriminant-validity refits (std.lv)",
    (d) => {
      const o = estimateCfa(modelStd, d);
      if (o.ok) discriminantTests(o.estimate);
    },
    10,
  );
  // lavaan, same model, a sample of this run written to CSV (raw data, as cfa() needs)
  if (!lavaan) {
    console.log("lavaan: skipped (Rscript with lavaan not installed)");
    return;
  }
  const file = join(tmpdir(), `bgsim-bench-cfa-${process.pid}.csv`);
  const rows: string[] = [names.join(",")];
  for (const x of rawDraws(L, p, n, "raw")) rows.push(Array.from(x, (v) => v.toFixed(8)).join(","));
  writeFileSync(file, `${rows.join("\n")}\n`);
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      `suppressMessages(library(lavaan)); d <- read.csv("${file}"); m <- "${paperModelSyntax("\\n")}"; ` +
        `cpu <- function(e) { s <- system.time(e); s[["user.self"]] + s[["sys.self"]] }; ` +
        `el <- function(e) { s <- system.time(e); c(s[["user.self"]] + s[["sys.self"]], s[["elapsed"]]) }; ` +
        `invisible(cfa(m, data = d)); t <- sapply(1:20, function(k) el(cfa(m, data = d))); cat(1000 * median(t[1, ]), 1000 * median(t[2, ]))`,
    ],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (r.error) console.log(`lavaan: could not run Rscript (${r.error.message})`);
  const [lavMs, lavWall] = (r.stdout ?? "").trim().split(/\s+/).map(Number);
  console.log(
    Number.isFinite(lavMs) && lavMs > 0
      ? `lavaan cfa() on the same model, n = 203: ${lavMs.toFixed(0)} ms cpu per fit (median of 20) -> ours ${(lavMs / ours.cpu).toFixed(0)}x faster (cpu time on both sides; steady state ${(lavMs / steady.cpu).toFixed(0)}x); median wall ${lavWall.toFixed(0)} ms -> ours ${(lavWall / ours.wall).toFixed(0)}x (steady state ${(lavWall / steady.wall).toFixed(0)}x; median wall time on both sides)`
      : `lavaan: timing failed (${(r.stderr ?? "").trim().split("\n").pop()})`,
  );
}
