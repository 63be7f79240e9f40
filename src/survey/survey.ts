import { normalQuantile } from "../math/distributions.ts";
import { log } from "../math/fdlibm.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { sampleWithoutReplacement } from "../random/deviates.ts";
import { derive, type StreamKeyPart } from "../random/stream.ts";
import { fillNormalsFast as fillNormals, type NormalsJob, normalsFrom } from "./fastNormals.ts";
import { ATTRIBUTE_NAMES, type FrameCriteria, type SurveyUniverse } from "./frame.ts";
import { SurveyConfigError } from "./instrument.ts";
import { applyItemNonresponse, type ItemNonresponseSummary } from "./itemNonresponse.ts";
import type { SurveyPlan } from "./plan.ts";
import { answerItems, SCRATCH_MAX, toComposite } from "./responses.ts";
import { type TTest, welchAll } from "./ttest.ts";

/**
 * One virtual survey of a universe of firms, as the paper ran it (Method section): the frame
 * (firms meeting the criteria), a random mailing, responses (optionally biased on performance
 * or size), three waves, the usable sample, item answers, composites, and the non-response
 * checks (early vs late respondents, respondents vs non-respondents, Welch t-tests on the
 * paper's check variables).
 *
 * Streams: derive(seed, replication, "survey", stage) for stage = "mailing", "response",
 * "items", "item-nonresponse"; the universe itself is drawn by the caller (placeholder frame or dynamics).
 */
export interface SurveyStreams {
  seed: StreamKeyPart;
  replication: StreamKeyPart;
}

export interface SurveyOutput {
  frameSize: number;
  screened: number;
  mailed: number;
  responded: number;
  /** Usable responses analysed. */
  n: number;
  /** Universe row of each usable respondent, and its mailing wave (1-3). */
  rows: Int32Array;
  wave: Int8Array;
  /** Composite scores (1-7) of the usable respondents, one column per construct. */
  composites: Float64Array[];
  /** Scored item answers (item level only), one column per instrument item. */
  items: Float64Array[] | null;
  checks: { earlyLate: TTest[]; respondents: TTest[] };
  /** Per construct: sample Cronbach's alpha (items level) and squared correlation of the
   * composite with the true score, over the usable respondents. */
  sampleReliability: { construct: string; alpha: number | null; r2True: number }[];
  /** With item non-response (itemNonresponse.ts): skipped items NaN, composites may be NaN. */
  itemNonresponse?: ItemNonresponseSummary;
}

/**
 * Numbers of the survey's streams already drawn (the stream advanced past them): the first
 * `count` uniforms of "mailing", normals of "response" and of "items", in `out`.
 */
export interface SurveyAhead {
  mailing?: NormalsJob;
  response?: NormalsJob;
  items?: NormalsJob;
}

/** A survey that cannot be completed as configured (e.g. no usable responses). */
export class SurveyRunError extends SurveyConfigError {}

