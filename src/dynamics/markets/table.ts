import type { MarketsConfig } from "../../scenario/sections/dynamics.ts";
import { COUNTRIES, type CountryRecord, REGIONS } from "./countries.ts";
import { greatCircleKm, hofstedeVariances, kogutSingh } from "./distance.ts";

/**
 * The foreign markets of a run as columns (index m = 0..M-1, home country excluded), with
 * distances from the home country computed from the country records.
 */
export interface MarketTable {
  home: CountryRecord;
  countries: CountryRecord[];
  m: number;
  iso3: string[];
  isoNumeric: string[];
  /** Region index into `regions`. */
  region: Int32Array;
  regions: readonly string[];
  /** GDP relative to the home country's GDP. */
  relGdp: Float64Array;
  /** Great-circle distance between capitals, km. */
  distanceKm: Float64Array;
  /** Kogut-Singh cultural distance from home. */
  psychic: Float64Array;
}

/** Build the market table from the scenario's markets section (validated before). */
export function buildMarkets(
  cfg: Pick<MarketsConfig, "home" | "countries" | "exclude">,
): MarketTable {
  const all: readonly CountryRecord[] = (cfg.countries as CountryRecord[] | undefined) ?? COUNTRIES;
  const home = all.find((c) => c.iso3 === cfg.home);
  if (!home) throw new Error(`markets.home: unknown home country "${cfg.home}"`);
  // Variances over the whole list, before exclusions (docs/ODD.md, section 2).
  const variances = hofstedeVariances(all);
  const excluded = new Set(cfg.exclude ?? []);
  const countries = all.filter((c) => c !== home && !excluded.has(c.iso3));
  const regions: string[] = [...REGIONS];
  for (const c of countries) if (!regions.includes(c.region)) regions.push(c.region);
  const m = countries.length;
  const t: MarketTable = {
    home,
    countries,
    m,
    iso3: countries.map((c) => c.iso3),
    isoNumeric: countries.map((c) => c.isoNumeric),
    region: Int32Array.from(countries, (c) => regions.indexOf(c.region)),
    regions,
    relGdp: Float64Array.from(countries, (c) => c.gdp2000 / home.gdp2000),
    distanceKm: Float64Array.from(countries, (c) =>
      greatCircleKm(home.lat, home.lon, c.lat, c.lon),
    ),
    psychic: Float64Array.from(countries, (c) => kogutSingh(c, home, variances)),
  };
  return t;
}
