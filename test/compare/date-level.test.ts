import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DATE_LEVELS, DateLevel, compareDates, compareTypedDates } from '../../src/compare/date-level.js';
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
    [19900101, 19900120, DateLevel.JANUARY_FIRST_SAME_YEAR], // a January birthday as well as an August one
    [19900115, 19900101, DateLevel.JANUARY_FIRST_SAME_YEAR],
    [19900102, 19900120, DateLevel.SAME_YEAR_MONTH], // neither 1 January
    [19900512, 19910512, DateLevel.ONE_DIGIT], // year typo
    [19900512, 19900612, DateLevel.ONE_DIGIT], // month typo
    [19640412, 19460412, DateLevel.ONE_DIGIT], // adjacent digits swapped
    [19900512, 19920512, DateLevel.ONE_DIGIT],
    [19900512, 19850512, DateLevel.TWO_PARTS_AGREE], // two year digits, month and day equal
    [19900512, 19850612, DateLevel.WITHIN_TEN_YEARS], // two year digits and the month
    [19640412, 19640421, DateLevel.SAME_YEAR_MONTH],
    [19640412, 14690412, DateLevel.TWO_PARTS_AGREE], // non-adjacent year digits exchanged
    [19640412, 19640214, DateLevel.WITHIN_A_YEAR], // non-adjacent digits exchanged across month and day
    [19670314, 19671114, DateLevel.TWO_PARTS_AGREE], // month re-keyed (03 → 11)
    [19900531, 19901231, DateLevel.TWO_PARTS_AGREE], // month re-keyed (05 → 12)
    [19580721, 19650721, DateLevel.TWO_PARTS_AGREE], // year re-keyed
    [19960229, 20000229, DateLevel.TWO_PARTS_AGREE], // 29 February in two leap years
    [19900101, 19900701, DateLevel.JANUARY_FIRST_SAME_YEAR], // year and day equal, but 01/01 first
    [19900612, 19900512, DateLevel.ONE_DIGIT], // year and day equal, but a one-digit slip first
    [19900312, 19901203, DateLevel.DAY_MONTH_SWAPPED], // swapped before anything else
    [19900500, 19850500, DateLevel.ELSE], // partial dates keep their rules
    [19900000, 19850512, DateLevel.ELSE],
    [19900512, 19901013, DateLevel.WITHIN_A_YEAR], // only the year equal
    [19900512, 19850513, DateLevel.WITHIN_TEN_YEARS], // only the month equal
    [19900512, 19851012, DateLevel.WITHIN_TEN_YEARS], // only the day equal
    [19900512, 19701012, DateLevel.ELSE], // only the day equal, 20 years apart
    [19900500, 19900600, DateLevel.ELSE],
    [19900000, 19910512, DateLevel.ELSE],
    [19900500, 19900612, DateLevel.ELSE],
    [20000228, 20000301, DateLevel.WITHIN_A_MONTH], // two days apart in a leap year
    [19781204, 19790103, DateLevel.WITHIN_A_MONTH], // 30 days, across the year end
    [19900131, 19900303, DateLevel.WITHIN_A_MONTH], // 31 days
    [19900131, 19900304, DateLevel.WITHIN_A_YEAR], // 32 days
    [19900101, 19910102, DateLevel.WITHIN_A_YEAR], // 366 days
    [19900101, 19910103, DateLevel.WITHIN_TEN_YEARS], // 367 days
    [19900101, 20000101, DateLevel.TWO_PARTS_AGREE], // ten years: the re-keyed year first
    [19900102, 20000101, DateLevel.WITHIN_TEN_YEARS], // 3,651 days
    [19900101, 20000104, DateLevel.ELSE], // 3,655 days
    [19900500, 19950512, DateLevel.ELSE], // a partial date has no day distance
    [19900101, 19910101, DateLevel.ONE_DIGIT],
    [19900101, 19930201, DateLevel.WITHIN_TEN_YEARS],
    [19900101, 19500201, DateLevel.ELSE],
  ];
  it.each(table)('%i vs %i → level %i', (a, b, level) => {
    expect(compareDates(a, b)).toBe(level);
    expect(compareDates(b, a)).toBe(level);
  });

  it('every level is reached by the table', () => {
    expect([...new Set(table.map((r) => r[2]))].sort((x, y) => x - y)).toEqual(DATE_LEVELS.map((l) => l.code));
  });

  it('two-parts-agree: both full, exactly two of year / month / day equal, no closer level (property)', () => {
    const full = fc.tuple(fc.integer({ min: 1800, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }));
    const closer = new Set<number>([
      DateLevel.DAY_MONTH_SWAPPED, DateLevel.ONE_DAY_APART, DateLevel.SAME_YEAR_MONTH,
      DateLevel.JANUARY_FIRST_SAME_YEAR, DateLevel.ONE_DIGIT,
    ]);
    fc.assert(fc.property(full, full, fc.integer({ min: 0, max: 2 }), ([y1, m1, d1], [y2, m2, d2], keep) => {
      // b shares `keep`-selected parts with a so that the interesting cases are frequent
      const yb = keep === 0 ? y1 : y2, mb = keep === 1 ? m1 : m2, db = keep === 2 ? d1 : d2;
      const a = y1 * 10000 + m1 * 100 + d1;
      const b = yb * 10000 + mb * 100 + db;
      const level = compareDates(a, b);
      expect(compareDates(b, a)).toBe(level); // symmetric
      const equalParts = (y1 === yb ? 1 : 0) + (m1 === mb ? 1 : 0) + (d1 === db ? 1 : 0);
      if (level === DateLevel.TWO_PARTS_AGREE) {
        expect(equalParts).toBe(2);
        expect(d1).toBe(db); // year + month equal is same-year-month
      } else if (equalParts === 2 && d1 === db) expect(closer.has(level)).toBe(true);
    }), { numRuns: 3000, seed: 5 });
  });

  it('re-keying one part of a full date never gives else (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1800, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 1800, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 2 }),
      (y, m, d, y2, m2, d2, part) => {
        const a = y * 10000 + m * 100 + d;
        const b = part === 0 ? y2 * 10000 + m * 100 + d : part === 1 ? y * 10000 + m2 * 100 + d : y * 10000 + m * 100 + d2;
        const level = compareDates(a, b);
        expect(level).not.toBe(DateLevel.ELSE);
        expect(level).not.toBe(DateLevel.MISSING);
        expect(level).not.toBe(DateLevel.PARTIAL_AGREES);
      },
    ), { numRuns: 3000, seed: 6 });
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

  it('the distance levels are the day distance by the JS calendar, on dates without a closer level (property)', () => {
    const day = 86_400_000;
    const pack = (d: Date): number => d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    const slips = new Set<number>([
      DateLevel.EXACT, DateLevel.DAY_MONTH_SWAPPED, DateLevel.ONE_DAY_APART, DateLevel.SAME_YEAR_MONTH,
      DateLevel.JANUARY_FIRST_SAME_YEAR, DateLevel.ONE_DIGIT, DateLevel.TWO_PARTS_AGREE,
    ]);
    const seen = new Set<number>();
    fc.assert(fc.property(
      fc.integer({ min: Date.UTC(1900, 0, 1) / day, max: Date.UTC(2100, 0, 1) / day }),
      fc.oneof(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -400, max: 400 }), fc.integer({ min: -4000, max: 4000 }), fc.integer({ min: -30000, max: 30000 })),
      (n, delta) => {
        const a = pack(new Date(n * day));
        const b = pack(new Date((n + delta) * day));
        const level = compareDates(a, b);
        expect(compareDates(b, a)).toBe(level);
        seen.add(level);
        if (slips.has(level)) return; // a closer level holds first
        const d = Math.abs(delta);
        const want = d <= 31 ? DateLevel.WITHIN_A_MONTH : d <= 366 ? DateLevel.WITHIN_A_YEAR : d <= 3653 ? DateLevel.WITHIN_TEN_YEARS : DateLevel.ELSE;
        expect(level).toBe(want);
      },
    ), { numRuns: 4000, seed: 7 });
    for (const l of [DateLevel.WITHIN_A_MONTH, DateLevel.WITHIN_A_YEAR, DateLevel.WITHIN_TEN_YEARS, DateLevel.ELSE]) expect(seen.has(l)).toBe(true);
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

