import { chiSquareUpper, noncentralChiSquareCdf } from "../math/distributions.ts";
import { inverse, inverseSPD, type Mat, mul, zeros } from "../math/linalg.ts";
import type { FitIndices } from "./fit.ts";
import { derivative, impliedCovariance, type MLResult } from "./ml.ts";
import type { Param, ParamTable } from "./parameters.ts";

/**
 * Robust ML inference for raw data, as lavaan's sem(..., estimator = "MLR") with complete data
 * (checked with lavaan 0.6-14, whose MLR defaults are se = "robust.huber.white",
 * test = "yuan.bentler.mplus", information = "observed" with observed.information = "hessian",
 * h1.information = "structured", meanstructure = FALSE, fixed.x = TRUE):
 *
 * - H, the observed information per observation: half the Hessian of
 *   F_ML = log|Sigma| + tr(S Sigma^-1), analytic (second derivatives of Sigma = A Psi A' included);
 * - J, the first-order information: the mean over cases of s_i s_i', with the casewise score
 *   s_ik = 0.5 (z_i' dSigma_k z_i - tr(W dSigma_k)), z_i = W (x_i - mean), W = Sigma^-1;
 * - the sandwich vcov = H^-1 J H^-1 / n;
 * - the Yuan-Bentler (Mplus variant) scaling factor c = (tr(B1 A1^-1) - tr(J H^-1)) / df, where
 *   A1 and B1 are the observed and first-order information of the unrestricted (h1) covariance
 *   elements evaluated at the model-implied Sigma (A1 = 0.5 D'(W (x) W(2S - Sigma)W) D), both
 *   without the elements of the fixed exogenous block, and the traces over free parameters only.
 *
 * With fixed.x the exogenous (co)variances are not parameters in lavaan. Here they are, but the
 * likelihood factorises into f(x) f(y | x), so H is block-diagonal between them and the rest and
 * the sandwich's block for the other parameters is the same either way; the traces use the other
 * parameters only.
 */

export interface RobustInput {
  table: ParamTable;
  theta: Float64Array;
  Sigma: Mat;
  /** Covariance matrix with divisor n. */
  S: Mat;
  n: number;
}

export interface RobustParts {
  /** Sandwich covariance matrix of all estimates (q x q). */
  vcov: Float64Array;
  /** tr(J H^-1) over the free parameters (the model's part of tr(U Gamma)). */
  traceH0: number;
}

/** Data columns (cols[j][i] = case i of variable j, in table.variables order) centred at their means. */
export function centredRows(cols: readonly ArrayLike<number>[], n: number): Float64Array {
  const p = cols.length;
  const out = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const c = cols[j];
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    const m = s / n;
    for (let i = 0; i < n; i++) out[i * p + j] = c[i] - m;
  }
  return out;
}

function trProd(a: Mat, b: Mat, p: number): number {
  // tr(a b)
  let s = 0;
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) s += a[r * p + c] * b[c * p + r];
  return s;
}

/**
 * tr(B1 A1^-1), the unrestricted (h1) part of tr(U Gamma) in lavaan's Yuan-Bentler-Mplus test:
 * with h1 evaluated at S (W = S^-1), A1 = 0.5 D'(W (x) W) D and B1 = A1 Gamma A1, both without the
 * covariance elements of the exogenous block, the trace is tr(A1 Gamma). Gamma is the
 * asymptotic covariance of the sample covariances with fixed x (lavaan's
 * lav_samplestats_Gamma(fixed.x = TRUE)): the covariance over cases of
 * vech(d_i d_i') - vech(h_i h_i'), where d_i are the centred data and h_i equals d_i with every
 * non-exogenous variable replaced by its fitted value from the OLS regression on the exogenous ones.
 */
export function traceH1(table: ParamTable, S: Mat, rows: Float64Array, n: number): number | null {
  return traceH1Of(table.p, table.exogenous, S, rows, n);
}

