/**
 * Tokens of lavaan's model syntax. Comments run from `#` or `!` to the end of the line; a newline
 * is a token because it ends a formula (unless the formula is incomplete, see parse.ts).
 */
export type TokenKind =
  | "ident"
  | "number"
  | "=~"
  | "~~"
  | "~"
  | ":="
  | "*"
  | "+"
  | "-"
  | "/"
  | "("
  | ")"
  | ","
  | "newline"
  | ";"
  | "eof";

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based line and column of the token's first character. */
  line: number;
  column: number;
}

export class ModelSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly detail: string,
  ) {
    super(`line ${line}, column ${column}: ${detail}`);
    this.name = "ModelSyntaxError";
  }
}

const IDENT_START = /[A-Za-z_.]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const push = (kind: TokenKind, s: string, at: number) =>
    tokens.push({ kind, text: s, line, column: at - lineStart + 1 });
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      push("newline", "\n", i);
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "#" || c === "!") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === "=~" || two === "~~" || two === ":=") {
      push(two, two, i);
      i += 2;
      continue;
    }
    if ("~*+-/(),;".includes(c)) {
      push(c as TokenKind, c, i);
      i++;
      continue;
    }
    const num = /[0-9]/.test(c) || (c === "." && /[0-9]/.test(text[i + 1] ?? ""));
    if (num) {
      const m = NUMBER.exec(text.slice(i));
      if (m) {
        if (IDENT_START.test(text[i + m[0].length] ?? ""))
          throw new ModelSyntaxError(
            line,
            i - lineStart + 1,
            `"${text.slice(i, i + m[0].length + 1)}...": a name cannot start with a digit`,
          );
        push("number", m[0], i);
        i += m[0].length;
        continue;
      }
    }
    if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < text.length && IDENT_PART.test(text[j])) j++;
      push("ident", text.slice(i, j), i);
      i = j;
      continue;
    }
    if (c === "=" || c === "<" || c === ">")
      throw new ModelSyntaxError(
        line,
        i - lineStart + 1,
        `unexpected "${c}": expected one of the operators ~, ~~, =~, := (constraints with ==, < and > are not supported)`,
      );
    throw new ModelSyntaxError(line, i - lineStart + 1, `unexpected character "${c}"`);
  }
  push("eof", "", i);
  return tokens;
}
