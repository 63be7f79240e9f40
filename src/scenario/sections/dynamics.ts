import { z } from "zod";
import { COUNTRIES, REGIONS } from "../../dynamics/markets/countries.ts";

/**
 * The dynamics section: firms founded over time enter foreign markets, perform, learn and
 * exit (docs/ODD.md describes every parameter). Defaults are the calibrated baseline; each
 * carries its unit and allowed range. Rates are per year (the model converts them to its step).
 * "Our calibration" means the value was chosen by `bgsim calibrate` (docs/ODD.md,
 * "Calibration"), not taken from a source.
 */
function num(dflt: number, min: number, max: number, description: string) {
  return z.number().min(min).max(max).default(dflt).meta({ description });
}
function rate(dflt: number, max: number, description: string) {
  return z
    .number()
    .min(0, { message: "must be a non-negative rate" })
    .max(max)
    .default(dflt)
    .meta({ description });
}
function section<T extends z.ZodRawShape>(shape: T, description: string) {
  return z
    .strictObject(shape)
    .prefault({} as never)
    .meta({ description });
}

export const EntryParams = section(
  {
    baseRate: rate(
      0.0192,
      10,
      "Entry hazard per year into a market of attractiveness 1 (GDP equal to the home country's, 1,000 km away, no cultural distance) for an average firm (IEO = IMO = 0 SD, no knowledge, age 0) in the start year; our calibration",
    ),
    ieo: num(
      0.758,
      -3,
      3,
      "Log-hazard change per SD of IEO (entrepreneurial orientation drives proactive entry); our calibration",
    ),
    imo: num(
      0.35,
      -3,
      3,
      "Log-hazard change per SD of IMO (marketing orientation: finding and managing distributors); our choice (IMO also acts through LFDC and performance)",
    ),
    knowledge: num(
      4.64,
      -5,
      10,
      "Log-hazard change from no to full international knowledge (0..1); our calibration",
    ),
    marketSize: num(
      0.691,
      0,
      3,
      "Elasticity of the entry hazard to the market's GDP (gravity: entry rises with market size, Eaton, Kortum & Kramarz 2011); our calibration",
    ),
    psychicDistance: num(
      0.35,
      0,
      5,
      "Log-hazard change per unit of Kogut-Singh cultural distance (Uppsala: Johanson & Vahlne 1977)",
    ),
    geographicDistance: num(
      0.45,
      0,
      5,
      "Elasticity of the entry hazard to great-circle distance from home (gravity)",
    ),
    heritage: num(
      0.08,
      0,
      5,
      "Log-hazard decrease per year of purely domestic age before the first entry (administrative heritage, Knight & Cavusgil 2004); frozen at the first entry. Our choice: 0.08 halves the hazard after about 9 domestic years",
    ),
    globalisationTrend: num(
      0.045,
      -0.5,
      0.5,
      "Growth per year of every entry hazard from the start year (globalisation, cheaper ICT and logistics). Our choice: 0.045 makes the hazard about 2.7 times higher in 2002 than in 1980",
    ),
  },
  "Foreign market entry: the hazard of firm f entering market m",
);

export const DistributorParams = section(
  {
    lfdcWeight: num(
      0.7,
      0,
      1,
      "Correlation of a distributor's competence with the firm's LFDC (rest: luck of the draw); our choice",
    ),
    replaceRate: rate(
      0.8,
      20,
      "Hazard per year of replacing a distributor while the market's smoothed performance is below replaceBelow; our choice (a poor distributor is replaced after about 15 months on average)",
    ),
    replaceBelow: num(
      -0.5,
      -5,
      5,
      "Smoothed performance (SD units) below which the firm looks for a new distributor; our choice (about the bottom third of relationships)",
    ),
  },
  "Independent foreign distributors: competence at entry and replacement",
);

export const PerformanceParams = section(
  {
    knowledge: num(
      0.3,
      -3,
      3,
      "Performance change (SD units) from no to full international knowledge (learning benefits later performance, Knight & Cavusgil 2004); our choice",
    ),
    marketShockSd: num(
      0.25,
      0,
      3,
      "SD of the market-period shock (SD units of performance), common to all firms in a market; our choice",
    ),
    firmShockSd: num(
      0.5,
      0,
      3,
      "SD of the firm-period shock (SD units of performance); our choice",
    ),
    smoothing: num(
      0.25,
      0.01,
      1,
      "Weight of the current period in a market's smoothed performance (exponential moving average per step); our choice (memory of about a year at quarterly steps)",
    ),
  },
  "Performance per market and period: the H5 structure (GTC, UPD, QF, distributor competence) plus shocks",
);

