import { cholesky, type Mat, zeros } from "../math/linalg.ts";
import { CONSTRUCTS } from "../paper/constructs.ts";
import { derive } from "../random/stream.ts";
import { fillNormalsFast as fillNormals } from "./fastNormals.ts";
import { type Instrument, SurveyConfigError } from "./instrument.ts";
import { answerItems, type ItemScales, type ResponseFormat } from "./responses.ts";
import { whiten } from "./whiten.ts";

/**
 * Calibration of the latent construct correlations.
 *
 * `latent`: the structural model's implied correlations describe the true constructs; the
 * survey's measurement error attenuates the composites' correlations.
 * `composites`: the latent correlations R are solved for so that the observed composites'
 * correlations equal the structural model's implied correlations (Table 1 for the `table1`
 * model). For continuous answers (and composite-level surveys) the solution is closed form:
 *   corr(comp_c, comp_d) = (a_c a_d R_cd + b_c b_d) / (sd_c sd_d),
 * with a_c = mean loading, b_c = method loading times mean sign, e_c^2 = sum(unique^2)/k^2 and
 * sd_c^2 = a_c^2 + b_c^2 + e_c^2 (the composite of standardized items). For Likert answers
 * the closed form is the start, then R += target - observed, iterated on a fixed draw of
 * LATENT_CALIBRATION_N respondents (common random numbers, stream "calibration"/"latent")
 * until the largest gap is below 0.002 or 30 iterations.
 */
export const LATENT_CALIBRATION_N = 40_000;
export const LATENT_CALIBRATION_TOL = 0.002;

/** The composite of standardized items written as a_c eta_c + b_c M + e_c eps_c. */
export interface CompositeForm {
  a: Float64Array;
  b: Float64Array;
  e: Float64Array;
}

export function compositeForm(ins: Instrument): CompositeForm {
  const p = CONSTRUCTS.length;
  const a = new Float64Array(p);
  const b = new Float64Array(p);
  const e = new Float64Array(p);
  ins.composite.forEach((idx, c) => {
    const k = idx.length;
    let sl = 0;
    let sb = 0;
    let su = 0;
    for (const j of idx) {
      const it = ins.items[j];
      sl += Math.abs(it.loading);
      sb += (it.reverse ? -1 : 1) * it.method;
      su += it.unique * it.unique;
    }
    a[c] = sl / k;
    b[c] = sb / k;
    e[c] = Math.sqrt(su) / k;
  });
  return { a, b, e };
}

/** Correlations of continuous composites given latent correlations R (closed form). */
export function compositeCorrelationClosedForm(form: CompositeForm, R: Mat): Mat {
  const p = CONSTRUCTS.length;
  const out = zeros(p);
  const sd = form.a.map((a, c) => Math.sqrt(a * a + form.b[c] ** 2 + form.e[c] ** 2));
  for (let c = 0; c < p; c++)
    for (let d = 0; d < p; d++)
      out[c * p + d] =
        c === d
          ? 1
          : (form.a[c] * form.a[d] * R[c * p + d] + form.b[c] * form.b[d]) / (sd[c] * sd[d]);
  return out;
}

/** Composite correlations of a fixed large Likert draw given latent correlations R. */
export function compositeCorrelationSimulated(
  ins: Instrument,
  scales: ItemScales,
  format: ResponseFormat,
  R: Mat,
  N = LATENT_CALIBRATION_N,
): Mat | null {
  const p = CONSTRUCTS.length;
  const L = cholesky(R, p);
  if (!L) return null;
  const z = new Float64Array(N * p);
  fillNormals(derive("calibration", "latent", "scores"), z);
  whiten(z, N, p);
  const latent = CONSTRUCTS.map(() => new Float64Array(N));
  for (let i = 0; i < N; i++)
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let k = 0; k <= c; k++) s += L[c * p + k] * z[i * p + k];
      latent[c][i] = s;
    }
  const rows = new Int32Array(N);
  for (let i = 0; i < N; i++) rows[i] = i;
  const ans = answerItems(
    ins,
    scales,
    format,
    latent,
    rows,
    derive("calibration", "latent", "items"),
  );
  return correlationOf(ans.composites, N);
}

