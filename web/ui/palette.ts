/**
 * Colour-blind-safe colours (Okabe & Ito 2008 palette), used for every categorical encoding.
 * Sequential scales use viridis (perceptually uniform, readable in greyscale).
 */
export const PALETTE = {
  positive: "#0072B2", // blue
  negative: "#D55E00", // vermillion
  bornGlobal: "#0072B2",
  gradual: "#E69F00", // orange
  baseline: "#555555",
  policy: "#009E73", // bluish green
  accent: "#CC79A7", // reddish purple
  supported: "#0072B2",
  notSupported: "#999999",
  text: "#1a1a1a",
  muted: "#555555",
} as const;
