import { describe, expect, it } from "vitest";
import { outcomeRows, ROW_COLUMNS, replicationRows } from "../sim/core/montecarlo/rows.ts";
import { runMonteCarlo } from "../sim/core/montecarlo/run.ts";
import { toCsv } from "../sim/core/output/csv.ts";
import { validateScenario } from "../src/scenario/validate.ts";

describe("Monte Carlo determinism", () => {
  it("the same seed gives the same replications file whatever the chunking", () => {
    const r = validateScenario({ seed: 42, survey: { enabled: true } }); // item level, selection
    if (!r.ok) throw new Error("invalid");
    const s = r.scenario;
    const whole = runMonteCarlo(s, { reps: 12 });
    const chunks = [
      ...runMonteCarlo(s, { start: 7, reps: 5 }), // out of order on purpose
      ...runMonteCarlo(s, { start: 0, reps: 3 }),
      ...runMonteCarlo(s, { start: 3, reps: 4 }),
    ].sort((a, b) => a.replication - b.replication);
    const csv = (x: typeof whole) => toCsv(replicationRows(x, 0.05), ROW_COLUMNS);
    expect(csv(chunks)).toBe(csv(whole));
    expect(toCsv(outcomeRows(chunks))).toBe(toCsv(outcomeRows(whole)));
    const other = validateScenario({ seed: 43, survey: { enabled: true } });
    if (!other.ok) throw new Error("invalid");
    expect(csv(runMonteCarlo(other.scenario, { reps: 12 }))).not.toBe(csv(whole));
  });
});
