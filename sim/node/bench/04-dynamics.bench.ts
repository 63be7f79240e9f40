import { readFileSync } from "node:fs";
import { simulate } from "../../../src/dynamics/simulate.ts";
import { derive } from "../../../src/random/stream.ts";
import { validateScenario } from "../../../src/scenario/validate.ts";

/**
 * Dynamics throughput: firm-market-steps per second of the baseline (living firm-steps times
 * foreign markets: what a model flipping a coin per firm, market and step would visit), next
 * to a bare typed-array loop drawing one alea number per firm-market-step, in the same run.
 */
function bareLoop(firmSteps: number, markets: number): number {
  const s = derive(1, "bench-bare");
  const next = s.next;
  const state = new Float64Array(markets);
  let hits = 0;
  for (let i = 0; i < firmSteps; i++) {
    for (let m = 0; m < markets; m++) {
      const u = next();
      if (u < 0.001) {
        state[m] += u;
        hits++;
      }
    }
  }
  return hits + state[0];
}

export function run(): void {
  const text = readFileSync(
    new URL("../../../scenarios/dynamics-baseline.json", import.meta.url),
    "utf8",
  );
  const v = validateScenario(JSON.parse(text));
  if (!v.ok) throw new Error("scenarios/dynamics-baseline.json is invalid");
  const scenario = v.scenario;
  simulate({ ...scenario, dynamics: { ...scenario.dynamics, firms: 2000 } }, 99); // warm-up
  const simMs: number[] = [];
  const bareMs: number[] = [];
  let fms = 0;
  let firmSteps = 0;
  let spellSteps = 0;
  let M = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const h = simulate(scenario, r);
    simMs.push(performance.now() - t0);
    fms = h.stats.firmMarketSteps;
    firmSteps = h.stats.firmSteps;
    spellSteps = h.stats.spellSteps;
    M = h.markets.iso3.length;
    const t1 = performance.now();
    bareLoop(firmSteps, M);
    bareMs.push(performance.now() - t1);
  }
  // Best of 5 interleaved runs: the least disturbed by other processes on a shared machine.
  const best = (a: number[]) => Math.min(...a);
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const simRate = fms / (best(simMs) / 1000);
  const bareRate = fms / (best(bareMs) / 1000);
  console.log(
    `dynamics baseline: ${scenario.dynamics.firms.toLocaleString("en-US")} firms x ${M} markets, ${firmSteps.toLocaleString("en-US")} living firm-steps, ${spellSteps.toLocaleString("en-US")} firm-market relationship-steps`,
  );
  console.log(
    `  simulate:  ${(simRate / 1e6).toFixed(1)} M firm-market-steps/s (best of 5 runs: ${best(simMs).toFixed(0)} ms, median ${med(simMs).toFixed(0)} ms)`,
  );
  console.log(
    `  bare loop: ${(bareRate / 1e6).toFixed(1)} M firm-market-steps/s (one alea draw per firm-market-step; best ${best(bareMs).toFixed(0)} ms, median ${med(bareMs).toFixed(0)} ms)`,
  );
  console.log(
    `  ratio simulate / bare loop: ${(simRate / bareRate).toFixed(2)} (goal >= 1: event-driven entry and exit beat a coin flip per firm, market and step)`,
  );
}
