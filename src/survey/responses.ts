import { freshFloat64 } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { TABLE1_MEANS, TABLE1_SDS } from "../paper/table1.ts";
import { derive, type Stream, type StreamKeyPart } from "../random/stream.ts";
import { fillNormalsFast as fillNormals, type NormalsJob, normalsFrom } from "./fastNormals.ts";
import type { Instrument, SurveyItem } from "./instrument.ts";
import { sumVariance } from "./reliability.ts";
import { whiten } from "./whiten.ts";

/**
 * Item answers from construct scores. Each respondent i has a standardized score eta_c on each
 * construct and a common-method (response style) score M; item j of construct c gets
 *   x_ij = loading_j * eta_ic + method * M_i + unique_j * e_ij     (unit variance),
 * then, in the scored direction, v_ij = mu_c + sigma_c * s_j * x_ij (s_j = -1 for reverse-keyed
 * items, whose raw answer is reflected). Likert answers are v rounded to the nearest scale point
 * and clamped to the scale (thresholds half-way between points); continuous answers are v.
 * The 1-10 success rating uses mu and sigma mapped linearly onto 1-10 and enters its composite
 * mapped back onto 1-7 (our reading: Table 1 reports every composite on a 1-7 scale).
 * A composite is the mean of its scored composite items.
 *
 * mu_c and sigma_c (one pair per construct) are calibrated so that the composites' population
 * means and SDs equal Table 1's (see calibrateScales).
 */
export type ResponseFormat = "likert" | "continuous";

export interface ItemScales {
  /** Per construct (CONSTRUCTS order): centre and spread on the 1-7 scale. */
  mu: Float64Array;
  sigma: Float64Array;
  /** Largest remaining gap to Table 1's composite mean and SD after calibration. */
  meanGap: number;
  sdGap: number;
  iterations: number;
}

/** Number of calibration respondents per construct (our choice: SE of a mean about 0.007 SD). */
export const SCALE_CALIBRATION_N = 20_000;

/** Map a 1-7 centre/spread onto an item's own scale (identity for 1-7 items). */
function onScale(item: SurveyItem, mu: number, sigma: number): { a: number; b: number } {
  const f = (item.scale.max - item.scale.min) / 6;
  return { a: item.scale.min + (mu - 1) * f, b: sigma * f };
}

/** Scored answer of one item (on the item's own scale) from its standardized value x. */
function scoreItem(item: SurveyItem, a: number, b: number, x: number, likert: boolean): number {
  const sign = item.reverse ? -1 : 1;
  const v = a + b * sign * x;
  if (!likert) return v;
  // clamp, then round half up (Math.floor(x + 0.5) is Math.round, and much faster in V8)
  return Math.floor(Math.max(item.scale.min, Math.min(v, item.scale.max)) + 0.5);
}

/** A scored answer mapped onto the 1-7 composite scale. */
export function toComposite(item: SurveyItem, y: number): number {
  return item.scale.max === 7 && item.scale.min === 1
    ? y
    : 1 + ((y - item.scale.min) * 6) / (item.scale.max - item.scale.min);
}

/** The raw answer as the respondent marked it (reverse-keyed items reflected back). */
export function rawAnswer(item: SurveyItem, scored: number): number {
  return item.reverse ? item.scale.min + item.scale.max - scored : scored;
}

/**
 * Calibrate mu_c, sigma_c so that composites have Table 1's means and SDs. Continuous answers:
 * closed form. Likert answers: fixed-point iteration on a fixed draw of SCALE_CALIBRATION_N
 * respondents per construct (common random numbers, stream "calibration"/"scales").
 */
