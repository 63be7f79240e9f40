import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "./helpers/bgsim.ts";
import { files, killWhenJournalHas } from "./sweep.helpers.ts";

const tmp = mkdtempSync(join(tmpdir(), "bgsim-sweep-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// 6 points x 150 replications at n = 1000: long enough (about a second of work) to kill midway
const sweepFile = join(tmp, "sweep.json");
writeFileSync(
  sweepFile,
  JSON.stringify({
    name: "cli-test",
    base: { seed: 5, population: { firms: 1000 } },
    replications: 150,
    design: {
      type: "grid",
      factors: [
        { path: "model.paths.IEO->LFDC", levels: [0.05, 0.15] },
        { path: "estimation.alpha", levels: [0.01, 0.05, 0.1] },
      ],
    },
  }),
);
const RUNS = 900;

function bgsim(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const FINAL = [
  "failures.csv",
  "manifest.json",
  "results.csv",
  "runs.jsonl",
  "summary.csv",
  "sweep.json",
];
let reference: Record<string, string>;

describe("bgsim sweep", () => {
  it("writes byte-identical files with 1, 2 and 4 workers", () => {
    const outs = [1, 2, 4].map((w) => {
      const out = join(tmp, `w${w}`);
      const r = bgsim(["sweep", sweepFile, "--out", out, "--workers", String(w)]);
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(new RegExp(`${w} workers? started`));
      return files(out);
    });
    reference = outs[0];
    expect(Object.keys(reference)).toEqual(FINAL);
    expect(reference["results.csv"].trim().split("\n")).toHaveLength(RUNS + 1);
    expect(JSON.parse(reference["manifest.json"])).toMatchObject({
      status: "complete",
      done: `0-${RUNS - 1}`,
      failedCount: 0,
    });
    expect(outs[1]).toEqual(reference);
    expect(outs[2]).toEqual(reference);
  });

  it("resumes after kill -9 (twice) midway and ends with the same files as an uninterrupted run", async () => {
    const out = join(tmp, "killed");
    /** Start the sweep and SIGKILL it once the journal holds at least `atLeast` lines. */
    const killAt = async (atLeast: number, resume: boolean) => {
      const args = ["sweep", sweepFile, "--out", out, "--workers", "2", "--chunk", "3"];
      const k = await killWhenJournalHas(resume ? [...args, "--resume"] : args, out, atLeast);
      expect(k.code).toBeNull(); // killed, not finished
      const n = k.lines;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(RUNS);
      expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).status).toBe("running");
      expect(existsSync(join(out, "results.csv"))).toBe(false); // no partial output posing as complete
      return n;
    };
    const first = await killAt(60, false);
    const second = await killAt(first + 250, true);
    expect(second).toBeGreaterThan(first);
    // without --resume the directory is protected
    const refused = bgsim(["sweep", sweepFile, "--out", out]);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/already holds sweep output .* add --resume/);
    const r = bgsim(["sweep", sweepFile, "--out", out, "--resume", "--workers", "1"]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/already done/);
    expect(files(out)).toEqual(reference);
    // resuming a finished sweep changes nothing
    expect(bgsim(["sweep", sweepFile, "--out", out, "--resume"]).code).toBe(0);
    expect(files(out)).toEqual(reference);
  });

  it("merges shards into the files of a single run", () => {
    const dirs = [1, 2, 3].map((k) => {
      const d = join(tmp, `shard${k}`);
      const r = bgsim(["sweep", sweepFile, "--out", d, "--shard", `${k}/3`, "--workers", "1"]);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(readFileSync(join(d, "manifest.json"), "utf8"))).toMatchObject({
        shard: { index: k, count: 3 },
        sliceRuns: 300,
      });
      return d;
    });
    const missing = bgsim(["merge", dirs[0], dirs[2], "--out", join(tmp, "m0")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing shard\(s\) 2\/3/);
    const r = bgsim(["merge", ...dirs, "--out", join(tmp, "merged")]);
    expect(r.code, r.err).toBe(0);
    expect(files(join(tmp, "merged"))).toEqual(reference);
  });

  it("keeps every other run when one run fails, and reports its seed and parameters", () => {
    const out = join(tmp, "faulty");
    const r = bgsim(["sweep", sweepFile, "--out", out, "--workers", "2"], {
      BGSIM_TEST_FAULTS: '{"throwOn":[400]}',
    });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(
      /1 run\(s\) failed .*\n {2}run 400 \(point 2, replication 100, seed \d+, model.paths.IEO->LFDC=0.05, estimation.alpha=0.1\): injected failure in run 400/,
    );
    const f = files(out);
    expect(f["failures.csv"].trim().split("\n")[1]).toMatch(
      /^400,2,100,\d+,0.05,0.1,injected failure in run 400$/,
    );
    const refRows = reference["results.csv"].split("\n");
    expect(f["results.csv"].split("\n")).toEqual(refRows.filter((l) => !l.startsWith("400,")));
  });

  it("rejects bad options and bad sweep files with exit code 2 and a path", () => {
    expect(bgsim(["sweep", sweepFile, "--out", join(tmp, "x"), "--shard", "4/3"]).err).toMatch(
      /--shard = "4\/3": must be k\/N/,
    );
    const bad = join(tmp, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        base: {},
        design: { type: "grid", factors: [{ path: "population.firmz", levels: [1] }] },
      }),
    );
    const r = bgsim(["sweep", bad, "--out", join(tmp, "y")]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /design.factors\[0\].levels\[0\] = 1: population.firmz is not a field of the scenario/,
    );
    const other = join(tmp, "other.json");
    writeFileSync(other, readFileSync(sweepFile, "utf8").replace('"seed":5', '"seed":6'));
    const wrong = bgsim(["sweep", other, "--out", join(tmp, "w1"), "--resume"]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/written by a different sweep/);
  });
});

