import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_RANGES, MIN_RANGE_PAIRS, pairRanges, rangeStart, taskGroups } from '../../src/pool/pair-ranges.js';

describe('pairRanges', () => {
  it('known answers', () => {
    expect(pairRanges(0)).toEqual({ count: 0, size: MIN_RANGE_PAIRS, ranges: 0 });
    expect(pairRanges(1)).toEqual({ count: 1, size: 1024, ranges: 1 });
    expect(pairRanges(1024)).toEqual({ count: 1024, size: 1024, ranges: 1 });
    expect(pairRanges(1025)).toEqual({ count: 1025, size: 1024, ranges: 2 });
    // 2M pairs: ⌈2e6 / 256⌉ = 7813 → 8192 per range → 245 ranges
    expect(pairRanges(2_000_000)).toEqual({ count: 2_000_000, size: 8192, ranges: 245 });
  });

  it('ranges tile [0, count) in multiples of 1024, at most MAX_RANGES of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (count) => {
        const r = pairRanges(count);
        expect(r.size % 1024).toBe(0);
        expect(r.ranges).toBeLessThanOrEqual(MAX_RANGES);
        if (count === 0) {
          expect(r.ranges).toBe(0);
          return;
        }
        expect(rangeStart(r, 0)).toBe(0);
        expect(rangeStart(r, r.ranges)).toBe(count);
        expect(rangeStart(r, r.ranges - 1)).toBeLessThan(count); // no empty last range
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a bad count', () => {
    expect(() => pairRanges(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => pairRanges(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('taskGroups', () => {
  it('partitions the ranges into contiguous non-empty groups, whatever the thread count', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 6 }), (count, threads, perThread) => {
        const r = pairRanges(count);
        const g = taskGroups(r, threads, perThread);
        if (r.ranges === 0) {
          expect(g).toEqual([]);
          return;
        }
        expect(g[0]!.fromRange).toBe(0);
        expect(g[g.length - 1]!.toRange).toBe(r.ranges);
        for (let i = 0; i < g.length; i++) {
          expect(g[i]!.toRange).toBeGreaterThan(g[i]!.fromRange);
          if (i > 0) expect(g[i]!.fromRange).toBe(g[i - 1]!.toRange);
        }
        expect(g.length).toBe(Math.min(r.ranges, threads * perThread));
        expect(taskGroups(r, threads).length).toBe(Math.min(r.ranges, threads * 4)); // default: 4 per thread
      }),
      { numRuns: 300 },
    );
  });
});
