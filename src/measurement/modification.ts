import { inverseSPD } from "../math/linalg.ts";
import type { CfaEstimate } from "./estimate.ts";
import { type Rank2, rank2 } from "./implied.ts";
import { informationBlock, residualQ, scores, wVectors } from "./information.ts";
import type { ModelParam } from "./model.ts";

/**
 * Modification indices (score tests) for cross-loadings (`f =~ x` for an item not on f) and
 * residual covariances (`x1 ~~ x2`) that the model fixes to zero, as lavaan's modindices():
 *   MI = n g^2 / (I_kk - I_kF I_FF^-1 I_Fk),   EPC = g / (I_kk - I_kF I_FF^-1 I_Fk),
 * with g the score of the fixed parameter at the estimate and I the expected information per
 * observation (F: the free parameters).
 */
export interface ModificationIndex {
  lhs: string;
  op: "=~" | "~~";
  rhs: string;
  mi: number;
  epc: number;
}

export function modificationIndices(est: CfaEstimate): ModificationIndex[] {
  const { model, implied: im, S, n } = est;
  const { p, m } = im;
  const have = new Set(model.params.map((x) => `${x.matrix}:${x.row}:${x.col}`));
  const cands: (Pick<ModelParam, "matrix" | "row" | "col"> & {
    lhs: string;
    op: "=~" | "~~";
    rhs: string;
  })[] = [];
  for (let j = 0; j < m; j++)
    for (let i = 0; i < p; i++)
      if (!have.has(`lambda:${i}:${j}`))
        cands.push({
          matrix: "lambda",
          row: i,
          col: j,
          lhs: model.latent[j],
          op: "=~",
          rhs: model.observed[i],
        });
  for (let i = 0; i < p; i++)
    for (let j = i + 1; j < p; j++)
      if (!have.has(`theta:${j}:${i}`))
        cands.push({
          matrix: "theta",
          row: j,
          col: i,
          lhs: model.observed[i],
          op: "~~",
          rhs: model.observed[j],
        });
  if (!cands.length) return [];
  // W = Sigma^-1
  const W = inverseSPD(im.Sigma, p);
  if (!W) return [];
  const q = model.nFree;
  const dF: Rank2[] = model.params.slice(0, q).map((x) => rank2(x, im));
  const dC: Rank2[] = cands.map((x) => rank2(x, im));
  const wF = wVectors(W, p, dF);
  const wC = wVectors(W, p, dC);
  const IFF = informationBlock(p, dF, wF, dF, wF);
  const IFFinv = inverseSPD(IFF, q);
  if (!IFFinv) return [];
  const ICF = informationBlock(p, dC, wC, dF, wF);
  const g = scores(residualQ(W, S, im.Sigma, p), p, dC);
  const tmp = new Float64Array(q);
  return cands.map((c, k) => {
    const Ikk = informationBlock(
      p,
      [dC[k]],
      wVectors(W, p, [dC[k]]),
      [dC[k]],
      wVectors(W, p, [dC[k]]),
    )[0];
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += IFFinv[a * q + b] * ICF[k * q + b];
      tmp[a] = s;
    }
    let v = Ikk;
    for (let a = 0; a < q; a++) v -= ICF[k * q + a] * tmp[a];
    const ok = v > 1e-12;
    return {
      lhs: c.lhs,
      op: c.op,
      rhs: c.rhs,
      mi: ok ? (n * g[k] * g[k]) / v : 0,
      epc: ok ? g[k] / v : 0,
    };
  });
}
