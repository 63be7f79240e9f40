import type { Construct } from "./constructs.ts";

export type Verdict = "S" | "NS";

export interface PublishedPath {
  hypothesis: string;
  from: Construct;
  to: Construct;
  /** Standardized path coefficient as printed (LISREL 8 path analysis). */
  coefficient: number;
  /** The paper's verdict: S = supported, NS = not significant. */
  verdict: Verdict;
}

/** Table 2 of Knight & Cavusgil (2004): the 12 hypothesised paths, coefficients and verdicts. */
export const TABLE2: readonly PublishedPath[] = [
  { hypothesis: "H1a", from: "IEO", to: "GTC", coefficient: 0.28, verdict: "S" },
  { hypothesis: "H1b", from: "IMO", to: "GTC", coefficient: 0.13, verdict: "NS" },
  { hypothesis: "H2a", from: "IEO", to: "UPD", coefficient: 0.19, verdict: "S" },
  { hypothesis: "H2b", from: "IMO", to: "UPD", coefficient: 0.24, verdict: "S" },
  { hypothesis: "H3a", from: "IEO", to: "QF", coefficient: 0.23, verdict: "S" },
  { hypothesis: "H3b", from: "IMO", to: "QF", coefficient: 0.35, verdict: "S" },
  { hypothesis: "H4a", from: "IEO", to: "LFDC", coefficient: 0.1, verdict: "NS" },
  { hypothesis: "H4b", from: "IMO", to: "LFDC", coefficient: 0.26, verdict: "S" },
  { hypothesis: "H5a", from: "GTC", to: "PERF", coefficient: 0.21, verdict: "S" },
  { hypothesis: "H5b", from: "UPD", to: "PERF", coefficient: 0.14, verdict: "S" },
  { hypothesis: "H5c", from: "QF", to: "PERF", coefficient: 0.3, verdict: "S" },
  { hypothesis: "H5d", from: "LFDC", to: "PERF", coefficient: 0.18, verdict: "S" },
];

/** Table 2 footnote: coefficients above 0.18 significant at p < .01, above 0.13 at p < .05. */
export const TABLE2_SIGNIFICANCE_NOTE = { p01: 0.18, p05: 0.13 } as const;

/** The hypothesis label of a path, if the paper hypothesised it. */
export function hypothesisOf(from: string, to: string): string | undefined {
  return TABLE2.find((p) => p.from === from && p.to === to)?.hypothesis;
}
