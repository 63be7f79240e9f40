import { exp, log } from "../math/fdlibm.ts";
import { AleaStream, type Stream } from "../random/stream.ts";

/**
 * Standard normal deviates by the ziggurat method (Marsaglia & Tsang 2000, in Doornik's 2005
 * ZIGNOR form with 128 layers), used by the survey's hot loops: about one uniform per deviate
 * and no logarithm in 98% of draws, against 1.27 uniforms plus a logarithm and a square root
 * for the polar method of src/random/deviates.ts. Each uniform from the stream (alea: 32 random
 * bits) supplies the layer (its lowest 7 bits) and the abscissa (its upper 25 bits), so the two
 * are independent. Every deviate still comes from a derived stream.
 */
const C = 128;
const R = 3.442619855899; // start of the right tail (Doornik 2005)
const V = 9.91256303526217e-3; // area of each layer
const X = new Float64Array(C + 1);
const RATIO = new Float64Array(C);
{
  let f = exp(-0.5 * R * R);
  X[0] = V / f;
  X[1] = R;
  X[C] = 0;
  for (let i = 2; i < C; i++) {
    X[i] = Math.sqrt(-2 * log(V / X[i - 1] + f));
    f = exp(-0.5 * X[i] * X[i]);
  }
  for (let i = 0; i < C; i++) RATIO[i] = X[i + 1] / X[i];
}
const TWO32 = 4294967296;
const SCALE = 2 / 33554432; // 2 / 2^25

function tail(s: Stream, negative: boolean): number {
  let x: number;
  let y: number;
  do {
    x = log(1 - s.next()) / R;
    y = log(1 - s.next());
  } while (-2 * y < x * x);
  return negative ? x - R : R - x;
}

/** One standard normal deviate. */
export function zigguratNormal(s: Stream): number {
  for (;;) {
    const j = Math.floor(s.next() * TWO32);
    const i = j & 127;
    const u = ((j >>> 7) + 0.5) * SCALE - 1; // uniform on (-1, 1), 25 bits
    if (Math.abs(u) < RATIO[i]) return u * X[i];
    if (i === 0) return tail(s, u < 0);
    const x = u * X[i];
    const f0 = exp(-0.5 * (X[i] * X[i] - x * x));
    const f1 = exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
    if (f1 + s.next() * (f0 - f1) < 1) return x;
  }
}

/** Fill out[start, end) with standard normal deviates (ziggurat). */
export function fillNormalsFast(s: Stream, out: Float64Array, start = 0, end = out.length): void {
  if (s instanceof AleaStream) {
    fillNormalsAlea(s, out, start, end);
    return;
  }
  for (let k = start; k < end; k++) {
    const j = Math.floor(s.next() * TWO32);
    const i = j & 127;
    const u = ((j >>> 7) + 0.5) * SCALE - 1;
    out[k] = Math.abs(u) < RATIO[i] ? u * X[i] : slow(s, i, u);
  }
}

function slow(s: Stream, i: number, u: number): number {
  if (i === 0) return tail(s, u < 0);
  const x = u * X[i];
  const f0 = exp(-0.5 * (X[i] * X[i] - x * x));
  const f1 = exp(-0.5 * (X[i + 1] * X[i + 1] - x * x));
  if (f1 + s.next() * (f0 - f1) < 1) return x;
  return zigguratNormal(s);
}

/**
 * fillNormalsFast on an Alea stream with its state in local variables (the step of
 * AleaStream.next, inlined): the same deviates, about a third faster. The rare slow path
 * (2% of draws) hands the state back to the stream and continues through slow().
 */
function fillNormalsAlea(a: AleaStream, out: Float64Array, start: number, end: number): void {
  let s0 = a.s0;
  let s1 = a.s1;
  let s2 = a.s2;
  let c = a.c;
  for (let k = start; k < end; k++) {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    const j = Math.floor(s2 * TWO32);
    const i = j & 127;
    const u = ((j >>> 7) + 0.5) * SCALE - 1;
    if (Math.abs(u) < RATIO[i]) out[k] = u * X[i];
    else {
      a.s0 = s0;
      a.s1 = s1;
      a.s2 = s2;
      a.c = c;
      out[k] = slow(a, i, u);
      s0 = a.s0;
      s1 = a.s1;
      s2 = a.s2;
      c = a.c;
    }
  }
  a.s0 = s0;
  a.s1 = s1;
  a.s2 = s2;
  a.c = c;
}

/** Normals to draw: out[0, count) from stream. */
export interface NormalsJob {
  stream: Stream;
  out: Float64Array;
  count: number;
}

/**
 * fillNormalsFast(a, outA, 0, na) and fillNormalsFast(b, outB, 0, nb) at once: the same
 * deviates, each stream's in its own order, but the two Alea recurrences interleaved in one
 * loop. Each Alea step waits on the previous one of its stream (about 5 ns); two independent
 * streams overlap, so the pair costs little more than the longer of the two.
 */
