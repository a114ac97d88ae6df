/**
 * Comparison levels for dates of birth on packed int32 `yyyymmdd` values
 * (`year * 10000 + month * 100 + day`): a 0 month or day is an unknown part (year-only
 * "yyyy0000", month-precision "yyyymm00", legal in social-insurance records), 0 overall is a
 * missing date.
 *
 * Levels (first that holds):
 *   0 missing              either date missing
 *   1 exact                both full dates, equal
 *   2 day-month-swapped    both full, same year, day and month exchanged (spreadsheet
 *                          dd/mm ↔ mm/dd confusion; only possible when both are ≤ 12)
 *   3 one-day-apart        both full, one calendar day apart (across month and year ends:
 *                          31/12/1989 vs 01/01/1990; time-zone and late-registration slips)
 *   4 partial-agrees       at least one date partial and every part known on both sides
 *                          agrees (1990 vs 12/05/1990; 05/1990 vs 12/05/1990; 1990 vs 1990)
 *   5 same-year-month      both full, same year and month, days further apart, neither
 *                          1 January (that is level 6)
 *   6 january-first-same-year  both full, same year, one of them 1 January: the
 *                          "01/01/yyyy" stand-in for an unknown day and month that some
 *                          registers write instead of a year-only date
 *   7 one-digit            both full, the yyyymmdd digits differ by one substituted digit or
 *                          one adjacent transposition (a typing slip: 1967-06-06 / 1967-05-06,
 *                          1964 / 1946)
 *   8 two-parts-agree      both full, two of the three parts (year, month, day) equal and the
 *                          third different by more than the levels above allow: year and day
 *                          equal with another month (1967-03-14 / 1967-11-14), or month and day
 *                          equal with another year (1958-07-21 / 1965-07-21). Year and month
 *                          equal is level 5 or 6 already.
 *   9 within-a-month       both full, at most 31 days apart (a date off by a few days or weeks
 *                          across a month end: 1990-01-28 / 1990-02-14)
 *  10 within-a-year        both full, at most 366 days apart
 *  11 within-ten-years     both full, at most 3,653 days apart
 *  12 else
 *
 * Why level 8 (added after the close levels, before else): it is the "one field of a date
 * re-keyed" error — a transcription or entry slip that rewrites one whole part (a year read
 * from another line of a form, a month picked from the wrong row of a drop-down, a guessed
 * birth year) while the other two are copied correctly. Such a pair is neither one calendar
 * step nor one digit apart, so without this level it fell into "else" with unrelated dates,
 * although two independent parts agreeing is strong evidence (two random dates share day and
 * year, or day and month, with probability ≈ 1/31 · (1/80 + 1/12) ≈ 0.3 %). The weight of the
 * level is learned like every other (u from random pairs, m by EM), so a population where
 * this error is rare gives it a small weight instead of a fixed bonus. Date comparison on the
 * parts rather than on the whole value is the standard treatment: P. Christen, Data Matching
 * (Springer, 2012), ch. 5 (field comparison: dates compared on their day, month and year
 * components); Oracle Enterprise Data Quality's "Similar Date" comparison has exactly these two
 * options ("same day and month component but conflicting years", "same day and year component
 * but conflicting months"); Splink's DateOfBirthComparison likewise keeps graded levels
 * between exact and else (one character edit; within a month / a year / ten years) rather than
 * one "different" bucket. Trade-off: one more level means one more m/u pair for EM to
 * estimate (~0.3 % of random pairs and a few % of true pairs fall in it — enough to estimate);
 * and a model saved before the level existed (9 date levels, else = 8) no longer fits the
 * comparison plan: dedupe/link refuse it (INVALID_OPTION "model: its comparisons do not match
 * this schema") rather than reading level 8 with the old else weights.
 *
 * Why levels 9–11 (calendar distance, after every "slip" level): a date that is neither one
 * slip nor one re-keyed part away can still be near — a registration date typed for the birth
 * date, a birth date estimated from an age, month and day shifted together (1978-12-04 /
 * 1979-01-03). One "else" bucket for 20 days and 60 years apart throws that gradient away
 * twice: near dates get no credit, and far dates are penalised only as much as the average of
 * all the differing dates of true pairs. The thresholds are Splink's DateOfBirthComparison
 * defaults (within a month, a year, ten years), written as days so that they need no month
 * arithmetic: 31, 366 and 3,653. As for level 8 the weights are learned (u from random pairs,
 * m by EM), so a population whose dates are either exact or wildly wrong gives these levels
 * little weight. Measured with bench/quality/run.ts, the defaults otherwise unchanged: F1
 * fake_20000 0.8597 → 0.8692, fake_1000 0.9109 → 0.9253; RLdata10000 (0.9709), RLdata500
 * (0.9899) and the synthetic Vietnamese population (0.9997 at 100k) unchanged. Partial dates
 * keep their rules (level 4 or else): a year-only date has no day distance. A model saved with
 * the 10 levels before these (else = 9) is refused like the one above.
 *
 * A date that is not a date — "1997-21-25", "1930-03-33", "1060-06-27": a full date in a valid
 * shape with a part out of range — is unusable as a date (the row's issue report counts it),
 * but it is usually a typing slip of the true date, and a matcher that reads it as "missing"
 * throws that evidence away (on RLdata10000 a third of the true pairs missed by the defaults
 * were such dates). {@link compareTypedDates} grades it on its digits as typed
 * (typedDateDigits, src/text/date.ts) against the other record's date or typed digits: the same
 * digits → exact, one substituted digit or one adjacent transposition → one-digit, anything
 * else → missing (as before: no evidence either way — an unrelated invalid value is noise, not
 * a disagreement). No calendar level applies (a day-month swap or a one-day step needs real
 * dates). Digit comparison on a date string regardless of validity is how string-based
 * matchers grade dates (Splink's DateOfBirthComparison starts with a Damerau–Levenshtein ≤ 1
 * level on the date text); here it applies only where the calendar levels cannot.
 *
 * One-day arithmetic converts both dates to a day number with the proleptic Gregorian
 * days-from-civil algorithm (H. Hinnant, "chrono-compatible low-level date algorithms",
 * 2013), so month lengths and leap years (1900 no, 2000 yes) are exact.
 *
 * A packed value that is not a date (month 13, 30 February, a known day with an unknown
 * month, year outside 1..9999, a non-integer) is a programmer error upstream — the parser
 * never produces it — and throws KhopError INVALID_ARGUMENT rather than scoring as "else".
 */
