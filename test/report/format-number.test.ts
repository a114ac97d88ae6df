import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MISSING,
  formatCompactCount,
  formatCount,
  formatProbability,
  formatTick,
  formatWeight,
} from '../../src/report/format-number.js';
import { parseShown } from './html-inspect.js';

const BAD = [NaN, Infinity, -Infinity];

describe('number formats', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1234, '\u22121,234'],
    [12.345, '12.35'],
    [1234.5, '1,234.50'],
    [-0, '0'],
  ])('formatCount(%s) = %s', (n, s) => expect(formatCount(n)).toBe(s));

  it.each([
    [3.3219, '+3.32'],
    [-1.2, '\u22121.20'],
    [0, '0.00'],
    [-0.001, '0.00'],
    [0.004, '0.00'],
    [0.005, '+0.01'],
    [-19.25, '\u221219.25'],
  ])('formatWeight(%s) = %s', (w, s) => expect(formatWeight(w)).toBe(s));

  it.each([
    [0.95, '0.9500'],
    [0.01, '0.0100'],
    [0.0012, '1.20e-3'],
    [1.6e-6, '1.60e-6'],
    [0, '0'],
    [1, '1.0000'],
    [-0.5, '\u22120.5000'],
  ])('formatProbability(%s) = %s', (p, s) => expect(formatProbability(p)).toBe(s));

  it.each([
    [20, 20, '20'],
    [12000, 2000, '12,000'],
    [0.5, 0.5, '0.5'],
    [-2.5, 0.5, '\u22122.5'],
    [0.3, 0.1, '0.3'],
    [0.05, 0.05, '0.05'],
    [0, 10, '0'],
  ])('formatTick(%s, step %s) = %s', (v, step, s) => expect(formatTick(v, step)).toBe(s));

  it.each([
    [950, '950'],
    [1000, '1k'],
    [10000, '10k'],
    [12345, '12.3k'],
    [99_949, '99.9k'],
    [99_960, '100k'],
    [999_499, '999k'],
    [999_949, '1M'],
    [999_999, '1M'],
    [1_200_000, '1.2M'],
    [4.5e9, '4.5G'],
  ])('formatCompactCount(%s) = %s', (n, s) => expect(formatCompactCount(n)).toBe(s));

  it('shows every non-finite value as the missing mark', () => {
    for (const v of BAD) {
      expect(formatCount(v)).toBe(MISSING);
      expect(formatWeight(v)).toBe(MISSING);
      expect(formatProbability(v)).toBe(MISSING);
      expect(formatTick(v, 1)).toBe(MISSING);
      expect(formatCompactCount(v)).toBe(MISSING);
    }
  });

  it('formatCount reads back exactly for safe integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), (n) => {
        expect(parseShown(formatCount(n))).toBe(n);
      }),
    );
  });

  it('formatWeight reads back within half a hundredth, with an explicit sign on non-zero values', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (w) => {
        const s = formatWeight(w);
        expect(Math.abs(parseShown(s) - w)).toBeLessThanOrEqual(0.005 + 1e-9);
        if (s !== '0.00') expect(s[0] === '+' || s[0] === '\u2212').toBe(true);
      }),
    );
  });

  it('formatProbability keeps three significant digits', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1, noNaN: true }), (p) => {
        const back = parseShown(formatProbability(p));
        expect(Math.abs(back - p)).toBeLessThanOrEqual(Math.max(p * 0.005, 0.00005) + 1e-15);
      }),
    );
  });
});
