import type { CfaEstimate } from "./estimate.ts";
import { standardizedValues } from "./standardized.ts";

/**
 * Composite reliability and average variance extracted of each factor from the estimated
 * completely standardized loadings (Fornell & Larcker 1981):
 *   CR = (sum lambda)^2 / ((sum lambda)^2 + sum theta),   AVE = sum lambda^2 / k,
 * with theta the standardized residual variances of the factor's items (1 - lambda^2 for an item
 * that loads on one factor only). Residual covariances are ignored, as in the formula.
 */
export interface FactorReliability {
  factor: string;
  items: number;
  cr: number;
  ave: number;
  /** sqrt(AVE), to compare with the factor's correlations (Fornell-Larcker criterion). */
  sqrtAve: number;
}

export function factorReliability(est: CfaEstimate): FactorReliability[] {
  const { model, theta } = est;
  const std = standardizedValues(model, theta);
  const thetaStd = new Map<number, number>();
  model.params.forEach((par, k) => {
    if (par.matrix === "theta" && par.row === par.col)
      thetaStd.set(par.row, std ? std[k] : Number.NaN);
  });
  return model.latent.map((f, j) => {
    let sum = 0;
    let sumSq = 0;
    let err = 0;
    let k = 0;
    model.params.forEach((par, a) => {
      if (par.matrix !== "lambda" || par.col !== j) return;
      const l = std ? std[a] : Number.NaN;
      sum += l;
      sumSq += l * l;
      err += thetaStd.get(par.row) ?? 0;
      k++;
    });
    const ave = sumSq / k;
    return {
      factor: f,
      items: k,
      cr: (sum * sum) / (sum * sum + err),
      ave,
      sqrtAve: Math.sqrt(ave),
    };
  });
}