import { KhopError } from '../errors.js';
import { defineLevels } from './levels.js';

/** Level codes of {@link compareDates}. */
export const DateLevel = {
  MISSING: 0, EXACT: 1, DAY_MONTH_SWAPPED: 2, ONE_DAY_APART: 3, PARTIAL_AGREES: 4,
  SAME_YEAR_MONTH: 5, JANUARY_FIRST_SAME_YEAR: 6, ONE_DIGIT: 7, TWO_PARTS_AGREE: 8,
  WITHIN_A_MONTH: 9, WITHIN_A_YEAR: 10, WITHIN_TEN_YEARS: 11, ELSE: 12,
} as const;
export type DateLevel = (typeof DateLevel)[keyof typeof DateLevel];

/** The date level list as data (index = code). */
export const DATE_LEVELS = defineLevels([
  ['missing', 'date missing on either side'],
  ['exact', 'full dates equal'],
  ['day-month-swapped', 'day and month exchanged'],
  ['one-day-apart', 'full dates one day apart'],
  ['partial-agrees', 'partial date (year or month/year) agrees with the other date'],
  ['same-year-month', 'same year and month, different day'],
  ['january-first-same-year', 'same year, one date is 1 January (possible stand-in for an unknown date)'],
  ['one-digit', 'one digit typed wrong or two adjacent digits swapped'],
  ['two-parts-agree', 'two of year, month and day equal, the third different (one part re-keyed)'],
  ['within-a-month', 'full dates at most 31 days apart'],
  ['within-a-year', 'full dates at most 366 days apart'],
  ['within-ten-years', 'full dates at most 3,653 days apart'],
  ['else', 'dates differ'],
]);

