import { z } from "zod";
import { type FieldPath, fieldPathText, getAt, parseFieldPath, setAt } from "./fieldPath.ts";
import {
  capIssues,
  formatPath,
  parseJsonText,
  type ScenarioIssue,
  showValue,
  tooDeep,
  validateScenario,
} from "./validate.ts";

/**
 * Sweep files (scenarios/sweeps/*.json): a base scenario, an experiment design over numeric
 * scenario fields named by JSON path, replications per design point and a seed. The designs
 * themselves (grid, Latin hypercube, Morris) are generated in sim/core/designs/.
 */

const FactorPath = z.string().min(1).max(300).meta({
  description:
    'JSON path of a numeric scenario field: "population.firms", "estimation.alpha", "model.paths.IEO->LFDC" (a path coefficient; created if the base lacks it)',
});

const IntegerFlag = z.boolean().optional().meta({
  description:
    "Round generated values to integers (default: detected from the scenario schema, e.g. population.firms is an integer field)",
});

const GridFactor = z
  .strictObject({
    path: FactorPath,
    levels: z
      .array(z.number())
      .min(1)
      .max(10_000)
      .optional()
      .meta({ description: "The values to run, in this order" }),
    min: z.number().optional().meta({ description: "First value of an evenly spaced range" }),
    max: z.number().optional().meta({ description: "Last value of an evenly spaced range" }),
    steps: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .optional()
      .meta({ description: "Number of evenly spaced values from min to max" }),
    integer: IntegerFlag,
  })
  .superRefine((f, ctx) => {
    const range = f.min !== undefined || f.max !== undefined || f.steps !== undefined;
    if (f.levels && range)
      ctx.addIssue({
        code: "custom",
        path: ["levels"],
        message: "give either levels or min, max and steps, not both",
      });
    else if (!f.levels && (f.min === undefined || f.max === undefined || f.steps === undefined))
      ctx.addIssue({
        code: "custom",
        path: f.min === undefined ? ["min"] : f.max === undefined ? ["max"] : ["steps"],
        message: "a grid factor needs levels, or min, max and steps",
      });
    else if (f.min !== undefined && f.max !== undefined && !(f.min < f.max))
      ctx.addIssue({ code: "custom", path: ["max"], message: "must be greater than min" });
  });

const RangeFactor = z
  .strictObject({
    path: FactorPath,
    min: z.number().meta({ description: "Lower end of the factor's range" }),
    max: z.number().meta({ description: "Upper end of the factor's range" }),
    integer: IntegerFlag,
  })
  .superRefine((f, ctx) => {
    if (!(f.min < f.max))
      ctx.addIssue({ code: "custom", path: ["max"], message: "must be greater than min" });
  });

export const GridDesign = z
  .strictObject({
    type: z.literal("grid"),
    factors: z.array(GridFactor).min(1).max(20),
  })
  .meta({ description: "Full factorial grid: every combination of the factors' levels" });

export const LatinHypercubeDesign = z
  .strictObject({
    type: z.literal("latin-hypercube"),
    points: z.number().int().min(2).max(1_000_000).meta({ description: "Number of design points" }),
    centered: z
      .boolean()
      .default(false)
      .meta({ description: "Use the centre of each stratum instead of a random point in it" }),
    factors: z.array(RangeFactor).min(1).max(100),
  })
  .meta({
    description:
      "Latin hypercube: each factor's range cut into `points` equal strata, each stratum used once",
  });

export const MorrisDesign = z
  .strictObject({
    type: z.literal("morris"),
    trajectories: z
      .number()
      .int()
      .min(2)
      .max(10_000)
      .meta({ description: "Number of one-at-a-time trajectories (r); runs = r x (factors + 1)" }),
    levels: z
      .number()
      .int()
      .min(2)
      .max(100)
      .default(4)
      .refine((p) => p % 2 === 0, { message: "must be even (Morris's p-level grid)" })
      .meta({ description: "Grid levels p per factor (even); the step is p / (2 (p - 1))" }),
    factors: z.array(RangeFactor).min(1).max(100),
  })
  .meta({
    description:
      "Morris elementary effects screening (Morris 1991; mu* after Campolongo et al. 2007)",
  });

export const DesignSchema = z.discriminatedUnion("type", [
  GridDesign,
  LatinHypercubeDesign,
  MorrisDesign,
]);

