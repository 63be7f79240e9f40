/**
 * A latent-variable model in LISREL all-y form (lavaan's representation for continuous data
 * without a mean structure):
 *   Sigma = Lambda (I - B)^-1 Psi (I - B)^-T Lambda' + Theta
 * with Lambda (p x m) the loadings, B (m x m) the regressions among latent variables, Psi (m x m)
 * the latent (residual) covariances and Theta (p x p) the residual covariances of the items.
 *
 * `buildModel` turns a specification into the parameter list with lavaan's defaults for cfa() /
 * sem(): the first loading of each factor fixed to 1 (or, with `stdLv`, every latent (residual)
 * variance fixed to 1 and all loadings free); free residual variances of every item and latent
 * variable; free covariances among the exogenous latent variables; nothing else.
 */
export type MatrixName = "lambda" | "beta" | "psi" | "theta";

export interface ModelParam {
  /** lavaan's names: `f =~ x` (loading), `f ~ g` (regression), `a ~~ b` ((co)variance). */
  lhs: string;
  op: "=~" | "~" | "~~";
  rhs: string;
  matrix: MatrixName;
  row: number;
  col: number;
  free: boolean;
  /** Value when fixed (free parameters: NaN). */
  value: number;
}

export interface MeasurementModel {
  observed: readonly string[];
  latent: readonly string[];
  /** Free parameters first (in the order of the estimate vector), then fixed non-zero ones. */
  params: readonly ModelParam[];
  /** Number of free parameters (the first `nFree` entries of params). */
  nFree: number;
  stdLv: boolean;
  /** Latent variables that appear on the left of a regression. */
  endogenous: readonly string[];
  hasRegressions: boolean;
}

export interface ModelSpec {
  /** Factors with their indicators (`f =~ x1 + x2 + ...`), in order. */
  factors: readonly { name: string; indicators: readonly string[] }[];
  /** Latent regressions `lhs ~ rhs1 + rhs2`. */
  regressions?: readonly { lhs: string; rhs: readonly string[] }[];
  /** Free residual covariances between items (`x1 ~~ x5`). */
  residualCovariances?: readonly (readonly [string, string])[];
  /** Free covariances between latent (residual) variables beyond the exogenous ones, e.g. the
   * residuals of endogenous factors (`f ~~ g` with f or g regressed on others). */
  latentCovariances?: readonly (readonly [string, string])[];
  /** Latent covariances fixed to a value (`f ~~ 1*g`), e.g. for discriminant-validity tests. */
  fixedLatentCovariances?: readonly { a: string; b: string; value: number }[];
  /** lavaan's std.lv: identify each factor by fixing its (residual) variance to 1. */
  stdLv?: boolean;
}

export type BuildResult = { ok: true; model: MeasurementModel } | { ok: false; message: string };

/**
 * Validate and build. Refused with a message naming the factor or item: a factor without
 * indicators, a single-indicator factor (not identified without a constraint), a two-indicator
 * factor with nothing to covary with (alone, or every covariance fixed to 0), a name used as
 * both factor and item, a regression on an unknown factor, an item listed twice in one factor.
 */
