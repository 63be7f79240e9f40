/**
 * Reliability of a composite (the mean of k items) in closed form and from data.
 *
 * Closed forms are for standardized continuous items x_i = l_i eta + s_i m M + u_i e_i with
 * unit variance (l_i the construct loading, m the common-method loading, s_i = -1 for items
 * that are reverse-scored, u_i^2 = 1 - l_i^2 - m^2):
 *   Fornell-Larcker CR = (sum l)^2 / ((sum l)^2 + sum (1 - l^2))        (method variance as error)
 *   AVE               = sum l^2 / k
 *   var(sum)          = (sum l)^2 + m^2 (sum s)^2 + sum u^2
 *   true reliability  = (sum l)^2 / var(sum) = corr(composite, eta)^2
 *   Cronbach's alpha  = k / (k - 1) * (1 - k / var(sum))
 * Without a method factor the true reliability equals the Fornell-Larcker CR.
 */

/** Fornell & Larcker (1981) composite reliability of standardized loadings. */
export function compositeReliability(loadings: readonly number[]): number {
  let s = 0;
  let e = 0;
  for (const l of loadings) {
    s += l;
    e += 1 - l * l;
  }
  return (s * s) / (s * s + e);
}

/** Average variance extracted: the mean squared standardized loading. */
export function averageVarianceExtracted(loadings: readonly number[]): number {
  let s = 0;
  for (const l of loadings) s += l * l;
  return s / loadings.length;
}

/** Variance of the sum of k standardized items (see the module comment). */
export function sumVariance(
  loadings: readonly number[],
  method = 0,
  signs?: readonly number[],
): number {
  let sl = 0;
  let ss = 0;
  let su = 0;
  loadings.forEach((l, i) => {
    sl += l;
    ss += signs ? signs[i] : 1;
    su += 1 - l * l - method * method;
  });
  return sl * sl + method * method * ss * ss + su;
}

/** Squared correlation of the composite with its construct (closed form). */
export function trueReliability(
  loadings: readonly number[],
  method = 0,
  signs?: readonly number[],
): number {
  const sl = loadings.reduce((a, b) => a + b, 0);
  return (sl * sl) / sumVariance(loadings, method, signs);
}

/** Population Cronbach's alpha of standardized items (closed form). */
export function alphaClosedForm(
  loadings: readonly number[],
  method = 0,
  signs?: readonly number[],
): number {
  const k = loadings.length;
  if (k < 2) return Number.NaN;
  return (k / (k - 1)) * (1 - k / sumVariance(loadings, method, signs));
}

/** Sample Cronbach's alpha of item columns (rows 0..n-1). */
export function cronbachAlpha(cols: readonly ArrayLike<number>[], n: number): number {
  const k = cols.length;
  if (k < 2 || n < 2) return Number.NaN;
  let sumItemVar = 0;
  const total = new Float64Array(n);
  for (const c of cols) {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = c[i] - m;
      v += d * d;
      total[i] += c[i];
    }
    sumItemVar += v / (n - 1);
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += total[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (total[i] - m) * (total[i] - m);
  v /= n - 1;
  return (k / (k - 1)) * (1 - sumItemVar / v);
}

/** Pearson correlation of two columns. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>, n: number): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] - ma;
    const y = b[i] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}
