import { twoSidedP } from "../math/distributions.ts";
import type { CfaEstimate } from "./estimate.ts";
import { implied } from "./implied.ts";
import type { MeasurementModel } from "./model.ts";

/**
 * The parameter table, as lavaan's parameterEstimates(fit, standardized = TRUE) with
 * standardizedSolution()'s standard errors: every free and every fixed non-zero parameter with
 * its estimate, SE, z, p (free only) and the completely standardized value (std.all: latent
 * variables and items scaled by their model-implied standard deviations; residual covariances
 * as residual correlations, lavaan's cov.std = TRUE) with its delta-method SE.
 */
export interface ParameterRow {
  lhs: string;
  op: "=~" | "~" | "~~";
  rhs: string;
  free: boolean;
  est: number;
  se: number;
  z: number;
  pvalue: number;
  stdAll: number;
  stdSe: number;
}

/** std.all of every parameter (free, then fixed) at theta, or null if the model is degenerate there. */
export function standardizedValues(
  model: MeasurementModel,
  theta: ArrayLike<number>,
): Float64Array | null {
  const im = implied(model, theta);
  if (!im) return null;
  const { p, m } = im;
  const sdLv = new Float64Array(m);
  for (let j = 0; j < m; j++) sdLv[j] = Math.sqrt(im.Phi[j * m + j]);
  const sdOv = new Float64Array(p);
  for (let i = 0; i < p; i++) sdOv[i] = Math.sqrt(im.Sigma[i * p + i]);
  return Float64Array.from(model.params, (par, k) => {
    const v = k < model.nFree ? theta[k] : par.value;
    const { row, col } = par;
    if (par.matrix === "lambda") return (v * sdLv[col]) / sdOv[row];
    if (par.matrix === "beta") return (v * sdLv[col]) / sdLv[row];
    // lavaan's cov.std = TRUE: a (residual) covariance is scaled by the residual standard
    // deviations (a residual correlation); a variance by the total variance
    if (par.matrix === "psi")
      return row === col
        ? v / (sdLv[row] * sdLv[col])
        : v / Math.sqrt(im.Psi[row * m + row] * im.Psi[col * m + col]);
    return row === col
      ? v / (sdOv[row] * sdOv[col])
      : v / Math.sqrt(im.Theta[row * p + row] * im.Theta[col * p + col]);
  });
}

/** Jacobian of standardizedValues (rows: all params, cols: free params) by central differences. */
function jacobian(model: MeasurementModel, theta: Float64Array): Float64Array | null {
  const r = model.params.length;
  const q = model.nFree;
  const J = new Float64Array(r * q);
  const t = Float64Array.from(theta);
  for (let k = 0; k < q; k++) {
    const h = 1e-6 * Math.max(1, Math.abs(theta[k]));
    t[k] = theta[k] + h;
    const up = standardizedValues(model, t);
    t[k] = theta[k] - h;
    const down = standardizedValues(model, t);
    t[k] = theta[k];
    if (!up || !down) return null;
    for (let a = 0; a < r; a++) J[a * q + k] = (up[a] - down[a]) / (2 * h);
  }
  return J;
}

/** `standardizedSe: false` skips the delta-method SEs (2q extra model evaluations). */
export function parameterTable(est: CfaEstimate, standardizedSe = true): ParameterRow[] {
  const { model, theta, se, vcov } = est;
  const q = model.nFree;
  const std =
    standardizedValues(model, theta) ?? new Float64Array(model.params.length).fill(Number.NaN);
  const J = standardizedSe ? jacobian(model, theta) : null;
  return model.params.map((par, a) => {
    let stdSe = Number.NaN;
    if (J) {
      let s = 0;
      for (let k = 0; k < q; k++) {
        const jk = J[a * q + k];
        if (jk === 0) continue;
        let t = 0;
        for (let l = 0; l < q; l++) t += vcov[k * q + l] * J[a * q + l];
        s += jk * t;
      }
      stdSe = Math.sqrt(Math.max(0, s));
    }
    const free = a < q;
    const value = free ? theta[a] : par.value;
    const z = free ? value / se[a] : Number.NaN;
    return {
      lhs: par.lhs,
      op: par.op,
      rhs: par.rhs,
      free,
      est: value,
      se: free ? se[a] : 0,
      z,
      pvalue: free ? twoSidedP(z) : Number.NaN,
      stdAll: std[a],
      stdSe,
    };
  });
}
