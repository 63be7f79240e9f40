/** One country of the markets table (a built-in record or one of a scenario's custom list). */
export interface CountryRecord {
  iso3: string;
  isoNumeric: string;
  name: string;
  region: string;
  /** GDP in 2000, current US$ billions. */
  gdp2000: number;
  capital: string;
  lat: number;
  lon: number;
  pdi: number;
  idv: number;
  mas: number;
  uai: number;
  /** Where the four Hofstede scores come from (for the built-in list: the matrix row). */
  hofstedeSource: string;
}

export const REGIONS = [
  "North America",
  "Latin America",
  "Western Europe",
  "Eastern Europe",
  "East Asia",
  "Southeast Asia",
  "South Asia",
  "Oceania",
  "Middle East & Africa",
] as const;
