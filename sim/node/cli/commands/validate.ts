import { formatIssue, parseScenarioText } from "../../../../src/scenario/validate.ts";
import { buildPlan } from "../../../core/designs/plan.ts";
import { readText } from "../../files/files.ts";
import { looksLikeSweep, readSweep } from "../../files/sweepFile.ts";
import { type Command, UsageError } from "../command.ts";

export const validate: Command = {
  name: "validate",
  summary: "Check a scenario or sweep file and list every problem with its JSON path",
  usage: "bgsim validate <file.json> [more files...]",
  options: {},
  help: `Checks each file against the scenario schema (scenarios/schema/scenario.schema.json) or,
when it has a "design" or "base" field, the sweep schema (sweep.schema.json). Every problem is
printed as  path = value: what is allowed. Exit code 0 when all files are valid, 2 otherwise.`,
  run({ positionals }) {
    if (!positionals.length) throw new UsageError("expected a file (bgsim validate <file.json>)");
    const problems: string[] = [];
    for (const file of positionals) {
      const text = readText(file);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        problems.push(`${file}: not valid JSON: ${(e as Error).message}`);
        continue;
      }
      if (looksLikeSweep(json)) {
        try {
          const s = readSweep(file);
          const plan = buildPlan(s);
          let bad = 0;
          if (plan.points.length <= 20_000)
            for (let p = 0; p < plan.points.length; p++) if (!plan.scenarioAt(p).ok) bad++;
          console.log(
            `${file}: valid sweep "${s.name}": ${s.design.type} design, ${s.factors.length} factor(s) (${s.factors.map((f) => f.path).join(", ")}), ${plan.points.length} points x ${s.replications} replications = ${plan.runs} runs, seed ${s.seed}, ${s.streams} streams${bad ? `; warning: ${bad} design point(s) are not valid scenarios and would fail` : ""}`,
          );
        } catch (e) {
          if (!(e instanceof UsageError)) throw e;
          problems.push(e.message);
        }
        continue;
      }
      const r = parseScenarioText(text);
      if (r.ok)
        console.log(
          `${file}: valid scenario "${r.scenario.name}" (${r.scenario.mode}, seed ${r.scenario.seed}, ${r.scenario.replications} replication(s))`,
        );
      else
        problems.push(
          `${file}: invalid scenario:\n${r.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`,
        );
    }
    if (problems.length) throw new UsageError(problems.join("\n"));
  },
};
