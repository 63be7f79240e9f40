import {
  fitMeasurementModel,
  fitWlsmv,
  type WlsmvDiscriminantTest,
  type WlsmvEstimate,
  type WlsmvFitMeasures,
  wlsmvDiscriminantTests,
  wlsmvFitMeasures,
} from "../../../../src/measurement/ordinal/index.ts";
import { PAPER_CFA_FIT, paperCfaSpec } from "../../../../src/measurement/paper.ts";
import { CONSTRUCTS } from "../../../../src/paper/constructs.ts";
import { RETAINED_ITEMS } from "../../../../src/paper/items.ts";
import { compositeReliability } from "../../../../src/survey/reliability.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

/**
 * `bgsim survey --cfa --ordered`: the paper's CFA (same model as --cfa) with the item answers
 * treated as ordinal: thresholds, polychoric correlations and WLSMV (src/measurement/ordinal/,
 * lavaan's cfa(..., ordered = TRUE, estimator = "WLSMV")). Reported: the chi-square and its
 * scaled-and-shifted version; CFI, NNFI (TLI) and RMSEA unscaled, scaled and robust (lavaan's
 * fitMeasures() for WLSMV) beside the paper's; standardized loadings beside the Appendix,
 * CR/AVE from them; the 21 discriminant-validity tests (correlation fixed to 1, std.lv, with
 * lavTestLRT's scaled difference test for WLSMV).
 */
export function surveyCfaOrdered(items: readonly Record<string, string | number | null>[] | null): {
  estimate: WlsmvEstimate;
  fit: WlsmvFitMeasures;
  discriminant: WlsmvDiscriminantTest[];
  csv: string;
  json: string;
  text: string;
} {
  if (!items)
    throw new UsageError('--cfa needs item answers: set survey.level to "items" in the scenario');
  const ids = RETAINED_ITEMS.map((i) => i.id);
  const r = fitMeasurementModel(
    paperCfaSpec(false),
    { names: ids, columns: ids.map((id) => Float64Array.from(items, (row) => Number(row[id]))) },
    { ordered: true },
  );
  if (!r.ok)
    throw new UsageError(
      `the paper's ordinal CFA failed on this survey (${r.reason}): ${r.message}`,
    );
  if (r.estimator !== "WLSMV") throw new Error("unreachable: ordered fit without WLSMV");
  const e = r.estimate;
  const loadings = RETAINED_ITEMS.map((it) => {
    const p = e.params.find((x) => x.op === "=~" && x.lhs === it.construct && x.rhs === it.id)!;
    return {
      construct: it.construct,
      item: it.id,
      estimate: p.est,
      se: p.free ? p.se : Number.NaN,
      std_all: p.stdAll,
      appendix_loading: it.loading ?? Number.NaN,
    };
  });
  const reliability = CONSTRUCTS.map((c) => {
    const l = loadings.filter((x) => x.construct === c).map((x) => x.std_all);
    return {
      construct: c,
      items: l.length,
      cr: compositeReliability(l),
      ave: l.reduce((s, v) => s + v * v, 0) / l.length,
    };
  });
  const t = e.test;
  const fit = wlsmvFitMeasures(e);
  // the discriminant tests on the std.lv form of the same model (same fit, correlations free)
  const stdLvSpec = paperCfaSpec(true);
  const free = fitWlsmv(stdLvSpec, e.stats, { acov: e.acov });
  const discriminant = free.ok ? wlsmvDiscriminantTests(stdLvSpec, free.estimate) : [];
  const csv = toCsv(loadings);
  const json = `${JSON.stringify(
    {
      model:
        "paper CFA: 7 constructs on their 39 retained Appendix items, ordinal items, WLSMV (lavaan's defaults: delta parameterization, first loading fixed to 1)",
      n: e.n,
      estimator: "WLSMV",
      test: t,
      fit,
      paper: PAPER_CFA_FIT,
      discriminantTest:
        "lavTestLRT(free, fixed) for WLSMV: method satorra.2000, scaled.shifted (lavaan's default); deltaChisq is lavaan's 'Chisq diff'",
      discriminant,
      npar: e.npar,
      thresholds: e.stats.thresholds.length,
      emptyCellPairs: e.stats.emptyCellPairs.length,
      reliability,
      loadings,
    },
    (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  )}\n`;
  const text = [
    `The paper's CFA on this survey, items as ordinal (WLSMV; n = ${e.n}, 39 items, 7 factors, ${e.stats.thresholds.length} thresholds)`,
    table(
      ["test", "chi-square", "df", "p"],
      [
        ["DWLS", fmt(t.chisq, 1), String(t.df), fmt(t.pvalue)],
        [
          `scaled-shifted (scale ${fmt(t.scalingFactor)}, shift ${fmt(t.shift, 1)})`,
          fmt(t.chisqScaled, 1),
          String(t.df),
          fmt(t.pvalueScaled),
        ],
      ],
    ),
    "",
    table(
      ["measure", "DWLS", "scaled", "robust", "paper (ML, LISREL 8)"],
      [
        [
          "CFI",
          fmt(fit.cfi),
          fmt(fit["cfi.scaled"]),
          fmt(fit["cfi.robust"]),
          fmt(PAPER_CFA_FIT.cfi, 2),
        ],
        [
          "NNFI (TLI)",
          fmt(fit.tli),
          fmt(fit["tli.scaled"]),
          fmt(fit["tli.robust"]),
          fmt(PAPER_CFA_FIT.nnfi, 2),
        ],
        [
          "RMSEA",
          fmt(fit.rmsea),
          fmt(fit["rmsea.scaled"]),
          fmt(fit["rmsea.robust"]),
          fmt(PAPER_CFA_FIT.rmsea),
        ],
        ["SRMR", fmt(fit.srmr), "-", "-", "-"],
      ],
    ),
    "",
    table(
      ["construct", "CR", "AVE"],
      reliability.map((x) => [x.construct, fmt(x.cr), fmt(x.ave)]),
    ),
    "",
    table(
      ["item", "std loading", "Appendix"],
      loadings.map((l) => [l.item, fmt(l.std_all), fmt(l.appendix_loading, 2)]),
    ),
    "",
    discriminantLine(discriminant, free.ok ? "" : free.message),
  ].join("\n");
  return { estimate: e, fit, discriminant, csv, json, text };
}

function discriminantLine(tests: readonly WlsmvDiscriminantTest[], failure: string): string {
  if (!tests.length) return `Discriminant validity: not tested (the std.lv fit failed: ${failure})`;
  const ok = tests.filter((x) => Number.isFinite(x.deltaChisq));
  const d = ok.map((x) => x.deltaChisq);
  const failed = tests.filter((x) => x.failure);
  return (
    `Discriminant validity (correlation fixed to 1 vs free, scaled chi-square difference on 1 df as lavaan's lavTestLRT for WLSMV): ${tests.filter((x) => x.distinct).length} of ${tests.length} pairs distinct at 0.05` +
    (d.length
      ? `, scaled delta chi-square ${fmt(Math.min(...d), 1)} to ${fmt(Math.max(...d), 1)}`
      : "") +
    ` (paper, ML: 21 of 21, ${PAPER_CFA_FIT.discriminantDeltaChisqRange[0]} to ${PAPER_CFA_FIT.discriminantDeltaChisqRange[1]})` +
    (failed.length
      ? `\nNot fitted: ${failed.map((x) => `${x.a}-${x.b} (${x.failure})`).join("; ")}`
      : "")
  );
}
