import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cellNumber, parseDataCsv } from "../sim/node/files/data.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import { parseSweepText } from "../src/scenario/sweep.ts";
import { formatIssue, parseScenarioText } from "../src/scenario/validate.ts";
import { bgsim, tmp } from "./helpers/bgsim.ts";

const root = tmp("bgsim-input-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(root, name);
  writeFileSync(p, text);
  return p;
}

const messages = (r: ReturnType<typeof parseScenarioText>) =>
  r.ok ? [] : r.issues.map(formatIssue);

describe("mistakes that were accepted silently", () => {
  it("a duplicate key names the key and both positions", () => {
    expect(messages(parseScenarioText('{\n  "seed": 1,\n  "seed": 2\n}'))).toEqual([
      'seed: the key "seed" appears twice in one object (line 2, column 3 and line 3, column 3); keep one',
    ]);
    const sw = parseSweepText(
      '{"name":"d","base":{"population":{"firms":200,"firms":300}},"design":{"type":"grid","factors":[{"path":"seed","levels":[1]}]}}',
    );
    expect(sw.ok).toBe(false);
    if (!sw.ok)
      expect(formatIssue(sw.issues[0])).toMatch(
        /^base\.population\.firms: the key "firms" appears twice/,
      );
  });

  it("__proto__ keys and factor paths are rejected, naming the path", () => {
    expect(messages(parseScenarioText('{"model":{"paths":{"__proto__":0.2}}}'))).toEqual([
      "model.paths.__proto__: a key named __proto__ is not allowed (it is no field of a scenario or sweep)",
    ]);
    const sw = parseSweepText(
      '{"name":"p","base":{},"design":{"type":"grid","factors":[{"path":"__proto__.polluted","levels":[1,2]}]}}',
    );
    expect(sw.ok).toBe(false);
    if (!sw.ok)
      expect(formatIssue(sw.issues[0])).toBe(
        'design.factors[0].path = "__proto__.polluted": "__proto__" is not a field name (an object\'s prototype cannot be set by a sweep)',
      );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("1e999 is shown as written; --workers -1 reaches the range check", () => {
    expect(messages(parseScenarioText('{"seed": 1e999}'))).toEqual([
      "seed: 1e999 is too large a number (beyond +-1.8e308)",
    ]);
    const sw = file(
      "sw.json",
      JSON.stringify({
        name: "w",
        base: { population: { firms: 200 } },
        design: { type: "grid", factors: [{ path: "population.firms", levels: [200] }] },
      }),
    );
    const r = bgsim("sweep", sw, "--out", join(root, "w"), "--workers", "-1");
    expect(r.code).toBe(2);
    expect(r.err).toContain('--workers = "-1": must be an integer from 1');
    expect(r.err).not.toContain("ambiguous");
  });

  it("--workers 1024 is capped at 4 per core with a warning", () => {
    const sw = file(
      "sw2.json",
      JSON.stringify({
        name: "w",
        base: { population: { firms: 200 } },
        design: { type: "grid", factors: [{ path: "population.firms", levels: [200] }] },
        replications: 2,
      }),
    );
    const r = bgsim("sweep", sw, "--out", join(root, "w2"), "--workers", "1024");
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: --workers 1024 capped at \d+ \(4 per core, \d+ cores\)/);
    expect(r.err).not.toMatch(/1024 workers/);
  });

  it("{} is a valid scenario for validate (it says which kind) and sweep refuses it as not a sweep", () => {
    const f = file("empty.json", "{}");
    const v = bgsim("validate", f);
    expect(v.code).toBe(0);
    expect(v.out).toContain('empty.json: valid scenario "scenario"');
    const s = bgsim("sweep", f, "--out", join(root, "e"));
    expect(s.code).toBe(2);
    expect(s.err).toContain("empty.json: not a sweep file");
  });
});

describe("hostile CSV input to estimate", () => {
  const head = CONSTRUCTS.join(",");
  const row = "4,4.5,3.9,5.1,4.2,3.3,4.8";
  it("accepts a byte-order mark and CRLF line ends", () => {
    const d = parseDataCsv(`\ufeff${head}\r\n${row}\r\n${row}\r\n`, "f.csv", CONSTRUCTS);
    expect(d.n).toBe(2);
    expect(Array.from(d.columns[0])).toEqual([4, 4]);
  });

  it("rejects hex, Infinity and over-long cells, duplicate columns, and shows cells cut", () => {
    expect(cellNumber("0x10")).toBeNaN();
    expect(cellNumber("Infinity")).toBeNaN();
    expect(cellNumber(" -1.5e3 ")).toBe(-1500);
    expect(() => parseDataCsv(`${head}\n0x10,${row.slice(2)}\n`, "f.csv", CONSTRUCTS)).toThrow(
      'f.csv: row 2, column IEO: "0x10" is not a number (a plain decimal number is expected)',
    );
    expect(() =>
      parseDataCsv(`${head}\n${"9".repeat(100_000)},${row.slice(2)}\n`, "f.csv", CONSTRUCTS),
    ).toThrow(/"9{37}\.\.\. \(100000 chars\)" is not a number of finite size$/);
    expect(() => parseDataCsv(`${head},IEO\n${row},1\n`, "f.csv", CONSTRUCTS)).toThrow(
      "f.csv: column IEO appears twice in the header (columns 1 and 8); keep one",
    );
    const wide = `${head.replace("IEO,", "")},${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(",")}\n`;
    let msg = "";
    try {
      parseDataCsv(wide, "f.csv", CONSTRUCTS);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/missing column\(s\) IEO .*\.\.\. \(100006 columns\)\)$/);
    expect(msg.length).toBeLessThan(400);
  });

  it("values too large for a variance: a message naming the column, exit 2", () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      CONSTRUCTS.map((_, j) =>
        i === 0 && j === 0 ? "1e308" : String(3 + ((i * 7 + j * 3) % 5)),
      ).join(","),
    );
    const r = bgsim(
      "estimate",
      file("big.csv", `${head}\n${rows.join("\n")}\n`),
      "--out",
      join(root, "big"),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain("big.csv: column IEO: its values are too large to compute a variance");
  });
});
