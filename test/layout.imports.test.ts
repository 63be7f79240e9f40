import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The import rule of the layout (sim/README.md): web -> sim/{core,browser} -> src. Node-only code
 * (sim/node/, node:* modules, worker_threads) must never reach the browser bundle, and src/ stays
 * pure (no DOM, no Node). Every import is followed transitively from each entry file, so an
 * indirect path (web -> sim/core -> sim/node) fails too.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs)$/.test(name) ? [p] : [];
  });
}

const SPEC =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|new URL\(\s*["'](\.[^"']+)["']/g;

/** Every module specifier a file names (static and dynamic imports, worker URLs). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(SPEC)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** The files reachable from `entry` by relative imports, with the bare and node: modules they name. */
function closure(entry: string): { files: Set<string>; external: Map<string, string> } {
  const files = new Set<string>();
  const external = new Map<string, string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (files.has(f)) continue;
    files.add(f);
    for (const s of specifiers(f)) {
      if (s.startsWith(".")) {
        const target = resolve(dirname(f), s);
        if (/\.(ts|mjs)$/.test(target)) stack.push(target);
      } else external.set(s, relative(ROOT, f));
    }
  }
  return { files, external };
}

const NODE_ONLY_PACKAGES = [/^node:/, /^tsx/, /^comlink\/dist\/esm\/node-adapter/, /^playwright/];

function violations(entries: string[], forbiddenDirs: string[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const { files, external } = closure(e);
    for (const f of files) {
      const r = relative(ROOT, f);
      if (forbiddenDirs.some((d) => r.startsWith(d))) out.push(`${relative(ROOT, e)} reaches ${r}`);
    }
    for (const [m, by] of external)
      if (NODE_ONLY_PACKAGES.some((p) => p.test(m))) out.push(`${by} imports ${m}`);
  }
  return [...new Set(out)].sort();
}

describe("layout: where each part may run", () => {
  it("web/ reaches no Node-only module (sim/node, node:*, tsx, comlink's node adapter)", () => {
    const entries = walk(join(ROOT, "web"));
    expect(entries.length).toBeGreaterThan(20);
    expect(violations(entries, ["sim/node/"])).toEqual([]);
  });

  it("sim/core and sim/browser reach no Node-only module", () => {
    const entries = [...walk(join(ROOT, "sim/core")), ...walk(join(ROOT, "sim/browser"))];
    expect(violations(entries, ["sim/node/", "web/"])).toEqual([]);
  });

  it("src/ imports nothing outside src/ and no Node or DOM module", () => {
    const entries = walk(join(ROOT, "src"));
    expect(violations(entries, ["sim/", "web/"])).toEqual([]);
  });

  it("the rule catches a violation (a Node-only file seen from an entry)", () => {
    // sim/node/pool/nodeSpawn.ts imports node:worker_threads: treating it as an entry must fail.
    const v = violations([join(ROOT, "sim/node/pool/nodeSpawn.ts")], ["sim/node/"]);
    expect(v.some((x) => x.includes("node:worker_threads"))).toBe(true);
  });
});