/** traceH1 for p variables of which `exoList` are the fixed exogenous ones (none for a CFA). */
export function traceH1Of(
  p: number,
  exoList: readonly number[],
  S: Mat,
  rows: Float64Array,
  n: number,
): number | null {
  const W = inverseSPD(S, p);
  if (!W) return null;
  const exo = new Set(exoList);
  const px = exoList.length;
  // OLS slopes of every variable on the exogenous ones (centred data, so no intercept)
  const sxx = new Float64Array(px * px);
  for (let a = 0; a < px; a++)
    for (let b = 0; b < px; b++) sxx[a * px + b] = S[exoList[a] * p + exoList[b]];
  const sxxInv = px > 0 ? (inverseSPD(sxx, px) ?? inverse(sxx, px)) : new Float64Array(0);
  if (!sxxInv) return null;
  const beta = new Float64Array(px * p); // beta[a][v]: slope of variable v on exogenous a
  for (let v = 0; v < p; v++) {
    if (exo.has(v)) continue;
    for (let a = 0; a < px; a++) {
      let t = 0;
      for (let b = 0; b < px; b++) t += sxxInv[a * px + b] * S[exoList[b] * p + v];
      beta[a * p + v] = t;
    }
  }
  const vech: [number, number][] = [];
  for (let a = 0; a < p; a++)
    for (let b = a; b < p; b++) if (!(exo.has(a) && exo.has(b))) vech.push([a, b]);
  const m = vech.length;
  const Z = new Float64Array(n * m);
  const mean = new Float64Array(m);
  const h = new Float64Array(p);
  for (let c = 0; c < n; c++) {
    const o = c * p;
    for (let v = 0; v < p; v++) {
      if (exo.has(v)) h[v] = rows[o + v];
      else {
        let t = 0;
        for (let a = 0; a < px; a++) t += beta[a * p + v] * rows[o + exoList[a]];
        h[v] = t;
      }
    }
    for (let u = 0; u < m; u++) {
      const [a, b] = vech[u];
      const x = rows[o + a] * rows[o + b] - h[a] * h[b];
      Z[c * m + u] = x;
      mean[u] += x;
    }
  }
  for (let u = 0; u < m; u++) mean[u] /= n;
  const Gamma = new Float64Array(m * m);
  for (let c = 0; c < n; c++) {
    const o = c * m;
    for (let u = 0; u < m; u++) {
      const zu = Z[o + u] - mean[u];
      for (let v = 0; v <= u; v++) Gamma[u * m + v] += zu * (Z[o + v] - mean[v]);
    }
  }
  let tr = 0;
  for (let u = 0; u < m; u++) {
    const [a, b] = vech[u];
    const us: [number, number][] =
      a === b
        ? [[a, a]]
        : [
            [a, b],
            [b, a],
          ];
    for (let v = 0; v < m; v++) {
      const [c, d] = vech[v];
      const vs: [number, number][] =
        c === d
          ? [[c, c]]
          : [
              [c, d],
              [d, c],
            ];
      // A1[u][v] = 0.5 sum tr(E_xy W E_zw W) = 0.5 sum W[y][z] W[w][x]
      let t = 0;
      for (const [x, y] of us) for (const [zz, w] of vs) t += W[y * p + zz] * W[w * p + x];
      const g = u >= v ? Gamma[u * m + v] : Gamma[v * m + u];
      tr += (0.5 * t * g) / n;
    }
  }
  return tr;
}

function isExoBlock(par: Param, exo: ReadonlySet<number>): boolean {
  return par.kind !== "path" && exo.has(par.i) && exo.has(par.j);
}

/** 0.5 tr(R Sigma_kl) * 2 for a path k and any parameter l (see the header for the algebra). */
function secondDerivativeTerm(
  k: Param,
  l: Param,
  A: Mat,
  Sigma: Mat,
  G: Mat,
  K: Mat,
  p: number,
): number {
  const { i, j } = k;
  const { i: a, j: b } = l;
  if (l.kind === "path") {
    return (
      2 *
      (A[b * p + i] * G[j * p + a] + A[j * p + a] * G[b * p + i] + Sigma[j * p + b] * K[a * p + i])
    );
  }
  if (l.kind === "variance") return 2 * A[j * p + a] * K[a * p + i];
  return 2 * (A[j * p + a] * K[b * p + i] + A[j * p + b] * K[a * p + i]);
}

