/**
 * bench/lib/rounds.ts: over k rounds each of k configurations runs once in each position —
 * for an odd number of rounds too (reversing every other round did not: with 3 rounds the first
 * configuration went first twice).
 */
import { describe, expect, it } from 'vitest';
import { roundOrder } from '../../bench/lib/rounds.js';

describe('roundOrder', () => {
  it.each([1, 2, 3, 4, 5])('puts each of %i configurations once in each position over as many rounds', (k) => {
    const seen = Array.from({ length: k }, () => new Set<number>());
    for (let r = 0; r < k; r++) {
      const order = roundOrder(k, r);
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(k).keys()]);
      order.forEach((c, pos) => seen[c]!.add(pos));
    }
    for (const positions of seen) expect(positions.size).toBe(k);
  });
  it('gives 3 configurations over 3 rounds no first-place majority', () => {
    const firsts = [0, 1, 2].map((r) => roundOrder(3, r)[0]);
    expect(new Set(firsts).size).toBe(3);
  });
  it('refuses a count or round that is not a whole number', () => {
    expect(() => roundOrder(0, 0)).toThrow(RangeError);
    expect(() => roundOrder(3, -1)).toThrow(RangeError);
    expect(() => roundOrder(2.5, 0)).toThrow(RangeError);
  });
});
