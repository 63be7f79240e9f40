import { inverseSPD, type Mat } from "../../math/linalg.ts";
import { sandwich } from "../robust.ts";
import { block, type MissingPattern } from "./patterns.ts";

/**
 * MLR with FIML, as lavaan 0.6-14's sem(..., missing = "ml", estimator = "MLR") (se =
 * "robust.huber.white", test = "yuan.bentler.mplus", information = "observed"):
 *
 * - casewise scores of the incomplete-data log-likelihood: for a row observing o, with
 *   d = x_o - mu_o and W = Sigma_oo^-1, dl/dmu_o = W d and dl/dSigma_oo = 0.5 (W d d' W - W);
 * - the sandwich H^-1 (sum_i s_i s_i') H^-1, H the observed information (minus the Hessian);
 * - the Yuan-Bentler (Mplus) trace tr(B1 A1^-1) - tr(B0 E^-1), where A1 and B1 are the observed
 *   and first-order information of the unrestricted model (means and covariances) at its EM
 *   estimates (lavaan's h1.information = "unstructured" for this test), without the elements of
 *   the fixed exogenous block (its means and covariances), and B0, E those of the model.
 */

/** Calls `visit` for each row with its observed variables, W d and W d d' W - W (k x k). */
function casewise(
  cols: readonly ArrayLike<number>[],
  rows: readonly number[],
  p: number,
  mu: ArrayLike<number>,
  Sigma: Mat,
  visit: (obs: readonly number[], Wd: Float64Array, G: Float64Array) => void,
): boolean {
  const inverses = new Map<string, { obs: number[]; W: Float64Array }>();
  for (const r of rows) {
    let key = "";
    for (let j = 0; j < p; j++) key += Number.isNaN(cols[j][r]) ? "0" : "1";
    let e = inverses.get(key);
    if (!e) {
      const obs: number[] = [];
      for (let j = 0; j < p; j++) if (key[j] === "1") obs.push(j);
      const W = inverseSPD(block(Sigma, p, obs), obs.length);
      if (!W) return false;
      e = { obs, W };
      inverses.set(key, e);
    }
    const { obs, W } = e;
    const k = obs.length;
    if (k === 0) continue;
    const d = new Float64Array(k);
    for (let a = 0; a < k; a++) d[a] = cols[obs[a]][r] - mu[obs[a]];
    const Wd = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += W[a * k + b] * d[b];
      Wd[a] = t;
    }
    const G = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) G[a * k + b] = Wd[a] * Wd[b] - W[a * k + b];
    visit(obs, Wd, G);
  }
  return true;
}

/**
 * Casewise scores (rows x q, row-major) of parameters with derivatives dS[k] (p x p, of Sigma)
 * and dM[k] (p, of mu): s_k = 0.5 tr(G dSigma_k,oo) + (W d)' dmu_k,o.
 */
export function casewiseScores(
  cols: readonly ArrayLike<number>[],
  rows: readonly number[],
  p: number,
  mu: ArrayLike<number>,
  Sigma: Mat,
  dS: readonly Mat[],
  dM: readonly ArrayLike<number>[],
): Float64Array | null {
  const q = dS.length;
  const out = new Float64Array(rows.length * q);
  let c = 0;
  const ok = casewise(cols, rows, p, mu, Sigma, (obs, Wd, G) => {
    const k = obs.length;
    for (let x = 0; x < q; x++) {
      const D = dS[x];
      const m = dM[x];
      let t = 0;
      for (let a = 0; a < k; a++) {
        const oa = obs[a] * p;
        for (let b = 0; b < k; b++) t += 0.5 * G[a * k + b] * D[oa + obs[b]];
        t += Wd[a] * m[obs[a]];
      }
      out[c * q + x] = t;
    }
    c++;
  });
  return ok ? out.subarray(0, c * q) : null;
}

/** The unrestricted model's elements: means, then (a, b) with a <= b; without the exogenous block. */
function saturatedElements(p: number, exo: ReadonlySet<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < p; a++) if (!exo.has(a)) out.push([a, -1]);
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) if (!(exo.has(a) && exo.has(b))) out.push([a, b]);
  return out;
}

