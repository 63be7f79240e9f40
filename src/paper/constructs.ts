/**
 * The seven constructs of Knight & Cavusgil (2004), Figure 1: organizational culture (IEO, IMO)
 * drives business strategies (GTC, UPD, QF, LFDC), which drive performance (PERF).
 * Order matters: every matrix in Born Global Lab is indexed in this order.
 */
export const CONSTRUCTS = ["IEO", "IMO", "GTC", "UPD", "QF", "LFDC", "PERF"] as const;
export type Construct = (typeof CONSTRUCTS)[number];

export const CONSTRUCT_NAMES: Record<Construct, string> = {
  IEO: "International entrepreneurial orientation",
  IMO: "International marketing orientation",
  GTC: "Global technological competence",
  UPD: "Unique products development",
  QF: "Quality focus",
  LFDC: "Leveraging foreign distributor competences",
  PERF: "Performance in international markets",
};

/** Level in the paper's Figure 1. */
export const CONSTRUCT_LEVEL: Record<Construct, "culture" | "strategy" | "outcome"> = {
  IEO: "culture",
  IMO: "culture",
  GTC: "strategy",
  UPD: "strategy",
  QF: "strategy",
  LFDC: "strategy",
  PERF: "outcome",
};

export function isConstruct(key: string): key is Construct {
  return (CONSTRUCTS as readonly string[]).includes(key);
}
