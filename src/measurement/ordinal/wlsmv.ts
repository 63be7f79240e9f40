import { chiSquareUpper } from "../../math/distributions.ts";
import { inverseSPD } from "../../math/linalg.ts";
import { type Implied, implied, rank2 } from "../implied.ts";
import { buildModel, type MeasurementModel, type ModelSpec } from "../model.ts";
import { startValues } from "../start.ts";
import { type OrdinalAcov, ordinalAcov } from "./asymptoticCovariance.ts";
import { corIndex, type OrdinalSampleStats } from "./sampleStatistics.ts";

/**
 * WLSMV for a CFA / latent SEM of ordinal items, as lavaan's cfa(..., ordered = TRUE,
 * estimator = "WLSMV") with its defaults (parameterization = "delta", no covariates):
 *
 * - the latent responses y* are standard normal: the model is Sigma* = Lambda Phi Lambda' +
 *   Theta with the residual variances not free but 1 - diag(Lambda Phi Lambda') (scale factors
 *   Delta = 1), and each threshold a free parameter matched to its sample threshold;
 * - DWLS: minimise F = 1/2 (n-1)/n (s - sigma)' W (s - sigma) (lavaan's fx), s = (thresholds, polychorics), W =
 *   diag(1 / diag(Gamma)) (Gauss-Newton with step halving, from FABIN-like starts on the
 *   polychoric matrix); the thresholds are saturated, so their estimates are the sample ones;
 * - robust SEs: vcov = E^-1 Delta' W Gamma W Delta E^-1 / (n - 1), E = Delta' W Delta
 *   (lavaan divides by n - 1 for every estimator but ML);
 * - test: T = 2 n F = (n - 1) (s - sigma)' W (s - sigma); scaled.shifted (Asparouhov & Muthén 2010): U = W - W Delta E^-1 Delta' W,
 *   a = sqrt(df / tr((U Gamma)^2)), shift = df - a tr(U Gamma), T_ss = a T + shift on df.
 */
export interface WlsmvParam {
  lhs: string;
  op: "=~" | "~" | "~~" | "|";
  rhs: string;
  est: number;
  se: number;
  free: boolean;
  /** Completely standardized (lavaan's std.all; y* has unit variance in this parameterization). */
  stdAll: number;
}

export interface WlsmvEstimate {
  /** The model with the residual variances of the items removed (delta parameterization). */
  model: MeasurementModel;
  stats: OrdinalSampleStats;
  acov: OrdinalAcov;
  /** Structural free parameters, model order. */
  theta: Float64Array;
  se: Float64Array;
  /** Robust covariance matrix of the structural estimates (q x q, model order). */
  vcov: Float64Array;
  thresholdSe: Float64Array;
  /** Residual variances 1 - diag(Lambda Phi Lambda') (not free: delta parameterization). */
  residualVariances: Float64Array;
  implied: Implied;
  /** lavaan's fmin, F above. */
  fmin: number;
  n: number;
  iterations: number;
  /** Number of free parameters, thresholds included (lavaan's npar). */
  npar: number;
  test: {
    chisq: number;
    df: number;
    pvalue: number;
    chisqScaled: number;
    pvalueScaled: number;
    scalingFactor: number;
    shift: number;
    traceUGamma: number;
    traceUGamma2: number;
  };
  /** One row per parameter in lavaan's parameterEstimates() terms. */
  params: WlsmvParam[];
}

export type WlsmvOutcome =
  | { ok: true; estimate: WlsmvEstimate }
  | { ok: false; reason: string; message: string };

/** The delta-parameterization model: buildModel's, without the items' residual variances. */
export function deltaModel(
  spec: ModelSpec,
): { ok: true; model: MeasurementModel; drop: number[] } | { ok: false; message: string } {
  const b = buildModel(spec);
  if (!b.ok) return b;
  const m = b.model;
  const drop: number[] = [];
  const params = m.params.filter((par, k) => {
    const residual = par.matrix === "theta" && par.row === par.col;
    if (residual && k < m.nFree) drop.push(k);
    return !residual;
  });
  return { ok: true, model: { ...m, params, nFree: m.nFree - drop.length }, drop };
}

function deltaRows(model: MeasurementModel, im: Implied): Float64Array {
  const p = model.observed.length;
  const q = model.nFree;
  const pstar = (p * (p - 1)) / 2;
  const D = new Float64Array(pstar * q);
  const x = new Float64Array(p);
  const y = new Float64Array(p);
  for (let k = 0; k < q; k++) {
    const r = rank2(model.params[k], im);
    x.fill(0);
    y.fill(0);
    r.xi.forEach((i, a) => {
      x[i] = r.xv[a];
    });
    r.yi.forEach((i, a) => {
      y[i] = r.yv[a];
    });
    for (let j = 0; j < p; j++)
      for (let i = j + 1; i < p; i++) D[corIndex(i, j, p) * q + k] = x[i] * y[j] + y[i] * x[j];
  }
  return D;
}

export interface WlsmvOptions {
  maxIterations?: number;
  tolerance?: number;
  /** Gamma / W if already computed for these statistics. */
  acov?: OrdinalAcov;
}

