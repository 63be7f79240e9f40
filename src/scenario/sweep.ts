import { z } from "zod";
import { parsePathLabel } from "../model/pathLabel.ts";
import { isConstruct } from "../paper/constructs.ts";
import { type FieldPath, fieldPathText, getAt, parseFieldPath, setAt } from "./fieldPath.ts";
import type { Scenario } from "./schema.ts";
import {
  capIssues,
  formatIssue,
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

const FactorPath = z.string().min(1).max(300).optional().meta({
  description:
    'JSON path of a numeric scenario field: "population.firms", "estimation.alpha", "model.paths.IEO->LFDC" (a path coefficient; created if the base lacks it). Give either path or setting.',
});

/**
 * Linked settings: one factor value that sets several fields of the scenario together, the
 * design axes of `bgsim power` (see applySetting). Their column in output files is set_<name>
 * (set_coef_FROM_TO for coef).
 */
export const SETTINGS = ["n", "coef", "reliability", "cmv", "bias", "cutoff"] as const;
export type SettingName = (typeof SETTINGS)[number];

const FactorSetting = z.enum(SETTINGS).optional().meta({
  description:
    "A linked setting instead of a path: n = usable responses (survey.n; survey.mailed grows at the scenario's mailed/n ratio when needed); coef = the standardized coefficient of the path named by `coef`; reliability = every construct's CR (survey.loadings scaled to it); cmv = common-method loading of every item (survey.methodFactor); bias = response-bias strength (survey.responseBias, on performance unless the scenario says size); cutoff = the frame's minimum export share",
});

const FactorCoef = z
  .string()
  .regex(/^[A-Z]+->[A-Z]+$/)
  .optional()
  .meta({ description: 'For setting "coef": the path FROM->TO, e.g. "IEO->LFDC"' });

const IntegerFlag = z.boolean().optional().meta({
  description:
    "Round generated values to integers (default: detected from the scenario schema, e.g. population.firms is an integer field)",
});

/** Exactly one of path and setting; coef only with setting "coef". */
function checkTarget(
  f: { path?: string; setting?: SettingName; coef?: string },
  ctx: z.RefinementCtx,
): void {
  if ((f.path === undefined) === (f.setting === undefined))
    ctx.addIssue({
      code: "custom",
      path: f.path === undefined ? ["path"] : ["setting"],
      message: "give either path (a scenario field) or setting (a linked setting), not both",
    });
  else if (f.setting === "coef" && f.coef === undefined)
    ctx.addIssue({
      code: "custom",
      path: ["coef"],
      message: 'setting "coef" needs coef: the path FROM->TO, e.g. "IEO->LFDC"',
    });
  else if (f.coef !== undefined && f.setting !== "coef")
    ctx.addIssue({ code: "custom", path: ["coef"], message: 'only for setting "coef"' });
  else if (f.coef !== undefined) {
    const ends = parsePathLabel(f.coef);
    if (!ends || !isConstruct(ends.from) || !isConstruct(ends.to))
      ctx.addIssue({
        code: "custom",
        path: ["coef"],
        message: "FROM and TO must be among IEO, IMO, GTC, UPD, QF, LFDC, PERF",
      });
  }
}

const GridFactor = z
  .strictObject({
    path: FactorPath,
    setting: FactorSetting,
    coef: FactorCoef,
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
    checkTarget(f, ctx);
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
    setting: FactorSetting,
    coef: FactorCoef,
    min: z.number().meta({ description: "Lower end of the factor's range" }),
    max: z.number().meta({ description: "Upper end of the factor's range" }),
    integer: IntegerFlag,
  })
  .superRefine((f, ctx) => {
    checkTarget(f, ctx);
    if (!(f.min < f.max))
      ctx.addIssue({ code: "custom", path: ["max"], message: "must be greater than min" });
  });

export const GridDesign = z
  .strictObject({
    type: z.literal("grid"),
    factors: z.array(GridFactor).max(20),
  })
  .meta({
    description:
      "Full factorial grid: every combination of the factors' levels (no factors: the base scenario alone)",
  });

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
  firstReplication: z.number().int().min(0).max(1_000_000_000).optional().meta({
    description:
      "Index of each point's first replication (default 0): replications firstReplication, firstReplication + 1, ... run, so runs split by replication ranges use distinct random numbers",
  }),
  streams: z.enum(["per-point", "common"]).default("per-point").meta({
    description:
      "per-point: each design point gets its own seed derived from (sweep seed, point), replications from (that seed, replication); common: every point uses the sweep seed, so replication r sees the same random numbers at every point (common random numbers; sharper differences between points, e.g. for Morris screening)",
  }),
});

