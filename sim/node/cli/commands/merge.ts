import { mergeShards } from "../../files/merge.ts";
import { type Command, stringOption, UsageError } from "../command.ts";

export const merge: Command = {
  name: "merge",
  summary: "Combine the output directories of sweep or power shards into one",
  usage: "bgsim merge <shard dirs...> --out DIR",
  options: { out: { type: "string" } },
  help: `Reads the output directories of bgsim sweep --shard 1/N ... N/N, or of bgsim power
--shard 1/N ... N/N (all complete, same sweep or power run, same bgsim version), and writes
into DIR exactly the files one machine running the whole job would have written (byte for
byte): results.csv, summary.csv, ... for a sweep; replications.csv, outcomes.csv, summary.csv,
summary.json for power. DIR must be new or empty.`,
  run({ values, positionals }) {
    const out = stringOption(values.out, "out");
    if (!positionals.length) throw new UsageError("expected the shard output directories");
    const r = mergeShards(positionals, out);
    console.log(
      `${out}: merged ${positionals.length} shards, ${r.runs} runs, ${r.failed} failed; wrote ${r.files.join(", ")}`,
    );
  },
};
