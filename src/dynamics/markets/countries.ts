import { MARKET_DATA_FILES } from "./data.generated.ts";
import { loadMarkets } from "./load.ts";
import type { CountryRecord } from "./record.ts";

export { type CountryRecord, REGIONS } from "./record.ts";

/**
 * The built-in markets: 65 real countries (the home country among them) with the data the
 * dynamics model needs, built by ./load.ts from the data files in ./data (embedded by the
 * generated ./data.generated.ts). Origin, vintage and terms of every file, and every gap filled,
 * are in ./data/README.md; COUNTRY_SOURCES names the source of each value.
 * - gdp2000: GDP in 2000, current US$ billions: World Bank WDI NY.GDP.MKTP.CD, one vintage
 *   (2023-05-10) for every country; Taiwan (not in the WDI) from the IMF WEO, October 2025.
 * - pdi, idv, mas, uai: Hofstede's published 6-D matrix (2015-08-16), scores as in Hofstede,
 *   Hofstede & Minkov (2010); Saudi Arabia, the UAE and Egypt take the matrix's "Arab countries"
 *   region score, South Africa the "South Africa white" sample (the matrix has no country score).
 * - iso3 / isoNumeric: ISO 3166-1; isoNumeric is the world-atlas `countries-110m.json` feature
 *   id (Hong Kong and Singapore have no polygon at 1:110m).
 * - lat / lon: the capital city, for the great-circle distance (./distance.ts).
 */
const LOADED = loadMarkets(MARKET_DATA_FILES);

export const COUNTRIES: readonly CountryRecord[] = LOADED.countries;

/** By ISO3 code: the source of every field of the built-in record. */
export const COUNTRY_SOURCES = LOADED.sources;
