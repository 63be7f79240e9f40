import { describe, expect, it } from "vitest";
import { gridPoints } from "../sim/core/designs/grid.ts";

describe("gridPoints", () => {
  it("is the full factorial, first factor slowest", () => {
    expect(
      gridPoints([
        [1, 2],
        [10, 20, 30],
      ]),
    ).toEqual([
      [1, 10],
      [1, 20],
      [1, 30],
      [2, 10],
      [2, 20],
      [2, 30],
    ]);
  });
  it("has prod(levels) points and a single factor is its levels", () => {
    expect(
      gridPoints([
        [1, 2, 3],
        [4, 5],
        [6, 7, 8, 9],
      ]),
    ).toHaveLength(24);
    expect(gridPoints([[0.5, 0.7]])).toEqual([[0.5], [0.7]]);
  });
});
