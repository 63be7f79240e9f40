import { describe, expect, it } from "vitest";
import type { ReplicationRow } from "../sim/core/montecarlo/rows.ts";
import { summarise } from "../sim/core/montecarlo/summary.ts";

const row = (
  replication: number,
  path: string,
  estimate: number,
  over: Partial<ReplicationRow> = {},
): ReplicationRow => ({
  replication,
  n: 200 + replication,
  hypothesis: path === "IEO->GTC" ? "H1a" : "H1b",
  path,
  population: path === "IEO->GTC" ? 0.28 : 0.13,
  est: 2 * estimate,
  se: 0.1,
  z: (2 * estimate) / 0.1,
  p: estimate > 0.1 ? 0.01 : 0.3,
  significant: estimate > 0.1 ? 1 : 0,
  verdict: estimate > 0.1 ? "S" : "NS",
  std: estimate,
  std_se: 0.05,
  std_z: estimate / 0.05,
  std_p: 0.5,
  std_ci_low: estimate - 0.098,
  std_ci_high: estimate + 0.098,
  covered: Math.abs(estimate - (path === "IEO->GTC" ? 0.28 : 0.13)) < 0.098 ? 1 : 0,
  paper_verdict: path === "IEO->GTC" ? "S" : "NS",
  chisq: 3,
  df: 2,
  chisq_p: replication === 0 ? 0.01 : 0.5,
  ...over,
});

describe("Monte Carlo summary", () => {
  it("computes bias, empirical SD, coverage, power, pattern and chi-square rejection exactly", () => {
    const rows = [
      row(0, "IEO->GTC", 0.3),
      row(0, "IMO->GTC", 0.05),
      row(1, "IEO->GTC", 0.2),
      row(1, "IMO->GTC", 0.2),
      row(2, "IEO->GTC", 0.4),
      row(2, "IMO->GTC", 0.0),
    ];
    const s = summarise(rows, 0.05, [
      { replication: 0, outcome: "check.respondents.flagged", value: 1 },
      { replication: 1, outcome: "check.respondents.flagged", value: 0 },
      { replication: 0, outcome: "check.respondents.roi.p", value: 0.01 },
      { replication: 1, outcome: "check.respondents.roi.p", value: 0.5 },
    ]);
    const a = s.paths[0];
    expect(a.hypothesis).toBe("H1a");
    expect(a.mean_estimate).toBeCloseTo(0.3, 12);
    expect(a.bias).toBeCloseTo(0.02, 12);
    expect(a.empirical_sd).toBeCloseTo(0.1, 12);
    expect(a.coverage).toBeCloseTo(2 / 3, 12); // 0.4 misses 0.28 by more than 0.098
    expect(a.power).toBe(1);
    expect(a.verdict_match).toBe(1);
    expect(s.paths[1].power).toBeCloseTo(1 / 3, 12);
    expect(s.model.pattern_share).toBeCloseTo(2 / 3, 12); // replication 1 calls H1b S
    expect(s.model.chisq_rejection).toBeCloseTo(1 / 3, 12);
    expect(s.model.mean_n).toBe(201);
    expect(s.model.min_n).toBe(200);
    expect(s.outcomes["check.respondents.anyFlaggedShare"]).toBe(0.5);
    expect(s.outcomes["check.respondents.roi.rejectionShare"]).toBe(0.5);
  });
});
