import { type CountryRecord, REGIONS } from "./record.ts";

/**
 * The loader of the built-in markets table: pure functions from the texts of the data files in
 * ./data (see ./data/README.md for their origin) to the country records. ./countries.ts applies
 * it to the copies embedded in ./data.generated.ts; test/dynamics.markets.data.test.ts applies it
 * to the files themselves and checks both agree.
 */

/** The data files, by name in ./data. */
export interface MarketDataFiles {
  /** Our table: codes, names, regions, capitals and which row of each source a country takes. */
  "countries.csv": string;
  /** Hofstede's 6-D matrix of 2015-08-16, verbatim (`;`-separated, `#NULL!` = no score). */
  "hofstede-6d-2015-08-16.csv": string;
  /** World Bank WDI NY.GDP.MKTP.CD, vintage 2023-05-10: our countries' rows, verbatim. */
  "wdi-gdp-1980-2002-current-usd-2023-05-10.csv": string;
  /** IMF WEO October 2025, NGDPD of Taiwan (not in the WDI), converted to US$. */
  "weo-gdp-1980-2002-current-usd-taiwan-2025-10.csv": string;
}

export const MARKET_DATA_FILE_NAMES = [
  "countries.csv",
  "hofstede-6d-2015-08-16.csv",
  "wdi-gdp-1980-2002-current-usd-2023-05-10.csv",
  "weo-gdp-1980-2002-current-usd-taiwan-2025-10.csv",
] as const satisfies readonly (keyof MarketDataFiles)[];

/** The source of every field of a country record. */
export type CountrySources = Record<keyof CountryRecord, string>;

export interface LoadedMarkets {
  countries: CountryRecord[];
  /** By ISO3 code: the source of each field. */
  sources: Record<string, CountrySources>;
  /** By ISO3 code: GDP in current US$ billions for each year 1980-2002 (NaN where missing). */
  gdpByYear: Record<string, { years: number[]; gdp: number[] }>;
}

/** Minimal RFC 4180 reader: `sep`-separated fields, double-quoted fields may hold `sep` and "". */
export function parseDelimited(text: string, sep = ","): string[][] {
  const rows: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line === "") continue;
    const row: string[] = [];
    let i = 0;
    for (;;) {
      let field = "";
      if (line[i] === '"') {
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          if (q < 0) throw new Error(`unterminated quoted field in: ${line}`);
          field += line.slice(i, q);
          i = q + 1;
          if (line[i] === '"') {
            field += '"';
            i++;
          } else break;
        }
      } else {
        const e = line.indexOf(sep, i);
        field = e < 0 ? line.slice(i) : line.slice(i, e);
        i = e < 0 ? line.length : e;
      }
      row.push(field);
      if (i >= line.length) break;
      if (line[i] !== sep) throw new Error(`expected "${sep}" after a quoted field in: ${line}`);
      i++;
      if (i === line.length) {
        row.push("");
        break;
      }
    }
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header. */
function table(text: string, sep: string, file: string): Record<string, string>[] {
  const [header, ...rows] = parseDelimited(text, sep);
  if (!header) throw new Error(`${file}: empty`);
  return rows.map((r, k) => {
    if (r.length !== header.length)
      throw new Error(`${file}, line ${k + 2}: ${r.length} fields, header has ${header.length}`);
    return Object.fromEntries(header.map((h, j) => [h, r[j]]));
  });
}

function num(s: string, what: string): number {
  const x = Number(s);
  if (s.trim() === "" || !Number.isFinite(x)) throw new Error(`${what}: not a number ("${s}")`);
  return x;
}

const HOFSTEDE = "Hofstede 6-D matrix 2015-08-16 (Hofstede, Hofstede & Minkov 2010)";
const WDI = "World Bank WDI NY.GDP.MKTP.CD (current US$), vintage 2023-05-10";
const WEO =
  "IMF World Economic Outlook October 2025, NGDPD (current US$ bn), DataMapper 2025-11-19";
