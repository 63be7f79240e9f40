import { describe, expect, it } from "vitest";
import { progressLine } from "../sim/node/cli/progress.ts";

describe("progress line", () => {
  it("shows the bar, runs done of the slice, failures, runs/s and ETA", () => {
    const line = progressLine(
      { done: 150, failed: 2, total: 600, elapsedSec: 10, runsPerSec: 15, etaSec: 30 },
      200,
      800,
    );
    expect(line).toBe(
      "[###########.............]  44% 350/800 runs (2 failed), 15 runs/s, ETA 0:30",
    );
  });
  it("handles slow runs and an unknown ETA", () => {
    expect(
      progressLine({
        done: 0,
        failed: 0,
        total: 4,
        elapsedSec: 0,
        runsPerSec: 0,
        etaSec: Number.NaN,
      }),
    ).toBe("[........................]   0% 0/4 runs, 0.0 runs/s, ETA --:--");
    expect(
      progressLine({ done: 1, failed: 0, total: 4, elapsedSec: 4, runsPerSec: 0.25, etaSec: 3725 }),
    ).toContain("0.3 runs/s, ETA 1:02:05");
  });
});
