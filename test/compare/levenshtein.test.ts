import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { levenshteinDistance, levenshteinSpans } from '../../src/compare/levenshtein.js';
import { isKhopError } from '../../src/errors.js';
import { bytesOf, naiveLevenshtein } from './oracles.js';

const small = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 });

describe('levenshteinDistance', () => {
  it('known answers', () => {
    expect(levenshteinDistance('kitten', 'sitting')).toBe(3);
    expect(levenshteinDistance('flaw', 'lawn')).toBe(2);
    expect(levenshteinDistance('saturday', 'sunday')).toBe(3);
    expect(levenshteinDistance('', 'abc')).toBe(3);
    expect(levenshteinDistance('abc', '')).toBe(3);
    expect(levenshteinDistance('', '')).toBe(0);
    expect(levenshteinDistance('ca', 'ac')).toBe(2); // no transposition in plain Levenshtein
    expect(levenshteinDistance('Nguyễn', 'Nguyen')).toBe(1); // UTF-16 units (NFC ễ is one unit)
  });

  it('rejects non-strings', () => {
    expect(() => levenshteinDistance(3 as unknown as string, 'a')).toThrowError(/must be a string/);
    try {
      levenshteinDistance('a', undefined as unknown as string);
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('equals the full-matrix DP; metric properties hold', () => {
    fc.assert(fc.property(small, small, small, (a, b, c) => {
      const d = levenshteinDistance(a, b);
      expect(d).toBe(naiveLevenshtein(a, b));
      expect(levenshteinDistance(b, a)).toBe(d);
      expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      expect(d === 0).toBe(a === b);
      expect(levenshteinDistance(a, c)).toBeLessThanOrEqual(d + levenshteinDistance(b, c));
    }), { numRuns: 1000 });
  });

  it('span version on offset byte spans equals the string version', () => {
    fc.assert(fc.property(small, small, fc.nat(4), (a, b, p) => {
      const ua = bytesOf('x'.repeat(p) + a + 'y');
      const ub = bytesOf(b + 'zz');
      expect(levenshteinSpans(ua, p, p + a.length, ub, 0, b.length)).toBe(levenshteinDistance(a, b));
    }), { numRuns: 500 });
  });

  it('grows its scratch for long inputs and still agrees with the full DP', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), (a, b) => {
      expect(levenshteinDistance(a, b)).toBe(naiveLevenshtein(a, b));
    }), { numRuns: 30 });
  });
});