/** Gradient of the incomplete-data log-likelihood over the unrestricted model's elements. */
function saturatedGradient(
  patterns: readonly MissingPattern[],
  p: number,
  mu: ArrayLike<number>,
  Sigma: Mat,
  elements: readonly [number, number][],
): Float64Array | null {
  const G = new Float64Array(p * p);
  const gmu = new Float64Array(p);
  for (const g of patterns) {
    const o = g.obs;
    const k = o.length;
    const W = inverseSPD(block(Sigma, p, o), k);
    if (!W) return null;
    const Wd = new Float64Array(k);
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += W[a * k + b] * (g.mean[b] - mu[o[b]]);
      Wd[a] = t;
    }
    // n_g (W (S_g + d d') W - W)
    for (let a = 0; a < k; a++) {
      gmu[o[a]] += g.n * Wd[a];
      for (let b = 0; b < k; b++) {
        let t = 0;
        for (let c = 0; c < k; c++) {
          let u = 0;
          for (let e = 0; e < k; e++) u += g.S[c * k + e] * W[e * k + b];
          t += W[a * k + c] * u;
        }
        G[o[a] * p + o[b]] += g.n * (t + Wd[a] * Wd[b] - W[a * k + b]);
      }
    }
  }
  return Float64Array.from(elements, ([a, b]) =>
    b < 0 ? gmu[a] : a === b ? 0.5 * G[a * p + a] : G[a * p + b],
  );
}

/**
 * tr(B1 A1^-1) of the unrestricted model at its EM estimates (mu, Sigma): A1 minus the Hessian
 * (central differences of the analytic gradient, as lavaan differentiates numerically too),
 * B1 the sum of the casewise score products; the exogenous block left out.
 */
export function saturatedTrace(
  cols: readonly ArrayLike<number>[],
  rows: readonly number[],
  patterns: readonly MissingPattern[],
  p: number,
  mu: Float64Array,
  Sigma: Mat,
  exogenous: readonly number[],
  h = 1e-5,
): number | null {
  const el = saturatedElements(p, new Set(exogenous));
  const m = el.length;
  const A1 = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    const [a, b] = el[c];
    const at = (delta: number) => {
      const mu1 = Float64Array.from(mu);
      const S1 = Float64Array.from(Sigma);
      if (b < 0) mu1[a] += delta;
      else {
        S1[a * p + b] += delta;
        if (a !== b) S1[b * p + a] += delta;
      }
      return saturatedGradient(patterns, p, mu1, S1, el);
    };
    const x = b < 0 ? mu[a] : Sigma[a * p + b];
    const step = h * Math.max(1, Math.abs(x));
    const lo = at(-step);
    const hi = at(step);
    if (!lo || !hi) return null;
    for (let r = 0; r < m; r++) A1[r * m + c] = -(hi[r] - lo[r]) / (2 * step);
  }
  for (let r = 0; r < m; r++)
    for (let c = 0; c < r; c++) {
      const v = 0.5 * (A1[r * m + c] + A1[c * m + r]);
      A1[r * m + c] = v;
      A1[c * m + r] = v;
    }
  // casewise scores of the unrestricted model: mu_a, sigma_aa (0.5 G_aa), sigma_ab (G_ab)
  const idx = new Map<number, number>();
  el.forEach(([a, b], e) => {
    idx.set(b < 0 ? a : p + a * p + b, e);
  });
  const scores = new Float64Array(rows.length * m);
  let i = 0;
  const ok = casewise(cols, rows, p, mu, Sigma, (obs, Wd, G) => {
    const k = obs.length;
    const o = i * m;
    for (let x = 0; x < k; x++) {
      const e = idx.get(obs[x]);
      if (e !== undefined) scores[o + e] = Wd[x];
      for (let y = x; y < k; y++) {
        const f = idx.get(p + obs[x] * p + obs[y]);
        if (f !== undefined) scores[o + f] = x === y ? 0.5 * G[x * k + x] : G[x * k + y];
      }
    }
    i++;
  });
  if (!ok) return null;
  const s = sandwich(A1, scores.subarray(0, i * m), m);
  return s ? s.trace : null;
}
