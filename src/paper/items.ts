import type { Construct } from "./constructs.ts";

/** A response scale: integer points from min to max, with its anchors as printed. */
export interface ResponseScale {
  min: number;
  max: number;
  anchors: string;
}

export const SCALE_EXTENT: ResponseScale = {
  min: 1,
  max: 7,
  anchors: "1 = not at all, 7 = to an extreme extent",
};
export const SCALE_VS_COMPETITORS: ResponseScale = {
  min: 1,
  max: 7,
  anchors: "1 = much worse, 7 = much better than main competitors",
};
export const SCALE_DISTRIBUTOR: ResponseScale = {
  min: 1,
  max: 7,
  anchors: "1 = falls very short, 7 = meets expectations very well",
};
export const SCALE_SATISFACTION: ResponseScale = {
  min: 1,
  max: 7,
  anchors:
    "1 = very unsatisfied, 7 = very satisfied (relative to prior expectations, past 3 years)",
};
export const SCALE_GROWTH_VS_COMPETITORS: ResponseScale = {
  min: 1,
  max: 7,
  anchors: "1 = substantially lower, 7 = substantially higher",
};
export const SCALE_SUCCESS_10: ResponseScale = {
  min: 1,
  max: 10,
  anchors: "success over the past 3 years, rated 1 to 10",
};

export interface Item {
  id: string;
  construct: Construct;
  text: string;
  /** Standardized CFA loading (Appendix); null for items dropped in purification (none reported). */
  loading: number | null;
  dropped: boolean;
  /** Reverse-polarity item (all of them were dropped in the paper). */
  reverse: boolean;
  scale: ResponseScale;
}

const kept = (
  id: string,
  construct: Construct,
  text: string,
  loading: number,
  scale: ResponseScale,
): Item => ({ id, construct, text, loading, dropped: false, reverse: false, scale });
const dropped = (
  id: string,
  construct: Construct,
  text: string,
  scale: ResponseScale,
  reverse = false,
): Item => ({ id, construct, text, loading: null, dropped: true, reverse, scale });

