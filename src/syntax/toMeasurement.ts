import type { ModelSpec as MeasurementSpec } from "../measurement/model.ts";
import { type ParRow, type ParsedModel, tryParseModel } from "./parse.ts";

/**
 * lavaan syntax with latent variables (`=~`) as the measurement model's specification
 * (src/measurement/model.ts), with lavaan's cfa()/sem() defaults: the first loading of each
 * factor fixed to 1, free residual variances, free covariances among the exogenous factors.
 *
 * Accepted: `f =~ x1 + x2 + ...` (the first loading may be written `1*x1`), `f ~ g + h`
 * (regressions among factors), `x1 ~~ x2` (residual covariances of items), `f ~~ g` (free
 * covariance of two exogenous factors, the default; with an endogenous factor, the covariance of
 * its residual) or `f ~~ 0*g` / `f ~~ 1*g` (fixed),
 * `x ~~ x` / `f ~~ f` written free (the default). Refused, with the line and column and the
 * name: labels, other fixed values, `:=`, intercepts, observed variables in regressions, a
 * factor without indicators, a factor with one indicator (not identified without a constraint,
 * src/measurement/model.ts), and, with `available` (the data's columns), an item that is not in
 * the data.
 */
export type MeasurementSyntaxResult =
  | { ok: true; spec: MeasurementSpec; items: string[] }
  | { ok: false; error: string };

/** Whether the syntax has latent variables (`=~`); syntax errors count as no. */
export function hasLatentVariables(text: string): boolean {
  const r = tryParseModel(text);
  return r.ok && r.parsed.rows.some((x) => x.op === "=~");
}

export function measurementSpecFromSyntax(
  text: string,
  available?: readonly string[],
  availableAre = "the data's columns",
): MeasurementSyntaxResult {
  const r = tryParseModel(text);
  return r.ok ? measurementSpec(r.parsed, available, availableAre) : r;
}

