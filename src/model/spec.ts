/**
 * A structural (path) model specification in standardized terms: which regression paths exist
 * with which coefficients, and which pairs of variables are correlated beyond what the paths
 * imply. A `correlations` entry sets the model-implied correlation of the pair; it is realised
 * by a free covariance (between two exogenous variables) or a residual covariance (between two
 * endogenous ones). Residual variances are never given: they are derived so that every variable
 * has unit variance (see implied.ts).
 */
export interface PathSpec {
  from: string;
  to: string;
  /** Standardized coefficient. */
  value: number;
}

export interface CorrelationSpec {
  a: string;
  b: string;
  /** Model-implied correlation of a and b. */
  value: number;
}

export interface ModelSpec {
  name: string;
  variables: readonly string[];
  paths: readonly PathSpec[];
  correlations: readonly CorrelationSpec[];
}

/**
 * What lavaan syntax can say about one parameter beyond its existence: a label (parameters that
 * share a label are constrained equal) or a fixed value (then it is not estimated).
 */
export interface ParameterConstraint {
  label?: string;
  fixed?: number;
}

/** The structure of a model, without values: what the estimator frees. */
export interface ModelStructure {
  variables: readonly string[];
  paths: readonly ({ from: string; to: string } & ParameterConstraint)[];
  /** Covariances among exogenous variables or residual covariances among endogenous ones. */
  covariances: readonly ({ a: string; b: string } & ParameterConstraint)[];
  /** (Residual) variances with a label or a fixed value; every other variance is free. */
  variances?: readonly ({ v: string } & ParameterConstraint)[];
  /** Defined parameters (lavaan's `:=`): a name and an expression over labels. */
  defined?: readonly { name: string; expression: string }[];
}

export function structureOf(spec: ModelSpec): ModelStructure {
  return {
    variables: spec.variables,
    paths: spec.paths.map(({ from, to }) => ({ from, to })),
    covariances: spec.correlations.map(({ a, b }) => ({ a, b })),
  };
}
