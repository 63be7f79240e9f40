import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILTIN_MODELS, structureOf } from "../src/model/index.ts";
import { CONSTRUCTS } from "../src/paper/index.ts";
import {
  type Expr,
  type ParRow,
  parse,
  print,
  printExpr,
  structureFromSyntax,
  structureRows,
  toStructure,
} from "../src/syntax/index.ts";

const errorOf = (text: string, available?: readonly string[]) => {
  const r = structureFromSyntax(text, available);
  return r.ok ? "ok" : r.error;
};

describe("lavaan model syntax: parsing", () => {
  it("reads ~, ~~, =~, :=, labels, fixed values, NA, start(), comments, ; and continued lines", () => {
    const rows = parse(`# a comment
y1 + y2 ~ a*x1 + 0*x2 + -1.5e-1*x3   ! another
y3 ~ NA*x1 +
     start(0.2)*b*y1
  + y2 ; y1 ~~ y2
f =~ 1*i1 + i2
y3 ~ 1
ind := a*(b - 2)/x.y`);
    expect(rows).toEqual<ParRow[]>([
      { lhs: "y1", op: "~", rhs: "x1", label: "a", fixed: null },
      { lhs: "y1", op: "~", rhs: "x2", label: "", fixed: 0 },
      { lhs: "y1", op: "~", rhs: "x3", label: "", fixed: -0.15 },
      { lhs: "y2", op: "~", rhs: "x1", label: "a", fixed: null },
      { lhs: "y2", op: "~", rhs: "x2", label: "", fixed: 0 },
      { lhs: "y2", op: "~", rhs: "x3", label: "", fixed: -0.15 },
      { lhs: "y3", op: "~", rhs: "x1", label: "", fixed: null },
      { lhs: "y3", op: "~", rhs: "y1", label: "b", fixed: null, start: 0.2 },
      { lhs: "y3", op: "~", rhs: "y2", label: "", fixed: null },
      { lhs: "y1", op: "~~", rhs: "y2", label: "", fixed: null },
      { lhs: "f", op: "=~", rhs: "i1", label: "", fixed: 1 },
      { lhs: "f", op: "=~", rhs: "i2", label: "", fixed: null },
      { lhs: "y3", op: "~1", rhs: "", label: "", fixed: null },
      { lhs: "ind", op: ":=", rhs: "a*(b - 2)/x.y", label: "ind", fixed: null },
    ]);
  });

  it("names the line and column of a syntax error and what was expected", () => {
    expect(errorOf("GTC ~ IEO\nPERF ~ GTC +")).toBe(
      "line 2, column 13: expected a variable name after +, found the end of the formula",
    );
    expect(errorOf("GTC ~ a*IEO\nPERF ~ b*GTC +\nind := a*b")).toBe(
      'line 3, column 5: expected "+" or the end of the formula, found ":=" (the formula starts on line 2: a line that ends with an operator continues on the next)',
    );
    expect(errorOf("GTC ~ IEO + + IMO")).toBe(
      'line 1, column 13: expected a variable name after +, found "+"',
    );
    expect(errorOf("GTC IEO")).toBe(
      'line 1, column 5: expected an operator (~, ~~, =~ or :=), found "IEO"',
    );
    expect(errorOf("GTC ~ IEO\n  x := a*")).toMatch(/^line 2, column 10: expected a number/);
    expect(errorOf("GTC ~ 0.5 IEO")).toBe(
      'line 1, column 11: expected "*" and a variable name after the fixed value 0.5, found "IEO"',
    );
    expect(errorOf("GTC == IEO")).toMatch(/^line 1, column 5: unexpected "="/);
    expect(errorOf("GTC ~ IEO @ IMO")).toBe('line 1, column 11: unexpected character "@"');
  });

  it("refuses what a path model cannot fit, and names the columns available", () => {
    expect(errorOf("f =~ GTC + UPD\nPERF ~ f")).toMatch(
      /measurement models \(=~\) are not estimated yet/,
    );
    expect(errorOf("GTC ~ IEO\nPERF ~ GTC + FOO", CONSTRUCTS)).toBe(
      `unknown variable "FOO" (line 2, column 14): the data have columns ${CONSTRUCTS.join(", ")}`,
    );
    expect(errorOf("GTC ~ a*IEO\nind := a*b")).toMatch(/unknown label "b" \(labels: a\)/);
    expect(errorOf("GTC ~ IEO\nGTC ~ IEO")).toMatch(/given twice/);
    expect(errorOf("GTC ~ IEO + IMO\nIEO ~~ 0*IMO")).toMatch(/fixed.x/);
    expect(errorOf("GTC ~ a*IEO + 0.5*a*IMO")).toMatch(/different fixed values/);
    expect(errorOf("GTC ~ IEO\nUPD ~~ GTC")).toMatch(/UPD appears in no regression/);
    expect(errorOf("GTC ~ 1 + IEO")).toMatch(/intercepts are not estimated/);
  });

  it("prints every built-in model as syntax that parses back to the same structure", () => {
    for (const make of Object.values(BUILTIN_MODELS)) {
      const spec = make();
      const text = print(structureRows(spec));
      const back = structureFromSyntax(text, CONSTRUCTS);
      expect(back.ok && back.structure).toEqual(structureOf(spec));
    }
    expect(print(structureRows(BUILTIN_MODELS.published()))).toBe(
      [
        "GTC ~ IEO + IMO",
        "UPD ~ IEO + IMO",
        "QF ~ IEO + IMO",
        "LFDC ~ IEO + IMO",
        "PERF ~ GTC + UPD + QF + LFDC",
        "IEO ~~ IMO",
        "GTC ~~ UPD + QF + LFDC",
        "UPD ~~ QF + LFDC",
        "QF ~~ LFDC",
        "",
      ].join("\n"),
    );
  });
});