export function calibrateScales(
  ins: Instrument,
  format: ResponseFormat,
  targetMeans: Record<string, number> = TABLE1_MEANS,
  targetSds: Record<string, number> = TABLE1_SDS,
): ItemScales {
  const p = CONSTRUCTS.length;
  const mu = new Float64Array(p);
  const sigma = new Float64Array(p);
  let meanGap = 0;
  let sdGap = 0;
  let iterations = 0;
  for (let c = 0; c < p; c++) {
    const tm = targetMeans[CONSTRUCTS[c]];
    const ts = targetSds[CONSTRUCTS[c]];
    const idx = ins.composite[c];
    const items = idx.map((k) => ins.items[k]);
    const k = items.length;
    const signs = items.map((it) => (it.reverse ? -1 : 1));
    const sdMean =
      Math.sqrt(
        sumVariance(
          items.map((it) => Math.abs(it.loading)),
          items[0]?.method ?? 0,
          signs,
        ),
      ) / k;
    mu[c] = tm;
    sigma[c] = sdMean > 0 ? ts / sdMean : ts;
    if (format === "continuous") continue;
    // Likert: fixed draw, iterate.
    const N = SCALE_CALIBRATION_N;
    const s = derive("calibration", "scales", CONSTRUCTS[c]);
    const z = new Float64Array(N * (k + 2));
    fillNormals(s, z);
    whiten(z, N, k + 2);
    const x = new Float64Array(N * k);
    for (let i = 0; i < N; i++) {
      const eta = z[i * (k + 2)];
      const m = z[i * (k + 2) + 1];
      for (let j = 0; j < k; j++) {
        const it = items[j];
        x[i * k + j] = it.loading * eta + it.method * m + it.unique * z[i * (k + 2) + 2 + j];
      }
    }
    const comp = new Float64Array(N);
    for (let it = 0; it < 200; it++) {
      iterations = Math.max(iterations, it + 1);
      const ab = items.map((item) => onScale(item, mu[c], sigma[c]));
      let sum = 0;
      for (let i = 0; i < N; i++) {
        let t = 0;
        for (let j = 0; j < k; j++)
          t += toComposite(items[j], scoreItem(items[j], ab[j].a, ab[j].b, x[i * k + j], true));
        comp[i] = t / k;
        sum += comp[i];
      }
      const m = sum / N;
      let v = 0;
      for (let i = 0; i < N; i++) v += (comp[i] - m) * (comp[i] - m);
      const sd = Math.sqrt(v / (N - 1));
      const dm = tm - m;
      const ratio = ts / sd;
      if (Math.abs(dm) < 2e-4 && Math.abs(ratio - 1) < 2e-4) {
        meanGap = Math.max(meanGap, Math.abs(dm));
        sdGap = Math.max(sdGap, Math.abs(ts - sd));
        break;
      }
      mu[c] += dm;
      sigma[c] *= ratio;
      if (it === 199) {
        meanGap = Math.max(meanGap, Math.abs(dm));
        sdGap = Math.max(sdGap, Math.abs(ts - sd));
      }
    }
  }
  return { mu, sigma, meanGap, sdGap, iterations };
}

export interface AnsweredItems {
  n: number;
  /** Scored answers, one column per instrument item (on the item's own scale). */
  scored: Float64Array[];
  /** Composite scores on the 1-7 scale, one column per construct. */
  composites: Float64Array[];
}

/**
 * Answers of n respondents whose standardized construct scores are latent[c][rows[i]], with
 * method-factor and unique deviates drawn from `stream`.
 */
export function answerItems(
  ins: Instrument,
  scales: ItemScales,
  format: ResponseFormat,
  latent: readonly ArrayLike<number>[],
  rows: ArrayLike<number>,
  stream: Stream,
  pre?: NormalsJob,
): AnsweredItems {
  const n = rows.length;
  const items = ins.items;
  const q = items.length;
  const likert = format === "likert";
  const coef = itemCoefficients(ins, scales);
  // Normals in column blocks: [M for every respondent | item 0 errors | item 1 errors | ...],
  // so that every loop below runs down contiguous columns.
  const z = pre ? normalsFrom(stream, n * (q + 1), pre) : scratchOf(n * (q + 1));
  if (!pre) fillNormals(stream, z, 0, n * (q + 1));
  // construct scores of the respondents, gathered once per construct
  const nc = latent.length;
  const eta = scratchEta(n * nc);
  for (let c = 0; c < nc; c++) {
    const col = latent[c];
    const o = c * n;
    for (let i = 0; i < n; i++) eta[o + i] = col[rows[i]];
  }
  const buf = freshFloat64(n * q);
  const scored: Float64Array[] = [];
  const composites = ins.composite.map(() => freshFloat64(n));
  for (let j = 0; j < q; j++) {
    const out = buf.subarray(j * n, (j + 1) * n);
    const a = coef.A[j];
    const bl = coef.Bl[j];
    const bm = coef.Bm[j];
    const bu = coef.Bu[j];
    const l = coef.lo[j];
    const h = coef.hi[j];
    const eo = coef.c[j] * n;
    const e0 = (j + 1) * n;
    scored.push(out);
    // its composite's running sum (items in instrument order, as the composite lists them),
    // added as each answer is made when the item is on the 1-7 scale
    const it = items[j];
    const col = it.inComposite ? composites[it.c] : null;
    if (col && l === 1 && h === 7) {
      if (likert)
        for (let i = 0; i < n; i++) {
          const v = a + bl * eta[eo + i] + bm * z[i] + bu * z[e0 + i];
          // clamp, then round half up (Math.floor(x + 0.5) is Math.round, much faster in V8)
          // biome-ignore lint/complexity/useMathMinMax: the hot loop of every item answer; the ternary is faster
          const y = Math.floor((v < 1 ? 1 : v > 7 ? 7 : v) + 0.5);
          out[i] = y;
          col[i] += y;
        }
      else
        for (let i = 0; i < n; i++) {
          const y = a + bl * eta[eo + i] + bm * z[i] + bu * z[e0 + i];
          out[i] = y;
          col[i] += y;
        }
      continue;
    }
    if (likert) {
      for (let i = 0; i < n; i++) {
        const v = a + bl * eta[eo + i] + bm * z[i] + bu * z[e0 + i];
        // biome-ignore lint/complexity/useMathMinMax: the hot loop of every item answer; the ternary is faster
        out[i] = Math.floor((v < l ? l : v > h ? h : v) + 0.5);
      }
    } else {
      for (let i = 0; i < n; i++) out[i] = a + bl * eta[eo + i] + bm * z[i] + bu * z[e0 + i];
    }
    if (col) for (let i = 0; i < n; i++) col[i] += toComposite(it, out[i]);
  }
  ins.composite.forEach((idx, c) => {
    const col = composites[c];
    const k = idx.length;
    for (let i = 0; i < n; i++) col[i] /= k;
  });
  return { n, scored, composites };
}

