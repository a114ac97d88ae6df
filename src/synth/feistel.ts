/**
 * Seeded bijections of [0, n): a balanced Feistel network over Z_A × Z_A with modular
 * addition, plus cycle walking when n < A².
 *
 * The synthetic generator needs three "shuffles that never collide": the order in which base
 * people are emitted (a permutation of [0, people)), the 6 random digits of an ID inside one
 * (province, century-sex, year) cell (a permutation of [0, 10^6)), and the old 9-digit number
 * of each person (a permutation of [0, 10^9)). A Feistel network is a bijection whatever its
 * round function is, so uniqueness holds by construction, each value is computed in O(1) from
 * its index with no table, and the inverse is as cheap as the forward direction.
 *
 * Construction (Luby & Rackoff 1988; Black & Rogaway, "Ciphers with arbitrary finite domains",
 * CT-RSA 2002, for the Z_A × Z_A modular-addition form and cycle walking):
 *
 *   x = hi·A + lo          one round:  (hi, lo) → (lo, (hi + F(lo, k_r)) mod A)
 *                          its inverse: (hi', lo') → ((lo' − F(hi', k_r)) mod A, hi')
 *
 * Cycle walking: for n < A², apply the A²-permutation repeatedly until the value falls below
 * n. Restricted to [0, n) this is again a permutation; with A = ⌈√n⌉, A² − n < 2A + 1, so the
 * expected number of extra steps is tiny.
 *
 * Trade-off: four rounds with a 32-bit integer mix as F — not a cipher (do not use for
 * secrets), but ample to make consecutive indices look unrelated.
 */
import { KhopError } from '../errors.js';

const ROUNDS = 4;

/** A seeded permutation of the integers [0, n). Immutable; `apply` and `invert` are pure. */
export class FeistelPermutation {
  /** Size of the domain [0, n). */
  readonly n: number;
  private readonly a: number;
  private readonly keys: Int32Array;

  /**
   * @param n domain size, 1 ≤ n ≤ 2^40 (A = ⌈√n⌉ ≤ 2^20, so hi·A + lo is exact and F's
   *   20-bit output covers [0, A)).
   * @param key any 32-bit integer; different keys give unrelated permutations.
   */
  constructor(n: number, key: number) {
    if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 40) {
      throw new KhopError('INVALID_ARGUMENT', 'FeistelPermutation: n must be an integer in [1, 2^40]');
    }
    this.n = n;
    let a = Math.ceil(Math.sqrt(n));
    while (a * a < n) a++; // guard against sqrt rounding
    this.a = a;
    this.keys = new Int32Array(ROUNDS);
    let s = key | 0;
    for (let r = 0; r < ROUNDS; r++) {
      s = mix32(s + 0x9e3779b9 * (r + 1));
      this.keys[r] = s;
    }
  }

  /** The image of x (0 ≤ x < n). */
  apply(x: number): number {
    const n = this.n;
    let y = this.forward(x);
    while (y >= n) y = this.forward(y);
    return y;
  }

  /** The preimage of y (0 ≤ y < n): `invert(apply(x)) === x`. */
  invert(y: number): number {
    const n = this.n;
    let x = this.backward(y);
    while (x >= n) x = this.backward(x);
    return x;
  }

  private forward(x: number): number {
    const a = this.a;
    const keys = this.keys;
    let hi = Math.floor(x / a);
    let lo = x - hi * a;
    for (let r = 0; r < ROUNDS; r++) {
      const t = (hi + roundF(lo, keys[r], a)) % a;
      hi = lo;
      lo = t;
    }
    return hi * a + lo;
  }

  private backward(y: number): number {
    const a = this.a;
    const keys = this.keys;
    let hi = Math.floor(y / a);
    let lo = y - hi * a;
    for (let r = ROUNDS - 1; r >= 0; r--) {
      // undo (hi, lo) = (lo₀, (hi₀ + F(lo₀)) mod a): lo₀ = hi, hi₀ = (lo − F(hi)) mod a
      const prevLo = hi;
      const f = roundF(prevLo, keys[r], a);
      hi = (lo - f + a) % a;
      lo = prevLo;
    }
    return hi * a + lo;
  }
}

/**
 * Round function: a 32-bit integer hash of (v, key) reduced to [0, a). `>>> 12` keeps the top
 * 20 bits so the modulo runs on a small int (a ≤ 2^20); the slight bias is irrelevant here.
 */
function roundF(v: number, key: number, a: number): number {
  return (mix32(v ^ key) >>> 12) % a;
}

/**
 * 32-bit finaliser (the murmur3 fmix32 constants): xor-shift / multiply rounds that spread
 * every input bit over the output. Returns an unsigned 32-bit integer.
 */
export function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Fold any safe-integer seed into 32 bits without losing its high bits: low word XOR the
 * mixed high word (deriveSeed and Rng only read the low 32 bits of their seed argument).
 */
export function foldSeed(seed: number): number {
  return ((seed >>> 0) ^ mix32(Math.floor(seed / 4294967296))) >>> 0;
}
