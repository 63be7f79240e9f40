/**
 * Deterministic number text for output files. String(x) is the shortest text that reads back
 * as the same double (ECMAScript Number::toString), so it is identical in Node and browsers.
 */
export function numText(x: number): string {
  if (Number.isNaN(x)) return "NA";
  if (x === Number.POSITIVE_INFINITY) return "Inf";
  if (x === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(x === 0 ? 0 : x);
}

/** A CSV cell: quoted when it holds a comma, quote or line break. */
export function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\n`;
}

/** JSON-safe encoding of a double (JSON has no NaN or infinities). */
export function jsonNum(x: number): number | string {
  return Number.isFinite(x) ? (x === 0 ? 0 : x) : numText(x);
}

export function fromJsonNum(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "NA") return Number.NaN;
  if (v === "Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

/** Compress sorted run indices to "0-99,120,130-131". */
export function toRanges(sorted: ArrayLike<number>): string {
  const out: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(",");
}

export function fromRanges(text: string): number[] {
  if (!text) return [];
  const out: number[] = [];
  for (const part of text.split(",")) {
    const [a, b] = part.split("-").map(Number);
    for (let x = a; x <= (b ?? a); x++) out.push(x);
  }
  return out;
}
