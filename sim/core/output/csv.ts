import { csvFormat, csvParse } from "d3";

/** Format rows as CSV (d3-dsv), numbers at full precision. */
export function toCsv<T extends object>(rows: T[], columns?: (keyof T & string)[]): string {
  return `${csvFormat(rows as unknown as Record<string, unknown>[] as never, columns as never)}\n`;
}

export { csvParse };
