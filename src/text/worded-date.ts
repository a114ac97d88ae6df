/**
 * Dates written with words, the fallback of parseDate for a string that holds letters:
 *
 *   English month names (full or three letters, "Sept" too, any case), the day and a 4-digit year
 *   in either order, separated by spaces, commas, - / or . — "5 January 1990", "January 5, 1990",
 *   "05-Jan-1990" (Oracle's DD-MON-YYYY), "5th of Jan 1990", "Friday, January 5, 1990",
 *   "January 1990" (month precision);
 *   Vietnamese, with or without diacritics — "ngày 15 tháng 3 năm 1985", "15 tháng 3 năm 1985",
 *   "tháng 3 năm 1985" (month precision), "năm 1985" (year precision): "ngày" names the day,
 *   "tháng" the month, "năm" the year; a number before "tháng" with no word of its own is the day.
 *
 * A named month is never swapped with the day (`swappable` false). Anything else with letters —
 * a word that is none of these, two month names, two years, a two-digit year ('two-digit-year'),
 * a number that is no part — is not read ('format'). Slow path: it runs only for strings that
 * the numeric parser refused and that hold a letter.
 */

/** Month number of an English month word (full name, three letters, or "sept"), else 0. */
const MONTHS: ReadonlyMap<string, number> = new Map(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap(
    (name, i): Array<[string, number]> => [[name, i + 1], [name.slice(0, 3), i + 1], ...(name === 'september' ? [['sept', 9] as [string, number]] : [])],
  ),
);

/** Words that carry no part: weekdays (full or three letters) and "of" ("5th of January"). */
const IGNORED: ReadonlySet<string> = new Set(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].flatMap((d) => [d, d.slice(0, 3)]).concat(['of']),
);

/** Vietnamese part words, diacritics removed: which part the number after them is. */
const VI_PART: ReadonlyMap<string, 'day' | 'month' | 'year'> = new Map([['ngay', 'day'], ['thang', 'month'], ['nam', 'year']]);

/** Where the parts were read: year, month, day (0 = not given); `null` when the text is no date; 'two-digit-year'. */
export type WordedDateParts = readonly [year: number, month: number, day: number] | null | 'two-digit-year';

interface Token {
  readonly word: string | null;
  /** The number of a digit token (an ordinal's "5th" too); −1 for a word. */
  readonly value: number;
  /** Digits of a digit token. */
  readonly digits: number;
}

/** Full-width digits to ASCII, lower case, Vietnamese diacritics and đ removed. */
function plain(s: string): string {
  return s
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

function tokenize(s: string): Token[] | null {
  const tokens: Token[] = [];
  for (const raw of plain(s).split(/[\s,\-/.]+/u)) {
    if (raw === '') continue;
    const m = /^(\d+)(st|nd|rd|th)?$/.exec(raw);
    if (m !== null) {
      if (m[1]!.length > 4) return null;
      tokens.push({ word: null, value: Number(m[1]), digits: m[1]!.length });
    } else if (/^[a-z]+$/.test(raw)) tokens.push({ word: raw, value: -1, digits: 0 });
    else return null;
  }
  return tokens;
}

/** The parts of a date written with words (see the file header), or why not. */
export function wordedDateParts(s: string): WordedDateParts {
  const tokens = tokenize(s);
  if (tokens === null || tokens.length === 0) return null;
  let year = -1;
  let month = -1;
  let day = -1;
  let twoDigitYear = false;
  /** Reads token t as the part; false when the part is already read or t cannot be it. */
  const read = (part: 'day' | 'month' | 'year', t: Token): boolean => {
    if (part === 'year') {
      if (t.digits === 2) twoDigitYear = true;
      if (year >= 0 || t.digits !== 4) return false;
      year = t.value;
    } else if (part === 'month') {
      if (month >= 0 || t.digits > 2) return false;
      month = t.value;
    } else {
      if (day >= 0 || t.digits > 2) return false;
      day = t.value;
    }
    return true;
  };
  const refuse = (): WordedDateParts => (twoDigitYear ? 'two-digit-year' : null);
  const vietnamese = tokens.some((t) => t.word !== null && VI_PART.has(t.word));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (vietnamese) {
      const part = t.word === null ? undefined : VI_PART.get(t.word);
      if (part === undefined) {
        // A bare number is the day before "tháng"; nothing else stands alone.
        if (t.word !== null || tokens[i + 1]?.word !== 'thang' || !read('day', t)) return refuse();
        continue;
      }
      const n = tokens[++i];
      if (n === undefined || n.word !== null || !read(part, n)) return refuse();
    } else if (t.word !== null) {
      if (IGNORED.has(t.word)) continue;
      const m = MONTHS.get(t.word);
      if (m === undefined || month >= 0) return null;
      month = m;
    } else {
      // Four digits are the year, one or two the day; a second short number is a two-digit year.
      if (t.digits <= 2 && day >= 0) twoDigitYear = t.digits === 2;
      if (!read(t.digits === 4 ? 'year' : 'day', t)) return refuse();
    }
  }
  if (year < 0) return refuse();
  // A day needs its month; English needs the month word (a bare year is the numeric parser's).
  if ((month < 0 && day >= 0) || (!vietnamese && month < 0)) return null;
  return [year, Math.max(month, 0), Math.max(day, 0)];
}
