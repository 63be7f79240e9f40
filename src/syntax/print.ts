import type { ParRow } from "./parse.ts";

/** The modifiers and variable of one right-hand-side term: `0.5*x`, `a*x`, `start(1)*a*x`. */
function term(r: ParRow): string {
  const mods: string[] = [];
  if (r.fixed !== null) mods.push(String(r.fixed));
  if (r.start !== undefined) mods.push(`start(${r.start})`);
  if (r.label) mods.push(r.label);
  return [...mods, r.op === "~1" ? "1" : r.rhs].join("*");
}

/**
 * A parameter table as lavaan model syntax: consecutive rows with the same left-hand side and
 * operator share a formula (`y ~ x1 + x2`), defined parameters are one formula each, so that
 * parse(print(rows)) gives the rows back in order.
 */
export function print(rows: readonly ParRow[], header?: string): string {
  const lines: string[] = header ? header.split("\n").map((l) => `# ${l}`) : [];
  let k = 0;
  while (k < rows.length) {
    const r = rows[k];
    if (r.op === ":=") {
      lines.push(`${r.lhs} := ${r.rhs}`);
      k++;
      continue;
    }
    const group = [r];
    while (k + group.length < rows.length) {
      const s = rows[k + group.length];
      if (s.op !== r.op || s.lhs !== r.lhs) break;
      group.push(s);
    }
    lines.push(`${r.lhs} ${r.op === "~1" ? "~" : r.op} ${group.map(term).join(" + ")}`);
    k += group.length;
  }
  return `${lines.join("\n")}\n`;
}
