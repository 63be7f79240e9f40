/**
 * Dense kernels for the estimator's q x q expected information (99 x 99 for the paper's CFA):
 * its Cholesky factor, the triangular solves of Fisher scoring / BFGS, and the inverse for the
 * standard errors. Every entry is the same sum, in the same order, as math/linalg.ts's
 * choleskyInto / inverseFromCholesky computes it (bit for bit the same numbers); only the loop
 * blocking differs (more products per load, no column-strided reads) and the storage: one q x q
 * buffer holds a factor and its companion triangle, so nothing of size q^2 is allocated per call.
 * Also the register-blocked products the WLSMV fit runs over its casewise scores (productNT,
 * gramUpper): each entry one dot product in k order.
 */

/**
 * Cholesky factor of the symmetric positive-definite a (lower triangle read) into the lower
 * triangle of l (diagonal included; the strict upper triangle is not touched), or null when a is
 * not positive definite. Two columns by four rows at a time, sharing the loads of both columns'
 * rows (each entry still subtracts its products in k order, then divides).
 */
export function choleskyLower(
  a: ArrayLike<number>,
  q: number,
  l: Float64Array,
): Float64Array | null {
  let j = 0;
  for (; j + 1 < q; j += 2) {
    const rj = j * q;
    const rj1 = rj + q;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= l[rj + k] * l[rj + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[rj + j] = ljj;
    let s = a[rj1 + j];
    for (let k = 0; k < j; k++) s -= l[rj1 + k] * l[rj + k];
    const lj1j = s / ljj;
    l[rj1 + j] = lj1j;
    let d1 = a[rj1 + j + 1];
    for (let k = 0; k <= j; k++) d1 -= l[rj1 + k] * l[rj1 + k];
    if (!(d1 > 0)) return null;
    const lj1 = Math.sqrt(d1);
    l[rj1 + j + 1] = lj1;
    let i = j + 2;
    for (; i + 3 < q; i += 4) {
      const ri = i * q;
      const ri1 = ri + q;
      const ri2 = ri1 + q;
      const ri3 = ri2 + q;
      let s0 = a[ri + j];
      let s1 = a[ri1 + j];
      let s2 = a[ri2 + j];
      let s3 = a[ri3 + j];
      let t0 = a[ri + j + 1];
      let t1 = a[ri1 + j + 1];
      let t2 = a[ri2 + j + 1];
      let t3 = a[ri3 + j + 1];
      for (let k = 0; k < j; k++) {
        const x = l[rj + k];
        const y = l[rj1 + k];
        const u0 = l[ri + k];
        const u1 = l[ri1 + k];
        const u2 = l[ri2 + k];
        const u3 = l[ri3 + k];
        s0 -= u0 * x;
        s1 -= u1 * x;
        s2 -= u2 * x;
        s3 -= u3 * x;
        t0 -= u0 * y;
        t1 -= u1 * y;
        t2 -= u2 * y;
        t3 -= u3 * y;
      }
      s0 /= ljj;
      s1 /= ljj;
      s2 /= ljj;
      s3 /= ljj;
      l[ri + j] = s0;
      l[ri1 + j] = s1;
      l[ri2 + j] = s2;
      l[ri3 + j] = s3;
      l[ri + j + 1] = (t0 - s0 * lj1j) / lj1;
      l[ri1 + j + 1] = (t1 - s1 * lj1j) / lj1;
      l[ri2 + j + 1] = (t2 - s2 * lj1j) / lj1;
      l[ri3 + j + 1] = (t3 - s3 * lj1j) / lj1;
    }
    for (; i < q; i++) {
      const ri = i * q;
      let s0 = a[ri + j];
      let t0 = a[ri + j + 1];
      for (let k = 0; k < j; k++) {
        const u0 = l[ri + k];
        s0 -= u0 * l[rj + k];
        t0 -= u0 * l[rj1 + k];
      }
      s0 /= ljj;
      l[ri + j] = s0;
      l[ri + j + 1] = (t0 - s0 * lj1j) / lj1;
    }
  }
  if (j < q) {
    const rj = j * q;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= l[rj + k] * l[rj + k];
    if (!(d > 0)) return null;
    l[rj + j] = Math.sqrt(d);
  }
  return l;
}

/** Copies the strict lower triangle of l to its upper triangle (l[k][i] = l[i][k]). */
export function mirrorLower(l: Float64Array, q: number): void {
  for (let i = 0; i < q; i++) for (let k = 0; k < i; k++) l[k * q + i] = l[i * q + k];
}

/**
 * x = (L L')^-1 b for a factor whose transpose is mirrored into its upper triangle (mirrorLower),
 * so both substitutions read rows. Forward: two unknowns at a time, their sums over the unknowns
 * already found side by side (two dependency chains instead of one), then the second takes the
 * first's term; every sum in the order of a plain substitution.
 */
export function solveMirrored(l: Float64Array, b: ArrayLike<number>, q: number): Float64Array {
  const y = new Float64Array(q);
  let i = 0;
  for (; i + 1 < q; i += 2) {
    const ri = i * q;
    const ri1 = ri + q;
    let s0 = b[i];
    let s1 = b[i + 1];
    for (let k = 0; k < i; k++) {
      const yk = y[k];
      s0 -= l[ri + k] * yk;
      s1 -= l[ri1 + k] * yk;
    }
    const y0 = s0 / l[ri + i];
    y[i] = y0;
    s1 -= l[ri1 + i] * y0;
    y[i + 1] = s1 / l[ri1 + i + 1];
  }
  for (; i < q; i++) {
    const ri = i * q;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * y[k];
    y[i] = s / l[ri + i];
  }
  // back substitution in place (x[i] needs y[i] and x[k > i] only), each sum over k ascending
  // from i + 1 (one chain: the next unknown's sum starts with this one's term)
  const x = y;
  for (i = q - 1; i >= 0; i--) {
    const ri = i * q;
    let s = y[i];
    for (let k = i + 1; k < q; k++) s -= l[ri + k] * x[k];
    x[i] = s / l[ri + i];
  }
  return x;
}

/**
 * In place: the Cholesky factor L in the lower triangle of f becomes L^-1 transposed in the upper
 * triangle and the diagonal (row j of the upper part = column j of L^-1), the strict lower
 * triangle keeping L. Entry (j, i) is -(0 + sum over k = j..i-1 of L[i][k] Lt[j][k]) / L[i][i],
 * in k order, as inverseFromCholesky computes it. Two rows i of L by four rows j at a time: the
 * second row's sums run beside the first's and take their last term (k = i) once it is known.
 */
export function invertFactorInPlace(f: Float64Array, q: number): void {
  let i = 0;
  for (; i + 1 < q; i += 2) {
    const ri = i * q;
    const ri1 = ri + q;
    const lii = f[ri + i];
    const li1 = f[ri1 + i + 1];
    const l10 = f[ri1 + i]; // L[i + 1][i]
    let j = 0;
    for (; j + 3 < i; j += 4) {
      const rj = j * q;
      const rj1 = rj + q;
      const rj2 = rj1 + q;
      const rj3 = rj2 + q;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      // row j + r starts at k = j + r
      let x = f[ri + j];
      let y = f[ri1 + j];
      let z = f[rj + j];
      s0 += x * z;
      t0 += y * z;
      x = f[ri + j + 1];
      y = f[ri1 + j + 1];
      z = f[rj + j + 1];
      s0 += x * z;
      t0 += y * z;
      z = f[rj1 + j + 1];
      s1 += x * z;
      t1 += y * z;
      x = f[ri + j + 2];
      y = f[ri1 + j + 2];
      z = f[rj + j + 2];
      s0 += x * z;
      t0 += y * z;
      z = f[rj1 + j + 2];
      s1 += x * z;
      t1 += y * z;
      z = f[rj2 + j + 2];
      s2 += x * z;
      t2 += y * z;
      for (let k = j + 3; k < i; k++) {
        const u = f[ri + k];
        const v = f[ri1 + k];
        const z0 = f[rj + k];
        const z1 = f[rj1 + k];
        const z2 = f[rj2 + k];
        const z3 = f[rj3 + k];
        s0 += u * z0;
        s1 += u * z1;
        s2 += u * z2;
        s3 += u * z3;
        t0 += v * z0;
        t1 += v * z1;
        t2 += v * z2;
        t3 += v * z3;
      }
      const e0 = -s0 / lii;
      const e1 = -s1 / lii;
      const e2 = -s2 / lii;
      const e3 = -s3 / lii;
      f[rj + i] = e0;
      f[rj1 + i] = e1;
      f[rj2 + i] = e2;
      f[rj3 + i] = e3;
      t0 += l10 * e0;
      t1 += l10 * e1;
      t2 += l10 * e2;
      t3 += l10 * e3;
      f[rj + i + 1] = -t0 / li1;
      f[rj1 + i + 1] = -t1 / li1;
      f[rj2 + i + 1] = -t2 / li1;
      f[rj3 + i + 1] = -t3 / li1;
    }
    for (; j < i; j++) {
      const rj = j * q;
      let s = 0;
      let t = 0;
      for (let k = j; k < i; k++) {
        const z = f[rj + k];
        s += f[ri + k] * z;
        t += f[ri1 + k] * z;
      }
      const e = -s / lii;
      f[rj + i] = e;
      t += l10 * e;
      f[rj + i + 1] = -t / li1;
    }
    const d = 1 / lii;
    f[ri + i] = d;
    let t = 0;
    t += l10 * d;
    f[ri + i + 1] = -t / li1;
    f[ri1 + i + 1] = 1 / li1;
  }
  if (i < q) {
    const ri = i * q;
    const lii = f[ri + i];
    for (let j = 0; j < i; j++) {
      const rj = j * q;
      let s = 0;
      for (let k = j; k < i; k++) s += f[ri + k] * f[rj + k];
      f[rj + i] = -s / lii;
    }
    f[ri + i] = 1 / lii;
  }
}

/** Diagonal of (L L')^-1 from invertFactorInPlace's upper triangle: sum over k >= i of lt[i][k]^2. */
export function inverseDiagonal(f: Float64Array, q: number): Float64Array {
  const out = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    const ri = i * q;
    let s = 0;
    for (let k = i; k < q; k++) s += f[ri + k] * f[ri + k];
    out[i] = s;
  }
  return out;
}

