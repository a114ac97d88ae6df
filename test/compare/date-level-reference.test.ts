// compareDates (hot path: split once, integer division, guarded day numbers and digit walk)
// against the implementation it replaced, kept here verbatim as the reference — with the level
// codes it had then (9 levels, else = 8), before the two-parts-agree and the calendar-distance
// levels were added. The new function must give the old level (or the same throw) on every pair
// where no new level applies, exactly two-parts-agree where it does (both dates full, old level
// else, equal days and an equal year or an equal month), then the distance level of two full
// dates' day distance (≤ 31, ≤ 366, ≤ 3,653 days); old else is new else otherwise. Seeded pairs
// built to hit every level, and arbitrary integers.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { DateLevel, compareDates } from '../../src/compare/date-level.js';

// ---- reference: the previous compareDates (src/compare/date-level.ts before the hot path) ----
/** The level codes of the reference (DateLevel before two-parts-agree), frozen here. */
const L = {
  MISSING: 0, EXACT: 1, DAY_MONTH_SWAPPED: 2, ONE_DAY_APART: 3, PARTIAL_AGREES: 4,
  SAME_YEAR_MONTH: 5, JANUARY_FIRST_SAME_YEAR: 6, ONE_DIGIT: 7, ELSE: 8,
} as const;

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m]!;
}

/**
 * Days since 1970-01-01 of a full proleptic Gregorian date (Hinnant's days_from_civil): shift
 * the year to start in March so the leap day is the last day of the "year", then count 400-year
 * eras (146097 days), years of era (365 each plus leap days) and days of year (153 days per
 * 5 months: the month lengths from March repeat 31,30,31,30,31).
 */
function dayNumber(y: number, m: number, d: number): number {
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // 0..399
  const mp = m > 2 ? m - 3 : m + 9; // March = 0 … February = 11
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1; // 0..365
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // 0..146096
  return era * 146097 + doe - 719468;
}

function invalid(): never {
  throw new Error('compareDates: value is not a packed yyyymmdd date (0 = missing, 0 parts = unknown)');
}

/** Validate a non-zero packed date; throws when it is not a date. */
function check(p: number): void {
  if (!Number.isInteger(p) || p < 10000 || p > 99991231) invalid();
  const y = Math.floor(p / 10000);
  const m = Math.floor(p / 100) % 100;
  const d = p % 100;
  if (m > 12) invalid();
  if (d !== 0 && (m === 0 || d > daysInMonth(y, m))) invalid();
}

/**
 * The 8 decimal digits of a and b differ in exactly one position, or in two adjacent positions
 * holding each other's digit (a transposition). Digit k (from the right) is ⌊x / 10^k⌋ mod 10.
 */
function oneDigitApart(a: number, b: number): boolean {
  let first = -1;
  let diffs = 0;
  let pa = 0;
  let pb = 0;
  for (let k = 0; k < 8; k++) {
    const x = a % 10;
    const y = b % 10;
    a = (a - x) / 10;
    b = (b - y) / 10;
    if (x !== y) {
      diffs++;
      if (diffs === 1) {
        first = k;
        pa = x;
        pb = y;
      } else if (diffs === 2) {
        // adjacent and crossed: a's digit here is b's digit there and vice versa
        if (k !== first + 1 || x !== pb || y !== pa) return false;
      } else return false;
    }
  }
  return diffs === 1 || diffs === 2;
}

/**
 * Comparison level of two packed `yyyymmdd` dates (0 = missing; 0 month/day = unknown part).
 * Throws KhopError INVALID_ARGUMENT for a non-zero value that is not a date.
 */
function referenceCompareDates(a: number, b: number): number {
  if (a === 0 || b === 0) {
    if (a !== 0) check(a);
    if (b !== 0) check(b);
    return L.MISSING;
  }
  check(a);
  check(b);
  const ya = Math.floor(a / 10000);
  const ma = Math.floor(a / 100) % 100;
  const da = a % 100;
  const yb = Math.floor(b / 10000);
  const mb = Math.floor(b / 100) % 100;
  const db = b % 100;
  const fullA = da !== 0; // validated: a known day implies a known month
  const fullB = db !== 0;

  if (fullA && fullB) {
    if (a === b) return L.EXACT;
    if (ya === yb && da === mb && ma === db) return L.DAY_MONTH_SWAPPED;
    const gap = dayNumber(ya, ma, da) - dayNumber(yb, mb, db);
    if (gap === 1 || gap === -1) return L.ONE_DAY_APART;
    if (ya === yb) {
      if ((ma === 1 && da === 1) || (mb === 1 && db === 1)) return L.JANUARY_FIRST_SAME_YEAR;
      if (ma === mb) return L.SAME_YEAR_MONTH;
    }
    if (oneDigitApart(a, b)) return L.ONE_DIGIT;
    return L.ELSE;
  }
  // At least one partial date: every part known on both sides must agree.
  if (ya === yb && (ma === 0 || mb === 0 || ma === mb)) return L.PARTIAL_AGREES;
  return L.ELSE;
}

/** Level, or 'throws', of a comparison. */
function outcome(f: (a: number, b: number) => number, a: number, b: number): number | 'throws' {
  try {
    return f(a, b);
  } catch {
    return 'throws';
  }
}

/** Where the new level applies: both dates full, two of year / month / day equal (not all three). */
function twoPartsAgree(a: number, b: number): boolean {
  const ya = Math.floor(a / 10000), ma = Math.floor(a / 100) % 100, da = a % 100;
  const yb = Math.floor(b / 10000), mb = Math.floor(b / 100) % 100, db = b % 100;
  if (da === 0 || db === 0 || a === b) return false;
  return (ya === yb ? 1 : 0) + (ma === mb ? 1 : 0) + (da === db ? 1 : 0) === 2;
}

