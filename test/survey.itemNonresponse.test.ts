import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analysisModelStep } from "../src/analysis/models.ts";
import { paramTable } from "../src/estimate/parameters.ts";
import type { EstimateResult } from "../src/estimate/report.ts";
import { buildModelOrThrow, publishedSpec, structureOf } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/constructs.ts";
import { runReplication } from "../src/pipeline/replication.ts";
import { AnalysisModelSchema } from "../src/scenario/sections/analysis.ts";
import { SurveySection } from "../src/scenario/sections/survey.ts";
import { validateScenario } from "../src/scenario/validate.ts";
import {
  type ItemNonresponseConfig,
  meanSkipProbability,
  skipIntercept,
} from "../src/survey/itemNonresponse.ts";
import { surveyCrossSection } from "../src/survey/stage.ts";

const model = buildModelOrThrow(publishedSpec());
const PERF = CONSTRUCTS.indexOf("PERF");

/** A large survey without selection: 3,000 mailed, everyone responds, no export cut-off. */
function survey(itemNonresponse: Partial<ItemNonresponseConfig> | null, seed = 7) {
  const cfg = SurveySection.parse({
    enabled: true,
    level: "items",
    frame: { minExportShare: 0, minFoundingYear: null },
    mailed: 3000,
    responseRate: 1,
    n: 3000,
    ...(itemNonresponse ? { itemNonresponse } : {}),
  });
  return surveyCrossSection(cfg, model.Sigma, seed, 0, 0.05, { keepItems: true, noShortcut: true });
}

const cellsMissing = (col: Float64Array) => col.reduce((s, x) => s + (Number.isNaN(x) ? 1 : 0), 0);

