import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import {
  DEFAULT_MAX_YEAR,
  DEFAULT_MIN_YEAR,
  daysInMonth,
  formatPackedDate,
  isValidPackedDate,
  parseDate,
  typedDateDigits,
  type DateParseOptions,
} from '../../src/text/date.js';

type Ok = readonly [input: unknown, packed: number, precision: 'day' | 'month' | 'year', swappable: boolean, options?: DateParseOptions];

const VALID: readonly Ok[] = [
  ['01/05/1990', 19900501, 'day', true],
  ['1/5/1990', 19900501, 'day', true],
  ['01-05-1990', 19900501, 'day', true],
  ['01.05.1990', 19900501, 'day', true],
  ['1990-05-01', 19900501, 'day', true],
  ['1990/05/01', 19900501, 'day', true],
  ['19900501', 19900501, 'day', true],
  ['25/12/1975', 19751225, 'day', false],
  ['05/05/1990', 19900505, 'day', false], // day = month: swapping changes nothing
  ['12/11/2001', 20011112, 'day', true],
  ['1990', 19900000, 'year', false],
  ['05/1990', 19900500, 'month', false],
  ['5/1990', 19900500, 'month', false],
  ['1990-05', 19900500, 'month', false],
  ['00/00/1990', 19900000, 'year', false],
  ['0/0/1990', 19900000, 'year', false],
  ['00/05/1990', 19900500, 'month', false],
  ['19900000', 19900000, 'year', false],
  ['19900500', 19900500, 'month', false],
  ['29/02/2000', 20000229, 'day', false], // 2000 is a leap year
  ['29/02/2024', 20240229, 'day', false],
  ['31/12/1899', 18991231, 'day', false],
  ['01/01/1800', 18000101, 'day', false],
  ['31/12/2100', 21001231, 'day', false],
  ['  01/05/1990  ', 19900501, 'day', true],
  ['\uff10\uff11/\uff10\uff15/\uff11\uff19\uff19\uff10', 19900501, 'day', true], // full-width
  ['1990-05-01T00:00:00Z', 19900501, 'day', true],
  ['1990-05-01T00:00:00.000Z', 19900501, 'day', true],
  // Midnight with a UTC offset: the date written is the local date.
  ['1990-05-01T00:00:00+07:00', 19900501, 'day', true],
  ['1990-05-01T00:00:00-0530', 19900501, 'day', true],
  ['1990-05-01T00:00+07', 19900501, 'day', true],
  ['1990-05-01 00:00', 19900501, 'day', true],
  ['01/05/1990 00:00:00', 19900501, 'day', true],
  // Worded: English month names, Vietnamese "ngày … tháng … năm …"; a named month is never swapped.
  ['5 January 1990', 19900105, 'day', false],
  ['January 5, 1990', 19900105, 'day', false],
  ['05-JAN-1990', 19900105, 'day', false], // Oracle's DD-MON-YYYY
  ['5th of Jan 1990', 19900105, 'day', false],
  ['Friday, January 5, 1990', 19900105, 'day', false],
  ['Sept 9 2001', 20010909, 'day', false],
  ['5 January 1990', 19900105, 'day', false, { order: 'mdy' }],
  ['January 1990', 19900100, 'month', false],
  ['ngày 15 tháng 3 năm 1985', 19850315, 'day', false],
  ['15 tháng 3 năm 1985', 19850315, 'day', false],
  ['Ngày 05 Tháng 03 Năm 1985', 19850305, 'day', false],
  ['ngay 5 thang 3 nam 1985', 19850305, 'day', false],
  ['tháng 3 năm 1985', 19850300, 'month', false],
  ['năm 1985', 19850000, 'year', false],
  ['\uff11\uff15 tháng \uff13 năm \uff11\uff19\uff18\uff15', 19850315, 'day', false],
  // Midnight on a 12-hour clock (Excel / SQL Server exports, US and Vietnamese locales).
  ['01/05/1990 12:00:00 AM', 19900501, 'day', true],
  ['01/05/1990 12:00 am', 19900501, 'day', true],
  ['01/05/1990 12:00:00 SA', 19900501, 'day', true],
  ['1990-05-01 12:00:00.000 A.M.', 19900501, 'day', true],
  ['01/05/1990 00:00AM', 19900501, 'day', true],
  ['5/1/1990 12:00:00 AM', 19900501, 'day', true, { order: 'mdy' }],
  ['05/01/1990', 19900501, 'day', true, { order: 'mdy' }],
  ['12/25/1975', 19751225, 'day', false, { order: 'mdy' }],
  ['1990-05-01', 19900501, 'day', true, { order: 'mdy' }], // ISO ignores order
  [19900501, 19900501, 'day', true],
  [1990, 19900000, 'year', false],
  [19900500, 19900500, 'month', false],
  ['1750', 17500000, 'year', false, { minYear: 1700 }],
  // Excel 1900 date system (known values: 1 = 1900-01-01, 59 = 1900-02-28, 61 = 1900-03-01,
  // 25569 = 1970-01-01, 36526 = 2000-01-01, 45658 = 2025-01-01)
  [1, 19000101, 'day', false, { excelSerial: true }],
  [59, 19000228, 'day', false, { excelSerial: true }],
  [61, 19000301, 'day', true, { excelSerial: true }],
  [25569, 19700101, 'day', false, { excelSerial: true }],
  [32994, 19900501, 'day', true, { excelSerial: true }],
  [36526, 20000101, 'day', false, { excelSerial: true }],
  [36526.75, 20000101, 'day', false, { excelSerial: true }], // time of day ignored
  [45658, 20250101, 'day', false, { excelSerial: true }],
  ['36526', 20000101, 'day', false, { excelSerial: true }],
  ['1990', 19900000, 'year', false, { excelSerial: true }], // a 4-digit year stays a year
  // a number reads as the same digits as a string (was: every number a serial — 1950 became
  // 1905-05-03, 19900501 year-out-of-range)
  [1950, 19500000, 'year', false, { excelSerial: true }],
  [19900501, 19900501, 'day', true, { excelSerial: true }],
  [1000, 19020926, 'day', false, { excelSerial: true }], // 1000 is below minYear: a serial, as '1000'
];

