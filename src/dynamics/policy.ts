import { identity, inverse } from "../math/linalg.ts";
import type { StructuralModel } from "../model/implied.ts";
import { derive } from "../random/stream.ts";
import type { PolicyConfig } from "../scenario/sections/policy.ts";
import { type FirmColumns, LATENT, type Latent } from "./firms.ts";

export const PROMOTION = 1;
export const MATCHMAKING = 2;
export const TECHNOLOGY = 4;

/**
 * Who takes up which policy: one uniform draw per firm and lever from the stream
 * "policy-takeup", compared with the lever's takeUp share. Drawn for every firm whatever the
 * take-up, so changing one lever's take-up never reshuffles who is treated by another.
 */
export function assignTakeUp(
  firms: FirmColumns,
  policy: PolicyConfig,
  seed: number,
  replication: number,
): void {
  const s = derive(seed, replication, "policy-takeup");
  for (let f = 0; f < firms.n; f++) {
    let bits = 0;
    if (s.next() < policy.exportPromotion.takeUp) bits |= PROMOTION;
    if (s.next() < policy.matchmaking.takeUp) bits |= MATCHMAKING;
    if (s.next() < policy.technology.takeUp) bits |= TECHNOLOGY;
    firms.treated[f] = bits;
  }
}

/** Total effects (I - B)^-1 of each variable on each other in the structural model. */
export function totalEffects(model: StructuralModel): Float64Array {
  const p = model.p;
  const ib = identity(p);
  for (let i = 0; i < p * p; i++) ib[i] -= model.B[i];
  return (inverse(ib, p) as Float64Array | null) ?? identity(p);
}

/**
 * Shift construct `c` of firm f by `delta` SD units and propagate the shift along the
 * structural model's paths (total effects), e.g. more IMO -> more QF and LFDC -> more PERF.
 */
export function shiftConstruct(
  firms: FirmColumns,
  model: StructuralModel,
  effects: Float64Array,
  bLfdc: number,
  f: number,
  c: Latent,
  delta: number,
): void {
  const p = model.p;
  const j = model.variables.indexOf(c);
  if (j < 0) return;
  let dPerf = 0;
  let dLfdc = 0;
  for (const v of LATENT) {
    const i = model.variables.indexOf(v);
    if (i < 0) continue;
    const d = effects[i * p + j] * delta;
    firms.latent[v][f] += d;
    if (v === "PERF") dPerf = d;
    if (v === "LFDC") dLfdc = d;
  }
  firms.perfBase[f] += dPerf - bLfdc * dLfdc;
}

/**
 * Start firm f's treatments (called once per firm, at max(policy start, founding)).
 * Export promotion: IMO + imoShift (propagated), knowledge + knowledgeShift, if eligible.
 * Technology support: GTC + gtcShift (propagated). Matchmaking acts at each later entry
 * (simulate.ts). Returns the programme cost incurred now (US$ thousand).
 */
export function activateTreatments(
  firms: FirmColumns,
  model: StructuralModel,
  effects: Float64Array,
  bLfdc: number,
  policy: PolicyConfig,
  f: number,
): number {
  let cost = 0;
  const t = firms.treated[f];
  if (t & PROMOTION) {
    const ep = policy.exportPromotion;
    if (ep.eligibility === "all" || firms.firstEntry[f] < 0) {
      shiftConstruct(firms, model, effects, bLfdc, f, "IMO", ep.imoShift);
      firms.knowledgeBonus[f] += ep.knowledgeShift;
      cost += ep.costPerFirm;
    } else firms.treated[f] &= ~PROMOTION;
  }
  if (t & TECHNOLOGY) {
    shiftConstruct(firms, model, effects, bLfdc, f, "GTC", policy.technology.gtcShift);
    cost += policy.technology.costPerFirm;
  }
  return cost;
}
