import { derive } from "../../../src/random/stream.ts";
import { setAt } from "../../../src/scenario/fieldPath.ts";
import type { Scenario } from "../../../src/scenario/schema.ts";
import { applySetting, type ResolvedSweep } from "../../../src/scenario/sweep.ts";
import { formatIssue, validateScenario } from "../../../src/scenario/validate.ts";
import { latinHypercube } from "./latinHypercube.ts";
import { type MorrisDesignPoints, morrisDesign } from "./morris.ts";
import { fromUnit } from "./unit.ts";

/** One run of a sweep: a design point, a replication and the seed its streams derive from. */
export interface RunSpec {
  run: number;
  point: number;
  /** The replication index the streams derive from (the sweep's firstReplication + run mod replications). */
  replication: number;
  /** The scenario seed of this run's design point (streams: derive(seed, replication, ...)). */
  seed: number;
  /** Factor values of the design point, by factor path. */
  params: Record<string, number>;
}

export type PointScenario = { ok: true; scenario: Scenario } | { ok: false; message: string };

/** What a worker pool needs of a job: its runs, each run's identity and each point's scenario. */
export interface RunPlan {
  runs: number;
  runSpec(run: number): RunSpec;
  scenarioAt(point: number): PointScenario;
}

/**
 * A list of validated scenarios, each run `replications` times with its own seed (e.g. the A
 * and B of bgsim compare). Run i is scenario floor(i / replications), replication i mod
 * replications.
 */
export interface ScenarioList {
  scenarios: Scenario[];
  replications: number;
}

/** A job for the worker pool: a sweep or a list of scenarios. */
export type PoolJob = ResolvedSweep | ScenarioList;

export function isScenarioList(job: PoolJob): job is ScenarioList {
  return "scenarios" in job;
}

export function listPlan(list: ScenarioList): RunPlan {
  const reps = list.replications;
  return {
    runs: list.scenarios.length * reps,
    runSpec(run) {
      const point = Math.floor(run / reps);
      return { run, point, replication: run % reps, seed: list.scenarios[point].seed, params: {} };
    },
    scenarioAt(point) {
      const scenario = list.scenarios[point];
      return scenario
        ? { ok: true, scenario }
        : { ok: false, message: `no scenario ${point} in the list` };
    },
  };
}

/** The plan of any pool job. */
export function planOf(job: PoolJob): RunPlan {
  return isScenarioList(job) ? listPlan(job) : buildPlan(job);
}

/**
 * A sweep expanded into its runs. Deterministic: the same ResolvedSweep gives the same points,
 * seeds and scenarios on every machine, so any worker can rebuild it from the sweep alone.
 * Run i is design point floor(i / replications), replication firstReplication + i mod
 * replications.
 */
export interface SweepPlan extends RunPlan {
  sweep: ResolvedSweep;
  /** Number of design points. */
  pointCount: number;
  /** Factor values of design point p (a grid's are computed on demand, never all held). */
  pointAt(point: number): number[];
  /** Factor values [point][factor], every point (built on first use; prefer pointAt). */
  readonly points: number[][];
  runs: number;
  runSpec(run: number): RunSpec;
  /** The validated scenario of a design point (seed set), or why the point is impossible. */
  scenarioAt(point: number): PointScenario;
  /** Morris designs: which factor each point moved (for the elementary effects). */
  morris?: MorrisDesignPoints;
}

/** The seed of design point `point`: from (sweep seed, point), or the sweep seed for common streams. */
export function pointSeed(sweep: ResolvedSweep, point: number): number {
  if (sweep.streams === "common") return sweep.seed;
  return Math.floor(derive(sweep.seed, "sweep-point", point).next() * 4_294_967_296);
}

export function buildPlan(sweep: ResolvedSweep): SweepPlan {
  const d = sweep.design;
  const fs = sweep.factors;
  let listed: number[][] | undefined;
  let morris: MorrisDesignPoints | undefined;
  let pointCount: number;
  let pointAt: (p: number) => number[];
  if (d.type === "grid") {
    // row-major: the first factor varies slowest (as gridPoints lists them)
    const levels = fs.map((f) => f.levels ?? [f.min, f.max]);
    pointCount = levels.reduce((a, l) => a * l.length, 1);
    pointAt = (p) => {
      const out = new Array<number>(levels.length);
      let rest = p;
      for (let j = levels.length - 1; j >= 0; j--) {
        const l = levels[j];
        out[j] = l[rest % l.length];
        rest = Math.floor(rest / l.length);
      }
      return out;
    };
  } else {
    if (d.type === "latin-hypercube") {
      const unit = latinHypercube(
        d.points,
        fs.length,
        derive(sweep.seed, "design", "lhs"),
        d.centered,
      );
      listed = unit.map((row) => row.map((u, j) => fromUnit(fs[j], u)));
    } else {
      morris = morrisDesign(
        d.trajectories,
        fs.length,
        d.levels,
        derive(sweep.seed, "design", "morris"),
      );
      listed = morris.unit.map((row) => row.map((u, j) => fromUnit(fs[j], u)));
    }
    const rows = listed;
    pointCount = rows.length;
    pointAt = (p) => rows[p];
  }
  const reps = sweep.replications;
  const first = sweep.firstReplication ?? 0;
  // linked settings derive their fields from the validated base (mailed/n ratio, ...)
  let resolved: Scenario | undefined;
  const resolvedBase = (): Scenario => {
    if (!resolved) {
      const v = validateScenario(sweep.base);
      if (!v.ok)
        throw new Error(
          `the sweep's base is not a valid scenario: ${v.issues.map(formatIssue).join("; ")}`,
        );
      resolved = v.scenario;
    }
    return resolved;
  };
  const cache = new Map<number, PointScenario>();
  const scenarioAt = (point: number): PointScenario => {
    const hit = cache.get(point);
    if (hit) return hit;
    let input: Record<string, unknown> = sweep.base;
    const at = pointAt(point);
    fs.forEach((f, j) => {
      input = f.setting
        ? applySetting(input, resolvedBase(), f.setting, at[j])
        : setAt(input, f.segments, at[j]);
    });
    input = setAt(input, ["seed"], seedOf(point));
    const v = validateScenario(input);
    const r: PointScenario = v.ok
      ? { ok: true, scenario: v.scenario }
      : {
          ok: false,
          message: `design point ${point} is not a valid scenario: ${v.issues.map(formatIssue).join("; ")}`,
        };
    if (cache.size > 4096) cache.clear();
    cache.set(point, r);
    return r;
  };
  const seeds = new Map<number, number>();
  const seedOf = (point: number): number => {
    let x = seeds.get(point);
    if (x === undefined) {
      x = pointSeed(sweep, point);
      if (seeds.size > 100_000) seeds.clear();
      seeds.set(point, x);
    }
    return x;
  };
  return {
    sweep,
    pointCount,
    pointAt,
    get points() {
      listed ??= Array.from({ length: pointCount }, (_, p) => pointAt(p));
      return listed;
    },
    runs: pointCount * reps,
    morris,
    scenarioAt,
    runSpec(run) {
      const point = Math.floor(run / reps);
      const at = pointAt(point);
      const params: Record<string, number> = {};
      fs.forEach((f, j) => {
        params[f.path] = at[j];
      });
      return { run, point, replication: first + (run % reps), seed: seedOf(point), params };
    },
  };
}
