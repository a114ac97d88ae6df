/**
 * Batch XXH64 kernel (AssemblyScript → WebAssembly). Compiled by `wasm/build.mjs`; the
 * TypeScript front end is `src/hash/key-hasher.ts`.
 *
 * Algorithm: XXH64 by Yann Collet, https://github.com/Cyan4973/xxHash, specification
 * doc/xxhash_spec.md ("xxHash fast digest algorithm", XXH64 section). Output equals the
 * reference `XXH64(data, len, seed)` for every input and seed.
 *
 * Trade-off: one exported call hashes a whole batch of keys that the caller has written
 * into linear memory, so the JS↔WASM boundary is crossed once per batch, not once per key
 * (names and IDs are 12–25 bytes: per-call overhead would dominate the hashing itself).
 * The module has no imports, no allocator and no data segment; it only reads and writes
 * the regions the caller names by pointer. The 64-bit seed crosses the boundary as two
 * u32 halves (lo, hi) so callers need no BigInt; results are written as little-endian u64,
 * i.e. two u32 halves (lo at +0, hi at +4) per key.
 *
 * ABI (all pointers are byte addresses in this module's exported `memory`):
 *
 *   dataStart(): u32
 *       First 64-byte-aligned address after anything the compiler placed in memory.
 *       Callers lay their regions out from here (the kernel itself uses none of it).
 *
 *   hashBatch(offsetsPtr, bytesPtr, count, outPtr, seedLo, seedHi): void
 *       Key i (0 ≤ i < count) is bytes[off[i] .. off[i+1]) where off = u32[count + 1] at
 *       offsetsPtr and bytes starts at bytesPtr. Writes XXH64(key i, seed) as u64 at
 *       outPtr + 8·i. Offsets must be non-decreasing (the caller validates; not checked).
 *
 *   hashRange(ptr, len, seedLo, seedHi, outPtr): void
 *       XXH64 of the len bytes at ptr, written as u64 at outPtr (single keys, lookups).
 *
 * Memory layout used by KeyHasher (the kernel is told every address, so a caller could
 * choose another layout; this one keeps the growable region last):
 *
 *   0            dataStart()                                                  memory.size
 *   ├────────────┼──────────────┬────────────────────┬──────────┬───────────────────────┤
 *   │ (compiler) │ out          │ offsets            │ single   │ bytes                 │
 *   │            │ u64 × keys   │ u32 × (keys + 1)   │ u64 × 1  │ u8 × batchBytes  ...→ │
 *   └────────────┴──────────────┴────────────────────┴──────────┴───────────────────────┘
 *                 64-aligned     8-aligned             8-aligned   grows at the end when a
 *                                                                  single key is larger
 *
 * Unaligned u64/u32 loads are legal in WebAssembly (alignment is only a hint) and cheap
 * on x86-64 and ARM64, so keys are packed back to back with no padding.
 */

// XXH64 primes (spec §"XXH64 algorithm description", "Constants").
const P1: u64 = 0x9e3779b185ebca87;
const P2: u64 = 0xc2b2ae3d27d4eb4f;
const P3: u64 = 0x165667b19e3779f9;
const P4: u64 = 0x85ebca77c2b2ae63;
const P5: u64 = 0x27d4eb2f165667c5;

/** One accumulator step: acc = rotl(acc + input·P2, 31)·P1 (all arithmetic mod 2^64). */
// @ts-ignore: decorator
@inline
function round(acc: u64, input: u64): u64 {
  return rotl<u64>(acc + input * P2, 31) * P1;
}

/** Fold one lane accumulator into the converged hash: (h ^ round(0, v))·P1 + P4. */
// @ts-ignore: decorator
@inline
function mergeRound(h: u64, v: u64): u64 {
  return (h ^ round(0, v)) * P1 + P4;
}

/** XXH64 of `len` bytes at `p` with `seed`. */
// @ts-ignore: decorator
@inline
function xxh64(p: usize, len: u32, seed: u64): u64 {
  const end = p + <usize>len;
  let h: u64;
  if (len >= 32) {
    // Four lanes of 8 bytes consume 32-byte stripes.
    let v1 = seed + P1 + P2;
    let v2 = seed + P2;
    let v3 = seed;
    let v4 = seed - P1;
    const limit = end - 32;
    do {
      v1 = round(v1, load<u64>(p));
      v2 = round(v2, load<u64>(p, 8));
      v3 = round(v3, load<u64>(p, 16));
      v4 = round(v4, load<u64>(p, 24));
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = seed + P5;
  }
  h += <u64>len;
  // Tail: 8-byte words, then one 4-byte word, then single bytes.
  while (p + 8 <= end) {
    h ^= round(0, load<u64>(p));
    h = rotl<u64>(h, 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h ^= <u64>load<u32>(p) * P1;
    h = rotl<u64>(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= <u64>load<u8>(p) * P5;
    h = rotl<u64>(h, 11) * P1;
    p += 1;
  }
  // Avalanche.
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/** First 64-byte-aligned address free for the caller's regions. */
export function dataStart(): u32 {
  // Round up to a multiple of 64: (x + 63) & ~63.
  return <u32>((__heap_base + 63) & ~(<usize>63));
}

/** Hash `count` keys described by an offsets array; see the ABI in the file header. */
export function hashBatch(offsetsPtr: u32, bytesPtr: u32, count: u32, outPtr: u32, seedLo: u32, seedHi: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  const base = <usize>bytesPtr;
  let op = <usize>offsetsPtr;
  let out = <usize>outPtr;
  let start = load<u32>(op);
  for (let i: u32 = 0; i < count; i++) {
    op += 4;
    const end = load<u32>(op);
    store<u64>(out, xxh64(base + <usize>start, end - start, seed));
    out += 8;
    start = end;
  }
}

/** Hash one contiguous byte range; see the ABI in the file header. */
export function hashRange(ptr: u32, len: u32, seedLo: u32, seedHi: u32, outPtr: u32): void {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  store<u64>(<usize>outPtr, xxh64(<usize>ptr, len, seed));
}
