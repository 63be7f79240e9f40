import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { flattenResult } from "../sim/core/output/flatten.ts";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { runReplication } from "../src/replication.ts";
import { validateSweep } from "../src/scenario/sweep.ts";
import { validateScenario } from "../src/scenario/validate.ts";

// Random scenario objects: mostly plausible fields with values inside and outside their ranges,
// wrong types, typos and unknown keys at any level.
const construct = fc.oneof(
  { arbitrary: fc.constantFrom(...CONSTRUCTS), weight: 12 },
  { arbitrary: fc.constant("XYZ"), weight: 1 },
);
const junk = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.boolean(),
  fc.constant(null),
);
/** Mostly a good value, sometimes a bad one (out of range, wrong type), sometimes absent. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { arbitrary: good, weight: 14 },
    { arbitrary: bad, weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 4 },
  );
const coef = mostly(
  fc.oneof(fc.double({ min: -0.3, max: 0.3, noNaN: true }), fc.constant(null)),
  fc.oneof(fc.double({ min: -1.5, max: 1.5 }), fc.string({ maxLength: 3 })),
);
const scenarioArb = fc
  .record(
    {
      name: mostly(fc.string({ maxLength: 20 }), junk),
      seed: mostly(fc.integer({ min: 0, max: 2 ** 32 - 1 }), junk),
      replications: mostly(fc.integer({ min: 1, max: 10 }), junk),
      mode: mostly(fc.constant("cross-section"), fc.string({ maxLength: 8 })),
      model: mostly(
        fc.record(
          {
            base: mostly(
              fc.constantFrom("published", "table1", "empty"),
              fc.string({ maxLength: 6 }),
            ),
            paths: mostly(
              fc.dictionary(
                fc.tuple(construct, construct).map(([a, b]) => `${a}->${b}`),
                coef,
                { maxKeys: 2 },
              ),
              junk,
            ),
            correlations: mostly(
              fc.dictionary(
                fc.tuple(construct, construct).map(([a, b]) => `${a}~~${b}`),
                coef,
                { maxKeys: 1 },
              ),
              junk,
            ),
          },
          { requiredKeys: [] },
        ),
        junk,
      ),
      population: mostly(
        fc.record(
          {
            // from 10: below the model's free parameters validation must reject (see below)
            firms: mostly(
              fc.integer({ min: 10, max: 1500 }),
              fc.oneof(fc.integer({ min: -5, max: 9 }), fc.double({ min: 10, max: 500 }), junk),
            ),
            scale: mostly(fc.constantFrom("table1", "latent"), fc.string({ maxLength: 5 })),
          },
          { requiredKeys: [] },
        ),
        junk,
      ),
      estimation: mostly(
        fc.record(
          {
            alpha: mostly(
              fc.double({ min: 0.001, max: 0.4, noNaN: true }),
              fc.oneof(fc.double({ min: -0.1, max: 0.7 }), junk),
            ),
          },
          { requiredKeys: [] },
        ),
        junk,
      ),
    },
    { requiredKeys: [] },
  )
  .chain((o) =>
    fc
      .option(fc.tuple(fc.constantFrom("extra", "populaton", "Seed"), junk), { freq: 6 })
      .map((extra) => (extra ? { ...o, [extra[0]]: extra[1] } : o)),
  )
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

describe("random scenario objects", () => {
  it("are accepted and run without NaN, or rejected with errors naming a path", () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const v = validateScenario(input);
        if (v.ok) {
          accepted++;
          const flat = flattenResult(
            runReplication({ ...v.scenario, population: { ...v.scenario.population } }, 0),
          );
          const df = flat.values[flat.keys.indexOf("fit.df")];
          flat.values.forEach((x, i) => {
            // the chi-square p-value and RMSEA are undefined for a saturated model (df = 0);
            // results.csv writes them as NA. Everything else must be a finite number.
            if (df === 0 && (flat.keys[i] === "fit.pvalue" || flat.keys[i] === "fit.rmsea")) return;
            if (!Number.isFinite(x))
              throw new Error(`${flat.keys[i]} = ${x} for ${JSON.stringify(input)}`);
          });
        } else {
          rejected++;
          expect(v.issues.length).toBeGreaterThan(0);
          for (const i of v.issues) {
            expect(i.path).toMatch(/^(?!\(root\)$)\S/);
            expect(i.message.length).toBeGreaterThan(3);
          }
        }
      }),
      { numRuns: 300, seed: 20041 },
    );
    // the generator must exercise both branches
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
  });
});

describe("sample size against the model", () => {
  // Found by the property test above: population.firms = 20 was accepted although the
  // published model has 26 free parameters. Validation now names population.firms.
  it("a scenario with fewer firms than free parameters is rejected by validation", () => {
    const v = validateScenario({ population: { firms: 20 } });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.issues[0].path).toBe("population.firms");
  });
});

describe("random sweep objects", () => {
  const factor = fc.record(
    {
      path: fc.constantFrom(
        "population.firms",
        "estimation.alpha",
        "model.paths.IEO->LFDC",
        "model.paths.QF->PERF",
        "population.firmz",
        "seed",
        "population.scale",
      ),
      min: fc.double({ min: -1, max: 400, noNaN: true }),
      max: fc.double({ min: -1, max: 2000, noNaN: true }),
    },
    { requiredKeys: ["path", "min", "max"] },
  );
  const sweepArb = fc.record({
    base: fc.constant({ population: { firms: 120 } }),
    design: fc.oneof(
      fc.record({
        type: fc.constant("latin-hypercube"),
        points: fc.integer({ min: 0, max: 12 }),
        factors: fc.array(factor, { maxLength: 3 }),
      }),
      fc.record({
        type: fc.constant("morris"),
        trajectories: fc.integer({ min: 1, max: 4 }),
        factors: fc.array(factor, { maxLength: 3 }),
      }),
      fc.record({
        type: fc.constantFrom("grid", "Grid"),
        factors: fc.array(
          factor.map((f) => ({ path: f.path, levels: [f.min, f.max] })),
          { maxLength: 2 },
        ),
      }),
    ),
    replications: fc.integer({ min: 0, max: 3 }),
  });
  it("are accepted with every design point inside its factor ranges, or rejected naming a path", () => {
    let accepted = 0;
    fc.assert(
      fc.property(sweepArb, (input) => {
        const v = validateSweep(input);
        if (!v.ok) {
          for (const i of v.issues)
            expect(i.path).toMatch(/^(base|design|replications|seed|streams|name)/);
          return;
        }
        accepted++;
        const plan = buildPlan(v.sweep);
        expect(plan.runs).toBe(plan.points.length * v.sweep.replications);
        for (const pt of plan.points)
          v.sweep.factors.forEach((f, j) => {
            expect(pt[j]).toBeGreaterThanOrEqual(f.min);
            expect(pt[j]).toBeLessThanOrEqual(f.max);
            if (f.integer) expect(Number.isInteger(pt[j])).toBe(true);
          });
      }),
      { numRuns: 400, seed: 35124 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
