import { fromJsonNum, jsonNum } from "./numbers.ts";

/**
 * The run journal (runs.jsonl): one JSON line per finished run, appended as runs finish, so a
 * killed sweep loses at most the line being written. Lines:
 *   {"layout":0,"keys":["n","IEO->GTC.est",...]}   declares the column names of later runs
 *   {"run":12,"layout":0,"values":[203,0.27,...]}  a run that succeeded
 *   {"run":13,"error":"..."}                       a run that failed (final: not retried)
 * Non-finite values are written as "NA", "Inf", "-Inf".
 * Every line ends in a checksum of its content: `..., "crc":"1a2b3c4d"}` where the hex digits
 * are the CRC-32 of the line's UTF-8 bytes without the `,"crc":"..."` part (the line as it
 * would read without it). Reading verifies each one and names the line that does not match.
 * Journals of earlier versions have no checksums: they are still read (nothing to verify), and
 * lines appended to them by a resume carry checksums; once a line has one, every later line
 * must (a line whose checksum was removed is refused).
 */
export type JournalRecord =
  | { run: number; keys: string[]; values: ArrayLike<number> }
  | { run: number; error: string };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Slicing-by-4 tables: CRC_4[k][n] is the table of a byte followed by k zero bytes. */
const CRC_4 = (() => {
  const t = [CRC_TABLE, new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  for (let k = 1; k < 4; k++)
    for (let n = 0; n < 256; n++) {
      const p = t[k - 1][n];
      t[k][n] = ((p >>> 8) ^ CRC_TABLE[p & 0xff]) >>> 0;
    }
  return t;
})();

/** CRC-32 (IEEE, as zlib and `crc32` compute it) of a string's UTF-8 bytes, 8 hex digits. */
export function crc32Hex(s: string): string {
  return crcHex(crcUpdate(0xffffffff, s));
}

function crcHex(c: number): string {
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

/** The CRC-32 register after a string's UTF-8 bytes (start: 0xffffffff; see crcHex). */
function crcUpdate(c: number, s: string): number {
  const [T0, T1, T2, T3] = CRC_4;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let u = s.charCodeAt(i);
    if (u < 0x80) {
      // four ASCII characters at once (slicing-by-4; the same CRC as byte by byte)
      if (i + 3 < n) {
        const u1 = s.charCodeAt(i + 1);
        const u2 = s.charCodeAt(i + 2);
        const u3 = s.charCodeAt(i + 3);
        if ((u1 | u2 | u3) < 0x80) {
          c ^= u | (u1 << 8) | (u2 << 16) | (u3 << 24);
          c = T3[c & 0xff] ^ T2[(c >>> 8) & 0xff] ^ T1[(c >>> 16) & 0xff] ^ T0[c >>> 24];
          i += 3;
          continue;
        }
      }
      c = T0[(c ^ u) & 0xff] ^ (c >>> 8);
      continue;
    }
    // UTF-8 of this code point
    if (u >= 0xd800 && u < 0xdc00 && i + 1 < n) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo < 0xe000) {
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (u >= 0xd800 && u < 0xe000) u = 0xfffd; // lone surrogate: as TextEncoder writes it
    const bytes =
      u < 0x800
        ? [0xc0 | (u >> 6), 0x80 | (u & 63)]
        : u < 0x10000
          ? [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 63), 0x80 | (u & 63)]
          : [0xf0 | (u >> 18), 0x80 | ((u >> 12) & 63), 0x80 | ((u >> 6) & 63), 0x80 | (u & 63)];
    for (const b of bytes) c = T0[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return c;
}

/** The CRC-32 register after a closing brace (the last byte of a line's JSON). */
const crcOfBrace = (c: number) => CRC_TABLE[(c ^ 0x7d) & 0xff] ^ (c >>> 8);

/** A journal line (without its newline) for a JSON object's text: the text plus its checksum. */
export function sealLine(json: string): string {
  return `${json.slice(0, -1)},"crc":"${crc32Hex(json)}"}`;
}

const SEAL = /,"crc":"([0-9a-f]{8})"\}$/;

/**
 * Check a line's checksum: "ok" (and the content it seals), "none" (an old line without one),
 * or "bad" (edited or damaged).
 */
export function unsealLine(line: string): { status: "ok" | "none" | "bad"; json: string } {
  const m = SEAL.exec(line);
  if (!m) return { status: line.includes('"crc"') ? "bad" : "none", json: line };
  const json = `${line.slice(0, m.index)}}`;
  return { status: crc32Hex(json) === m[1] ? "ok" : "bad", json };
}

/**
 * A record as read from a journal: with the line it was read from when that line carried a
 * valid checksum, and the layout number it used there (so it can be copied instead of encoded
 * again when the layout keeps its number).
 */
export type ReadRecord = JournalRecord & { line?: string; layout?: number };

/** Encodes records, declaring each new column layout once. */
export class JournalEncoder {
  private layouts = new Map<string, number>();
  private byArray = new Map<readonly string[], number>();
  /** A record's values as JSON writes them (jsonNum), refilled for each record. */
  private scratch: (number | string)[] = [];

  /** Register layouts already in a journal being resumed (in their order). */
  constructor(existing: string[][] = []) {
    for (const k of existing) this.layouts.set(k.join("\u0000"), this.layouts.size);
  }

  encode(r: ReadRecord): string {
    if ("error" in r) {
      if (r.line?.startsWith(`{"run":${r.run},"error":`)) return `${r.line}\n`;
      return `${sealLine(JSON.stringify({ run: r.run, error: r.error }))}\n`;
    }
    let head = "";
    let id = this.byArray.get(r.keys);
    if (id === undefined) {
      const sig = r.keys.join("\u0000");
      id = this.layouts.get(sig);
      if (id === undefined) {
        id = this.layouts.size;
        this.layouts.set(sig, id);
        head = `${sealLine(JSON.stringify({ layout: id, keys: r.keys }))}\n`;
      }
      if (this.byArray.size > 256) this.byArray.clear();
      this.byArray.set(r.keys, id);
    }
    // a line read with a valid checksum under the same layout number is what encoding gives
    if (r.layout === id && r.line?.startsWith(`{"run":${r.run},"layout":${id},"values":[`))
      return `${head}${r.line}\n`;
    // sealLine(JSON.stringify({ run, layout, values })) without the object, the values' array
    // or the text's copies: the JSON up to its closing brace, and the checksum of it with it
    const v = r.values;
    const values = this.scratch;
    values.length = v.length;
    for (let i = 0; i < v.length; i++) values[i] = jsonNum(v[i]);
    const body = `{"run":${JSON.stringify(r.run)},"layout":${id},"values":${JSON.stringify(values)}`;
    return `${head}${body},"crc":"${crcHex(crcOfBrace(crcUpdate(0xffffffff, body)))}"}\n`;
  }
}

export interface DecodedJournal {
  records: JournalRecord[];
  layouts: string[][];
  /** The text up to the end of the last complete, readable line (what a resume keeps). */
  validText: string;
  /** Lines dropped at the end (a line cut by a kill). */
  dropped: number;
  /** Runs that appear more than once (the first is kept). */
  duplicates: number[];
}

/** What one journal line holds: a layout declaration or a run's record. */
export type JournalLine =
  | { kind: "layout"; id: number; keys: string[] }
  | { kind: "record"; record: ReadRecord; layout: number };

/**
 * Decodes a journal line by line (for files read in pieces), with the checks of decodeJournal:
 * checksums, layouts declared in order, records matching their layout. Returns undefined for a
 * last line that is not valid JSON (a line cut by a kill), throws for any other damage.
 */
export class JournalLineDecoder {
  readonly layouts: string[][] = [];
  private sealedSeen = false;

  constructor(private readonly file = "runs.jsonl") {}

  decode(text: string, line: number, last: boolean): JournalLine | undefined {
    const file = this.file;
    const sealed = unsealLine(text);
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(sealed.json);
    } catch {
      if (last) return undefined;
      throw new Error(`${file}: line ${line} is not valid JSON (the journal is damaged)`);
    }
    if (o === null || typeof o !== "object")
      throw new Error(`${file}: line ${line}: not a journal record`);
    if (sealed.status === "bad")
      throw new Error(
        `${file}: line ${line}: checksum mismatch (the line was edited or damaged; restore it or rerun that run${typeof o.run === "number" ? ` (run ${o.run})` : ""} in a fresh directory)`,
      );
    if (sealed.status === "ok") this.sealedSeen = true;
    else if (this.sealedSeen)
      throw new Error(
        `${file}: line ${line}: has no checksum although earlier lines do (the line was edited or damaged)`,
      );
    if (Array.isArray(o.keys) && typeof o.layout === "number") {
      if (o.layout !== this.layouts.length)
        throw new Error(`${file}: line ${line}: layout ${o.layout} out of order`);
      this.layouts.push(o.keys as string[]);
      return { kind: "layout", id: o.layout, keys: o.keys as string[] };
    }
    if (typeof o.run === "number") {
      const run = o.run;
      const line = sealed.status === "ok" ? text : undefined;
      if (typeof o.error === "string")
        return { kind: "record", record: { run, error: o.error, line }, layout: -1 };
      const keys = this.layouts[o.layout as number];
      const raw = o.values as unknown[] | undefined;
      if (!keys || !Array.isArray(raw) || raw.length !== keys.length)
        throw new Error(`${file}: line ${line}: run ${run} does not match its layout`);
      const values = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) values[i] = fromJsonNum(raw[i]);
      const layout = o.layout as number;
      return { kind: "record", record: { run, keys, values, line, layout }, layout };
    }
    throw new Error(`${file}: line ${line}: not a journal record`);
  }
}