/** The full (L L')^-1 (fresh q x q) from invertFactorInPlace's upper triangle. */
export function inverseFromInverted(f: Float64Array, q: number): Float64Array {
  const inv = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    const ri = i * q;
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      const rj = j * q;
      const rj1 = rj + q;
      let s0 = 0;
      let s1 = 0;
      for (let k = i; k < q; k++) {
        const x = f[ri + k];
        s0 += x * f[rj + k];
        s1 += x * f[rj1 + k];
      }
      inv[ri + j] = s0;
      inv[rj + i] = s0;
      inv[ri + j + 1] = s1;
      inv[rj1 + i] = s1;
    }
    for (; j <= i; j++) {
      const rj = j * q;
      let s = 0;
      for (let k = i; k < q; k++) s += f[ri + k] * f[rj + k];
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/**
 * P = A B' (P n x m, A n x len, B m x len, all row-major): every entry one dot product over k in
 * order, two rows of A by four rows of B at a time.
 */
export function productNT(
  A: Float64Array,
  B: Float64Array,
  n: number,
  m: number,
  len: number,
  P: Float64Array,
): Float64Array {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a0 = i * len;
    const a1 = a0 + len;
    let j = 0;
    for (; j + 3 < m; j += 4) {
      const b0 = j * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = 0; k < len; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const y0 = B[b0 + k];
        const y1 = B[b1 + k];
        const y2 = B[b2 + k];
        const y3 = B[b3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const r0 = i * m + j;
      const r1 = r0 + m;
      P[r0] = s00;
      P[r0 + 1] = s01;
      P[r0 + 2] = s02;
      P[r0 + 3] = s03;
      P[r1] = s10;
      P[r1 + 1] = s11;
      P[r1 + 2] = s12;
      P[r1 + 3] = s13;
    }
    for (; j < m; j++) {
      const bj = j * len;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < len; k++) {
        s0 += A[a0 + k] * B[bj + k];
        s1 += A[a1 + k] * B[bj + k];
      }
      P[i * m + j] = s0;
      P[(i + 1) * m + j] = s1;
    }
  }
  for (; i < n; i++)
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < len; k++) s += A[i * len + k] * B[j * len + k];
      P[i * m + j] = s;
    }
  return P;
}

