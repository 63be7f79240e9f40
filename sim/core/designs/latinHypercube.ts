import type { Stream } from "../../../src/random/stream.ts";
import { permutation } from "./unit.ts";

/**
 * A Latin hypercube of `n` points in `k` dimensions on the unit cube (McKay, Beckman & Conover
 * 1979): each dimension's [0, 1) is cut into n equal strata and every stratum holds exactly one
 * point. Column j uses its own permutation; the point sits uniformly inside its stratum, or at
 * its centre when `centered`. Returns rows [point][dimension]. Deterministic given the stream.
 */
export function latinHypercube(n: number, k: number, s: Stream, centered = false): number[][] {
  const rows = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  for (let j = 0; j < k; j++) {
    const perm = permutation(n, s);
    for (let i = 0; i < n; i++) rows[i][j] = (perm[i] + (centered ? 0.5 : s.next())) / n;
  }
  return rows;
}
