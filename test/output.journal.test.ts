import { describe, expect, it } from "vitest";
import { decodeJournal, JournalEncoder, type JournalRecord } from "../sim/core/output/journal.ts";

const recs: JournalRecord[] = [
  { run: 2, keys: ["a", "b"], values: [1.5, Number.NaN] },
  { run: 0, error: 'boom, "quoted"' },
  { run: 1, keys: ["a", "b"], values: [-0, Number.POSITIVE_INFINITY] },
  { run: 5, keys: ["a", "c"], values: [0.1, 1e-300] },
];

describe("run journal", () => {
  const enc = new JournalEncoder();
  const text = recs.map((r) => enc.encode(r)).join("");
  it("declares each layout once and reads back every value exactly", () => {
    expect(text.split("\n").filter((l) => l.includes('"keys"'))).toHaveLength(2);
    const d = decodeJournal(text);
    expect(d.dropped).toBe(0);
    expect(d.validText).toBe(text);
    expect(d.layouts).toEqual([
      ["a", "b"],
      ["a", "c"],
    ]);
    expect(d.records).toEqual([
      { run: 2, keys: ["a", "b"], values: [1.5, Number.NaN] },
      { run: 0, error: 'boom, "quoted"' },
      { run: 1, keys: ["a", "b"], values: [0, Number.POSITIVE_INFINITY] },
      { run: 5, keys: ["a", "c"], values: [0.1, 1e-300] },
    ]);
  });
  it("drops a last line cut by a kill, at any byte", () => {
    const lines = text.split("\n");
    const full = lines.slice(0, 3).join("\n") + "\n";
    for (let cut = full.length + 1; cut < text.length - 1; cut++) {
      const d = decodeJournal(text.slice(0, cut));
      expect(d.dropped).toBe(text[cut - 1] === "\n" ? 0 : 1);
      expect(text.startsWith(d.validText)).toBe(true);
      expect(d.validText.endsWith("\n")).toBe(true);
    }
  });
  it("continues layouts when resuming, and rejects damage in the middle", () => {
    const d = decodeJournal(text);
    const more = new JournalEncoder(d.layouts).encode({ run: 9, keys: ["a", "c"], values: [2, 3] });
    expect(more).not.toContain('"keys"');
    expect(decodeJournal(text + more).records.at(-1)).toEqual({
      run: 9,
      keys: ["a", "c"],
      values: [2, 3],
    });
    const broken = text.replace('"run":0', '"run":0,,');
    expect(() => decodeJournal(broken, "x/runs.jsonl")).toThrow(
      /x\/runs.jsonl: line \d+ is not valid JSON/,
    );
  });
  it("keeps the first of duplicated runs and lists them", () => {
    const d = decodeJournal(
      text + new JournalEncoder(decodeJournal(text).layouts).encode({ run: 2, error: "again" }),
    );
    expect(d.duplicates).toEqual([2]);
    expect(d.records.filter((r) => r.run === 2)).toHaveLength(1);
  });
});