/** Read a journal, tolerating a cut last line; any other unreadable line is an error. */
export function decodeJournal(text: string, file = "runs.jsonl"): DecodedJournal {
  const records: JournalRecord[] = [];
  const dec = new JournalLineDecoder(file);
  const seen = new Set<number>();
  const duplicates: number[] = [];
  let pos = 0;
  let line = 0;
  let dropped = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    line++;
    if (nl < 0) {
      dropped++;
      break;
    }
    const d = dec.decode(text.slice(pos, nl), line, nl + 1 >= text.length);
    if (!d) {
      dropped++;
      break;
    }
    if (d.kind === "record") {
      const run = d.record.run;
      if (seen.has(run)) duplicates.push(run);
      else {
        seen.add(run);
        const r = d.record;
        records.push(
          "error" in r
            ? { run, error: r.error }
            : { run, keys: r.keys, values: Array.from(r.values) },
        );
      }
    }
    pos = nl + 1;
  }
  return { records, layouts: dec.layouts, validText: text.slice(0, pos), dropped, duplicates };
}

/**
 * The runs of an output's slice: run = start + i * step for i < length (a whole sweep, or
 * shard k of N: start k - 1, step N).
 */
export interface RunSlice {
  start: number;
  step: number;
  length: number;
}

/** Values held out of order before the reorder buffer of inRunOrder is cut back. */
const REORDER_VALUES = 4_000_000;

