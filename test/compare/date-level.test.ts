import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DATE_LEVELS, DateLevel, compareDates } from '../../src/compare/date-level.js';
import { isKhopError } from '../../src/errors.js';

describe('compareDates', () => {
  const table: Array<[number, number, DateLevel]> = [
    [0, 19900512, DateLevel.MISSING],
    [19900512, 0, DateLevel.MISSING],
    [19900512, 19900512, DateLevel.EXACT],
    [19900512, 19901205, DateLevel.DAY_MONTH_SWAPPED], // 12/05 vs 05/12
    [19900513, 19900512, DateLevel.ONE_DAY_APART],
    [19891231, 19900101, DateLevel.ONE_DAY_APART], // across the year end
    [20000229, 20000301, DateLevel.ONE_DAY_APART], // 2000 is a leap year
    [19000228, 19000301, DateLevel.ONE_DAY_APART], // 1900 is not
    [19960131, 19960201, DateLevel.ONE_DAY_APART], // across a month end
    [19900000, 19900512, DateLevel.PARTIAL_AGREES], // year-only vs full date
    [19900500, 19900512, DateLevel.PARTIAL_AGREES], // month precision vs full date
    [19900000, 19900000, DateLevel.PARTIAL_AGREES], // two year-only dates
    [19900500, 19900000, DateLevel.PARTIAL_AGREES],
    [19900512, 19900520, DateLevel.SAME_YEAR_MONTH],
    [19900101, 19900720, DateLevel.JANUARY_FIRST_SAME_YEAR], // 01/01/yyyy stand-in
    [19900512, 19910512, DateLevel.ONE_DIGIT], // year typo
    [19900512, 19900612, DateLevel.ONE_DIGIT], // month typo
    [19640412, 19460412, DateLevel.ONE_DIGIT], // adjacent digits swapped
    [19900512, 19920512, DateLevel.ONE_DIGIT],
    [19900512, 19850512, DateLevel.ELSE], // two digits
    [19640412, 19640421, DateLevel.SAME_YEAR_MONTH],
    [19640412, 14690412, DateLevel.ELSE], // non-adjacent digits exchanged
    [19900500, 19900600, DateLevel.ELSE],
    [19900000, 19910512, DateLevel.ELSE],
    [19900500, 19900612, DateLevel.ELSE],
    [20000228, 20000301, DateLevel.ELSE], // two days apart in a leap year
    [19900101, 19910101, DateLevel.ONE_DIGIT],
    [19900101, 19930201, DateLevel.ELSE],
  ];
  it.each(table)('%i vs %i → level %i', (a, b, level) => {
    expect(compareDates(a, b)).toBe(level);
    expect(compareDates(b, a)).toBe(level);
  });

  it('every level is reached by the table', () => {
    expect([...new Set(table.map((r) => r[2]))].sort((x, y) => x - y)).toEqual(DATE_LEVELS.map((l) => l.code));
  });

  it('rejects values that are not packed dates', () => {
    for (const bad of [19901301, 19900230, 19010229, 19900015, -19900101, 1990051.5, 999, 100000000, Number.NaN]) {
      let err: unknown;
      try {
        compareDates(bad, 19900101);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect(() => compareDates(0, bad)).toThrow();
    }
  });

  it('one-day-apart agrees with the JS calendar on random dates', () => {
    const day = 86_400_000;
    const pack = (d: Date): number => d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2100, 0, 1) / day }), fc.integer({ min: -3, max: 3 }), (n, delta) => {
      const a = pack(new Date(n * day));
      const b = pack(new Date((n + delta) * day));
      const level = compareDates(a, b);
      if (delta === 0) expect(level).toBe(DateLevel.EXACT);
      else if (Math.abs(delta) === 1) expect(level).toBe(DateLevel.ONE_DAY_APART);
      else expect(level).not.toBe(DateLevel.ONE_DAY_APART);
    }), { numRuns: 1000 });
  });
});