/** The sandwich covariance matrix and tr(J H^-1) of one fitted model on its raw data. */
export function robustParts(fit: RobustInput, rows: Float64Array): RobustParts | null {
  const { table, theta, Sigma, S, n } = fit;
  const p = table.p;
  const q = table.params.length;
  const W = inverseSPD(Sigma, p);
  if (!W) return null;
  const { A } = impliedCovariance(table, theta);
  // every place of each free parameter (a shared label has several; fixed values none): the
  // derivatives in the free-parameter space are sums over places (lavaan's reduced space)
  const places: Param[][] = table.params.map((x) =>
    x.also ? [x, ...x.also.map((o) => ({ ...o, label: x.label }))] : [x],
  );
  const dS: Mat[] = places.map((pl) => {
    const d = derivative(pl[0].kind, pl[0].i, pl[0].j, A, Sigma, p);
    for (let e = 1; e < pl.length; e++) {
      const o = derivative(pl[e].kind, pl[e].i, pl[e].j, A, Sigma, p);
      for (let a = 0; a < p * p; a++) d[a] += o[a];
    }
    return d;
  });
  const WS = mul(W, S, p);
  const WSW = mul(WS, W, p);
  const M = dS.map((d) => mul(W, d, p));
  const P = dS.map((d) => mul(WSW, d, p));
  // R = W - W S W; G = Sigma R A; K = A' R A
  const R = zeros(p);
  for (let e = 0; e < p * p; e++) R[e] = W[e] - WSW[e];
  const G = mul(mul(Sigma, R, p), A, p);
  const RA = mul(R, A, p);
  const K = zeros(p);
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let t = 0; t < p; t++) s += A[t * p + r] * RA[t * p + c];
      K[r * p + c] = s;
    }
  }
  const H = new Float64Array(q * q);
  for (let k = 0; k < q; k++) {
    for (let l = 0; l <= k; l++) {
      let second = 0;
      for (const pk of places[k]) {
        for (const pl of places[l]) {
          if (pk.kind === "path") second += secondDerivativeTerm(pk, pl, A, Sigma, G, K, p);
          else if (pl.kind === "path") second += secondDerivativeTerm(pl, pk, A, Sigma, G, K, p);
        }
      }
      const v = 0.5 * (-trProd(M[l], M[k], p) + 2 * trProd(M[l], P[k], p) + second);
      H[k * q + l] = v;
      H[l * q + k] = v;
    }
  }
  // casewise scores s_ik and J = mean of s_i s_i'
  const trWdS = M.map((x) => {
    let t = 0;
    for (let r = 0; r < p; r++) t += x[r * p + r];
    return t;
  });
  const J = new Float64Array(q * q);
  const z = new Float64Array(p);
  const s = new Float64Array(q);
  for (let c = 0; c < n; c++) {
    const o = c * p;
    for (let a = 0; a < p; a++) {
      let t = 0;
      for (let b = 0; b < p; b++) t += W[a * p + b] * rows[o + b];
      z[a] = t;
    }
    for (let k = 0; k < q; k++) {
      const d = dS[k];
      let t = 0;
      for (let a = 0; a < p; a++) {
        let u = 0;
        for (let b = 0; b < p; b++) u += d[a * p + b] * z[b];
        t += z[a] * u;
      }
      s[k] = 0.5 * (t - trWdS[k]);
    }
    for (let k = 0; k < q; k++) for (let l = 0; l <= k; l++) J[k * q + l] += s[k] * s[l];
  }
  for (let k = 0; k < q; k++) {
    for (let l = 0; l <= k; l++) {
      const v = J[k * q + l] / n;
      J[k * q + l] = v;
      J[l * q + k] = v;
    }
  }
  const Hinv = inverseSPD(H, q) ?? inverse(H, q);
  if (!Hinv) return null;
  const HJ = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let t = 0;
      for (let c = 0; c < q; c++) t += Hinv[a * q + c] * J[c * q + b];
      HJ[a * q + b] = t;
    }
  }
  const vcov = new Float64Array(q * q);
  for (let a = 0; a < q; a++) {
    for (let b = 0; b < q; b++) {
      let t = 0;
      for (let c = 0; c < q; c++) t += HJ[a * q + c] * Hinv[c * q + b];
      vcov[a * q + b] = t / n;
    }
  }
  // tr(J H^-1) over the free (non exogenous-block) parameters
  const exo = new Set(table.exogenous);
  const free: number[] = [];
  table.params.forEach((x, k) => {
    if (!isExoBlock(x, exo)) free.push(k);
  });
  const f = free.length;
  const Hf = new Float64Array(f * f);
  for (let a = 0; a < f; a++) for (let b = 0; b < f; b++) Hf[a * f + b] = H[free[a] * q + free[b]];
  const Hfinv = inverseSPD(Hf, f) ?? inverse(Hf, f);
  if (!Hfinv) return null;
  let trH0 = 0;
  for (let a = 0; a < f; a++)
    for (let b = 0; b < f; b++) trH0 += J[free[a] * q + free[b]] * Hfinv[b * f + a];
  return { vcov, traceH0: trH0 };
}

