/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, "Scrambled linear
 * pseudorandom number generators", 2018) seeded through splitmix32.
 *
 * Trade-off: 32-bit state words keep every operation in V8's fast int32 path (`Math.imul`,
 * `>>> 0`); the period (2^128 − 1) is far beyond anything khop draws. Not cryptographic.
 * Same seed → same sequence on every platform: used by the synthetic generator, the random
 * pairs of u-estimation and every seeded test.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any integer (only its low 32 bits and, for large values, the high bits mixed in). */
  constructor(seed: number) {
    let s = (seed >>> 0) ^ Math.floor(seed / 4294967296);
    const next = (): number => {
      // splitmix32: s += 0x9e3779b9; z = mix(s)
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const b = this.b;
    // result = rotl(b * 5, 7) * 9
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32 (multiply-shift; bias < n / 2^32). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Derive an independent stream seed from a seed and a stream number (splitmix-style mix). */
export function deriveSeed(seed: number, stream: number): number {
  let z = ((seed >>> 0) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