export function measurementSpec(
  parsed: ParsedModel,
  available?: readonly string[],
  availableAre = "the data's columns",
): MeasurementSyntaxResult {
  const { rows, locations } = parsed;
  const where = (k: number) => ` (line ${locations[k].line}, column ${locations[k].column})`;
  const fail = (error: string): MeasurementSyntaxResult => ({ ok: false, error });
  const name = (r: ParRow) =>
    `${r.lhs} ${r.op === "~1" ? "~" : r.op} ${r.op === "~1" ? "1" : r.rhs}`;
  const factors: { name: string; indicators: string[] }[] = [];
  const factorOf = new Map<string, { name: string; indicators: string[] }>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op !== "=~") continue;
    let f = factorOf.get(r.lhs);
    if (!f) {
      f = { name: r.lhs, indicators: [] };
      factorOf.set(r.lhs, f);
      factors.push(f);
    }
    if (f.indicators.includes(r.rhs))
      return fail(`${name(r)}${where(k)}: ${r.rhs} is listed twice for factor ${r.lhs}`);
    if (r.label)
      return fail(`${name(r)}${where(k)}: labels are not supported in latent-variable models yet`);
    const first = f.indicators.length === 0;
    if (r.fixed !== null && !(first && r.fixed === 1))
      return fail(
        `${name(r)}${where(k)}: only the first loading of a factor can be fixed, to 1 (lavaan's default marker); other fixed loadings are not supported yet`,
      );
    f.indicators.push(r.rhs);
  }
  if (!factors.length) return fail("the model has no latent variables (=~)");
  const isFactor = (v: string) => factorOf.has(v);
  const items = [...new Set(factors.flatMap((f) => f.indicators))];
  for (const f of factors)
    for (const x of f.indicators)
      if (isFactor(x))
        return fail(
          `factor ${f.name}: ${x} is a factor; higher-order factors are not supported yet`,
        );
  if (available) {
    const missing = items.find((x) => !available.includes(x));
    if (missing !== undefined)
      return fail(
        `item ${missing} (an indicator of factor ${factors.find((f) => f.indicators.includes(missing))!.name}) is not one of ${availableAre}: ${available.join(", ")}`,
      );
    const clash = factors.find((f) => available.includes(f.name));
    if (clash)
      return fail(
        `factor ${clash.name} has the name of a data column: give the latent variable another name`,
      );
  }
  const regressions = new Map<string, string[]>();
  const residualCovariances: [string, string][] = [];
  const fixedLatentCovariances: { a: string; b: string; value: number }[] = [];
  const latentCovariances: [string, string][] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op === "=~") continue;
    if (r.op === ":=")
      return fail(
        `${r.lhs} := ${r.rhs}${where(k)}: defined parameters are not supported in latent-variable models yet`,
      );
    if (r.op === "~1")
      return fail(
        `${name(r)}${where(k)}: intercepts are not estimated (the model fits covariances only)`,
      );
    if (r.label)
      return fail(`${name(r)}${where(k)}: labels are not supported in latent-variable models yet`);
    for (const v of [r.lhs, r.rhs])
      if (!isFactor(v) && !items.includes(v))
        return fail(
          available?.includes(v)
            ? `${name(r)}${where(k)}: ${v} is an observed variable that indicates no factor; observed variables outside the measurement model are not supported yet (give it its own factor with several indicators, or use composite scores in a path model)`
            : isFactor(r.lhs) || isFactor(r.rhs) || r.op === "~"
              ? `${name(r)}${where(k)}: ${v} is not a factor of the model (a latent variable needs indicators: ${v} =~ ...)`
              : `${name(r)}${where(k)}: ${v} is not an indicator of any factor`,
        );
    if (r.op === "~") {
      if (!isFactor(r.lhs) || !isFactor(r.rhs))
        return fail(
          `${name(r)}${where(k)}: regressions on or of observed items are not supported yet; regress factors on factors`,
        );
      if (r.fixed !== null)
        return fail(`${name(r)}${where(k)}: fixed regression coefficients are not supported yet`);
      const list = regressions.get(r.lhs) ?? [];
      if (list.includes(r.rhs)) return fail(`${name(r)}${where(k)}: the parameter is given twice`);
      list.push(r.rhs);
      regressions.set(r.lhs, list);
      continue;
    }
    // ~~
    const latent = isFactor(r.lhs);
    if (latent !== isFactor(r.rhs))
      return fail(
        `${name(r)}${where(k)}: a covariance between a factor and an item is not supported`,
      );
    if (r.lhs === r.rhs) {
      if (r.fixed !== null)
        return fail(
          `${name(r)}${where(k)}: fixed ${latent ? "factor" : "residual"} variances are not supported yet (the first loading identifies each factor)`,
        );
      continue;
    }
    if (!latent) {
      if (r.fixed !== null)
        return fail(`${name(r)}${where(k)}: fixed residual covariances are not supported yet`);
      residualCovariances.push([r.lhs, r.rhs]);
    } else if (r.fixed !== null)
      fixedLatentCovariances.push({ a: r.lhs, b: r.rhs, value: r.fixed });
    else latentCovariances.push([r.lhs, r.rhs]);
  }
  // free covariances of exogenous factors are the default; one with an endogenous factor is the
  // covariance of its residual (lavaan's psi), freed explicitly
  const endogenous = new Set(regressions.keys());
  const residualOfEndogenous = latentCovariances.filter(
    ([x, y]) => endogenous.has(x) || endogenous.has(y),
  );
  const spec: MeasurementSpec = {
    factors,
    ...(regressions.size
      ? { regressions: [...regressions].map(([lhs, rhs]) => ({ lhs, rhs })) }
      : {}),
    ...(residualCovariances.length ? { residualCovariances } : {}),
    ...(fixedLatentCovariances.length ? { fixedLatentCovariances } : {}),
    ...(residualOfEndogenous.length ? { latentCovariances: residualOfEndogenous } : {}),
  };
  return { ok: true, spec, items };
}