export function buildModel(spec: ModelSpec): BuildResult {
  const latent = spec.factors.map((f) => f.name);
  const latentIndex = new Map(latent.map((f, i) => [f, i]));
  if (latentIndex.size !== latent.length)
    return { ok: false, message: "a factor is defined twice" };
  const observed: string[] = [];
  const obsIndex = new Map<string, number>();
  for (const f of spec.factors) {
    if (!f.indicators.length) return { ok: false, message: `factor ${f.name} has no indicators` };
    if (new Set(f.indicators).size !== f.indicators.length)
      return { ok: false, message: `factor ${f.name} lists an item twice` };
    for (const x of f.indicators) {
      if (latentIndex.has(x))
        return { ok: false, message: `${x} is a factor; higher-order factors are not supported` };
      if (!obsIndex.has(x)) {
        obsIndex.set(x, observed.length);
        observed.push(x);
      }
    }
  }
  const regs = spec.regressions ?? [];
  const endogenous = new Set<string>();
  for (const r of regs) {
    for (const v of [r.lhs, ...r.rhs])
      if (!latentIndex.has(v))
        return {
          ok: false,
          message: `regression ${r.lhs} ~ ${r.rhs.join(" + ")}: ${v} is not a factor`,
        };
    if (r.rhs.includes(r.lhs)) return { ok: false, message: `factor ${r.lhs} regressed on itself` };
    endogenous.add(r.lhs);
  }
  const stdLv = spec.stdLv ?? false;
  const inRegression = new Set(regs.flatMap((r) => [r.lhs, ...r.rhs]));
  const zeroCov = new Set(
    (spec.fixedLatentCovariances ?? [])
      .filter((c) => c.value === 0)
      .map((c) => [c.a, c.b].sort().join("\u0000")),
  );
  for (const f of spec.factors) {
    // a single-indicator factor is not identified unless its residual variance is fixed (which
    // a specification cannot say), whether it is exogenous or regressed on other factors
    if (f.indicators.length === 1)
      return {
        ok: false,
        message: `factor ${f.name} has one indicator (${f.indicators[0]}) and no constraint: not identified`,
      };
    if (f.indicators.length === 2 && spec.factors.length === 1)
      return {
        ok: false,
        message: `factor ${f.name} has two indicators and no other factor: not identified`,
      };
    // two indicators identify a factor only through its covariance with another factor
    if (
      f.indicators.length === 2 &&
      !inRegression.has(f.name) &&
      spec.factors.every(
        (g) => g.name === f.name || zeroCov.has([f.name, g.name].sort().join("\u0000")),
      )
    )
      return {
        ok: false,
        message: `factor ${f.name} has two indicators and its covariances with every other factor are fixed to 0: not identified`,
      };
  }
  const free: ModelParam[] = [];
  const fixed: ModelParam[] = [];
  const add = (p: Omit<ModelParam, "value" | "free">, fixedValue?: number) => {
    if (fixedValue === undefined) free.push({ ...p, free: true, value: Number.NaN });
    else if (fixedValue !== 0) fixed.push({ ...p, free: false, value: fixedValue });
  };
  spec.factors.forEach((f, j) => {
    f.indicators.forEach((x, k) => {
      const i = obsIndex.get(x)!;
      add(
        { lhs: f.name, op: "=~", rhs: x, matrix: "lambda", row: i, col: j },
        k === 0 && !stdLv ? 1 : undefined,
      );
    });
  });
  for (const r of regs) {
    const i = latentIndex.get(r.lhs)!;
    for (const v of r.rhs)
      add({ lhs: r.lhs, op: "~", rhs: v, matrix: "beta", row: i, col: latentIndex.get(v)! });
  }
  for (const [a, b] of spec.residualCovariances ?? []) {
    const i = obsIndex.get(a);
    const j = obsIndex.get(b);
    if (i === undefined || j === undefined)
      return {
        ok: false,
        message: `residual covariance ${a} ~~ ${b}: ${i === undefined ? a : b} is not an item of any factor`,
      };
    if (i === j)
      return { ok: false, message: `residual covariance ${a} ~~ ${b}: use two different items` };
    add({ lhs: a, op: "~~", rhs: b, matrix: "theta", row: Math.max(i, j), col: Math.min(i, j) });
  }
  observed.forEach((x, i) => {
    add({ lhs: x, op: "~~", rhs: x, matrix: "theta", row: i, col: i });
  });
  latent.forEach((f, i) => {
    add({ lhs: f, op: "~~", rhs: f, matrix: "psi", row: i, col: i }, stdLv ? 1 : undefined);
  });
  const fixedCov = new Map(
    (spec.fixedLatentCovariances ?? []).map((c) => [[c.a, c.b].sort().join("\u0000"), c]),
  );
  for (const c of spec.fixedLatentCovariances ?? [])
    for (const v of [c.a, c.b])
      if (!latentIndex.has(v))
        return { ok: false, message: `latent covariance ${c.a} ~~ ${c.b}: ${v} is not a factor` };
  const exo = latent.filter((f) => !endogenous.has(f));
  for (let a = 0; a < exo.length; a++) {
    for (let b = a + 1; b < exo.length; b++) {
      const i = latentIndex.get(exo[a])!;
      const j = latentIndex.get(exo[b])!;
      const fc = fixedCov.get([exo[a], exo[b]].sort().join("\u0000"));
      add(
        {
          lhs: exo[a],
          op: "~~",
          rhs: exo[b],
          matrix: "psi",
          row: Math.max(i, j),
          col: Math.min(i, j),
        },
        fc ? fc.value : undefined,
      );
    }
  }
  for (const [a, b] of spec.latentCovariances ?? []) {
    const i = latentIndex.get(a);
    const j = latentIndex.get(b);
    if (i === undefined || j === undefined)
      return {
        ok: false,
        message: `latent covariance ${a} ~~ ${b}: ${i === undefined ? a : b} is not a factor`,
      };
    if (i === j)
      return { ok: false, message: `latent covariance ${a} ~~ ${b}: use two different factors` };
    const row = Math.max(i, j);
    const col = Math.min(i, j);
    if (free.some((x) => x.matrix === "psi" && x.row === row && x.col === col)) continue;
    add({ lhs: a, op: "~~", rhs: b, matrix: "psi", row, col });
  }
  const p = observed.length;
  if (free.length > (p * (p + 1)) / 2)
    return {
      ok: false,
      message: `${free.length} free parameters but only ${(p * (p + 1)) / 2} (co)variances: not identified`,
    };
  return {
    ok: true,
    model: {
      observed,
      latent,
      params: [...free, ...fixed],
      nFree: free.length,
      stdLv,
      endogenous: [...endogenous],
      hasRegressions: regs.length > 0,
    },
  };
}

/** `lhs op rhs`, lavaan's way of naming a parameter. */
export function paramName(p: Pick<ModelParam, "lhs" | "op" | "rhs">): string {
  return `${p.lhs} ${p.op} ${p.rhs}`;
}
