import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simulate } from "../src/dynamics/simulate.ts";
import { validateScenario } from "../src/scenario/validate.ts";

function finite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

const num = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });

describe("random dynamics scenarios are rejected with a path or run without NaN", () => {
  it("holds for random parameters in and around their ranges", () => {
    fc.assert(
      fc.property(
        fc.record({
          firms: fc.integer({ min: 5, max: 400 }),
          startYear: fc.integer({ min: 1970, max: 2000 }),
          span: fc.integer({ min: -2, max: 15 }),
          stepsPerYear: fc.constantFrom(1, 2, 4, 12, 3),
          entry: fc.record({
            baseRate: num(-0.01, 0.5),
            ieo: num(-1, 3),
            heritage: num(0, 2),
            globalisationTrend: num(-0.2, 0.2),
          }),
          sales: fc.record({ rampYears: num(0, 5), scale: num(0, 2) }),
          marketExit: fc.record({ baseRate: num(0, 3), newSpellYears: num(0.05, 3) }),
          firmExit: fc.record({ baseRate: num(0, 1), earlyInternational: num(-2, 2) }),
          policy: fc.record({
            startYear: num(1960, 2020),
            exportPromotion: fc.record({ takeUp: num(0, 1), imoShift: num(-1, 1) }),
            tradeCost: fc.record({ distancePenaltyChange: num(-1, 1) }),
          }),
        }),
        (r) => {
          const input = {
            dynamics: {
              firms: r.firms,
              startYear: r.startYear,
              endYear: r.startYear + r.span,
              surveyYear: r.startYear + Math.max(0, r.span),
              stepsPerYear: r.stepsPerYear,
              frame: { foundedFrom: r.startYear },
              entry: r.entry,
              sales: r.sales,
              marketExit: r.marketExit,
              firmExit: r.firmExit,
            },
            policy: r.policy,
          };
          const v = validateScenario(input);
          if (!v.ok) {
            for (const i of v.issues) expect(i.path).toMatch(/^(dynamics|policy)\./);
            return;
          }
          const h = simulate(v.scenario, 0);
          expect(finite(h.aggregates.values)).toBe(true);
          expect(finite(h.survey.share)).toBe(true);
          expect(finite(h.survey.perf3y)).toBe(true);
          expect(finite(h.firms.employees)).toBe(true);
          expect(Number.isFinite(h.stats.policyCost)).toBe(true);
        },
      ),
      { numRuns: 60, seed: 20040124 },
    );
  });
});
