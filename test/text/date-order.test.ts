import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { guessDateOrder } from '../../src/text/date-order.js';
import { parseDate } from '../../src/text/date.js';

const pad = (n: number) => String(n).padStart(2, '0');
/** A valid calendar date (day within its month's length). */
const date = fc.record({ year: fc.integer({ min: 1900, max: 2030 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) }).filter(
  (d) => d.day <= new Date(Date.UTC(d.year, d.month, 0)).getUTCDate(),
);
const sep = fc.constantFrom('/', '-', '.');
const render = (d: { year: number; month: number; day: number }, s: string, order: 'dmy' | 'mdy', padded: boolean) => {
  const f = (n: number) => (padded ? pad(n) : String(n));
  return order === 'dmy' ? `${f(d.day)}${s}${f(d.month)}${s}${d.year}` : `${f(d.month)}${s}${f(d.day)}${s}${d.year}`;
};

describe('guessDateOrder', () => {
  it('agrees, value by value, with what parseDate can read in each order (valid calendar dates)', () => {
    fc.assert(
      fc.property(date, sep, fc.constantFrom<'dmy' | 'mdy'>('dmy', 'mdy'), fc.boolean(), (d, s, order, padded) => {
        const v = render(d, s, order, padded);
        const dmy = parseDate(v).ok;
        const mdy = parseDate(v, { order: 'mdy' }).ok;
        const g = guessDateOrder([v]);
        expect(g.dayFirst).toBe(dmy && !mdy ? 1 : 0);
        expect(g.monthFirst).toBe(mdy && !dmy ? 1 : 0);
      }),
    );
  });

  it('a column written day first is never read month first; one written month first is, once a day is above 12', () => {
    fc.assert(
      fc.property(fc.array(date, { minLength: 1, maxLength: 60 }), sep, (dates, s) => {
        expect(guessDateOrder(dates.map((d) => render(d, s, 'dmy', true))).order).toBe('dmy');
        const us = guessDateOrder(dates.map((d) => render(d, s, 'mdy', true)));
        expect(us.order).toBe(dates.some((d) => d.day > 12) ? 'mdy' : 'dmy');
        expect(us.dayFirst).toBe(0);
      }),
    );
  });

  it('a column with both kinds stays day first and counts each', () => {
    const g = guessDateOrder(['31/12/1990', '12/31/1990', '13.01.1985', '05/06/1990']);
    expect(g).toEqual({ order: 'dmy', dayFirst: 2, monthFirst: 1 });
  });

  it('ISO dates, compact digits, worded dates, month-year, blanks and non-strings are no evidence', () => {
    const g = guessDateOrder(['1990-12-31', '19901231', '5 January 1990', '12/1990', '', null, undefined, 19901231, new Date(0), '  ', '31/12']);
    expect(g).toEqual({ order: 'dmy', dayFirst: 0, monthFirst: 0 });
  });

  it('a trailing time and surrounding spaces are allowed; a longer number is not a date', () => {
    expect(guessDateOrder([' 12/31/1990 00:00 ']).monthFirst).toBe(1);
    expect(guessDateOrder(['12/31/19901']).monthFirst).toBe(0);
  });
});