/** Upper bounds in days of the calendar-distance levels (within a month, a year, ten years). */
export const DATE_DISTANCE_DAYS = Object.freeze({ month: 31, year: 366, tenYears: 3653 });

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
  throw new KhopError('INVALID_ARGUMENT', 'compareDates: value is not a packed yyyymmdd date (0 = missing, 0 parts = unknown)');
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
 * Necessary condition for {@link oneDigitApart}, from the difference alone: one substituted
 * digit k changes the value by c·10^k (c in 1..9); one transposition of digits k, k+1 holding
 * x, y changes it by (x − y)·10^k − (x − y)·10^(k+1) = −9(x − y)·10^k. So |a − b| with its
 * trailing zeros removed is at most 9, or a multiple of 9 up to 81. One remainder decides most
 * pairs (a difference rarely ends in 0), instead of the 16 divisions of the digit walk.
 */
function differenceMayBeOneDigit(diff: number): boolean {
  // d ≠ 0 (the dates differ) and |d| < 10^8, so `| 0` keeps its value and `(d / 10) | 0` is the
  // exact quotient of a multiple of 10: both keep d typed int32 for the JIT (the difference of
  // two int32 may exceed int32, and `/=` gives a double), so `%` can stay an integer remainder.
  let d = (diff < 0 ? -diff : diff) | 0;
  while (d % 10 === 0) d = (d / 10) | 0;
  return d <= 9 || (d <= 81 && d % 9 === 0);
}

/**
 * Calendar-distance level of two different full dates that no closer level took. Its own
 * function, off compareDates' body, and day numbers computed only where needed: measured on
 * 2^20 date pairs (compareDates alone, one process), the distance code inline with day numbers
 * for every pair up to 11 years apart cost 36.0 / 20.2 ns a pair (same-year / random dates)
 * against 33.1 / 15.9 before the levels; this way 34.2 / 17.7. `known` is the day distance when
 * compareDates computed it (years at most 1 apart), else −1. Day numbers only where the year gap
 * alone does not decide: 2–8 calendar years apart is always 366 < gap < 3,653 days
 * (≥ (2 − 1) · 365 + 1 and ≤ 9 · 366), 12 or more always > 3,653.
 */
function distanceLevel(known: number, ya: number, ma: number, da: number, yb: number, mb: number, db: number): DateLevel {
  let gap = known;
  if (gap < 0) {
    const dy = ya > yb ? ya - yb : yb - ya;
    if (dy > 11) return DateLevel.ELSE;
    if (dy <= 8) return DateLevel.WITHIN_TEN_YEARS; // 2..8 here
    gap = dayNumber(ya, ma, da) - dayNumber(yb, mb, db);
    if (gap < 0) gap = -gap;
  }
  if (gap <= DATE_DISTANCE_DAYS.month) return DateLevel.WITHIN_A_MONTH;
  if (gap <= DATE_DISTANCE_DAYS.year) return DateLevel.WITHIN_A_YEAR;
  if (gap <= DATE_DISTANCE_DAYS.tenYears) return DateLevel.WITHIN_TEN_YEARS;
  return DateLevel.ELSE;
}

/**
 * Level of two dates of which at least one is not a valid date but was typed in a full date's
 * shape: each value is a packed valid date or the typed digits, both
 * positive integers < 10^8 (typedDateDigits). Equal digits → EXACT, one substituted digit or one adjacent
 * transposition → ONE_DIGIT, else MISSING (no evidence; see the file header).
 */
export function compareTypedDates(a: number, b: number): DateLevel {
  if (!Number.isInteger(a) || !Number.isInteger(b) || a <= 0 || b <= 0 || a > 99999999 || b > 99999999) {
    throw new KhopError('INVALID_ARGUMENT', 'compareTypedDates: values must be yyyymmdd digits in 1..99999999');
  }
  if (a === b) return DateLevel.EXACT;
  return differenceMayBeOneDigit(a - b) && oneDigitApart(a, b) ? DateLevel.ONE_DIGIT : DateLevel.MISSING;
}

