import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { damerauLevenshteinWithin, damerauLevenshteinWithinSpans } from '../../src/compare/damerau-levenshtein.js';
import { levenshteinDistance } from '../../src/compare/levenshtein.js';
import { isKhopError } from '../../src/errors.js';
import { bytesOf, naiveOsa } from './oracles.js';

const small = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 12 });

describe('damerauLevenshteinWithin', () => {
  it('known answers: OSA, not unrestricted Damerau–Levenshtein', () => {
    expect(damerauLevenshteinWithin(5, 'ca', 'abc')).toBe(3); // true DL would be 2
    expect(damerauLevenshteinWithin(5, 'ca', 'ac')).toBe(1); // one adjacent transposition
    expect(damerauLevenshteinWithin(5, 'kitten', 'sitting')).toBe(3);
    expect(damerauLevenshteinWithin(1, 'nguyen', 'nguyne')).toBe(1);
    expect(damerauLevenshteinWithin(1, 'nguyen', 'nguyn')).toBe(1);
    expect(damerauLevenshteinWithin(0, 'an', 'an')).toBe(0);
  });

  it('returns max + 1 beyond max, including the early length exit', () => {
    expect(damerauLevenshteinWithin(1, 'kitten', 'sitting')).toBe(2);
    expect(damerauLevenshteinWithin(2, 'kitten', 'sitting')).toBe(3);
    expect(damerauLevenshteinWithin(0, 'an', 'anh')).toBe(1);
    expect(damerauLevenshteinWithin(2, 'a', 'abcdef')).toBe(3);
    expect(damerauLevenshteinWithin(3, '', 'abc')).toBe(3);
    expect(damerauLevenshteinWithin(2, '', 'abc')).toBe(3);
  });

  it('rejects a bad max or a non-string', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 31]) {
      let err: unknown;
      try {
        damerauLevenshteinWithin(bad, 'a', 'b');
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => damerauLevenshteinWithin(1, 'a', null as unknown as string)).toThrowError(/must be a string/);
  });

  it('agrees with the naive full OSA matrix for every max', () => {
    fc.assert(fc.property(small, small, fc.nat(6), (a, b, max) => {
      const full = naiveOsa(a, b);
      const got = damerauLevenshteinWithin(max, a, b);
      expect(got).toBe(full <= max ? full : max + 1);
      expect(damerauLevenshteinWithin(max, b, a)).toBe(got);
    }), { numRuns: 1000 });
  });

  it('is never above Levenshtein (a transposition is one edit, not two)', () => {
    fc.assert(fc.property(small, small, (a, b) => {
      expect(damerauLevenshteinWithin(100, a, b)).toBeLessThanOrEqual(levenshteinDistance(a, b));
    }), { numRuns: 500 });
  });

  it('span version on offset byte spans equals the string version', () => {
    fc.assert(fc.property(small, small, fc.nat(4), fc.nat(3), (a, b, p, max) => {
      const ua = bytesOf('q'.repeat(p) + a + 'c');
      const ub = bytesOf('a' + b + 'a');
      expect(damerauLevenshteinWithinSpans(max, ua, p, p + a.length, ub, 1, 1 + b.length)).toBe(damerauLevenshteinWithin(max, a, b));
    }), { numRuns: 500 });
  });

  it('grows its scratch for long inputs and still agrees with the full OSA matrix', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 60, maxLength: 300 }), fc.integer({ min: 0, max: 400 }), (a, b, max) => {
      const full = naiveOsa(a, b);
      expect(damerauLevenshteinWithin(max, a, b)).toBe(full <= max ? full : max + 1);
    }), { numRuns: 30 });
  });
});
