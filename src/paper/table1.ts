import type { Construct } from "./constructs.ts";

/**
 * Table 1 of Knight & Cavusgil (2004): means, standard deviations and Pearson correlations of
 * the composite scores (n = 203, 1-7 scale). Correlations are the paper's, rounded to two
 * decimals as printed; the lower triangle is given row by row in CONSTRUCTS order.
 */
export const TABLE1_N = 203; // Table 1 / Method: 203 usable responses

export const TABLE1_MEANS: Record<Construct, number> = {
  IEO: 5.13,
  IMO: 4.64,
  GTC: 5.12,
  UPD: 4.84,
  QF: 5.75,
  LFDC: 4.32,
  PERF: 4.58,
}; // Table 1, column "mean"

export const TABLE1_SDS: Record<Construct, number> = {
  IEO: 0.98,
  IMO: 0.84,
  GTC: 1.02,
  UPD: 0.98,
  QF: 0.7,
  LFDC: 0.88,
  PERF: 0.96,
}; // Table 1, column "sd"

/** Table 1 correlations, lower triangle (row i holds r[i][0..i-1]). */
const LOWER: number[][] = [
  [],
  [0.36], // IMO
  [0.33, 0.23], // GTC
  [0.27, 0.3, 0.44], // UPD
  [0.36, 0.44, 0.19, 0.31], // QF
  [0.19, 0.29, 0.16, 0.17, 0.29], // LFDC
  [0.32, 0.49, 0.36, 0.35, 0.44, 0.32], // PERF
];

/** Table 1 as a full symmetric 7 x 7 correlation matrix (CONSTRUCTS order). */
export const TABLE1_CORRELATIONS: readonly (readonly number[])[] = LOWER.map((_, i) =>
  LOWER.map((__, j) => (i === j ? 1 : i > j ? LOWER[i][j] : LOWER[j][i])),
);

/** Table 1 footnote: correlations above 0.18 significant at p < .01, above 0.15 at p < .05. */
export const TABLE1_SIGNIFICANCE_NOTE = { p01: 0.18, p05: 0.15 } as const;