/**
 * S_ij = sum_k A_ik B_jk for j >= i (into S, n x n, upper triangle written; row i of A starts at aOff + i aStride,
 * of B at bOff + i bStride, len entries each), two rows i by four columns j at a time: every
 * entry is still one sum over k in order.
 */
export function gramUpper(
  A: Float64Array,
  aOff: number,
  aStride: number,
  B: Float64Array,
  bOff: number,
  bStride: number,
  n: number,
  len: number,
  S: Float64Array,
): Float64Array {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a0 = aOff + i * aStride;
    const a1 = a0 + aStride;
    let j = i;
    for (; j + 3 < n; j += 4) {
      const b0 = bOff + j * bStride;
      const b1 = b0 + bStride;
      const b2 = b1 + bStride;
      const b3 = b2 + bStride;
      let s00 = 0;
      let s01 = 0;
      let s02 = 0;
      let s03 = 0;
      let s10 = 0;
      let s11 = 0;
      let s12 = 0;
      let s13 = 0;
      for (let k = 0; k < len; k++) {
        const x0 = A[a0 + k];
        const x1 = A[a1 + k];
        const y0 = B[b0 + k];
        const y1 = B[b1 + k];
        const y2 = B[b2 + k];
        const y3 = B[b3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      const r0 = i * n + j;
      const r1 = r0 + n;
      S[r0] = s00;
      S[r0 + 1] = s01;
      S[r0 + 2] = s02;
      S[r0 + 3] = s03;
      if (j > i) S[r1] = s10; // (i + 1, i) is below the diagonal
      S[r1 + 1] = s11;
      S[r1 + 2] = s12;
      S[r1 + 3] = s13;
    }
    for (; j < n; j++) {
      const bj = bOff + j * bStride;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < len; k++) {
        s0 += A[a0 + k] * B[bj + k];
        s1 += A[a1 + k] * B[bj + k];
      }
      S[i * n + j] = s0;
      if (j > i) S[(i + 1) * n + j] = s1;
    }
  }
  for (; i < n; i++) {
    const ai = aOff + i * aStride;
    for (let j = i; j < n; j++) {
      const bj = bOff + j * bStride;
      let s0 = 0;
      for (let k = 0; k < len; k++) s0 += A[ai + k] * B[bj + k];
      S[i * n + j] = s0;
    }
  }
  return S;
}