export const SweepSchema = z.strictObject({
  $schema: z.string().optional().meta({ description: "Path of the JSON Schema, for editors" }),
  name: z.string().max(200).default("sweep"),
  description: z.string().max(5000).optional(),
  base: z.union([z.string().min(1).max(1000), z.record(z.string(), z.unknown())]).meta({
    description:
      "The base scenario: a scenario object, or the path of a scenario file relative to this sweep file",
  }),
  design: DesignSchema,
  replications: z.number().int().min(1).max(1_000_000).optional().meta({
    description: "Replications per design point (default: the base scenario's replications)",
  }),
  seed: z.number().int().min(0).max(4_294_967_295).optional().meta({
    description: "Sweep seed (default: the base scenario's seed)",
  }),
  streams: z.enum(["per-point", "common"]).default("per-point").meta({
    description:
      "per-point: each design point gets its own seed derived from (sweep seed, point), replications from (that seed, replication); common: every point uses the sweep seed, so replication r sees the same random numbers at every point (common random numbers; sharper differences between points, e.g. for Morris screening)",
  }),
});

export type SweepInput = z.input<typeof SweepSchema>;
export type SweepFile = z.output<typeof SweepSchema>;
export type DesignSpec = z.output<typeof DesignSchema>;

/** A factor after validation: its parsed path, range and whether values are integers. */
export interface SweepFactor {
  path: string;
  segments: FieldPath;
  min: number;
  max: number;
  integer: boolean;
  /** Grid levels (explicit, or generated from min/max/steps); absent for LHS and Morris. */
  levels?: number[];
}

/** A validated sweep with its base scenario inlined: plain data, what workers receive. */
export interface ResolvedSweep {
  name: string;
  description?: string;
  /** The base scenario as written (defaults are applied per design point). */
  base: Record<string, unknown>;
  design: DesignSpec;
  factors: SweepFactor[];
  replications: number;
  seed: number;
  streams: "per-point" | "common";
}

/** The most runs one sweep may hold (points x replications). */
export const MAX_SWEEP_RUNS = 50_000_000;

export type BaseResolver = (
  ref: string,
) => { ok: true; value: unknown } | { ok: false; message: string };

export type SweepValidation =
  | { ok: true; sweep: ResolvedSweep }
  | { ok: false; issues: ScenarioIssue[] };

function schemaIssues(err: z.ZodError, input: unknown): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  for (const iss of err.issues) {
    if (iss.code === "unrecognized_keys") {
      for (const key of iss.keys)
        out.push({
          path: formatPath([...iss.path, key]),
          value: getAt(input, [...iss.path, key] as FieldPath),
          message:
            "unknown field (check the spelling; allowed fields are listed in the JSON Schema)",
        });
    } else {
      out.push({
        path: formatPath(iss.path),
        value: getAt(input, iss.path as FieldPath),
        message: iss.message,
      });
    }
  }
  return out;
}

/** Evenly spaced grid levels from min to max (both included). */
export function gridLevels(min: number, max: number, steps: number, integer: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const x = i === steps - 1 ? max : min + ((max - min) * i) / (steps - 1);
    out.push(integer ? Math.round(x) : x);
  }
  return out;
}

/** Does setting `value` at `path` of the base scenario break the schema there? */
function probe(
  base: Record<string, unknown>,
  path: FieldPath,
  value: number,
): ScenarioIssue | undefined {
  const r = validateScenario(setAt(base, path, value));
  if (r.ok) return undefined;
  const text = fieldPathText(path);
  return r.issues.find(
    (i) => i.path === text || text.startsWith(`${i.path}.`) || text.startsWith(`${i.path}[`),
  );
}

/**
 * Validate a parsed sweep file. `resolveBase` reads a base given as a file path (the CLI passes
 * a reader relative to the sweep file; pure callers may omit it and inline the base). Every
 * problem names its JSON path: `base.population.firms`, `design.factors[1].path`, ...
 */
