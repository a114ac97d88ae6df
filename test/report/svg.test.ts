import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormed } from './html-inspect.js';
import { MAX_PLOTTED_MAGNITUDE, coord, countScale, isPlottable, niceTicks, scaleLinear, svgRect, truncateLabel, wantsLogScale } from '../../src/report/svg.js';

describe('niceTicks (Heckbert 1990)', () => {
  it.each([
    [0, 100, 5, { lo: 0, hi: 100, step: 20 }],
    [-40, 50, 8, { lo: -40, hi: 50, step: 10 }],
    [0, 1, 4, { lo: 0, hi: 1, step: 0.2 }],
    [-19.25, 5.11, 6, { lo: -20, hi: 10, step: 10 }],
    [-2.0000000000000004, 5e-324, 2, { lo: -4, hi: 2, step: 2 }],
    [3, 3, 4, { lo: 2, hi: 4, step: 0.5 }],
    [0, 0, 4, { lo: 0, hi: 1, step: 0.2 }],
    [0, 5e-324, 4, { lo: 0, hi: 1, step: 0.2 }],
    [-3, -3, 4, { lo: -4, hi: -2, step: 0.5 }],
  ])('[%s, %s] in about %s steps', (a, b, n, want) => {
    const t = niceTicks(a, b, n);
    expect({ lo: t.lo, hi: t.hi, step: t.step }).toEqual(want);
  });

  it('covers the interval with evenly spaced 1-2-5 steps', () => {
    const finite = fc.double({ min: -1e12, max: 1e12, noNaN: true });
    fc.assert(
      fc.property(finite, finite, fc.integer({ min: 2, max: 10 }), (a, b, n) => {
        const t = niceTicks(a, b, n);
        expect(t.lo).toBeLessThanOrEqual(Math.min(a, b));
        expect(t.hi).toBeGreaterThanOrEqual(Math.max(a, b));
        const mantissa = t.step / 10 ** Math.floor(Math.log10(t.step) + 1e-9);
        expect([1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)).toBe(true);
        expect(t.values.length).toBeGreaterThanOrEqual(2);
        expect(t.values.length).toBeLessThanOrEqual(4 * n + 2);
        for (let i = 1; i < t.values.length; i++) {
          expect(Math.abs(t.values[i] - t.values[i - 1] - t.step)).toBeLessThanOrEqual(t.step * 1e-6);
        }
      }),
    );
  });
});

describe('scales and shapes', () => {
  it('coord rounds to 0.1 px and never prints -0', () => {
    expect(coord(12.345)).toBe('12.3');
    expect(coord(-0.04)).toBe('0');
    expect(coord(100)).toBe('100');
  });

  it('scaleLinear maps the ends of the domain to the ends of the range', () => {
    expect(scaleLinear(-10, -10, 30, 64, 704)).toBe(64);
    expect(scaleLinear(30, -10, 30, 64, 704)).toBe(704);
    expect(scaleLinear(10, -10, 30, 64, 704)).toBe(384);
    expect(scaleLinear(5, 5, 5, 1, 2)).toBe(1);
  });

  it('switches to a log count scale only for a wide spread', () => {
    expect(wantsLogScale([10, 20, 300])).toBe(false);
    expect(wantsLogScale([1, 0, 51])).toBe(true);
    expect(wantsLogScale([0, 0])).toBe(false);
    expect(wantsLogScale([NaN, 1, 2])).toBe(false);
    expect(countScale(1234, true).ticks).toEqual([0, 1, 10, 100, 1000, 10000]);
    expect(countScale(3, false).ticks).toEqual([0, 1, 2, 3]);
    expect(countScale(1, false).ticks).toEqual([0, 1]); // no fractional count ticks
    expect(countScale(0, false).ticks).toEqual([0, 1]);
  });

  it('svgRect normalises direction and keeps tiny bars visible', () => {
    expect(svgRect(10, 20, 5, 8, 'bar')).toBe('<rect class="bar" x="5" y="8" width="5" height="12"/>');
    expect(svgRect(10, 0, 10.2, 10, 'bar')).toBe('<rect class="bar" x="9.6" y="0" width="1" height="10"/>');
    expect(svgRect(0, 0, 5, 5, 'bar', 'a<b')).toBe('<rect class="bar" x="0" y="0" width="5" height="5"><title>a&lt;b</title></rect>');
  });

  it('isPlottable rejects NaN, infinities and absurd magnitudes', () => {
    expect([0, -30, MAX_PLOTTED_MAGNITUDE].every(isPlottable)).toBe(true);
    expect([NaN, Infinity, -Infinity, MAX_PLOTTED_MAGNITUDE * 10].some(isPlottable)).toBe(false);
  });

  it('truncateLabel cuts with an ellipsis and never splits a surrogate pair', () => {
    expect(truncateLabel('short', 10)).toBe('short');
    expect(truncateLabel('abcdefghijkl', 5)).toBe('abcd\u2026');
    const cut = truncateLabel('abc😀def', 5);
    expect(isWellFormed(cut)).toBe(true);
    expect(cut.length).toBeLessThanOrEqual(5);
  });
});
