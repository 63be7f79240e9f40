import { twoSidedP } from "../math/distributions.ts";
import { impliedCovariance, type MLResult } from "./ml.ts";

export interface ParameterEstimate {
  label: string;
  kind: "path" | "variance" | "covariance";
  from: string;
  to: string;
  est: number;
  se: number;
  z: number;
  p: number;
  /** Standardized by the model-implied variances (lavaan's std.all). */
  std: number;
  /** Delta-method standard error of the standardized estimate. */
  stdSe: number;
}

/**
 * Standardized value of every parameter at theta, as lavaan's std.all: paths b * sd(from)/sd(to)
 * with model-implied SDs; variances as a share of the implied variance; covariances as the
 * correlation of the two (residual) terms, psi_ij / sqrt(psi_ii psi_jj).
 */
function standardized(res: MLResult, theta: Float64Array): Float64Array {
  const { Sigma } = impliedCovariance(res.table, theta);
  const psi = (i: number) =>
    theta[res.table.params.findIndex((x) => x.kind === "variance" && x.i === i)];
  const p = res.table.p;
  const sd = (i: number) => Math.sqrt(Sigma[i * p + i]);
  const out = new Float64Array(theta.length);
  res.table.params.forEach((par, k) => {
    if (par.kind === "path") out[k] = (theta[k] * sd(par.j)) / sd(par.i);
    else if (par.kind === "variance") out[k] = theta[k] / Sigma[par.i * p + par.i];
    else out[k] = theta[k] / Math.sqrt(psi(par.i) * psi(par.j));
  });
  return out;
}

/** Every free parameter with SE, Wald z, two-sided normal p, standardized value and its SE. */
export function parameterEstimates(res: MLResult): ParameterEstimate[] {
  const q = res.theta.length;
  const std = standardized(res, res.theta);
  // Jacobian of the standardized values by central differences, for delta-method SEs.
  const J = new Float64Array(q * q);
  for (let l = 0; l < q; l++) {
    const h = 1e-6 * Math.max(1, Math.abs(res.theta[l]));
    const up = Float64Array.from(res.theta);
    const dn = Float64Array.from(res.theta);
    up[l] += h;
    dn[l] -= h;
    const su = standardized(res, up);
    const sdn = standardized(res, dn);
    for (let k = 0; k < q; k++) J[k * q + l] = (su[k] - sdn[k]) / (2 * h);
  }
  // Exogenous (co)variances are treated as fixed at their sample values (lavaan's fixed.x = TRUE),
  // so they add no uncertainty to the standardized values.
  const exo = new Set(res.table.exogenous);
  const random = res.table.params.map((x) => x.kind === "path" || !(exo.has(x.i) && exo.has(x.j)));
  const vars = res.table.variables;
  return res.table.params.map((par, k) => {
    const se = Math.sqrt(res.vcov[k * q + k]);
    let v = 0;
    for (let a = 0; a < q; a++) {
      if (!random[a]) continue;
      for (let b = 0; b < q; b++)
        if (random[b]) v += J[k * q + a] * res.vcov[a * q + b] * J[k * q + b];
    }
    const z = res.theta[k] / se;
    return {
      label: par.label,
      kind: par.kind,
      from: par.kind === "path" ? vars[par.j] : vars[par.j],
      to: vars[par.i],
      est: res.theta[k],
      se,
      z,
      p: twoSidedP(z),
      std: std[k],
      stdSe: Math.sqrt(Math.max(0, v)),
    };
  });
}

/** R-squared of each endogenous variable: 1 - residual variance / implied variance. */
export function rSquared(res: MLResult): Record<string, number> {
  const p = res.table.p;
  const out: Record<string, number> = {};
  const endo = new Set(res.table.params.filter((x) => x.kind === "path").map((x) => x.i));
  res.table.params.forEach((par, k) => {
    if (par.kind === "variance" && endo.has(par.i)) {
      out[res.table.variables[par.i]] = 1 - res.theta[k] / res.Sigma[par.i * p + par.i];
    }
  });
  return out;
}
