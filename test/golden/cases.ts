/**
 * Golden cases: bgsim command lines whose every output byte is pinned by
 * test/fixtures/golden/hashes.json (see test/golden.test.ts; GOLDEN_UPDATE=1 re-records).
 *
 * Placeholders in `args` and `setup`:
 *   {out}   a fresh, empty temporary directory; every file under it is hashed
 *   {work}  a fresh scratch directory for inputs and setup outputs (not hashed)
 * Relative paths (scenarios/...) resolve against the project root, the working directory.
 * Sizes are small (--firms, --reps, --iterations, sweep shards) so the set runs in well under a
 * minute on two cores; every shipped scenario goes through every command that accepts it.
 */

export interface GoldenCase {
  /** Unique key in the fixture ("command/what"). */
  name: string;
  /** bgsim arguments (after the executable). */
  args: string[];
  /** bgsim runs done first, in order, whose outputs feed the case (not hashed themselves). */
  setup?: string[][];
  /** Files written into {work} before anything runs: name -> content. */
  inputs?: Record<string, string>;
}

/** Cross-section scenarios (scenarios/*.json without mode "dynamics"). */
const CROSS = ["baseline", "published-model", "power-baseline", "power-cmv"];
/** Agent-based scenarios: the dynamics baseline and the policy what-ifs. */
const POLICY = [
  "digital-platforms",
  "distributor-matchmaking",
  "export-promotion",
  "no-globalisation",
  "technology-support",
];
const DYNAMICS = ["dynamics-baseline", ...POLICY.map((p) => `policy/${p}`)];
const SCENARIOS = [...CROSS, ...DYNAMICS];
const SWEEPS = ["export-promotion-takeup", "lhs-strategy-paths", "morris-screen", "power-n-h4a"];

