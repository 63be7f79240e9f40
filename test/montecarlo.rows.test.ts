import { describe, expect, it } from "vitest";
import { outcomeRows, ROW_COLUMNS, replicationRows } from "../sim/core/montecarlo/rows.ts";
import { runMonteCarlo } from "../sim/core/montecarlo/run.ts";
import { summarise } from "../sim/core/montecarlo/summary.ts";
import { toCsv } from "../sim/core/output/csv.ts";
import { validateScenario } from "../src/scenario/validate.ts";

describe("replication rows", () => {
  it("a saturated model (df = 0) leaves chisq_p empty: no NaN anywhere in the output", () => {
    const r = validateScenario({
      seed: 5,
      model: { base: "table1" },
      survey: { enabled: true, level: "composites", calibration: "composites" },
    });
    if (!r.ok) throw new Error("invalid");
    const res = runMonteCarlo(r.scenario, { reps: 10 });
    const rows = replicationRows(res, 0.05);
    expect(rows).toHaveLength(10 * 14); // 12 hypotheses + IEO->PERF, IMO->PERF
    expect(rows.every((x) => x.df === 0 && x.chisq_p === null)).toBe(true);
    const csv = toCsv(rows, ROW_COLUMNS) + toCsv(outcomeRows(res));
    expect(csv).not.toMatch(/NaN/);
    const s = summarise(rows, 0.05, outcomeRows(res));
    expect(s.model.chisq_rejection).toBe(0);
    expect(JSON.stringify(s)).not.toMatch(/NaN|null,"paper_verdict":"S"/);
    expect(s.paths.find((p) => p.path === "IMO->PERF")!.verdict_match).toBeNull();
  });
});
