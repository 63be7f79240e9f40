import type { MeasurementModel } from "./model.ts";

/**
 * Starting values from the sample covariance S (model order, p x p), in the spirit of lavaan's
 * FABIN (Hägglund 1982) starts: each non-marker loading by least squares on the marker's
 * covariances with the factor's other items (instruments; the items of other factors when the
 * factor has only two), factor (co)variances as the average s_ab / (lambda_a lambda_b), residual
 * variances as what the factor leaves (at least 10% of the item's variance), cross-loadings,
 * regressions and residual covariances 0. Only a start: the estimate does not depend on it.
 */
export function startValues(model: MeasurementModel, S: Float64Array): Float64Array {
  const p = model.observed.length;
  const m = model.latent.length;
  const s = (a: number, b: number) => S[a * p + b];
  const items: number[][] = Array.from({ length: m }, () => []);
  const home = new Int32Array(p).fill(-1);
  for (const par of model.params)
    if (par.matrix === "lambda") {
      items[par.col].push(par.row);
      if (home[par.row] < 0) home[par.row] = par.col;
    }
  // loadings in the marker metric (first indicator = 1)
  const lam = new Float64Array(p * m);
  const varF = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const I = items[j].filter((i) => home[i] === j);
    const r = I[0];
    if (r === undefined) continue;
    lam[r * m + j] = 1;
    for (const i of I) {
      if (i === r) continue;
      let K = I.filter((k) => k !== i && k !== r);
      if (!K.length) K = Array.from({ length: p }, (_, k) => k).filter((k) => home[k] !== j);
      let num = 0;
      let den = 0;
      for (const k of K) {
        num += s(i, k) * s(r, k);
        den += s(r, k) * s(r, k);
      }
      const l = den > 0 ? num / den : 1;
      lam[i * m + j] = Number.isFinite(l) && l !== 0 ? l : 1;
    }
    let sum = 0;
    let cnt = 0;
    for (let a = 0; a < I.length; a++)
      for (let b = a + 1; b < I.length; b++) {
        sum += s(I[a], I[b]) / (lam[I[a] * m + j] * lam[I[b] * m + j]);
        cnt++;
      }
    const v = cnt ? sum / cnt : 0;
    varF[j] = v > 0.01 * s(r, r) ? v : 0.5 * s(r, r);
  }
  const scale = new Float64Array(m).fill(1);
  if (model.stdLv) for (let j = 0; j < m; j++) scale[j] = Math.sqrt(varF[j]);
  const cov = (f: number, g: number) => {
    let sum = 0;
    let cnt = 0;
    for (const a of items[f])
      for (const b of items[g]) {
        if (a === b || home[a] !== f || home[b] !== g) continue;
        sum += s(a, b) / (lam[a * m + f] * lam[b * m + g]);
        cnt++;
      }
    const c = cnt ? sum / cnt : 0;
    const lim = 0.9 * Math.sqrt(varF[f] * varF[g]);
    return Math.max(-lim, Math.min(lim, c));
  };
  const theta = new Float64Array(model.nFree);
  for (let k = 0; k < model.nFree; k++) {
    const par = model.params[k];
    const { row, col } = par;
    if (par.matrix === "lambda") {
      theta[k] = home[row] === col ? lam[row * m + col] * scale[col] : 0;
    } else if (par.matrix === "beta") {
      theta[k] = 0;
    } else if (par.matrix === "psi") {
      theta[k] = (row === col ? varF[row] : cov(row, col)) / (scale[row] * scale[col]);
    } else if (row === col) {
      const j = home[row];
      const explained = j >= 0 ? lam[row * m + j] ** 2 * varF[j] : 0;
      theta[k] = Math.max(s(row, row) - explained, 0.1 * s(row, row));
    } else theta[k] = 0;
  }
  return theta;
}