/**
 * The sandwich H^-1 (S'S) H^-1 and tr((S'S) H^-1) from casewise scores S (rows x q, row-major)
 * and H, the observed information of the whole sample (q x q): with H = n H1 and S'S = n J1 per
 * observation, H1^-1 J1 H1^-1 / n and tr(J1 H1^-1).
 */
export function sandwich(
  H: Float64Array,
  scores: Float64Array,
  q: number,
): { vcov: Float64Array; trace: number } | null {
  const Hinv = inverseSPD(H, q) ?? inverse(H, q);
  if (!Hinv) return null;
  const N = scores.length / q;
  const B = new Float64Array(q * q);
  for (let i = 0; i < N; i++)
    for (let a = 0; a < q; a++) {
      const sa = scores[i * q + a];
      for (let b = 0; b < q; b++) B[a * q + b] += sa * scores[i * q + b];
    }
  const HB = new Float64Array(q * q);
  for (let a = 0; a < q; a++)
    for (let b = 0; b < q; b++) {
      let t = 0;
      for (let c = 0; c < q; c++) t += Hinv[a * q + c] * B[c * q + b];
      HB[a * q + b] = t;
    }
  const vcov = new Float64Array(q * q);
  let trace = 0;
  for (let a = 0; a < q; a++) {
    trace += HB[a * q + a];
    for (let b = 0; b < q; b++) {
      let t = 0;
      for (let c = 0; c < q; c++) t += HB[a * q + c] * Hinv[c * q + b];
      vcov[a * q + b] = t;
    }
  }
  return { vcov, trace };
}

/**
 * lavaan's baseline (independence) model with fixed.x: the exogenous block as observed, every
 * other variable with its own variance and uncorrelated; its ML estimate is closed-form.
 */
export function baselineFit(table: ParamTable, S: Mat, n: number): RobustInput {
  const p = table.p;
  const exo = table.exogenous;
  const params: Param[] = [];
  const theta: number[] = [];
  const Sigma = zeros(p);
  for (let i = 0; i < p; i++) {
    params.push({
      kind: "variance",
      i,
      j: i,
      label: `${table.variables[i]}~~${table.variables[i]}`,
    });
    theta.push(S[i * p + i]);
    Sigma[i * p + i] = S[i * p + i];
  }
  for (let a = 0; a < exo.length; a++) {
    for (let b = a + 1; b < exo.length; b++) {
      const [i, j] = exo[a] > exo[b] ? [exo[a], exo[b]] : [exo[b], exo[a]];
      params.push({
        kind: "covariance",
        i,
        j,
        label: `${table.variables[j]}~~${table.variables[i]}`,
      });
      theta.push(S[i * p + j]);
      Sigma[i * p + j] = S[i * p + j];
      Sigma[j * p + i] = S[i * p + j];
    }
  }
  return {
    table: {
      p,
      variables: table.variables,
      params,
      exogenous: exo,
      // the independence model: every parameter free, none shared, fixed or defined
      positions: params.map((x, k) => ({ ...x, k, value: theta[k] })),
      fixed: [],
      constrained: false,
      defined: [],
    },
    theta: Float64Array.from(theta),
    Sigma,
    S,
    n,
  };
}

