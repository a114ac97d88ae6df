/**
 * KeyedIdHasher: HMAC-SHA256 of national-ID digits under a secret key — the lookup key and
 * the confirmation tag a KEYED register stores instead of ID numbers (src/register).
 *
 *   secret ──HMAC-SHA256(secret, "khop.register.id-key.v1")──► idKey (32 bytes, kept in memory)
 *   idKey  ──HMAC-SHA256(idKey, "khop.register.key-check.v1")─► check (hex, stored in snapshots:
 *            tells a right key from a wrong one; reveals nothing about the key, HMAC being a PRF)
 *   digits ──HMAC-SHA256(idKey, digits)──► d = 32 bytes, read as big-endian u32 words w0…w7:
 *            lookup key  hi = w0, lo = w1                    (64 bits: the index's key hash)
 *            tag         w2 · 2^16 + (w3 >>> 16)             (the next 48 bits, an integer < 2^48,
 *                                                             exact in a float64 column)
 *
 * Why HMAC-SHA256 (RFC 2104, FIPS 180-4) and not XXH64 with a secret seed: XXH64 is not a
 * cryptographic function — its seed can be recovered from known (input, hash) pairs and
 * inputs can be inverted, so a seeded XXH64 of a 12-digit number protects nothing. HMAC is a
 * PRF under the usual assumptions on SHA-256: without the key, tags look random and cannot
 * be recomputed for guessed IDs.
 *
 * Trade-off (measured, see bench/register/keyed.ts): `crypto.createHmac` per ID costs
 * ~2.6 µs on the reference machine (an object, a key schedule and two digests per call; Node
 * exposes no way to reuse a keyed state). This file computes the SAME function in plain
 * TypeScript with the optimisation RFC 2104 §4 describes: the compression-function states
 * after the blocks K ⊕ ipad and K ⊕ opad are computed ONCE per key, so an ID (≤ 55 bytes: one
 * padded block) costs exactly two SHA-256 compressions, ~0.8 µs, allocating nothing. The
 * output is checked against node:crypto's HMAC by known-answer (RFC 4231) and property tests.
 * SHA-256 has no data-dependent branches or table indexes (K[i] is indexed by the round
 * number), so this code's timing does not depend on the ID either.
 *
 * Not re-entrant: one hasher holds one message block of scratch; results are read from
 * `lo` / `hi` / `tag` after `hash()` (the synchronous register API uses one hasher at a time).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { KhopError } from '../errors.js';

/** Shortest secret accepted, in bytes (128 bits: below that a secret can be searched). */
export const KEYED_ID_MIN_SECRET_BYTES = 16;
/** Longest message `hash()` takes, in bytes: one SHA-256 block minus padding (64 − 1 − 8). */
export const KEYED_ID_MAX_KEY_BYTES = 55;

const ID_KEY_LABEL = 'khop.register.id-key.v1';
const CHECK_LABEL = 'khop.register.key-check.v1';

/** SHA-256 round constants (FIPS 180-4 §4.2.2), as int32. */
const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/**
 * One SHA-256 compression (FIPS 180-4 §6.2.2): `out` = `h` + compress(`h`, block `m`), where
 * `m` is 16 big-endian words and `w` is the 64-word schedule scratch. All arithmetic is
 * int32: `(x + y) | 0` is addition mod 2^32, and a right rotation by r is
 * `(x >>> r) | (x << (32 − r))`. `out` may be `h`.
 */
function compress(h: Int32Array, out: Int32Array, m: Int32Array, w: Int32Array): void {
  for (let i = 0; i < 16; i++) w[i] = m[i]!;
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    // σ0(a) = ROTR7 ⊕ ROTR18 ⊕ SHR3;  σ1(b) = ROTR17 ⊕ ROTR19 ⊕ SHR10
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    // Σ1(e) = ROTR6 ⊕ ROTR11 ⊕ ROTR25;  Ch(e,f,g) = (e ∧ f) ⊕ (¬e ∧ g)
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
    // Σ0(a) = ROTR2 ⊕ ROTR13 ⊕ ROTR22;  Maj(a,b,c) = (a ∧ b) ⊕ (a ∧ c) ⊕ (b ∧ c)
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  out[0] = (h[0]! + a) | 0;
  out[1] = (h[1]! + b) | 0;
  out[2] = (h[2]! + c) | 0;
  out[3] = (h[3]! + d) | 0;
  out[4] = (h[4]! + e) | 0;
  out[5] = (h[5]! + f) | 0;
  out[6] = (h[6]! + g) | 0;
  out[7] = (h[7]! + hh) | 0;
}

function secretBytes(secret: unknown, what: string): Uint8Array {
  let bytes: Uint8Array;
  if (typeof secret === 'string') bytes = new TextEncoder().encode(secret);
  else if (secret instanceof Uint8Array) bytes = secret;
  else throw new KhopError('INVALID_OPTION', `${what} must be a string or a Uint8Array`, { details: { option: 'idSecret' } });
  if (bytes.length < KEYED_ID_MIN_SECRET_BYTES) {
    throw new KhopError('INVALID_OPTION', `${what} must be at least ${KEYED_ID_MIN_SECRET_BYTES} bytes long`, { details: { option: 'idSecret' } });
  }
  return bytes;
}

export class KeyedIdHasher {
  /** Lookup key of the last `hash()`: low 32 bits (w1, unsigned). */
  lo = 0;
  /** Lookup key of the last `hash()`: high 32 bits (w0, unsigned). */
  hi = 0;
  /** Confirmation tag of the last `hash()`: 48 bits (w2 · 2^16 + w3 >>> 16), an integer < 2^48. */
  tag = 0;
  /** Key-check value (hex) of this key: stored in a keyed snapshot, compared at load. */
  readonly check: string;
  /** The derived ID key (32 bytes). Handed to worker threads in memory; never written to disk. */
  readonly key: Uint8Array;

