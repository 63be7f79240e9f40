import { csvParse } from "d3";
import { UsageError } from "../cli/command.ts";

/**
 * Read a CSV of construct scores (one column per construct, named by its key) or, with
 * `matrix`, a covariance/correlation matrix (first column = row names, header = column names).
 * Every problem names the file, the row and the column.
 */
export function parseDataCsv(
  text: string,
  file: string,
  needed: readonly string[],
): { columns: Float64Array[]; n: number } {
  const rows = csvParse(text);
  const header = rows.columns;
  const missing = needed.filter((c) => !header.includes(c));
  if (missing.length)
    throw new UsageError(
      `${file}: missing column(s) ${missing.join(", ")} (found: ${header.join(", ") || "none"})`,
    );
  const n = rows.length;
  const columns = needed.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    needed.forEach((c, j) => {
      const cell = rows[i][c];
      const x = cell === undefined || cell.trim() === "" ? Number.NaN : Number(cell);
      if (!Number.isFinite(x))
        throw new UsageError(`${file}: row ${i + 2}, column ${c}: "${cell ?? ""}" is not a number`);
      columns[j][i] = x;
    });
  }
  return { columns, n };
}

export function parseMatrixCsv(text: string, file: string, needed: readonly string[]): number[][] {
  const rows = csvParse(text);
  const header = rows.columns;
  const nameCol = header[0];
  const missing = needed.filter((c) => !header.includes(c));
  if (missing.length)
    throw new UsageError(`${file}: missing column(s) ${missing.join(", ")} in the matrix header`);
  const byName = new Map(rows.map((r, i) => [String(r[nameCol]).trim(), { r, line: i + 2 }]));
  return needed.map((a) => {
    const row = byName.get(a);
    if (!row) throw new UsageError(`${file}: no row named ${a} (the first column names the rows)`);
    return needed.map((b) => {
      const cell = row.r[b];
      const x = Number(cell);
      if (cell === undefined || cell.trim() === "" || !Number.isFinite(x))
        throw new UsageError(
          `${file}: row ${row.line} (${a}), column ${b}: "${cell ?? ""}" is not a number`,
        );
      return x;
    });
  });
}
