import { describe, expect, it } from "vitest";
import { compareScenarios } from "../sim/node/cli/commands/compare.ts";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import { simulateForView } from "../web/dynamics/summarise.ts";
import {
  differences,
  OUTCOMES,
  outcomesOf,
  POLICIES,
  policyScenario,
  WHAT_IF_OUTCOME_KEYS,
} from "../web/whatIf/compare.ts";

/**
 * `bgsim compare` (replications through runReplication, outcomes from the registry as
 * `outcome.<key>` columns) and the What-if view (runs in the view's workers, outcomes from the
 * same registry carried in the ViewHistory) give the same means for the same scenario, policy,
 * seed and replications.
 */
describe("bgsim compare and the What-if view agree", () => {
  it("export promotion: same baseline, policy and difference means for every What-if outcome", () => {
    const input: ScenarioInput = {
      name: "small",
      seed: 2004,
      mode: "dynamics",
      dynamics: { firms: 12_000 },
    };
    const base = validateScenario(input);
    const pol = validateScenario(policyScenario(input, POLICIES[0], 0.3));
    if (!base.ok || !pol.ok) throw new Error("invalid scenarios");
    const R = 3;
    const cli = compareScenarios(base.scenario, pol.scenario, R, base.scenario.seed);
    expect(cli.failed).toEqual([]);
    const runs = (s: typeof base.scenario) =>
      Array.from({ length: R }, (_, r) => outcomesOf(simulateForView(s, r, false)));
    const web = differences(runs(base.scenario), runs(pol.scenario));
    expect(web.map((d) => d.key)).toEqual([...WHAT_IF_OUTCOME_KEYS]);
    expect(OUTCOMES.map((o) => o.key)).toEqual([...WHAT_IF_OUTCOME_KEYS]);
    for (const d of web) {
      const row = cli.rows.find((x) => x.quantity === `outcome.${d.key}`);
      expect(row, d.key).toBeDefined();
      if (!row) continue;
      expect(Number.isFinite(d.baseline), d.key).toBe(true);
      expect(d.baseline, d.key).toBe(row.meanA);
      expect(d.policy, d.key).toBe(row.meanB);
      expect(d.diff, d.key).toBe(row.diff);
      expect(d.reps).toBe(row.n);
      // one paired-interval helper (src/math/intervals.ts) for both: equal intervals
      expect(d.lo, d.key).toBe(row.lo);
      expect(d.hi, d.key).toBe(row.hi);
    }
    // The policy does something: export promotion treats firms (cost) and raises exporting.
    const by = (k: string) => web.find((d) => d.key === k)!;
    expect(by("dynamics.policyCostUsdM").diff).toBeGreaterThan(0);
    expect(by("dynamics.shareExporting").diff).toBeGreaterThan(0);
  }, 120_000);
});
