import {
  SELECTION_LABELS,
  SELECTION_LEVELS,
  selectionReplication,
} from "../../../../src/calibration/selection.ts";
import { calibrationTable } from "../../../../src/dynamics/calibration.ts";
import { simulate } from "../../../../src/dynamics/simulate.ts";
import { surveyDateCounts } from "../../../../src/dynamics/status.ts";
import type { DynamicsHistory } from "../../../../src/dynamics/types.ts";
import { TABLE2 } from "../../../../src/paper/table2.ts";
import { replicate, resultOf } from "../../../../src/pipeline/replication.ts";
import { modelFor, type ReplicationResult } from "../../../../src/replication.ts";
import type { Scenario } from "../../../../src/scenario/schema.ts";
import { formatIssue, parseJsonText, validateScenario } from "../../../../src/scenario/validate.ts";
import { eventsCsv, firmsCsv, timeseriesCsv } from "../../../core/output/dynamicsOutput.ts";
import { hashOf } from "../../../core/output/hash.ts";
import { VERSION } from "../../../core/version.ts";
import { outPath, readText, writeAtomic } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, UsageError } from "../command.ts";
import { fmt, table } from "../format.ts";

function parseJson(path: string, text: string): unknown {
  const r = parseJsonText(text);
  if (!r.ok)
    throw new UsageError(
      r.issues.length === 1 && r.issues[0].path === "(file)"
        ? `${path}: ${r.issues[0].message}`
        : `${path}:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
  return r.json;
}

/** Read a scenario, optionally replacing its market list by a JSON file of country records. */
export function readDynamicsScenario(path: string, marketsFile?: string): Scenario {
  const json = parseJson(path, readText(path)) as Record<string, unknown>;
  if (marketsFile && (json === null || typeof json !== "object" || Array.isArray(json)))
    throw new UsageError(
      `${path}: must hold a scenario (a JSON object), found ${json === null ? "null" : Array.isArray(json) ? "an array" : typeof json}`,
    );
  if (marketsFile) {
    const countries = parseJson(marketsFile, readText(marketsFile));
    if (!Array.isArray(countries))
      throw new UsageError(`${marketsFile}: must be a JSON array of country records`);
    const markets = (json.markets ?? {}) as Record<string, unknown>;
    json.markets = { ...markets, countries };
  }
  const r = validateScenario(json);
  if (!r.ok) {
    const where = marketsFile ? `${path} (markets from ${marketsFile})` : path;
    throw new UsageError(
      `${where}: invalid scenario:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
    );
  }
  return r.scenario;
}

/**
 * For a world whose founding population is not the published model (model.base "empty", e.g.
 * the survey-calibrated world): the published model's paths fitted at every stage of selection
 * of this replication (src/calibration/selection.ts; bgsim selection gives them over
 * replications with intervals).
 */
function selectionCorrectedText(scenario: Scenario, rep: number, history: DynamicsHistory): string {
  const s = selectionReplication(scenario, rep, history);
  return [
    `Selection-corrected paths of the published model (Table 2's 12 paths), replication ${rep}; n: ${SELECTION_LEVELS.map((lv) => `${lv} ${s.n[lv]}`).join(", ")} (over replications with intervals: bgsim selection)`,
    table(
      ["", "path", "Table 2", ...SELECTION_LEVELS.map((lv) => SELECTION_LABELS[lv])],
      TABLE2.map((t) => {
        const l = `${t.from}->${t.to}`;
        return [
          t.hypothesis,
          l,
          fmt(t.coefficient, 2),
          ...SELECTION_LEVELS.map((lv) => fmt(s.paths[lv][l], 3)),
        ];
      }),
    ),
  ].join("\n");
}

