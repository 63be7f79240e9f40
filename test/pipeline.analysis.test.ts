import { describe, expect, it } from "vitest";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { buildWorld } from "../src/pipeline/1-world.ts";
import type { Observed } from "../src/pipeline/2-observation.ts";
import {
  type AnalysisContext,
  type AnalysisStep,
  analyse,
  inOrder,
  pathModelML,
} from "../src/pipeline/3-analysis.ts";
import { replicate } from "../src/pipeline/replication.ts";
import { modelFor } from "../src/replication.ts";
import { scenarioOf } from "./dynamics.helpers.ts";

const scenario = scenarioOf({ population: { firms: 2000 } });
const { model, table } = modelFor(scenario);
const ctx: AnalysisContext = { replication: 0, model, table, alpha: 0.05 };
/** An observation whose covariance is the model's implied matrix itself. */
const exact: Observed = {
  kind: "population",
  n: 203,
  variables: CONSTRUCTS,
  cov: model.Sigma,
  columns: null,
  items: null,
  survey: null,
  outcomes: {},
};

describe("pipeline stage 3: the analysis", () => {
  it("the ML path model on the model's own matrix recovers its population values", () => {
    const r = pathModelML().run(exact, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.report.paths).toHaveLength(12);
    for (const p of r.report.paths) {
      const v = model.spec.paths.find((x) => `${x.from}->${x.to}` === p.label)!.value;
      expect(p.std).toBeCloseTo(v, 6);
    }
    // the published model does not fit Table 1 exactly, but it fits its own matrix: chi2 = 0
    expect(r.report.fit.chisq).toBeCloseTo(0, 6);
    expect(r.report.fit.rmseaLower).toBeNaN(); // no interval unless asked for
    const withInterval = pathModelML({ rmseaInterval: true }).run(exact, ctx);
    expect(withInterval.ok && withInterval.report.fit.rmseaLower).toBe(0);
  });

  it("variables observed in another order are put in the model's order", () => {
    const order = [...CONSTRUCTS].reverse();
    const p = CONSTRUCTS.length;
    const idx = order.map((v) => CONSTRUCTS.indexOf(v));
    const cov = new Float64Array(p * p);
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) cov[a * p + b] = model.Sigma[idx[a] * p + idx[b]];
    expect(inOrder(cov, order, CONSTRUCTS)).toEqual(model.Sigma);
    expect(inOrder(model.Sigma, CONSTRUCTS, CONSTRUCTS)).toBe(model.Sigma);
    const a = pathModelML().run({ ...exact, variables: order, cov }, ctx);
    const b = pathModelML().run(exact, ctx);
    expect(a.ok && b.ok && a.report.paths.map((x) => x.est)).toEqual(
      b.ok && b.report.paths.map((x) => x.est),
    );
    expect(() => inOrder(cov, order.slice(1), CONSTRUCTS)).toThrow(
      /needs PERF, which was not observed/,
    );
  });

  it("another analysis step plugs in without touching the other stages", () => {
    // e.g. the mean of each observed construct score (here: the drawn firms, Table 1 scale)
    const means: AnalysisStep<number[]> = {
      key: "means",
      label: "Means of the observed scores",
      run: (o) => o.columns!.map((c) => c.reduce((x, y) => x + y, 0) / o.n),
    };
    const r = replicate(scenario, 0, { analyses: [means] });
    const m = r.analyses.means as number[];
    expect(m).toHaveLength(7);
    const w = buildWorld(scenario, 0);
    if (w.kind !== "population") throw new Error("expected a population world");
    expect(m[0]).toBe(w.draw()[0].reduce((x, y) => x + y, 0) / 2000);
    expect(r.pathModel.ok).toBe(true);
    expect(() => analyse([means, means], r.observed, ctx)).toThrow(/listed twice/);
  });
});
