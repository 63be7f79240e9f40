import { describe, expect, it } from "vitest";
import baseline from "../scenarios/baseline.json";
import type { ScenarioInput } from "../src/scenario/schema.ts";
import {
  type AppState,
  decodeState,
  defaultState,
  encodeState,
  fromBase64Url,
  toBase64Url,
} from "../web/state/urlState.ts";

const BASE = baseline as ScenarioInput;

describe("URL state", () => {
  it("round-trips a full state through the query string", () => {
    const s: AppState = {
      view: "map",
      scenario: {
        name: "Ünïcode & <b>not html</b>",
        seed: 77,
        model: { base: "published", paths: { "IEO->GTC": 0.4 } },
        population: { firms: 500, scale: "latent" },
      },
      date: 37,
      survey: { n: 450, seed: 9, full: true },
      firm: 12,
      policy: "export-promotion",
      ui: { "wi-lever": "1", "wi-reps": "8", "sens-levels": "50, 100", "map-country": "3" },
    };
    const q = encodeState(s);
    expect(q).toContain("view=map");
    expect(q).toContain("seed=77");
    const d = decodeState(`?${q}`, BASE);
    expect(d.errors).toEqual([]);
    expect(d.state).toEqual(s);
  });

  it("an empty query is the baseline, with no errors", () => {
    const d = decodeState("", BASE);
    expect(d.errors).toEqual([]);
    expect(d.state).toEqual(defaultState(BASE));
    expect(d.state.scenario).not.toHaveProperty("$schema");
    expect(d.state.survey.n).toBe(203);
    // the first screen is the map at the survey date
    expect(d.state.view).toBe("map");
    expect(d.state.date).toBe(null);
    expect(encodeState(d.state)).not.toContain("date=");
  });

  it("base64url round-trips any UTF-8 text and rejects foreign characters", () => {
    const t = '{"name":"Zürich → 東京 ✓"}';
    expect(fromBase64Url(toBase64Url(t))).toBe(t);
    expect(toBase64Url(t)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(() => fromBase64Url("abc$")).toThrow(/base64url/);
  });

  it("a malformed link reports every problem and falls back to the baseline", () => {
    const d = decodeState("?view=globe&date=-3&n=5&scenario=%%%", BASE);
    expect(d.state.view).toBe("map");
    expect(d.state.date).toBe(null);
    expect(d.state.survey.n).toBe(203);
    expect(d.state.scenario).toEqual(defaultState(BASE).scenario);
    const text = d.errors.join("\n");
    expect(text).toMatch(/"view" = "globe": must be one of map, cohorts/);
    expect(text).toMatch(/"date" = "-3": must be a whole number from 0/);
    expect(text).toMatch(/"n" = "5": must be a whole number from 30 to 5000/);
    expect(text).toMatch(/"scenario" could not be read/);
    expect(text).toMatch(/baseline scenario is shown instead/);
  });

  it("a link whose scenario breaks the schema or the model names the field", () => {
    const bad = toBase64Url(JSON.stringify({ population: { firms: 3 }, colour: "red" }));
    const d = decodeState(`?view=map&scenario=${bad}`, BASE);
    expect(d.state.view).toBe("map");
    const text = d.errors.join("\n");
    expect(text).toMatch(/scenario: population\.firms = 3/);
    expect(text).toMatch(/scenario: colour = "red": unknown field/);
    const impossible = toBase64Url(
      JSON.stringify({ model: { paths: { "IEO->GTC": 0.99, "IMO->GTC": 0.9 } } }),
    );
    const d2 = decodeState(`?scenario=${impossible}`, BASE);
    expect(d2.errors.join("\n")).toMatch(/residual variance/);
    expect(d2.state.scenario).toEqual(defaultState(BASE).scenario);
  });
});