/** Scaled (Yuan-Bentler) and robust (Brosseau-Liard & Savalei) fit indices, named as lavaan's fitMeasures(). */
export interface RobustFitIndices {
  "chisq.scaled": number;
  "df.scaled": number;
  "pvalue.scaled": number;
  "chisq.scaling.factor": number;
  "baseline.chisq.scaled": number;
  "baseline.df.scaled": number;
  "baseline.pvalue.scaled": number;
  "baseline.chisq.scaling.factor": number;
  "cfi.scaled": number;
  "tli.scaled": number;
  "cfi.robust": number;
  "tli.robust": number;
  "rmsea.scaled": number;
  "rmsea.robust": number;
  "rmsea.ci.lower.robust": number;
  "rmsea.ci.upper.robust": number;
  "rmsea.pvalue.robust": number;
}

export interface RobustResult {
  vcov: Float64Array;
  fit: RobustFitIndices;
}

/** lavaan's lav_fit_cfi: with c != 1, the robust (Brosseau-Liard & Savalei) version. */
export function cfiOf(x2: number, df: number, x2b: number, dfb: number, c = 1, cb = 1): number {
  if (![x2, df, x2b, dfb, c, cb].every(Number.isFinite)) return Number.NaN;
  const t1 = Math.max(x2 - c * df, 0);
  const t2 = Math.max(x2 - c * df, x2b - cb * dfb, 0);
  return Math.abs(t1) < 1.5e-8 && Math.abs(t2) < 1.5e-8 ? 1 : 1 - t1 / t2;
}

/** lavaan's lav_fit_tli (= NNFI): with c != 1, the robust version. */
export function tliOf(x2: number, df: number, x2b: number, dfb: number, c = 1, cb = 1): number {
  if (![x2, df, x2b, dfb, c, cb].every(Number.isFinite)) return Number.NaN;
  const t1 = (x2 - c * df) * dfb;
  const t2 = (x2b - cb * dfb) * df;
  return df > 0 && Math.abs(t2) > 0 ? 1 - t1 / t2 : 1;
}

/** Root of a function increasing... here decreasing in lambda, by bisection to full precision. */
function lambdaAt(x2: number, df: number, target: number, hi: number): number {
  let lo = 0;
  let up = hi;
  for (let it = 0; it < 200 && up - lo > 1e-12 * Math.max(1, up); it++) {
    const mid = 0.5 * (lo + up);
    if (noncentralChiSquareCdf(x2, df, mid) > target) lo = mid;
    else up = mid;
  }
  return 0.5 * (lo + up);
}

/**
 * lavaan's robust RMSEA interval and close-fit p-value (lav_fit_rmsea_ci / _closefit with c.hat):
 * the noncentrality bounds of the scaled statistic `x2s` on `df`, times c, over n df.
 */
export function robustRmseaInterval(
  x2s: number,
  df: number,
  n: number,
  c: number,
): { lower: number; upper: number; pClose: number } {
  let lower = 0;
  let upper = 0;
  let pClose = Number.NaN;
  if (df > 0 && Number.isFinite(x2s)) {
    if (df >= 1 && noncentralChiSquareCdf(x2s, df, 0) - 0.95 >= 0) {
      lower = Math.sqrt((c * lambdaAt(x2s, df, 0.95, x2s)) / (n * df));
    }
    const nR = Math.max(n, 4 * x2s);
    if (
      df >= 1 &&
      !(noncentralChiSquareCdf(x2s, df, nR) - 0.05 > 0) &&
      noncentralChiSquareCdf(x2s, df, 0) - 0.05 >= 0
    ) {
      upper = Math.sqrt((c * lambdaAt(x2s, df, 0.05, nR)) / (n * df));
    }
    pClose = 1 - noncentralChiSquareCdf(x2s, df, (n * df * 0.05 * 0.05) / c);
  }
  return { lower, upper, pClose };
}

