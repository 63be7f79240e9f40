import { describe, expect, it } from "vitest";
import { buildMarkets } from "../src/dynamics/markets/table.ts";
import { attractiveness, firmEntryLog, globalisation } from "../src/dynamics/mechanisms/entry.ts";
import { simulate } from "../src/dynamics/simulate.ts";
import { validateScenario } from "../src/scenario/validate.ts";

const P = { ieo: 0.55, imo: 0.35, knowledge: 1.6, heritage: 0.3 };

function scenario(over: Record<string, unknown> = {}) {
  const r = validateScenario({ seed: 7, ...over });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
}

describe("entry hazard", () => {
  it("rises with IEO, IMO and knowledge, falls with domestic age", () => {
    const base = firmEntryLog(P, 0, 0, 0, 0);
    expect(firmEntryLog(P, 1, 0, 0, 0)).toBeCloseTo(base + 0.55, 12);
    expect(firmEntryLog(P, 0, 1, 0, 0)).toBeCloseTo(base + 0.35, 12);
    expect(firmEntryLog(P, 0, 0, 0.5, 0)).toBeCloseTo(base + 0.8, 12);
    expect(firmEntryLog(P, 0, 0, 0, 5)).toBeCloseTo(base - 1.5, 12);
    expect(globalisation(0.03, 1990, 1980)).toBeCloseTo(Math.exp(0.3), 12);
  });

  it("market attractiveness rises with GDP and falls with psychic and geographic distance", () => {
    const t = buildMarkets({ home: "USA", exclude: [] });
    const a = attractiveness(t, {
      marketSize: 0.55,
      psychicDistance: 0.35,
      geographicDistance: 0.45,
    });
    const at = (iso: string) => a[t.iso3.indexOf(iso)];
    expect(at("CAN")).toBeGreaterThan(at("MEX")); // similar GDP and distance, Canada culturally closer
    expect(at("JPN")).toBeGreaterThan(at("KOR")); // larger market
    const far = attractiveness(t, {
      marketSize: 0.55,
      psychicDistance: 0.35,
      geographicDistance: 1,
    });
    expect(far[t.iso3.indexOf("AUS")] / far[t.iso3.indexOf("CAN")]).toBeLessThan(
      at("AUS") / at("CAN"),
    );
  });

  it("more IEO -> earlier first entry (emergent, top vs bottom IEO quartile)", () => {
    const h = simulate(scenario({ dynamics: { firms: 6000 } }), 0);
    const ieo = h.latent.IEO;
    const frac = (q: (x: number) => boolean) => {
      let n = 0;
      let e = 0;
      for (let f = 0; f < h.firms.n; f++) {
        if (!q(ieo[f]) || h.firms.foundingYear[f] > 1998) continue;
        n++;
        const y = h.firms.yearsToFirstEntry[f];
        if (y >= 0 && y < 3) e++;
      }
      return e / n;
    };
    const top = frac((x) => x > 0.674);
    const bottom = frac((x) => x < -0.674);
    expect(top).toBeGreaterThan(1.5 * bottom);
  });
});
