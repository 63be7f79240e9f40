import type { ModelSpec } from "../measurement/model.ts";
import { ModelSyntaxError } from "./lexer.ts";
import { type ParsedModel, parseModel } from "./parse.ts";

export type ToMeasurementResult = { ok: true; spec: ModelSpec } | { ok: false; error: string };

/** Does the text hold a measurement formula (`=~`)? Syntax errors count as no. */
export function isMeasurementSyntax(text: string): boolean {
  try {
    return parseModel(text).rows.some((r) => r.op === "=~");
  } catch (e) {
    if (e instanceof ModelSyntaxError) return false;
    throw e;
  }
}

/**
 * lavaan syntax with `=~` as a latent-variable model (src/measurement ModelSpec, lavaan's cfa()
 * / sem() defaults: the first loading of each factor fixed to 1, free residual variances, free
 * covariances among the exogenous factors):
 *   f =~ x1 + x2 + x3     a factor and its items (`items`: the names the data may hold)
 *   f ~ g + h             regressions among factors
 *   f ~~ g                a covariance of two factors (free already when both are exogenous;
 *                         otherwise their residuals' covariance)
 *   x1 ~~ x2              a residual covariance of two items
 *   x ~~ x, f ~~ f        variances (free by default; accepted, nothing changes)
 * Refused with the formula named: labels and fixed values (other than 1* on a factor's first
 * item, lavaan's default), `:=` and intercepts, regressions on or of items, an item that is not
 * in `items`, a factor without items; buildModel refuses unidentified factors (one item without
 * a constraint) naming the factor.
 */
export function measurementSpecFromSyntax(
  text: string,
  items?: readonly string[],
): ToMeasurementResult {
  let parsed: ParsedModel;
  try {
    parsed = parseModel(text);
  } catch (e) {
    if (e instanceof ModelSyntaxError) return { ok: false, error: e.message };
    throw e;
  }
  const rows = parsed.rows;
  const where = (k: number) => {
    const l = parsed.locations[k];
    return l ? ` (line ${l.line}, column ${l.column})` : "";
  };
  const fail = (error: string): ToMeasurementResult => ({ ok: false, error });
  if (!rows.some((r) => r.op === "=~"))
    return fail("a latent-variable model needs at least one measurement formula (f =~ x1 + x2)");
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
    const first = f.indicators.length === 0;
    if (r.label || (r.fixed !== null && !(first && r.fixed === 1)))
      return fail(
        `${r.lhs} =~ ${r.rhs}${where(k)}: labels and fixed loadings are not supported (the first item's loading is fixed to 1)`,
      );
    if (f.indicators.includes(r.rhs))
      return fail(`${r.lhs} =~ ${r.rhs}${where(k)}: factor ${r.lhs} lists item ${r.rhs} twice`);
    f.indicators.push(r.rhs);
  }
  const isFactor = (v: string) => factorOf.has(v);
  for (const f of factors)
    for (const x of f.indicators)
      if (!isFactor(x) && items && !items.includes(x))
        return fail(
          `factor ${f.name}: item ${x} is not an item of the survey (items: ${items.join(", ")})`,
        );
  const regressions = new Map<string, string[]>();
  const latentCovariances: [string, string][] = [];
  const residualCovariances: [string, string][] = [];
  const seen = new Set<string>();
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    if (r.op === "=~") continue;
    const what = `${r.lhs} ${r.op === "~1" ? "~ 1" : `${r.op} ${r.rhs}`}${where(k)}`;
    if (r.op === ":=" || r.op === "~1")
      return fail(`${what}: defined parameters and intercepts are not supported in latent models`);
    if (r.label || r.fixed !== null)
      return fail(`${what}: labels and fixed values are not supported in latent models`);
    const key = r.op === "~" ? `${r.lhs}~${r.rhs}` : [r.lhs, r.rhs].sort().join("~~");
    if (seen.has(key)) return fail(`${what}: the parameter is given twice`);
    seen.add(key);
    if (r.op === "~") {
      for (const v of [r.lhs, r.rhs])
        if (!isFactor(v))
          return fail(
            `${what}: ${v} is not a factor (regressions are among factors; define it with ${v} =~ ...)`,
          );
      const list = regressions.get(r.lhs) ?? [];
      list.push(r.rhs);
      regressions.set(r.lhs, list);
      continue;
    }
    // ~~
    const a = isFactor(r.lhs);
    const b = isFactor(r.rhs);
    if (r.lhs === r.rhs) {
      if (!a && !factors.some((f) => f.indicators.includes(r.lhs)))
        return fail(`${what}: ${r.lhs} is neither a factor nor an item of one`);
      continue; // variances are free by default
    }
    if (a !== b)
      return fail(`${what}: a covariance joins two factors or two items, not a factor and an item`);
    if (a) latentCovariances.push([r.lhs, r.rhs]);
    else {
      for (const v of [r.lhs, r.rhs])
        if (!factors.some((f) => f.indicators.includes(v)))
          return fail(`${what}: ${v} is not an item of any factor`);
      residualCovariances.push([r.lhs, r.rhs]);
    }
  }
  const endogenous = new Set(regressions.keys());
  const spec: ModelSpec = {
    factors,
    ...(regressions.size
      ? { regressions: [...regressions].map(([lhs, rhs]) => ({ lhs, rhs })) }
      : {}),
    ...(residualCovariances.length ? { residualCovariances } : {}),
    ...(latentCovariances.some(([x, y]) => endogenous.has(x) || endogenous.has(y))
      ? {
          latentCovariances: latentCovariances.filter(
            ([x, y]) => endogenous.has(x) || endogenous.has(y),
          ),
        }
      : {}),
  };
  return { ok: true, spec };
}
