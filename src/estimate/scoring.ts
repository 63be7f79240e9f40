import { inverse, inverseSPD } from "../math/linalg.ts";

/**
 * One Fisher-scoring direction (lavaan's lav_optim_... "scoring" step): step = I^-1 g for the
 * q x q information I and gradient g (of the function being improved), with I^-1 (Cholesky
 * first, a general inverse when I is not numerically positive definite) and the largest |step|,
 * the convergence measure. Null when I is singular (the model is not identified). Shared by the
 * complete-data ML iterations (ml.ts) and FIML (missing/fiml.ts).
 */
export function scoringStep(
  info: Float64Array,
  grad: ArrayLike<number>,
  q: number,
): { step: Float64Array; infoInv: Float64Array; maxStep: number } | null {
  const infoInv = inverseSPD(info, q) ?? inverse(info, q);
  if (!infoInv) return null;
  const step = new Float64Array(q);
  let maxStep = 0;
  for (let k = 0; k < q; k++) {
    let s = 0;
    for (let l = 0; l < q; l++) s += infoInv[k * q + l] * grad[l];
    step[k] = s;
    maxStep = Math.max(maxStep, Math.abs(s));
  }
  return { step, infoInv, maxStep };
}
