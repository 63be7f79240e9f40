import { describe, expect, it } from "vitest";
import { COUNTRIES } from "../src/dynamics/markets/countries.ts";
import { validateScenario } from "../src/scenario/validate.ts";

function issues(input: Record<string, unknown>) {
  const r = validateScenario(input);
  if (r.ok) throw new Error("expected the scenario to be rejected");
  return r.issues;
}

describe("dynamics, markets and policy scenario fields", () => {
  it("fills every default", () => {
    const r = validateScenario({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.dynamics.startYear).toBe(1980);
    expect(r.scenario.dynamics.endYear).toBe(2002);
    expect(r.scenario.dynamics.stepsPerYear).toBe(4);
    expect(r.scenario.dynamics.bornGlobal).toEqual({ windowYears: 3, minForeignShare: 0.25 });
    expect(r.scenario.markets.home).toBe("USA");
    expect(r.scenario.policy.exportPromotion.takeUp).toBe(0);
  });

  it("rejects negative rates, naming the field", () => {
    const i = issues({ dynamics: { entry: { baseRate: -0.1 }, marketExit: { baseRate: -1 } } });
    expect(i.map((x) => x.path)).toEqual(
      expect.arrayContaining(["dynamics.entry.baseRate", "dynamics.marketExit.baseRate"]),
    );
    expect(i[0].message).toMatch(/non-negative/);
  });

  it("rejects years out of order", () => {
    const i = issues({ dynamics: { startYear: 2000, endYear: 1990 } });
    expect(i.some((x) => x.path === "dynamics.endYear" && /out of order/.test(x.message))).toBe(
      true,
    );
    const j = issues({ dynamics: { surveyYear: 2010 } });
    expect(j[0].path).toBe("dynamics.surveyYear");
  });

  it("rejects an unknown home country", () => {
    const i = issues({ markets: { home: "XYZ" } });
    expect(i[0].path).toBe("markets.home");
    expect(i[0].message).toMatch(/unknown home country "XYZ"/);
  });

  it("rejects a market list with a missing field, naming the row and field", () => {
    const countries = COUNTRIES.slice(0, 5).map((c) => ({ ...c }));
    delete (countries[3] as Partial<(typeof countries)[number]>).gdp2000;
    const i = issues({ markets: { countries } });
    expect(i[0].path).toBe("markets.countries[3].gdp2000");
  });

  it("rejects unknown fields and out-of-range policy values", () => {
    expect(issues({ dynamics: { entryy: {} } })[0].path).toBe("dynamics.entryy");
    expect(issues({ policy: { exportPromotion: { takeUp: 1.5 } } })[0].path).toBe(
      "policy.exportPromotion.takeUp",
    );
  });
});
