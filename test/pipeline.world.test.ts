import { describe, expect, it } from "vitest";
import { toCorrelation } from "../src/math/linalg.ts";
import { TABLE1_MEANS } from "../src/paper/table1.ts";
import { buildWorld } from "../src/pipeline/1-world.ts";
import { modelFor } from "../src/replication.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

describe("pipeline stage 1: the world", () => {
  it("a cross-section world draws population.firms firms from the model on Table 1's scale", () => {
    const s = scenarioOf({ population: { firms: 4000 } });
    const w = buildWorld(s, 0);
    expect(w.kind).toBe("population");
    if (w.kind !== "population") return;
    expect(w.model).toBe(modelFor(s).model); // built once per model section
    const cols = w.draw();
    expect(cols).toHaveLength(7);
    expect(cols[0]).toHaveLength(4000);
    // Table 1 scale: IEO mean 5.13 (SE of the mean over 4,000 firms about 0.017)
    const m = cols[0].reduce((a, b) => a + b, 0) / 4000;
    expect(TABLE1_MEANS.IEO).toBe(5.13);
    expect(Math.abs(m - 5.13)).toBeLessThan(0.05);
    expect(w.draw()[3]).toEqual(cols[3]);
    const other = buildWorld(s, 1);
    if (other.kind !== "population") throw new Error("expected a population world");
    expect(other.draw()[0][0]).not.toBe(cols[0][0]); // another replication, other streams
  });

  it("a dynamics world is the simulated history of the replication", () => {
    const s = scenarioOf({ mode: "dynamics", dynamics: { firms: 5000 } });
    const w = buildWorld(s, 0);
    expect(w.kind).toBe("dynamics");
    if (w.kind !== "dynamics") return;
    expect(w.history.firms.n).toBe(5000);
    const alive = w.history.survey.alive.reduce((a, b) => a + b, 0);
    expect(alive).toBeGreaterThan(1000);
    expect(alive).toBeLessThan(5000);
    // a history handed in is used as is (bgsim run simulates with progress first)
    const again = buildWorld(s, 0, { history: w.history });
    expect(again.kind === "dynamics" && again.history).toBe(w.history);
  });

  it("the drawn population's correlations are the model's", () => {
    const s = scenarioOf({ population: { firms: 20000, scale: "latent" } });
    const w = buildWorld(s, 3);
    if (w.kind !== "population") throw new Error("expected a population world");
    const cols = w.draw();
    const n = cols[0].length;
    const cov = new Float64Array(49);
    for (let a = 0; a < 7; a++)
      for (let b = 0; b < 7; b++) {
        let x = 0;
        for (let i = 0; i < n; i++) x += cols[a][i] * cols[b][i];
        cov[a * 7 + b] = x / n;
      }
    const r = toCorrelation(cov, 7);
    const R = w.model.Sigma;
    for (let k = 0; k < 49; k++) expect(Math.abs(r[k] - R[k])).toBeLessThan(0.03);
  });
});
