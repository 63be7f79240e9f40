import { describe, expect, it } from "vitest";
import { workerCount } from "../sim/core/pool/workerCount.ts";

describe("worker count: one rule", () => {
  it("Node uses every core", () => {
    expect(workerCount(1, "node")).toBe(1);
    expect(workerCount(2, "node")).toBe(2);
    expect(workerCount(64, "node")).toBe(64);
  });
  it("a page leaves one core to the interface, with 2 to 8 workers", () => {
    expect(workerCount(1, "page")).toBe(2);
    expect(workerCount(2, "page")).toBe(2);
    expect(workerCount(4, "page")).toBe(3);
    expect(workerCount(32, "page")).toBe(8);
  });
  it("a nonsense core count falls back to one core", () => {
    expect(workerCount(Number.NaN, "node")).toBe(1);
    expect(workerCount(0, "page")).toBe(2);
  });
});
