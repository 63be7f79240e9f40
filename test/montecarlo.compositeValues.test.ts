import { describe, expect, it } from "vitest";
import { validateScenario } from "../src/scenario/validate.ts";
import { compositeValues } from "../src/survey/compositeValues.ts";

const scenario = (survey: unknown, base = "published") => {
  const r = validateScenario({ model: { base }, survey });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.scenario;
};

describe("composite values (what the composites carry before selection)", () => {
  it("equal the population values without measurement error, and are null without a survey", () => {
    const v = compositeValues(
      scenario({ enabled: true, level: "composites", measurementError: false }),
    )!;
    expect(v.get("IEO->GTC")).toBeCloseTo(0.28, 6);
    expect(v.get("QF->PERF")).toBeCloseTo(0.3, 6);
    expect(compositeValues(scenario({}))).toBeNull();
  });

  it("are attenuated by measurement error under the `latent` target and restored by `composites`", () => {
    const latent = compositeValues(scenario({ enabled: true, level: "composites" }))!;
    expect(latent.get("QF->PERF")!).toBeLessThan(0.25); // QF's Appendix loadings give CR 0.70
    const comp = compositeValues(
      scenario({ enabled: true, level: "composites", calibration: "composites" }),
    )!;
    expect(comp.get("QF->PERF")).toBeCloseTo(0.3, 6);
    expect(comp.get("IEO->LFDC")).toBeCloseTo(0.1, 6);
  });
});
