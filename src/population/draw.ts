import { cholesky, type Mat } from "../math/linalg.ts";
import type { StructuralModel } from "../model/implied.ts";
import { fillNormals } from "../random/deviates.ts";
import { derive, type StreamKeyPart } from "../random/stream.ts";

/**
 * Firms' construct scores drawn from a structural model's implied correlation matrix:
 * z = L e with L the Cholesky factor of Sigma, then rescaled to a composite scale
 * (score = mean + sd * z, Table 1's means and SDs on the 1-7 scale by default).
 *
 * Firms are drawn in fixed blocks of BLOCK_SIZE, each block from its own stream
 * (seed, replication, "population", block), so the scores of firm i never depend on how the
 * population was split into chunks or which worker drew it.
 */
export const BLOCK_SIZE = 1024;

export interface Population {
  variables: readonly string[];
  n: number;
  /** One column per variable (typed arrays, column-major: columns[v][firm]). */
  columns: Float64Array[];
}

/** What a draw needs of a model: its variables and their correlation matrix (row-major p x p). */
export type CorrelationModel = Pick<StructuralModel, "variables" | "p" | "Sigma">;

export interface DrawOptions {
  seed: StreamKeyPart;
  replication?: StreamKeyPart;
  /** Means and SDs to rescale to, by variable; omit for standardized (latent) scores. */
  means?: Record<string, number>;
  sds?: Record<string, number>;
  /** Stream purpose, default "population". */
  purpose?: string;
}

/** Draw firms [start, end) of a population. */
export function drawPopulationRange(
  model: CorrelationModel,
  start: number,
  end: number,
  o: DrawOptions,
): Population {
  const p = model.p;
  const L = cholesky(model.Sigma, p) as Mat;
  const n = end - start;
  const columns = model.variables.map(() => new Float64Array(n));
  // deviates of one block, sized to the largest prefix any block here needs
  const e = new Float64Array(Math.min(BLOCK_SIZE, end) * p);
  const firstBlock = Math.floor(start / BLOCK_SIZE);
  const lastBlock = Math.floor((end - 1) / BLOCK_SIZE);
  const mean = model.variables.map((v) => o.means?.[v] ?? 0);
  const sd = model.variables.map((v) => o.sds?.[v] ?? 1);
  for (let b = firstBlock; b <= lastBlock && n > 0; b++) {
    const s = derive(o.seed, o.replication ?? 0, o.purpose ?? "population", b);
    const lo = Math.max(start, b * BLOCK_SIZE);
    const hi = Math.min(end, (b + 1) * BLOCK_SIZE);
    // only the block's prefix up to the last firm needed: the stream yields its normals in
    // order, so firm f's deviates are the same whether the rest of the block is drawn or not
    fillNormals(s, e, 0, (hi - b * BLOCK_SIZE) * p);
    for (let f = lo; f < hi; f++) {
      const base = (f - b * BLOCK_SIZE) * p;
      const row = f - start;
      for (let i = 0; i < p; i++) {
        let z = 0;
        for (let k = 0; k <= i; k++) z += L[i * p + k] * e[base + k];
        columns[i][row] = mean[i] + sd[i] * z;
      }
    }
  }
  return { variables: model.variables, n, columns };
}

export function drawPopulation(model: CorrelationModel, n: number, o: DrawOptions): Population {
  return drawPopulationRange(model, 0, n, o);
}