// ---- property: parse(print(rows)) = rows ----
const name = fc
  .stringMatching(/^[A-Za-z][A-Za-z0-9_.]{0,5}$/)
  .filter((s) => s !== "NA" && s !== "start");
const num = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
  .map((x) => (Object.is(x, -0) ? 0 : x));
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e6 }).map((value) => ({
      kind: "num" as const,
      value: Object.is(value, -0) ? 0 : value,
    })),
    name.map((n) => ({ kind: "label" as const, name: n })),
    tie("e").map((arg) => ({ kind: "neg" as const, arg })),
    fc
      .tuple(
        fc.constantFrom("+", "-", "*", "/") as fc.Arbitrary<"+" | "-" | "*" | "/">,
        tie("e"),
        tie("e"),
      )
      .map(([kind, left, right]) => ({ kind, left, right })),
  ),
})).e;
const row: fc.Arbitrary<ParRow> = fc.oneof(
  fc
    .record({
      lhs: name,
      op: fc.constantFrom("~", "~~", "=~") as fc.Arbitrary<"~" | "~~" | "=~">,
      rhs: name,
      label: fc.oneof(fc.constant(""), name),
      fixed: fc.oneof(fc.constant(null), num),
      start: fc.option(num, { nil: undefined }),
    })
    .map(({ start, ...r }) => (start === undefined ? r : { ...r, start })),
  fc
    .record({
      lhs: name,
      label: fc.oneof(fc.constant(""), name),
      fixed: fc.oneof(fc.constant(null), num),
    })
    .map((r) => ({ ...r, op: "~1" as const, rhs: "" })),
  fc.tuple(name, expr).map(([lhs, e]) => ({
    lhs,
    op: ":=" as const,
    rhs: printExpr(e),
    label: lhs,
    fixed: null,
  })),
);

describe("lavaan model syntax: round trip", () => {
  it("parse(print(rows)) = rows for any parameter table", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 12 }), (rows) => {
        expect(parse(print(rows))).toEqual(rows);
      }),
      { numRuns: 300 },
    );
  });

  it("expressions print canonically: printing a parsed expression is the identity", () => {
    fc.assert(
      fc.property(expr, (e) => {
        const text = printExpr(e);
        const [r] = parse(`d := ${text}`);
        expect(r.rhs).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("toStructure(parse(print(structure))) = structure for a structure with labels and fixed values", () => {
    const text = "GTC ~ a*IEO + IMO\nPERF ~ 0.5*GTC + b*IMO\nPERF ~~ 1*PERF\nab := a*b\n";
    const s = structureFromSyntax(text, CONSTRUCTS);
    if (!s.ok) throw new Error(s.error);
    expect(print(structureRows(s.structure))).toBe(text);
    expect(toStructure(parse(print(structureRows(s.structure))), CONSTRUCTS)).toEqual(s);
  });
});
