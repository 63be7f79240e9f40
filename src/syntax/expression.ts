import { lex, ModelSyntaxError, type Token } from "./lexer.ts";

/**
 * The right-hand side of a defined parameter (`ind := a*b`): numbers, labels, + - * /, unary
 * minus and parentheses. Printed canonically with the fewest parentheses that keep the tree, so
 * that parsing the printed text gives the same tree.
 */
export type Expr =
  | { kind: "num"; value: number }
  | { kind: "label"; name: string }
  | { kind: "neg"; arg: Expr }
  | { kind: "+" | "-" | "*" | "/"; left: Expr; right: Expr };

/** Recursive-descent parser over a token slice; `end` is one past the last token. */
export function parseExpressionTokens(tokens: readonly Token[], from: number, end: number): Expr {
  let i = from;
  const peek = () => (i < end ? tokens[i] : null);
  const fail = (what: string): never => {
    const t = peek() ?? tokens[end - 1];
    const found = i < end ? `"${t.text}"` : "the end of the formula";
    const col = i < end ? t.column : t.column + t.text.length;
    throw new ModelSyntaxError(t.line, col, `expected ${what}, found ${found}`);
  };
  const primary = (): Expr => {
    const t = peek();
    if (!t) return fail("a number, a label or (");
    if (t.kind === "-") {
      i++;
      return { kind: "neg", arg: primary() };
    }
    if (t.kind === "number") {
      i++;
      return { kind: "num", value: Number(t.text) };
    }
    if (t.kind === "ident") {
      i++;
      return { kind: "label", name: t.text };
    }
    if (t.kind === "(") {
      i++;
      const e = sum();
      if (peek()?.kind !== ")") fail(")");
      i++;
      return e;
    }
    return fail("a number, a label or (");
  };
  const product = (): Expr => {
    let e = primary();
    for (let t = peek(); t && (t.kind === "*" || t.kind === "/"); t = peek()) {
      i++;
      e = { kind: t.kind, left: e, right: primary() };
    }
    return e;
  };
  const sum = (): Expr => {
    let e = product();
    for (let t = peek(); t && (t.kind === "+" || t.kind === "-"); t = peek()) {
      i++;
      e = { kind: t.kind, left: e, right: product() };
    }
    return e;
  };
  const e = sum();
  if (i < end) fail("an operator (+ - * /) or the end of the formula");
  return e;
}

/** An expression string (a `:=` right-hand side) parsed to a tree. */
export function parseExpression(text: string): Expr {
  const tokens = lex(text).filter((t) => t.kind !== "newline" && t.kind !== "eof");
  if (!tokens.length) throw new ModelSyntaxError(1, 1, "expected an expression");
  return parseExpressionTokens(tokens, 0, tokens.length);
}

const PREC = { "+": 1, "-": 1, "*": 2, "/": 2, neg: 3, num: 4, label: 4 } as const;

export function printExpr(e: Expr): string {
  switch (e.kind) {
    case "num":
      return String(e.value);
    case "label":
      return e.name;
    case "neg": {
      const inner = printExpr(e.arg);
      return PREC[e.arg.kind] < PREC.neg ? `-(${inner})` : `-${inner}`;
    }
    default: {
      const p = PREC[e.kind];
      const l = printExpr(e.left);
      const r = printExpr(e.right);
      const ls = PREC[e.left.kind] < p ? `(${l})` : l;
      const rs = PREC[e.right.kind] <= p ? `(${r})` : r;
      const sp = p === 1 ? " " : "";
      return `${ls}${sp}${e.kind}${sp}${rs}`;
    }
  }
}

/** Labels an expression refers to, in order of first use. */
export function exprLabels(e: Expr, out: string[] = []): string[] {
  if (e.kind === "label") {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.kind === "neg") exprLabels(e.arg, out);
  else if (e.kind !== "num") {
    exprLabels(e.left, out);
    exprLabels(e.right, out);
  }
  return out;
}

/**
 * Value and gradient of an expression, given each label's value and gradient (forward-mode
 * differentiation: exact, for delta-method standard errors).
 */
export function evaluate(
  e: Expr,
  value: (label: string) => { v: number; g: Float64Array },
  q: number,
): { v: number; g: Float64Array } {
  switch (e.kind) {
    case "num":
      return { v: e.value, g: new Float64Array(q) };
    case "label": {
      const x = value(e.name);
      return { v: x.v, g: Float64Array.from(x.g) };
    }
    case "neg": {
      const a = evaluate(e.arg, value, q);
      return { v: -a.v, g: a.g.map((x) => -x) };
    }
    default: {
      const a = evaluate(e.left, value, q);
      const b = evaluate(e.right, value, q);
      const g = new Float64Array(q);
      let v: number;
      if (e.kind === "+") {
        v = a.v + b.v;
        for (let k = 0; k < q; k++) g[k] = a.g[k] + b.g[k];
      } else if (e.kind === "-") {
        v = a.v - b.v;
        for (let k = 0; k < q; k++) g[k] = a.g[k] - b.g[k];
      } else if (e.kind === "*") {
        v = a.v * b.v;
        for (let k = 0; k < q; k++) g[k] = a.g[k] * b.v + a.v * b.g[k];
      } else {
        v = a.v / b.v;
        for (let k = 0; k < q; k++) g[k] = (a.g[k] * b.v - a.v * b.g[k]) / (b.v * b.v);
      }
      return { v, g };
    }
  }
}
