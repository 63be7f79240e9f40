import { log } from "./fdlibm.ts";
/**
 * Small dense linear algebra on row-major Float64Array square matrices (p x p, p <= ~30).
 * The estimator's inner loop calls these thousands of times per second, where ml-matrix's
 * object overhead would dominate; ml-matrix is used for eigenvalues and in the tests as an
 * independent check.
 */
export type Mat = Float64Array;

export function zeros(p: number): Mat {
  return new Float64Array(p * p);
}

/**
 * A new zero-filled Float64Array of length n for results of hot loops (a Monte Carlo
 * replication's covariance matrix and ML fit): a view carved from a shared 512 KB block, never
 * handed out twice, instead of its own buffer. Typed arrays longer than 8 numbers get their own
 * off-heap buffer, whose allocation and collection cost more than a closed-form fit. A block
 * lives while any view into it does; do not transfer or detach `.buffer` of such an array.
 */
export function freshFloat64(n: number): Float64Array {
  if (n > BLOCK / 8) return new Float64Array(n);
  if (blockUsed + n > BLOCK) {
    block = new ArrayBuffer(BLOCK * 8);
    blockUsed = 0;
  }
  const v = new Float64Array(block, blockUsed * 8, n);
  blockUsed += n;
  return v;
}
const BLOCK = 1 << 16;
let block = new ArrayBuffer(0);
let blockUsed = BLOCK;

export function identity(p: number): Mat {
  const m = zeros(p);
  for (let i = 0; i < p; i++) m[i * p + i] = 1;
  return m;
}

export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const p = rows.length;
  const m = zeros(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) m[i * p + j] = rows[i][j];
  return m;
}

/** c = a * b */
export function mul(a: Mat, b: Mat, p: number, c: Mat = zeros(p)): Mat {
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += a[i * p + k] * b[k * p + j];
      c[i * p + j] = s;
    }
  }
  return c;
}

export function transpose(a: Mat, p: number): Mat {
  const t = zeros(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) t[j * p + i] = a[i * p + j];
  return t;
}

/** a * b * a' */
export function sandwich(a: Mat, b: Mat, p: number): Mat {
  return mul(mul(a, b, p), transpose(a, p), p);
}

/** Lower Cholesky factor of a symmetric matrix, or null if it is not positive definite. */
export function cholesky(a: Mat, p: number): Mat | null {
  return choleskyInto(a, p, zeros(p));
}

/**
 * cholesky() into a given p x p buffer (e.g. reused scratch): writes the lower triangle with the
 * diagonal and leaves the upper triangle as it is; null when a is not positive definite.
 */
export function choleskyInto(
  a: ArrayLike<number>,
  p: number,
  l: Float64Array,
): Float64Array | null {
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * p + j] = ljj;
    // four (then two) rows i at a time, sharing the loads of row j (each entry the same sum in the
    // same order)
    const rj = j * p;
    let i = j + 1;
    for (; i + 3 < p; i += 4) {
      const ri = i * p;
      const ri1 = ri + p;
      const ri2 = ri1 + p;
      const ri3 = ri2 + p;
      let s0 = a[ri + j];
      let s1 = a[ri1 + j];
      let s2 = a[ri2 + j];
      let s3 = a[ri3 + j];
      for (let k = 0; k < j; k++) {
        const x = l[rj + k];
        s0 -= l[ri + k] * x;
        s1 -= l[ri1 + k] * x;
        s2 -= l[ri2 + k] * x;
        s3 -= l[ri3 + k] * x;
      }
      l[ri + j] = s0 / ljj;
      l[ri1 + j] = s1 / ljj;
      l[ri2 + j] = s2 / ljj;
      l[ri3 + j] = s3 / ljj;
    }
    for (; i + 1 < p; i += 2) {
      const ri = i * p;
      const ri1 = ri + p;
      let s0 = a[ri + j];
      let s1 = a[ri1 + j];
      for (let k = 0; k < j; k++) {
        const x = l[rj + k];
        s0 -= l[ri + k] * x;
        s1 -= l[ri1 + k] * x;
      }
      l[ri + j] = s0 / ljj;
      l[ri1 + j] = s1 / ljj;
    }
    for (; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[rj + k];
      l[i * p + j] = s / ljj;
    }
  }
  return l;
}

/** log-determinant of a positive-definite matrix from its Cholesky factor. */
export function logdetFromCholesky(l: Mat, p: number): number {
  let s = 0;
  for (let i = 0; i < p; i++) s += log(l[i * p + i]);
  return 2 * s;
}