/** Appendix of Knight & Cavusgil (2004): every item, its construct, loading and scale. */
export const ITEMS: readonly Item[] = [
  // IEO, Appendix (reported CR 0.80)
  kept(
    "IEO1",
    "IEO",
    "Top management tends to see the world, instead of just the USA, as our firm's marketplace",
    0.92,
    SCALE_EXTENT,
  ),
  kept(
    "IEO2",
    "IEO",
    "The prevailing organizational culture is conducive to active exploration of new business opportunities abroad",
    0.89,
    SCALE_EXTENT,
  ),
  kept(
    "IEO3",
    "IEO",
    "Management continuously communicates its mission to succeed in international markets to firm employees",
    0.95,
    SCALE_EXTENT,
  ),
  kept(
    "IEO4",
    "IEO",
    "Management develops human and other resources for achieving our goals in international markets",
    0.89,
    SCALE_EXTENT,
  ),
  kept(
    "IEO5",
    "IEO",
    "Our top management is experienced in international business",
    0.73,
    SCALE_EXTENT,
  ),
  dropped(
    "IEO6",
    "IEO",
    "We have marketed very many products in foreign markets over the past 5 years",
    SCALE_EXTENT,
  ),
  dropped(
    "IEO7",
    "IEO",
    "Top management has a proclivity for high-risk projects abroad",
    SCALE_EXTENT,
  ),
  dropped(
    "IEO8",
    "IEO",
    "We typically adopt a cautious 'wait-and-see' posture abroad",
    SCALE_EXTENT,
    true,
  ),
  dropped(
    "IEO9",
    "IEO",
    "Management communicates successful and unsuccessful customer experiences abroad",
    SCALE_EXTENT,
  ),
  dropped(
    "IEO10",
    "IEO",
    "We explore foreign markets gradually, via conservative, incremental steps",
    SCALE_EXTENT,
    true,
  ),
  dropped(
    "IEO11",
    "IEO",
    "We are willing to go to great lengths to succeed in foreign markets",
    SCALE_EXTENT,
  ),
  dropped(
    "IEO12",
    "IEO",
    "Vision and drive were important in our decision to enter foreign markets",
    SCALE_EXTENT,
  ),
  // IMO, Appendix (reported CR 0.85)
  kept("IMO1", "IMO", "Knowledge of customers and competitors", 0.8, SCALE_VS_COMPETITORS),
  kept("IMO2", "IMO", "Marketing planning process", 0.82, SCALE_VS_COMPETITORS),
  kept("IMO3", "IMO", "Development or adaptation of the product", 0.68, SCALE_VS_COMPETITORS),
  kept("IMO4", "IMO", "Effectiveness of pricing", 0.62, SCALE_VS_COMPETITORS),
  kept("IMO5", "IMO", "Advertising effectiveness", 0.7, SCALE_VS_COMPETITORS),
  kept("IMO6", "IMO", "Effectiveness of distribution", 0.77, SCALE_VS_COMPETITORS),
  kept("IMO7", "IMO", "Image of your firm", 0.88, SCALE_VS_COMPETITORS),
  kept(
    "IMO8",
    "IMO",
    "Ability to use marketing tools (product design, pricing, advertising, etc.) to differentiate this product",
    0.81,
    SCALE_VS_COMPETITORS,
  ),
  kept("IMO9", "IMO", "Control and evaluation of marketing activities", 0.8, SCALE_VS_COMPETITORS),
  dropped("IMO10", "IMO", "Locations of sales outlets", SCALE_VS_COMPETITORS),
  dropped("IMO11", "IMO", "Ability to work well with distributors", SCALE_VS_COMPETITORS),
  dropped(
    "IMO12",
    "IMO",
    "Ability to respond quickly to developing opportunities",
    SCALE_VS_COMPETITORS,
  ),
  dropped("IMO13", "IMO", "Skill to target and segment individual markets", SCALE_VS_COMPETITORS),
  // GTC, Appendix (reported CR 0.72)
  kept(
    "GTC1",
    "GTC",
    "Our firm is at the leading technological edge of our industry in this market",
    0.75,
    SCALE_EXTENT,
  ),
  kept(
    "GTC2",
    "GTC",
    "We invented a lot of the technology imbedded in this product",
    0.94,
    SCALE_EXTENT,
  ),
  kept(
    "GTC3",
    "GTC",
    "Compared with local competitors, we're often first to introduce product innovations or new operating approaches",
    0.91,
    SCALE_EXTENT,
  ),
  dropped(
    "GTC4",
    "GTC",
    "We are recognized in our main export market for technologically superior products",
    SCALE_EXTENT,
  ),
  dropped(
    "GTC5",
    "GTC",
    "We are highly regarded for technical expertise among channel members",
    SCALE_EXTENT,
  ),
  dropped("GTC6", "GTC", "We employ some of the most skilled specialists", SCALE_EXTENT),
  // UPD, Appendix (reported CR 0.78)
  kept(
    "UPD1",
    "UPD",
    "Our primary export product caters to a specialized need that is difficult for our competitors to match",
    0.88,
    SCALE_EXTENT,
  ),
  kept(
    "UPD2",
    "UPD",
    "In our industry, this product represents a new, innovative approach to addressing the customer's basic need",
    0.85,
    SCALE_EXTENT,
  ),
  kept(
    "UPD3",
    "UPD",
    "Compared with main competitors' offerings, this product is unique with respect to design",
    0.81,
    SCALE_EXTENT,
  ),
  kept(
    "UPD4",
    "UPD",
    "Compared with main competitors' offerings, this product is unique with respect to technology",
    0.97,
    SCALE_EXTENT,
  ),
  kept(
    "UPD5",
    "UPD",
    "Compared with main competitors' offerings, this product is unique with respect to performance",
    0.75,
    SCALE_EXTENT,
  ),
  // QF, Appendix (reported CR 0.72)
  kept(
    "QF1",
    "QF",
    "Emphasizing quality customer service is important to our firm's strategy in this market",
    0.46,
    SCALE_EXTENT,
  ),
  kept(
    "QF2",
    "QF",
    "Emphasizing product quality is important to our firm's strategy in this market",
    0.41,
    SCALE_EXTENT,
  ),
  kept(
    "QF3",
    "QF",
    "For us, success in this market is driven by truly satisfying the needs of our customers there",
    0.59,
    SCALE_EXTENT,
  ),
  kept(
    "QF4",
    "QF",
    "The performance of this product truly meets the expectations of customers in this market",
    0.53,
    SCALE_EXTENT,
  ),
  kept(
    "QF5",
    "QF",
    "The service and support provided with this product truly meet the expectations of customers in this market",
    0.79,
    SCALE_EXTENT,
  ),
  // LFDC, Appendix (reported CR 0.92)
  kept("LFDC1", "LFDC", "Setting local prices", 0.78, SCALE_DISTRIBUTOR),
  kept("LFDC2", "LFDC", "Local selling", 0.93, SCALE_DISTRIBUTOR),
  kept("LFDC3", "LFDC", "Local advertising", 0.98, SCALE_DISTRIBUTOR),
  kept("LFDC4", "LFDC", "After-sales service", 0.89, SCALE_DISTRIBUTOR),
  kept("LFDC5", "LFDC", "Collecting local market information", 0.72, SCALE_DISTRIBUTOR),
  kept("LFDC6", "LFDC", "Liaison with local government", 0.79, SCALE_DISTRIBUTOR),
  kept("LFDC7", "LFDC", "Cultivating new business/expansion", 0.81, SCALE_DISTRIBUTOR),
  dropped("LFDC8", "LFDC", "Product modification", SCALE_DISTRIBUTOR),
  dropped("LFDC9", "LFDC", "Arranging international shipping", SCALE_DISTRIBUTOR),
  dropped("LFDC10", "LFDC", "Arranging local shipping", SCALE_DISTRIBUTOR),
  dropped("LFDC11", "LFDC", "Local public relations", SCALE_DISTRIBUTOR),
  dropped("LFDC12", "LFDC", "Customer technical support/training", SCALE_DISTRIBUTOR),
  dropped("LFDC13", "LFDC", "Translation of sales literature", SCALE_DISTRIBUTOR),
  // PERF, Appendix (reported CR 0.86)
  kept("PERF1", "PERF", "Market share in this market", 0.87, SCALE_SATISFACTION),
  kept("PERF2", "PERF", "Sales growth in this market", 0.85, SCALE_SATISFACTION),
  kept("PERF3", "PERF", "Pre-tax profitability in this market", 0.97, SCALE_SATISFACTION),
  kept(
    "PERF4",
    "PERF",
    "Sales growth of this product in its main export market compared with main competitors",
    0.78,
    SCALE_GROWTH_VS_COMPETITORS,
  ),
  kept(
    "PERF5",
    "PERF",
    "Success of this product in its main export market over the past 3 years",
    0.92,
    SCALE_SUCCESS_10,
  ),
  dropped("PERF6", "PERF", "Gaining new knowledge/technology in this market", SCALE_SATISFACTION),
  dropped(
    "PERF7",
    "PERF",
    "ROI in main export market compared with domestic business",
    SCALE_SATISFACTION,
  ),
];

/** Composite reliabilities as reported in the Appendix (may differ from the loadings' CR). */
export const REPORTED_CR: Record<Construct, number> = {
  IEO: 0.8,
  IMO: 0.85,
  GTC: 0.72,
  UPD: 0.78,
  QF: 0.72,
  LFDC: 0.92,
  PERF: 0.86,
}; // Appendix

export const RETAINED_ITEMS: readonly Item[] = ITEMS.filter((i) => !i.dropped);
