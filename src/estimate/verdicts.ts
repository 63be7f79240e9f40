import type { Verdict } from "../paper/table2.ts";

/**
 * A hypothesis verdict in the paper's terms: "S" (supported) when the path is significant at
 * alpha (two-sided Wald z test) in the hypothesised, positive direction; "NS" otherwise.
 */
export function verdict(estimate: number, p: number, alpha: number): Verdict {
  return p < alpha && estimate > 0 ? "S" : "NS";
}
