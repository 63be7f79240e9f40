import { csvParse } from "d3";
import { UsageError } from "../cli/command.ts";

/**
 * Read a CSV of construct scores (one column per construct, named by its key) or, with
 * `matrix`, a covariance/correlation matrix (first column = row names, header = column names).
 * Every problem names the file, the row and the column.
 */
/** A decimal number as written in a CSV cell: no hex, no Infinity, no thousands separators. */
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A cell's number, or NaN when it is not a plain decimal number of finite size. */
export function cellNumber(cell: string | undefined): number {
  if (cell === undefined || cell.length > 400 || !DECIMAL.test(cell)) return Number.NaN;
  return Number(cell);
}

/** A cell or header as shown in a message: at most 40 characters, one line. */
export function shown(cell: string): string {
  const one = cell.replace(/\s+/g, " ");
  return one.length > 40 ? `${one.slice(0, 37)}... (${cell.length} chars)` : one;
}

function names(header: readonly string[]): string {
  return header.length > 20
    ? `${header.slice(0, 20).map(shown).join(", ")}, ... (${header.length} columns)`
    : header.map(shown).join(", ");
}

/**
 * Parse CSV text (a byte-order mark is dropped) and check that the header names each needed
 * column exactly once.
 */
function parseWithHeader(text: string, file: string, needed: readonly string[]) {
  const rows = csvParse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const header = rows.columns;
  const missing = needed.filter((c) => !header.includes(c));
  if (missing.length)
    throw new UsageError(
      `${file}: missing column(s) ${missing.join(", ")} (found: ${names(header) || "none"})${header.length === 1 && /[;\t]/.test(header[0]) ? "; the file must be comma-separated" : ""}`,
    );
  for (const c of needed) {
    const at = header.indexOf(c);
    const again = header.indexOf(c, at + 1);
    if (again >= 0)
      throw new UsageError(
        `${file}: column ${c} appears twice in the header (columns ${at + 1} and ${again + 1}); keep one`,
      );
  }
  return rows;
}

/**
 * The cells read as missing with `missing: true`: empty (also only spaces), NA, NaN and "."
 * (the usual codes of spreadsheets, R, SPSS and Stata; bgsim survey writes NaN for a missing
 * composite). Anything else that is not a number is an error.
 */
export const MISSING_CELLS = ["", "NA", "NaN", "."] as const;

export function isMissingCell(cell: string | undefined): boolean {
  if (cell === undefined) return false;
  return (MISSING_CELLS as readonly string[]).includes(cell.trim());
}

export interface DataColumns {
  columns: Float64Array[];
  n: number;
  /** Rows with at least one missing cell in the needed columns (0 unless `missing`). */
  incompleteRows: number;
  /** Missing cells per needed column. */
  missingByColumn: number[];
}

/**
 * The needed columns as numbers. With `missing`, empty, NA, NaN and "." cells are NaN (counted);
 * without it, they are errors like any other cell that is not a number.
 */
export function parseDataCsv(
  text: string,
  file: string,
  needed: readonly string[],
  options: { missing?: boolean } = {},
): DataColumns {
  const rows = parseWithHeader(text, file, needed);
  const n = rows.length;
  const columns = needed.map(() => new Float64Array(n));
  const missingByColumn = needed.map(() => 0);
  let incompleteRows = 0;
  for (let i = 0; i < n; i++) {
    let incomplete = false;
    needed.forEach((c, j) => {
      const cell = rows[i][c];
      if (options.missing && isMissingCell(cell)) {
        columns[j][i] = Number.NaN;
        missingByColumn[j]++;
        incomplete = true;
        return;
      }
      const x = cellNumber(cell);
      if (!Number.isFinite(x))
        throw new UsageError(
          `${file}: row ${i + 2}, column ${c}: "${shown(cell ?? "")}" is not a number${cell !== undefined && DECIMAL.test(cell) ? " of finite size" : ` (a plain decimal number is expected${options.missing ? '; a missing value is an empty cell, NA, NaN or "."' : ""})`}`,
        );
      columns[j][i] = x;
    });
    if (incomplete) incompleteRows++;
  }
  return { columns, n, incompleteRows, missingByColumn };
}

export function parseMatrixCsv(text: string, file: string, needed: readonly string[]): number[][] {
  const rows = parseWithHeader(text, file, needed);
  const nameCol = rows.columns[0];
  const byName = new Map(rows.map((r, i) => [String(r[nameCol]).trim(), { r, line: i + 2 }]));
  return needed.map((a) => {
    const row = byName.get(a);
    if (!row) throw new UsageError(`${file}: no row named ${a} (the first column names the rows)`);
    return needed.map((b) => {
      const cell = row.r[b];
      const x = cellNumber(cell);
      if (!Number.isFinite(x))
        throw new UsageError(
          `${file}: row ${row.line} (${a}), column ${b}: "${shown(cell ?? "")}" is not a number`,
        );
      return x;
    });
  });
}