export function runSurvey(
  universe: SurveyUniverse,
  plan: SurveyPlan,
  streams: SurveyStreams,
  options: { keepItems?: boolean; ahead?: SurveyAhead } = {},
): SurveyOutput {
  const cfg = plan.config;
  const criteria: FrameCriteria = cfg.frame;
  // The frame (inline form of inFrame, frame.ts: this loop runs over every firm).
  const years = universe.attributes.foundingYear;
  const shares = universe.attributes.exportShare;
  const minYear = criteria.minFoundingYear ?? Number.NEGATIVE_INFINITY;
  const minShare = criteria.minExportShare;
  const frameAll = scratch.int("frame", universe.n);
  let frameSize = 0;
  for (let i = 0; i < universe.n; i++)
    if (years[i] >= minYear && shares[i] >= minShare) frameAll[frameSize++] = i;
  const frame = frameAll.subarray(0, frameSize);
  if (frame.length < cfg.mailed)
    throw new SurveyRunError(
      "survey.mailed",
      `the frame holds ${frame.length} firms meeting the criteria (founded >= ${criteria.minFoundingYear ?? "any year"}, export share >= ${criteria.minExportShare}), fewer than the ${cfg.mailed} to be mailed`,
    );
  // Mailing: a simple random sample of the frame.
  const ahead = options.ahead ?? {};
  const pick = ahead.mailing
    ? sampleAhead(ahead.mailing, frame.length, cfg.mailed)
    : sampleWithoutReplacement(
        derive(streams.seed, streams.replication, "survey", "mailing"),
        frame.length,
        cfg.mailed,
      );
  const M = cfg.mailed;
  const mailed = scratch.int("mailed", M).subarray(0, M);
  for (let k = 0; k < M; k++) mailed[k] = frame[pick[k]];

  // Response: probit propensity u = rho b + sqrt(1 - rho^2) e, respond when u > Phi^-1(1 - r).
  const e = ahead.response
    ? normalsFrom(ahead.response.stream, M, ahead.response)
    : normalsFrom(derive(streams.seed, streams.replication, "survey", "response"), M);
  const rho = cfg.responseBias.on === "none" ? 0 : cfg.responseBias.strength;
  const b = biasVariable(universe, mailed, cfg.responseBias.on);
  const cut =
    cfg.responseRate >= 1 ? Number.NEGATIVE_INFINITY : normalQuantile(1 - cfg.responseRate);
  const sq = Math.sqrt(1 - rho * rho);
  // respondents in mailing order: their mailing position and their propensity (the sort key)
  const respK = scratch.int("respK", M);
  const respKey = scratch.float("respKey", M);
  let R = 0;
  for (let k = 0; k < M; k++) {
    const u = rho * b[k] + sq * e[k];
    if (u > cut) {
      respK[R] = k;
      respKey[R++] = u;
    }
  }
  // Waves: the continuum of resistance, keener firms answer earlier (plus timing noise).
  const timing = scratch.float("timing", R);
  fillNormals(derive(streams.seed, streams.replication, "survey", "waves"), timing, 0, R);
  for (let j = 0; j < R; j++) respKey[j] += 0.5 * timing[j];
  if (R === 0)
    throw new SurveyRunError(
      "survey.responseRate",
      `the survey of ${M} firms got no usable responses at a response rate of ${cfg.responseRate}; raise survey.responseRate or survey.mailed`,
    );
  // keenest first; equal keys keep the mailing order (a stable sort)
  const order = sortDescending(respKey, R);
  const waveOf = scratch.int("waveOf", R);
  const w1 = Math.round(cfg.waves[0] * R);
  const w2 = Math.round((cfg.waves[0] + cfg.waves[1]) * R);
  for (let j = 0; j < R; j++) waveOf[j] = j < w1 ? 1 : j < w2 ? 2 : 3;
  // Usable responses: all of them, or n chosen at random when more came back.
  let use: Int32Array;
  if (R > cfg.n) {
    const s = sampleWithoutReplacement(
      derive(streams.seed, streams.replication, "survey", "usable"),
      R,
      cfg.n,
    );
    s.sort();
    use = s;
  } else {
    use = scratch.int("use", R).subarray(0, R);
    for (let j = 0; j < R; j++) use[j] = j;
  }
  const n = use.length;
  const rows = new Int32Array(n);
  const wave = new Int8Array(n);
  for (let j = 0; j < n; j++) {
    rows[j] = mailed[respK[order[use[j]]]];
    wave[j] = waveOf[use[j]];
  }

  // Answers.
  universe.completeLatent?.(rows);
  const pre = ahead.items;
  const is = pre ? pre.stream : derive(streams.seed, streams.replication, "survey", "items");
  let composites: Float64Array[];
  let items: Float64Array[] | null = null;
  let itemNonresponse: ItemNonresponseSummary | undefined;
  if (cfg.level === "items") {
    const fmt = cfg.responses;
    const ans = answerItems(plan.instrument, plan.scales, fmt, universe.latent, rows, is, pre);
    composites = ans.composites;
    items = ans.scored;
    if (cfg.itemNonresponse) {
      const nr = applyItemNonresponse(
        plan.instrument,
        cfg.itemNonresponse,
        universe.latent,
        rows,
        items,
        derive(streams.seed, streams.replication, "survey", "item-nonresponse"),
      );
      composites = nr.composites;
      itemNonresponse = nr.summary;
    }
  } else {
    composites = compositeLevel(plan, universe.latent, rows, is, pre);
  }

  // Non-response checks on the paper's variables.
  const early = scratch.int("early", n);
  const late = scratch.int("late", n);
  let ne = 0;
  let nl = 0;
  for (let j = 0; j < n; j++) {
    if (wave[j] === 1) early[ne++] = rows[j];
    else if (wave[j] === 3) late[nl++] = rows[j];
  }
  // the non-respondents in mailing order (respK lists the respondents' positions, ascending)
  const non = scratch.int("non", M - R).subarray(0, M - R);
  let nn = 0;
  for (let k = 0, r = 0; k < M; k++) {
    if (r < R && respK[r] === k) r++;
    else non[nn++] = mailed[k];
  }
  const respRows = rows;
  const earlyLate: TTest[] = [];
  const respondents: TTest[] = [];
  const columns = ATTRIBUTE_NAMES.map((v) => universe.attributes[v]);
  for (const t of welchAll(ATTRIBUTE_NAMES, columns, early.subarray(0, ne), late.subarray(0, nl)))
    if (t) earlyLate.push(t);
  for (const t of welchAll(ATTRIBUTE_NAMES, columns, respRows, non)) if (t) respondents.push(t);

  const sampleReliability = sampleReliabilityOf(plan, items, composites, universe.latent, rows);

  return {
    frameSize: frame.length,
    screened: universe.screened ?? universe.n,
    mailed: M,
    responded: R,
    n,
    rows,
    wave,
    composites,
    items: options.keepItems || cfg.level === "items" ? items : null,
    checks: { earlyLate, respondents },
    sampleReliability,
    ...(itemNonresponse ? { itemNonresponse } : {}),
  };
}

