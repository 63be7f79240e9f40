/**
 * The agent-based dynamics of Born Global Lab (docs/ODD.md): firms founded over time enter
 * foreign markets through distributors, perform, learn and exit; born globals emerge.
 *
 * Web-app API: `simulate(scenario, replication)` returns a DynamicsHistory of plain data and
 * typed arrays (per-step aggregates by group, region and country; per-firm outcomes; entries
 * per country per step; optional event log); `transferables(history)` lists the buffers a web
 * worker can transfer instead of copying.
 */
export * from "./aggregates.ts";
export * from "./calendar.ts";
export * from "./calibrate.ts";
export * from "./calibration.ts";
export * from "./events.ts";
export { createFirms, foundingSteps, LATENT, type Latent } from "./firms.ts";
export * from "./markets/countries.ts";
export * from "./markets/distance.ts";
export * from "./markets/table.ts";
export * from "./outcomes.ts";
export { type SimulateOptions, simulate } from "./simulate.ts";
export * from "./status.ts";
export * from "./surveyLink.ts";
export type * from "./types.ts";

import type { DynamicsHistory } from "./types.ts";

/** Every distinct ArrayBuffer inside a history (for postMessage transfer lists). */
export function transferables(h: DynamicsHistory): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || v === null || typeof v !== "object") return;
    if (ArrayBuffer.isView(v)) {
      out.add(v.buffer as ArrayBuffer);
      return;
    }
    for (const x of Object.values(v as Record<string, unknown>)) visit(x, depth + 1);
  };
  visit(h, 0);
  return [...out];
}
