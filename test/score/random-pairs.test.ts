import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sampleRandomPairs } from '../../src/score/random-pairs.js';
import { isKhopError } from '../../src/errors.js';

describe('sampleRandomPairs', () => {
  it('dedupe: distinct rows, left < right, in range; deterministic per seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10_000 }), fc.integer({ min: 0, max: 2000 }), fc.integer(), (rows, n, seed) => {
        const a = sampleRandomPairs(n, rows, seed);
        const b = sampleRandomPairs(n, rows, seed);
        expect(a).toEqual(b);
        const total = (rows * (rows - 1)) / 2;
        expect(a.count).toBe(Math.min(n, total));
        expect(a.exhaustive).toBe(n >= total);
        for (let i = 0; i < a.count; i++) {
          if (!(a.left[i]! < a.right[i]! && a.right[i]! < rows)) return false;
        }
        return true;
      }),
      { numRuns: 100 },
    );
  });

  it('different seeds give different samples', () => {
    const a = sampleRandomPairs(100, 1_000_000, 1);
    const b = sampleRandomPairs(100, 1_000_000, 2);
    expect(a.left).not.toEqual(b.left);
  });

  it('link: each side in its own range', () => {
    const r = sampleRandomPairs(5000, { left: 7, right: 100_000 }, 3);
    expect(r.count).toBe(5000);
    expect(Math.max(...r.left)).toBeLessThan(7);
    expect(Math.max(...r.right)).toBeLessThan(100_000);
    expect(new Set(r.left).size).toBe(7);
  });

  it('returns every distinct pair once when asked for at least that many', () => {
    const d = sampleRandomPairs(100, 5, 9);
    expect(d.exhaustive).toBe(true);
    expect(d.count).toBe(10);
    expect(new Set(Array.from(d.left, (l, i) => `${l}-${d.right[i]}`)).size).toBe(10);
    const l = sampleRandomPairs(6, { left: 2, right: 3 }, 9);
    expect(l.exhaustive).toBe(true);
    expect(Array.from(l.left)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(l.right)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('is uniform over unordered pairs (400 rows, 50k draws: row marginals and gap distribution)', () => {
    const rows = 400;
    const draws = 50_000;
    const total = (rows * (rows - 1)) / 2;
    const r = sampleRandomPairs(draws, rows, 12345);
    expect(r.exhaustive).toBe(false);
    // each row is in a uniform unordered pair with probability 2 / rows
    const seen = new Float64Array(rows);
    for (let i = 0; i < draws; i++) {
      seen[r.left[i]!]++;
      seen[r.right[i]!]++;
    }
    const e = (2 * draws) / rows;
    let chi = 0;
    for (const c of seen) chi += (c - e) ** 2 / e;
    expect(chi).toBeLessThan(rows - 1 + 5 * Math.sqrt(2 * (rows - 1))); // df = 399, 5 s.d.
    // gap d = right − left has P(d) = (rows − d) / total; compare 4 buckets of d
    const edges = [1, 50, 100, 200, rows];
    for (let b = 0; b < 4; b++) {
      let p = 0;
      for (let d = edges[b]!; d < edges[b + 1]!; d++) p += (rows - d) / total;
      let got = 0;
      for (let i = 0; i < draws; i++) {
        const d = r.right[i]! - r.left[i]!;
        if (d >= edges[b]! && d < edges[b + 1]!) got++;
      }
      expect(Math.abs(got - p * draws)).toBeLessThan(5 * Math.sqrt(draws * p * (1 - p)));
    }
  });

  it.each<[string, () => unknown]>([
    ['one row', () => sampleRandomPairs(10, 1, 1)],
    ['fractional pairs', () => sampleRandomPairs(1.5, 10, 1)],
    ['negative pairs', () => sampleRandomPairs(-1, 10, 1)],
    ['NaN seed', () => sampleRandomPairs(1, 10, Number.NaN)],
    ['empty link side', () => sampleRandomPairs(1, { left: 0, right: 10 }, 1)],
    ['rows as string', () => sampleRandomPairs(1, '10' as never, 1)],
  ])('rejects %s', (_n, fn) => {
    try {
      fn();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_ARGUMENT')).toBe(true);
      return;
    }
    throw new Error('no throw');
  });
});
