import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BIN, bgsim, tmp } from "./helpers/bgsim.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe("compiled bgsim (dist-cli/, built by npm's prepare script)", () => {
  it("the package bin runs the built CLI and prints the version", () => {
    expect(BIN).toBe(join(ROOT, pkg.bin.bgsim));
    const r = bgsim("--version");
    expect(r).toEqual({ code: 0, out: `${pkg.version}\n`, err: "", signal: null });
    for (const f of ["main.mjs", "nodeWorker.mjs", "meta.json"])
      expect(existsSync(join(ROOT, "dist-cli", f))).toBe(true);
    const meta = JSON.parse(readFileSync(join(ROOT, "dist-cli/meta.json"), "utf8"));
    expect(meta.inputs).toContain("sim/node/cli/main.ts");
    expect(meta.inputs).toContain("sim/node/pool/nodeWorker.ts");
    expect(meta.inputs).toContain("package.json");
    expect(meta.inputs.filter((p: string) => p.includes("node_modules"))).toEqual([]);
    expect(pkg.scripts.prepare).toBe("node sim/node/build.mjs");
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
  });

  it("npx bgsim --version runs the package bin", () => {
    const r = spawnSync("npx", ["--no-install", "bgsim", "--version"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("rebuilds when missing or older than a source, and its workers are the compiled ones", () => {
    // A copy of the package, so that touching sources does not disturb other tests' builds.
    const dir = tmp("bgsim-build-");
    for (const f of ["package.json", "src", "sim", "scenarios"])
      cpSync(join(ROOT, f), join(dir, f), {
        recursive: true,
        filter: (s) => !s.includes("node_modules"),
      });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
    // Without the tsx bootstrap only the compiled worker can answer.
    rmSync(join(dir, "sim/node/pool/nodeWorker.mjs"));
    const bin = join(dir, pkg.bin.bgsim);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8" });
    try {
      let r = run("--version");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect(r.stderr).toMatch(/^bgsim: no build yet, rebuilt the CLI in \d+ ms\n$/);
      expect(run("--version").stderr).toBe("");

      const later = new Date(Date.now() + 60_000);
      utimesSync(join(dir, "src/replication.ts"), later, later);
      r = run("--version");
      expect(r.stdout).toBe(`${pkg.version}\n`);
      expect(r.stderr).toMatch(
        /^bgsim: src\/replication\.ts changed, rebuilt the CLI in \d+ ms\n$/,
      );

      // The build is newer than the source again only once the clock passes the touched mtime;
      // until then each run rebuilds, so set it back into the past.
      const past = new Date(Date.now() - 60_000);
      utimesSync(join(dir, "src/replication.ts"), past, past);
      expect(run("--version").stderr).toBe("");

      const sweep = join(dir, "tiny.json");
      writeFileSync(
        sweep,
        JSON.stringify({
          name: "tiny",
          base: { seed: 7, population: { firms: 120 } },
          replications: 3,
          design: {
            type: "grid",
            factors: [{ path: "model.paths.IEO->LFDC", levels: [0.1, 0.2] }],
          },
        }),
      );
      r = run("sweep", sweep, "--out", join(dir, "out"), "--workers", "2", "--quiet");
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      const rows = readFileSync(join(dir, "out/results.csv"), "utf8").trim().split("\n");
      expect(rows).toHaveLength(1 + 6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