describe("bgsim validate", () => {
  it("accepts the shipped sweeps and scenarios and names the path of each problem", () => {
    const root = fileURLToPath(new URL("../scenarios/", import.meta.url));
    const sweeps = readdirSync(join(root, "sweeps")).map((f) => join(root, "sweeps", f));
    const ok = bgsim(["validate", ...sweeps, join(root, "baseline.json")]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/valid sweep "power-n-h4a": grid design, 2 factor\(s\).* = 4000 runs/);
    const bad = join(tmp, "badscenario.json");
    writeFileSync(bad, JSON.stringify({ population: { firms: 5, colour: "red" } }));
    const r = bgsim(["validate", bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/population.firms = 5: Too small/);
    expect(r.err).toMatch(/population.colour = "red": unknown field/);
  });
});

describe("bgsim compare", () => {
  it("prints paired differences with CIs using common random numbers, and says so", () => {
    const a = join(tmp, "a.json");
    const b = join(tmp, "b.json");
    writeFileSync(a, JSON.stringify({ name: "A", seed: 9, population: { firms: 203 } }));
    writeFileSync(
      b,
      JSON.stringify({
        name: "B",
        seed: 10,
        population: { firms: 203 },
        model: { paths: { "IEO->LFDC": 0.3 } },
      }),
    );
    const r = bgsim(["compare", a, b, "--reps", "60"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /Common random numbers: replication r of A and of B draws from the same streams \(seed 9/,
    );
    expect(r.out).toMatch(/seeds, A 9 and B 10, were replaced by 9/);
    const row = r.out.split("\n").find((l) => l.trim().startsWith("IEO->LFDC.pop"));
    expect(row).toMatch(/0\.1000\s+0\.3000\s+0\.2000\s+\[0\.2000, 0\.2000\]\s+\*/);
    expect(r.out).toMatch(/IEO->LFDC\.std .*\*/);
    // the same table from worker threads and from this thread
    expect(bgsim(["compare", a, b, "--reps", "60", "--workers", "1"]).out).toBe(r.out);
    // with common random numbers, A against itself differs in nothing
    const same = bgsim(["compare", a, a, "--reps", "10"]);
    expect(same.out).toMatch(/quantities are identical in A and B in every replication/);
    expect(same.out.split("\n").filter((l) => /^\s*\S+\.(est|std)\s/.test(l))).toHaveLength(0);
  });
});
