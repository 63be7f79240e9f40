import { estimatePathModel } from "../../src/estimate/report.ts";
import { normalQuantile } from "../../src/math/distributions.ts";
import { fromRows } from "../../src/math/linalg.ts";
import { buildModel, customSpec, type ModelSpec, structureOf } from "../../src/model/index.ts";
import { CONSTRUCTS } from "../../src/paper/constructs.ts";
import { SAMPLE } from "../../src/paper/sample.ts";
import { TABLE1_CORRELATIONS, TABLE1_N } from "../../src/paper/table1.ts";
import { TABLE2 } from "../../src/paper/table2.ts";
import { runReplication } from "../../src/replication.ts";
import type { Scenario, ScenarioInput } from "../../src/scenario/schema.ts";
import { formatIssue, validateScenario } from "../../src/scenario/validate.ts";

/** The population specification a scenario describes (base plus overrides). */
export function scenarioSpec(s: Scenario): ModelSpec {
  return customSpec(
    s.model.base,
    { paths: s.model.paths, correlations: s.model.correlations },
    s.model.base,
  );
}

export type Attempt = { ok: true; scenario: ScenarioInput } | { ok: false; message: string };

/**
 * Set one population path coefficient ("FROM->TO"), enforcing the structural model's
 * constraints: the change is refused, with the reason, when the model becomes impossible.
 */
export function setPath(input: ScenarioInput, label: string, value: number): Attempt {
  if (!Number.isFinite(value)) return { ok: false, message: `${label}: enter a number` };
  const model = { ...(input.model ?? {}) };
  model.paths = { ...(model.paths ?? {}), [label]: value };
  const next = { ...input, model };
  const v = validateScenario(next);
  if (!v.ok) {
    const msg = v.issues.map((i) => i.message).join("; ");
    return { ok: false, message: `${label.replace("->", " → ")} = ${value}: ${msg}` };
  }
  return { ok: true, scenario: next };
}

export interface PathRow {
  label: string;
  from: string;
  to: string;
  hypothesis: string | null;
  /** Table 2's printed coefficient and verdict, if the paper reports the path. */
  paper: number | null;
  paperVerdict: "S" | "NS" | null;
  /** The population (true) standardized coefficient. */
  population: number;
  /** Re-estimated standardized coefficient from the virtual survey, its 95% CI, p, verdict. */
  est: number;
  lo: number;
  hi: number;
  p: number;
  verdict: "S" | "NS";
}

export interface Reestimate {
  n: number;
  seed: number;
  /** Full survey: firms mailed and responding (null when n firms were drawn directly). */
  mailed: number | null;
  responded: number | null;
  alpha: number;
  rows: PathRow[];
  fit: { chisq: number; df: number; pvalue: number; cfi: number; rmsea: number; srmr: number };
}

/**
 * Draw a virtual sample of n firms from the scenario's population (seed `seed`) and re-estimate
 * the path model on it, through the same runReplication the CLI uses.
 */
export function reestimate(s: Scenario, n: number, seed: number, full = false): Reestimate {
  const base = {
    ...s,
    seed,
    mode: "cross-section" as const,
    population: { ...s.population, firms: n },
  };
  const run: Scenario = full
    ? ({
        ...base,
        // mail enough firms that about n usable answers come back at the paper's ~23% rate
        survey: {
          ...s.survey,
          enabled: true,
          n,
          mailed: Math.max(SAMPLE.mailed, Math.ceil((n / SAMPLE.responseRate) * 1.2)),
        },
      } as Scenario)
    : ({ ...base, survey: { ...s.survey, enabled: false } } as Scenario);
  const checked = validateScenario(run);
  if (!checked.ok) throw new Error(checked.issues.map(formatIssue).join("; "));
  const r = runReplication(checked.scenario, 0);
  const z = normalQuantile(0.975);
  const rows = r.paths.map((x): PathRow => {
    const [from, to] = x.label.split("->");
    const paper = TABLE2.find((t) => t.from === from && t.to === to);
    return {
      label: x.label,
      from,
      to,
      hypothesis: x.hypothesis,
      paper: paper?.coefficient ?? null,
      paperVerdict: paper?.verdict ?? null,
      population: x.population,
      est: x.std,
      lo: x.std - z * x.stdSe,
      hi: x.std + z * x.stdSe,
      p: x.p,
      verdict: x.verdict,
    };
  });
  return {
    n: r.n,
    seed,
    mailed: full ? (r.outcomes["survey.mailed"] ?? null) : null,
    responded: full ? (r.outcomes["survey.responded"] ?? null) : null,
    alpha: s.estimation.alpha,
    rows,
    fit: r.fit,
  };
}

export interface Table1Fit {
  chisq: number;
  df: number;
  pvalue: number;
  cfi: number;
  rmsea: number;
  srmr: number;
  /** Largest |implied - Table 1| correlation of the population model, and where. */
  maxResidual: number;
  maxResidualPair: string;
}

/**
 * How well the scenario's model fits Table 1: the structure estimated on Table 1's correlations
 * at n = 203 (chi-square, CFI, RMSEA, SRMR), and the largest gap between the population's
 * implied correlations and Table 1.
 */
export function fitToTable1(spec: ModelSpec): Table1Fit | { error: string } {
  const built = buildModel(spec);
  if (!built.ok) return { error: built.errors.map((e) => e.message).join("; ") };
  const est = estimatePathModel(structureOf(spec), fromRows(TABLE1_CORRELATIONS), TABLE1_N, {
    modification: false,
  });
  if (!est.ok) return { error: est.error };
  const p = CONSTRUCTS.length;
  const idx = spec.variables.map((v) => CONSTRUCTS.indexOf(v as (typeof CONSTRUCTS)[number]));
  let maxResidual = 0;
  let maxResidualPair = "";
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) {
      const d = Math.abs(built.model.Sigma[i * p + j] - TABLE1_CORRELATIONS[idx[i]][idx[j]]);
      if (d > maxResidual) {
        maxResidual = d;
        maxResidualPair = `${spec.variables[j]}–${spec.variables[i]}`;
      }
    }
  }
  const f = est.report.fit;
  return {
    chisq: f.chisq,
    df: f.df,
    pvalue: f.pvalue,
    cfi: f.cfi,
    rmsea: f.rmsea,
    srmr: f.srmr,
    maxResidual,
    maxResidualPair,
  };
}
