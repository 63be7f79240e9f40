/**
 * The firms a survey can reach, as columns: standardized construct scores and the attributes
 * the sampling frame, the response model and the non-response checks use. The dynamics mode
 * supplies real attributes; until then placeholderFrame.ts draws documented PLACEHOLDER ones.
 */
export interface FirmAttributes {
  /** Calendar year of founding. */
  foundingYear: Float64Array;
  /** Share of total production exported, 0..1. */
  exportShare: Float64Array;
  employees: Float64Array;
  /** Total sales, millions of USD. */
  sales: Float64Array;
  /** Performance history: average annual sales growth over the past 3 years, percent. */
  salesGrowth: Float64Array;
  /** Performance history: return on investment, percent. */
  roi: Float64Array;
  /** 1 = industrial goods, 0 = consumer goods. */
  productCategory: Float64Array;
}

export const ATTRIBUTE_NAMES = [
  "employees",
  "foundingYear",
  "sales",
  "productCategory",
  "roi",
  "salesGrowth",
  "exportShare",
] as const satisfies readonly (keyof FirmAttributes)[]; // Method: the paper's non-response check variables

export interface SurveyUniverse {
  /** Number of firms. */
  n: number;
  /** Standardized construct scores, one column per construct in CONSTRUCTS order. */
  latent: Float64Array[];
  attributes: FirmAttributes;
  /** Firms screened to find these (placeholder frames draw only eligible firms); default n. */
  screened?: number;
  /**
   * Fill in construct scores drawn lazily (the placeholder frame draws PERF for every firm and
   * the other constructs only for respondents). Called once by runSurvey with the usable rows.
   */
  completeLatent?: (rows: ArrayLike<number>) => void;
}

export interface FrameCriteria {
  /** Founded in this year or later (null: no criterion). */
  minFoundingYear: number | null;
  /** Exporting at least this share of production (0: no criterion). */
  minExportShare: number;
}

/** Whether firm i meets the frame criteria. */
export function inFrame(a: FirmAttributes, i: number, f: FrameCriteria): boolean {
  return (
    (f.minFoundingYear === null || a.foundingYear[i] >= f.minFoundingYear) &&
    a.exportShare[i] >= f.minExportShare
  );
}