// typed: the parts as typed in yyyymmdd order, for a full date in a valid shape (typedDateDigits).
const INVALID: ReadonlyArray<readonly [input: unknown, reason: string, options?: DateParseOptions, typed?: number]> = [
  ['31/02/1990', 'impossible-date', undefined, 19900231],
  ['29/02/1991', 'impossible-date', undefined, 19910229],
  ['29/02/1900', 'impossible-date', undefined, 19000229], // 1900 is not a leap year
  ['31/04/1990', 'impossible-date', undefined, 19900431],
  ['32/01/1990', 'day-out-of-range', undefined, 19900132],
  ['01/13/1990', 'month-out-of-range', undefined, 19901301],
  ['13/01/1990', 'month-out-of-range', { order: 'mdy' }, 19901301], // month first: month 13
  ['13/13/1990', 'month-out-of-range', undefined, 19901313],
  ['1997-21-25', 'month-out-of-range', undefined, 19972125],
  ['1060-06-27', 'year-out-of-range', undefined, 10600627],
  ['2001-12-64', 'day-out-of-range', undefined, 20011264],
  ['19972125', 'month-out-of-range', undefined, 19972125],
  [19901332, 'month-out-of-range', undefined, 19901332],
  ['25/21/1997', 'month-out-of-range', { order: 'mdy' }, 19972521],
  ['05/00/1990', 'day-without-month', undefined, 19900005],
  ['19900005', 'day-without-month', undefined, 19900005],
  ['1799', 'year-out-of-range'],
  ['2101', 'year-out-of-range'],
  ['01/01/0000', 'year-out-of-range', undefined, 101],
  ['00/00/0000', 'year-out-of-range'], // all parts zero: nothing typed
  ['1990', 'year-out-of-range', { minYear: 1991 }],
  ['01/05/90', 'two-digit-year'],
  ['05/90', 'two-digit-year'],
  ['90', 'two-digit-year'],
  ['1990-05-01T17:00:00Z', 'time-not-midnight'],
  ['1990-05-01T07:00:00+07:00', 'time-not-midnight'],
  ['1990-05-01T00:00:00+7', 'time-not-midnight'],
  ['01/05/1990 08:30', 'time-not-midnight'],
  ['01/05/1990 8:30:00', 'time-not-midnight'],
  ['01/05/1990 12:00:00 PM', 'time-not-midnight'], // noon
  ['01/05/1990 12:00:00 CH', 'time-not-midnight'], // chiều: noon
  ['01/05/1990 12:00:01 AM', 'time-not-midnight'],
  ['01/05/1990 01:00:00 AM', 'time-not-midnight'],
  ['01/05/1990 12:00:00', 'time-not-midnight'], // 24-hour noon
  // Text after a space that is no time is an unread format, not a time.
  ['15 Marz 1985', 'format'],
  ['15 tháng 3 năm 1985 sáng', 'format'],
  // Worded dates that are no date, or with a two-digit year.
  ['Nam', 'format'],
  ['Nữ', 'format'],
  ['5 January', 'format'], // no year
  ['January February 1990', 'format'],
  ['tháng 3', 'format'],
  ['3 năm 1985', 'format'], // a bare number not before "tháng"
  ['Jan 5 90', 'two-digit-year'],
  ['05-Jan-90', 'two-digit-year'],
  ['năm 85', 'two-digit-year'],
  ['31 February 1990', 'impossible-date', undefined, 19900231],
  ['15 tháng 13 năm 1985', 'month-out-of-range', undefined, 19851315],
  ['01/05/1990 0830', 'format'],
  ['01/05/1990 123:00', 'format'],
  ['01/05-1990', 'format'],
  ['01//05/1990', 'format'],
  ['01/05/1990/', 'format'],
  ['1/2/3/1990', 'format'],
  ['199005', 'format'],
  ['01051990x', 'format'],
  ['hôm qua', 'format'],
  ['abc', 'format'],
  ['-1990', 'format'],
  ['', 'empty'],
  ['   ', 'empty'],
  [null, 'empty'],
  [undefined, 'empty'],
  [Number.NaN, 'not-finite'],
  [Number.POSITIVE_INFINITY, 'not-finite'],
  [1990.5, 'format'],
  [-5, 'format'],
  [{}, 'unsupported-type'],
  [new Date(0), 'unsupported-type'],
  [[1990], 'unsupported-type'],
  [true, 'unsupported-type'],
  [60, 'impossible-date', { excelSerial: true }], // Lotus 1-2-3's 29 Feb 1900
  [0, 'year-out-of-range', { excelSerial: true }],
  [-1, 'year-out-of-range', { excelSerial: true }],
];

