import { describe, expect, it } from "vitest";
import { buildPlan } from "../sim/core/designs/plan.ts";
import { fieldPathText, getAt, parseFieldPath, setAt } from "../src/scenario/fieldPath.ts";
import { parseSweepText, sweepJsonSchema, validateSweep } from "../src/scenario/sweep.ts";

const base = { seed: 3, population: { firms: 203 } };
const grid = (factor: Record<string, unknown>) => ({
  base,
  design: { type: "grid", factors: [factor] },
});
function issues(input: unknown) {
  const r = validateSweep(input, (ref) =>
    ref === "ok.json" ? { ok: true, value: base } : { ok: false, message: `${ref}: no such file` },
  );
  return r.ok ? [] : r.issues;
}

describe("field paths", () => {
  it("parses dotted, indexed and quoted keys and prints them back", () => {
    const p = parseFieldPath('model.paths["a.b"].x[2]');
    expect(p).toEqual({ ok: true, path: ["model", "paths", "a.b", "x", 2] });
    if (p.ok) expect(fieldPathText(p.path)).toBe('model.paths["a.b"].x[2]');
    expect(parseFieldPath("a..b").ok).toBe(false);
    expect(parseFieldPath("a.").ok).toBe(false);
    expect(parseFieldPath("").ok).toBe(false);
  });
  it("setAt copies along the path, creates what is missing and leaves the input alone", () => {
    const o = { a: { b: 1 }, c: [1, 2] };
    const n = setAt(o, ["a", "x", "y"], 5);
    expect(n).toEqual({ a: { b: 1, x: { y: 5 } }, c: [1, 2] });
    expect(o).toEqual({ a: { b: 1 }, c: [1, 2] });
    expect(getAt(setAt(o, ["c", 1], 9), ["c", 1])).toBe(9);
  });
});

describe("validateSweep", () => {
  it("accepts the shipped kinds of design and fills replications and seed from the base", () => {
    const r = validateSweep(grid({ path: "population.firms", min: 100, max: 400, steps: 4 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sweep.replications).toBe(1);
    expect(r.sweep.seed).toBe(3);
    expect(r.sweep.factors[0]).toMatchObject({ integer: true, levels: [100, 200, 300, 400] });
  });
  it.each([
    [
      { ...grid({ path: "population.firmz", levels: [100] }) },
      "design.factors[0].levels[0]",
      /not a field of the scenario/,
    ],
    [grid({ path: "population.firms", levels: [5, 100] }), "design.factors[0].levels[0]", />=10/],
    [
      grid({ path: "population.firms", levels: [100, 150.5] }),
      "design.factors[0].levels[1]",
      /int/,
    ],
    [
      grid({ path: "population.scale", levels: [1] }),
      "design.factors[0].path",
      /not a numeric field/,
    ],
    [grid({ path: "seed", levels: [1, 2] }), "design.factors[0].path", /set by the sweep/],
    [grid({ path: "population..firms", levels: [1] }), "design.factors[0].path", /empty key/],
    [
      grid({ path: "population.firms", levels: [100], steps: 3 }),
      "design.factors[0].levels",
      /not both/,
    ],
    [
      grid({ path: "population.firms", min: 100, steps: 3 }),
      "design.factors[0].max",
      /needs levels/,
    ],
    [
      grid({ path: "population.firms", levels: [100], extra: 1 }),
      "design.factors[0].extra",
      /unknown field/,
    ],
    [{ base, design: { type: "sobol", factors: [] } }, "design.type", /grid/],
    [
      {
        base,
        design: {
          type: "morris",
          trajectories: 4,
          levels: 5,
          factors: [{ path: "population.firms", min: 100, max: 200 }],
        },
      },
      "design.levels",
      /even/,
    ],
    [
      {
        base,
        design: {
          type: "latin-hypercube",
          points: 10,
          factors: [{ path: "population.firms", min: 300, max: 200 }],
        },
      },
      "design.factors[0].max",
      /greater than min/,
    ],
    [
      {
        base: { ...base, population: { firms: 3 } },
        design: { type: "grid", factors: [{ path: "population.firms", levels: [100] }] },
      },
      "base.population.firms",
      />=10/,
    ],
    [
      {
        base: "missing.json",
        design: { type: "grid", factors: [{ path: "population.firms", levels: [100] }] },
      },
      "base",
      /no such file/,
    ],
    [
      { ...grid({ path: "population.firms", levels: [100] }), replicatons: 5 },
      "replicatons",
      /unknown field/,
    ],
    [
      {
        ...grid({
          path: "population.firms",
          levels: Array.from({ length: 60 }, (_, i) => 100 + i),
        }),
        replications: 1_000_000,
      },
      "replications",
      /at most/,
    ],
  ])("reports %j at %s", (input, path, message) => {
    const found = issues(input);
    expect(found.length).toBeGreaterThan(0);
    const hit = found.find((i) => i.path === path);
    expect(hit, JSON.stringify(found)).toBeDefined();
    expect(hit?.message).toMatch(message);
  });
  it("reads a base given as a path through the resolver", () => {
    expect(
      issues({
        base: "ok.json",
        design: { type: "grid", factors: [{ path: "population.firms", levels: [100] }] },
      }),
    ).toEqual([]);
  });
  it("reports JSON syntax errors as (file)", () => {
    const r = parseSweepText("{ nope");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0].path).toBe("(file)");
  });
  it("generates a JSON Schema whose base refers to the scenario schema", () => {
    const s = sweepJsonSchema() as {
      properties: Record<string, { anyOf?: unknown[] }>;
      additionalProperties: boolean;
    };
    expect(s.additionalProperties).toBe(false);
    expect(JSON.stringify(s.properties.base.anyOf)).toContain("scenario.schema.json");
    expect(Object.keys(s.properties)).toEqual(
      expect.arrayContaining(["base", "design", "replications", "seed", "streams"]),
    );
  });
});

