import { inverseSPD, zeros } from "../math/linalg.ts";
import { topologicalOrder } from "../model/graph.ts";
import { derivative, impliedCovariance, informationAndGradient, type MLResult } from "./ml.ts";

/**
 * Modification indices (score tests) for omitted regression paths: for each path j -> i that is
 * not in the model and would keep it recursive, MI = n g^2 / (I_kk - I_kf I_ff^-1 I_fk), where g
 * is the score of the fixed parameter at the estimate and I the expected information per
 * observation; EPC = g / (I_kk - I_kf I_ff^-1 I_fk), the expected change if it were freed.
 * This is lavaan's modindices() for op "~", restricted to recursive paths into endogenous variables.
 */
export interface ModificationIndex {
  from: string;
  to: string;
  mi: number;
  epc: number;
}

export function modificationIndices(res: MLResult): ModificationIndex[] {
  const { table, theta, S, n } = res;
  const p = table.p;
  const vars = table.variables;
  const { Sigma, A } = impliedCovariance(table, theta);
  const Sinv = inverseSPD(Sigma, p)!;
  const resid = zeros(p);
  for (let a = 0; a < p * p; a++) resid[a] = S[a] - Sigma[a];
  // free paths (a fixed path is a candidate: its index tests freeing it, as in lavaan)
  const existing = new Set(
    table.positions.filter((x) => x.kind === "path" && x.k >= 0).map((x) => `${x.j}->${x.i}`),
  );
  const edges = table.positions
    .filter((x) => x.kind === "path")
    .map((x) => ({ from: vars[x.j], to: vars[x.i] }));
  const candidates: { i: number; j: number }[] = [];
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      // only paths into endogenous variables: turning an exogenous variable into an endogenous one
      // changes the model class (lavaan's fixed.x scores for those differ by convention)
      if (i === j || existing.has(`${j}->${i}`) || table.exogenous.includes(i)) continue;
      if ("cycle" in topologicalOrder(vars, [...edges, { from: vars[j], to: vars[i] }])) continue;
      candidates.push({ i, j });
    }
  }
  if (!candidates.length) return [];
  // derivative of Sigma for free parameters and each candidate path, in one information matrix
  const dFree = table.params.map((par) => {
    const d = derivative(par.kind, par.i, par.j, A, Sigma, p);
    for (const o of par.also ?? []) {
      const e = derivative(o.kind, o.i, o.j, A, Sigma, p);
      for (let a = 0; a < p * p; a++) d[a] += e[a];
    }
    return d;
  });
  const dCand = candidates.map(({ i, j }) => derivative("path", i, j, A, Sigma, p));
  const q = dFree.length;
  const { info, grad } = informationAndGradient(p, Sinv, resid, [...dFree, ...dCand]);
  const m = q + candidates.length;
  const iff = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) iff[a * q + b] = info[a * m + b];
  const iffInv = inverseSPD(iff, q);
  if (!iffInv) return [];
  return candidates.map(({ i, j }, c) => {
    const k = q + c;
    let v = info[k * m + k];
    for (let a = 0; a < q; a++) {
      let s = 0;
      for (let b = 0; b < q; b++) s += iffInv[a * q + b] * info[b * m + k];
      v -= info[k * m + a] * s;
    }
    const g = grad[k];
    return {
      from: vars[j],
      to: vars[i],
      mi: v > 1e-12 ? (n * g * g) / v : 0,
      epc: v > 1e-12 ? g / v : 0,
    };
  });
}