/**
 * MLR for a model fitted by fitML on raw data (`cols` in table.variables order): the sandwich
 * covariance matrix of the estimates and the scaled and robust fit indices, from the ML fit
 * indices `ml` (chi-square, df and baseline of the same fit).
 */
export function robustEstimate(
  res: MLResult,
  cols: readonly ArrayLike<number>[],
  ml: FitIndices,
): { ok: true; result: RobustResult } | { ok: false; error: string } {
  const { n } = res;
  if (cols.length !== res.table.p || cols.some((c) => c.length !== n))
    return {
      ok: false,
      error: "MLR needs the raw data of every model variable, one value per case",
    };
  const rows = centredRows(cols, n);
  const model = robustParts(res, rows);
  const base = robustParts(baselineFit(res.table, res.S, n), rows);
  const h1 = traceH1(res.table, res.S, rows, n);
  if (!model || !base || h1 === null)
    return { ok: false, error: "MLR: the observed information matrix is singular" };
  const fit = scaledFitIndices(ml, h1, model.traceH0, base.traceH0);
  return { ok: true, result: { vcov: model.vcov, fit } };
}

/**
 * The Yuan-Bentler (Mplus variant) scaled test and the scaled and robust fit indices from the ML
 * fit indices and the traces: c = (tr_h1 - tr_h0) / df for the model, likewise for the
 * baseline. With `robust` false (FIML: lavaan computes its robust CFI/TLI/RMSEA for missing data
 * differently) the .robust indices are NaN.
 */
export function scaledFitIndices(
  ml: Pick<FitIndices, "chisq" | "df" | "baselineChisq" | "baselineDf" | "n">,
  traceH1: number,
  traceH0: number,
  baselineTraceH0: number,
  robust = true,
): RobustFitIndices {
  const { chisq: x2, df, baselineChisq: x2b, baselineDf: dfb, n } = ml;
  const c = df > 0 ? (traceH1 - traceH0) / df : Number.NaN;
  const cb = dfb > 0 ? (traceH1 - baselineTraceH0) / dfb : Number.NaN;
  const x2s = df > 0 ? x2 / c : x2;
  const x2bs = dfb > 0 ? x2b / cb : x2b;
  const rmseaRobust = df > 0 ? Math.sqrt(Math.max(x2 / n / df - c / n, 0)) : 0;
  const { lower, upper, pClose } = robust
    ? robustRmseaInterval(x2s, df, n, c)
    : { lower: Number.NaN, upper: Number.NaN, pClose: Number.NaN };
  const R = robust ? 1 : Number.NaN;
  return {
    "chisq.scaled": x2s,
    "df.scaled": df,
    "pvalue.scaled": df > 0 ? chiSquareUpper(x2s, df) : Number.NaN,
    "chisq.scaling.factor": c,
    "baseline.chisq.scaled": x2bs,
    "baseline.df.scaled": dfb,
    "baseline.pvalue.scaled": dfb > 0 ? chiSquareUpper(x2bs, dfb) : Number.NaN,
    "baseline.chisq.scaling.factor": cb,
    "cfi.scaled": cfiOf(x2s, df, x2bs, dfb),
    "tli.scaled": tliOf(x2s, df, x2bs, dfb),
    "cfi.robust": R * cfiOf(x2, df, x2b, dfb, c, cb),
    "tli.robust": R * tliOf(x2, df, x2b, dfb, c, cb),
    "rmsea.scaled": df > 0 ? Math.sqrt(Math.max(x2 / n / (c * df) - 1 / n, 0)) : Number.NaN,
    "rmsea.robust": R * rmseaRobust,
    "rmsea.ci.lower.robust": lower,
    "rmsea.ci.upper.robust": upper,
    "rmsea.pvalue.robust": pClose,
  };
}
