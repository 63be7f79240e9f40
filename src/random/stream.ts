/**
 * Seeded random streams.
 *
 * Algorithm: seedrandom's `alea` (Johannes Baagøe's Alea: a multiply-with-carry generator over
 * doubles, state seeded by the Mash hash of a string, period about 2^116). Chosen because it is
 * the fastest seedrandom generator on this project's machines (about 156 M draws/s against 30 M
 * for the default ARC4; see README "Randomness") and because it takes an arbitrary string seed,
 * which lets us derive independent streams by naming them.
 *
 * A stream is identified by a key (seed, replication, purpose, ...parts). Its numbers depend on
 * the key alone: never on what ran before it, on chunking or on which worker ran it.
 *
 * The generator is our own transcription of Alea and its Mash seeding (AleaStream below), with
 * the state in fields instead of a closure, so that hot loops (the ziggurat in
 * src/survey/fastNormals.ts) can run it on local variables. It gives exactly seedrandom's
 * numbers (test/stream.test.ts compares them key by key).
 */
export interface Stream {
  /** Uniform deviate in [0, 1). */
  next(): number;
  /** The key that derived this stream (for error reports). */
  readonly key: string;
}

export type StreamKeyPart = string | number;

/** The canonical key string of (seed, replication, purpose, ...more). */
export function streamKey(seed: StreamKeyPart, ...parts: StreamKeyPart[]): string {
  return ["bgl", seed, ...parts].join("/");
}

/** A stream derived from (seed, ...parts), e.g. derive(42, rep, "population", block). */
export function derive(seed: StreamKeyPart, ...parts: StreamKeyPart[]): Stream {
  return new AleaStream(streamKey(seed, ...parts));
}

/** 2^-32 */
const INV32 = 2.3283064365386963e-10;

/** Baagoe's Mash over `data` from hash state n: the new state (its value is (n >>> 0) 2^-32). */
function mash(data: string, n: number): number {
  for (let i = 0; i < data.length; i++) {
    n += data.charCodeAt(i);
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000;
  }
  return n;
}

/** Mash's state and values after ' ', ' ', ' ' from its initial state. */
const MASH_SPACES = (() => {
  let n = mash(" ", 0xefc8249d);
  const s0 = (n >>> 0) * INV32;
  n = mash(" ", n);
  const s1 = (n >>> 0) * INV32;
  n = mash(" ", n);
  const s2 = (n >>> 0) * INV32;
  return { n, s0, s1, s2 };
})();

/**
 * Alea (Baagoe 2010) seeded by Mash of the key, as seedrandom.alea(key): the multiply-with-carry
 * step t = 2091639 s0 + c 2^-32; (s0, s1, s2) <- (s1, s2, t - floor(t)); c <- floor(t).
 * `next` is an arrow property so that it may be called detached (const f = s.next).
 */
export class AleaStream implements Stream {
  s0: number;
  s1: number;
  s2: number;
  c = 1;
  constructor(readonly key: string) {
    // Mash: one running hash state n over ' ', ' ', ' ', key, key, key (the three spaces are
    // the same for every key: their state and values are computed once, MASH_SPACES)
    let n = mash(key, MASH_SPACES.n);
    this.s0 = MASH_SPACES.s0 - (n >>> 0) * INV32;
    if (this.s0 < 0) this.s0 += 1;
    n = mash(key, n);
    this.s1 = MASH_SPACES.s1 - (n >>> 0) * INV32;
    if (this.s1 < 0) this.s1 += 1;
    n = mash(key, n);
    this.s2 = MASH_SPACES.s2 - (n >>> 0) * INV32;
    if (this.s2 < 0) this.s2 += 1;
  }
  next = (): number => {
    const t = 2091639 * this.s0 + this.c * INV32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  };
}
