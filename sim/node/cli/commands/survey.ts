import { definedPopulation } from "../../../../src/analysis/indirect.ts";
import { verdict } from "../../../../src/estimate/verdicts.ts";
import { twoSidedP } from "../../../../src/math/distributions.ts";
import { pathLabel } from "../../../../src/model/pathLabel.ts";
import { CONSTRUCTS } from "../../../../src/paper/constructs.ts";
import { TABLE2 } from "../../../../src/paper/table2.ts";
import { pathModelML } from "../../../../src/pipeline/3-analysis.ts";
import { fittedTable, type Replication, replicate } from "../../../../src/pipeline/replication.ts";
import type { Scenario } from "../../../../src/scenario/schema.ts";
import { ATTRIBUTE_NAMES } from "../../../../src/survey/frame.ts";
import { SurveyConfigError } from "../../../../src/survey/instrument.ts";
import { rawAnswer } from "../../../../src/survey/responses.ts";
import { toCsv } from "../../../core/output/csv.ts";
import { hashOf } from "../../../core/output/hash.ts";
import { VERSION } from "../../../core/version.ts";
import { outPath, readScenario, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, stringOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";
import { surveyCfa } from "./surveyCfa.ts";
import { surveyCfaOrdered } from "./surveyCfaOrdered.ts";

type Row = Record<string, string | number | null>;

/** The tables of one virtual survey (items, composites, reliability, estimates, checks). */
export function surveyTables(scenario: Scenario, replication: number) {
  const t0 = performance.now();
  let rep: Replication;
  try {
    // The cross-section world whatever the mode: the survey's frame is the PLACEHOLDER one.
    rep = replicate(scenario, replication, {
      world: { kind: "population" },
      observation: () => ({
        kind: "survey",
        config: scenario.survey,
        keepItems: true,
        noShortcut: true,
      }),
      pathModel: pathModelML({ rmseaInterval: true }),
    });
  } catch (e) {
    if (e instanceof SurveyConfigError) throw new UsageError(e.message);
    throw e;
  }
  const ms = performance.now() - t0;
  const model = rep.world.model;
  const stage = rep.observed.survey!;
  const out = stage.output!;
  const u = stage.universe!;
  const plan = stage.plan;
  const ins = plan.instrument;
  const items: Row[] | null = out.items
    ? Array.from(out.rows, (firm, i) => {
        const row: Row = { respondent: i + 1, firm: firm + 1, wave: out.wave[i] };
        ins.items.forEach((it, k) => {
          row[it.id] = rawAnswer(it, out.items![k][i]);
        });
        return row;
      })
    : null;
  const composites: Row[] = Array.from(out.rows, (firm, i) => {
    const row: Row = { respondent: i + 1, firm: firm + 1, wave: out.wave[i] };
    CONSTRUCTS.forEach((c, ci) => {
      row[c] = out.composites[ci][i];
    });
    for (const a of ATTRIBUTE_NAMES) row[a] = u.attributes[a][firm];
    CONSTRUCTS.forEach((c, ci) => {
      row[`true_${c}`] = u.latent[ci][firm];
    });
    return row;
  });
  const reliability: Row[] = plan.reliability.map((r, ci) => ({
    construct: r.construct,
    items: r.items,
    cr_loadings: r.cr,
    ave: r.ave,
    alpha_closed_form: r.alpha,
    true_reliability_closed_form: r.trueReliability,
    alpha_sample: out.sampleReliability[ci].alpha,
    r2_true_sample: out.sampleReliability[ci].r2True,
    reported_cr: r.reportedCR,
    loadings_scaled_to: r.scaledTo,
  }));
  const est = rep.pathModel;
  if (!est.ok) throw new UsageError(`estimation on the surveyed composites failed: ${est.error}`);
  const popValue = new Map(model.spec.paths.map((x) => [pathLabel(x.from, x.to), x.value]));
  const estimates: Row[] = est.report.paths.map((x) => {
    const paper = TABLE2.find((t) => t.from === x.from && t.to === x.to);
    return {
      hypothesis: x.hypothesis,
      path: x.label,
      population: popValue.get(x.label) ?? null,
      est: x.est,
      se: x.se,
      z: x.z,
      p: x.p,
      verdict: x.verdict,
      std: x.std,
      std_se: x.stdSe,
      std_z: x.std / x.stdSe,
      std_p: twoSidedP(x.std / x.stdSe),
      paper_coefficient: paper?.coefficient ?? null,
      paper_verdict: paper?.verdict ?? null,
    };
  });
  // defined parameters (the model's :=, the indirect effects with estimation.indirect)
  if (est.report.defined) {
    const pop = definedPopulation(fittedTable(rep.world), popValue);
    est.report.defined.forEach((d, i) => {
      estimates.push({
        hypothesis: null,
        path: d.name,
        population: pop[i],
        est: d.est,
        se: d.se,
        z: d.z,
        p: d.p,
        verdict: verdict(d.est, d.p, scenario.estimation.alpha),
        std: d.std,
        std_se: d.stdSe,
        std_z: d.std / d.stdSe,
        std_p: twoSidedP(d.std / d.stdSe),
        paper_coefficient: null,
        paper_verdict: null,
      });
    });
  }
  const checks: Row[] = [
    ...out.checks.earlyLate.map((t) => ({ comparison: "early vs late respondents", ...t })),
    ...out.checks.respondents.map((t) => ({ comparison: "respondents vs non-respondents", ...t })),
  ].map((t) => ({
    comparison: t.comparison,
    variable: t.variable,
    mean_a: t.meanA,
    mean_b: t.meanB,
    n_a: t.nA,
    n_b: t.nB,
    t: t.t,
    df: t.df,
    p: t.p,
    significant: t.p < scenario.estimation.alpha ? 1 : 0,
  }));
  const facts = {
    frame:
      "PLACEHOLDER attributes (src/survey/placeholderFrame.ts), until the dynamics mode supplies real ones",
    screened: out.screened,
    frameSize: out.frameSize,
    mailed: out.mailed,
    responded: out.responded,
    n: out.n,
    calibration: {
      target: plan.calibration.target,
      maxCorrelationGap: plan.calibration.maxGap,
      iterations: plan.calibration.iterations,
      itemScaleMeanGap: plan.scales.meanGap,
      itemScaleSdGap: plan.scales.sdGap,
      latentCorrelations: CONSTRUCTS.map((_, i) =>
        CONSTRUCTS.map((__, j) => Math.round(plan.R[i * 7 + j] * 1e4) / 1e4),
      ),
    },
    itemScales: CONSTRUCTS.map((c, ci) => ({
      construct: c,
      mu: plan.scales.mu[ci],
      sigma: plan.scales.sigma[ci],
    })),
    crUsed:
      scenario.survey.loadings === "scaled"
        ? `loadings scaled to CR = ${scenario.survey.targetReliability}`
        : "Appendix loadings (their Fornell-Larcker CR, not the paper's reported CR)",
    fit: est.report.fit,
    millisecondsIncludingCalibration: ms,
  };
  return { items, composites, reliability, estimates, checks, facts };
}

export const survey: Command = {
  name: "survey",
  summary: "Run one virtual survey of a scenario and write its answers, composites and estimates",
  usage:
    "bgsim survey <scenario.json> --out DIR [--replication R] [--seed S] [--indirect] [--cfa [--ordered]]",
  options: {
    out: { type: "string" },
    replication: { type: "string" },
    seed: { type: "string" },
    cfa: { type: "boolean" },
    ordered: { type: "boolean" },
    indirect: { type: "boolean" },
  },
  help: `Fields the paper's questionnaire to the scenario's frame (docs/survey.md): a random mailing,
non-response, three waves, item answers, composites, reliability and the non-response checks,
then estimates the path model on the composites. The survey runs even if the scenario's
survey.enabled is false (its other survey settings, or the paper's design, are used).
Writes to DIR (only after everything succeeded):
  items.csv        respondents' answers as marked (item level only)
  composites.csv   composites (1-7), PLACEHOLDER firm attributes, true construct scores
  reliability.csv  per construct: CR from loadings, AVE, alpha (closed form and sample),
                   squared correlation with the true score, the paper's reported CR
  estimates.csv    per path: est, se, z, p (unstandardized, lavaan's parameterEstimates) and the
                   verdict from that test; std, std_se, std_z, std_p (standardized, lavaan's
                   standardizedSolution); beside Table 2
  checks.csv       early-vs-late and respondent-vs-non-respondent Welch t-tests
  survey.json      frame, mailing, response facts, calibration (how close, how long)
Options:
  --replication R  which replication's streams to use (default 0)
  --seed S         master seed (default: the scenario's seed)
  --indirect       also the eight specific indirect effects IEO/IMO -> strategy -> PERF and
                   the two total indirect effects as rows of estimates.csv (path =
                   IEO_GTC_PERF, ..., IEO_total, IMO_total; population = the product of the
                   generating model's paths; delta-method SEs), as the scenario's
                   estimation.indirect = true
  --cfa            also run the paper's CFA on the items (docs/survey.md, "Measurement model"):
                   cfa.csv (loadings beside the Appendix), cfa.json (fit beside the paper's,
                   CR/AVE, the 21 discriminant-validity tests), and print the comparison
  --ordered        with --cfa: treat the answers as ordinal (thresholds, polychoric
                   correlations, WLSMV as lavaan's cfa(ordered = TRUE)): cfa.csv/cfa.json
                   hold the WLSMV loadings, scaled-shifted chi-square and CR/AVE instead
  --out DIR        output directory`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim survey --help)");
    const base = readScenario(positionals[0]);
    const dir = stringOption(values.out, "out");
    const replication = intOption(values.replication, "replication", 0, 1_000_000_000, 0);
    const seed = intOption(values.seed, "seed", 0, 4_294_967_295, base.seed);
    if (base.mode === "dynamics")
      console.error(
        "note: bgsim survey draws firms from the PLACEHOLDER frame; in dynamics mode bgsim run and bgsim power survey the simulated firms",
      );
    if (!base.survey.enabled)
      console.error("note: survey.enabled is false in the scenario; running the survey anyway");
    const scenario: Scenario = {
      ...base,
      seed,
      survey: { ...base.survey, enabled: true },
      ...(values.indirect ? { estimation: { ...base.estimation, indirect: true } } : {}),
    };
    const t = surveyTables(scenario, replication);
    // --cfa (opt-in; without it nothing here changes): the paper's measurement analysis
    if (values.ordered && !values.cfa)
      throw new UsageError("--ordered goes with --cfa (it selects the ordinal CFA)");
    const cfa = values.cfa
      ? values.ordered
        ? surveyCfaOrdered(t.items)
        : surveyCfa(t.items)
      : null;
    prepareOutputDir(dir, "survey");
    if (t.items) writeAtomic(outPath(dir, "items.csv"), toCsv(t.items));
    writeAtomic(outPath(dir, "composites.csv"), toCsv(t.composites));
    writeAtomic(outPath(dir, "reliability.csv"), toCsv(t.reliability));
    writeAtomic(outPath(dir, "estimates.csv"), toCsv(t.estimates));
    writeAtomic(outPath(dir, "checks.csv"), toCsv(t.checks));
    writeAtomic(
      outPath(dir, "survey.json"),
      `${JSON.stringify({ command: "survey", version: VERSION, seed, replication, scenario_hash: hashOf(scenario), ...t.facts, scenario }, null, 2)}\n`,
    );
    const f = t.facts;
    console.log(
      `Virtual survey (seed ${seed}, replication ${replication}; ${f.frame})\n` +
        `  screened ${f.screened} firms, mailed ${f.mailed}, ${f.responded} responded (${fmt((100 * f.responded) / f.mailed, 1)}%), n = ${f.n} usable\n` +
        `  calibration ${f.calibration.target}: max composite-correlation gap ${fmt(f.calibration.maxCorrelationGap)} after ${f.calibration.iterations} iterations; ${fmt(f.millisecondsIncludingCalibration, 0)} ms including calibration\n`,
    );
    console.log(
      table(
        [
          "construct",
          "items",
          "CR(loadings)",
          "AVE",
          "alpha",
          "alpha(sample)",
          "r2 true",
          "CR(paper)",
        ],
        t.reliability.map((r) => [
          String(r.construct),
          String(r.items),
          fmt(r.cr_loadings as number),
          fmt(r.ave as number),
          fmt(r.alpha_closed_form as number),
          r.alpha_sample === null ? "-" : fmt(r.alpha_sample as number),
          fmt(r.r2_true_sample as number),
          fmt(r.reported_cr as number, 2),
        ]),
      ),
    );
    console.log("");
    console.log(
      table(
        ["hyp", "path", "population", "std", "std se", "p", "verdict", "paper"],
        t.estimates.map((r) => [
          String(r.hypothesis ?? "-"),
          String(r.path),
          r.population === null ? "-" : fmt(r.population as number),
          fmt(r.std as number),
          fmt(r.std_se as number),
          fmt(r.p as number),
          String(r.verdict),
          r.paper_coefficient === null
            ? "-"
            : `${fmt(r.paper_coefficient as number, 2)} ${r.paper_verdict}`,
        ]),
      ),
    );
    const flagged = t.checks.filter((c) => c.significant === 1);
    console.log(
      `\nNon-response checks: ${flagged.length} of ${t.checks.length} t-tests significant at ${scenario.estimation.alpha}${flagged.length ? ` (${flagged.map((c) => `${c.comparison}: ${c.variable}`).join("; ")})` : ""}`,
    );
    console.error(
      `wrote ${dir}/{${t.items ? "items.csv," : ""}composites.csv,reliability.csv,estimates.csv,checks.csv,survey.json}`,
    );
    if (cfa) {
      writeAtomic(outPath(dir, "cfa.csv"), cfa.csv);
      writeAtomic(outPath(dir, "cfa.json"), cfa.json);
      console.log(`\n${cfa.text}`);
      console.error(`wrote ${dir}/{cfa.csv,cfa.json}`);
    }
  },
};
