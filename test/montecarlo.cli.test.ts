import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bgsim, tmp as tmpDir } from "./helpers/bgsim.ts";
import { files, killWhenJournalHas } from "./sweep.helpers.ts";

const tmp = tmpDir("bgsim-power-");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 2 points x 100 replications, from replication 5: a few seconds of work, long enough to kill
const ARGS = [
  "power",
  "scenarios/power-baseline.json",
  "--reps",
  "100",
  "--n",
  "150,203",
  "--start",
  "5",
];
const RUNS = 200;
const FINAL = [
  "manifest.json",
  "outcomes.csv",
  "replications.csv",
  "runs.jsonl",
  "summary.csv",
  "summary.json",
  "sweep.json",
];
let reference: Record<string, string>;

describe("bgsim power on the experiment engine", () => {
  it("writes byte-identical files with --workers 1 (this thread) and --workers 2", () => {
    const outs = [1, 2].map((w) => {
      const out = join(tmp, `w${w}`);
      const r = bgsim(...ARGS, "--out", out, "--workers", String(w));
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(w === 1 ? /with this thread/ : /2 workers started/);
      expect(r.err).toMatch(/100% 200\/200 runs/);
      expect(r.out).toMatch(/Point 1: set_n = 203 {2}\(100 replications/);
      return files(out);
    });
    reference = outs[0];
    expect(Object.keys(reference)).toEqual(FINAL);
    expect(outs[1]).toEqual(reference);
    const rows = reference["replications.csv"].trim().split("\n");
    expect(rows).toHaveLength(1 + RUNS * 12);
    expect(rows[1]).toMatch(/^0,150,5,/); // point 0, n = 150, replications from --start 5
    expect(rows.at(-1)).toMatch(/^1,203,104,/);
    const json = JSON.parse(reference["summary.json"]);
    expect(json).toMatchObject({ command: "power", reps: 100, start: 5, seed: 2004 });
    expect(json.axes).toEqual([{ name: "n", values: [150, 203] }]);
    expect(JSON.parse(reference["manifest.json"])).toMatchObject({
      status: "complete",
      streams: "common",
      done: `0-${RUNS - 1}`,
    });
  }, 120_000);

  it("resumes after kill -9 midway and ends with the files of an uninterrupted run", async () => {
    const out = join(tmp, "killed");
    const args = [...ARGS, "--out", out, "--workers", "2", "--chunk", "2"];
    const first = await killWhenJournalHas(args, out, 30);
    expect(first.code).toBeNull(); // killed, not finished
    expect(first.lines).toBeGreaterThan(0);
    expect(first.lines).toBeLessThan(RUNS);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).status).toBe("running");
    expect(existsSync(join(out, "summary.csv"))).toBe(false);
    // without --resume the directory is protected
    const refused = bgsim(...ARGS, "--out", out);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/add --resume/);
    const r = bgsim(...ARGS, "--out", out, "--resume", "--workers", "1");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/already done/);
    expect(files(out)).toEqual(reference);
  }, 120_000);

  it("--workers 1 writes the files as the runs finish, into temporaries: a kill -9 midway leaves no final file, --resume removes the temporaries and ends with the same bytes", async () => {
    const out = join(tmp, "killed1");
    const args = [...ARGS, "--out", out, "--workers", "1", "--chunk", "2"];
    const first = await killWhenJournalHas(args, out, 30);
    expect(first.code).toBeNull();
    expect(first.lines).toBeLessThan(RUNS);
    // the final files being written are temporaries (*.tmp-<pid>), never a final name
    expect(existsSync(join(out, "replications.csv"))).toBe(false);
    expect(existsSync(join(out, "summary.csv"))).toBe(false);
    expect(readdirSync(out).some((n) => /^replications\.csv\.tmp-\d+$/.test(n))).toBe(true);
    const r = bgsim(...ARGS, "--out", out, "--resume", "--workers", "1");
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/already done/);
    expect(readdirSync(out).sort()).toEqual(FINAL);
    expect(files(out)).toEqual(reference);
  }, 120_000);

  it("power --shard 1/2 + --shard 2/2 + merge equals one run", () => {
    const dirs = [1, 2].map((k) => {
      const d = join(tmp, `shard${k}`);
      const r = bgsim(...ARGS, "--out", d, "--shard", `${k}/2`, "--workers", "1");
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/combine the shards with bgsim merge/);
      // a shard holds its journal, not power files of its own
      expect(Object.keys(files(d))).toEqual(["manifest.json", "runs.jsonl", "sweep.json"]);
      return d;
    });
    const r = bgsim("merge", ...dirs, "--out", join(tmp, "merged"));
    expect(r.code, r.err).toBe(0);
    expect(files(join(tmp, "merged"))).toEqual(reference);
  }, 120_000);
});
