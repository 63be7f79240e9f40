import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COUNTRIES } from "../src/dynamics/markets/countries.ts";
import {
  greatCircleKm,
  haversineKm,
  hofstedeVariances,
  kogutSingh,
} from "../src/dynamics/markets/distance.ts";
import { buildMarkets } from "../src/dynamics/markets/table.ts";

describe("markets data", () => {
  it("holds at least 50 real countries with unique ISO codes and complete fields", () => {
    expect(COUNTRIES.length).toBeGreaterThanOrEqual(50);
    expect(new Set(COUNTRIES.map((c) => c.iso3)).size).toBe(COUNTRIES.length);
    expect(new Set(COUNTRIES.map((c) => c.isoNumeric)).size).toBe(COUNTRIES.length);
    for (const c of COUNTRIES) {
      expect(c.iso3).toMatch(/^[A-Z]{3}$/);
      expect(c.isoNumeric).toMatch(/^\d{3}$/);
      expect(c.gdp2000).toBeGreaterThan(0);
      expect(Math.abs(c.lat)).toBeLessThanOrEqual(90);
      for (const d of [c.pdi, c.idv, c.mas, c.uai]) expect(d).toBeGreaterThanOrEqual(0);
    }
  });

  it("keys on world-atlas countries-110m ids (all but the city states)", () => {
    const atlas = JSON.parse(
      readFileSync(
        new URL("../node_modules/world-atlas/countries-110m.json", import.meta.url),
        "utf8",
      ),
    );
    const ids = new Set(atlas.objects.countries.geometries.map((g: { id: string }) => g.id));
    const missing = COUNTRIES.filter((c) => !ids.has(c.isoNumeric)).map((c) => c.iso3);
    expect(missing.sort()).toEqual(["HKG", "SGP"]);
  });

  it("computes great-circle distances (Washington-London about 5,900 km)", () => {
    expect(greatCircleKm(38.9, -77.04, 51.51, -0.13)).toBeCloseTo(5900, -2);
    expect(greatCircleKm(10, 20, 10, 20)).toBe(0);
  });

  it("rounds distances to whole km far from any .5 boundary (engine-independent)", () => {
    // Engines' sin/cos/asin may differ in the last bit (relative 1e-16, < 1e-11 km here), which
    // could only change the rounded distance within that of a .5 boundary; require 1e-6 km.
    let closest = 1;
    for (const h of COUNTRIES)
      for (const c of COUNTRIES) {
        const raw = haversineKm(h.lat, h.lon, c.lat, c.lon);
        closest = Math.min(closest, Math.abs(raw - Math.floor(raw) - 0.5));
        expect(greatCircleKm(h.lat, h.lon, c.lat, c.lon)).toBe(Math.round(raw));
      }
    expect(closest).toBeGreaterThan(1e-6);
    const usa = buildMarkets({ home: "USA", exclude: [] });
    for (const d of usa.distanceKm) expect(Number.isInteger(d)).toBe(true);
  });

  it("computes the Kogut-Singh index from the four Hofstede dimensions", () => {
    const usa = COUNTRIES.find((c) => c.iso3 === "USA");
    const v = hofstedeVariances(COUNTRIES);
    expect(kogutSingh(usa!, usa!, v)).toBe(0);
    const table = buildMarkets({ home: "USA", exclude: [] });
    const ks = (iso: string) => table.psychic[table.iso3.indexOf(iso)];
    // Anglo countries are culturally closest to the USA, Asian and Latin ones far.
    expect(ks("GBR")).toBeLessThan(0.3);
    expect(ks("CAN")).toBeLessThan(ks("FRA"));
    expect(ks("JPN")).toBeGreaterThan(ks("DEU"));
    expect(ks("GTM")).toBeGreaterThan(3);
    expect(table.m).toBe(COUNTRIES.length - 1);
    expect(table.iso3).not.toContain("USA");
  });

  it("takes another home country", () => {
    const t = buildMarkets({ home: "DEU", exclude: ["AUT"] });
    expect(t.iso3).toContain("USA");
    expect(t.iso3).not.toContain("AUT");
    expect(t.distanceKm[t.iso3.indexOf("FRA")]).toBeLessThan(1000);
  });
});