describe('date levels in a saved model', () => {
  it('a model saved with the 9 date levels before two-parts-agree loads, and dedupe refuses it', async () => {
    const { dedupe } = await import('../../src/pipeline/match.js');
    const { FellegiSunterModel } = await import('../../src/score/fellegi-sunter.js');
    const { defineSchema } = await import('../../src/schema.js');
    const schema = defineSchema({ given: { kind: 'givenName' }, family: { kind: 'familyName' }, dob: { kind: 'date' } });
    const rows = [
      { id: 1, given: 'AN', family: 'LE', dob: '1949-07-22' },
      { id: 2, given: 'AN', family: 'LE', dob: '1949-11-22' },
      { id: 3, given: 'BINH', family: 'TRAN', dob: '1968-07-27' },
      { id: 4, given: 'BINH', family: 'TRAN', dob: '1968-07-27' },
    ];
    const r = await dedupe(rows, { schema, idField: 'id', threads: 1 });
    const json = JSON.parse(JSON.stringify(r.model.toJSON())) as { comparisons: Array<{ name: string; levels: Array<{ label: string; m?: number; u?: number }> }> };
    const date = json.comparisons.find((c) => c.name === 'dob')!;
    expect(date.levels.map((l) => l.label)).toEqual(DATE_LEVELS.map((l) => l.name));
    // the old list: two-parts-agree's mass was part of else
    const k = date.levels.findIndex((l) => l.label === 'two-parts-agree');
    date.levels[k + 1]!.m! += date.levels[k]!.m!;
    date.levels[k + 1]!.u! += date.levels[k]!.u!;
    date.levels.splice(k, 1);
    const old = FellegiSunterModel.fromJSON(json);
    expect(old.comparisons.find((c) => c.name === 'dob')!.levels.length).toBe(DATE_LEVELS.length - 1);
    let err: unknown;
    try {
      await dedupe(rows, { schema, idField: 'id', threads: 1, model: old });
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
  });
});

describe('compareTypedDates (a date typed with a part out of range, on its digits)', () => {
  const table: Array<[number, number, DateLevel]> = [
    [19972125, 19971225, DateLevel.ONE_DIGIT], // month digits swapped: 21 ↔ 12
    [10600627, 19600627, DateLevel.ONE_DIGIT], // year digit: 1060 ↔ 1960
    [91851014, 19851014, DateLevel.ONE_DIGIT], // first two digits swapped
    [20011264, 20011214, DateLevel.ONE_DIGIT], // day digit
    [19700001, 19700201, DateLevel.ONE_DIGIT], // month 00
    [19491105, 19491105, DateLevel.EXACT], // the same slip on both records
    [19901332, 19901332, DateLevel.EXACT],
    [19901332, 19850612, DateLevel.MISSING], // unrelated: no evidence either way
    [20001192, 20001129, DateLevel.ONE_DIGIT], // day digits swapped
    [19640550, 19640530, DateLevel.ONE_DIGIT],
    [19640550, 19640503, DateLevel.MISSING], // two digits differ, not adjacent-swapped
    [101, 19900101, DateLevel.MISSING], // year 0000 vs 1990
  ];
  it.each(table)('%i vs %i → level %i', (a, b, level) => {
    expect(compareTypedDates(a, b)).toBe(level);
    expect(compareTypedDates(b, a)).toBe(level);
  });

  it('agrees with a digit-string oracle: equal, one substitution, one adjacent transposition (property)', () => {
    const oracle = (a: number, b: number): DateLevel => {
      const x = String(a).padStart(8, '0'), y = String(b).padStart(8, '0');
      if (x === y) return DateLevel.EXACT;
      const diff = [...x].flatMap((c, i) => (c === y[i] ? [] : [i]));
      if (diff.length === 1) return DateLevel.ONE_DIGIT;
      if (diff.length === 2 && diff[1] === diff[0]! + 1 && x[diff[0]!] === y[diff[1]!] && x[diff[1]!] === y[diff[0]!]) return DateLevel.ONE_DIGIT;
      return DateLevel.MISSING;
    };
    const value = fc.integer({ min: 1, max: 99_999_999 });
    // b derived from a by 0–2 digit edits, so the close cases are frequent
    const edit = fc.tuple(value, fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 }), fc.boolean()), { maxLength: 2 }));
    fc.assert(fc.property(edit, ([a, edits]) => {
      const d = [...String(a).padStart(8, '0')];
      for (const [i, digit, swap] of edits) {
        if (swap && i < 7) [d[i], d[i + 1]] = [d[i + 1]!, d[i]!];
        else d[i] = String(digit);
      }
      const b = Number(d.join(''));
      if (b === 0) return;
      expect(compareTypedDates(a, b)).toBe(oracle(a, b));
      expect(compareTypedDates(b, a)).toBe(oracle(a, b));
    }), { numRuns: 5000, seed: 12 });
  });

  it('rejects values outside 1..99999999', () => {
    for (const bad of [0, -19900101, 100000000, 1.5, Number.NaN]) {
      expect(() => compareTypedDates(bad, 19900101)).toThrow();
      expect(() => compareTypedDates(19900101, bad)).toThrow();
    }
  });
});