describe('parseDate — known answers', () => {
  for (const [input, packed, precision, swappable, options] of VALID) {
    it(`${JSON.stringify(input)} ${options ? JSON.stringify(options) : ''} → ${packed}`, () => {
      const r = parseDate(input, options);
      expect(r).toEqual({
        ok: true,
        year: Math.floor(packed / 10000),
        month: Math.floor(packed / 100) % 100,
        day: packed % 100,
        packed,
        swappable,
        precision,
      });
    });
  }
  for (const [input, reason, options, typed] of INVALID) {
    it(`${String(JSON.stringify(input))} ${options ? JSON.stringify(options) : ''} → ${reason}${typed !== undefined ? ` (typed ${typed})` : ''}`, () => {
      expect(parseDate(input, options)).toStrictEqual({ ok: false, code: 'INVALID_DATE', reason });
      expect(typedDateDigits(input, options)).toBe(typed ?? 0);
    });
  }

  it('documents its defaults', () => {
    expect([DEFAULT_MIN_YEAR, DEFAULT_MAX_YEAR]).toEqual([1800, 2100]);
  });

  it('rejects malformed options with INVALID_OPTION (programmer error)', () => {
    const bad: DateParseOptions[] = [
      { order: 'ymd' as 'dmy' },
      { minYear: 1.5 },
      { maxYear: Number.NaN },
      { minYear: 2000, maxYear: 1990 },
      { excelSerial: 'yes' as unknown as boolean },
      'dmy' as unknown as DateParseOptions,
    ];
    for (const o of bad) {
      let err: unknown;
      try {
        parseDate('01/05/1990', o);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    }
  });
});

describe('formatPackedDate / isValidPackedDate', () => {
  it('formats at the date precision', () => {
    expect(formatPackedDate(19900501)).toBe('1990-05-01');
    expect(formatPackedDate(19900500)).toBe('1990-05');
    expect(formatPackedDate(19900000)).toBe('1990');
    expect(formatPackedDate(20001231)).toBe('2000-12-31');
  });

  it('throws INVALID_ARGUMENT on an invalid packed date', () => {
    for (const p of [19900230, 19901301, 19900005, 1.5, -19900101, Number.NaN, 0]) {
      let err: unknown;
      try {
        formatPackedDate(p);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('isValidPackedDate follows the calendar and the year bounds', () => {
    expect(isValidPackedDate(20000229)).toBe(true);
    expect(isValidPackedDate(19000229)).toBe(false);
    expect(isValidPackedDate(19900431)).toBe(false);
    expect(isValidPackedDate(19900005)).toBe(false);
    expect(isValidPackedDate(17991231)).toBe(false);
    expect(isValidPackedDate(17991231, { minYear: 1700 })).toBe(true);
    expect(isValidPackedDate(19900501.5)).toBe(false);
  });

  it('round-trips EVERY valid packed date in the default range (format → parse → same packed)', () => {
    let n = 0;
    for (let y = DEFAULT_MIN_YEAR; y <= DEFAULT_MAX_YEAR; y++) {
      for (let m = 0; m <= 12; m++) {
        const last = m === 0 ? 0 : daysInMonth(y, m);
        for (let d = 0; d <= last; d++) {
          const packed = y * 10000 + m * 100 + d;
          const r = parseDate(formatPackedDate(packed));
          if (!r.ok || r.packed !== packed) throw new Error(`round trip failed for ${packed}`);
          n++;
        }
      }
    }
    // 301 years × (365.24 days + 12 month-only + 1 year-only)
    expect(n).toBe(109938 + 301 * 13);
  });

  it('day-first text of a valid date parses back to it (property)', () => {
    const date = fc.record({ y: fc.integer({ min: 1800, max: 2100 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 31 }) });
    fc.assert(
      fc.property(date, ({ y, m, d }) => {
        const valid = d <= daysInMonth(y, m);
        const r = parseDate(`${d}/${m}/${y}`);
        return valid ? r.ok && r.packed === y * 10000 + m * 100 + d && r.swappable === (d <= 12 && d !== m) : !r.ok && r.reason === 'impossible-date';
      }),
      { numRuns: 2000, seed: 31 },
    );
  });
});

describe('parseDate — never throws on data', () => {
  it('any string gives a result or a structured failure', () => {
    const digitsAndSeps = fc.array(fc.constantFrom('0', '1', '2', '9', '/', '-', '.', ' ', 'T', ':', 'Z', '\uff11'), { maxLength: 16 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), digitsAndSeps), (s) => {
        for (const o of [undefined, { excelSerial: true }, { order: 'mdy' as const }]) {
          const r = parseDate(s, o);
          if (r.ok) {
            if (!isValidPackedDate(r.packed)) return false;
          } else if (r.code !== 'INVALID_DATE' || typeof r.reason !== 'string') return false;
        }
        return true;
      }),
      { numRuns: 3000, seed: 32 },
    );
  });

  it('any number gives a result or a structured failure', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const a = parseDate(x);
        const b = parseDate(x, { excelSerial: true });
        return (a.ok || a.code === 'INVALID_DATE') && (b.ok || b.code === 'INVALID_DATE');
      }),
      { numRuns: 2000, seed: 33 },
    );
  });
});