/**
 * Per construct: Cronbach's alpha of its composite's item columns (on the composite's 1-7
 * scale; items level, more than one item) and the squared correlation of the composite with the
 * true score over the usable respondents. The arithmetic of cronbachAlpha and correlation
 * (reliability.ts), every sum in the same order, but the sums of all columns advanced together
 * in one pass over the respondents: each sum waits on its previous term, so independent sums
 * side by side overlap.
 */
function sampleReliabilityOf(
  plan: SurveyPlan,
  items: Float64Array[] | null,
  composites: Float64Array[],
  latent: readonly ArrayLike<number>[],
  rows: Int32Array,
): { construct: string; alpha: number | null; r2True: number }[] {
  const n = rows.length;
  const p = CONSTRUCTS.length;
  const ins = plan.instrument;
  // correlation(composite, true score), two constructs at a time
  const lat = CONSTRUCTS.map((_, c) => {
    const o = scratch.float(`lat${c}`, n);
    const col = latent[c];
    for (let j = 0; j < n; j++) o[j] = col[rows[j]];
    return o;
  });
  const r2 = new Float64Array(p);
  for (let c = 0; c < p; c += 2) {
    const d = c + 1 < p ? c + 1 : c;
    correlation2(composites[c], lat[c], composites[d], lat[d], n, r2, c, d);
  }
  // Cronbach's alpha of each composite's item columns, four columns at a time
  const alpha: (number | null)[] = CONSTRUCTS.map(() => null);
  if (items) {
    const cols: Float64Array[] = [];
    const totals: Float64Array[] = [];
    const owner: number[] = [];
    const totalOf: Float64Array[] = [];
    for (let c = 0; c < p; c++) {
      const idx = ins.composite[c];
      if (idx.length < 2) continue;
      if (n < 2) {
        alpha[c] = Number.NaN;
        continue;
      }
      const total = scratch.float(`total${c}`, n);
      totalOf[c] = total;
      total.fill(0, 0, n);
      for (const k of idx) {
        const it = ins.items[k];
        if (it.scale.min === 1 && it.scale.max === 7) cols.push(items[k]);
        else {
          const m = new Float64Array(n);
          for (let i = 0; i < n; i++) m[i] = toComposite(it, items[k][i]);
          cols.push(m);
        }
        totals.push(total);
        owner.push(c);
      }
    }
    const Q = cols.length;
    // pad to a multiple of four with a dummy column (its sums are discarded)
    const dummy = scratch.float("dummy", n);
    const dummyTotal = scratch.float("dummyTotal", n);
    while (cols.length % 4) {
      cols.push(dummy);
      totals.push(dummyTotal);
    }
    const mean = new Float64Array(cols.length);
    const v = new Float64Array(cols.length);
    for (let t = 0; t < cols.length; t += 4) {
      sums4(cols[t], cols[t + 1], cols[t + 2], cols[t + 3], n, mean, t);
      for (let u = t; u < t + 4; u++) mean[u] /= n;
      squares4(cols, totals, t, n, mean, v);
    }
    const sumItemVar = new Float64Array(p);
    const k = new Float64Array(p);
    for (let t = 0; t < Q; t++) {
      sumItemVar[owner[t]] += v[t] / (n - 1);
      k[owner[t]]++;
    }
    for (let c = 0; c < p; c++) {
      if (!k[c]) continue;
      const total = totalOf[c];
      let m = 0;
      for (let i = 0; i < n; i++) m += total[i];
      m /= n;
      let vt = 0;
      for (let i = 0; i < n; i++) vt += (total[i] - m) * (total[i] - m);
      vt /= n - 1;
      alpha[c] = (k[c] / (k[c] - 1)) * (1 - sumItemVar[c] / vt);
    }
  }
  return CONSTRUCTS.map((construct, c) => ({ construct, alpha: alpha[c], r2True: r2[c] }));
}