describe("item non-response in the virtual survey", () => {
  it("MCAR: the observed share of skipped answers is within binomial error of the configured share", () => {
    const s = survey({ share: 0.2 });
    const items = s.output!.items!;
    const n = s.output!.n;
    const cells = n * items.length;
    const missing = items.reduce((t, c) => t + cellsMissing(c), 0);
    const se = Math.sqrt((0.2 * 0.8) / cells);
    expect(Math.abs(missing / cells - 0.2)).toBeLessThan(3.5 * se);
    expect(s.outcomes["survey.itemMissingShare"]).toBeCloseTo(missing / cells, 12);
    // listwise: the estimator's n is the complete rows, the raw columns keep every respondent
    expect(s.n).toBe(s.outcomes["survey.nComplete"]);
    expect(s.n).toBeLessThan(n);
    expect(s.withMissing!.n).toBe(n);
    expect(s.withMissing!.incompleteRows).toBe(n - s.n);
  });

  it("a per-item share overrides the common one", () => {
    const s = survey({ share: 0.05, items: { PERF3: 0.5 } });
    const plan = s.plan;
    const j = plan.instrument.items.findIndex((it) => it.id === "PERF3");
    const n = s.output!.n;
    const share = cellsMissing(s.output!.items![j]) / n;
    expect(Math.abs(share - 0.5)).toBeLessThan(3.5 * Math.sqrt(0.25 / n));
    const k = plan.instrument.items.findIndex((it) => it.id === "PERF2");
    expect(Math.abs(cellsMissing(s.output!.items![k]) / n - 0.05)).toBeLessThan(
      3.5 * Math.sqrt((0.05 * 0.95) / n),
    );
  });

  it("MAR: respondents with a higher true score on the named construct skip more (strength > 0), less with strength < 0", () => {
    for (const strength of [1.5, -1.5]) {
      const s = survey({ share: 0.2, dependsOn: "PERF", strength });
      const out = s.output!;
      const eta = Array.from(out.rows, (r) => s.universe!.latent[PERF][r]);
      const sorted = [...eta].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      let hi = 0;
      let lo = 0;
      let nHi = 0;
      let nLo = 0;
      for (let i = 0; i < out.n; i++) {
        let m = 0;
        for (const c of out.items!) if (Number.isNaN(c[i])) m++;
        if (eta[i] > median) {
          hi += m;
          nHi++;
        } else {
          lo += m;
          nLo++;
        }
      }
      const shareHi = hi / (nHi * out.items!.length);
      const shareLo = lo / (nLo * out.items!.length);
      if (strength > 0) expect(shareHi).toBeGreaterThan(shareLo + 0.1);
      else expect(shareLo).toBeGreaterThan(shareHi + 0.1);
      // the intercept makes the population share the configured one (respondents here are an
      // unselected sample, so their share is within sampling error of it: the per-respondent
      // skip probabilities vary, and a binomial SE on respondents is conservative)
      const total = (hi + lo) / (out.n * out.items!.length);
      expect(Math.abs(total - 0.2)).toBeLessThan(4 * Math.sqrt((0.2 * 0.8) / out.n));
    }
  });

  it("the logit intercept gives the configured population share", () => {
    for (const [share, b] of [
      [0.2, 1],
      [0.05, -2],
      [0.5, 3],
    ])
      expect(meanSkipProbability(skipIntercept(share, b), b)).toBeCloseTo(share, 10);
    expect(skipIntercept(0.2, 0)).toBeCloseTo(Math.log(0.25), 10);
  });

  it("draws nothing else: the answered cells are the answers of the same survey without non-response", () => {
    const full = survey(null);
    const part = survey({ share: 0.3, dependsOn: "IEO", strength: 1 });
    const a = full.output!.items!;
    const b = part.output!.items!;
    let answered = 0;
    a.forEach((col, j) =>
      col.forEach((x, i) => {
        if (!Number.isNaN(b[j][i])) {
          expect(b[j][i]).toBe(x);
          answered++;
        }
      }),
    );
    expect(answered).toBeGreaterThan(0.6 * a.length * a[0].length);
    expect(Array.from(part.output!.rows)).toEqual(Array.from(full.output!.rows));
  });

  it("composites: the mean of the answered items when at least half are answered, else missing", () => {
    const s = survey({ share: 0.4, minAnswered: 0.5 });
    const ins = s.plan.instrument;
    const items = s.output!.items!;
    const comp = s.output!.composites;
    let missing = 0;
    CONSTRUCTS.forEach((_, c) => {
      const idx = ins.composite[c];
      const need = Math.ceil(0.5 * idx.length);
      for (let i = 0; i < s.output!.n; i++) {
        const vals = idx
          .map((j) => {
            const it = ins.items[j];
            const y = items[j][i];
            return 1 + ((y - it.scale.min) * 6) / (it.scale.max - it.scale.min);
          })
          .filter((v) => !Number.isNaN(v));
        if (vals.length >= need)
          expect(comp[c][i]).toBeCloseTo(vals.reduce((t, v) => t + v, 0) / vals.length, 12);
        else {
          expect(comp[c][i]).toBeNaN();
          missing++;
        }
      }
    });
    expect(missing).toBeGreaterThan(0);
  });

  it("is deterministic: the same seed gives the same missing cells and composites", () => {
    const x = survey({ share: 0.2, dependsOn: "PERF" }, 11);
    const y = survey({ share: 0.2, dependsOn: "PERF" }, 11);
    x.output!.composites.forEach((col, c) =>
      expect(Array.from(col).map(String)).toEqual(Array.from(y.output!.composites[c]).map(String)),
    );
    expect(x.cov).toEqual(y.cov);
  });

  it("the schema refuses item non-response on composite-level surveys, accepts FIML with MLR", () => {
    const r = SurveySection.safeParse({ enabled: true, level: "composites", itemNonresponse: {} });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('item non-response needs level \\"items\\"');
    const a = AnalysisModelSchema.safeParse({ name: "x", estimator: "MLR", missing: "fiml" });
    expect(a.success).toBe(true);
    // absent: nothing in the resolved section (the default survey's bytes do not change)
    expect("itemNonresponse" in SurveySection.parse({})).toBe(false);
    expect("missing" in AnalysisModelSchema.parse({ name: "x" })).toBe(false);
  });

  it("an analysis model with missing 'fiml' uses every respondent; 'listwise' the complete rows", () => {
    const s = survey({ share: 0.2, dependsOn: "PERF" });
    const observed = {
      kind: "survey" as const,
      n: s.n,
      variables: CONSTRUCTS,
      cov: s.cov,
      columns: s.completeColumns!,
      withMissing: s.withMissing!,
      items: null,
      survey: s,
      outcomes: s.outcomes,
    };
    const ctx = {
      replication: 0,
      model,
      table: paramTable(structureOf(publishedSpec())),
      alpha: 0.05,
    };
    const fiml = analysisModelStep(AnalysisModelSchema.parse({ name: "f", missing: "fiml" })).run(
      observed,
      ctx,
    ) as EstimateResult;
    const lw = analysisModelStep(AnalysisModelSchema.parse({ name: "l", missing: "listwise" })).run(
      observed,
      ctx,
    ) as EstimateResult;
    if (!fiml.ok || !lw.ok) throw new Error("fit failed");
    // as lavaan with fixed.x: every respondent except those missing an exogenous composite
    const [ieo, imo] = [0, 1].map((c) => s.withMissing!.columns[c]);
    let usable = 0;
    for (let i = 0; i < s.withMissing!.n; i++)
      if (!Number.isNaN(ieo[i]) && !Number.isNaN(imo[i])) usable++;
    expect(fiml.report.n).toBe(usable);
    expect(usable).toBeGreaterThan(s.n);
    expect(lw.report.n).toBe(s.n);
    // more information: FIML's SEs are smaller than listwise deletion's
    const seF = fiml.report.paths.reduce((t, x) => t + x.se, 0);
    const seL = lw.report.paths.reduce((t, x) => t + x.se, 0);
    expect(seF).toBeLessThan(seL);
    // MLR with FIML: the same estimates, sandwich SEs and the scaled test
    const step = analysisModelStep(
      AnalysisModelSchema.parse({ name: "r", missing: "fiml", estimator: "MLR" }),
    );
    expect(step.label).toContain("MLR, FIML");
    const rob = step.run(observed, ctx) as EstimateResult;
    if (!rob.ok) throw new Error(rob.error);
    expect(rob.report.paths.map((x) => x.est)).toEqual(fiml.report.paths.map((x) => x.est));
    expect(rob.report.paths[0].se).not.toBe(fiml.report.paths[0].se);
    expect(rob.report.robust?.["chisq.scaling.factor"]).toBeGreaterThan(0);
    expect(fiml.report.robust).toBeUndefined();
  });

  it("a replication of the shipped MAR scenario is deterministic, FIML and listwise included", () => {
    const json = JSON.parse(
      readFileSync(
        new URL("../scenarios/missing/item-nonresponse-mar.json", import.meta.url),
        "utf8",
      ),
    );
    const v = validateScenario(json);
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const a = runReplication(v.scenario, 3);
    const b = runReplication(v.scenario, 3);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const fiml = a.analyses!.find((x) => x.name === "fiml")!;
    const lw = a.analyses!.find((x) => x.name === "listwise")!;
    // listwise is the generating model's fit (both drop the incomplete respondents)
    expect(lw.paths.map((x) => x.est)).toEqual(a.paths.map((x) => x.est));
    expect(fiml.paths.map((x) => x.est)).not.toEqual(lw.paths.map((x) => x.est));
    expect(a.outcomes["survey.nComplete"]).toBe(a.n);
    // FIML's own n (every respondent with IEO and IMO) is recorded beside the listwise n
    expect(fiml.fit.n).toBeGreaterThan(a.n);
    expect(lw.fit.n).toBeUndefined();
  });
});
