import { parseExpressionTokens, printExpr } from "./expression.ts";
import { lex, ModelSyntaxError, type Token, type TokenKind } from "./lexer.ts";

/**
 * lavaan model syntax to a parameter table, one row per parameter the user wrote (lavaan's
 * "user" rows; the estimator adds the defaults: variances, exogenous covariances).
 *   y ~ x1 + a*x2 + 0.5*x3     regressions (several left-hand sides: y1 + y2 ~ x)
 *   y1 ~~ y2                   (residual) variances and covariances
 *   f =~ x1 + x2               measurement (parsed only)
 *   y ~ 1                      intercepts (parsed only; op "~1")
 *   ind := a*b                 defined parameters (+ - * / parentheses numbers labels)
 * Modifiers before a variable, joined with `*`: a number fixes the parameter, a name labels it
 * (parameters with the same label are constrained equal), NA frees it, start(v) sets a start.
 * A formula ends at the end of a line or at `;`, except when the line ends with an operator,
 * the next line starts with one, or a parenthesis is open.
 */
export type Op = "~" | "~~" | "=~" | ":=" | "~1";

export interface ParRow {
  lhs: string;
  op: Op;
  /** The variable, or for `:=` the expression printed canonically. */
  rhs: string;
  /** "" when the parameter has no label (for `:=`, the defined parameter's name). */
  label: string;
  /** The fixed value, or null when the parameter is free. */
  fixed: number | null;
  start?: number;
}

export interface ParsedModel {
  rows: ParRow[];
  /** Where each row was written (same index as rows). */
  locations: { line: number; column: number }[];
}

const CONTINUES: ReadonlySet<TokenKind> = new Set([
  "~",
  "~~",
  "=~",
  ":=",
  "*",
  "+",
  "-",
  "/",
  "(",
  ",",
]);
const LEADS: ReadonlySet<TokenKind> = new Set(["~", "~~", "=~", ":=", "*", "+", "/"]);

/** Split tokens into formulas (continuation rules above), each without separators. */
function formulas(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === "(") depth++;
    if (t.kind === ")") depth = Math.max(0, depth - 1);
    if (t.kind === "newline") {
      const last = cur[cur.length - 1];
      let next = k + 1;
      while (tokens[next].kind === "newline") next++;
      if (cur.length && (depth > 0 || CONTINUES.has(last.kind) || LEADS.has(tokens[next].kind)))
        continue;
      if (cur.length) out.push(cur);
      cur = [];
      continue;
    }
    if (t.kind === ";" || t.kind === "eof") {
      if (cur.length) out.push(cur);
      cur = [];
      depth = 0;
      continue;
    }
    cur.push(t);
  }
  return out;
}

const OPS: ReadonlySet<TokenKind> = new Set(["~", "~~", "=~", ":="]);

export function parseModel(text: string): ParsedModel {
  const rows: ParRow[] = [];
  const locations: { line: number; column: number }[] = [];
  for (const f of formulas(lex(text))) parseFormula(f, rows, locations);
  return { rows, locations };
}

/** The rows alone (see parseModel). Throws ModelSyntaxError with line and column. */
export function parse(text: string): ParRow[] {
  return parseModel(text).rows;
}

function describe(t: Token | undefined): string {
  return t ? `"${t.text}"` : "the end of the formula";
}