describe('parseDate — typed digits of a full date with a part out of range', () => {
  it('yyyy-mm-dd with any two-digit month and day: valid → packed, invalid → typed = the digits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.boolean(), (y, m, d, dayFirst) => {
        const p2 = (n: number) => String(n).padStart(2, '0');
        const text = dayFirst ? `${p2(d)}/${p2(m)}/${String(y).padStart(4, '0')}` : `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}`;
        const r = parseDate(text);
        const digits = y * 10000 + m * 100 + d;
        // The calendar's own verdict, independent of the parser: a full date exists, a year-only
        // (0 month, 0 day) or month-precision (0 day) date is legal, in the default year range.
        const inRange = y >= 1800 && y <= 2100;
        const real = m >= 1 && m <= 12 && d >= 1 && d <= 31 && new Date(Date.UTC(2000 + (y % 400), m - 1, d)).getUTCDate() === d;
        const partial = (m === 0 && d === 0) || (m >= 1 && m <= 12 && d === 0);
        if (inRange && (real || partial)) {
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.packed).toBe(digits);
          expect(typedDateDigits(text)).toBe(0);
        } else {
          expect(r.ok).toBe(false);
          expect(typedDateDigits(text)).toBe(digits);
        }
      }),
      { numRuns: 3000, seed: 41 },
    );
  });

  it('no typed digits for shapes that are not a full date (month precision, year only, two-digit years, formats)', () => {
    for (const input of ['1990-13', '13/1990', '2101', '01/05/90', '1990-05-01T17:00:00Z', '199013', '1/2/3/1990', 'abc', null, {}]) {
      expect(parseDate(input).ok).toBe(false);
      expect(typedDateDigits(input)).toBe(0);
    }
    expect(parseDate(60, { excelSerial: true }).ok).toBe(false); // a serial is a number of days, not typed parts
    expect(typedDateDigits(60, { excelSerial: true })).toBe(0);
    // each call stands alone: a valid date after an invalid one has no typed digits
    expect(typedDateDigits('1997-21-25')).toBe(19972125);
    expect(typedDateDigits('1997-12-25')).toBe(0);
    expect(typedDateDigits('1990-13')).toBe(0);
  });
});

describe('parseDate — invisible characters', () => {
  it('ignores invisible units around a date as it ignores spaces (as the ID and name readers do)', () => {
    for (const inv of ['\u200b', '\ufeff', '\u00ad', '\u2060', '\u200e']) {
      expect(parseDate(`${inv}05/01/1990`)).toEqual(parseDate('05/01/1990'));
      expect(parseDate(`1990-01-05${inv}`)).toEqual(parseDate('1990-01-05'));
      expect(parseDate(`${inv}1990${inv}`)).toEqual(parseDate('1990'));
    }
    // inside the digits it is no date format: rejected with its reason, never guessed
    expect(parseDate('05/\u200b01/1990')).toMatchObject({ ok: false, reason: 'format' });
  });
});