const sc = (name: string) => `scenarios/${name}.json`;
const sw = (name: string) => `scenarios/sweeps/${name}.json`;
const short = (name: string) => name.replace(/^policy\//, "");

/** Table 1 of the paper as a correlation matrix CSV (as in README's estimate --corr-matrix). */
const TABLE1_CSV = `${[
  ",IEO,IMO,GTC,UPD,QF,LFDC,PERF",
  "IEO,1,.36,.33,.27,.36,.19,.32",
  "IMO,.36,1,.23,.30,.44,.29,.49",
  "GTC,.33,.23,1,.44,.19,.16,.36",
  "UPD,.27,.30,.44,1,.31,.17,.35",
  "QF,.36,.44,.19,.31,1,.29,.44",
  "LFDC,.19,.29,.16,.17,.29,1,.32",
  "PERF,.32,.49,.36,.35,.44,.32,1",
].join("\n")}\n`;

/** A population to estimate on: bgsim generate of the cross-section baseline. */
const GENERATED = [["generate", sc("baseline"), "--firms", "2000", "--out", "{work}/gen"]];

export const CASES: GoldenCase[] = [
  // replicate: the two built-in specifications (no files; stdout only)
  { name: "replicate/published", args: ["replicate"] },
  { name: "replicate/table1", args: ["replicate", "--model", "table1"] },

  // generate: every scenario; published-model at its own firm count (203), one with --seed
  ...SCENARIOS.map((s) => ({
    name: `generate/${short(s)}`,
    args: [
      "generate",
      sc(s),
      ...(s === "published-model" ? [] : ["--firms", "500"]),
      ...(s === "baseline" ? ["--seed", "7"] : []),
      "--out",
      "{out}",
    ],
  })),

  // estimate: generated raw data under each model choice, a correlation matrix, a fixture
  {
    name: "estimate/generated-published",
    setup: GENERATED,
    args: ["estimate", "{work}/gen/firms.csv", "--out", "{out}"],
  },
  {
    name: "estimate/generated-table1-alpha",
    setup: GENERATED,
    args: [
      "estimate",
      "{work}/gen/firms.csv",
      "--model",
      "table1",
      "--alpha",
      "0.01",
      "--out",
      "{out}",
    ],
  },
  {
    name: "estimate/generated-scenario-model",
    setup: GENERATED,
    args: ["estimate", "{work}/gen/firms.csv", "--model", sc("power-cmv"), "--out", "{out}"],
  },
  {
    name: "estimate/corr-matrix-table1",
    inputs: { "table1.csv": TABLE1_CSV },
    args: ["estimate", "{work}/table1.csv", "--corr-matrix", "--n", "203", "--out", "{out}"],
  },
  {
    name: "estimate/lavaan-raw150",
    args: ["estimate", "test/fixtures/lavaan/raw150.csv", "--model", "table1", "--out", "{out}"],
  },

  // survey: every scenario; one with another replication and seed
  ...SCENARIOS.map((s) => ({
    name: `survey/${short(s)}`,
    args: ["survey", sc(s), "--out", "{out}"],
  })),
  {
    name: "survey/power-baseline-replication-seed",
    args: ["survey", sc("power-baseline"), "--replication", "3", "--seed", "7", "--out", "{out}"],
  },

  // power: 1 vs 2 workers (identical outputs), every grid option, --start, a dynamics scenario
  {
    name: "power/power-baseline-workers1",
    args: ["power", sc("power-baseline"), "--reps", "20", "--workers", "1", "--out", "{out}"],
  },
  {
    name: "power/power-baseline-workers2",
    args: ["power", sc("power-baseline"), "--reps", "20", "--workers", "2", "--out", "{out}"],
  },
  {
    name: "power/power-cmv-grid-n-cmv",
    args: [
      "power",
      sc("power-cmv"),
      "--reps",
      "6",
      "--n",
      "100,203",
      "--cmv",
      "0,0.3",
      "--workers",
      "2",
      "--out",
      "{out}",
    ],
  },
  {
    name: "power/baseline-grid-coef-reliability",
    args: [
      "power",
      sc("baseline"),
      "--reps",
      "5",
      "--coef",
      "IEO->LFDC=0.05,0.2",
      "--reliability",
      "0.7,0.8",
      "--workers",
      "1",
      "--out",
      "{out}",
    ],
  },
  {
    name: "power/published-model-grid-bias-cutoff-start",
    args: [
      "power",
      sc("published-model"),
      "--reps",
      "5",
      "--start",
      "10",
      "--bias",
      "0,0.4",
      "--cutoff",
      "0,0.25",
      "--workers",
      "1",
      "--out",
      "{out}",
    ],
  },
  {
    name: "power/dynamics-baseline",
    args: ["power", sc("dynamics-baseline"), "--reps", "2", "--workers", "1", "--out", "{out}"],
  },

  // run (agent-based dynamics): every dynamics scenario, a cross-section one, --replication --events
  ...[...DYNAMICS, "baseline"].map((s) => ({
    name: `run/${short(s)}`,
    args: ["run", sc(s), "--quiet", "--out", "{out}"],
  })),
  {
    name: "run/dynamics-baseline-replication-events",
    args: [
      "run",
      sc("dynamics-baseline"),
      "--replication",
      "1",
      "--events",
      "--quiet",
      "--out",
      "{out}",
    ],
  },

  // sweep: every shipped sweep, on a shard; lhs with 1 and with 2 workers (identical outputs)
  {
    name: "sweep/export-promotion-takeup-shard",
    args: [
      "sweep",
      sw("export-promotion-takeup"),
      "--shard",
      "1/16",
      "--workers",
      "1",
      "--quiet",
      "--out",
      "{out}",
    ],
  },
  {
    name: "sweep/lhs-strategy-paths-shard-workers1",
    args: [
      "sweep",
      sw("lhs-strategy-paths"),
      "--shard",
      "3/20",
      "--workers",
      "1",
      "--quiet",
      "--out",
      "{out}",
    ],
  },
  {
    name: "sweep/lhs-strategy-paths-shard-workers2",
    args: [
      "sweep",
      sw("lhs-strategy-paths"),
      "--shard",
      "3/20",
      "--workers",
      "2",
      "--chunk",
      "7",
      "--quiet",
      "--out",
      "{out}",
    ],
  },
  {
    name: "sweep/power-n-h4a-shard",
    args: [
      "sweep",
      sw("power-n-h4a"),
      "--shard",
      "1/40",
      "--workers",
      "2",
      "--quiet",
      "--out",
      "{out}",
    ],
  },

  // merge: the whole Morris sweep in two shards (covers morris.csv, written for complete sweeps)
  {
    name: "merge/morris-screen-2-shards",
    setup: [1, 2].map((k) => [
      "sweep",
      sw("morris-screen"),
      "--shard",
      `${k}/2`,
      "--workers",
      "1",
      "--quiet",
      "--out",
      `{work}/shard${k}`,
    ]),
    args: ["merge", "{work}/shard1", "{work}/shard2", "--out", "{out}"],
  },

  // compare (stdout only): 1 vs 2 workers, --seed --all, a policy against the dynamics baseline
  {
    name: "compare/power-baseline-vs-power-cmv-workers1",
    args: [
      "compare",
      sc("power-baseline"),
      sc("power-cmv"),
      "--reps",
      "20",
      "--workers",
      "1",
      "--quiet",
    ],
  },
  {
    name: "compare/power-baseline-vs-power-cmv-workers2",
    args: [
      "compare",
      sc("power-baseline"),
      sc("power-cmv"),
      "--reps",
      "20",
      "--workers",
      "2",
      "--quiet",
    ],
  },
  {
    name: "compare/baseline-vs-published-model-seed-all",
    args: [
      "compare",
      sc("baseline"),
      sc("published-model"),
      "--reps",
      "10",
      "--seed",
      "7",
      "--all",
      "--workers",
      "1",
      "--quiet",
    ],
  },
  {
    name: "compare/dynamics-baseline-vs-export-promotion",
    args: [
      "compare",
      sc("dynamics-baseline"),
      sc("policy/export-promotion"),
      "--reps",
      "2",
      "--workers",
      "1",
      "--quiet",
    ],
  },

  // validate (stdout only): every shipped scenario and sweep file
  { name: "validate/all-shipped", args: ["validate", ...SCENARIOS.map(sc), ...SWEEPS.map(sw)] },

  // calibrate: a few candidates at a small firm count, best values written to a file
  {
    name: "calibrate/dynamics-baseline",
    args: [
      "calibrate",
      sc("dynamics-baseline"),
      "--iterations",
      "3",
      "--firms",
      "500",
      "--seed",
      "3",
      "--out",
      "{out}/best.json",
    ],
  },
];

/** Cases whose outputs must be identical to each other (e.g. the same run with 1 and 2 workers). */
export const SAME_OUTPUT: [string, string][] = [
  ["power/power-baseline-workers1", "power/power-baseline-workers2"],
  ["sweep/lhs-strategy-paths-shard-workers1", "sweep/lhs-strategy-paths-shard-workers2"],
  ["compare/power-baseline-vs-power-cmv-workers1", "compare/power-baseline-vs-power-cmv-workers2"],
];