export function fitWlsmv(
  spec: ModelSpec,
  stats: OrdinalSampleStats,
  options: WlsmvOptions = {},
): WlsmvOutcome {
  const built = deltaModel(spec);
  if (!built.ok) return { ok: false, reason: "invalid-model", message: built.message };
  const model = built.model;
  const p = model.observed.length;
  const idx = model.observed.map((x) => stats.names.indexOf(x));
  const missing = idx.findIndex((i) => i < 0);
  if (missing >= 0)
    return {
      ok: false,
      reason: "missing-item",
      message: `item ${model.observed[missing]} is not in the data`,
    };
  if (idx.length !== stats.names.length || idx.some((v, i) => v !== i))
    return {
      ok: false,
      reason: "item-order",
      message: "the ordinal statistics must hold exactly the model's items, in the model's order",
    };
  const acov = options.acov ?? ordinalAcov(stats);
  if (!acov)
    return {
      ok: false,
      reason: "acov-singular",
      message: "the asymptotic covariance of the thresholds and polychorics could not be computed",
    };
  const n = stats.n;
  const nth = stats.thresholds.length;
  const pstar = (p * (p - 1)) / 2;
  const q = model.nFree;
  const r = new Float64Array(pstar);
  for (let j = 0; j < p; j++)
    for (let i = j + 1; i < p; i++) r[corIndex(i, j, p)] = stats.cor[i * p + j];
  const w = acov.wlsV.subarray(nth);
  // starts on the polychoric matrix (the full model's, residual variances left out)
  const full = buildModel(spec);
  if (!full.ok) return { ok: false, reason: "invalid-model", message: full.message };
  const st = startValues(full.model, stats.cor);
  const dropped = new Set(built.drop);
  let theta = Float64Array.from(Array.from(st).filter((_, k) => !dropped.has(k)));
  const objective = (th: Float64Array): { f: number; im: Implied } | null => {
    const im = implied(model, th);
    if (!im) return null;
    let f = 0;
    for (let j = 0; j < p; j++)
      for (let i = j + 1; i < p; i++) {
        const k = corIndex(i, j, p);
        const e = r[k] - im.Sigma[i * p + j];
        f += w[k] * e * e;
      }
    return { f: (0.5 * (n - 1) * f) / n, im };
  };
  let cur = objective(theta);
  if (!cur) return { ok: false, reason: "start", message: "the start is not a valid model" };
  const maxIt = options.maxIterations ?? 500;
  const tol = options.tolerance ?? 1e-11;
  let it = 0;
  let converged = false;
  for (; it < maxIt; it++) {
    const D = deltaRows(model, cur.im);
    const H = new Float64Array(q * q);
    const g = new Float64Array(q);
    for (let k = 0; k < pstar; k++) {
      const [i, j] = pairOf(k, p);
      const e = r[k] - cur.im.Sigma[i * p + j];
      const o = k * q;
      for (let a = 0; a < q; a++) {
        const da = D[o + a] * w[k];
        if (da === 0) continue;
        g[a] += da * e;
        for (let b = 0; b < q; b++) H[a * q + b] += da * D[o + b];
      }
    }
    const Hi = inverseSPD(H, q);
    if (!Hi)
      return {
        ok: false,
        reason: "information-singular",
        message: "Delta' W Delta is singular: the model is not identified",
      };
    const step = new Float64Array(q);
    let big = 0;
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += Hi[a * q + b] * g[b];
      step[a] = s;
      big = Math.max(big, Math.abs(s));
    }
    if (big < tol) {
      converged = true;
      break;
    }
    let h = 1;
    let next: { f: number; im: Implied } | null = null;
    let nt = theta;
    for (let half = 0; half < 30; half++) {
      nt = theta.map((v, a) => v + h * step[a]);
      next = objective(nt);
      if (next && next.f <= cur.f * (1 + 1e-14)) break;
      h /= 2;
      next = null;
    }
    if (!next) {
      converged = big < 1e-8;
      break;
    }
    theta = nt;
    cur = next;
  }
  if (!converged)
    return {
      ok: false,
      reason: "not-converged",
      message: `DWLS did not converge in ${maxIt} iterations`,
    };
  const im = cur.im;
  // full Delta (thresholds first): d x Q, Q = q + nth, parameters (structural, thresholds)
  const d = acov.dim;
  const Q = q + nth;
  const Ds = deltaRows(model, im);
  const Wd = acov.wlsV;
  const G = acov.gamma;
  // E = Delta' W Delta: block diagonal (structural | thresholds)
  const Es = new Float64Array(q * q);
  for (let k = 0; k < pstar; k++) {
    const wk = Wd[nth + k];
    for (let a = 0; a < q; a++) {
      const da = Ds[k * q + a] * wk;
      if (da === 0) continue;
      for (let b = 0; b < q; b++) Es[a * q + b] += da * Ds[k * q + b];
    }
  }
  const Esi = inverseSPD(Es, q);
  if (!Esi)
    return { ok: false, reason: "information-singular", message: "Delta' W Delta is singular" };
  // Einv Delta' W as a Q x d matrix P (rows: parameters)
  const P = new Float64Array(Q * d);
  for (let a = 0; a < q; a++)
    for (let k = 0; k < pstar; k++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += Esi[a * q + b] * Ds[k * q + b];
      P[a * d + nth + k] = s * Wd[nth + k];
    }
  for (let t = 0; t < nth; t++) P[(q + t) * d + t] = 1; // E^-1 W for the identity block
  // vcov = P Gamma P' / n
  const PG = new Float64Array(Q * d);
  for (let a = 0; a < Q; a++)
    for (let c = 0; c < d; c++) {
      const pc = P[a * d + c];
      if (pc === 0) continue;
      const o = c * d;
      for (let e = 0; e < d; e++) PG[a * d + e] += pc * G[o + e];
    }
  const se = new Float64Array(q);
  const thresholdSe = new Float64Array(nth);
  for (let a = 0; a < Q; a++) {
    let v = 0;
    for (let e = 0; e < d; e++) v += PG[a * d + e] * P[a * d + e];
    const s = Math.sqrt(Math.max(v, 0) / (n - 1));
    if (a < q) se[a] = s;
    else thresholdSe[a - q] = s;
  }
  const vcov = new Float64Array(q * q);
  for (let a = 0; a < q; a++)
    for (let b = 0; b <= a; b++) {
      let v = 0;
      for (let e = 0; e < d; e++) v += PG[a * d + e] * P[b * d + e];
      vcov[a * q + b] = v / (n - 1);
      vcov[b * q + a] = v / (n - 1);
    }
  // UG = W Gamma - W Delta P Gamma = W (Gamma - Delta PG)
  const UG = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const wc = Wd[c];
    for (let e = 0; e < d; e++) {
      let s = G[c * d + e];
      if (c < nth) s -= PG[(q + c) * d + e];
      else {
        const o = (c - nth) * q;
        for (let a = 0; a < q; a++) {
          const da = Ds[o + a];
          if (da !== 0) s -= da * PG[a * d + e];
        }
      }
      UG[c * d + e] = wc * s;
    }
  }
  let trUG = 0;
  let trUG2 = 0;
  for (let c = 0; c < d; c++) {
    trUG += UG[c * d + c];
    for (let e = 0; e < d; e++) trUG2 += UG[c * d + e] * UG[e * d + c];
  }
  const df = d - Q;
  const chisq = 2 * n * cur.f;
  const aa = Math.sqrt(df / trUG2);
  const shift = df - aa * trUG;
  const chisqScaled = aa * chisq + shift;
  const residualVariances = new Float64Array(p);
  for (let i = 0; i < p; i++) residualVariances[i] = 1 - im.Sigma[i * p + i];
  const m = model.latent.length;
  const sdLv = Array.from({ length: m }, (_, j) => Math.sqrt(im.Phi[j * m + j]));
  const params: WlsmvParam[] = [];
  model.params.forEach((par, k) => {
    const free = k < q;
    const est = free ? theta[k] : par.value;
    const { row, col } = par;
    let stdAll: number;
    if (par.matrix === "lambda") stdAll = est * sdLv[col];
    else if (par.matrix === "beta") stdAll = (est * sdLv[col]) / sdLv[row];
    else if (par.matrix === "psi")
      stdAll =
        row === col
          ? est / (sdLv[row] * sdLv[col])
          : est / Math.sqrt(im.Psi[row * m + row] * im.Psi[col * m + col]);
    else stdAll = est / Math.sqrt(residualVariances[row] * residualVariances[col]);
    params.push({
      lhs: par.lhs,
      op: par.op,
      rhs: par.rhs,
      est,
      se: free ? se[k] : 0,
      free,
      stdAll,
    });
  });
  stats.thresholdNames.forEach((nm, t) => {
    const [lhs, rhs] = nm.split("|");
    const est = stats.thresholds[t];
    params.push({ lhs, op: "|", rhs, est, se: thresholdSe[t], free: true, stdAll: est });
  });
  model.observed.forEach((x, i) => {
    const est = residualVariances[i];
    params.push({ lhs: x, op: "~~", rhs: x, est, se: 0, free: false, stdAll: est });
  });
  return {
    ok: true,
    estimate: {
      model,
      stats,
      acov,
      theta,
      se,
      vcov,
      thresholdSe,
      residualVariances,
      implied: im,
      fmin: cur.f,
      n,
      iterations: it,
      npar: Q,
      test: {
        chisq,
        df,
        pvalue: chiSquareUpper(chisq, df),
        chisqScaled,
        pvalueScaled: chiSquareUpper(chisqScaled, df),
        scalingFactor: 1 / aa,
        shift,
        traceUGamma: trUG,
        traceUGamma2: trUG2,
      },
      params,
    },
  };
}

/** (i, j), i > j, of correlation k in vech-below-diagonal order. */
function pairOf(k: number, p: number): [number, number] {
  let j = 0;
  let rem = k;
  while (rem >= p - 1 - j) {
    rem -= p - 1 - j;
    j++;
  }
  return [j + 1 + rem, j];
}