describe("linked settings as sweep factors (every bgsim power option)", () => {
  const survey = { seed: 11, survey: { enabled: true } };
  const plan = (factors: Record<string, unknown>[], extra: Record<string, unknown> = {}) => {
    const r = validateSweep({
      base: survey,
      design: { type: "grid", factors },
      streams: "common",
      replications: 3,
      ...extra,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return buildPlan(r.sweep);
  };
  const scenario = (p: ReturnType<typeof plan>, point: number) => {
    const s = p.scenarioAt(point);
    if (!s.ok) throw new Error(s.message);
    return s.scenario;
  };

  it("n sets survey.n and grows survey.mailed at the scenario's mailed/n ratio", () => {
    const p = plan([{ setting: "n", levels: [100, 203, 400] }]);
    expect(p.sweep.factors[0]).toMatchObject({ path: "set_n", integer: true, segments: [] });
    expect([0, 1, 2].map((i) => scenario(p, i).survey.n)).toEqual([100, 203, 400]);
    // never below the scenario's own mailing; 400 x 900 / 203 rounded up above it
    expect([0, 1, 2].map((i) => scenario(p, i).survey.mailed)).toEqual([900, 900, 1774]);
    expect(p.runSpec(4)).toMatchObject({ point: 1, replication: 1, params: { set_n: 203 } });
  });

  it("coef, reliability, cmv, bias and cutoff set their linked fields", () => {
    const p = plan([
      { setting: "coef", coef: "IEO->LFDC", levels: [0.3] },
      { setting: "reliability", levels: [0.7] },
      { setting: "cmv", levels: [0.2] },
      { setting: "bias", levels: [-0.3] },
      { setting: "cutoff", levels: [0.25] },
    ]);
    expect(p.sweep.factors.map((f) => f.path)).toEqual([
      "set_coef_IEO_LFDC",
      "set_reliability",
      "set_cmv",
      "set_bias",
      "set_cutoff",
    ]);
    const s = scenario(p, 0);
    expect(s.model.paths?.["IEO->LFDC"]).toBe(0.3);
    expect(s.survey).toMatchObject({
      loadings: "scaled",
      targetReliability: 0.7,
      methodFactor: 0.2,
      responseBias: { on: "performance", strength: -0.3 },
    });
    expect(s.survey.frame.minExportShare).toBe(0.25);
  });

  it("works in Latin hypercube designs and offsets replications with firstReplication", () => {
    const r = validateSweep({
      base: survey,
      design: {
        type: "latin-hypercube",
        points: 4,
        factors: [{ setting: "n", min: 100, max: 300 }],
      },
      replications: 2,
      firstReplication: 10,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = buildPlan(r.sweep);
    for (let i = 0; i < 4; i++) expect(Number.isInteger(scenario(p, i).survey.n)).toBe(true);
    expect(p.runSpec(3)).toMatchObject({ point: 1, replication: 11 });
  });

  it("leaves existing sweeps' resolved form (and so their hash) alone", () => {
    const r = validateSweep(grid({ path: "population.firms", levels: [100] }));
    expect(r.ok && Object.keys(r.sweep)).toEqual([
      "name",
      "base",
      "design",
      "factors",
      "replications",
      "seed",
      "streams",
    ]);
  });

  it("names the problem of a bad setting factor", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ setting: "coef", levels: [0.1] }, "design.factors[0].coef", /needs coef/],
      [
        { setting: "coef", coef: "IEO->XYZ", levels: [0.1] },
        "design.factors[0].coef",
        /FROM and TO/,
      ],
      [{ setting: "cmv", coef: "IEO->LFDC", levels: [0.1] }, "design.factors[0].coef", /only for/],
      [{ setting: "n", path: "survey.n", levels: [100] }, "design.factors[0].setting", /not both/],
      [{ levels: [100] }, "design.factors[0].path", /either path/],
      [{ setting: "n", levels: [100.5] }, "design.factors[0].levels[0]", /integers only/],
      [
        { setting: "reliability", levels: [0.7, 0.999] },
        "design.factors[0].levels[1]",
        /reliability = 0.999 makes the scenario invalid: survey\.targetReliability/,
      ],
    ];
    for (const [factor, path, message] of cases) {
      const found = issues({ base: survey, design: { type: "grid", factors: [factor] } });
      const hit = found.find((i) => i.path === path);
      expect(hit, `${JSON.stringify(factor)}: ${JSON.stringify(found)}`).toBeDefined();
      expect(hit?.message).toMatch(message);
    }
  });
});
