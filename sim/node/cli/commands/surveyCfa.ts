import { covariance } from "../../../../src/math/linalg.ts";
import {
  type PaperMeasurement,
  paperMeasurementAnalysis,
} from "../../../../src/measurement/paper.ts";
import { RETAINED_ITEMS } from "../../../../src/paper/items.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

/**
 * `bgsim survey --cfa`: the paper's measurement analysis (src/measurement/paper.ts) on the
 * survey's item answers as marked (7-point answers treated as continuous, the 1-10 item as is).
 */
export function surveyCfa(items: readonly Record<string, string | number | null>[] | null): {
  analysis: Extract<PaperMeasurement, { ok: true }>;
  csv: string;
  json: string;
  text: string;
} {
  if (!items)
    throw new UsageError('--cfa needs item answers: set survey.level to "items" in the scenario');
  const ids = RETAINED_ITEMS.map((i) => i.id);
  const cols = ids.map((id) => Float64Array.from(items, (r) => Number(r[id])));
  const a = paperMeasurementAnalysis({
    names: ids,
    cov: covariance(cols, items.length),
    n: items.length,
  });
  if (!a.ok)
    throw new UsageError(`the paper's CFA failed on this survey (${a.reason}): ${a.message}`);
  const csv = toCsv(
    a.loadings.map((l) => ({
      construct: l.construct,
      item: l.item,
      estimate: l.estimate,
      se: l.se,
      std_all: l.standardized,
      std_se: l.standardizedSe,
      appendix_loading: l.appendix,
    })),
  );
  const json = `${JSON.stringify(
    {
      model:
        "paper CFA: 7 constructs on their 39 retained Appendix items, ML, first loading fixed to 1",
      n: a.n,
      fit: a.fit,
      paper: a.paper,
      reliability: a.reliability,
      discriminant: a.discriminant,
      problems: a.problems,
      iterations: a.iterations,
      loadings: a.loadings,
    },
    (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  )}\n`;
  const f = a.fit;
  const d = a.discriminant.filter((t) => Number.isFinite(t.deltaChisq));
  const deltas = d.map((t) => t.deltaChisq);
  const text = [
    `The paper's CFA on this survey (n = ${a.n}, 39 items, 7 factors; ${a.paper.source})`,
    table(
      ["measure", "survey", "paper"],
      [
        ["chi-square (df)", `${fmt(f.chisq, 1)} (${f.df}), p = ${fmt(f.pvalue)}`, "-"],
        ["CFI", fmt(f.cfi), fmt(a.paper.cfi, 2)],
        ["NNFI (TLI)", fmt(f.nnfi), fmt(a.paper.nnfi, 2)],
        ["DELTA2 (IFI)", fmt(f.ifi), fmt(a.paper.delta2, 2)],
        ["RNI", fmt(f.rni), fmt(a.paper.rni, 2)],
        [
          "RMSEA [90% CI]",
          `${fmt(f.rmsea)} [${fmt(f.rmseaLower)}, ${fmt(f.rmseaUpper)}]`,
          fmt(a.paper.rmsea),
        ],
        ["SRMR", fmt(f.srmr), "-"],
      ],
    ),
    "",
    table(
      ["construct", "CR", "AVE", "CR(Appendix loadings)", "CR(paper)"],
      a.reliability.map((r) => [
        r.construct,
        fmt(r.cr),
        fmt(r.ave),
        fmt(r.crAppendixLoadings),
        fmt(r.crReported, 2),
      ]),
    ),
    "",
    table(
      ["item", "std loading", "se", "Appendix"],
      a.loadings.map((l) => [
        l.item,
        fmt(l.standardized),
        fmt(l.standardizedSe),
        fmt(l.appendix, 2),
      ]),
    ),
    "",
    `Discriminant validity (correlation fixed to 1 vs free, delta chi-square on 1 df): ${d.filter((t) => t.distinct).length} of ${a.discriminant.length} pairs distinct at 0.05` +
      (deltas.length
        ? `, delta chi-square ${fmt(Math.min(...deltas), 1)} to ${fmt(Math.max(...deltas), 1)}`
        : "") +
      ` (paper: 21 of 21, ${a.paper.discriminantDeltaChisqRange[0]} to ${a.paper.discriminantDeltaChisqRange[1]})` +
      (a.problems.length
        ? `\nProblems: ${a.problems.map((x) => ("parameter" in x ? `${x.kind} ${x.parameter}` : x.kind)).join("; ")}`
        : ""),
  ].join("\n");
  return { analysis: a, csv, json, text };
}
