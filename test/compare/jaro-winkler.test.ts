import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { jaroWinklerSimilarity, jaroWinklerSpans } from '../../src/compare/jaro-winkler.js';
import { isKhopError } from '../../src/errors.js';
import { bytesOf, naiveJaroWinkler } from './oracles.js';

const small = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 });
const names = fc.string({ unit: fc.constantFrom('n', 'g', 'u', 'y', 'e', 'h', 't', 'i', ' '), maxLength: 20 });

describe('jaroWinklerSimilarity', () => {
  it('matches the published examples (Winkler 1990; Wikipedia)', () => {
    expect(jaroWinklerSimilarity('MARTHA', 'MARHTA')).toBeCloseTo(0.961, 3);
    expect(jaroWinklerSimilarity('DWAYNE', 'DUANE')).toBeCloseTo(0.84, 3);
    expect(jaroWinklerSimilarity('DIXON', 'DICKSONX')).toBeCloseTo(0.813, 3);
    // JONES / JOHNSON: jaro 0.790, boosted by the 2-letter prefix to 0.832.
    expect(jaroWinklerSimilarity('JONES', 'JOHNSON')).toBeCloseTo(0.832, 3);
  });

  it('does not boost when Jaro ≤ 0.7 and caps the prefix at 4', () => {
    // CRATE / TRACE: m = 3 (r, a, e), t = 0 → jaro = (3/5 + 3/5 + 1)/3 = 0.7333, prefix 0.
    expect(jaroWinklerSimilarity('CRATE', 'TRACE')).toBeCloseTo(0.7333, 4);
    // abcdefgh / abcdefgx: jaro = (7/8 + 7/8 + 1)/3 = 0.91667; ℓ capped at 4 → +0.4·0.0833.
    expect(jaroWinklerSimilarity('abcdefgh', 'abcdefgx')).toBeCloseTo(0.91667 + 0.4 * (1 - 0.91667), 4);
    // Below threshold: ab / ac have m = 1: jaro = (1/2 + 1/2 + 1)/3 = 0.667, no boost despite prefix.
    expect(jaroWinklerSimilarity('ab', 'ac')).toBeCloseTo(2 / 3, 10);
  });

  it('handles empty and disjoint strings', () => {
    expect(jaroWinklerSimilarity('', '')).toBe(1);
    expect(jaroWinklerSimilarity('', 'a')).toBe(0);
    expect(jaroWinklerSimilarity('abc', 'xyz')).toBe(0);
    expect(jaroWinklerSimilarity('a', 'a')).toBe(1);
  });

  it('shows the shared-prefix inflation that motivates per-part name comparison', () => {
    expect(jaroWinklerSimilarity('nguyen thi lan', 'nguyen thi lien')).toBeGreaterThan(0.95);
    expect(jaroWinklerSimilarity('lan', 'lien')).toBeLessThan(0.8);
  });

  it('rejects non-strings instead of scoring them', () => {
    let err: unknown;
    try {
      jaroWinklerSimilarity(null as unknown as string, 'a');
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('agrees with a naive reference, is symmetric, bounded and 1 on identity', () => {
    fc.assert(fc.property(small, small, (a, b) => {
      const v = jaroWinklerSimilarity(a, b);
      expect(v).toBeCloseTo(naiveJaroWinkler(a, b), 12);
      expect(jaroWinklerSimilarity(b, a)).toBe(v);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      expect(jaroWinklerSimilarity(a, a)).toBe(1);
    }), { numRuns: 1000 });
  });

  it('span version on bytes and on offset spans equals the string version', () => {
    fc.assert(fc.property(names, names, fc.nat(5), fc.nat(5), (a, b, pa, pb) => {
      const ua = bytesOf('#'.repeat(pa) + a + '##');
      const ub = bytesOf('%'.repeat(pb) + b);
      expect(jaroWinklerSpans(ua, pa, pa + a.length, ub, pb, pb + b.length)).toBe(jaroWinklerSimilarity(a, b));
    }), { numRuns: 500 });
  });

  it('grows its scratch for long inputs and still agrees with the reference', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), (a, b) => {
      expect(jaroWinklerSimilarity(a, b)).toBeCloseTo(naiveJaroWinkler(a, b), 12);
    }), { numRuns: 30 });
  });
});