export function correlationOf(cols: readonly ArrayLike<number>[], n: number): Mat {
  const p = cols.length;
  const mean = cols.map((c) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i];
    return s / n;
  });
  const out = zeros(p);
  const ss = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (cols[a][i] - mean[a]) ** 2;
    ss[a] = s;
  }
  for (let a = 0; a < p; a++)
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (cols[a][i] - mean[a]) * (cols[b][i] - mean[b]);
      const r = a === b ? 1 : s / Math.sqrt(ss[a] * ss[b]);
      out[a * p + b] = r;
      out[b * p + a] = r;
    }
  return out;
}

export interface LatentCalibration {
  /** Latent construct correlation matrix to draw true scores from. */
  R: Mat;
  target: "latent" | "composites";
  /** Largest |observed composite correlation - target| at the calibration draw (composites). */
  maxGap: number;
  iterations: number;
}

function maxOffDiagGap(a: Mat, b: Mat, p: number): number {
  let m = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < i; j++) m = Math.max(m, Math.abs(a[i * p + j] - b[i * p + j]));
  return m;
}

/** Solve the latent correlations for a calibration target (see the module comment). */
export function calibrateLatent(
  target: "latent" | "composites",
  modelSigma: Mat,
  ins: Instrument,
  scales: ItemScales,
  format: ResponseFormat,
  field = "survey.calibration",
): LatentCalibration {
  const p = CONSTRUCTS.length;
  if (target === "latent") return { R: modelSigma.slice(), target, maxGap: 0, iterations: 0 };
  const form = compositeForm(ins);
  const sd = form.a.map((a, c) => Math.sqrt(a * a + form.b[c] ** 2 + form.e[c] ** 2));
  const R = zeros(p);
  for (let c = 0; c < p; c++)
    for (let d = 0; d < p; d++)
      R[c * p + d] =
        c === d
          ? 1
          : (modelSigma[c * p + d] * sd[c] * sd[d] - form.b[c] * form.b[d]) /
            (form.a[c] * form.a[d]);
  const check = () => {
    if (!cholesky(R, p)) {
      let worst = "";
      let w = 0;
      for (let c = 0; c < p; c++)
        for (let d = 0; d < c; d++)
          if (Math.abs(R[c * p + d]) > w) {
            w = Math.abs(R[c * p + d]);
            worst = `${CONSTRUCTS[d]}~~${CONSTRUCTS[c]} would need a latent correlation of ${w.toFixed(3)}`;
          }
      throw new SurveyConfigError(
        field,
        `the composites cannot reproduce the target correlations with this measurement model: the disattenuated latent correlation matrix is not positive definite (${worst}); use calibration "latent" or more reliable measures`,
      );
    }
  };
  check();
  if (format === "continuous") {
    const obs = compositeCorrelationClosedForm(form, R);
    return { R, target, maxGap: maxOffDiagGap(obs, modelSigma, p), iterations: 0 };
  }
  let gap = Number.POSITIVE_INFINITY;
  let it = 0;
  for (; it < 30; it++) {
    const obs = compositeCorrelationSimulated(ins, scales, format, R);
    if (!obs) break;
    gap = maxOffDiagGap(obs, modelSigma, p);
    if (gap < LATENT_CALIBRATION_TOL) break;
    for (let c = 0; c < p; c++)
      for (let d = 0; d < p; d++)
        if (c !== d) R[c * p + d] += modelSigma[c * p + d] - obs[c * p + d];
    check();
  }
  return { R, target, maxGap: gap, iterations: it + 1 };
}

/**
 * Correlations the composites have in an unselected frame (before frame and response
 * selection): closed form for continuous answers and composite-level surveys, the fixed
 * calibration draw for Likert answers.
 */
export function expectedCompositeCorrelation(
  ins: Instrument,
  scales: ItemScales,
  format: ResponseFormat,
  R: Mat,
): Mat {
  if (format === "continuous") return compositeCorrelationClosedForm(compositeForm(ins), R);
  const sim = compositeCorrelationSimulated(ins, scales, format, R);
  if (!sim)
    throw new SurveyConfigError("survey.calibration", "latent correlations not positive definite");
  return sim;
}
