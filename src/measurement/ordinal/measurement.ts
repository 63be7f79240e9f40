import { covariance } from "../../math/linalg.ts";
import { type CfaEstimate, type EstimateOptions, fitCfa } from "../estimate.ts";
import type { ModelSpec } from "../model.ts";
import { ordinalSampleStats } from "./sampleStatistics.ts";
import { deltaModel, fitWlsmv, type WlsmvEstimate, type WlsmvOptions } from "./wlsmv.ts";

/**
 * The measurement model on raw item answers, with the items treated as continuous (ML on their
 * covariance, `fitCfa`) or as ordinal (`ordered: true`, or a list naming every item of the model:
 * thresholds, polychorics and WLSMV, `fitWlsmv`), as lavaan's cfa(..., ordered = ...). Mixing
 * continuous and ordinal items (polyserial correlations) is not supported and is refused.
 */
export interface RawItems {
  names: readonly string[];
  /** One column of answers per name (no missing answers). */
  columns: readonly ArrayLike<number>[];
}

export interface MeasurementOptions {
  /** Treat the items as ordinal: all of them (true) or a list naming every item of the model. */
  ordered?: boolean | readonly string[];
  ml?: EstimateOptions;
  wlsmv?: WlsmvOptions;
}

export type MeasurementFit =
  | { ok: true; estimator: "ML"; estimate: CfaEstimate }
  | { ok: true; estimator: "WLSMV"; estimate: WlsmvEstimate }
  | { ok: false; reason: string; message: string };

export function fitMeasurementModel(
  spec: ModelSpec,
  data: RawItems,
  options: MeasurementOptions = {},
): MeasurementFit {
  const ordered = options.ordered ?? false;
  const built = deltaModel(spec);
  if (!built.ok) return { ok: false, reason: "invalid-model", message: built.message };
  const items = built.model.observed;
  const col = (x: string) => data.columns[data.names.indexOf(x)];
  const missing = items.find((x) => !data.names.includes(x));
  if (missing)
    return { ok: false, reason: "missing-item", message: `item ${missing} is not in the data` };
  if (ordered === false || (Array.isArray(ordered) && ordered.length === 0)) {
    const n = data.columns[0]?.length ?? 0;
    const o = fitCfa(spec, { names: items, cov: covariance(items.map(col), n), n }, options.ml);
    return o.ok ? { ok: true, estimator: "ML", estimate: o.estimate } : o;
  }
  if (Array.isArray(ordered)) {
    const unknown = ordered.find((x) => !items.includes(x));
    if (unknown)
      return {
        ok: false,
        reason: "invalid-ordered",
        message: `ordered item ${unknown} is not an item of the model`,
      };
    const continuous = items.filter((x) => !ordered.includes(x));
    if (continuous.length)
      return {
        ok: false,
        reason: "mixed-items",
        message: `items ${continuous.join(", ")} are not ordered: mixing continuous and ordinal items is not supported`,
      };
  }
  const s = ordinalSampleStats({ names: items, columns: items.map(col) });
  if (!s.ok) return { ok: false, reason: "invalid-data", message: s.message };
  const o = fitWlsmv(spec, s.stats, options.wlsmv);
  return o.ok ? { ok: true, estimator: "WLSMV", estimate: o.estimate } : o;
}
