import { execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CASES, type GoldenCase } from "./golden/cases.ts";
import { normaliseFile, normaliseStdout } from "./golden/golden.ts";

/**
 * The closed form against Fisher scoring on every golden case (test/golden/cases.ts), opt-in
 * (it runs the whole golden set twice and builds a second copy of the CLI):
 *   FASTPATH_GOLDEN=1 npx vitest run test/estimate.closedForm.golden.test.ts
 * "old" is a copy of this tree (tracked files) whose DEFAULT_ESTIMATION_METHOD is "iterative"
 * (Fisher scoring everywhere); "new" is this tree (the closed form where it applies). Both get
 * the golden normalisations; then every output (stdout and each file) is split into numbers and
 * the text between them: the text must be identical (verdicts S/NS, names, null, NaN, ...), and
 * the numbers equal within 1e-9 relative (|a - b| <= 1e-9 max(|a|, |b|)) or 1e-12 absolute (values
 * that are 0 in theory, e.g. the chi-square of a saturated model, are rounding noise either way).
 * The largest relative difference is printed.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUN = process.env.FASTPATH_GOLDEN === "1";

function run(
  root: string,
  args: string[],
): Promise<{ code: number | null; out: string; err: string }> {
  const bin = join(root, "sim/node/bin/bgsim.mjs");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        out: Buffer.concat(out).toString("utf8"),
        err: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

function listFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else found.push(p);
    }
  };
  walk(dir);
  return found.map((p) => relative(dir, p).split(sep).join("/")).sort();
}

/** A case's normalised stdout and files, with the temporary directories replaced. */
async function outputs(
  root: string,
  c: GoldenCase,
): Promise<{ code: number | null; texts: Record<string, string> }> {
  const tmp = mkdtempSync(join(tmpdir(), "bgsim-fastpath-"));
  const dirs = { out: join(tmp, "out"), work: join(tmp, "work") };
  mkdirSync(dirs.out);
  mkdirSync(dirs.work);
  const fill = (args: string[]) =>
    args.map((a) => a.split("{out}").join(dirs.out).split("{work}").join(dirs.work));
  try {
    for (const [name, text] of Object.entries(c.inputs ?? {}))
      writeFileSync(join(dirs.work, name), text);
    for (const step of c.setup ?? []) {
      const r = await run(root, fill(step));
      if (r.code !== 0) throw new Error(`${c.name}: setup exited ${r.code}: ${r.err}`);
    }
    const r = await run(root, fill(c.args));
    const texts: Record<string, string> = {
      "<stdout>": normaliseStdout(c.args[0], r.out, dirs),
    };
    for (const rel of listFiles(dirs.out))
      texts[rel] = normaliseFile(c.args[0], rel, readFileSync(join(dirs.out, rel)), dirs)
        .toString("utf8")
        .split(dirs.out)
        .join("{out}")
        .split(dirs.work)
        .join("{work}");
    return { code: r.code, texts };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

export interface Comparison {
  numbers: number;
  worstRelative: number;
  worstWhere: string;
  problems: string[];
}

/** Compare two texts: identical between the numbers, numbers within the tolerance. */
export function compareTexts(where: string, a: string, b: string, acc: Comparison): void {
  const skelA = a.replace(NUMBER, "#");
  const skelB = b.replace(NUMBER, "#");
  if (skelA !== skelB) {
    const la = skelA.split("\n");
    const lb = skelB.split("\n");
    const k = la.findIndex((l, i) => l !== lb[i]);
    acc.problems.push(
      `${where}: text differs at line ${k + 1}:\n  old: ${a.split("\n")[k]}\n  new: ${b.split("\n")[k]}`,
    );
    return;
  }
  const na = a.match(NUMBER) ?? [];
  const nb = b.match(NUMBER) ?? [];
  for (let i = 0; i < na.length; i++) {
    const x = Number(na[i]);
    const y = Number(nb[i]);
    acc.numbers++;
    if (x === y) continue;
    const d = Math.abs(x - y);
    const rel = d / Math.max(Math.abs(x), Math.abs(y));
    if (d > 1e-12 && rel > acc.worstRelative) {
      acc.worstRelative = rel;
      acc.worstWhere = `${where}: ${na[i]} vs ${nb[i]}`;
    }
    if (d > 1e-12 && rel > 1e-9)
      acc.problems.push(`${where}: ${na[i]} vs ${nb[i]} (relative ${rel.toExponential(2)})`);
  }
}

describe.skipIf(!RUN)("closed form vs Fisher scoring on every golden case", () => {
  it("gives the same outputs up to rounding", async () => {
    // the old tree: the tracked files with Fisher scoring as the default method
    const old = mkdtempSync(join(tmpdir(), "bgsim-iterative-"));
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" })
      .split("\0")
      .filter((f) => f && existsSync(join(ROOT, f)));
    for (const f of files) {
      mkdirSync(join(old, f, ".."), { recursive: true });
      writeFileSync(join(old, f), readFileSync(join(ROOT, f)));
    }
    symlinkSync(join(ROOT, "node_modules"), join(old, "node_modules"));
    const ml = join(old, "src/estimate/ml.ts");
    const src = readFileSync(ml, "utf8");
    const line = 'export const DEFAULT_ESTIMATION_METHOD: EstimationMethod = "auto";';
    expect(src.split(line).length).toBe(2);
    writeFileSync(ml, src.replace(line, line.replace('"auto"', '"iterative"')));
    try {
      const acc: Comparison = { numbers: 0, worstRelative: 0, worstWhere: "", problems: [] };
      for (const c of CASES) {
        const [a, b] = await Promise.all([outputs(old, c), outputs(ROOT, c)]);
        expect(b.code, c.name).toBe(a.code);
        expect(Object.keys(b.texts), c.name).toEqual(Object.keys(a.texts));
        for (const f of Object.keys(a.texts))
          compareTexts(`${c.name} ${f}`, a.texts[f], b.texts[f], acc);
      }
      console.log(
        `golden cases: ${CASES.length}, numbers compared: ${acc.numbers}, largest relative difference ${acc.worstRelative.toExponential(3)} (${acc.worstWhere})`,
      );
      expect(acc.problems).toEqual([]);
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  }, 1_800_000);
});
