import { twoSidedP } from "../math/distributions.ts";
import type { MLResult } from "./ml.ts";

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
 * Every free parameter with SE, Wald z, two-sided normal p, and its standardized value as
 * lavaan's std.all: paths b * sd(from)/sd(to) with model-implied SDs; variances as a share of
 * the implied variance; covariances as the correlation of the two (residual) terms,
 * psi_ij / sqrt(psi_ii psi_jj). Standardized SEs by the delta method with the analytic Jacobian;
 * exogenous (co)variances count as fixed at their sample values (lavaan's fixed.x = TRUE).
 */
export function parameterEstimates(res: MLResult): ParameterEstimate[] {
  const { table, theta, Sigma, dSigmaDiag, vcov } = res;
  const q = theta.length;
  const p = table.p;
  const params = table.params;
  const varIndex = new Int32Array(p).fill(-1);
  params.forEach((x, k) => {
    if (x.kind === "variance") varIndex[x.i] = k;
  });
  const exo = new Set(table.exogenous);
  const random = params.map((x) => x.kind === "path" || !(exo.has(x.i) && exo.has(x.j)));
  const vars = table.variables;
  const grad = new Float64Array(q);
  return params.map((par, k) => {
    const { i, j } = par;
    grad.fill(0);
    let std: number;
    if (par.kind === "path") {
      const sii = Sigma[i * p + i];
      const sjj = Sigma[j * p + j];
      const ratio = Math.sqrt(sjj / sii);
      std = theta[k] * ratio;
      for (let l = 0; l < q; l++) {
        grad[l] = 0.5 * std * (dSigmaDiag[l * p + j] / sjj - dSigmaDiag[l * p + i] / sii);
      }
      grad[k] += ratio;
    } else if (par.kind === "variance") {
      const sii = Sigma[i * p + i];
      std = theta[k] / sii;
      for (let l = 0; l < q; l++) grad[l] = (-theta[k] * dSigmaDiag[l * p + i]) / (sii * sii);
      grad[k] += 1 / sii;
    } else {
      const ki = varIndex[i];
      const kj = varIndex[j];
      const den = Math.sqrt(theta[ki] * theta[kj]);
      std = theta[k] / den;
      grad[k] = 1 / den;
      grad[ki] = (-0.5 * std) / theta[ki];
      grad[kj] = (-0.5 * std) / theta[kj];
    }
    let v = 0;
    for (let a = 0; a < q; a++) {
      if (!random[a] || grad[a] === 0) continue;
      for (let b = 0; b < q; b++) if (random[b]) v += grad[a] * vcov[a * q + b] * grad[b];
    }
    const se = Math.sqrt(vcov[k * q + k]);
    const z = theta[k] / se;
    return {
      label: par.label,
      kind: par.kind,
      from: vars[j],
      to: vars[i],
      est: theta[k],
      se,
      z,
      p: twoSidedP(z),
      std,
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