/** correlation(a0, b0, n)^2 into r2[i0] and correlation(a1, b1, n)^2 into r2[i1], side by side. */
function correlation2(
  a0: Float64Array,
  b0: Float64Array,
  a1: Float64Array,
  b1: Float64Array,
  n: number,
  r2: Float64Array,
  i0: number,
  i1: number,
): void {
  let ma0 = 0;
  let mb0 = 0;
  let ma1 = 0;
  let mb1 = 0;
  for (let i = 0; i < n; i++) {
    ma0 += a0[i];
    mb0 += b0[i];
    ma1 += a1[i];
    mb1 += b1[i];
  }
  ma0 /= n;
  mb0 /= n;
  ma1 /= n;
  mb1 /= n;
  let sab0 = 0;
  let saa0 = 0;
  let sbb0 = 0;
  let sab1 = 0;
  let saa1 = 0;
  let sbb1 = 0;
  for (let i = 0; i < n; i++) {
    const x0 = a0[i] - ma0;
    const y0 = b0[i] - mb0;
    sab0 += x0 * y0;
    saa0 += x0 * x0;
    sbb0 += y0 * y0;
    const x1 = a1[i] - ma1;
    const y1 = b1[i] - mb1;
    sab1 += x1 * y1;
    saa1 += x1 * x1;
    sbb1 += y1 * y1;
  }
  const r0 = sab0 / Math.sqrt(saa0 * sbb0);
  const r1 = sab1 / Math.sqrt(saa1 * sbb1);
  r2[i1] = r1 * r1;
  r2[i0] = r0 * r0;
}

/** Column sums of four columns (rows 0..n-1, in order) into out[o..o+3]. */
function sums4(
  c0: Float64Array,
  c1: Float64Array,
  c2: Float64Array,
  c3: Float64Array,
  n: number,
  out: Float64Array,
  o: number,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < n; i++) {
    s0 += c0[i];
    s1 += c1[i];
    s2 += c2[i];
    s3 += c3[i];
  }
  out[o] = s0;
  out[o + 1] = s1;
  out[o + 2] = s2;
  out[o + 3] = s3;
}

/**
 * Sums of squared deviations from mean[t..t+3] of cols[t..t+3] into v[t..t+3], and each
 * column added to its composite's total (in column order, as cronbachAlpha adds them).
 */
