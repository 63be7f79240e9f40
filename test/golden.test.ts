import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CASES, type GoldenCase, SAME_OUTPUT } from "./golden/cases.ts";
import { type GoldenResult, runCase } from "./golden/golden.ts";

// Golden outputs: every case of test/golden/cases.ts is run through the bgsim executable
// (test/helpers/bgsim.ts, BIN) and the sha256 of its normalised stdout and of every file it wrote
// must equal test/fixtures/golden/hashes.json, recorded from the code before the pipeline
// redesign. Re-record (only when a change of output is intended):
//   GOLDEN_UPDATE=1 npx vitest run test/golden.test.ts

const FIXTURE = fileURLToPath(new URL("./fixtures/golden/hashes.json", import.meta.url));
const UPDATE = process.env.GOLDEN_UPDATE === "1";
/** Cases run at once (each is a bgsim process, some with 2 worker threads). */
const CONCURRENCY = Math.max(1, Number(process.env.GOLDEN_CONCURRENCY ?? 2));

type Fixture = Record<string, GoldenResult>;
const expected: Fixture =
  !UPDATE && existsSync(FIXTURE) ? (JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture) : {};
const results = new Map<string, GoldenResult>();

/** At most CONCURRENCY cases at a time. */
let running = 0;
const queue: (() => void)[] = [];
async function limited<T>(f: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((r) => queue.push(r));
  running++;
  try {
    return await f();
  } finally {
    running--;
    queue.shift()?.();
  }
}

const commandLine = (c: GoldenCase) =>
  [
    ...Object.keys(c.inputs ?? {}).map((f) => `(write {work}/${f})`),
    ...(c.setup ?? []).map((s) => `bgsim ${s.join(" ")}`),
    `bgsim ${c.args.join(" ")}`,
  ].join(" && ");

/** Every difference between the recorded and the current hashes, one line each. */
function differences(want: GoldenResult, got: GoldenResult): string[] {
  const d: string[] = [];
  if (want.exitCode !== got.exitCode)
    d.push(`exit code: recorded ${want.exitCode}, now ${got.exitCode}`);
  if (want.stdout !== got.stdout) d.push("stdout differs (after normalisation)");
  for (const f of Object.keys(want.files))
    if (!(f in got.files)) d.push(`file ${f}: no longer written`);
    else if (want.files[f] !== got.files[f]) d.push(`file ${f}: content differs`);
  for (const f of Object.keys(got.files))
    if (!(f in want.files)) d.push(`file ${f}: new file (not in the recording)`);
  return d;
}

describe.concurrent("golden outputs (hashes of stdout and of every output file)", () => {
  for (const c of CASES)
    it(c.name, async () => {
      const r = await limited(() => runCase(c));
      const got: GoldenResult = { exitCode: r.exitCode, stdout: r.stdout, files: r.files };
      results.set(c.name, got);
      if (UPDATE) return;
      const want = expected[c.name];
      if (!want)
        throw new Error(
          `${c.name}: no recorded hashes; record with GOLDEN_UPDATE=1 npx vitest run test/golden.test.ts`,
        );
      const d = differences(want, got);
      expect(
        d,
        `${c.name} changed its output:\n  ${d.join("\n  ")}\ncommand: ${commandLine(c)}\nstderr (tail):\n${r.stderr.slice(-2000)}`,
      ).toEqual([]);
    });
});

describe("golden cases", () => {
  it("names are unique and the recording has no stale cases", () => {
    const names = CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    if (!UPDATE) expect(Object.keys(expected).sort()).toEqual([...names].sort());
  });

  for (const [a, b] of SAME_OUTPUT)
    it(`${a} and ${b} give identical outputs`, () => {
      const ra = results.get(a);
      const rb = results.get(b);
      expect(ra, `${a} did not run`).toBeDefined();
      expect(rb, `${b} did not run`).toBeDefined();
      expect(rb).toEqual(ra);
    });
});

afterAll(() => {
  if (!UPDATE) return;
  if (results.size !== CASES.length)
    throw new Error(
      `GOLDEN_UPDATE: only ${results.size} of ${CASES.length} cases ran; fixture not written`,
    );
  const out: Fixture = {};
  for (const c of CASES) out[c.name] = results.get(c.name) as GoldenResult;
  writeFileSync(FIXTURE, `${JSON.stringify(out, null, 2)}\n`);
});
