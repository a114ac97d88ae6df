/**
 * Which way a column of dates writes day and month, from its values: for the command line's
 * guessed and --map schemas, which have no `order` to say it.
 *
 *   "31/12/1990", "13.01.1985"  the first number is above 12: written day first
 *   "12/31/1990", "01-13-1985"  the second number is above 12: written month first
 *   "05/06/1990"                either: no evidence (so is every ISO "1990-12-31" and worded date)
 *
 * The column is read month first ('mdy') only when some of its values can only be month first
 * and none can only be day first; a column with both kinds (two sources merged, or typing
 * slips) stays day first — khop's default, the way Vietnamese records write dates — and the
 * caller says so, so that `--schema` with `order` can settle it. A column with no evidence
 * either way stays day first too: its values then read the same in both orders only where day
 * and month are both ≤ 12, and a sample of a few hundred US dates without one day above 12 is
 * all but impossible (each value has a day above 12 with probability ~0.6).
 *
 * Trade-off: a sample (the caller's first rows), not the whole file — the reader would need a
 * second pass over a file of any size; a value past the sample written the other way is read
 * in the chosen order, like every value of a `--schema` field with `order`.
 */

/** What a sample of a column says about its date order. */
export interface DateOrderGuess {
  /** The order to read the column in: 'mdy' only on month-first evidence alone. */
  readonly order: 'dmy' | 'mdy';
  /** Values that can only be day first (first number above 12, second at most 12). */
  readonly dayFirst: number;
  /** Values that can only be month first (second number above 12, first at most 12). */
  readonly monthFirst: number;
}

/** d/m/y or m/d/y with one separator kind (/ . - or space), a 2- or 4-digit year, maybe a time after it. */
const NUMERIC_DATE = /^\s*(\d{1,2})([/.\- ])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;

/** The date order of a column from (a sample of) its values; non-strings and other shapes are no evidence. */
export function guessDateOrder(values: Iterable<unknown>): DateOrderGuess {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const m = NUMERIC_DATE.exec(v);
    if (m === null) continue;
    const a = Number(m[1]);
    const b = Number(m[3]);
    if (a > 12 && a <= 31 && b >= 1 && b <= 12) dayFirst++;
    else if (b > 12 && b <= 31 && a >= 1 && a <= 12) monthFirst++;
  }
  return { order: monthFirst > 0 && dayFirst === 0 ? 'mdy' : 'dmy', dayFirst, monthFirst };
}