const GDP_SOURCES: Record<string, { file: keyof MarketDataFiles; label: string }> = {
  WDI: { file: "wdi-gdp-1980-2002-current-usd-2023-05-10.csv", label: WDI },
  WEO: { file: "weo-gdp-1980-2002-current-usd-taiwan-2025-10.csv", label: WEO },
};
const FIRST_YEAR = 1980;
const LAST_YEAR = 2002;

/**
 * Build the country records from the data files. Throws on any gap: a country without its
 * GDP source row or its 2000 value, a Hofstede row without four-dimension scores, an unknown
 * region or GDP source.
 */
export function loadMarkets(files: MarketDataFiles): LoadedMarkets {
  const hof = new Map(
    table(files["hofstede-6d-2015-08-16.csv"], ";", "hofstede").map((r) => [r.ctr, r]),
  );
  const gdpRows = new Map<string, Map<string, Record<string, string>>>();
  for (const [key, g] of Object.entries(GDP_SOURCES))
    gdpRows.set(key, new Map(table(files[g.file], ",", g.file).map((r) => [r.iso3, r])));
  const countries: CountryRecord[] = [];
  const sources: Record<string, CountrySources> = {};
  const gdpByYear: LoadedMarkets["gdpByYear"] = {};
  for (const c of table(files["countries.csv"], ",", "countries.csv")) {
    const at = `countries.csv ${c.iso3}`;
    if (!(REGIONS as readonly string[]).includes(c.region))
      throw new Error(`${at}: unknown region "${c.region}"`);
    const h = hof.get(c.hofstedeRow);
    if (!h) throw new Error(`${at}: no Hofstede row "${c.hofstedeRow}"`);
    const score = (d: string) => {
      if (h[d] === "#NULL!") throw new Error(`${at}: Hofstede row ${h.ctr} has no ${d} score`);
      return num(h[d], `${at} ${d}`);
    };
    const g = GDP_SOURCES[c.gdpSource];
    if (!g) throw new Error(`${at}: unknown GDP source "${c.gdpSource}"`);
    const gr = gdpRows.get(c.gdpSource)?.get(c.iso3);
    if (!gr) throw new Error(`${at}: no row in ${g.file}`);
    const years: number[] = [];
    const gdp: number[] = [];
    for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) {
      years.push(y);
      const v = gr[`gdp_${y}`];
      gdp.push(v === "" || v === undefined ? Number.NaN : num(v, `${g.file} ${c.iso3} ${y}`) / 1e9);
    }
    const gdp2000 = gdp[2000 - FIRST_YEAR];
    if (!(gdp2000 > 0)) throw new Error(`${at}: no GDP for 2000 in ${g.file}`);
    const hofRow = `${HOFSTEDE}, row ${h.ctr} (${h.country})`;
    countries.push({
      iso3: c.iso3,
      isoNumeric: c.isoNumeric,
      name: c.name,
      region: c.region,
      gdp2000,
      capital: c.capital,
      lat: num(c.lat, `${at} lat`),
      lon: num(c.lon, `${at} lon`),
      pdi: score("pdi"),
      idv: score("idv"),
      mas: score("mas"),
      uai: score("uai"),
      hofstedeSource: hofRow,
    });
    const ours =
      "countries.csv (ours; ISO codes and capital positions checked, see data/README.md)";
    const capital = "countries.csv: capital position, decimal degrees (checked to about 6 km)";
    sources[c.iso3] = {
      iso3: "ISO 3166-1 alpha-3",
      isoNumeric: "ISO 3166-1 numeric (world-atlas countries-110m feature id)",
      name: ours,
      region: "countries.csv: our grouping",
      gdp2000: `${g.label}, ${c.iso3} ${2000}`,
      capital: ours,
      lat: capital,
      lon: capital,
      pdi: hofRow,
      idv: hofRow,
      mas: hofRow,
      uai: hofRow,
      hofstedeSource: c.note ? `${hofRow}: ${c.note}` : hofRow,
    };
    gdpByYear[c.iso3] = { years, gdp };
  }
  return { countries, sources, gdpByYear };
}