export type SweepInput = z.input<typeof SweepSchema>;
export type SweepFile = z.output<typeof SweepSchema>;
export type DesignSpec = z.output<typeof DesignSchema>;

/** A linked setting of a factor (see SETTINGS). */
export interface FactorSettingSpec {
  name: SettingName;
  /** For coef: the path "FROM->TO". */
  coef?: string;
}

/**
 * A factor after validation: its column name, parsed path (or linked setting), range and
 * whether values are integers.
 */
export interface SweepFactor {
  /** The field path ("population.firms"), or for a setting its column name ("set_n"). */
  path: string;
  /** The field path's segments (empty for a setting). */
  segments: FieldPath;
  setting?: FactorSettingSpec;
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
  /** Index of each point's first replication; absent = 0. */
  firstReplication?: number;
  /** Set by bgsim power: the run writes power files (see sim/core/montecarlo/finalise.ts). */
  power?: PowerMeta;
}

/** A design axis of bgsim power, as summary.json reports it. */
export interface PowerAxis {
  name: SettingName;
  /** For coef: the path "FROM->TO". */
  path?: string;
  values: number[];
}

/** What the power files need beyond the sweep: the scenario's name and the axes as given. */
export interface PowerMeta {
  scenario: string;
  axes: PowerAxis[];
}

/** The output column of a setting: set_n, set_cmv, set_coef_IEO_LFDC, ... */
export function settingColumn(s: FactorSettingSpec): string {
  return s.name === "coef" ? `set_coef_${(s.coef as string).replace("->", "_")}` : `set_${s.name}`;
}

/**
 * Apply a linked setting to a scenario input. `resolved` is the validated base scenario, whose
 * values the linked fields derive from (the mailed/n ratio, the response-bias target), so the
 * result does not depend on which defaults the input spells out.
 */
export function applySetting<T>(input: T, resolved: Scenario, s: FactorSettingSpec, v: number): T {
  const sv = resolved.survey;
  switch (s.name) {
    case "n": {
      const out = setAt(input, ["survey", "n"], v);
      // integer arithmetic: n = 203 keeps exactly the scenario's 900
      return setAt(
        out,
        ["survey", "mailed"],
        Math.max(sv.mailed, Math.ceil((v * sv.mailed) / sv.n)),
      );
    }
    case "coef":
      return setAt(input, ["model", "paths", s.coef as string], v);
    case "reliability":
      return setAt(
        setAt(input, ["survey", "loadings"], "scaled"),
        ["survey", "targetReliability"],
        v,
      );
    case "cmv":
      return setAt(input, ["survey", "methodFactor"], v);
    case "bias":
      return setAt(input, ["survey", "responseBias"], {
        on: sv.responseBias.on === "none" ? "performance" : sv.responseBias.on,
        strength: v,
      });
    case "cutoff":
      return setAt(input, ["survey", "frame", "minExportShare"], v);
  }
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
    const levels = "levels" in f ? f.levels : undefined;
    const steps = "steps" in f ? f.steps : undefined;
    if (f.setting !== undefined) {
      const setting: FactorSettingSpec =
        f.setting === "coef" ? { name: "coef", coef: f.coef } : { name: f.setting };
      const column = settingColumn(setting);
      if (seen.has(column)) {
        issues.push({
          path: `${at}.setting`,
          value: f.setting,
          message: "the same setting is used by another factor",
        });
        return;
      }
      seen.add(column);
      const min = levels ? Math.min(...levels) : (f.min as number);
      const max = levels ? Math.max(...levels) : (f.max as number);
      const integer = f.integer ?? f.setting === "n";
      if (levels && integer) {
        const j = levels.findIndex((x) => !Number.isInteger(x));
        if (j >= 0) {
          issues.push({
            path: `${at}.levels[${j}]`,
            value: levels[j],
            message: `setting ${f.setting} takes integers only`,
          });
          return;
        }
      }
      for (const [key, v] of [
        [levels ? `levels[${levels.indexOf(min)}]` : "min", min],
        [levels ? `levels[${levels.indexOf(max)}]` : "max", max],
      ] as const) {
        const r = validateScenario(applySetting(base, b.scenario, setting, v));
        if (!r.ok) {
          issues.push({
            path: `${at}.${key}`,
            value: v,
            message: `setting ${f.setting} = ${v} makes the scenario invalid: ${r.issues.map(formatIssue).join("; ")}`,
          });
          return;
        }
      }
      factors.push({
        path: column,
        segments: [],
        setting,
        min,
        max,
        integer,
        ...(s.design.type === "grid"
          ? { levels: levels ?? gridLevels(min, max, steps as number, integer) }
          : {}),
      });
      return;
    }
    const p = parseFieldPath(f.path as string);
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
      ...(s.firstReplication ? { firstReplication: s.firstReplication } : {}),
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
