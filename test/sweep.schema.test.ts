import { describe, expect, it } from "vitest";
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
