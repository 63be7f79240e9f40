import { CONSTRUCTS, TABLE1_MEANS, TABLE1_SDS } from "../../../../src/paper/index.ts";
import { drawPopulationRange } from "../../../../src/population/draw.ts";
import { scenarioModel } from "../../../../src/scenario/validate.ts";
import { hashOf } from "../../../core/output/hash.ts";
import { VERSION } from "../../../core/version.ts";
import { outPath, readScenario, writeAtomic, writeAtomicStream } from "../../files/files.ts";
import { prepareOutputDir } from "../../files/outputDir.ts";
import { type Command, intOption, stringOption, UsageError } from "../command.ts";

export const generate: Command = {
  name: "generate",
  summary: "Draw a population of firms' construct scores from a scenario's structural model",
  usage: "bgsim generate <scenario.json> [--firms N] [--seed S] --out DIR",
  options: { firms: { type: "string" }, seed: { type: "string" }, out: { type: "string" } },
  help: `Writes DIR/firms.csv (id and the seven construct scores, on Table 1's 1-7 scale unless the
scenario says population.scale = "latent") and DIR/run.json (resolved scenario, seed, version).
Options:
  --firms N  number of firms (10 to 5,000,000; default: the scenario's population.firms)
  --seed S   master seed (0 to 4294967295; default: the scenario's seed)
  --out DIR  output directory (created if missing)`,
  run({ values, positionals }) {
    if (positionals.length !== 1)
      throw new UsageError("expected one scenario file (see bgsim generate --help)");
    const scenario = readScenario(positionals[0]);
    const firms = intOption(values.firms, "firms", 10, 5_000_000, scenario.population.firms);
    const seed = intOption(values.seed, "seed", 0, 4_294_967_295, scenario.seed);
    const dir = stringOption(values.out, "out");
    const resolved = { ...scenario, seed, population: { ...scenario.population, firms } };
    const built = scenarioModel(resolved);
    if (!built.ok)
      throw new UsageError(built.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    prepareOutputDir(dir, "generate");
    const scaled = resolved.population.scale === "table1";
    const chunk = 100_000;
    // streamed in chunks: 5,000,000 firms are about 600 MB, more than one string can hold
    writeAtomicStream(outPath(dir, "firms.csv"), (write) => {
      write(`${["id", ...CONSTRUCTS].join(",")}\n`);
      for (let start = 0; start < firms; start += chunk) {
        const end = Math.min(firms, start + chunk);
        const pop = drawPopulationRange(built.model, start, end, {
          seed,
          replication: 0,
          means: scaled ? TABLE1_MEANS : undefined,
          sds: scaled ? TABLE1_SDS : undefined,
        });
        const lines: string[] = [];
        for (let i = 0; i < pop.n; i++)
          lines.push(`${start + i + 1},${pop.columns.map((c) => c[i]).join(",")}\n`);
        write(lines.join(""));
      }
    });
    writeAtomic(
      outPath(dir, "run.json"),
      `${JSON.stringify({ command: "generate", version: VERSION, seed, firms, scenario_hash: hashOf(resolved), scenario: resolved }, null, 2)}\n`,
    );
    console.error(`wrote ${firms} firms to ${outPath(dir, "firms.csv")}`);
  },
};
