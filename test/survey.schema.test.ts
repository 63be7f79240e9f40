import { describe, expect, it } from "vitest";
import { runReplication } from "../src/replication.ts";
import { formatIssue, validateScenario } from "../src/scenario/validate.ts";

const issues = (survey: unknown) => {
  const r = validateScenario({ survey });
  return r.ok ? [] : r.issues.map(formatIssue);
};

describe("the survey scenario section", () => {
  it("is off by default with the paper's design as defaults", () => {
    const r = validateScenario({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.scenario.survey.enabled).toBe(false);
    expect(r.scenario.survey.mailed).toBe(900);
    expect(r.scenario.survey.responseRate).toBe(0.23);
    expect(r.scenario.survey.n).toBe(203);
    expect(r.scenario.survey.frame).toEqual({
      minFoundingYear: 1980,
      minExportShare: 0.25,
      attributes: "placeholder",
    });
    expect(runReplication(r.scenario, 0).outcomes).toEqual({}); // plain cross-section untouched
  });

  it("impossible loadings are named with their field", () => {
    expect(issues({ itemLoadings: { IEO1: 1 } })).toEqual([
      "survey.itemLoadings.IEO1 = 1: impossible loading: a standardized loading must lie in (-1, 1)",
    ]);
    expect(issues({ itemLoadings: { IEO1: -1.2 } })[0]).toMatch(
      /^survey\.itemLoadings\.IEO1 = -1\.2: impossible loading/,
    );
    expect(issues({ itemLoadings: { XYZ9: 0.5 } })[0]).toMatch(/^survey\.itemLoadings\.XYZ9/);
    expect(issues({ loadings: "scaled", targetReliability: 0.995 })[0]).toMatch(
      /^survey\.targetReliability = 0\.995: IEO: a composite reliability of 0\.995 cannot be reached/,
    );
  });

  it("a response rate outside (0, 1] is named", () => {
    expect(issues({ responseRate: 0 })).toEqual(["survey.responseRate = 0: must lie in (0, 1]"]);
    expect(issues({ responseRate: 1.5 })).toEqual([
      "survey.responseRate = 1.5: must lie in (0, 1]",
    ]);
    expect(issues({ responseRate: 1, mailed: 203 })).toEqual([]);
  });

  it("a mailing too small for the requested n is named, with the mailing that would do", () => {
    expect(issues({ mailed: 500 })).toEqual([
      "survey.mailed = 500: 500 firms mailed at a response rate of 0.23 return about 115 responses, fewer than the n = 203 usable responses requested; mail at least 883 or lower survey.n",
    ]);
    expect(issues({ mailed: 100 })[0]).toMatch(
      /^survey\.mailed = 100: mailing 100 firms cannot yield n = 203/,
    );
    expect(issues({ waves: [0.5, 0.5, 0.5] })[0]).toMatch(/^survey\.waves .*sum to 1/);
  });

  it("a survey-enabled replication reports the survey's facts in outcomes", () => {
    const r = validateScenario({ seed: 9, survey: { enabled: true } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const res = runReplication(r.scenario, 0);
    expect(res.outcomes["survey.mailed"]).toBe(900);
    expect(res.n).toBe(res.outcomes["survey.n"]);
    expect(res.n).toBeLessThanOrEqual(203);
    expect(res.outcomes["check.respondents.flagged"]).toBeGreaterThanOrEqual(0);
    expect(res.paths).toHaveLength(12);
    for (const v of Object.values(res.outcomes)) expect(Number.isFinite(v)).toBe(true);
  });
});
