/** The source study. Every constant under src/paper/ cites a table or section of it. */
export const CITATION =
  "Knight, G. A. & Cavusgil, S. T. (2004). Innovation, organizational capabilities, and the " +
  "born-global firm. Journal of International Business Studies 35, 124-141.";
