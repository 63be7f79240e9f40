/**
 * The built-in markets: 65 real countries (the home country among them) with the data the
 * dynamics model needs. Plain data, no computation; distances are computed in ./distance.ts.
 *
 * Sources (each column):
 * - iso3 / isoNumeric: ISO 3166-1 alpha-3 and numeric codes; isoNumeric is the zero-padded
 *   string world-atlas `countries-110m.json` uses as feature id (Hong Kong and Singapore have
 *   no polygon at 1:110m; the map shows them as points or not at all).
 * - gdp2000: GDP in 2000, current US$ billions, World Bank World Development Indicators,
 *   indicator NY.GDP.MKTP.CD, rounded to 3 significant figures. Taiwan is not covered by the
 *   WDI: IMF World Economic Outlook (2000, current US$). CAVEAT: these values (and the
 *   Hofstede scores below) were entered by hand from the published tables as recalled, without
 *   access to the sources where this file was written; they are unverified and may be off by
 *   more than WDI's own revisions. Check them against a fresh download before citing them
 *   (the model uses log GDP and a composite cultural index, so modest errors move it little).
 * - lat / lon: the capital city (decimal degrees), for great-circle distance from the home
 *   country's capital.
 * - pdi, idv, mas, uai: Hofstede's power distance, individualism, masculinity and uncertainty
 *   avoidance scores. Source "H2001": Hofstede (2001) Culture's Consequences, 2nd ed., Sage,
 *   the IBM-survey scores for 50 countries (Exhibit A5 tables). Source "H2010": Hofstede,
 *   Hofstede & Minkov (2010) Cultures and Organizations, 3rd ed., McGraw-Hill, replication
 *   and estimated scores for countries not in the IBM set.
 *   The psychic/cultural distance index is Kogut & Singh's (1988, JIBS 19(3):411-432)
 *   composite of these four dimensions, computed in ./distance.ts.
 */