export function validateSweep(input: unknown, resolveBase?: BaseResolver): SweepValidation {
  const deep = tooDeep(input);
  if (deep) return { ok: false, issues: [deep] };
  const parsed = SweepSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: capIssues(schemaIssues(parsed.error, input)) };
  const s = parsed.data;
  const issues: ScenarioIssue[] = [];
  let base: Record<string, unknown>;
  if (typeof s.base === "string") {
    if (!resolveBase)
      return {
        ok: false,
        issues: [
          {
            path: "base",
            value: s.base,
            message: "a base file cannot be read here; inline the scenario",
          },
        ],
      };
    const r = resolveBase(s.base);
    if (!r.ok) return { ok: false, issues: [{ path: "base", value: s.base, message: r.message }] };
    if (r.value === null || typeof r.value !== "object" || Array.isArray(r.value))
      return {
        ok: false,
        issues: [
          { path: "base", value: s.base, message: "the base file must hold a scenario object" },
        ],
      };
    base = r.value as Record<string, unknown>;
  } else base = s.base;
  const where = typeof s.base === "string" ? `base (${s.base}) ` : "base.";
  const b = validateScenario(base);
  if (!b.ok) {
    return {
      ok: false,
      issues: b.issues.map((i) => ({
        ...i,
        path:
          typeof s.base === "string"
            ? `${where}${i.path}`
            : i.path === "(root)"
              ? "base"
              : `base.${i.path}`,
      })),
    };
  }
  const factors: SweepFactor[] = [];
  const seen = new Set<string>();
  s.design.factors.forEach((f, k) => {
    const at = `design.factors[${k}]`;
    const p = parseFieldPath(f.path);
    if (!p.ok) {
      issues.push({ path: `${at}.path`, value: f.path, message: p.message });
      return;
    }
    const text = fieldPathText(p.path);
    if (seen.has(text)) {
      issues.push({
        path: `${at}.path`,
        value: f.path,
        message: "the same field is used by another factor",
      });
      return;
    }
    seen.add(text);
    if (p.path[0] === "seed" || p.path[0] === "replications") {
      issues.push({
        path: `${at}.path`,
        value: f.path,
        message: "seed and replications are set by the sweep itself, not by a factor",
      });
      return;
    }
    const current = getAt(b.scenario, p.path);
    if (current !== undefined && typeof current !== "number") {
      issues.push({
        path: `${at}.path`,
        value: f.path,
        message: `not a numeric field (its value in the base scenario is ${showValue(current)})`,
      });
      return;
    }
    const bad = (key: string, value: number, i: ScenarioIssue) =>
      issues.push({
        path: `${at}.${key}`,
        value,
        message: i.message.startsWith("unknown field")
          ? `${text} is not a field of the scenario (${i.path}: unknown field)`
          : i.path === text
            ? `not allowed at ${text}: ${i.message}`
            : `${text} is not a field of the scenario (${i.path}: ${i.message})`,
      });
    const levels = "levels" in f ? f.levels : undefined;
    const min = levels ? Math.min(...levels) : (f.min as number);
    const max = levels ? Math.max(...levels) : (f.max as number);
    const first = probe(base, p.path, min);
    if (first) {
      bad(levels ? `levels[${levels.indexOf(min)}]` : "min", min, first);
      return;
    }
    const last = probe(base, p.path, max);
    if (last) {
      bad(levels ? `levels[${levels.indexOf(max)}]` : "max", max, last);
      return;
    }
    let integer = f.integer ?? false;
    if (f.integer === undefined && Number.isInteger(min) && Number.isInteger(max) && max > min)
      integer = probe(base, p.path, min + 0.5) !== undefined;
    if (levels && integer) {
      const j = levels.findIndex((x) => !Number.isInteger(x));
      if (j >= 0) {
        issues.push({
          path: `${at}.levels[${j}]`,
          value: levels[j],
          message: `${text} takes integers only`,
        });
        return;
      }
    }
    const steps = "steps" in f ? f.steps : undefined;
    factors.push({
      path: text,
      segments: p.path,
      min,
      max,
      integer,
      ...(s.design.type === "grid"
        ? { levels: levels ?? gridLevels(min, max, steps as number, integer) }
        : {}),
    });
  });
  if (issues.length) return { ok: false, issues };
  const replications = s.replications ?? b.scenario.replications;
  const points =
    s.design.type === "grid"
      ? factors.reduce((a, f) => a * (f.levels?.length ?? 1), 1)
      : s.design.type === "latin-hypercube"
        ? s.design.points
        : s.design.trajectories * (factors.length + 1);
  if (points * replications > MAX_SWEEP_RUNS)
    return {
      ok: false,
      issues: [
        {
          path: s.replications === undefined ? "design" : "replications",
          value: s.replications,
          message: `${points} design points x ${replications} replications = ${points * replications} runs; at most ${MAX_SWEEP_RUNS} are allowed (split the sweep)`,
        },
      ],
    };
  return {
    ok: true,
    sweep: {
      name: s.name,
      ...(s.description !== undefined ? { description: s.description } : {}),
      base,
      design: s.design,
      factors,
      replications,
      seed: s.seed ?? b.scenario.seed,
      streams: s.streams,
    },
  };
}

/** Parse JSON text and validate it as a sweep. */
export function parseSweepText(text: string, resolveBase?: BaseResolver): SweepValidation {
  const parsed = parseJsonText(text);
  return parsed.ok ? validateSweep(parsed.json, resolveBase) : parsed;
}

/** The JSON Schema of sweep files; `base` refers to the scenario schema for editors. */
export function sweepJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SweepSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, Record<string, unknown>>;
  };
  const base = schema.properties.base;
  schema.properties.base = {
    description: base.description,
    anyOf: [
      {
        type: "string",
        minLength: 1,
        description: "Path of a scenario file, relative to this sweep file",
      },
      { $ref: "./scenario.schema.json" },
    ],
  };
  return {
    ...schema,
    title: "Born Global Lab sweep",
    description:
      "A sweep file for bgsim sweep: a base scenario, an experiment design over numeric fields, replications and a seed",
  };
}
