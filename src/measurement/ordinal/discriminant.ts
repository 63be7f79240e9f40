import { chiSquareUpper } from "../../math/distributions.ts";
import { inverseSPD } from "../../math/linalg.ts";
import type { ModelSpec } from "../model.ts";
import { type DiscriminantTest, dominantStart } from "../paper.ts";
import { deltaModel, fitWlsmv, type WlsmvEstimate } from "./wlsmv.ts";

/**
 * Anderson & Gerbing's (1988) discriminant-validity test for WLSMV fits: each pair of factors'
 * correlation fixed to 1 in the std.lv model, refitted by DWLS, and the two fits compared by the
 * scaled chi-square difference test lavaan's lavTestLRT() uses when the models carry a
 * scaled-shifted test (its default method "satorra.2000" with scaled.shifted = TRUE, H1 = the
 * free model, A.method = "delta"):
 *   A = the orthogonal complement of H = Delta1^+ Delta0 (Delta1 = d sigma / d theta of the free
 *       model at its estimate, Delta0 of the constrained model at its own estimate), so A is
 *       not exactly the unit row of the fixed correlation;
 *   P = Delta1' W Delta1,  U = W Delta1 P^-1 A' (A P^-1 A')^-1 A P^-1 Delta1' W,
 *   a = sqrt(m / tr((U Gamma)^2)), b = m - a tr(U Gamma), T = a (T0 - T1) + b on m = 1 df,
 * T0 and T1 the DWLS statistics of the constrained and the free model. Thresholds are
 * saturated and untouched by the structural parameters, so only the polychoric rows and the
 * structural columns enter; one constraint makes U of rank 1 (U = v v' / (A P^-1 A') with
 * v = W Delta1 P^-1 A'), so tr((U Gamma)^2) = tr(U Gamma)^2, b = 0 and T = (T0 - T1) / tr(U Gamma).
 */
export interface WlsmvDiscriminantTest extends DiscriminantTest {
  /** DWLS chi-square of the free model. */
  chisqFree: number;
  /** T0 - T1, unscaled (lavaan's Chisq column difference). */
  deltaChisqUnscaled: number;
  /** a: the scaled difference is a (T0 - T1) + b (lavTestLRT's attr "scale"); b is 0 here. */
  scale: number;
  shift: number;
}

/**
 * All pairs of factors of `free`, a WLSMV fit of `spec` with `stdLv: true` on the same
 * statistics. Each constrained model starts from the free estimate and from the two merged
 * one-factor solutions (either factor carrying the common part); the lowest DWLS fit is kept.
 */
export function wlsmvDiscriminantTests(
  spec: ModelSpec,
  free: WlsmvEstimate,
): WlsmvDiscriminantTest[] {
  const { model } = free;
  if (!model.stdLv || !spec.stdLv)
    throw new Error("wlsmvDiscriminantTests needs a std.lv model and its fit");
  const m = model.latent.length;
  const T1 = free.test.chisq;
  const out: WlsmvDiscriminantTest[] = [];
  for (let i = 0; i < m; i++)
    for (let j = i + 1; j < m; j++) {
      const a = model.latent[i];
      const b = model.latent[j];
      const k = model.params.findIndex((x) => x.matrix === "psi" && x.row === j && x.col === i);
      const correlation = free.theta[k];
      const fixedSpec: ModelSpec = {
        ...spec,
        fixedLatentCovariances: [...(spec.fixedLatentCovariances ?? []), { a, b, value: 1 }],
      };
      const fixedModel = deltaModel(fixedSpec);
      const base = { a, b, correlation, chisqFree: T1, scale: Number.NaN, shift: Number.NaN };
      if (!fixedModel.ok) {
        out.push(failed(base, fixedModel.message));
        continue;
      }
      const starts = [
        Float64Array.from([...free.theta.slice(0, k), ...free.theta.slice(k + 1)]),
        dominantStart(free, fixedModel.model, i, j),
        dominantStart(free, fixedModel.model, j, i),
      ];
      let best: WlsmvEstimate | null = null;
      let message = "";
      for (const start of starts) {
        const o = fitWlsmv(fixedSpec, free.stats, { acov: free.acov, start, estimatesOnly: true });
        if (o.ok) {
          if (!best || o.estimate.fmin < best.fmin) best = o.estimate;
        } else message = o.message;
      }
      if (!best) {
        out.push(failed(base, message));
        continue;
      }
      const T0 = best.test.chisq;
      const trUG = traceUGamma(free, best, k);
      const scale = 1 / trUG;
      const shift = 1 - scale * trUG;
      const deltaChisq = scale * (T0 - T1) + shift;
      out.push({
        ...base,
        scale,
        shift,
        chisqFixed: T0,
        deltaChisqUnscaled: T0 - T1,
        deltaChisq,
        pvalue: chiSquareUpper(Math.max(0, deltaChisq), 1),
        distinct: deltaChisq > 3.841458820694124,
      });
    }
  return out;
}