export function calibrationText(rows: ReturnType<typeof calibrationTable>, frameN: number): string {
  return [
    `Calibration: target vs simulated (frame = surveyed frame at the survey date, n = ${frameN})`,
    table(
      ["measure", "population", "target", "band", "simulated", "", "source"],
      rows.map((r) => [
        r.label,
        r.population,
        fmt(r.target, 2),
        `${fmt(r.lo, 2)}-${fmt(r.hi, 2)}`,
        fmt(r.simulated, 3),
        r.within ? "ok" : "OUT",
        r.cite,
      ]),
    ),
    `${rows.filter((r) => r.within).length} of ${rows.length} targets within their bands`,
  ].join("\n");
}

export const run: Command = {
  name: "run",
  summary: "Run the agent-based dynamics of a scenario; write timeseries.csv, firms.csv, run.json",
  usage:
    "bgsim run <scenario.json> --out DIR [--replication R] [--events] [--markets FILE] [--quiet]",
  options: {
    out: { type: "string" },
    replication: { type: "string" },
    events: { type: "boolean" },
    markets: { type: "string" },
    quiet: { type: "boolean" },
  },
  help: `Simulates firms founded over time (scenario.dynamics, markets, policy): entry into
foreign markets through distributors, performance, learning, exit. Prints the calibration
table (target vs simulated) and the path coefficients in the founded population, the
surveyed frame and the survey sample (selection effects). Any scenario can be run: a
cross-section scenario runs with its dynamics section (defaults = the calibrated baseline).
Writes to DIR:
  timeseries.csv  tidy per-step aggregates: step,date,group,measure,value (groups: all,
                  born_global, gradual, domestic, IEO/IMO quartiles, region:<name>, country:<ISO3>)
  firms.csv       one row per firm: outcomes at the survey date and lifetime facts
  run.json        scenario (defaults resolved), version, calibration, outcomes, paths, stats
  events.csv      with --events: every entry, exit, distributor replacement, founding, firm exit
Options:
  --replication R  replication number (default 0); streams derive from (seed, R, purpose)
  --markets FILE   JSON array of country records replacing the built-in markets
                   (fields: iso3, isoNumeric, name, region, gdp2000, capital, lat, lon,
                   pdi, idv, mas, uai, hofstedeSource)
  --quiet          no progress on stderr`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim run --help)");
    const out = values.out;
    if (typeof out !== "string" || !out) throw new UsageError("--out DIR is required");
    const rep = intOption(values.replication, "replication", 0, 1_000_000, 0);
    const scenario = readDynamicsScenario(positionals[0], values.markets as string | undefined);
    prepareOutputDir(out, "run");
    const quiet = values.quiet === true || !process.stderr.isTTY;
    const t0 = performance.now();
    let last = 0;
    const history = simulate(scenario, rep, {
      model: modelFor(scenario).model,
      events: values.events === true || scenario.dynamics.events,
      onProgress: (done, steps) => {
        const now = performance.now();
        if (now - last < 200 && done < steps) return;
        last = now;
        const msg = `step ${done}/${steps} (${((now - t0) / 1000).toFixed(1)} s)`;
        if (quiet) {
          if (done === steps) process.stderr.write(`simulated ${msg}\n`);
        } else process.stderr.write(`\r${msg}${done === steps ? "\n" : ""}`);
      },
    });
    const simSeconds = (performance.now() - t0) / 1000;
    let result: ReplicationResult | null = null;
    let surveyError: string | null = null;
    try {
      result = resultOf(replicate(scenario, rep, { world: { history } }));
    } catch (e) {
      surveyError = (e as Error).message;
    }
    const rows = calibrationTable(history);
    const frameN = surveyDateCounts(history).frame;
    const lines: string[] = [];
    const cal = history.calendar;
    lines.push(
      `Born Global Lab dynamics: "${scenario.name}", seed ${scenario.seed}, replication ${rep}: ${history.firms.n.toLocaleString("en-US")} firms, ${history.markets.iso3.length} foreign markets (home ${history.markets.home}), ${cal.startYear}-${cal.startYear + cal.steps / cal.stepsPerYear - 1} in ${cal.steps} steps, ${simSeconds.toFixed(2)} s`,
    );
    if (scenario.mode !== "dynamics")
      lines.push(
        `(scenario mode is "${scenario.mode}": bgsim run simulates its dynamics section; runReplication of this file stays a cross-section)`,
      );
    lines.push("", calibrationText(rows, frameN));
    if (frameN === 0)
      lines.push(
        `No firm in the frame at the survey date (dynamics.frame.foundedFrom = ${scenario.dynamics.frame.foundedFrom}, dynamics.frame.minForeignShare = ${scenario.dynamics.frame.minForeignShare}): the frame targets are NA`,
      );
    if (result) {
      const o = result.outcomes;
      lines.push(
        "",
        `At the survey date: ${o["dynamics.aliveAtSurvey"]} firms alive, ${o["dynamics.exporters"]} exporting (${fmt(o["dynamics.marketsPerExporter"], 1)} markets each on average), ${o["dynamics.bornGlobals"]} born global; exports US$ ${fmt(o["dynamics.exportsUsdM"] / 1000, 2)} billion in ${scenario.dynamics.surveyYear}`,
      );
    }
    if (result) {
      const o = result.outcomes;
      const sampleName = o["dynamics.estimatedOnFrame"]
        ? "frame (survey disabled)"
        : `survey sample (n = ${result.n})`;
      lines.push(
        "",
        `Selection effects: standardized path coefficients (model value; founded population, n = ${o["population.n"] ?? "-"}; frame, n = ${o["frame.n"] ?? "-"}; ${sampleName})`,
        table(
          ["hyp", "path", "model", "population", "frame", "sample", "p", "verdict"],
          result.paths.map((p) => [
            p.hypothesis ?? "-",
            p.label.replace("->", " -> "),
            fmt(p.population, 2),
            fmt(o[`population.${p.label}`] ?? Number.NaN),
            fmt(o[`frame.${p.label}`] ?? Number.NaN),
            fmt(p.std),
            fmt(p.p),
            p.verdict,
          ]),
        ),
      );
    } else lines.push("", `Path estimates unavailable: ${surveyError}`);
    if (result && scenario.model.base === "empty" && scenario.survey.enabled && frameN > 0)
      lines.push("", selectionCorrectedText(scenario, rep, history));
    const st = history.stats;
    if (
      st.policyCost > 0 ||
      st.treated.exportPromotion + st.treated.matchmaking + st.treated.technology > 0
    )
      lines.push(
        "",
        `Policy: treated firms: export promotion ${st.treated.exportPromotion}, matchmaking ${st.treated.matchmaking}, technology ${st.treated.technology}; cost US$ ${(st.policyCost / 1000).toFixed(1)} million`,
      );
    writeAtomic(outPath(out, "timeseries.csv"), timeseriesCsv(history));
    writeAtomic(outPath(out, "firms.csv"), firmsCsv(history));
    if (history.events) writeAtomic(outPath(out, "events.csv"), eventsCsv(history));
    const runJson = {
      version: VERSION,
      seed: scenario.seed,
      scenario_hash: hashOf(scenario),
      scenario,
      replication: rep,
      seconds: simSeconds,
      calibration: rows.map(
        ({ key, label, population, target, lo, hi, simulated, within, source }) => ({
          key,
          label,
          population,
          target,
          lo,
          hi,
          // no null in run.json: a value that cannot be measured says why
          ...(Number.isFinite(simulated)
            ? { simulated }
            : {
                simulated: "NA",
                missing:
                  population === "frame" && frameN === 0
                    ? "no firm in the frame"
                    : `no ${population} to measure it on`,
              }),
          within,
          source,
        }),
      ),
      frameSize: frameN,
      stats: st,
      result,
      surveyError,
      markets: history.markets.iso3,
    };
    writeAtomic(outPath(out, "run.json"), `${JSON.stringify(runJson, null, 2)}\n`);
    lines.push(
      "",
      `Wrote ${["timeseries.csv", "firms.csv", "run.json", ...(history.events ? ["events.csv"] : [])].map((f) => outPath(out, f)).join(", ")}`,
    );
    console.log(lines.join("\n"));
  },
};
