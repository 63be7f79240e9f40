import { covariance, type Mat } from "../src/math/linalg.ts";
import type { ModelStructure } from "../src/model/spec.ts";

/** A small seeded generator (mulberry32) and standard normals (Box-Muller). */
export function rng(seed: number): {
  u: () => number;
  z: () => number;
  int: (n: number) => number;
} {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  return { u, z, int: (n: number) => Math.floor(u() * n) };
}

export interface RandomModel {
  structure: ModelStructure;
  /** Which rule the model breaks, or null when the closed form applies. */
  violation: null | "different-predictors" | "incomplete-block" | "fixed" | "equal" | "exo-endo";
}

/**
 * A random recursive model whose residual covariances sit in complete blocks of equations with
 * identical predictors (violation null), or such a model changed to break one rule.
 */
export function randomModel(seed: number, violate: boolean): RandomModel {
  const r = rng(seed);
  const p = 3 + r.int(5);
  const variables = Array.from({ length: p }, (_, i) => `V${i}`);
  const nExo = 1 + r.int(Math.min(3, p - 2));
  const paths: { from: string; to: string; label?: string; fixed?: number }[] = [];
  const covariances: { a: string; b: string }[] = [];
  const blocks: { eqs: number[]; parents: number[] }[] = [];
  let i = nExo;
  while (i < p) {
    const e = Math.min(p - i, 1 + r.int(3));
    const preds = Array.from({ length: i }, (_, k) => k);
    let parents = preds.filter(() => r.u() < 0.6);
    if (!parents.length) parents = [preds[r.int(preds.length)]];
    const eqs = Array.from({ length: e }, (_, k) => i + k);
    blocks.push({ eqs, parents });
    for (const y of eqs)
      for (const x of parents) paths.push({ from: variables[x], to: variables[y] });
    if (r.u() < 0.7)
      for (let a = 0; a < e; a++)
        for (let b = a + 1; b < e; b++)
          covariances.push({ a: variables[eqs[a]], b: variables[eqs[b]] });
    i += e;
  }
  let violation: RandomModel["violation"] = null;
  if (violate) {
    const kinds = [
      "different-predictors",
      "incomplete-block",
      "fixed",
      "equal",
      "exo-endo",
    ] as const;
    const kind = kinds[r.int(kinds.length)];
    const same = (x: number[], y: number[]) =>
      x.length === y.length && x.every((v) => y.includes(v));
    const ancestor = (a: number, b: number): boolean =>
      blocks.some((bl) => bl.eqs.includes(b) && bl.parents.some((x) => x === a || ancestor(a, x)));
    if (kind === "different-predictors") {
      // two endogenous variables with different predictors, neither an ancestor of the other
      const endo = blocks.flatMap((b) => b.eqs.map((y) => ({ y, parents: b.parents })));
      const pairs = endo.flatMap((x, a) =>
        endo
          .slice(a + 1)
          .filter((w) => !same(x.parents, w.parents) && !ancestor(x.y, w.y) && !ancestor(w.y, x.y))
          .map((w) => [x.y, w.y]),
      );
      if (pairs.length) {
        const [a, b] = pairs[r.int(pairs.length)];
        covariances.push({ a: variables[a], b: variables[b] });
        violation = kind;
      }
    } else if (kind === "incomplete-block") {
      const big = blocks.find((b) => b.eqs.length === 3);
      if (big) {
        const [a, b, c] = big.eqs.map((k) => variables[k]);
        for (let k = covariances.length - 1; k >= 0; k--)
          if ([a, b, c].includes(covariances[k].a)) covariances.splice(k, 1);
        covariances.push({ a, b }, { a: b, b: c });
        violation = kind;
      }
    } else if (kind === "exo-endo") {
      // an exogenous variable covaried with an endogenous one it does not predict
      const pairs = blocks.flatMap((b) =>
        b.eqs.flatMap((y) =>
          Array.from({ length: nExo }, (_, x) => x)
            .filter((x) => !ancestor(x, y))
            .map((x) => [x, y]),
        ),
      );
      if (pairs.length) {
        const [a, b] = pairs[r.int(pairs.length)];
        covariances.push({ a: variables[a], b: variables[b] });
        violation = kind;
      }
    } else if (kind === "fixed") {
      paths[r.int(paths.length)].fixed = 0.2;
      violation = kind;
    } else {
      const a = r.int(paths.length);
      const b = r.int(paths.length);
      if (a !== b) {
        paths[a].label = "eq";
        paths[b].label = "eq";
        violation = kind;
      }
    }
  }
  return { structure: { variables, paths, covariances }, violation };
}

/** A sample covariance matrix (divisor n - 1) of n draws from a random positive-definite Sigma. */
export function randomCovariance(seed: number, p: number, n: number): Mat {
  const r = rng(seed ^ 0x9e3779b9);
  const L = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    L[a * p + a] = 0.5 + r.u();
    for (let b = 0; b < a; b++) L[a * p + b] = 0.8 * r.z();
  }
  const cols = Array.from({ length: p }, () => new Float64Array(n));
  const z = new Float64Array(p);
  for (let c = 0; c < n; c++) {
    for (let a = 0; a < p; a++) z[a] = r.z();
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b <= a; b++) s += L[a * p + b] * z[b];
      cols[a][c] = s;
    }
  }
  return covariance(cols, n);
}
