/**
 * XXH64 in pure TypeScript, twice:
 *
 * - `xxh64(bytes, seed)`: the readable reference, written straight from the specification
 *   with BigInt arithmetic (`BigInt.asUintN(64, …)` is "mod 2^64"). Slow (BigInt allocates
 *   per operation) but obviously right; the other two implementations are tested against it
 *   and against the published vectors.
 * - `xxh64Parts(bytes, start, end, seedLo, seedHi, out, outPos)`: the same function on
 *   32-bit halves with no BigInt and no allocation — the pure-JS baseline of the benchmark
 *   and the fallback kernel when WebAssembly is unavailable (see `kernel-js.ts`).
 *
 * Trade-off of `xxh64Parts`: every 64-bit value is a pair of unsigned 32-bit numbers
 * (hi, lo). Helpers return the low half and leave the high half in the module-level
 * scratch `RH` — one shared slot instead of a result object, so nothing is allocated. This
 * makes the helpers non-re-entrant, which is harmless: they never call out, and JavaScript
 * runs one call at a time per thread.
 *
 * Reference: Yann Collet, xxHash, https://github.com/Cyan4973/xxHash,
 * doc/xxhash_spec.md ("XXH64 algorithm description").
 */
import { KhopError } from '../errors.js';

const MASK64 = (1n << 64n) - 1n;
const B_P1 = 0x9e3779b185ebca87n;
const B_P2 = 0xc2b2ae3d27d4eb4fn;
const B_P3 = 0x165667b19e3779f9n;
const B_P4 = 0x85ebca77c2b2ae63n;
const B_P5 = 0x27d4eb2f165667c5n;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64;
}

function roundBig(acc: bigint, input: bigint): bigint {
  return (rotl64((acc + input * B_P2) & MASK64, 31n) * B_P1) & MASK64;
}

function mergeRoundBig(h: bigint, v: bigint): bigint {
  return (((h ^ roundBig(0n, v)) * B_P1) + B_P4) & MASK64;
}

function read64Big(b: Uint8Array, p: number): bigint {
  let x = 0n;
  for (let i = 7; i >= 0; i--) x = (x << 8n) | BigInt(b[p + i]);
  return x;
}

function read32Big(b: Uint8Array, p: number): bigint {
  return BigInt((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0);
}

/**
 * XXH64 of `bytes` with a 64-bit `seed` (default 0n) — the reference implementation.
 *
 * @param bytes the whole array is hashed (pass a `subarray` for a range).
 * @param seed an integer in [0, 2^64); anything else throws `INVALID_ARGUMENT`.
 * @returns the hash as an unsigned 64-bit bigint (equal to the C `XXH64(data, len, seed)`).
 */
export function xxh64(bytes: Uint8Array, seed: bigint = 0n): bigint {
  if (!(bytes instanceof Uint8Array)) throw new KhopError('INVALID_ARGUMENT', 'xxh64: bytes must be a Uint8Array');
  if (typeof seed !== 'bigint' || seed < 0n || seed > MASK64) {
    throw new KhopError('INVALID_ARGUMENT', 'xxh64: seed must be a bigint in [0, 2^64)');
  }
  const len = bytes.length;
  let p = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (seed + B_P1 + B_P2) & MASK64;
    let v2 = (seed + B_P2) & MASK64;
    let v3 = seed;
    let v4 = (seed - B_P1) & MASK64;
    while (p + 32 <= len) {
      v1 = roundBig(v1, read64Big(bytes, p));
      v2 = roundBig(v2, read64Big(bytes, p + 8));
      v3 = roundBig(v3, read64Big(bytes, p + 16));
      v4 = roundBig(v4, read64Big(bytes, p + 24));
      p += 32;
    }
    h = (rotl64(v1, 1n) + rotl64(v2, 7n) + rotl64(v3, 12n) + rotl64(v4, 18n)) & MASK64;
    h = mergeRoundBig(h, v1);
    h = mergeRoundBig(h, v2);
    h = mergeRoundBig(h, v3);
    h = mergeRoundBig(h, v4);
  } else {
    h = (seed + B_P5) & MASK64;
  }
  h = (h + BigInt(len)) & MASK64;
  while (p + 8 <= len) {
    h ^= roundBig(0n, read64Big(bytes, p));
    h = (rotl64(h, 27n) * B_P1 + B_P4) & MASK64;
    p += 8;
  }
  if (p + 4 <= len) {
    h ^= (read32Big(bytes, p) * B_P1) & MASK64;
    h = (rotl64(h, 23n) * B_P2 + B_P3) & MASK64;
    p += 4;
  }
  while (p < len) {
    h ^= (BigInt(bytes[p]) * B_P5) & MASK64;
    h = (rotl64(h, 11n) * B_P1) & MASK64;
    p++;
  }
  h ^= h >> 33n;
  h = (h * B_P2) & MASK64;
  h ^= h >> 29n;
  h = (h * B_P3) & MASK64;
  h ^= h >> 32n;
  return h;
}

