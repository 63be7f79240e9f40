/**
 * Facts about the paper's sample and firms (Knight & Cavusgil 2004, Method and Data analysis
 * sections). Targets for the virtual survey and for the dynamics calibration.
 */
export const SAMPLE = {
  frame: "Directory of United States Exporters and CorpTech Directory of Technology Companies",
  minFoundingYear: 1980, // Method: firms founded in 1980 or later
  minExportShare: 0.25, // Method: exporting at least 25% of total production
  mailed: 900, // Method: random sample of 900 manufacturers
  usable: 203, // Method: 203 usable responses
  responseRate: 0.23, // Method: about 23%
  surveyYear: 2002, // our reading: the survey ran shortly before the 2004 publication (paper gives no year)
  meanEmployees: 190, // Data analysis: respondents averaged 190 employees
  meanSalesMillionUSD: 32, // Data analysis: $32M total sales
  meanForeignShare: 0.41, // Data analysis: foreign customers 41% of sales
  medianCountries: 20, // Data analysis: median 20 countries targeted
  medianYearsToFirstForeignSale: 2, // Data analysis: median began within 2 years of founding
  bornGlobalYearsToEntry: 3, // Definition: first foreign entry within about 3 years of founding
  nonResponseCheckVariables: [
    "employees",
    "foundingYear",
    "sales",
    "productCategory",
    "roi",
    "salesGrowth",
    "exportMarketShare",
  ], // Method: early vs late and respondents vs non-respondents, no difference at p < .05
  pilotFirms: 82, // Method: pilot study
  interviews: 33, // Qualitative phase
  secondSampleN: 134, // Measurement: general exporters, CFI 0.90, NNFI 0.89, RMSEA 0.14
} as const;

/** Measurement-model fit of the paper's CFA (LISREL 8), Measurement section. */
export const CFA_FIT = { CFI: 0.92, NNFI: 0.91, DELTA2: 0.92, RNI: 0.92, RMSEA: 0.046 } as const;
