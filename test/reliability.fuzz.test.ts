import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../sim/node/cli/main.ts";
import { tmp } from "./helpers/bgsim.ts";

/**
 * Fuzz corpus (fixed seed, so every CI run sees the same inputs): mutations of a shipped scenario
 * in the classes the reliability campaign of issue 15 used: wrong types, deep nesting, huge and
 * non-finite numbers, unknown, duplicate and prototype keys, empty survey frames, device files.
 * Each input goes through `bgsim validate` (as a scenario and inside a sweep), `bgsim generate`
 * and, for frames, `bgsim survey`, in this process. For every input: exit code 0 or 2 (never
 * 1, an internal error, or a crash), and no NaN in any file written, no null in a CSV.
 */

const root = tmp("bgsim-fuzz-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** mulberry32: a small seeded generator (the corpus must not change between runs). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20260415);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const BASE = JSON.parse(
  readFileSync(new URL("../scenarios/baseline.json", import.meta.url), "utf8"),
) as Record<string, Json>;
BASE.population = { ...(BASE.population as Record<string, Json>), firms: 60 };

/** Every path to a leaf or an object of the base scenario. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(at);
  if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v))
      paths(x as Json, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}
const PATHS = paths(BASE).filter((p) => p.length);

function setText(path: (string | number)[], valueText: string): string {
  // replace the value at `path` by raw JSON text (which may be invalid as a number, e.g. 1e999)
  const marker = "\u0000MARK\u0000";
  const copy = structuredClone(BASE) as Record<string, Json>;
  let cur = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, Json>;
  cur[path[path.length - 1]] = marker;
  return JSON.stringify(copy, null, 2).replace(JSON.stringify(marker), valueText);
}

const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

interface Case {
  name: string;
  text?: string;
  file?: string;
  survey?: boolean;
}

function corpus(): Case[] {
  const cases: Case[] = [];
  const WRONG = ['"x"', "true", "null", "[]", "{}", '[1,"a",null]', '""'];
  for (let i = 0; i < 24; i++) {
    const p = pick(PATHS);
    const v = pick(WRONG);
    cases.push({ name: `wrong type ${p.join(".")} = ${v}`, text: setText(p, v) });
  }
  for (const n of [65, 200, 6000]) {
    const p = pick(PATHS);
    cases.push({ name: `nested ${n} at ${p.join(".")}`, text: setText(p, deep(n)) });
  }
  const NUMS = ["1e999", "-1e999", "1e308", "-1e308", "5e-324", "9007199254740993", "-0", "1e-400"];
  for (let i = 0; i < 16; i++) {
    const p = pick(PATHS);
    const v = pick(NUMS);
    cases.push({ name: `number ${p.join(".")} = ${v}`, text: setText(p, v) });
  }
  for (const len of [1, 40, 100_000]) {
    const obj = pick(PATHS.filter((p) => p.length === 1));
    const key = "k".repeat(len);
    cases.push({
      name: `unknown key of ${len} chars under ${obj.join(".")}`,
      text: setText(obj, JSON.stringify({ ...(BASE[obj[0] as string] as object), [key]: 1 })),
    });
  }
  const text = JSON.stringify(BASE, null, 2);
  cases.push({ name: "duplicate seed", text: text.replace('"seed":', '"seed": 7,\n  "seed":') });
  cases.push({
    name: "duplicate nested key",
    text: text.replace('"firms": 60', '"firms": 60, "firms": 61'),
  });
  for (const at of ["", '"model": {"paths": ', '"survey": {"frame": '])
    cases.push({
      name: `__proto__ key ${at || "at the root"}`,
      text: at ? `{${at}{"__proto__": {"polluted": 1}}}}` : '{"__proto__": {"seed": 2}, "seed": 1}',
    });
  cases.push({ name: "constructor key", text: '{"constructor": {"prototype": 1}}' });
  for (const [share, year] of [
    [1, 2100],
    [1, null],
    [0.25, 2003],
    [0.9999999, 1980],
    [0, 2002],
  ] as const)
    cases.push({
      name: `frame minExportShare ${share}, minFoundingYear ${year}`,
      text: JSON.stringify({
        population: { firms: 60 },
        survey: {
          enabled: true,
          level: "composites",
          frame: { minExportShare: share, minFoundingYear: year },
        },
      }),
      survey: true,
    });
  for (const dev of ["/dev/zero", "/dev/urandom", "/dev/null"])
    if (existsSync(dev)) cases.push({ name: `device ${dev}`, file: dev });
  cases.push({ name: "a directory", file: root });
  cases.push({ name: "empty file", text: "" });
  cases.push({ name: "top-level null", text: "null" });
  cases.push({ name: "top-level array", text: "[]" });
  return cases;
}

const CASES = corpus();

/** Run bgsim in this process; its exit code and what it printed. */
async function bgsimHere(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...a) => lines.push(a.join(" ")));
  const err = vi.spyOn(console, "error").mockImplementation((...a) => lines.push(a.join(" ")));
  try {
    const code = await main(args);
    return { code, out: lines.join("\n") };
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

function checkOutputs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    const t = readFileSync(join(dir, f), "utf8");
    expect(t, `${dir}/${f}`).not.toMatch(/NaN/);
    if (f.endsWith(".csv")) expect(t, `${dir}/${f}`).not.toMatch(/(^|,)null(,|$)/m);
  }
}

describe("fuzz corpus: a clean run or a message naming the path, exit code 0 or 2", () => {
  beforeAll(() => mkdirSync(join(root, "in")));
  it.each(CASES.map((c, i) => [i, c.name, c] as const))("%i %s", async (i, _name, c) => {
    const file = c.file ?? join(root, "in", `${i}.json`);
    if (c.text !== undefined) writeFileSync(file, c.text);
    const v = await bgsimHere("validate", file);
    expect([0, 2], v.out).toContain(v.code);
    expect(v.out).not.toMatch(/internal error|stack size/);
    expect(v.out.length).toBeLessThan(10_000);
    if (v.code === 2) expect(v.out).toMatch(/: /); // names the file and a path or reason
    if (c.text !== undefined) {
      const sw = join(root, "in", `${i}.sweep.json`);
      writeFileSync(
        sw,
        `{"name":"f","base":${c.text.trim() || '""'},"design":{"type":"grid","factors":[{"path":"estimation.alpha","levels":[0.05]}]}}`,
      );
      const s = await bgsimHere("validate", sw);
      expect([0, 2], s.out).toContain(s.code);
      expect(s.out).not.toMatch(/internal error|stack size/);
    }
    const out = join(root, "out", String(i));
    const g = await bgsimHere("generate", file, "--firms", "50", "--out", out);
    expect([0, 2], g.out).toContain(g.code);
    expect(g.out).not.toMatch(/internal error/);
    if (v.code === 2) expect(g.code).toBe(2);
    checkOutputs(out);
    if (c.survey) {
      const so = join(root, "survey", String(i));
      const r = await bgsimHere("survey", file, "--out", so);
      expect([0, 2], r.out).toContain(r.code);
      expect(r.out).not.toMatch(/internal error/);
      if (r.code === 2) expect(r.out).toMatch(/survey\.frame/);
      checkOutputs(so);
    }
  });
});