/**
 * tr(U Gamma) of the one-constraint difference test (above): A from the two fits' Deltas, the
 * rest from the free fit. `k` is the constrained parameter's index among the free model's.
 */
function traceUGamma(free: WlsmvEstimate, fixed: WlsmvEstimate, k: number): number {
  const q1 = free.model.nFree;
  const q0 = fixed.model.nFree;
  const p = free.model.observed.length;
  const pstar = (p * (p - 1)) / 2;
  const D1 = free.deltaStructural;
  const D0 = fixed.deltaStructural;
  // H = (D1'D1)^-1 D1'D0 (q1 x q0)
  const D1tD1 = new Float64Array(q1 * q1);
  const D1tD0 = new Float64Array(q1 * q0);
  for (let r = 0; r < pstar; r++)
    for (let i = 0; i < q1; i++) {
      const x = D1[r * q1 + i];
      if (x === 0) continue;
      for (let j = 0; j < q1; j++) D1tD1[i * q1 + j] += x * D1[r * q1 + j];
      for (let j = 0; j < q0; j++) D1tD0[i * q0 + j] += x * D0[r * q0 + j];
    }
  const inv = inverseSPD(D1tD1, q1);
  if (!inv) return Number.NaN;
  const H = new Float64Array(q1 * q0);
  for (let i = 0; i < q1; i++)
    for (let l = 0; l < q1; l++) {
      const x = inv[i * q1 + l];
      for (let j = 0; j < q0; j++) H[i * q0 + j] += x * D1tD0[l * q0 + j];
    }
  // A' spans the complement of H's columns: the residual of e_k after projecting on them
  const HtH = new Float64Array(q0 * q0);
  for (let i = 0; i < q1; i++)
    for (let a = 0; a < q0; a++) {
      const x = H[i * q0 + a];
      if (x === 0) continue;
      for (let b = 0; b < q0; b++) HtH[a * q0 + b] += x * H[i * q0 + b];
    }
  const HtHi = inverseSPD(HtH, q0);
  if (!HtHi) return Number.NaN;
  const c = new Float64Array(q0);
  for (let a = 0; a < q0; a++)
    for (let b = 0; b < q0; b++) c[a] += HtHi[a * q0 + b] * H[k * q0 + b];
  const A = new Float64Array(q1);
  for (let i = 0; i < q1; i++) {
    let s = i === k ? 1 : 0;
    for (let a = 0; a < q0; a++) s -= H[i * q0 + a] * c[a];
    A[i] = s;
  }
  // v = W D1 P^-1 A', A P^-1 A'
  const Ei = free.informationInverse;
  const EiA = new Float64Array(q1);
  let APA = 0;
  for (let i = 0; i < q1; i++) {
    let s = 0;
    for (let j = 0; j < q1; j++) s += Ei[i * q1 + j] * A[j];
    EiA[i] = s;
    APA += A[i] * s;
  }
  const nth = free.stats.thresholds.length;
  const w = free.acov.wlsV;
  const v = new Float64Array(pstar);
  for (let r = 0; r < pstar; r++) {
    let s = 0;
    for (let i = 0; i < q1; i++) s += D1[r * q1 + i] * EiA[i];
    v[r] = s * w[nth + r];
  }
  // v' Gamma v = n sum_i (y_i . v)^2, y_i the polychoric part of the casewise scores
  const { scoresT: Zt, n } = free.acov;
  const yv = new Float64Array(n);
  for (let r = 0; r < pstar; r++) {
    const x = v[r];
    if (x === 0) continue;
    const o = (nth + r) * n;
    for (let i = 0; i < n; i++) yv[i] += Zt[o + i] * x;
  }
  let vGv = 0;
  for (let i = 0; i < n; i++) vGv += yv[i] * yv[i];
  vGv *= n;
  return vGv / APA;
}

function failed(
  base: Pick<WlsmvDiscriminantTest, "a" | "b" | "correlation" | "chisqFree" | "scale" | "shift">,
  failure: string,
): WlsmvDiscriminantTest {
  return {
    ...base,
    chisqFixed: Number.NaN,
    deltaChisqUnscaled: Number.NaN,
    deltaChisq: Number.NaN,
    pvalue: Number.NaN,
    distinct: false,
    failure,
  };
}