function squares4(
  cols: Float64Array[],
  totals: Float64Array[],
  t: number,
  n: number,
  mean: Float64Array,
  v: Float64Array,
): void {
  const c0 = cols[t];
  const c1 = cols[t + 1];
  const c2 = cols[t + 2];
  const c3 = cols[t + 3];
  const t0 = totals[t];
  const t1 = totals[t + 1];
  const t2 = totals[t + 2];
  const t3 = totals[t + 3];
  const m0 = mean[t];
  const m1 = mean[t + 1];
  const m2 = mean[t + 2];
  const m3 = mean[t + 3];
  let v0 = 0;
  let v1 = 0;
  let v2 = 0;
  let v3 = 0;
  for (let i = 0; i < n; i++) {
    const x0 = c0[i];
    const d0 = x0 - m0;
    v0 += d0 * d0;
    t0[i] += x0;
    const x1 = c1[i];
    const d1 = x1 - m1;
    v1 += d1 * d1;
    t1[i] += x1;
    const x2 = c2[i];
    const d2 = x2 - m2;
    v2 += d2 * d2;
    t2[i] += x2;
    const x3 = c3[i];
    const d3 = x3 - m3;
    v3 += d3 * d3;
    t3[i] += x3;
  }
  v[t] = v0;
  v[t + 1] = v1;
  v[t + 2] = v2;
  v[t + 3] = v3;
}

/**
 * sampleWithoutReplacement(stream, n, k) with the stream's first uniforms already drawn
 * (ahead.out[0, ahead.count), the stream past them): the same Fisher-Yates shuffle.
 */
function sampleAhead(ahead: NormalsJob, n: number, k: number): Int32Array {
  const idx = scratch.int("pick", n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const m = Math.min(k, n);
  const u = ahead.out;
  const s = ahead.stream;
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor((i < ahead.count ? u[i] : s.next()) * (n - i));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, m);
}

/**
 * Positions 0..R-1 ordered by key[] descending, equal keys in ascending position (what a stable
 * sort with the comparator (x, y) => key[y] - key[x] gives): R entries of a reused work array.
 */
export function sortDescending(key: Float64Array, R: number): Int32Array {
  // Buckets by value: b = floor((max - key) * scale) is monotone (every step rounds
  // monotonically), so the buckets in order hold the keys in descending order, equal keys in one
  // bucket; within a bucket an insertion sort that moves an entry only past strictly smaller keys
  // keeps equal keys in ascending position. The result is the stable sort's, with about one
  // key per bucket instead of log2(R) comparison passes.
  const out = scratch.int("sortA", R);
  if (R === 0) return out.subarray(0, 0);
  let lo = key[0];
  let hi = key[0];
  let finite = true;
  for (let i = 0; i < R; i++) {
    const k = key[i];
    if (k < lo) lo = k;
    if (k > hi) hi = k;
    if (!Number.isFinite(k)) finite = false;
  }
  const B = R;
  const scale = hi > lo ? (B - 1) / (hi - lo) : 0;
  if (!finite || !Number.isFinite(scale) || !Number.isFinite(hi - lo))
    return mergeSortDescending(key, R);
  const bucket = scratch.int("sortBucket", R);
  const start = scratch.int("sortStart", B + 1);
  start.fill(0, 0, B + 1);
  for (let i = 0; i < R; i++) {
    const b = Math.floor((hi - key[i]) * scale);
    bucket[i] = b;
    start[b + 1]++;
  }
  // crowded buckets (clustered keys) would make the insertion sorts quadratic: merge instead
  let crowded = false;
  for (let b = 0; b < B; b++) {
    if (start[b + 1] > 64) crowded = true;
    start[b + 1] += start[b];
  }
  if (crowded) return mergeSortDescending(key, R);
  // scatter in ascending position (stable), then sort each bucket
  for (let i = 0; i < R; i++) out[start[bucket[i]]++] = i;
  // start[b] is now the end of bucket b; bucket b spans [start[b - 1], start[b])
  let from = 0;
  for (let b = 0; b < B; b++) {
    const to = start[b];
    for (let j = from + 1; j < to; j++) {
      const v = out[j];
      const kv = key[v];
      let m = j;
      while (m > from && key[out[m - 1]] < kv) {
        out[m] = out[m - 1];
        m--;
      }
      out[m] = v;
    }
    from = to;
  }
  return out.subarray(0, R);
}

