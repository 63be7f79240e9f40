import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bgsim, tmp } from "./helpers/bgsim.ts";

describe("bgsim selection and bgsim run on the calibrated world", () => {
  it("selection prints the check, the paths at five levels, and a Morris screen with a noise floor", () => {
    const r = bgsim(
      "selection",
      "scenarios/dynamics-calibrated.json",
      "--replications",
      "2",
      "--firms",
      "60000",
      "--morris",
      "2",
      "--morris-replications",
      "1",
    );
    expect(r.err).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Check with the paper's survey .* 2 replications: .* max \|gap\| 0\.\d+/);
    expect(r.out).toMatch(/Calibration targets, mean over the 2 replications: \d+ of 11 in band/);
    expect(r.out).toMatch(/H5c\s+QF->PERF\s+0\.30\s+0\.\d+ \[/);
    expect(r.out).toContain("export cut-off");
    expect(r.out).toContain(
      "Morris screen of the mechanism parameters: 2 trajectories x 10 points",
    );
    expect(r.out).toContain("dummy (noise floor)");
    // 12 published paths in the mu* table
    const morris = r.out.slice(r.out.indexOf("mu* (mu) of the frame path"));
    expect(morris.match(/->/g)?.length).toBeGreaterThanOrEqual(24);
  });
  it("bad --morris is refused with exit 2 naming the option", () => {
    const r = bgsim("selection", "scenarios/dynamics-calibrated.json", "--morris", "1");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--morris/);
  });
  it("run prints the calibration table and the selection-corrected paths", () => {
    const out = join(tmp(), "run");
    const r = bgsim("run", "scenarios/dynamics-calibrated.json", "--quiet", "--out", out);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\d+ of 11 targets within their bands/);
    expect(r.out).toContain("Selection-corrected paths of the published model");
    expect(r.out).toMatch(/H3b\s+IMO->QF\s+0\.35\s+0\.6\d\d/);
  });
});
