import { fromJsonNum, jsonNum } from "./numbers.ts";

/**
 * The run journal (runs.jsonl): one JSON line per finished run, appended as runs finish, so a
 * killed sweep loses at most the line being written. Lines:
 *   {"layout":0,"keys":["n","IEO->GTC.est",...]}   declares the column names of later runs
 *   {"run":12,"layout":0,"values":[203,0.27,...]}  a run that succeeded
 *   {"run":13,"error":"..."}                       a run that failed (final: not retried)
 * Non-finite values are written as "NA", "Inf", "-Inf".
 */
export type JournalRecord =
  | { run: number; keys: string[]; values: ArrayLike<number> }
  | { run: number; error: string };

/** Encodes records, declaring each new column layout once. */
export class JournalEncoder {
  private layouts = new Map<string, number>();

  /** Register layouts already in a journal being resumed (in their order). */
  constructor(existing: string[][] = []) {
    for (const k of existing) this.layouts.set(k.join("\u0000"), this.layouts.size);
  }

  encode(r: JournalRecord): string {
    if ("error" in r) return `${JSON.stringify({ run: r.run, error: r.error })}\n`;
    const sig = r.keys.join("\u0000");
    let head = "";
    let id = this.layouts.get(sig);
    if (id === undefined) {
      id = this.layouts.size;
      this.layouts.set(sig, id);
      head = `${JSON.stringify({ layout: id, keys: r.keys })}\n`;
    }
    const values = Array.from(r.values, jsonNum);
    return `${head}${JSON.stringify({ run: r.run, layout: id, values })}\n`;
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
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    line++;
    if (nl < 0) {
      dropped++;
      break;
    }
    const s = text.slice(pos, nl);
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(s);
    } catch {
      if (text.indexOf("\n", nl + 1) < 0 && nl + 1 >= text.length) {
        dropped++;
        break;
      }
      throw new Error(`${file}: line ${line} is not valid JSON (the journal is damaged)`);
    }
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
