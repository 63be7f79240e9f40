import {
  baselineFit,
  centredRows,
  type RobustFitIndices,
  robustParts,
  sandwich,
  scaledFitIndices,
  traceH1Of,
} from "../estimate/robust.ts";
import { inverseSPD } from "../math/linalg.ts";
import type { CfaEstimate } from "./estimate.ts";
import type { CfaFitMeasures } from "./fitMeasures.ts";
import { implied, type Rank2, rank2 } from "./implied.ts";
import { residualQ, scores } from "./information.ts";

/**
 * MLR for a latent-variable model fitted by ML on raw item data, as lavaan 0.6-14's
 * cfa()/sem(..., estimator = "MLR") (se = "robust.huber.white", test = "yuan.bentler.mplus",
 * information = "observed" with observed.information = "hessian", meanstructure = FALSE): the
 * same sandwich and Yuan-Bentler-Mplus scaled test as the path models' (src/estimate/robust.ts,
 * which gives the unrestricted part tr(A1 Gamma), the baseline's part and the fit indices), with
 * the model's own parts here:
 *
 * - H, the observed information per observation: minus the derivative of the analytic score
 *   direction g_k = 0.5 tr(W (S - Sigma) W dSigma_k) by central differences (lavaan also
 *   differentiates its analytic gradient numerically);
 * - J = mean over cases of s_i s_i', s_ik = 0.5 (z_i' dSigma_k z_i - tr(W dSigma_k)) with
 *   z_i = W (x_i - mean); for dSigma_k = x y' + y x' that is (z'x)(z'y) - x'W y;
 * - vcov = H^-1 J H^-1 / n, and tr(J H^-1) for the scaling factor (robust.ts sandwich()).
 * An item model has no fixed exogenous variables: every parameter counts in the traces.
 */
export interface RobustCfa {
  /** The estimate with the sandwich vcov and SEs (parameter tables then report robust SEs). */
  estimate: CfaEstimate;
  fit: RobustFitIndices;
}

export type RobustCfaOutcome = { ok: true; result: RobustCfa } | { ok: false; error: string };

/** Score direction g (length q) at theta, or null when Sigma is not positive definite. */
function scoreDirection(est: CfaEstimate, theta: Float64Array): Float64Array | null {
  const im = implied(est.model, theta);
  if (!im) return null;
  const p = im.p;
  const W = inverseSPD(im.Sigma, p);
  if (!W) return null;
  const d = est.model.params.slice(0, est.model.nFree).map((par) => rank2(par, im));
  return scores(residualQ(W, est.S, im.Sigma, p), p, d);
}

/**
 * `cols[j][i]`: case i of item j, in the model's item order (est.model.observed); `ml` the ML
 * fit measures of the same estimate.
 */
export function robustCfa(
  est: CfaEstimate,
  cols: readonly ArrayLike<number>[],
  ml: Pick<CfaFitMeasures, "chisq" | "df" | "baselineChisq" | "baselineDf" | "n">,
  h = 1e-6,
): RobustCfaOutcome {
  const { n, theta } = est;
  const p = est.implied.p;
  const q = est.model.nFree;
  if (cols.length !== p || cols.some((c) => c.length !== n))
    return { ok: false, error: "MLR needs the raw data of every item, one value per case" };
  const singular: RobustCfaOutcome = {
    ok: false,
    error: "MLR: the observed information matrix is singular",
  };
  // H by central differences of g (the gradient of -F/2), symmetrised
  const H = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    const step = h * Math.max(1, Math.abs(theta[c]));
    const at = (delta: number) => {
      const t = Float64Array.from(theta);
      t[c] += delta;
      return scoreDirection(est, t);
    };
    const lo = at(-step);
    const hi = at(step);
    if (!lo || !hi) return singular;
    for (let r = 0; r < q; r++) H[r * q + c] = -(hi[r] - lo[r]) / (2 * step);
  }
  for (let r = 0; r < q; r++)
    for (let c = 0; c < r; c++) {
      const v = 0.5 * (H[r * q + c] + H[c * q + r]);
      H[r * q + c] = v;
      H[c * q + r] = v;
    }
  const W = inverseSPD(est.implied.Sigma, p);
  if (!W) return singular;
  // casewise scores
  const rows = centredRows(cols, n);
  const d: Rank2[] = est.model.params.slice(0, q).map((par) => rank2(par, est.implied));
  const xWy = d.map(({ xi, xv, yi, yv }) => {
    let t = 0;
    for (let a = 0; a < xi.length; a++)
      for (let b = 0; b < yi.length; b++) t += xv[a] * W[xi[a] * p + yi[b]] * yv[b];
    return t;
  });
  const S = new Float64Array(n * q);
  const z = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let a = 0; a < p; a++) {
      let t = 0;
      for (let b = 0; b < p; b++) t += W[a * p + b] * rows[o + b];
      z[a] = t;
    }
    for (let k = 0; k < q; k++) {
      const { xi, xv, yi, yv } = d[k];
      let zx = 0;
      let zy = 0;
      for (let a = 0; a < xi.length; a++) zx += z[xi[a]] * xv[a];
      for (let b = 0; b < yi.length; b++) zy += z[yi[b]] * yv[b];
      S[i * q + k] = zx * zy - xWy[k];
    }
  }
  for (let a = 0; a < q * q; a++) H[a] *= n;
  const sw = sandwich(H, S, q);
  if (!sw) return singular;
  const { vcov, trace: traceH0 } = sw;
  const se = new Float64Array(q);
  for (let k = 0; k < q; k++) se[k] = Math.sqrt(vcov[k * q + k]);
  // the unrestricted model's part and the baseline (independence) model's, shared with the
  // path models: an item table without exogenous variables
  const h1 = traceH1Of(p, [], est.S, rows, n);
  const base = robustParts(
    baselineFit(
      {
        p,
        variables: est.model.observed,
        params: [],
        exogenous: [],
        positions: [],
        fixed: [],
        constrained: false,
        defined: [],
      },
      est.S,
      n,
    ),
    rows,
  );
  if (h1 === null || !base) return singular;
  return {
    ok: true,
    result: {
      estimate: { ...est, vcov, se },
      fit: scaledFitIndices(ml, h1, traceH0, base.traceH0),
    },
  };
}