export const SalesParams = section(
  {
    domesticSales: num(
      1,
      0.01,
      100,
      "Domestic sales (the unit of sales); foreign sales are measured against it; a normalisation",
    ),
    scale: num(
      0.112,
      0,
      100,
      "Sales in a market of US-sized GDP at average performance, relative to domestic sales, once ramped up; our calibration",
    ),
    marketSize: num(0.5, 0, 3, "Elasticity of a market's sales to its GDP (gravity); our choice"),
    performance: num(0.5, 0, 3, "Log-sales change per SD of market performance; our choice"),
    rampYears: num(
      1.5,
      0,
      20,
      "Time constant (years) of the ramp-up of sales in a new market (Ruhl & Willis 2017: new exporters start small)",
    ),
    domesticGrowth: num(
      0.02,
      -0.5,
      0.5,
      "Growth per year of domestic sales with firm age; our choice",
    ),
  },
  "Sales per market and the foreign-sales share",
);

export const LearningParams = section(
  {
    perMarket: num(
      0.08,
      0,
      5,
      "Knowledge gained per market ever entered (before diminishing returns); our choice",
    ),
    perYearAbroad: num(
      0.1,
      0,
      5,
      "Knowledge gained per year since the first foreign entry (before diminishing returns); our choice",
    ),
  },
  "Learning: knowledge = 1 - exp(-(perMarket * markets entered + perYearAbroad * years abroad)), in [0, 1)",
);

export const MarketExitParams = section(
  {
    baseRate: rate(
      0.32,
      20,
      "Hazard per year of withdrawing from a market at smoothed performance 0, single market, after the first years; our calibration",
    ),
    performance: num(
      1.74,
      0,
      5,
      "Log-hazard decrease per SD of smoothed market performance (persistent poor performance withdraws); our calibration",
    ),
    psychicDistance: num(
      0.15,
      -3,
      3,
      "Log-hazard change per unit of cultural distance (Albornoz et al. 2016: survival falls with distance)",
    ),
    knowledge: num(
      0.0222,
      -5,
      5,
      "Log-hazard decrease from no to full knowledge (survival rises with experience) (Albornoz et al. 2016); our calibration",
    ),
    newSpell: num(
      8.75,
      0,
      20,
      "Extra hazard multiplier of a new market relationship, decaying with its age (exit hazard falls after the first years: Besedes & Prusa 2006); our calibration",
    ),
    newSpellYears: num(
      0.431,
      0.1,
      20,
      "Decay time (years) of the extra hazard of a new relationship; our calibration",
    ),
    diversification: num(
      0,
      0,
      5,
      "Each relationship's exit hazard scales with (markets served)^-diversification. Volpe Martincus & Carballo (2010) find firm-level export exit about 50% lower with 2 and 70% lower with 3 destinations; in the model that pattern already follows from independent relationships, so the per-relationship effect is calibrated (near 0)",
    ),
  },
  "Withdrawal from a market",
);

export const FirmExitParams = section(
  {
    baseRate: rate(
      0.0714,
      10,
      "Firm exit hazard per year of a mature firm at average performance; our calibration",
    ),
    performance: num(
      0.4,
      0,
      5,
      "Log-hazard decrease per SD of the firm's performance propensity; our choice",
    ),
    newness: num(
      2,
      0,
      50,
      "Extra hazard multiplier of a new firm, decaying with age (liability of newness, Stinchcombe 1965)",
    ),
    newnessYears: num(3, 0.1, 50, "Decay time (years) of the liability of newness; our choice"),
    earlyInternational: num(
      0,
      -2,
      2,
      "Log-hazard change for firms that entered a foreign market within the born-global window. Published findings range from higher failure (Sleuwaegen & Onkelinx 2014: about +0.5) to none after selection correction (Sui & Baum 2014: 0)",
    ),
  },
  "Firm exit",
);

export const SizeParams = section(
  {
    medianEmployees: num(
      26.4,
      1,
      100_000,
      "Median employees of a firm at the survey date, before performance and age effects; our calibration against 190 mean employees of the respondents",
    ),
    sdLogEmployees: num(1.1, 0, 5, "SD of log employees across firms; our choice"),
    growthPerYear: num(0.06, -1, 1, "Growth of log employees per year of age; our choice"),
    performance: num(
      0.3,
      -3,
      3,
      "Log-employees change per SD of performance propensity; our choice",
    ),
    salesPerEmployee: num(
      0.17,
      0.001,
      100,
      "Sales per employee, US$ million (32M / 190 employees of the respondents, Knight & Cavusgil 2004 sample section)",
    ),
  },
  "Firm size (employees, US$ sales), reported to the survey",
);

