import { describe, expect, it } from "vitest";
import { cholesky, inverseFromCholesky, logdetFromCholesky } from "../src/math/linalg.ts";
import { gradientFast, paramVectors, weighted } from "../src/measurement/derivatives.ts";
import { implied } from "../src/measurement/implied.ts";
import { buildModel, paperCfaModel } from "../src/measurement/index.ts";
import { startValues } from "../src/measurement/start.ts";
import {
  woodburyApplies,
  woodburyEvaluate,
  woodburyGradient,
  woodburyWeighted,
} from "../src/measurement/woodbury.ts";
import { CONSTRUCTS, RETAINED_ITEMS, TABLE1_CORRELATIONS } from "../src/paper/index.ts";

/** The population covariance of the paper's CFA: Appendix loadings, Table 1 correlations. */
function paperPopulation(p: number): Float64Array {
  const cov = new Float64Array(p * p);
  RETAINED_ITEMS.forEach((a, i) => {
    RETAINED_ITEMS.forEach((b, j) => {
      const r =
        TABLE1_CORRELATIONS[CONSTRUCTS.indexOf(a.construct)][CONSTRUCTS.indexOf(b.construct)];
      cov[i * p + j] = i === j ? 1 : (a.loading ?? 0) * (b.loading ?? 0) * r;
    });
  });
  return cov;
}

/** A sample-like S: the implied covariance at one point plus a symmetric perturbation. */
function perturbed(Sigma: Float64Array, p: number): Float64Array {
  const S = Float64Array.from(Sigma);
  for (let a = 0; a < p; a++)
    for (let b = 0; b <= a; b++) {
      const e = 0.01 * Math.sin(1.7 * a + 0.3 * b + 1);
      S[a * p + b] += e;
      if (a !== b) S[b * p + a] += e;
    }
  return S;
}

describe("Woodbury evaluation of the pure CFA (woodbury.ts) against the dense p x p path", () => {
  it("F, the score direction and W times the derivative vectors agree to rounding (paper CFA, both metrics)", () => {
    for (const stdLv of [false, true]) {
      const model = paperCfaModel(stdLv);
      expect(woodburyApplies(model)).toBe(true);
      const p = model.observed.length;
      const q = model.nFree;
      // a point away from any optimum: the start values of a population-like S, perturbed
      const S = perturbed(paperPopulation(p), p);
      const theta = startValues(model, S).map((x, k) => x * (1 + 0.05 * Math.cos(k)));
      const im = implied(model, theta)!;
      const LS = cholesky(S, p)!;
      const logdetS = logdetFromCholesky(LS, p);
      const L = cholesky(im.Sigma, p)!;
      const W = inverseFromCholesky(L, p);
      let tr = 0;
      for (let a = 0; a < p * p; a++) tr += S[a] * W[a];
      const Fdense = logdetFromCholesky(L, p) + tr - logdetS - p;
      const e = woodburyEvaluate(im, S, logdetS)!;
      expect(Math.abs(e.F - Fdense)).toBeLessThan(1e-12);
      const pv = paramVectors(model);
      const gDense = gradientFast(p, pv, weighted(im, W), S, im.Sigma);
      const g = woodburyGradient(model, im, e, S);
      let maxG = 0;
      for (let k = 0; k < q; k++) maxG = Math.max(maxG, Math.abs(g[k] - gDense[k]));
      expect(maxG).toBeLessThan(1e-12);
      const wd = weighted(im, W);
      const ww = woodburyWeighted(im, e);
      let maxW = 0;
      for (let a = 0; a < wd.WV.length; a++) maxW = Math.max(maxW, Math.abs(wd.WV[a] - ww.WV[a]));
      expect(maxW).toBeLessThan(1e-12);
    }
  });

  it("does not apply with a residual covariance or a regression", () => {
    const withCov = buildModel({
      factors: [
        { name: "F", indicators: ["a", "b", "c"] },
        { name: "G", indicators: ["d", "e", "f"] },
      ],
      residualCovariances: [["a", "d"]],
    });
    expect(withCov.ok && woodburyApplies(withCov.model)).toBe(false);
    const withReg = buildModel({
      factors: [
        { name: "F", indicators: ["a", "b", "c"] },
        { name: "G", indicators: ["d", "e", "f"] },
      ],
      regressions: [{ lhs: "G", rhs: ["F"] }],
    });
    expect(withReg.ok && woodburyApplies(withReg.model)).toBe(false);
  });
});