/**
 * Records of a slice in run order, from journals whose lines are in any order (completion
 * order, resumes, shards), holding only the records that arrive ahead of the next run: each
 * `pass()` reads the journal(s) from the start; records come out as soon as every earlier run
 * has; when the out-of-order records exceed a budget, the furthest are dropped and read again
 * by a later pass (a nearly sorted journal takes one pass). Duplicates: the first is kept.
 * Throws if a run of the slice is missing.
 */
export function* inRunOrder(
  slice: RunSlice,
  pass: () => Iterable<JournalRecord>,
  budget = REORDER_VALUES,
): Generator<JournalRecord> {
  let next = 0;
  while (next < slice.length) {
    const held = new Map<number, JournalRecord>();
    let size = 0;
    let limit = slice.length;
    const before = next;
    for (const r of pass()) {
      const off = r.run - slice.start;
      const pos = off / slice.step;
      if (off < 0 || off % slice.step !== 0) continue;
      if (pos < next || pos >= limit) continue;
      if (pos === next) {
        yield r;
        next++;
        for (let h = held.get(next); h; h = held.get(next)) {
          held.delete(next);
          size -= weight(h);
          yield h;
          next++;
        }
        continue;
      }
      if (held.has(pos)) continue;
      held.set(pos, r);
      size += weight(r);
      if (size > budget) {
        const keys = [...held.keys()].sort((a, b) => b - a);
        for (const k of keys) {
          if (size <= budget / 2 || held.size <= 1) break;
          size -= weight(held.get(k) as JournalRecord);
          held.delete(k);
          limit = k;
        }
      }
    }
    if (next < limit && next < slice.length)
      throw new Error(`run ${slice.start + next * slice.step} is missing from the journal`);
    if (next === before) throw new Error("the journal could not be put in run order");
  }
}

function weight(r: JournalRecord): number {
  return "error" in r ? 8 : r.values.length + 8;
}