export const DynamicsSection = z
  .strictObject({
    firms: z
      .number()
      .int()
      .min(10)
      .max(2_000_000)
      .default(100_000)
      .meta({ description: "Firms founded over the whole period (firms)" }),
    startYear: z
      .number()
      .int()
      .min(1900)
      .max(2100)
      .default(1980)
      .meta({ description: "First year of foundings (calendar year)" }),
    endYear: z
      .number()
      .int()
      .min(1900)
      .max(2100)
      .default(2002)
      .meta({ description: "Last simulated year (inclusive)" }),
    surveyYear: z.number().int().min(1900).max(2100).default(2002).meta({
      description: "The survey is taken at the end of this year; between startYear and endYear",
    }),
    stepsPerYear: z
      .union([z.literal(1), z.literal(2), z.literal(4), z.literal(12)])
      .default(4)
      .meta({ description: "Time steps per year (4 = quarterly)" }),
    foundingGrowth: num(
      0.02,
      -0.5,
      0.5,
      "Growth per year of the number of firms founded per step; our choice",
    ),
    bornGlobal: section(
      {
        windowYears: num(
          3,
          0,
          30,
          "Born global: first foreign entry within this many years of founding (Knight & Cavusgil 1996)",
        ),
        minForeignShare: num(
          0.25,
          0,
          1,
          "Born global: and a foreign-sales share of at least this (Knight & Cavusgil 1996; Autio et al. 2000)",
        ),
      },
      "Born-global status thresholds (computed, never assigned)",
    ),
    frame: section(
      {
        foundedFrom: z.number().int().min(1900).max(2100).default(1980).meta({
          description:
            "The survey frame: firms founded in or after this year (Knight & Cavusgil 2004, method)",
        }),
        minForeignShare: num(
          0.25,
          0,
          1,
          "The survey frame: foreign share of sales at least this (Knight & Cavusgil 2004: 25% of production)",
        ),
      },
      "The surveyed frame the calibration targets refer to",
    ),
    entry: EntryParams,
    distributor: DistributorParams,
    performance: PerformanceParams,
    sales: SalesParams,
    learning: LearningParams,
    marketExit: MarketExitParams,
    firmExit: FirmExitParams,
    size: SizeParams,
    events: z.boolean().default(false).meta({
      description: "Keep the per-firm, per-market event log (entries, exits, distributor changes)",
    }),
  })
  .prefault({})
  .superRefine((d, ctx) => {
    if (d.endYear < d.startYear)
      ctx.addIssue({
        code: "custom",
        path: ["endYear"],
        message: `must be >= startYear (${d.startYear}): years out of order`,
      });
    if (d.surveyYear < d.startYear || d.surveyYear > d.endYear)
      ctx.addIssue({
        code: "custom",
        path: ["surveyYear"],
        message: `must be between startYear (${d.startYear}) and endYear (${d.endYear})`,
      });
    if (d.frame.foundedFrom > d.surveyYear)
      ctx.addIssue({
        code: "custom",
        path: ["frame", "foundedFrom"],
        message: `must be <= surveyYear (${d.surveyYear})`,
      });
  })
  .meta({
    description: "Agent-based dynamics: founding, entry, distributors, performance, learning, exit",
  });

/** One market record of a custom market list (every field required). */
export const MarketRecordSchema = z.strictObject({
  iso3: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: "must be an ISO 3166-1 alpha-3 code (3 capital letters)" }),
  isoNumeric: z
    .string()
    .regex(/^\d{3}$/, { message: "must be a 3-digit ISO 3166-1 numeric code as a string" }),
  name: z.string().min(1),
  region: z.enum(REGIONS),
  gdp2000: z.number().gt(0).meta({ description: "GDP around 2000, current US$ billions" }),
  capital: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  pdi: z.number().min(0).max(150),
  idv: z.number().min(0).max(150),
  mas: z.number().min(0).max(150),
  uai: z.number().min(0).max(150),
  hofstedeSource: z.string(),
});

export const MarketsSection = z
  .strictObject({
    home: z
      .string()
      .default("USA")
      .meta({ description: "ISO3 code of the home country (the firms' country)" }),
    countries: z.array(MarketRecordSchema).min(2).optional().meta({
      description:
        "A custom market list replacing the built-in 65 countries (every field required)",
    }),
    exclude: z
      .array(z.string())
      .default([])
      .meta({ description: "ISO3 codes of markets to leave out" }),
  })
  .prefault({})
  .superRefine((m, ctx) => {
    const list = m.countries ?? COUNTRIES;
    const codes = new Set(list.map((c) => c.iso3));
    if (!codes.has(m.home))
      ctx.addIssue({
        code: "custom",
        path: ["home"],
        message: `unknown home country "${m.home}": must be one of the market list's ISO3 codes (${[...codes].slice(0, 8).join(", ")}, ...)`,
      });
    m.exclude.forEach((x, i) => {
      if (!codes.has(x))
        ctx.addIssue({ code: "custom", path: ["exclude", i], message: `unknown country "${x}"` });
    });
    const seen = new Set<string>();
    m.countries?.forEach((c, i) => {
      if (seen.has(c.iso3))
        ctx.addIssue({
          code: "custom",
          path: ["countries", i, "iso3"],
          message: `duplicate country ${c.iso3}`,
        });
      seen.add(c.iso3);
    });
    if (codes.size - m.exclude.filter((x) => x !== m.home).length - 1 < 1)
      ctx.addIssue({ code: "custom", path: ["exclude"], message: "leaves no foreign market" });
  })
  .meta({
    description:
      "Markets: the home country and the foreign markets (built-in 65 countries by default)",
  });

export type DynamicsConfig = z.output<typeof DynamicsSection>;
export type MarketsConfig = z.output<typeof MarketsSection>;
