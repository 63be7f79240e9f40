import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeAtomicStream } from "../sim/node/files/files.ts";
import { CONSTRUCTS, TABLE1_MEANS, TABLE1_SDS } from "../src/paper/index.ts";
import { drawPopulationRange } from "../src/population/draw.ts";
import { scenarioModel, validateScenario } from "../src/scenario/validate.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const root = tmp("bgsim-crashes-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

describe("inputs that crashed bgsim now get a message and exit code 2", () => {
  it("a scenario nested 6,000 levels deep: validate, generate and sweep", () => {
    const sc = file("deep.json", `{"name":"x","junk":${deep(6000)}}`);
    const sw = file(
      "deep-sweep.json",
      `{"name":"x","base":{"junk":${deep(6000)}},"design":{"type":"grid","factors":[{"path":"population.firms","levels":[100]}]}}`,
    );
    for (const args of [
      ["validate", sc],
      ["generate", sc, "--out", join(root, "g")],
      ["sweep", sw, "--out", join(root, "s"), "--quiet"],
      ["validate", sw],
    ]) {
      const r = bgsim(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/junk\.a\.a\.a.*: nested more than 64 levels deep/);
      expect(r.err).not.toMatch(/call stack|internal error/);
      expect(r.err.length).toBeLessThan(400);
    }
  });

  it("a 100,000-character unknown key is shown cut, with its length", () => {
    const r = bgsim("validate", file("longkey.json", JSON.stringify({ ["k".repeat(100_000)]: 1 })));
    expect(r.code).toBe(2);
    expect(r.err).toContain("...(100000 chars) = 1: unknown field");
    expect(r.err.length).toBeLessThan(400);
  });

  it("100,000 unknown fields list the first 50 and how many more", () => {
    const o = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`x${i}`, i]));
    const v = validateScenario(o);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.issues).toHaveLength(51);
      expect(v.issues[50].message).toBe("... and 99950 more problems");
    }
  });

  it("an empty survey frame: validate names the fields; a run says which criteria", () => {
    const r = bgsim(
      "validate",
      file(
        "frame.json",
        JSON.stringify({
          survey: { enabled: true, frame: { minExportShare: 1, minFoundingYear: 2100 } },
        }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("survey.frame.minFoundingYear = 2100: no firm is founded after");
    expect(r.err).toContain("survey.frame.minExportShare = 1: no firm of the placeholder frame");
    // admits a handful of firms per million: only a run can tell
    const s = bgsim(
      "survey",
      file(
        "frame2.json",
        JSON.stringify({ survey: { enabled: true, frame: { minExportShare: 0.999999 } } }),
      ),
      "--out",
      join(root, "sv"),
    );
    expect(s.code).toBe(2);
    expect(s.err).toMatch(
      /survey\.frame\.minFoundingYear = 1980 and survey\.frame\.minExportShare = 0\.999999 admit too few firms: 0 of 900000 screened/,
    );
    expect(s.err).not.toMatch(/internal error/);
  });

  it("dynamics with an empty frame: run.json says 'no firm in the frame', never null", () => {
    const out = join(root, "dyn-empty");
    const r = bgsim(
      "run",
      file(
        "dyn.json",
        JSON.stringify({
          mode: "dynamics",
          dynamics: { firms: 1000, frame: { minForeignShare: 1 } },
        }),
      ),
      "--out",
      out,
      "--quiet",
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("No firm in the frame at the survey date");
    const j = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    const frameRows = j.calibration.filter((c: { population: string }) => c.population === "frame");
    expect(frameRows).toHaveLength(4);
    for (const c of frameRows) {
      expect(c.simulated).toBe("NA");
      expect(c.missing).toBe("no firm in the frame");
    }
    expect(JSON.stringify(j.calibration)).not.toContain("null");
    expect(j.frameSize).toBe(0);
  });

  it("bgsim run <null scenario> --markets file", () => {
    const r = bgsim(
      "run",
      file("null.json", "null"),
      "--markets",
      file("markets.json", "[]"),
      "--out",
      join(root, "n"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("null.json: must hold a scenario (a JSON object), found null");
  });

  it("device files and over-large files are refused before reading", () => {
    const z = bgsim("validate", "/dev/zero");
    expect(z.code).toBe(2);
    expect(z.err).toContain("/dev/zero: not a regular file");
    const sw = file(
      "dev-sweep.json",
      JSON.stringify({
        name: "d",
        base: "/dev/urandom",
        design: { type: "grid", factors: [{ path: "population.firms", levels: [100] }] },
      }),
    );
    const u = bgsim("sweep", sw, "--out", join(root, "dev"), "--quiet");
    expect(u.code).toBe(2);
    expect(u.err).toContain("/dev/urandom: not a regular file");
    const big = join(root, "big.json");
    writeFileSync(big, Buffer.alloc(65 * 1024 * 1024, 32));
    const b = bgsim("validate", big);
    expect(b.code).toBe(2);
    expect(b.err).toContain("big.json: 65 MB, larger than the 64 MB bgsim reads");
    rmSync(big);
  });
});

describe("large and failed writes", () => {
  it("generate streams firms.csv in chunks, byte-identical to the one-string file", () => {
    const sc = file("gen.json", JSON.stringify({ seed: 9, population: { firms: 300 } }));
    const out = join(root, "gen");
    const firms = 230_001; // three chunks of 100,000, the last partial
    const r = bgsim("generate", sc, "--firms", String(firms), "--out", out);
    expect(r.code).toBe(0);
    const v = validateScenario({ seed: 9, population: { firms } });
    if (!v.ok) throw new Error("scenario");
    const built = scenarioModel(v.scenario);
    if (!built.ok) throw new Error("model");
    const lines = [["id", ...CONSTRUCTS].join(",")];
    for (let start = 0; start < firms; start += 100_000) {
      const pop = drawPopulationRange(built.model, start, Math.min(firms, start + 100_000), {
        seed: 9,
        replication: 0,
        means: TABLE1_MEANS,
        sds: TABLE1_SDS,
      });
      for (let i = 0; i < pop.n; i++)
        lines.push(`${start + i + 1},${pop.columns.map((c) => c[i]).join(",")}`);
    }
    expect(readFileSync(join(out, "firms.csv"), "utf8")).toBe(`${lines.join("\n")}\n`);
  });

  it("a full disk: the message says so and where, the temporary file is removed, the old file kept", () => {
    const target = file("keep.csv", "old contents\n");
    expect(() =>
      writeAtomicStream(target, (write) => {
        write("x".repeat(2 << 20)); // flushed to the temporary file
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
        });
      }),
    ).toThrow(/keep\.csv: cannot write \(the disk is full\); nothing was written to it/);
    expect(readFileSync(target, "utf8")).toBe("old contents\n");
    expect(readdirSync(root).filter((f) => f.startsWith("keep.csv.tmp-"))).toEqual([]);
  });

  // a real full disk: a 64 KB tmpfs (needs root to mount; skipped elsewhere)
  const full = join(root, "full");
  mkdirSync(full);
  const mounted =
    process.platform === "linux" &&
    process.getuid?.() === 0 &&
    spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync("umount", [full]);
  });
  it.skipIf(!mounted)(
    "a sweep on a full disk: exit 1 naming the file, no temp files, resumable",
    () => {
      const sw = file(
        "full-sweep.json",
        JSON.stringify({
          name: "full",
          base: { population: { firms: 150 } },
          design: { type: "grid", factors: [{ path: "population.firms", levels: [150, 200] }] },
          replications: 60,
        }),
      );
      const out = join(full, "s");
      const r = bgsim("sweep", sw, "--out", out, "--workers", "2", "--quiet");
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /full\/s\/(runs\.jsonl|manifest\.json): cannot write \(the disk is full\)/,
      );
      expect(r.err).not.toMatch(/internal error/);
      expect(readdirSync(out).filter((f) => /\.tmp-\d+$|bgsim\.lock/.test(f))).toEqual([]);
      expect(spawnSync("mount", ["-o", "remount,size=4m", full]).status).toBe(0);
      const ok = bgsim("sweep", sw, "--out", out, "--workers", "2", "--quiet", "--resume");
      expect(ok.code).toBe(0);
      const ref = join(root, "full-ref");
      expect(bgsim("sweep", sw, "--out", ref, "--workers", "2", "--quiet").code).toBe(0);
      for (const f of ["results.csv", "summary.csv", "failures.csv"])
        expect(readFileSync(join(out, f), "utf8")).toBe(readFileSync(join(ref, f), "utf8"));
    },
  );
});