/** Day distance of two full dates, or -1 when either is partial (the reference's day numbers). */
function dayDistance(a: number, b: number): number {
  if (a % 100 === 0 || b % 100 === 0) return -1;
  const n = (p: number) => dayNumber(Math.floor(p / 10000), Math.floor(p / 100) % 100, p % 100);
  return Math.abs(n(a) - n(b));
}

/**
 * The expected new outcome from the reference: old levels 0..7 and throws unchanged; old else
 * becomes TWO_PARTS_AGREE where two parts agree, else (full dates) the calendar-distance level
 * of its day distance (≤ 31, ≤ 366, ≤ 3,653 days), else ELSE (the new codes).
 */
function expected(a: number, b: number): number | 'throws' {
  const r = outcome(referenceCompareDates, a, b);
  if (r !== L.ELSE) return r;
  if (twoPartsAgree(a, b)) return DateLevel.TWO_PARTS_AGREE;
  const d = dayDistance(a, b);
  if (d < 0) return DateLevel.ELSE;
  return d <= 31 ? DateLevel.WITHIN_A_MONTH : d <= 366 ? DateLevel.WITHIN_A_YEAR : d <= 3653 ? DateLevel.WITHIN_TEN_YEARS : DateLevel.ELSE;
}

const pack = (y: number, m: number, d: number) => y * 10000 + m * 100 + d;
const date = fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 31 }))
  .map(([y, m, d]) => pack(y, m, m === 0 ? 0 : Math.min(d, daysInMonth(y, m))));
/** A second date derived from the first so that every level is frequent. */
const derived = (a: number) => fc.oneof(
  fc.constant(a),
  fc.integer({ min: -3, max: 3 }).map((k) => pack(Math.floor(a / 10000), Math.floor(a / 100) % 100, Math.max(0, (a % 100) + k))),
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 })).map(([k, dgt]) => {
    const p = 10 ** k;
    return a - (Math.floor(a / p) % 10) * p + dgt * p; // one digit substituted
  }),
  fc.integer({ min: 0, max: 6 }).map((k) => {
    const s = String(a).padStart(8, '0').split('');
    const i = 7 - k - 1;
    [s[i], s[i + 1]] = [s[i + 1]!, s[i]!]; // adjacent digits transposed
    return Number(s.join(''));
  }),
  fc.constant(pack(Math.floor(a / 10000), a % 100, Math.floor(a / 100) % 100)), // day/month swapped
  fc.constant(Math.floor(a / 10000) * 10000), // year only
  fc.constant(pack(Math.floor(a / 10000), 1, 1)),
  fc.constant(0), // missing
  fc.integer({ min: 1, max: 9999 }).map((y) => a % 10000 + y * 10000), // year re-keyed (29 Feb may become invalid)
  fc.integer({ min: 1, max: 12 }).map((m) => a - (Math.floor(a / 100) % 100) * 100 + m * 100), // month re-keyed (may be invalid)
  // a full date up to 11 years away (the distance levels)
  fc.tuple(fc.integer({ min: -11, max: 11 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([k, m, d]) => pack(Math.min(9999, Math.max(1, Math.floor(a / 10000) + k)), m, d)),
  date,
);

describe('compareDates = the reference implementation, except the new two-parts-agree and distance levels', () => {
  it('same level or same throw on derived pairs (both orders)', () => {
    const seen = new Set<number | 'throws'>();
    let rekeyed = 0;
    fc.assert(
      fc.property(date.chain((a) => fc.tuple(fc.constant(a), derived(a))), ([a, b]) => {
        const r = expected(a, b);
        seen.add(r);
        if (r === DateLevel.TWO_PARTS_AGREE) rekeyed++;
        expect(outcome(compareDates, a, b)).toBe(r);
        expect(outcome(compareDates, b, a)).toBe(expected(b, a));
      }),
      { numRuns: 8_000, seed: 17 },
    );
    // the pairs reach every level and the invalid values (a substituted digit can make month 13)
    expect(seen.size).toBe(Object.keys(DateLevel).length + 1);
    expect(rekeyed).toBeGreaterThan(100);
  });

  it('the new level is exactly the old else pairs of full dates with two parts equal', () => {
    fc.assert(
      fc.property(date.chain((a) => fc.tuple(fc.constant(a), derived(a))), ([a, b]) => {
        const r = outcome(referenceCompareDates, a, b);
        const n = outcome(compareDates, a, b);
        if (n === DateLevel.TWO_PARTS_AGREE) {
          expect(r).toBe(L.ELSE);
          expect(twoPartsAgree(a, b)).toBe(true);
        } else if (r === L.ELSE) {
          expect(twoPartsAgree(a, b)).toBe(false);
          expect(n).toBe(expected(a, b)); // a distance level or else
          expect([DateLevel.WITHIN_A_MONTH, DateLevel.WITHIN_A_YEAR, DateLevel.WITHIN_TEN_YEARS, DateLevel.ELSE]).toContain(n);
        }
        else expect(n).toBe(r); // unchanged codes 0..7, or the same throw
      }),
      { numRuns: 2_000, seed: 19 },
    );
  });

  it('same level or same throw on arbitrary numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -1, max: 100_000_000 }), fc.double(), date), fc.oneof(fc.integer({ min: 0, max: 99_991_231 }), date), (a, b) => {
        expect(outcome(compareDates, a, b)).toBe(expected(a, b));
        expect(outcome(compareDates, b, a)).toBe(expected(b, a));
      }),
      { numRuns: 5_000, seed: 18 },
    );
  });
});