/**
 * Comparison level of two packed `yyyymmdd` dates (0 = missing; 0 month/day = unknown part).
 * Throws KhopError INVALID_ARGUMENT for a non-zero value that is not a date.
 *
 * Hot path: each value is split into year, month and day once, with integer division
 * (`(p / 10000) | 0` is ⌊p / 10000⌋ for the positive int32 values that pass the range test),
 * and validated from those parts (the same rules as {@link check}); the one-day test takes the
 * day difference within one month and computes day numbers only when the years are at most 1
 * apart (two dates ≥ 2 years apart are ≥ 366 days apart); the distance levels are decided
 * apart, in distanceLevel.
 */
export function compareDates(a: number, b: number): DateLevel {
  if (a === 0 || b === 0) {
    if (a !== 0) check(a);
    if (b !== 0) check(b);
    return DateLevel.MISSING;
  }
  if (!Number.isInteger(a) || a < 10000 || a > 99991231) invalid();
  const ya = (a / 10000) | 0;
  const ma = ((a / 100) | 0) % 100;
  const da = a % 100;
  // Every month has at least 28 days: the month length is looked up only for days 29–31.
  if (ma > 12 || (da !== 0 && (ma === 0 || (da > 28 && da > daysInMonth(ya, ma))))) invalid();
  // Equal values (most candidate pairs): validated once; a partial date agrees with itself.
  if (a === b) return da !== 0 ? DateLevel.EXACT : DateLevel.PARTIAL_AGREES;
  if (!Number.isInteger(b) || b < 10000 || b > 99991231) invalid();
  const yb = (b / 10000) | 0;
  const mb = ((b / 100) | 0) % 100;
  const db = b % 100;
  if (mb > 12 || (db !== 0 && (mb === 0 || (db > 28 && db > daysInMonth(yb, mb))))) invalid();
  const fullA = da !== 0; // validated: a known day implies a known month
  const fullB = db !== 0;

  if (fullA && fullB) {
    // a ≠ b here (equal values returned above).
    if (ya === yb && da === mb && ma === db) return DateLevel.DAY_MONTH_SWAPPED;
    // Day gap: within one month it is the day difference; otherwise day numbers, needed only
    // when the years are at most 1 apart (two dates ≥ 2 years apart are ≥ 366 days apart).
    const dy = ya - yb;
    let gap = -1; // unknown: the years are ≥ 2 apart
    if (ya === yb && ma === mb) gap = da > db ? da - db : db - da;
    else if (dy <= 1 && dy >= -1) {
      gap = dayNumber(ya, ma, da) - dayNumber(yb, mb, db);
      if (gap < 0) gap = -gap;
    }
    if (gap === 1) return DateLevel.ONE_DAY_APART;
    if (ya === yb) {
      // 1 January first: as a stand-in for an unknown day and month it fits a January birthday
      // as well as an August one (checked after same-year-month, 01/01 vs 20/01 scored less
      // than 01/01 vs 20/08, and a register called one close and the other a mismatch).
      if ((ma === 1 && da === 1) || (mb === 1 && db === 1)) return DateLevel.JANUARY_FIRST_SAME_YEAR;
      if (ma === mb) return DateLevel.SAME_YEAR_MONTH;
    }
    if (differenceMayBeOneDigit(a - b) && oneDigitApart(a, b)) return DateLevel.ONE_DIGIT;
    // Two of three parts: a ≠ b, and same year + month returned above (level 5 or 6), so equal days with an
    // equal year or an equal month leave exactly one part different.
    if (da === db && (ya === yb || ma === mb)) return DateLevel.TWO_PARTS_AGREE;
    return distanceLevel(gap, ya, ma, da, yb, mb, db);
  }
  // At least one partial date: every part known on both sides must agree.
  if (ya === yb && (ma === 0 || mb === 0 || ma === mb)) return DateLevel.PARTIAL_AGREES;
  return DateLevel.ELSE;
}
