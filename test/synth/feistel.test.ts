import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FeistelPermutation, foldSeed, mix32 } from '../../src/synth/feistel.js';
import { isKhopError } from '../../src/errors.js';

describe('FeistelPermutation', () => {
  it('is a bijection of [0, 10^6) (exhaustive) and invert undoes apply', () => {
    const perm = new FeistelPermutation(1_000_000, 12345);
    const seen = new Uint8Array(1_000_000);
    let fixed = 0;
    let badRange = 0;
    let badInverse = 0;
    for (let x = 0; x < 1_000_000; x++) {
      const y = perm.apply(x);
      if (!(y >= 0 && y < 1_000_000)) badRange++;
      else seen[y]++;
      if (y === x) fixed++;
      if (x % 97 === 0 && perm.invert(y) !== x) badInverse++;
    }
    expect(badRange).toBe(0);
    expect(badInverse).toBe(0);
    expect(seen.every((c) => c === 1)).toBe(true);
    // a shuffle, not the identity: a random permutation has ~1 fixed point
    expect(fixed).toBeLessThan(50);
  });

  it('is a bijection of [0, n) for awkward n (cycle walking), exhaustively', () => {
    for (const n of [1, 2, 3, 7, 10, 99, 101, 1000, 1023, 4097, 65_537]) {
      const perm = new FeistelPermutation(n, n * 7 + 1);
      const seen = new Uint8Array(n);
      let bad = 0;
      for (let x = 0; x < n; x++) {
        const y = perm.apply(x);
        if (!(y >= 0 && y < n) || perm.invert(y) !== x) bad++;
        else seen[y]++;
      }
      expect(bad).toBe(0);
      expect(seen.every((c) => c === 1)).toBe(true);
    }
  });

  it('invert(apply(x)) === x for large domains (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, key, u) => {
        const perm = new FeistelPermutation(n, key);
        const x = Math.floor(u * n);
        const y = perm.apply(x);
        return y >= 0 && y < n && Number.isInteger(y) && perm.invert(y) === x;
      }),
      { numRuns: 300 },
    );
  });

  it('different keys give different permutations', () => {
    const a = new FeistelPermutation(10_000, 1);
    const b = new FeistelPermutation(10_000, 2);
    let same = 0;
    for (let x = 0; x < 10_000; x++) if (a.apply(x) === b.apply(x)) same++;
    expect(same).toBeLessThan(20);
  });

  it('rejects an invalid domain', () => {
    for (const n of [0, -1, 1.5, 2 ** 41, Number.NaN]) {
      let err: unknown;
      try {
        new FeistelPermutation(n, 1);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('mix32 is the murmur3 fmix32 finaliser (known answers)', () => {
    // fmix32(0) = 0; fmix32(1) = 0x514e28b7 (murmur3 reference implementation)
    expect(mix32(0)).toBe(0);
    expect(mix32(1)).toBe(0x514e28b7);
  });

  it('foldSeed keeps small seeds and mixes in high bits', () => {
    expect(foldSeed(5)).toBe(5);
    expect(foldSeed(2 ** 32 + 5)).not.toBe(5);
    expect(foldSeed(-1) >>> 0).toBe(foldSeed(-1)); // unsigned 32-bit
    expect(foldSeed(-1)).not.toBe(foldSeed(2 ** 32 - 1)); // -1 and 2^32-1 share low bits only
  });
});
