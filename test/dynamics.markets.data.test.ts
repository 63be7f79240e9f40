import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED, generatedModule, readMarketDataFiles } from "../sim/node/tools/marketsData.ts";
import { COUNTRIES, COUNTRY_SOURCES } from "../src/dynamics/markets/countries.ts";
import { MARKET_DATA_FILES } from "../src/dynamics/markets/data.generated.ts";
import { loadMarkets, type MarketDataFiles, parseDelimited } from "../src/dynamics/markets/load.ts";
import { buildMarkets } from "../src/dynamics/markets/table.ts";

// The built-in markets table against the shipped data files (src/dynamics/markets/data).
const files = readMarketDataFiles();

describe("markets table from the shipped data files", () => {
  it("the generated module embeds the data files verbatim (regenerate: write-markets-data.ts)", () => {
    expect(MARKET_DATA_FILES).toEqual(files);
    expect(readFileSync(GENERATED, "utf8")).toBe(generatedModule(files));
  });

  it("the table built from the files is the one the model uses", () => {
    const loaded = loadMarkets(files);
    expect(COUNTRIES).toEqual(loaded.countries);
    expect(COUNTRY_SOURCES).toEqual(loaded.sources);
    expect(COUNTRIES.length).toBe(65);
    const t = buildMarkets({ home: "USA", exclude: [] });
    expect(t.home).toEqual(loaded.countries[0]);
    expect(t.countries).toEqual(loaded.countries.filter((c) => c.iso3 !== "USA"));
    const usa = loaded.countries[0];
    t.countries.forEach((c, m) => expect(t.relGdp[m]).toBe(c.gdp2000 / usa.gdp2000));
  });

  it("every value carries a source", () => {
    for (const c of COUNTRIES) {
      const s = COUNTRY_SOURCES[c.iso3];
      expect(Object.keys(s).sort()).toEqual(Object.keys(c).sort());
      for (const v of Object.values(s)) expect(v.length).toBeGreaterThan(10);
    }
    expect(COUNTRY_SOURCES.PAK.gdp2000).toMatch(/WDI.*2023-05-10/);
    expect(COUNTRY_SOURCES.TWN.gdp2000).toMatch(/IMF World Economic Outlook October 2025/);
    expect(COUNTRY_SOURCES.SAU.pdi).toMatch(/row ARA \(Arab countries\)/);
    expect(COUNTRY_SOURCES.ZAF.hofstedeSource).toMatch(/row SAW .*white/);
  });

  it("one GDP vintage for every country but Taiwan, values as in the files", () => {
    const wdi = COUNTRIES.filter((c) => /WDI/.test(COUNTRY_SOURCES[c.iso3].gdp2000));
    expect(wdi.length).toBe(64);
    expect(COUNTRIES.filter((c) => !wdi.includes(c)).map((c) => c.iso3)).toEqual(["TWN"]);
    const by = (iso: string) => COUNTRIES.find((c) => c.iso3 === iso)!;
    // Figures quoted in the data README (WDI 2023-05-10; IMF WEO October 2025).
    expect(by("PAK").gdp2000).toBeCloseTo(82.0, 1);
    expect(by("CRI").gdp2000).toBeCloseTo(15.01, 2);
    expect(by("TWN").gdp2000).toBe(330.68);
    expect(by("USA").gdp2000).toBeCloseTo(10250.95, 2);
  });

  it("Hofstede scores are the matrix's, the Gulf states and Egypt the Arab-countries row", () => {
    const by = (iso: string) => COUNTRIES.find((c) => c.iso3 === iso)!;
    const dims = (iso: string) => [by(iso).pdi, by(iso).idv, by(iso).mas, by(iso).uai];
    expect(dims("AUS")).toEqual([38, 90, 61, 51]);
    for (const iso of ["SAU", "ARE", "EGY"]) expect(dims(iso)).toEqual([80, 38, 53, 68]);
    expect(dims("ZAF")).toEqual([49, 65, 63, 49]);
    expect(dims("TWN")).toEqual([58, 17, 45, 69]);
  });

  it("refuses gaps instead of filling them silently", () => {
    const swap = (name: keyof MarketDataFiles, from: string, to: string): MarketDataFiles => ({
      ...files,
      [name]: files[name].replace(from, to),
    });
    // Saudi Arabia's own row of the matrix has no four-dimension scores.
    expect(() => loadMarkets(swap("countries.csv", "46.68,ARA,WDI", "46.68,SAU,WDI"))).toThrow(
      /row SAU has no pdi score/,
    );
    // Taiwan is not in the WDI.
    expect(() => loadMarkets(swap("countries.csv", "TAI,WEO", "TAI,WDI"))).toThrow(
      /TWN: no row in wdi/,
    );
    expect(() => loadMarkets(swap("countries.csv", "Oceania", "Oceanie"))).toThrow(
      /unknown region/,
    );
  });

  it("reads quoted CSV fields", () => {
    expect(parseDelimited('a,"b, c","d ""e""",\nx,y,z,w\n')).toEqual([
      ["a", "b, c", 'd "e"', ""],
      ["x", "y", "z", "w"],
    ]);
    expect(parseDelimited("ctr;pdi\nSAU;#NULL!\n", ";")).toEqual([
      ["ctr", "pdi"],
      ["SAU", "#NULL!"],
    ]);
  });
});
