import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { build, type PreviewServer, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerApi } from "../../sim/pool/workerApi.ts";
import { validateSweep } from "../../src/scenario/sweep.ts";
import { ARGS, CHROMIUM, HAS_CHROMIUM, RESULTS } from "./harness.ts";

// The same sweep in browser Web Workers (1 and 3 workers) and in Node gives the same bits.
const input = {
  base: { seed: 77, population: { firms: 150 } },
  replications: 4,
  design: {
    type: "latin-hypercube",
    points: 5,
    factors: [
      { path: "population.firms", min: 60, max: 400 },
      { path: "model.paths.QF->PERF", min: 0.1, max: 0.4 },
    ],
  },
};

function nodeBits(): [number, string, string][] {
  const v = validateSweep(input);
  if (!v.ok) throw new Error("bad sweep");
  const api = createWorkerApi();
  const { runs } = api.init(v.sweep);
  const r = api.run(Int32Array.from({ length: runs }, (_, i) => i));
  expect(r.failures).toEqual([]);
  return Array.from(r.runs, (run, i) => {
    const bytes = new Uint8Array(r.values.buffer.slice(r.offsets[i] * 8, r.offsets[i + 1] * 8));
    return [
      run,
      r.layouts[r.layoutOf[i]].join(","),
      Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""),
    ];
  });
}

describe.skipIf(!HAS_CHROMIUM)("worker pool in browser Web Workers", () => {
  let browser: Browser;
  let server: PreviewServer;
  let url: string;
  beforeAll(async () => {
    const root = path.resolve("test/browser/poolPage");
    const outDir = path.join(RESULTS, "pool-page");
    const config = {
      root,
      configFile: false as const,
      logLevel: "warn" as const,
      worker: { format: "es" as const },
    };
    await build({ ...config, base: "./", build: { outDir, emptyOutDir: true, target: "es2022" } });
    server = await preview({
      ...config,
      build: { outDir },
      preview: { port: 0, host: "127.0.0.1", open: false },
    });
    url = server.resolvedUrls?.local[0] ?? "";
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("gives bit-identical results to Node for 1 and 3 workers", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForSelector("html[data-ready='1']");
    const expected = nodeBits();
    expect(expected).toHaveLength(20);
    for (const size of [1, 3]) {
      const got = await page.evaluate(
        ([inp, n]) =>
          (window as unknown as { runSweep: (i: unknown, n: number) => Promise<unknown> }).runSweep(
            inp,
            n as number,
          ),
        [input, size] as const,
      );
      const g = got as [number, string, string][];
      const diffs: string[] = [];
      const dec = (h: string) =>
        Array.from(
          new Float64Array(
            Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16)).buffer,
          ),
        );
      g.forEach((row, i) => {
        const e = expected[i];
        if (row[1] !== e[1]) diffs.push(`run ${row[0]} keys differ`);
        else if (row[2] !== e[2]) {
          const a = dec(row[2]);
          const b = dec(e[2]);
          const keys = row[1].split(",");
          a.forEach((x, j) => {
            if (!Object.is(x, b[j]))
              diffs.push(`run ${row[0]} ${keys[j]}: browser ${x} node ${b[j]}`);
          });
        }
      });
      expect(diffs.slice(0, 12)).toEqual([]);
      expect(got).toEqual(expected);
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