export function fillNormalsPair(
  a: Stream,
  outA: Float64Array,
  na: number,
  b: Stream,
  outB: Float64Array,
  nb: number,
): void {
  if (!(a instanceof AleaStream) || !(b instanceof AleaStream) || a === b) {
    fillNormalsFast(a, outA, 0, na);
    fillNormalsFast(b, outB, 0, nb);
    return;
  }
  const m = Math.min(na, nb);
  let a0 = a.s0;
  let a1 = a.s1;
  let a2 = a.s2;
  let ac = a.c;
  let b0 = b.s0;
  let b1 = b.s1;
  let b2 = b.s2;
  let bc = b.c;
  for (let k = 0; k < m; k++) {
    const ta = 2091639 * a0 + ac * 2.3283064365386963e-10;
    a0 = a1;
    a1 = a2;
    ac = ta | 0;
    a2 = ta - ac;
    const tb = 2091639 * b0 + bc * 2.3283064365386963e-10;
    b0 = b1;
    b1 = b2;
    bc = tb | 0;
    b2 = tb - bc;
    const ja = Math.floor(a2 * TWO32);
    const ia = ja & 127;
    const ua = ((ja >>> 7) + 0.5) * SCALE - 1;
    if (Math.abs(ua) < RATIO[ia]) outA[k] = ua * X[ia];
    else {
      a.s0 = a0;
      a.s1 = a1;
      a.s2 = a2;
      a.c = ac;
      outA[k] = slow(a, ia, ua);
      a0 = a.s0;
      a1 = a.s1;
      a2 = a.s2;
      ac = a.c;
    }
    const jb = Math.floor(b2 * TWO32);
    const ib = jb & 127;
    const ub = ((jb >>> 7) + 0.5) * SCALE - 1;
    if (Math.abs(ub) < RATIO[ib]) outB[k] = ub * X[ib];
    else {
      b.s0 = b0;
      b.s1 = b1;
      b.s2 = b2;
      b.c = bc;
      outB[k] = slow(b, ib, ub);
      b0 = b.s0;
      b1 = b.s1;
      b2 = b.s2;
      bc = b.c;
    }
  }
  a.s0 = a0;
  a.s1 = a1;
  a.s2 = a2;
  a.c = ac;
  b.s0 = b0;
  b.s1 = b1;
  b.s2 = b2;
  b.c = bc;
  if (na > m) fillNormalsAlea(a, outA, m, na);
  if (nb > m) fillNormalsAlea(b, outB, m, nb);
}

/**
 * The first `need` normals of a stream whose first pre.count normals are already in pre.out
 * (the stream advanced past them): pre.out itself when it holds enough, else a copy completed
 * from the stream. The deviates are those of fillNormalsFast(stream, z, 0, need) on the fresh
 * stream. Without `pre`, a new array filled from the stream.
 */
export function normalsFrom(stream: Stream, need: number, pre?: NormalsJob): Float64Array {
  if (!pre) {
    const z = new Float64Array(need);
    fillNormalsFast(stream, z);
    return z;
  }
  if (pre.count >= need) return pre.out;
  let z = pre.out;
  if (z.length < need) {
    z = new Float64Array(need);
    z.set(pre.out.subarray(0, pre.count));
  }
  fillNormalsFast(stream, z, pre.count, need);
  return z;
}

/**
 * Uniforms: out[0, na) from stream a and outB[0, nb) from stream b, each the values its next()
 * would give in turn, the two Alea recurrences interleaved on local variables (see
 * fillNormalsPair). Streams that are not Alea are read through next().
 */
export function fillUniformsPair(
  a: Stream,
  outA: Float64Array,
  na: number,
  b: Stream,
  outB: Float64Array,
  nb: number,
): void {
  if (!(a instanceof AleaStream) || !(b instanceof AleaStream) || a === b) {
    for (let k = 0; k < na; k++) outA[k] = a.next();
    for (let k = 0; k < nb; k++) outB[k] = b.next();
    return;
  }
  const m = Math.min(na, nb);
  let a0 = a.s0;
  let a1 = a.s1;
  let a2 = a.s2;
  let ac = a.c;
  let b0 = b.s0;
  let b1 = b.s1;
  let b2 = b.s2;
  let bc = b.c;
  for (let k = 0; k < m; k++) {
    const ta = 2091639 * a0 + ac * 2.3283064365386963e-10;
    a0 = a1;
    a1 = a2;
    ac = ta | 0;
    a2 = ta - ac;
    outA[k] = a2;
    const tb = 2091639 * b0 + bc * 2.3283064365386963e-10;
    b0 = b1;
    b1 = b2;
    bc = tb | 0;
    b2 = tb - bc;
    outB[k] = b2;
  }
  for (let k = m; k < na; k++) {
    const ta = 2091639 * a0 + ac * 2.3283064365386963e-10;
    a0 = a1;
    a1 = a2;
    ac = ta | 0;
    a2 = ta - ac;
    outA[k] = a2;
  }
  for (let k = m; k < nb; k++) {
    const tb = 2091639 * b0 + bc * 2.3283064365386963e-10;
    b0 = b1;
    b1 = b2;
    bc = tb | 0;
    b2 = tb - bc;
    outB[k] = b2;
  }
  a.s0 = a0;
  a.s1 = a1;
  a.s2 = a2;
  a.c = ac;
  b.s0 = b0;
  b.s1 = b1;
  b.s2 = b2;
  b.c = bc;
}