  /** Compression state after the block K ⊕ ipad (0x36…) and after K ⊕ opad (0x5c…) — RFC 2104 §4. */
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly m = new Int32Array(16);
  private readonly w = new Int32Array(64);
  private readonly t = new Int32Array(8);
  private readonly d = new Int32Array(8);

  private constructor(key: Uint8Array) {
    this.key = key;
    // A key shorter than the 64-byte block is zero-padded (RFC 2104 §2).
    const kb = new Uint8Array(64);
    kb.set(key);
    const m = this.m;
    for (let i = 0; i < 16; i++) {
      const x = (kb[4 * i]! << 24) | (kb[4 * i + 1]! << 16) | (kb[4 * i + 2]! << 8) | kb[4 * i + 3]!;
      m[i] = x ^ 0x36363636;
    }
    compress(IV, this.inner, m, this.w);
    for (let i = 0; i < 16; i++) {
      const x = (kb[4 * i]! << 24) | (kb[4 * i + 1]! << 16) | (kb[4 * i + 2]! << 8) | kb[4 * i + 3]!;
      m[i] = x ^ 0x5c5c5c5c;
    }
    compress(IV, this.outer, m, this.w);
    m.fill(0);
    this.check = createHmac('sha256', key).update(CHECK_LABEL).digest('hex');
  }

  /**
   * The hasher of a user secret (a string, as UTF-8, or bytes; at least
   * {@link KEYED_ID_MIN_SECRET_BYTES} bytes).
   * @throws KhopError INVALID_OPTION (naming `idSecret`) for another type or a short secret.
   */
  static fromSecret(secret: string | Uint8Array, what = 'idSecret'): KeyedIdHasher {
    const bytes = secretBytes(secret, what);
    return new KeyedIdHasher(new Uint8Array(createHmac('sha256', bytes).update(ID_KEY_LABEL).digest()));
  }

  /**
   * The hasher of a raw HMAC key of 1..64 bytes: a derived ID key (`hasher.key`, 32 bytes —
   * how worker threads receive it), or any key for known-answer tests (RFC 4231).
   */
  static fromKey(key: Uint8Array): KeyedIdHasher {
    if (!(key instanceof Uint8Array) || key.length < 1 || key.length > 64) {
      throw new KhopError('INVALID_ARGUMENT', 'KeyedIdHasher.fromKey: the key must be 1..64 bytes');
    }
    return new KeyedIdHasher(new Uint8Array(key));
  }

  /** True when `check` (hex, from a snapshot) is this key's check value (constant-time compare). */
  matches(check: unknown): boolean {
    if (typeof check !== 'string' || check.length !== this.check.length) return false;
    return timingSafeEqual(Buffer.from(check, 'latin1'), Buffer.from(this.check, 'latin1'));
  }

  /**
   * HMAC-SHA256(idKey, ascii) → `lo`, `hi`, `tag` (see the file header). `ascii`: at most
   * {@link KEYED_ID_MAX_KEY_BYTES} characters (canonical ID digits are 9 or 12), each code unit
   * a byte (≤ 0xff, read as Latin-1). Allocates nothing.
   * @throws KhopError INVALID_ARGUMENT for a longer string or a code unit above 0xff.
   */
  hash(ascii: string): void {
    const d = this.d;
    this.digest(ascii, d);
    this.hi = d[0]! >>> 0;
    this.lo = d[1]! >>> 0;
    // 48 bits: all 32 of w2, shifted up 16 places (× 2^16, exact in a double), plus the top
    // 16 bits of w3.
    this.tag = (d[2]! >>> 0) * 65536 + (d[3]! >>> 16);
  }

  /** The full HMAC-SHA256 of `ascii` (bytes as in `hash`) as 8 big-endian int32 words into `out`. */
  digest(ascii: string, out: Int32Array): void {
    const n = ascii.length;
    if (n > KEYED_ID_MAX_KEY_BYTES) throw new KhopError('INVALID_ARGUMENT', `KeyedIdHasher: a key longer than ${KEYED_ID_MAX_KEY_BYTES} bytes`);
    const m = this.m;
    m.fill(0);
    for (let i = 0; i < n; i++) {
      const c = ascii.charCodeAt(i);
      if (c > 0xff) throw new KhopError('INVALID_ARGUMENT', 'KeyedIdHasher: a key character above 0xff');
      // Byte i goes to word i >> 2, big-endian: bits 24 − 8·(i mod 4).
      m[i >> 2]! |= c << (24 - 8 * (i & 3));
    }
    // Padding (FIPS 180-4 §5.1.1): a 1 bit, zeros, then the message length in bits as a
    // 64-bit big-endian number — here of the inner message (K ⊕ ipad block, 64 bytes) + n bytes.
    m[n >> 2]! |= 0x80 << (24 - 8 * (n & 3));
    m[15] = (64 + n) * 8;
    compress(this.inner, this.t, m, this.w);
    // Outer message: the 32-byte inner digest after the K ⊕ opad block: 64 + 32 bytes = 768 bits.
    for (let i = 0; i < 8; i++) m[i] = this.t[i]!;
    m[8] = 0x80000000 | 0;
    for (let i = 9; i < 15; i++) m[i] = 0;
    m[15] = (64 + 32) * 8;
    compress(this.outer, out, m, this.w);
  }
}
