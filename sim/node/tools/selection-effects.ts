// Selection effects over replications (docs/ODD.md section 10):
//   node --import tsx sim/node/tools/selection-effects.ts [scenario.json] [replications]
// prints, per path, the mean standardized coefficient in the founded population, the mean (SD)
// in the surveyed frame and in the survey sample, and the share of significant sample estimates.
import { runReplication } from "../../../src/replication.ts";
import { readScenario } from "../files/files.ts";

const path = process.argv[2] ?? "scenarios/dynamics-baseline.json";
const R = Number(process.argv[3] ?? 20);
const scenario = readScenario(path);
const acc: Record<string, number[]> = {};
const push = (k: string, v: number) => {
  acc[k] ??= [];
  acc[k].push(v);
};
for (let rep = 0; rep < R; rep++) {
  const result = runReplication({ ...scenario, mode: "dynamics" }, rep);
  for (const p of result.paths) {
    push(`${p.label}|pop`, result.outcomes[`population.${p.label}`]);
    push(`${p.label}|frame`, result.outcomes[`frame.${p.label}`]);
    push(`${p.label}|sample`, p.std);
    push(`${p.label}|sig`, p.verdict === "S" ? 1 : 0);
  }
  push("n|frame", result.outcomes["frame.n"]);
  push("n|sample", result.n);
  process.stderr.write(`\rreplication ${rep + 1}/${R}`);
}
process.stderr.write("\n");
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const sd = (a: number[]) =>
  a.length > 1 ? Math.sqrt(a.reduce((x, y) => x + (y - mean(a)) ** 2, 0) / (a.length - 1)) : 0;
const f = (a: number[]) => `${mean(a).toFixed(3)} (${sd(a).toFixed(3)})`;
console.log(
  `${path}: ${R} replications; frame n = ${mean(acc["n|frame"]).toFixed(0)}, sample n = ${mean(acc["n|sample"]).toFixed(0)}`,
);
console.log("| path | population | frame | survey sample | significant |\n|---|---|---|---|---|");
for (const l of new Set(Object.keys(acc).map((k) => k.split("|")[0]))) {
  if (l === "n") continue;
  console.log(
    `| ${l.replace("->", " -> ")} | ${mean(acc[`${l}|pop`]).toFixed(3)} | ${f(acc[`${l}|frame`])} | ${f(acc[`${l}|sample`])} | ${mean(acc[`${l}|sig`]).toFixed(2)} |`,
  );
}
