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
import { CONSTRUCTS, RETAINED_ITEMS, TABLE1_CORRELATIONS } from "../../../src/paper/index.ts";
import { derive } from "../../../src/random/stream.ts";
import { sampleCovariance } from "../../../src/random/wishart.ts";

/**
 * The paper's CFA (7 factors, 39 retained items, 99 free parameters) at n = 203: time per ML fit
 * (estimates, SEs, fit measures) on fresh samples drawn from the Appendix loadings and Table 1
 * correlations (Wishart draws of the sample covariance), median wall and mean CPU time; the
 * discriminant step (21 constrained refits); lavaan's cfa() timed in the same run when Rscript
 * and lavaan are installed.
 */
export function run(): void {
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
  const L = cholesky(Sigma, p)!;
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
  const time = (label: string, fn: (d: SampleMoments) => void, count = reps) => {
    for (let i = 0; i < 10; i++) fn(samples[i]);
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
    return cpu;
  };
  const ours = time("paper CFA, n = 203: estimate + SEs", (d) => {
    const o = estimateCfa(model, d);
    if (!o.ok) failures++;
    else iterations += o.estimate.iterations;
  });
  console.log(
    `  ${reps + 10} fits, ${failures} failed, ${(iterations / (reps + 10 - failures)).toFixed(1)} iterations on average (Fisher scoring, then BFGS)`,
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
  const has = spawnSync("Rscript", ["-e", "suppressMessages(library(lavaan))"], {
    encoding: "utf8",
  });
  if (has.status !== 0) {
    console.log("lavaan: skipped (Rscript with lavaan not installed)");
    return;
  }
  const file = join(tmpdir(), `bgsim-bench-cfa-${process.pid}.csv`);
  const rows: string[] = [names.join(",")];
  const z = derive("bench", "measurement", "raw");
  // raw data with the population covariance: x = L e
  for (let i = 0; i < n; i++) {
    const e = Array.from({ length: p }, () => {
      // Box-Muller from the stream's uniforms
      const u = z.next() || 1e-12;
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * z.next());
    });
    rows.push(
      names
        .map((_, a) => {
          let v = 0;
          for (let b = 0; b <= a; b++) v += L[a * p + b] * e[b];
          return v.toFixed(8);
        })
        .join(","),
    );
  }
  writeFileSync(file, `${rows.join("\n")}\n`);
  const model_ = CONSTRUCTS.map(
    (c) =>
      `${c} =~ ${RETAINED_ITEMS.filter((i) => i.construct === c)
        .map((i) => i.id)
        .join(" + ")}`,
  ).join("\\n");
  const r = spawnSync(
    "Rscript",
    [
      "-e",
      `suppressMessages(library(lavaan)); d <- read.csv("${file}"); m <- "${model_}"; ` +
        `invisible(cfa(m, data = d)); t <- sapply(1:20, function(k) system.time(cfa(m, data = d))[["elapsed"]]); cat(1000 * median(t))`,
    ],
    { encoding: "utf8" },
  );
  const lavMs = Number(r.stdout.trim());
  console.log(
    Number.isFinite(lavMs) && lavMs > 0
      ? `lavaan cfa() on the same model, n = 203: ${lavMs.toFixed(0)} ms per fit (median of 20) -> ours ${(lavMs / ours).toFixed(0)}x faster (cpu)`
      : `lavaan: timing failed (${r.stderr.trim().split("\n").pop()})`,
  );
}
