import { spawnSync } from "node:child_process";
import { fitML } from "../../../src/estimate/ml.ts";
import { estimatePathModel } from "../../../src/estimate/report.ts";
import { cholesky, covariance } from "../../../src/math/linalg.ts";
import { buildModelOrThrow, publishedSpec, structureOf } from "../../../src/model/index.ts";
import { drawPopulation } from "../../../src/population/draw.ts";
import { derive } from "../../../src/random/stream.ts";
import { sampleCovariance } from "../../../src/random/wishart.ts";
import { medianMs } from "./timing.ts";

/**
 * lavaan: the same population (the built model's B and Psi, written as lavaan syntax) drawn by
 * simulateData() and fitted by sem() with the published structure, timed inside R (startup and
 * library loading excluded) over the replications after five warm-up fits, in CPU time (user +
 * system of the R process, as bench 07 times lavaan), so that other jobs on the machine do not
 * inflate lavaan's figure and with it the ratio.
 */
const LAVAAN = `
suppressPackageStartupMessages(library(lavaan))
args <- commandArgs(TRUE)
pop <- args[2]
fit_model <- args[3]
set.seed(1)
for (i in 1:5) sem(fit_model, data = simulateData(pop, sample.nobs = 203))
R <- as.integer(args[1])
cpu <- function() { t <- proc.time(); t[["user.self"]] + t[["sys.self"]] }
t0 <- cpu()
for (i in 1:R) sem(fit_model, data = simulateData(pop, sample.nobs = 203))
cat(sprintf("%.6f\\n", (cpu() - t0) / R))
`;

/** CPU seconds per lavaan replication (simulateData + sem at n = 203), or null without Rscript/lavaan. */
function lavaanSecondsPerReplication(
  reps: number,
  population: string,
  fitted: string,
): number | null {
  const r = spawnSync("Rscript", ["-e", LAVAAN, String(reps), population, fitted], {
    encoding: "utf8",
  });
  if (r.error || r.status !== 0) return null;
  const s = Number(r.stdout.trim().split("\n").pop());
  return Number.isFinite(s) && s > 0 ? s : null;
}

export function run(): void {
  const model = buildModelOrThrow(publishedSpec());
  const structure = structureOf(model.spec);
  const p = model.p;
  const n = 203;
  const pop = drawPopulation(model, n, { seed: 3 });
  const cov = covariance(pop.columns, n);
  const o = { modification: false, rmseaInterval: false } as const;
  const us = (f: () => void, runs = 20_000) => medianMs(f, runs, 2_000) * 1000;
  const fitIt = us(() => void fitML(structure, cov, n, { method: "iterative" }), 5_000);
  const fitCf = us(() => void fitML(structure, cov, n));
  const repIt = us(
    () => void estimatePathModel(structure, cov, n, { ...o, method: "iterative" }),
    5_000,
  );
  // every row and R² read (a report computes its covariance and variance rows and R² when
  // first read; a Monte Carlo replication reads only the paths and the fit)
  const readAll = (r: ReturnType<typeof estimatePathModel>) =>
    void (r.ok && r.report.covariances.length + r.report.variances.length + r.report.r2.PERF);
  const repCf = us(() => readAll(estimatePathModel(structure, cov, n, o)));
  const repUsed = us(() => void estimatePathModel(structure, cov, n, o));
  console.log(
    `published model, n = 203 (median): ML fit ${fitCf.toFixed(1)} us closed form vs ${fitIt.toFixed(1)} us Fisher scoring (${(fitIt / fitCf).toFixed(0)}x); ` +
      `full report (std.all + delta-method SEs of every row, R², fit indices; no MI, no RMSEA interval) ${repCf.toFixed(1)} us vs ${repIt.toFixed(1)} us (${(repIt / repCf).toFixed(1)}x); ` +
      `the report as a replication reads it (paths, fit) ${repUsed.toFixed(1)} us`,
  );
  // composite-level replication without selection: S ~ Wishart(Sigma, n - 1) / (n - 1), estimate
  const L = cholesky(model.Sigma, p);
  if (!L) throw new Error("implied matrix not positive definite");
  const stream = derive(1, "bench-fastpath");
  const one = () =>
    void estimatePathModel(structure, sampleCovariance(stream, L, p, n), n, {
      ...o,
      alpha: 0.05,
    });
  const repUs = us(one);
  // the same in CPU time (user + system of this process over a batch), as lavaan is timed
  const batch = 50_000;
  const c0 = process.cpuUsage();
  for (let r = 0; r < batch; r++) one();
  const c1 = process.cpuUsage(c0);
  const repCpuUs = (c1.user + c1.system) / batch;
  const lavaanReps = 40;
  const v = model.variables;
  const lines: string[] = [];
  const fitted: string[] = [];
  for (let i = 0; i < p; i++) {
    const terms = v.flatMap((x, j) => (model.B[i * p + j] ? [`${model.B[i * p + j]}*${x}`] : []));
    if (terms.length) lines.push(`${v[i]} ~ ${terms.join(" + ")}`);
    const free = v.flatMap((x, j) => (model.B[i * p + j] ? [x] : []));
    if (free.length) fitted.push(`${v[i]} ~ ${free.join(" + ")}`);
    for (let j = 0; j <= i; j++)
      if (model.Psi[i * p + j]) {
        lines.push(`${v[i]} ~~ ${model.Psi[i * p + j]}*${v[j]}`);
        if (j < i && !model.exogenous.includes(v[i])) fitted.push(`${v[i]} ~~ ${v[j]}`);
      }
  }
  const lav = lavaanSecondsPerReplication(lavaanReps, lines.join("\n"), fitted.join("\n"));
  if (lav === null)
    console.log(
      `composite replication (Wishart draw + estimate): ${repUs.toFixed(1)} us median wall, ${repCpuUs.toFixed(1)} us cpu (mean of ${batch}); lavaan line skipped (Rscript with lavaan not found)`,
    );
  else
    console.log(
      `composite replication (Wishart draw + estimate): ${repUs.toFixed(1)} us median wall, ${repCpuUs.toFixed(1)} us cpu (mean of ${batch}) vs lavaan simulateData + sem() ${(lav * 1000).toFixed(1)} ms cpu per replication (Rscript, ${lavaanReps} replications, same run): ${(lav / (repCpuUs / 1e6)).toFixed(0)}x faster in cpu time, ${(lav / (repUs / 1e6)).toFixed(0)}x against our median wall (target 5,000x; run on a quiet machine: other jobs slow both down, not equally)`,
    );
}