export interface CountryRecord {
  iso3: string;
  isoNumeric: string;
  name: string;
  region: string;
  /** GDP in 2000, current US$ billions (WDI NY.GDP.MKTP.CD). */
  gdp2000: number;
  capital: string;
  lat: number;
  lon: number;
  pdi: number;
  idv: number;
  mas: number;
  uai: number;
  hofstedeSource: "H2001" | "H2010";
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

type Row = [
  string,
  string,
  string,
  (typeof REGIONS)[number],
  number,
  string,
  number,
  number,
  number,
  number,
  number,
  number,
  "H2001" | "H2010",
];

// iso3, isoNumeric, name, region, gdp2000 (US$ bn), capital, lat, lon, PDI, IDV, MAS, UAI, source
// biome-ignore format: one country per line is the readable form of this table
const ROWS: Row[] = [
  ["USA", "840", "United States", "North America", 10250, "Washington", 38.9, -77.04, 40, 91, 62, 46, "H2001"],
  ["CAN", "124", "Canada", "North America", 744, "Ottawa", 45.42, -75.7, 39, 80, 52, 48, "H2001"],
  ["MEX", "484", "Mexico", "Latin America", 708, "Mexico City", 19.43, -99.13, 81, 30, 69, 82, "H2001"],
  ["BRA", "076", "Brazil", "Latin America", 655, "Brasilia", -15.79, -47.88, 69, 38, 49, 76, "H2001"],
  ["ARG", "032", "Argentina", "Latin America", 284, "Buenos Aires", -34.6, -58.38, 49, 46, 56, 86, "H2001"],
  ["VEN", "862", "Venezuela", "Latin America", 117, "Caracas", 10.48, -66.9, 81, 12, 73, 76, "H2001"],
  ["COL", "170", "Colombia", "Latin America", 99.9, "Bogota", 4.71, -74.07, 67, 13, 64, 80, "H2001"],
  ["CHL", "152", "Chile", "Latin America", 77.9, "Santiago", -33.45, -70.67, 63, 23, 28, 86, "H2001"],
  ["PER", "604", "Peru", "Latin America", 51.7, "Lima", -12.05, -77.04, 64, 16, 42, 87, "H2001"],
  ["URY", "858", "Uruguay", "Latin America", 22.8, "Montevideo", -34.9, -56.16, 61, 36, 38, 100, "H2001"],
  ["ECU", "218", "Ecuador", "Latin America", 18.3, "Quito", -0.18, -78.47, 78, 8, 63, 67, "H2001"],
  ["GTM", "320", "Guatemala", "Latin America", 19.3, "Guatemala City", 14.63, -90.51, 95, 6, 37, 101, "H2001"],
  ["CRI", "188", "Costa Rica", "Latin America", 15.9, "San Jose", 9.93, -84.08, 35, 15, 21, 86, "H2001"],
  ["PAN", "591", "Panama", "Latin America", 12.3, "Panama City", 8.98, -79.52, 95, 11, 44, 86, "H2001"],
  ["SLV", "222", "El Salvador", "Latin America", 11.8, "San Salvador", 13.69, -89.22, 66, 19, 40, 94, "H2001"],
  ["JAM", "388", "Jamaica", "Latin America", 9.0, "Kingston", 18.02, -76.8, 45, 39, 68, 13, "H2001"],
  ["GBR", "826", "United Kingdom", "Western Europe", 1660, "London", 51.51, -0.13, 35, 89, 66, 35, "H2001"],
  ["DEU", "276", "Germany", "Western Europe", 1950, "Berlin", 52.52, 13.4, 35, 67, 66, 65, "H2001"],
  ["FRA", "250", "France", "Western Europe", 1370, "Paris", 48.86, 2.35, 68, 71, 43, 86, "H2001"],
  ["ITA", "380", "Italy", "Western Europe", 1140, "Rome", 41.9, 12.5, 50, 76, 70, 75, "H2001"],
  ["ESP", "724", "Spain", "Western Europe", 598, "Madrid", 40.42, -3.7, 57, 51, 42, 86, "H2001"],
  ["NLD", "528", "Netherlands", "Western Europe", 416, "Amsterdam", 52.37, 4.9, 38, 80, 14, 53, "H2001"],
  ["CHE", "756", "Switzerland", "Western Europe", 279, "Bern", 46.95, 7.45, 34, 68, 70, 58, "H2001"],
  ["BEL", "056", "Belgium", "Western Europe", 236, "Brussels", 50.85, 4.35, 65, 75, 54, 94, "H2001"],
  ["SWE", "752", "Sweden", "Western Europe", 262, "Stockholm", 59.33, 18.07, 31, 71, 5, 29, "H2001"],
  ["AUT", "040", "Austria", "Western Europe", 197, "Vienna", 48.21, 16.37, 11, 55, 79, 70, "H2001"],
  ["NOR", "578", "Norway", "Western Europe", 171, "Oslo", 59.91, 10.75, 31, 69, 8, 50, "H2001"],
  ["DNK", "208", "Denmark", "Western Europe", 164, "Copenhagen", 55.68, 12.57, 18, 74, 16, 23, "H2001"],
  ["FIN", "246", "Finland", "Western Europe", 126, "Helsinki", 60.17, 24.94, 33, 63, 26, 59, "H2001"],
  ["GRC", "300", "Greece", "Western Europe", 130, "Athens", 37.98, 23.73, 60, 35, 57, 112, "H2001"],
  ["PRT", "620", "Portugal", "Western Europe", 118, "Lisbon", 38.72, -9.14, 63, 27, 31, 104, "H2001"],
  ["IRL", "372", "Ireland", "Western Europe", 100, "Dublin", 53.35, -6.26, 28, 70, 68, 35, "H2001"],
  ["LUX", "442", "Luxembourg", "Western Europe", 21.3, "Luxembourg", 49.61, 6.13, 40, 60, 50, 70, "H2010"],
  ["RUS", "643", "Russia", "Eastern Europe", 260, "Moscow", 55.76, 37.62, 93, 39, 36, 95, "H2010"],
  ["POL", "616", "Poland", "Eastern Europe", 172, "Warsaw", 52.23, 21.01, 68, 60, 64, 93, "H2010"],
  ["CZE", "203", "Czech Republic", "Eastern Europe", 61.8, "Prague", 50.08, 14.44, 57, 58, 57, 74, "H2010"],
  ["HUN", "348", "Hungary", "Eastern Europe", 47.0, "Budapest", 47.5, 19.04, 46, 80, 88, 82, "H2010"],
  ["ROU", "642", "Romania", "Eastern Europe", 37.3, "Bucharest", 44.43, 26.1, 90, 30, 42, 90, "H2010"],
  ["SVK", "703", "Slovakia", "Eastern Europe", 29.2, "Bratislava", 48.15, 17.11, 104, 52, 110, 51, "H2010"],
  ["BGR", "100", "Bulgaria", "Eastern Europe", 13.2, "Sofia", 42.7, 23.32, 70, 30, 40, 85, "H2010"],
  ["EST", "233", "Estonia", "Eastern Europe", 5.7, "Tallinn", 59.44, 24.75, 40, 60, 30, 60, "H2010"],
  ["TUR", "792", "Turkey", "Middle East & Africa", 274, "Ankara", 39.93, 32.86, 66, 37, 45, 85, "H2001"],
  ["JPN", "392", "Japan", "East Asia", 4970, "Tokyo", 35.68, 139.69, 54, 46, 95, 92, "H2001"],
  ["CHN", "156", "China", "East Asia", 1210, "Beijing", 39.9, 116.41, 80, 20, 66, 30, "H2010"],
  ["KOR", "410", "South Korea", "East Asia", 576, "Seoul", 37.57, 126.98, 60, 18, 39, 85, "H2001"],
  ["TWN", "158", "Taiwan", "East Asia", 331, "Taipei", 25.03, 121.57, 58, 17, 45, 69, "H2001"],
  ["HKG", "344", "Hong Kong", "East Asia", 172, "Hong Kong", 22.32, 114.17, 68, 25, 57, 29, "H2001"],
  ["IDN", "360", "Indonesia", "Southeast Asia", 165, "Jakarta", -6.21, 106.85, 78, 14, 46, 48, "H2001"],
  ["THA", "764", "Thailand", "Southeast Asia", 126, "Bangkok", 13.76, 100.5, 64, 20, 34, 64, "H2001"],
  ["SGP", "702", "Singapore", "Southeast Asia", 96.1, "Singapore", 1.35, 103.82, 74, 20, 48, 8, "H2001"],
  ["MYS", "458", "Malaysia", "Southeast Asia", 93.8, "Kuala Lumpur", 3.14, 101.69, 104, 26, 50, 36, "H2001"],
  ["PHL", "608", "Philippines", "Southeast Asia", 81.0, "Manila", 14.6, 120.98, 94, 32, 64, 44, "H2001"],
  ["VNM", "704", "Vietnam", "Southeast Asia", 31.2, "Hanoi", 21.03, 105.85, 70, 20, 40, 30, "H2010"],
  ["IND", "356", "India", "South Asia", 468, "New Delhi", 28.61, 77.21, 77, 48, 56, 40, "H2001"],
  ["PAK", "586", "Pakistan", "South Asia", 74.0, "Islamabad", 33.68, 73.05, 55, 14, 50, 70, "H2001"],
  ["BGD", "050", "Bangladesh", "South Asia", 53.4, "Dhaka", 23.81, 90.41, 80, 20, 55, 60, "H2010"],
  ["AUS", "036", "Australia", "Oceania", 415, "Canberra", -35.28, 149.13, 36, 90, 61, 51, "H2001"],
  ["NZL", "554", "New Zealand", "Oceania", 52.6, "Wellington", -41.29, 174.78, 22, 79, 58, 49, "H2001"],
  ["SAU", "682", "Saudi Arabia", "Middle East & Africa", 190, "Riyadh", 24.71, 46.68, 95, 25, 60, 80, "H2010"],
  ["ARE", "784", "United Arab Emirates", "Middle East & Africa", 104, "Abu Dhabi", 24.45, 54.38, 90, 25, 50, 80, "H2010"],
  ["ISR", "376", "Israel", "Middle East & Africa", 132, "Jerusalem", 31.77, 35.21, 13, 54, 47, 81, "H2001"],
  ["IRN", "364", "Iran", "Middle East & Africa", 110, "Tehran", 35.69, 51.39, 58, 41, 43, 59, "H2001"],
  ["EGY", "818", "Egypt", "Middle East & Africa", 99.8, "Cairo", 30.04, 31.24, 70, 25, 45, 80, "H2010"],
  ["MAR", "504", "Morocco", "Middle East & Africa", 38.9, "Rabat", 34.02, -6.84, 70, 46, 53, 68, "H2010"],
  ["ZAF", "710", "South Africa", "Middle East & Africa", 152, "Pretoria", -25.75, 28.19, 49, 65, 63, 49, "H2001"],
];

export const COUNTRIES: readonly CountryRecord[] = ROWS.map(
  ([iso3, isoNumeric, name, region, gdp2000, capital, lat, lon, pdi, idv, mas, uai, src]) => ({
    iso3,
    isoNumeric,
    name,
    region,
    gdp2000,
    capital,
    lat,
    lon,
    pdi,
    idv,
    mas,
    uai,
    hofstedeSource: src,
  }),
);
