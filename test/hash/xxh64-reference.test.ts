// XXH64 pure-TypeScript implementations: published known answers, then agreement with
// xxhash-wasm (an independent implementation) on every length 0–300 and on random input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import xxhash from 'xxhash-wasm';
import { xxh64, xxh64Parts } from '../../src/hash/xxh64-reference.js';
import { isKhopError } from '../../src/errors.js';

const PRIME32 = 2654435761n;
const PRIME64 = 11400714785074694797n;
const MASK64 = (1n << 64n) - 1n;

/** xxHash's sanity buffer (cli/xsum_sanity_check.c, XSUM_fillTestBuffer). */
function sanityBuffer(len: number): Uint8Array {
  const buf = new Uint8Array(len);
  let gen = PRIME32;
  for (let i = 0; i < len; i++) {
    buf[i] = Number(gen >> 56n);
    gen = (gen * PRIME64) & MASK64;
  }
  return buf;
}

/** XSUM_XXH64_testdata from Cyan4973/xxHash cli/xsum_sanity_check.c: [len, seed, hash]. */
const XXH64_SANITY_VECTORS: ReadonlyArray<readonly [number, bigint, bigint]> = [
  [0, 0n, 0xef46db3751d8e999n],
  [0, PRIME32, 0xac75fda2929b17efn],
  [1, 0n, 0xe934a84adb052768n],
  [1, PRIME32, 0x5014607643a9b4c3n],
  [4, 0n, 0x9136a0dca57457een],
  [14, 0n, 0x8282dcc4994e35c8n],
  [14, PRIME32, 0xc3bd6bf63deb6df0n],
  [222, 0n, 0xb641ae8cb691c174n],
  [222, PRIME32, 0x20cb8ab7ae10c14an],
];

/** ASCII-string vectors published in python-xxhash's tests (ifduyue/python-xxhash). */
const STRING_VECTORS: ReadonlyArray<readonly [string, bigint, bigint]> = [
  ['a', 0n, 15154266338359012955n],
  ['a', 1n, 16051599287423682246n],
  ['a', MASK64, 6972758980737027682n], // seed with the top bit set
  ['abc', 0n, 4952883123889572249n],
];

const SANITY = sanityBuffer(4096 + 64 + 1);
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

function parts(bytes: Uint8Array, start: number, end: number, seed: bigint): bigint {
  const out = new Uint32Array(4).fill(0xdeadbeef);
  xxh64Parts(bytes, start, end, Number(seed & 0xffffffffn), Number(seed >> 32n), out, 1);
  expect(out[0]).toBe(0xdeadbeef); // writes exactly out[outPos], out[outPos + 1]
  expect(out[3]).toBe(0xdeadbeef);
  return (BigInt(out[2]) << 32n) | BigInt(out[1]);
}

const SEEDS = [0n, 1n, PRIME32, PRIME64, 1n << 63n, (1n << 63n) + 1n, MASK64, 0x00000000ffffffffn, 0xffffffff00000000n];

describe('xxh64 (BigInt reference)', () => {
  it.each(XXH64_SANITY_VECTORS)('sanity buffer len %i seed %i', (len, seed, expected) => {
    expect(xxh64(SANITY.subarray(0, len), seed)).toBe(expected);
  });

  it.each(STRING_VECTORS)('string %j seed %i', (s, seed, expected) => {
    expect(xxh64(ascii(s), seed)).toBe(expected);
  });

  it('defaults the seed to 0', () => {
    expect(xxh64(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
  });

  it('rejects a seed outside [0, 2^64) and non-bytes instead of wrapping', () => {
    for (const bad of [-1n, 1n << 64n]) {
      expect(() => xxh64(new Uint8Array(1), bad)).toThrow();
      try {
        xxh64(new Uint8Array(1), bad);
      } catch (e) {
        expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
    expect(() => xxh64(new Uint8Array(1), 5 as unknown as bigint)).toThrow();
    expect(() => xxh64([1, 2] as unknown as Uint8Array)).toThrow();
  });
});

describe('xxh64Parts (32-bit halves)', () => {
  it.each(XXH64_SANITY_VECTORS)('sanity buffer len %i seed %i', (len, seed, expected) => {
    expect(parts(SANITY, 0, len, seed)).toBe(expected);
  });

  it.each(STRING_VECTORS)('string %j seed %i', (s, seed, expected) => {
    expect(parts(ascii(s), 0, s.length, seed)).toBe(expected);
  });

  it('hashes a sub-range at any start offset (unaligned reads)', () => {
    for (let start = 0; start < 9; start++) {
      for (const len of [0, 3, 4, 7, 8, 31, 32, 33, 64, 100]) {
        expect(parts(SANITY, start, start + len, PRIME64)).toBe(xxh64(SANITY.subarray(start, start + len), PRIME64));
      }
    }
  });
});

describe('agreement with xxhash-wasm h64Raw', () => {
  it('every length 0–300 of the sanity buffer, seeds with and without the top bit', async () => {
    const { h64Raw } = await xxhash();
    for (const seed of SEEDS) {
      for (let len = 0; len <= 300; len++) {
        const key = SANITY.subarray(len % 7, (len % 7) + len);
        const expected = h64Raw(key, seed);
        expect(parts(SANITY, len % 7, (len % 7) + len, seed)).toBe(expected);
        if (len % 5 === 0) expect(xxh64(key, seed)).toBe(expected); // BigInt path is slow
      }
    }
  });

  it('every byte value, alone and all together', async () => {
    const { h64Raw } = await xxhash();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let b = 0; b < 256; b++) {
      const one = all.subarray(b, b + 1);
      expect(parts(all, b, b + 1, MASK64)).toBe(h64Raw(one, MASK64));
    }
    expect(xxh64(all, 1n << 63n)).toBe(h64Raw(all, 1n << 63n));
    expect(parts(all, 0, 256, 1n << 63n)).toBe(h64Raw(all, 1n << 63n));
  });

  it('random bytes and random 64-bit seeds (property)', async () => {
    const { h64Raw } = await xxhash();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 0n, max: MASK64 }), (bytes, seed) => {
        const expected = h64Raw(bytes, seed);
        return xxh64(bytes, seed) === expected && parts(bytes, 0, bytes.length, seed) === expected;
      }),
      { seed: 20240611, numRuns: 400 },
    );
  });
});
