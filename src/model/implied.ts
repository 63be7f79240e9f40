import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { identity, inverse, type Mat, sandwich, zeros } from "../math/linalg.ts";
import { exogenous, topologicalOrder } from "./graph.ts";
import { pathLabel } from "./pathLabel.ts";
import type { ModelSpec } from "./spec.ts";

/**
 * A path model in matrix form, with every variable at unit variance:
 *   x = B x + zeta,  Cov(zeta) = Psi,  Sigma = A Psi A',  A = (I - B)^-1.
 * B[i][j] is the coefficient of the path j -> i.
 */
export interface StructuralModel {
  spec: ModelSpec;
  p: number;
  variables: readonly string[];
  B: Mat;
  Psi: Mat;
  /** Model-implied covariance matrix, which is also the correlation matrix (unit variances). */
  Sigma: Mat;
  exogenous: string[];
  /** Variables in an order where every path points forward. */
  order: string[];
}

export interface ModelError {
  /** What the error is about, e.g. "paths[3]", "PERF", "GTC~~UPD". */
  where: string;
  message: string;
}

export type BuildResult =
  | { ok: true; model: StructuralModel }
  | { ok: false; errors: ModelError[] };

const fmt = (x: number) => (Math.round(x * 1000) / 1000).toString();

/** Check a specification and build its implied matrices, or explain why it is impossible. */
export function buildModel(spec: ModelSpec): BuildResult {
  const errors: ModelError[] = [];
  const vars = spec.variables;
  const p = vars.length;
  const index = new Map(vars.map((v, i) => [v, i]));
  const seen = new Set<string>();
  spec.paths.forEach((path, k) => {
    const where = `paths[${k}] ${path.from}->${path.to}`;
    if (!index.has(path.from))
      errors.push({
        where,
        message: `unknown variable "${path.from}"; allowed: ${vars.join(", ")}`,
      });
    if (!index.has(path.to))
      errors.push({ where, message: `unknown variable "${path.to}"; allowed: ${vars.join(", ")}` });
    if (path.from === path.to) errors.push({ where, message: "a variable cannot cause itself" });
    if (!Number.isFinite(path.value))
      errors.push({ where, message: `coefficient ${path.value} is not a finite number` });
    else if (Math.abs(path.value) >= 1)
      errors.push({
        where,
        message: `standardized coefficient ${fmt(path.value)} must lie in (-1, 1)`,
      });
    const key = pathLabel(path.from, path.to);
    if (seen.has(key)) errors.push({ where, message: "path listed twice" });
    seen.add(key);
  });
  const seenCor = new Set<string>();
  spec.correlations.forEach((c, k) => {
    const where = `correlations[${k}] ${c.a}~~${c.b}`;
    if (!index.has(c.a))
      errors.push({ where, message: `unknown variable "${c.a}"; allowed: ${vars.join(", ")}` });
    if (!index.has(c.b))
      errors.push({ where, message: `unknown variable "${c.b}"; allowed: ${vars.join(", ")}` });
    if (c.a === c.b) errors.push({ where, message: "a correlation needs two different variables" });
    if (!(Math.abs(c.value) < 1))
      errors.push({ where, message: `correlation ${c.value} must lie in (-1, 1)` });
    const key = [c.a, c.b].sort().join("~~");
    if (seenCor.has(key)) errors.push({ where, message: "correlation listed twice" });
    seenCor.add(key);
  });
  if (errors.length) return { ok: false, errors };

  const topo = topologicalOrder(vars, spec.paths);
  if ("cycle" in topo) {
    return {
      ok: false,
      errors: [
        {
          where: topo.cycle.join("->"),
          message: `the paths ${topo.cycle.join(" -> ")} form a cycle; only recursive (acyclic) models are supported`,
        },
      ],
    };
  }
  const order = topo.order;
  const rank = new Map(order.map((v, i) => [v, i]));

  const B = zeros(p);
  for (const path of spec.paths) B[index.get(path.to)! * p + index.get(path.from)!] = path.value;
  const IminusB = identity(p);
  for (let i = 0; i < p * p; i++) IminusB[i] -= B[i];
  const A = inverse(IminusB, p)!; // acyclic => (I - B) is a permuted unit triangular matrix

  // Solve Psi in topological order: for each variable v, first its correlations with earlier
  // variables (each enters Sigma[u][v] with coefficient 1), then its variance (enters Sigma[v][v]
  // with coefficient 1). Earlier entries are unaffected by later ones, so one pass is exact.
  const Psi = zeros(p);
  const corrOf = new Map<string, { other: string; value: number }[]>();
  for (const c of spec.correlations) {
    const [first, second] = rank.get(c.a)! < rank.get(c.b)! ? [c.a, c.b] : [c.b, c.a];
    if (!corrOf.has(second)) corrOf.set(second, []);
    corrOf.get(second)!.push({ other: first, value: c.value });
  }
  const explained: { v: string; residual: number }[] = [];
  for (const v of order) {
    const iv = index.get(v)!;
    for (const { other, value } of corrOf.get(v) ?? []) {
      const iu = index.get(other)!;
      const sigma = sandwich(A, Psi, p);
      const delta = value - sigma[iu * p + iv];
      Psi[iu * p + iv] += delta;
      Psi[iv * p + iu] += delta;
    }
    const sigma = sandwich(A, Psi, p);
    Psi[iv * p + iv] = 1 - sigma[iv * p + iv];
    if (!(Psi[iv * p + iv] > 1e-9)) explained.push({ v, residual: Psi[iv * p + iv] });
  }
  for (const { v, residual } of explained) {
    const into = spec.paths.filter((x) => x.to === v);
    const list = into.map((x) => `${x.from}->${v} = ${fmt(x.value)}`).join(", ");
    errors.push({
      where: v,
      message: `the paths into ${v} (${list}) and the correlations among their sources explain ${fmt(1 - residual)} of its unit variance, leaving a residual variance of ${fmt(residual)}; it must be > 0: lower these coefficients or the correlations among ${into.map((x) => x.from).join(", ")}`,
    });
  }
  if (errors.length) return { ok: false, errors };

  // Psi must be positive definite: check each block of variables linked by covariances.
  for (const block of covarianceBlocks(vars, spec)) {
    if (block.length < 2) continue;
    const m = new Matrix(
      block.map((a) => block.map((b) => Psi[index.get(a)! * p + index.get(b)!])),
    );
    const ev = Math.min(
      ...new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues,
    );
    if (!(ev > 1e-10)) {
      const pairs = spec.correlations
        .filter((c) => block.includes(c.a))
        .map((c) => `${c.a}~~${c.b} = ${fmt(c.value)}`);
      errors.push({
        where: block.join(","),
        message: `the correlations ${pairs.join(", ")} are impossible together given the paths: the (residual) covariance matrix of ${block.join(", ")} is not positive definite (smallest eigenvalue ${fmt(ev)})`,
      });
    }
  }
  if (errors.length) return { ok: false, errors };
  const Sigma = sandwich(A, Psi, p);
  return {
    ok: true,
    model: {
      spec,
      p,
      variables: vars,
      B,
      Psi,
      Sigma,
      exogenous: exogenous(vars, spec.paths),
      order,
    },
  };
}

/** Connected components of the graph whose edges are the specification's correlations. */
function covarianceBlocks(vars: readonly string[], spec: ModelSpec): string[][] {
  const parent = new Map(vars.map((v) => [v, v]));
  const find = (v: string): string => (parent.get(v) === v ? v : find(parent.get(v)!));
  for (const c of spec.correlations) parent.set(find(c.a), find(c.b));
  const groups = new Map<string, string[]>();
  for (const v of vars) {
    const r = find(v);
    if (!groups.has(r)) groups.set(r, []);
    groups.get(r)!.push(v);
  }
  return [...groups.values()];
}

/** Build or throw with every error (for built-in specifications that are known to be valid). */
export function buildModelOrThrow(spec: ModelSpec): StructuralModel {
  const r = buildModel(spec);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.where}: ${e.message}`).join("\n"));
  return r.model;
}