/** Per item: value = A + Bl * eta + Bm * M + Bu * e in the scored direction, clamped to lo..hi. */
interface ItemCoefficients {
  A: Float64Array;
  Bl: Float64Array;
  Bm: Float64Array;
  Bu: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** The item's construct. */
  c: Int32Array;
}

const coefficientCache = new WeakMap<Instrument, WeakMap<ItemScales, ItemCoefficients>>();

/** The items' coefficients for these scales (computed once per instrument and scales). */
function itemCoefficients(ins: Instrument, scales: ItemScales): ItemCoefficients {
  let byScales = coefficientCache.get(ins);
  if (!byScales) {
    byScales = new WeakMap();
    coefficientCache.set(ins, byScales);
  }
  const hit = byScales.get(scales);
  if (hit) return hit;
  const q = ins.items.length;
  const r: ItemCoefficients = {
    A: new Float64Array(q),
    Bl: new Float64Array(q),
    Bm: new Float64Array(q),
    Bu: new Float64Array(q),
    lo: new Float64Array(q),
    hi: new Float64Array(q),
    c: new Int32Array(q),
  };
  ins.items.forEach((it, j) => {
    const { a, b } = onScale(it, scales.mu[it.c], scales.sigma[it.c]);
    const sign = it.reverse ? -1 : 1;
    r.A[j] = a;
    r.Bl[j] = b * sign * it.loading;
    r.Bm[j] = b * sign * it.method;
    r.Bu[j] = b * sign * it.unique;
    r.lo[j] = it.scale.min;
    r.hi[j] = it.scale.max;
    r.c[j] = it.c;
  });
  byScales.set(scales, r);
  return r;
}

/**
 * Scratch buffers of answerItems, reused by every call up to SCRATCH_MAX numbers (a survey's
 * size; nothing returned points into them). Larger calls (calibration) allocate their own.
 */
export const SCRATCH_MAX = 1 << 17;
let scratchZ = new Float64Array(0);
let scratchE = new Float64Array(0);
function scratchOf(size: number): Float64Array {
  if (size > SCRATCH_MAX) return new Float64Array(size);
  if (scratchZ.length < size) scratchZ = new Float64Array(size);
  return scratchZ;
}
function scratchEta(size: number): Float64Array {
  if (size > SCRATCH_MAX) return new Float64Array(size);
  if (scratchE.length < size) scratchE = new Float64Array(size);
  return scratchE;
}

/** The scored item columns of construct c's composite, on the composite's 1-7 scale. */
export function compositeItemColumns(
  ins: Instrument,
  scored: readonly Float64Array[],
  c: number,
): Float64Array[] {
  return ins.composite[c].map((k) => {
    const it = ins.items[k];
    if (it.scale.min === 1 && it.scale.max === 7) return scored[k];
    return scored[k].map((y) => toComposite(it, y));
  });
}

/** Convenience: a stream for item answers of one replication. */
export function itemStream(seed: StreamKeyPart, replication: StreamKeyPart): Stream {
  return derive(seed, replication, "survey", "items");
}
