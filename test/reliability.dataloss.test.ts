import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crc32Hex, decodeJournal, JournalEncoder } from "../sim/core/output/journal.ts";
import { LOCK_FILE } from "../sim/node/files/outputDir.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const root = tmp("bgsim-dataloss-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sweepFile = join(root, "sweep.json");
writeFileSync(
  sweepFile,
  JSON.stringify({
    name: "dataloss",
    base: { seed: 3, population: { firms: 200 } },
    replications: 2,
    design: { type: "grid", factors: [{ path: "population.firms", levels: [150, 200] }] },
  }),
);
const scenarioFile = join(root, "scenario.json");
writeFileSync(scenarioFile, JSON.stringify({ seed: 2, population: { firms: 300 } }));

/** A directory holding a user's own files (the names bgsim writes, and a *.tmp-<digits>). */
function userDir(name: string): { dir: string; files: Record<string, string> } {
  const dir = join(root, name);
  mkdirSync(dir);
  const files: Record<string, string> = {
    "results.csv": "my,results\n1,2\n",
    "summary.csv": "my summary\n",
    "firms.csv": "id,mine\n",
    "run.json": '{"mine": true}\n',
    "notes.tmp-12345": "a user's file that happens to end in .tmp-digits\n",
  };
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return { dir, files };
}

function contents(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), "utf8")]),
  );
}

describe("an --out directory that is not the command's own output is refused and left untouched", () => {
  it("sweep: a user's results.csv, summary.csv and *.tmp-<digits> survive, exit 2", () => {
    const { dir, files } = userDir("sweep-user");
    const r = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out .*sweep-user: is not empty and holds no sweep output/);
    expect(contents(dir)).toEqual(files);
    const r2 = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet", "--resume");
    expect(r2.code).toBe(2);
    expect(contents(dir)).toEqual(files);
  });

  it("sweep: a directory with only a results.csv (no manifest) is refused", () => {
    const dir = join(root, "only-results");
    mkdirSync(dir);
    writeFileSync(join(dir, "results.csv"), "x\n");
    const r = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds results\.csv but no manifest\.json/);
    expect(contents(dir)).toEqual({ "results.csv": "x\n" });
  });

  it.each([
    ["generate", [scenarioFile]],
    ["survey", [scenarioFile]],
    ["run", [join(root, "dyn.json"), "--quiet"]],
  ])("%s refuses a user's directory, exit 2", (cmd, args) => {
    writeFileSync(join(root, "dyn.json"), JSON.stringify({ dynamics: { firms: 500 } }));
    const { dir, files } = userDir(`${cmd}-user`);
    const r = bgsim(cmd, ...args, "--out", dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(`--out .*${cmd}-user: holds files that are not bgsim ${cmd} output`),
    );
    expect(contents(dir)).toEqual(files);
  });

  it("power (a sweep underneath) refuses a user's directory, exit 2", () => {
    const { dir, files } = userDir("power-user");
    const r = bgsim("power", scenarioFile, "--reps", "2", "--out", dir, "--quiet");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out .*power-user: is not empty and holds no sweep output/);
    expect(contents(dir)).toEqual(files);
  });

  it("survey and run rerun into their own output", () => {
    const sv = join(root, "survey-own");
    expect(bgsim("survey", scenarioFile, "--out", sv).code).toBe(0);
    expect(bgsim("survey", scenarioFile, "--out", sv).code).toBe(0);
    writeFileSync(join(root, "dyn2.json"), JSON.stringify({ dynamics: { firms: 500 } }));
    const rn = join(root, "run-own");
    expect(bgsim("run", join(root, "dyn2.json"), "--quiet", "--out", rn).code).toBe(0);
    const r = bgsim("run", join(root, "dyn2.json"), "--quiet", "--out", rn);
    expect(r.code, r.err).toBe(0);
    // run's output is not survey's
    expect(bgsim("survey", scenarioFile, "--out", rn).code).toBe(2);
  });

  it("estimate refuses a user's directory; generate and estimate rerun into their own output", () => {
    const gen = join(root, "gen-own");
    expect(bgsim("generate", scenarioFile, "--out", gen).code).toBe(0);
    const first = contents(gen);
    expect(bgsim("generate", scenarioFile, "--out", gen).code).toBe(0); // own output: rewritten
    expect(contents(gen)).toEqual(first);
    const data = join(gen, "firms.csv");
    // generate's output is not estimate's: refused, untouched
    const r = bgsim("estimate", data, "--out", gen);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not bgsim estimate output/);
    expect(contents(gen)).toEqual(first);
    // a user's run.json that generate did not write: refused
    const fake = join(root, "fake-gen");
    mkdirSync(fake);
    writeFileSync(join(fake, "run.json"), '{"command":"mine"}');
    const f = bgsim("generate", scenarioFile, "--out", fake);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/its run\.json was not written by bgsim generate/);
    const est = join(root, "est-own");
    expect(bgsim("estimate", data, "--out", est).code).toBe(0);
    expect(bgsim("estimate", data, "--out", est).code).toBe(0);
    const u = userDir("estimate-user");
    expect(bgsim("estimate", data, "--out", u.dir).code).toBe(2);
    expect(contents(u.dir)).toEqual(u.files);
  });
});