/** The same order by a bottom-up merge sort (keys not all finite, or crowded buckets). */
function mergeSortDescending(key: Float64Array, R: number): Int32Array {
  let a = scratch.int("sortA", R);
  let b = scratch.int("sortB", R);
  for (let i = 0; i < R; i++) a[i] = i;
  for (let w = 1; w < R; w *= 2) {
    for (let lo = 0; lo < R; lo += 2 * w) {
      const mid = Math.min(lo + w, R);
      const hi = Math.min(lo + 2 * w, R);
      let i = lo;
      let j = mid;
      let o = lo;
      // take from the right run only when its key is strictly larger (stability)
      while (i < mid && j < hi) b[o++] = key[a[j]] > key[a[i]] ? a[j++] : a[i++];
      while (i < mid) b[o++] = a[i++];
      while (j < hi) b[o++] = a[j++];
    }
    const t = a;
    a = b;
    b = t;
  }
  return a.subarray(0, R);
}

/**
 * Work arrays of runSurvey, one per name, reused by every call (grown as needed up to
 * SCRATCH_MAX numbers, as answerItems' own; larger ones, e.g. the frame of a large dynamics
 * universe, are allocated per call and not kept; nothing returned points into them). Contents
 * are whatever the last call left: callers write before they read.
 */
const scratch = {
  ints: new Map<string, Int32Array>(),
  floats: new Map<string, Float64Array>(),
  int(name: string, size: number): Int32Array {
    if (size > SCRATCH_MAX) return new Int32Array(size);
    let a = this.ints.get(name);
    if (!a || a.length < size) {
      a = new Int32Array(Math.max(size, 16));
      this.ints.set(name, a);
    }
    return a;
  },
  float(name: string, size: number): Float64Array {
    if (size > SCRATCH_MAX) return new Float64Array(size);
    let a = this.floats.get(name);
    if (!a || a.length < size) {
      a = new Float64Array(Math.max(size, 16));
      this.floats.set(name, a);
    }
    return a;
  },
};

/** Zeros for the response-bias variable when there is no bias (never written). */
let zeros = new Float64Array(0);

/**
 * Response-bias variable of the mailed firms, standardized over the mailing (so the expected
 * response rate stays `responseRate` whatever the frame selects): PERF or log employees.
 * Zeros when there is no bias.
 */
function biasVariable(u: SurveyUniverse, mailed: Int32Array, on: string): Float64Array {
  const M = mailed.length;
  if (on === "none") {
    if (zeros.length < M) zeros = new Float64Array(M);
    return zeros;
  }
  const b = new Float64Array(M);
  const perf = u.latent[CONSTRUCTS.indexOf("PERF")];
  for (let k = 0; k < M; k++)
    b[k] =
      on === "performance" ? perf[mailed[k]] : log(Math.max(1, u.attributes.employees[mailed[k]]));
  let m = 0;
  for (let k = 0; k < M; k++) m += b[k];
  m /= M;
  let v = 0;
  for (let k = 0; k < M; k++) v += (b[k] - m) ** 2;
  const sd = Math.sqrt(v / Math.max(1, M - 1)) || 1;
  for (let k = 0; k < M; k++) b[k] = (b[k] - m) / sd;
  return b;
}

/** Composite-level answers: mu + sigma (a eta + b M + e eps), the mean of continuous items. */
function compositeLevel(
  plan: SurveyPlan,
  latent: readonly ArrayLike<number>[],
  rows: Int32Array,
  s: ReturnType<typeof derive>,
  pre?: NormalsJob,
): Float64Array[] {
  const p = CONSTRUCTS.length;
  const n = rows.length;
  // Normals in column blocks [M | construct 0 errors | ...], loops down contiguous columns.
  const z = normalsFrom(s, n * (p + 1), pre);
  const { a, b, e } = plan.form;
  const { mu, sigma } = plan.scales;
  const out = CONSTRUCTS.map(() => new Float64Array(n));
  for (let c = 0; c < p; c++) {
    const col = latent[c];
    const o = out[c];
    const A = mu[c];
    const Bl = sigma[c] * a[c];
    const Bm = sigma[c] * b[c];
    const Be = sigma[c] * e[c];
    const e0 = (c + 1) * n;
    for (let i = 0; i < n; i++) o[i] = A + Bl * col[rows[i]] + Bm * z[i] + Be * z[e0 + i];
  }
  return out;
}