// ---------------------------------------------------------------------------------------
// 32-bit-halves implementation. Every 64-bit value is (hi, lo), each an unsigned 32-bit
// number. Prime halves (hi, lo):
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;
// (P1 + P2) mod 2^64 = 0x60ea27ee_adc0b5d6 (lane 1 initial value minus the seed).
const P12H = 0x60ea27ee, P12L = 0xadc0b5d6;
// (2^64 − P1) = −P1 mod 2^64 = 0x61c8864e_7a143579 (lane 4 initial value minus the seed).
const NP1H = 0x61c8864e, NP1L = 0x7a143579;

/** High half of the last helper result (see the file header: non-re-entrant scratch). */
let RH = 0;

/**
 * (ah:al) · (bh:bl) mod 2^64. Returns the low half; the high half goes to RH.
 * The 32×32→64 product al·bl is formed from 16-bit pieces so every partial product
 * stays below 2^32 (exact in a double):
 *   al·bl = a1·b1·2^32 + (a1·b0 + a0·b1)·2^16 + a0·b0   with a = a1·2^16 + a0.
 * The cross terms ah·bl and al·bh only reach the high half, where Math.imul's low 32 bits
 * are all that survive mod 2^64.
 */
function mul64(ah: number, al: number, bh: number, bl: number): number {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const t = a0 * b0;
  const m1 = a1 * b0;
  const m2 = a0 * b1;
  // Carry out of bits 16..31: upper half of t plus the low 16 bits of both cross terms.
  const mid = (t >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  const hi = a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16);
  // `>>> 0` reduces the exact integer sum mod 2^32 (negative imul results included).
  RH = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  // Low half: bits 16..31 are mid's low 16 bits, bits 0..15 are t's.
  return ((mid << 16) | (t & 0xffff)) >>> 0;
}

/** (ah:al) + (bh:bl) mod 2^64. Returns the low half; high half to RH. */
function add64(ah: number, al: number, bh: number, bl: number): number {
  const l = al + bl; // < 2^33, exact
  RH = (ah + bh + (l > 0xffffffff ? 1 : 0)) >>> 0;
  return l >>> 0;
}

/** XXH64 round: rotl(acc + input·P2, 31)·P1. Returns lo; hi to RH. */
function round64(accH: number, accL: number, inH: number, inL: number): number {
  let l = mul64(inH, inL, P2H, P2L);
  l = add64(accH, accL, RH, l);
  const h = RH;
  // rotl by 31 on (h:l): each half takes its own low bit up top and the other's top 31 bits.
  const rh = ((h << 31) | (l >>> 1)) >>> 0;
  const rl = ((l << 31) | (h >>> 1)) >>> 0;
  return mul64(rh, rl, P1H, P1L);
}

