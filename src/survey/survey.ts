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
import { correlation, cronbachAlpha } from "./reliability.ts";
import { answerItems, compositeItemColumns } from "./responses.ts";
import { type TTest, welch } from "./ttest.ts";

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
  const frameAll = new Int32Array(universe.n);
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
  const mailed = new Int32Array(M);
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
  const respK = new Int32Array(M);
  const respKey = new Float64Array(M);
  const responded = new Uint8Array(M);
  let R = 0;
  for (let k = 0; k < M; k++) {
    const u = rho * b[k] + sq * e[k];
    if (u > cut) {
      responded[k] = 1;
      respK[R] = k;
      respKey[R++] = u;
    }
  }
  // Waves: the continuum of resistance, keener firms answer earlier (plus timing noise).
  const timing = new Float64Array(R);
  fillNormals(derive(streams.seed, streams.replication, "survey", "waves"), timing);
  for (let j = 0; j < R; j++) respKey[j] += 0.5 * timing[j];
  if (R === 0)
    throw new SurveyRunError(
      "survey.responseRate",
      `the survey of ${M} firms got no usable responses at a response rate of ${cfg.responseRate}; raise survey.responseRate or survey.mailed`,
    );
  // keenest first; equal keys keep the mailing order (a stable sort)
  const order = sortDescending(respKey, R);
  const waveOf = new Int8Array(R);
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
    use = new Int32Array(R);
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
  const early = new Int32Array(n);
  const late = new Int32Array(n);
  let ne = 0;
  let nl = 0;
  for (let j = 0; j < n; j++) {
    if (wave[j] === 1) early[ne++] = rows[j];
    else if (wave[j] === 3) late[nl++] = rows[j];
  }
  const non = new Int32Array(M - R);
  let nn = 0;
  for (let k = 0; k < M; k++) if (!responded[k]) non[nn++] = mailed[k];
  const respRows = rows;
  const earlyLate: TTest[] = [];
  const respondents: TTest[] = [];
  for (const v of ATTRIBUTE_NAMES) {
    const x = universe.attributes[v];
    const a = welch(v, x, early.subarray(0, ne), late.subarray(0, nl));
    if (a) earlyLate.push(a);
    const c = welch(v, x, respRows, non);
    if (c) respondents.push(c);
  }

  const lat = new Float64Array(n);
  const sampleReliability = CONSTRUCTS.map((c, ci) => {
    for (let j = 0; j < n; j++) lat[j] = universe.latent[ci][rows[j]];
    const r = correlation(composites[ci], lat, n);
    const idx = plan.instrument.composite[ci];
    return {
      construct: c,
      alpha:
        items && idx.length > 1
          ? cronbachAlpha(compositeItemColumns(plan.instrument, items, ci), n)
          : null,
      r2True: r * r,
    };
  });

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
 * sampleWithoutReplacement(stream, n, k) with the stream's first uniforms already drawn
 * (ahead.out[0, ahead.count), the stream past them): the same Fisher-Yates shuffle.
 */
function sampleAhead(ahead: NormalsJob, n: number, k: number): Int32Array {
  const idx = new Int32Array(n);
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
 * sort with the comparator (x, y) => key[y] - key[x] gives): a bottom-up merge sort on typed
 * arrays, no comparator calls.
 */
function sortDescending(key: Float64Array, R: number): Int32Array {
  let a = new Int32Array(R);
  let b = new Int32Array(R);
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
  return a;
}

/**
 * Response-bias variable of the mailed firms, standardized over the mailing (so the expected
 * response rate stays `responseRate` whatever the frame selects): PERF or log employees.
 * Zeros when there is no bias.
 */
function biasVariable(u: SurveyUniverse, mailed: Int32Array, on: string): Float64Array {
  const M = mailed.length;
  const b = new Float64Array(M);
  if (on === "none") return b;
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