describe("the output directory is locked", () => {
  it("a second --resume on a directory in use refuses; a stale lock (dead pid) is taken over", () => {
    const dir = join(root, "locked");
    const first = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet");
    expect(first.code, `signal ${first.signal}; stderr: ${first.err}`).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const before = contents(dir);
    // a live owner: this test process
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, host: hostname(), command: "sweep" }),
    );
    const r = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet", "--resume");
    expect(r.code).toBe(2);
    expect(r.err).toContain(`is in use by bgsim sweep (process ${process.pid} on ${hostname()})`);
    // a dead owner: a process that has exited
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid as number;
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), command: "sweep" }),
    );
    const ok = bgsim("sweep", sweepFile, "--out", dir, "--workers", "1", "--quiet", "--resume");
    expect(ok.code).toBe(0);
    expect(contents(dir)).toEqual(before);
  });
});

describe("journal lines carry a checksum that --resume and merge verify", () => {
  it("encodes CRC-32 of the line's content (the standard check value)", () => {
    expect(crc32Hex("123456789")).toBe("cbf43926");
    expect(crc32Hex("é€𝄞")).toBe("9b2479f6"); // UTF-8 bytes c3a9 e282ac f09d849e
    const line = new JournalEncoder().encode({ run: 4, error: "boom" });
    expect(line).toBe(`{"run":4,"error":"boom","crc":"${crc32Hex('{"run":4,"error":"boom"}')}"}\n`);
  });

  it("names the line of an edited value; old journals without checksums still read", () => {
    const enc = new JournalEncoder();
    const text =
      enc.encode({ run: 0, keys: ["a", "b"], values: [1.5, 2] }) +
      enc.encode({ run: 1, keys: ["a", "b"], values: [3, 4] });
    expect(decodeJournal(text).records).toHaveLength(2);
    const edited = text.replace("[3,4]", "[3,5]");
    expect(() => decodeJournal(edited, "j.jsonl")).toThrow(
      /j\.jsonl: line 3: checksum mismatch .*run 1/,
    );
    const old = text.replace(/,"crc":"[0-9a-f]{8}"/g, "");
    expect(decodeJournal(old).records.map((r) => r.run)).toEqual([0, 1]);
    // a checksum removed from one line after checksummed ones: refused
    const stripped = text.replace(/,"crc":"[0-9a-f]{8}"\}\n$/, "}\n");
    expect(() => decodeJournal(stripped)).toThrow(/line 3: has no checksum/);
  });

  it("merge refuses a shard whose journal was edited by hand; --resume too", () => {
    const s1 = join(root, "shard1");
    const s2 = join(root, "shard2");
    for (const [k, d] of [
      [1, s1],
      [2, s2],
    ] as const)
      expect(
        bgsim("sweep", sweepFile, "--out", d, "--shard", `${k}/2`, "--workers", "1", "--quiet")
          .code,
      ).toBe(0);
    const j = join(s1, "runs.jsonl");
    const lines = readFileSync(j, "utf8").split("\n");
    lines[1] = lines[1].replace(/"values":\[(\d+)/, (_, n) => `"values":[${Number(n) + 1}`);
    writeFileSync(j, lines.join("\n"));
    const out = join(root, "merged");
    const r = bgsim("merge", s1, s2, "--out", out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shard1\/runs\.jsonl: line 2: checksum mismatch/);
    const res = bgsim("sweep", sweepFile, "--out", s1, "--shard", "1/2", "--resume", "--quiet");
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/runs\.jsonl: line 2: checksum mismatch/);
  });

  it("merge says a shard's sweep.json is damaged instead of an internal error", () => {
    const s1 = join(root, "dmg1");
    const s2 = join(root, "dmg2");
    for (const [k, d] of [
      [1, s1],
      [2, s2],
    ] as const)
      expect(
        bgsim("sweep", sweepFile, "--out", d, "--shard", `${k}/2`, "--workers", "1", "--quiet")
          .code,
      ).toBe(0);
    // a shard count edited to 1e9 in the manifest: named, no 1e9-element allocation
    const mPath = join(s1, "manifest.json");
    const manifest = readFileSync(mPath, "utf8");
    writeFileSync(mPath, manifest.replace('"count": 2', '"count": 1000000000'));
    const c = bgsim("merge", s1, "--out", join(root, "merged-count"));
    expect(c.code).toBe(2);
    expect(c.err).toContain("dmg1/manifest.json: damaged: shard 1/1000000000 is not k/N");
    writeFileSync(mPath, manifest);
    writeFileSync(join(s2, "sweep.json"), '{"name": "dataloss", ');
    const r = bgsim("merge", s1, s2, "--out", join(root, "merged-dmg"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dmg2\/sweep\.json: damaged, not valid JSON/);
    expect(r.err).not.toMatch(/internal error/);
  });
});