/** Little-endian u32 at p. */
function rd32(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

/**
 * XXH64 of `bytes[start..end)` with the seed given as two unsigned 32-bit halves; writes
 * the hash as out[outPos] = low half, out[outPos + 1] = high half. No BigInt, no allocation.
 *
 * Preconditions (not checked — internal hot path; callers validate once):
 * 0 ≤ start ≤ end ≤ bytes.length, integers; seedLo, seedHi in [0, 2^32); outPos + 1 <
 * out.length.
 */
export function xxh64Parts(
  bytes: Uint8Array,
  start: number,
  end: number,
  seedLo: number,
  seedHi: number,
  out: Uint32Array,
  outPos: number,
): void {
  const len = end - start;
  let p = start;
  let hH: number;
  let hL: number;
  let t: number;
  let u: number;
  if (len >= 32) {
    let v1L = add64(seedHi, seedLo, P12H, P12L);
    let v1H = RH;
    let v2L = add64(seedHi, seedLo, P2H, P2L);
    let v2H = RH;
    let v3L = seedLo;
    let v3H = seedHi;
    let v4L = add64(seedHi, seedLo, NP1H, NP1L);
    let v4H = RH;
    const limit = end - 32;
    do {
      v1L = round64(v1H, v1L, rd32(bytes, p + 4), rd32(bytes, p));
      v1H = RH;
      v2L = round64(v2H, v2L, rd32(bytes, p + 12), rd32(bytes, p + 8));
      v2H = RH;
      v3L = round64(v3H, v3L, rd32(bytes, p + 20), rd32(bytes, p + 16));
      v3H = RH;
      v4L = round64(v4H, v4L, rd32(bytes, p + 28), rd32(bytes, p + 24));
      v4H = RH;
      p += 32;
    } while (p <= limit);
    // h = rotl(v1,1) + rotl(v2,7) + rotl(v3,12) + rotl(v4,18); rotl(x, r) for r < 32 is
    // hi' = hi<<r | lo>>>(32−r), lo' = lo<<r | hi>>>(32−r).
    hL = ((v1L << 1) | (v1H >>> 31)) >>> 0;
    hH = ((v1H << 1) | (v1L >>> 31)) >>> 0;
    hL = add64(hH, hL, ((v2H << 7) | (v2L >>> 25)) >>> 0, ((v2L << 7) | (v2H >>> 25)) >>> 0);
    hH = RH;
    hL = add64(hH, hL, ((v3H << 12) | (v3L >>> 20)) >>> 0, ((v3L << 12) | (v3H >>> 20)) >>> 0);
    hH = RH;
    hL = add64(hH, hL, ((v4H << 18) | (v4L >>> 14)) >>> 0, ((v4L << 18) | (v4H >>> 14)) >>> 0);
    hH = RH;
    // mergeRound(h, v) = (h ^ round(0, v))·P1 + P4, for v1..v4.
    t = round64(0, 0, v1H, v1L);
    hL = mul64((hH ^ RH) >>> 0, (hL ^ t) >>> 0, P1H, P1L);
    hL = add64(RH, hL, P4H, P4L);
    hH = RH;
    t = round64(0, 0, v2H, v2L);
    hL = mul64((hH ^ RH) >>> 0, (hL ^ t) >>> 0, P1H, P1L);
    hL = add64(RH, hL, P4H, P4L);
    hH = RH;
    t = round64(0, 0, v3H, v3L);
    hL = mul64((hH ^ RH) >>> 0, (hL ^ t) >>> 0, P1H, P1L);
    hL = add64(RH, hL, P4H, P4L);
    hH = RH;
    t = round64(0, 0, v4H, v4L);
    hL = mul64((hH ^ RH) >>> 0, (hL ^ t) >>> 0, P1H, P1L);
    hL = add64(RH, hL, P4H, P4L);
    hH = RH;
  } else {
    hL = add64(seedHi, seedLo, P5H, P5L);
    hH = RH;
  }
  // h += len (len < 2^32 fits the low half).
  hL = add64(hH, hL, 0, len);
  hH = RH;
  // Tail: 8-byte words: h ^= round(0, w); h = rotl(h, 27)·P1 + P4.
  while (p + 8 <= end) {
    t = round64(0, 0, rd32(bytes, p + 4), rd32(bytes, p));
    hH = (hH ^ RH) >>> 0;
    hL = (hL ^ t) >>> 0;
    u = ((hH << 27) | (hL >>> 5)) >>> 0;
    t = ((hL << 27) | (hH >>> 5)) >>> 0;
    t = mul64(u, t, P1H, P1L);
    hL = add64(RH, t, P4H, P4L);
    hH = RH;
    p += 8;
  }
  // One 4-byte word: h ^= w·P1 (w < 2^32, so hi(w) = 0); h = rotl(h, 23)·P2 + P3.
  if (p + 4 <= end) {
    t = mul64(0, rd32(bytes, p), P1H, P1L);
    hH = (hH ^ RH) >>> 0;
    hL = (hL ^ t) >>> 0;
    u = ((hH << 23) | (hL >>> 9)) >>> 0;
    t = ((hL << 23) | (hH >>> 9)) >>> 0;
    t = mul64(u, t, P2H, P2L);
    hL = add64(RH, t, P3H, P3L);
    hH = RH;
    p += 4;
  }
  // Single bytes: h ^= byte·P5; h = rotl(h, 11)·P1.
  while (p < end) {
    t = mul64(0, bytes[p], P5H, P5L);
    hH = (hH ^ RH) >>> 0;
    hL = (hL ^ t) >>> 0;
    u = ((hH << 11) | (hL >>> 21)) >>> 0;
    t = ((hL << 11) | (hH >>> 21)) >>> 0;
    hL = mul64(u, t, P1H, P1L);
    hH = RH;
    p++;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  hL = (hL ^ (hH >>> 1)) >>> 0; // h >> 33 = (0 : hi >>> 1)
  hL = mul64(hH, hL, P2H, P2L);
  hH = RH;
  hL = (hL ^ ((hL >>> 29) | (hH << 3))) >>> 0; // h >> 29 = (hi >>> 29 : lo >>> 29 | hi << 3)
  hH = (hH ^ (hH >>> 29)) >>> 0;
  hL = mul64(hH, hL, P3H, P3L);
  hH = RH;
  hL = (hL ^ hH) >>> 0; // h >> 32 = (0 : hi)
  out[outPos] = hL;
  out[outPos + 1] = hH;
}