function parseFormula(f: Token[], rows: ParRow[], locations: { line: number; column: number }[]) {
  let i = 0;
  const endPos = (): [number, number] => {
    const last = f[f.length - 1];
    return [last.line, last.column + last.text.length];
  };
  const fail = (what: string): never => {
    const t = f[i];
    const [line, column] = t ? [t.line, t.column] : endPos();
    const spans =
      line > f[0].line
        ? ` (the formula starts on line ${f[0].line}: a line that ends with an operator continues on the next)`
        : "";
    throw new ModelSyntaxError(line, column, `expected ${what}, found ${describe(t)}${spans}`);
  };
  const opAt = f.findIndex((t) => OPS.has(t.kind));
  if (opAt < 0) {
    i = f.length;
    for (let k = 0; k < f.length; k++) {
      const bad =
        (f[k].kind !== "ident" && f[k].kind !== "+") ||
        (k > 0 && f[k].kind === "ident" && f[k - 1].kind === "ident");
      if (bad) {
        i = k;
        break;
      }
    }
    fail("an operator (~, ~~, =~ or :=)");
  }
  const op = f[opAt].kind as "~" | "~~" | "=~" | ":=";
  // left-hand side: names joined by +
  const lhs: Token[] = [];
  while (i < opAt) {
    if (f[i].kind !== "ident") fail(lhs.length ? "a variable name after +" : "a variable name");
    lhs.push(f[i]);
    i++;
    if (i < opAt) {
      if (f[i].kind !== "+") fail(`"+" or an operator (~, ~~, =~, :=)`);
      i++;
      if (i === opAt) fail("a variable name after +");
    }
  }
  if (!lhs.length) fail("a variable name before the operator");
  i = opAt + 1;
  if (op === ":=") {
    if (lhs.length > 1) {
      i = 1;
      fail(`":=" after the defined parameter's name`);
    }
    if (i >= f.length) fail("an expression after :=");
    const expr = parseExpressionTokens(f, i, f.length);
    rows.push({ lhs: lhs[0].text, op, rhs: printExpr(expr), label: lhs[0].text, fixed: null });
    locations.push({ line: lhs[0].line, column: lhs[0].column });
    return;
  }
  if (lhs.length > 1 && op === "=~") {
    i = 1;
    fail(`"=~" after the latent variable's name`);
  }
  const terms: {
    name: Token;
    label: string;
    fixed: number | null;
    start?: number;
    icpt: boolean;
  }[] = [];
  for (;;) {
    let label = "";
    let fixed: number | null = null;
    let start: number | undefined;
    let name: Token | null = null;
    let icpt = false;
    let free = false;
    for (;;) {
      const t = f[i];
      let sign = 1;
      let isNumber = t?.kind === "number";
      if (t?.kind === "-" && f[i + 1]?.kind === "number") {
        sign = -1;
        isNumber = true;
        i++;
      }
      if (isNumber) {
        const v = sign * Number(f[i].text);
        if (f[i + 1]?.kind !== "*") {
          if (op === "~" && v === 1 && sign === 1) {
            name = f[i];
            icpt = true;
            i++;
            break;
          }
          i++;
          fail(`"*" and a variable name after the fixed value ${f[i - 1].text}`);
        }
        if (fixed !== null || free) fail("one fixed value (or NA) per parameter");
        fixed = v;
        i += 2;
        continue;
      }
      if (t?.kind !== "ident") fail(terms.length ? "a variable name after +" : "a variable name");
      if (t.text === "start" && f[i + 1]?.kind === "(") {
        i += 2;
        let s = 1;
        if (f[i]?.kind === "-") {
          s = -1;
          i++;
        }
        if (f[i]?.kind !== "number") fail("a number in start( )");
        start = s * Number(f[i].text);
        i++;
        if (f[i]?.kind !== ")") fail(")");
        i++;
        if (f[i]?.kind !== "*") fail(`"*" after start( )`);
        i++;
        continue;
      }
      if (f[i + 1]?.kind === "*") {
        if (t.text === "NA") {
          if (fixed !== null) fail("one fixed value (or NA) per parameter");
          free = true;
        } else {
          if (label) fail("one label per parameter");
          label = t.text;
        }
        i += 2;
        continue;
      }
      if (t.text === "NA") fail("a variable name (NA is a modifier: NA*x)");
      name = t;
      i++;
      break;
    }
    terms.push({ name, label, fixed, start, icpt });
    if (i >= f.length) break;
    if (f[i].kind !== "+") fail(`"+" or the end of the formula`);
    i++;
    if (i >= f.length) fail("a variable name after +");
  }
  for (const l of lhs) {
    for (const t of terms) {
      const row: ParRow = t.icpt
        ? { lhs: l.text, op: "~1", rhs: "", label: t.label, fixed: t.fixed }
        : { lhs: l.text, op, rhs: t.name.text, label: t.label, fixed: t.fixed };
      if (t.start !== undefined) row.start = t.start;
      rows.push(row);
      locations.push({ line: t.name.line, column: t.name.column });
    }
  }
}

/** parseModel with a syntax error as a value (line and column in its message), not a throw. */
export function tryParseModel(
  text: string,
): { ok: true; parsed: ParsedModel } | { ok: false; error: string } {
  try {
    return { ok: true, parsed: parseModel(text) };
  } catch (e) {
    if (e instanceof ModelSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
}