/** Inverse of a positive-definite matrix from its Cholesky factor. */
export function inverseFromCholesky(l: Mat, p: number): Mat {
  // invert L (lower triangular), then A^-1 = L^-T L^-1; L^-1 is kept transposed (row j of lt is
  // column j of L^-1) so that every inner product runs over contiguous memory (the same sums in
  // the same order as over the columns of L^-1)
  const lt = zeros(p);
  for (let i = 0; i < p; i++) {
    const lii = l[i * p + i];
    lt[i * p + i] = 1 / lii;
    const ri = i * p;
    // two rows j at a time sharing the loads of row i of L (row j + 1 starts one k later)
    let j = 0;
    for (; j + 1 < i; j += 2) {
      const rj = j * p;
      const rj1 = rj + p;
      let s0 = 0;
      let s1 = 0;
      s0 += l[ri + j] * lt[rj + j];
      for (let k = j + 1; k < i; k++) {
        const x = l[ri + k];
        s0 += x * lt[rj + k];
        s1 += x * lt[rj1 + k];
      }
      lt[rj + i] = -s0 / lii;
      lt[rj1 + i] = -s1 / lii;
    }
    for (; j < i; j++) {
      const rj = j * p;
      let s = 0;
      for (let k = j; k < i; k++) s += l[ri + k] * lt[rj + k];
      lt[rj + i] = -s / lii;
    }
  }
  const inv = zeros(p);
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    // two columns j at a time, sharing the loads of row i (each entry the same sum in the same order)
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      const rj = j * p;
      const rj1 = rj + p;
      let s0 = 0;
      let s1 = 0;
      for (let k = i; k < p; k++) {
        const x = lt[ri + k];
        s0 += x * lt[rj + k];
        s1 += x * lt[rj1 + k];
      }
      inv[ri + j] = s0;
      inv[rj + i] = s0;
      inv[ri + j + 1] = s1;
      inv[rj1 + i] = s1;
    }
    for (; j <= i; j++) {
      const rj = j * p;
      let s = 0;
      for (let k = i; k < p; k++) s += lt[ri + k] * lt[rj + k];
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/** Inverse of a positive-definite matrix, or null if it is not. */
export function inverseSPD(a: Mat, p: number): Mat | null {
  const l = cholesky(a, p);
  return l ? inverseFromCholesky(l, p) : null;
}

/** Inverse of a general square matrix by Gauss-Jordan with partial pivoting, or null if singular. */
export function inverse(a: Mat, p: number): Mat | null {
  const m = Float64Array.from(a);
  const inv = identity(p);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r * p + c]) > Math.abs(m[piv * p + c])) piv = r;
    const pv = m[piv * p + c];
    if (Math.abs(pv) < 1e-14) return null;
    if (piv !== c) {
      for (let k = 0; k < p; k++) {
        let t = m[c * p + k];
        m[c * p + k] = m[piv * p + k];
        m[piv * p + k] = t;
        t = inv[c * p + k];
        inv[c * p + k] = inv[piv * p + k];
        inv[piv * p + k] = t;
      }
    }
    for (let k = 0; k < p; k++) {
      m[c * p + k] /= pv;
      inv[c * p + k] /= pv;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r * p + c];
      if (f === 0) continue;
      for (let k = 0; k < p; k++) {
        m[r * p + k] -= f * m[c * p + k];
        inv[r * p + k] -= f * inv[c * p + k];
      }
    }
  }
  return inv;
}

/** Covariance matrix (divisor n - 1) of column data: cols[j][i] is row i of variable j. */
export function covariance(cols: readonly ArrayLike<number>[], n: number): Mat {
  const p = cols.length;
  const means = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    const c = cols[j];
    for (let i = 0; i < n; i++) s += c[i];
    means[j] = s / n;
  }
  const out = zeros(p);
  for (let a = 0; a < p; a++) {
    const ca = cols[a];
    const ma = means[a];
    for (let b = 0; b <= a; b++) {
      const cb = cols[b];
      const mb = means[b];
      let s = 0;
      for (let i = 0; i < n; i++) s += (ca[i] - ma) * (cb[i] - mb);
      const v = s / (n - 1);
      out[a * p + b] = v;
      out[b * p + a] = v;
    }
  }
  return out;
}

/** The correlation matrix of a covariance matrix. */
export function toCorrelation(cov: Mat, p: number): Mat {
  const r = zeros(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      r[i * p + j] = cov[i * p + j] / Math.sqrt(cov[i * p + i] * cov[j * p + j]);
    }
  }
  return r;
}

/** Submatrix of rows/cols `idx`. */
export function submatrix(a: Mat, p: number, idx: readonly number[]): Mat {
  const q = idx.length;
  const s = zeros(q);
  for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) s[i * q + j] = a[idx[i] * p + idx[j]];
  return s;
}
