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

/** CRC-32 (IEEE, as zlib and `crc32` compute it) of a string's UTF-8 bytes, 8 hex digits. */
export function crc32Hex(s: string): string {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    let u = s.charCodeAt(i);
    if (u < 0x80) {
      c = CRC_TABLE[(c ^ u) & 0xff] ^ (c >>> 8);
      continue;
    }
    // UTF-8 of this code point
    if (u >= 0xd800 && u < 0xdc00 && i + 1 < s.length) {
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
    for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, "0");
}

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

/** Encodes records, declaring each new column layout once. */
export class JournalEncoder {
  private layouts = new Map<string, number>();

  /** Register layouts already in a journal being resumed (in their order). */
  constructor(existing: string[][] = []) {
    for (const k of existing) this.layouts.set(k.join("\u0000"), this.layouts.size);
  }

  encode(r: JournalRecord): string {
    if ("error" in r) return `${sealLine(JSON.stringify({ run: r.run, error: r.error }))}\n`;
    const sig = r.keys.join("\u0000");
    let head = "";
    let id = this.layouts.get(sig);
    if (id === undefined) {
      id = this.layouts.size;
      this.layouts.set(sig, id);
      head = `${sealLine(JSON.stringify({ layout: id, keys: r.keys }))}\n`;
    }
    const values = Array.from(r.values, jsonNum);
    return `${head}${sealLine(JSON.stringify({ run: r.run, layout: id, values }))}\n`;
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

/** Read a journal, tolerating a cut last line; any other unreadable line is an error. */
export function decodeJournal(text: string, file = "runs.jsonl"): DecodedJournal {
  const records: JournalRecord[] = [];
  const layouts: string[][] = [];
  const seen = new Set<number>();
  const duplicates: number[] = [];
  let pos = 0;
  let line = 0;
  let dropped = 0;
  let sealedSeen = false;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    line++;
    if (nl < 0) {
      dropped++;
      break;
    }
    const last = nl + 1 >= text.length;
    const sealed = unsealLine(text.slice(pos, nl));
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(sealed.json);
    } catch {
      if (last) {
        dropped++;
        break;
      }
      throw new Error(`${file}: line ${line} is not valid JSON (the journal is damaged)`);
    }
    if (o === null || typeof o !== "object")
      throw new Error(`${file}: line ${line}: not a journal record`);
    if (sealed.status === "bad")
      throw new Error(
        `${file}: line ${line}: checksum mismatch (the line was edited or damaged; restore it or rerun that run${typeof o.run === "number" ? ` (run ${o.run})` : ""} in a fresh directory)`,
      );
    if (sealed.status === "ok") sealedSeen = true;
    else if (sealedSeen)
      throw new Error(
        `${file}: line ${line}: has no checksum although earlier lines do (the line was edited or damaged)`,
      );
    if (Array.isArray(o.keys) && typeof o.layout === "number") {
      if (o.layout !== layouts.length)
        throw new Error(`${file}: line ${line}: layout ${o.layout} out of order`);
      layouts.push(o.keys as string[]);
    } else if (typeof o.run === "number") {
      const run = o.run;
      if (seen.has(run)) duplicates.push(run);
      else {
        seen.add(run);
        if (typeof o.error === "string") records.push({ run, error: o.error });
        else {
          const keys = layouts[o.layout as number];
          const values = (o.values as unknown[] | undefined)?.map(fromJsonNum);
          if (!keys || !values || values.length !== keys.length)
            throw new Error(`${file}: line ${line}: run ${run} does not match its layout`);
          records.push({ run, keys, values });
        }
      }
    } else throw new Error(`${file}: line ${line}: not a journal record`);
    pos = nl + 1;
  }
  return { records, layouts, validText: text.slice(0, pos), dropped, duplicates };
}
