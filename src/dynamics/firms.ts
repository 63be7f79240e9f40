import { exp, log } from "../math/fdlibm.ts";
import type { StructuralModel } from "../model/implied.ts";
import { type CorrelationModel, drawPopulation } from "../population/draw.ts";

/** The seven constructs every firm carries as latent (standardized) scores. */
export const LATENT = ["IEO", "IMO", "GTC", "UPD", "QF", "LFDC", "PERF"] as const;
export type Latent = (typeof LATENT)[number];

/**
 * Firms as columns (structure of arrays): index f = 0..n-1, ordered by founding step.
 * Latent scores are standardized draws from the scenario's structural model; nobody is
 * labelled born global: that status is computed from what the firm does (outcomes.ts).
 */
export interface FirmColumns {
  n: number;
  /** Step of founding (non-decreasing in f). */
  found: Int32Array;
  /** Latent scores by construct (standardized; policy treatments shift them in place). */
  latent: Record<Latent, Float64Array>;
  /**
   * Performance propensity without the LFDC term of H5: PERF - b(LFDC->PERF) * LFDC. A
   * market's performance adds b(LFDC->PERF) times its distributor's competence instead.
   */
  perfBase: Float64Array;
  /** Standard normal size propensity (employees). */
  sizeZ: Float64Array;
  /** Policy treatments taken (bit 1 export promotion, 2 matchmaking, 4 technology). */
  treated: Uint8Array;
  /** Knowledge added by policy (0..1 scale). */
  knowledgeBonus: Float64Array;
  /** Step of exit, -1 while alive. */
  exitStep: Int32Array;
  /** Step of the first foreign entry, -1 before. */
  firstEntry: Int32Array;
  /** Markets served now / distinct markets ever entered. */
  served: Int32Array;
  ever: Int32Array;
  /** Sum of the entry attractiveness of the markets served now. */
  servedAttr: Float64Array;
  /** International knowledge in [0, 1). */
  knowledge: Float64Array;
  /** Domestic age (years) at the first entry, or the current age before it. */
  heritageAge: Float64Array;
  /** Integrated entry hazard since the last entry, and the unit-exponential threshold. */
  entryH: Float64Array;
  entryE: Float64Array;
  /** Integrated firm-exit hazard and its threshold. */
  exitH: Float64Array;
  exitE: Float64Array;
  /** Foreign sales this step (units of initial domestic sales) and foreign share. */
  foreignSales: Float64Array;
  share: Float64Array;
  /** Current status group: 0 domestic, 1 born global, 2 gradual (see aggregates.ts). */
  status: Uint8Array;
}

/**
 * Founding step of every firm: cohort sizes grow by `growth` per year, spread over the steps
 * of [startYear, lastFoundingStep] by inverting the cumulative founding curve at (f + 0.5)/n.
 * Deterministic (no draws).
 */
export function foundingSteps(
  n: number,
  steps: number,
  stepsPerYear: number,
  growth: number,
): Int32Array {
  const out = new Int32Array(n);
  const g = growth / stepsPerYear;
  const total = Math.abs(g) < 1e-12 ? steps : (exp(g * steps) - 1) / g;
  for (let f = 0; f < n; f++) {
    const q = ((f + 0.5) / n) * total;
    const t = Math.abs(g) < 1e-12 ? q : log(1 + g * q) / g;
    out[f] = Math.min(steps - 1, Math.max(0, Math.floor(t)));
  }
  return out;
}

/** Allocate the firm columns and draw their latent scores from the structural model. */
export function createFirms(
  model: StructuralModel,
  n: number,
  found: Int32Array,
  seed: number,
  replication: number,
): FirmColumns {
  const pop = drawPopulation(model, n, { seed, replication, purpose: "dynamics-firms" });
  const col = (v: string) => {
    const i = model.variables.indexOf(v);
    return i >= 0 ? pop.columns[i] : new Float64Array(n);
  };
  const latent = Object.fromEntries(LATENT.map((v) => [v, col(v)])) as Record<Latent, Float64Array>;
  const bL = pathValue(model, "LFDC", "PERF");
  const perfBase = new Float64Array(n);
  for (let f = 0; f < n; f++) perfBase[f] = latent.PERF[f] - bL * latent.LFDC[f];
  const size = drawPopulation(sizeModel, n, { seed, replication, purpose: "dynamics-size" });
  const neg = () => new Int32Array(n).fill(-1);
  return {
    n,
    found,
    latent,
    perfBase,
    sizeZ: size.columns[0],
    treated: new Uint8Array(n),
    knowledgeBonus: new Float64Array(n),
    exitStep: neg(),
    firstEntry: neg(),
    served: new Int32Array(n),
    ever: new Int32Array(n),
    servedAttr: new Float64Array(n),
    knowledge: new Float64Array(n),
    heritageAge: new Float64Array(n),
    entryH: new Float64Array(n),
    entryE: new Float64Array(n),
    exitH: new Float64Array(n),
    exitE: new Float64Array(n),
    foreignSales: new Float64Array(n),
    share: new Float64Array(n),
    status: new Uint8Array(n),
  };
}

/** A one-variable "model" so size is drawn by the same block-streamed normal draw. */
const sizeModel: CorrelationModel = { variables: ["SIZE"], p: 1, Sigma: Float64Array.of(1) };

/** Standardized coefficient of the path from -> to in the model (0 if absent). */
export function pathValue(model: StructuralModel, from: string, to: string): number {
  return model.spec.paths.find((p) => p.from === from && p.to === to)?.value ?? 0;
}
