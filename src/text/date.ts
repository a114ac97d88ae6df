/**
 * Dates as they appear in Vietnamese registers, parsed into a packed int32
 * `year * 10000 + month * 100 + day` where 0 marks an unknown part (year-only and
 * month-year dates are legal in social-insurance records).
 *
 * Accepted (surrounding whitespace ignored, full-width digits accepted):
 *   dd/mm/yyyy  d/m/yyyy  dd-mm-yyyy  dd.mm.yyyy   day first (order 'dmy', the default) or
 *                                                  month first (order 'mdy'); one separator kind
 *   yyyy-mm-dd  yyyy/mm/dd  yyyy.mm.dd            ISO order, always
 *   yyyymmdd                                     8 digits, ISO order
 *   mm/yyyy  yyyy-mm                             month precision
 *   yyyy                                         year precision
 *   00/00/yyyy  00/mm/yyyy  yyyy0000  yyyymm00    zeros = unknown parts
 *   a trailing all-zero time ("… 00:00", "…T00:00:00.000Z") from database exports, or
 *   midnight on a 12-hour clock ("… 12:00:00 AM", the Vietnamese locale's "… 12:00:00 SA")
 *   words: English month names ("5 January 1990", "Jan 5, 1990", "05-JAN-1990") and Vietnamese
 *   ("ngày 15 tháng 3 năm 1985", "tháng 3 năm 1985") — src/text/worded-date.ts
 *   numbers: an integer is read as its digits (19900501, 1990); with `excelSerial: true`
 *   an integer or a digit-only string of up to 5 digits, except a 4-digit year in range, is
 *   an Excel serial day number (1900 date system), as is any number with a fraction (a time)
 *
 * Rejected with `{ ok: false, code: 'INVALID_DATE', reason }` (never thrown): two-digit
 * years (the century is a guess), a known day in an unknown month (05/00/1990), impossible
 * dates (31/02/1990, 29/02/1991), years outside [minYear, maxYear], non-zero times, NaN,
 * Infinity, objects, garbage. `swappable` is true for a full date whose day and month are
 * both ≤ 12 and different (a spreadsheet may have swapped them).
 *
 * Defaults: order 'dmy'; minYear {@link DEFAULT_MIN_YEAR} = 1800 (a date need not be a living
 * person's birth date, though no CCCD encodes a year before 1900); maxYear
 * {@link DEFAULT_MAX_YEAR} = 2100 — a fixed bound, not "today", so results never depend on the
 * clock; excelSerial false.
 *
 * Excel serials: day 1 = 1900-01-01; Excel's phantom 1900-02-29 (serial 60, inherited from
 * Lotus 1-2-3) is rejected as impossible; from serial 61 on, day n = 1899-12-30 + n. A
 * fractional part is a time of day and is ignored. Days → civil date with the
 * days-from-civil inverse of H. Hinnant, "chrono-compatible low-level date algorithms" (2013).
 */
import { KhopError } from '../errors.js';
import { isInvisible, isUnicodeSpace } from './char-class.js';
import { wordedDateParts } from './worded-date.js';

export const DEFAULT_MIN_YEAR = 1800;
export const DEFAULT_MAX_YEAR = 2100;

export interface DateParseOptions {
  /** Order of day and month in three-part dates with the year last. Default 'dmy'. */
  readonly order?: 'dmy' | 'mdy';
  /** Smallest accepted year (inclusive). Default {@link DEFAULT_MIN_YEAR} (1800). */
  readonly minYear?: number;
  /** Largest accepted year (inclusive). Default {@link DEFAULT_MAX_YEAR} (2100). */
  readonly maxYear?: number;
  /** Read numbers (and 5-digit strings) as Excel 1900-system serial days. Default false. */
  readonly excelSerial?: boolean;
}

export const DEFAULT_DATE_OPTIONS: Readonly<Required<DateParseOptions>> = Object.freeze({
  order: 'dmy',
  minYear: DEFAULT_MIN_YEAR,
  maxYear: DEFAULT_MAX_YEAR,
  excelSerial: false,
});

export type DatePrecision = 'day' | 'month' | 'year';

export interface ParsedDate {
  readonly ok: true;
  readonly year: number;
  /** 1–12, or 0 when unknown. */
  readonly month: number;
  /** 1–31, or 0 when unknown. */
  readonly day: number;
  /** `year * 10000 + month * 100 + day`. */
  readonly packed: number;
  /** Full date with day ≠ month, both ≤ 12: day and month may have been swapped. */
  readonly swappable: boolean;
  readonly precision: DatePrecision;
}

/** Stable failure reasons (never contain the input). */
export type DateFailureReason =
  | 'empty'
  | 'unsupported-type'
  | 'not-finite'
  | 'format'
  | 'two-digit-year'
  | 'time-not-midnight'
  | 'year-out-of-range'
  | 'month-out-of-range'
  | 'day-out-of-range'
  | 'day-without-month'
  | 'impossible-date';

export interface DateFailure {
  readonly ok: false;
  readonly code: 'INVALID_DATE';
  readonly reason: DateFailureReason;
}

export type DateResult = ParsedDate | DateFailure;

const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in `month` (1–12) of `year`, Gregorian. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : MONTH_DAYS[month]!;
}

function fail(reason: DateFailureReason): DateFailure {
  return { ok: false, code: 'INVALID_DATE', reason };
}

/**
 * Date parse options validated once (resolveDateOptions): what a caller that parses many
 * values with the same options passes to parseDateWith, so that each value does not validate
 * (and allocate) the options again — a register's claim path parses a date per claim.
 */
export interface ResolvedDateOptions {
  readonly mdy: boolean;
  readonly minYear: number;
  readonly maxYear: number;
  readonly excelSerial: boolean;
}

type ResolvedOptions = ResolvedDateOptions;

const DEFAULT_RESOLVED: ResolvedOptions = { mdy: false, minYear: DEFAULT_MIN_YEAR, maxYear: DEFAULT_MAX_YEAR, excelSerial: false };

function resolveOptions(options: DateParseOptions | undefined): ResolvedOptions {
  if (options === undefined) return DEFAULT_RESOLVED;
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'date options must be an object');
  const problems: string[] = [];
  const order = options.order ?? 'dmy';
  if (order !== 'dmy' && order !== 'mdy') problems.push("order must be 'dmy' or 'mdy'");
  const minYear = options.minYear ?? DEFAULT_MIN_YEAR;
  const maxYear = options.maxYear ?? DEFAULT_MAX_YEAR;
  if (!Number.isInteger(minYear) || minYear < 1 || minYear > 9999) problems.push('minYear must be an integer in 1..9999');
  if (!Number.isInteger(maxYear) || maxYear < 1 || maxYear > 9999) problems.push('maxYear must be an integer in 1..9999');
  if (problems.length === 0 && minYear > maxYear) problems.push('minYear must not exceed maxYear');
  const excelSerial = options.excelSerial ?? false;
  if (typeof excelSerial !== 'boolean') problems.push('excelSerial must be a boolean');
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid date options: ${problems.join('; ')}`, { details: { problems } });
  }
  return { mdy: order === 'mdy', minYear, maxYear, excelSerial };
}

/** Validate parts (0 = unknown) and build the result. */
function build(year: number, month: number, day: number, o: ResolvedOptions): DateResult {
  if (year < o.minYear || year > o.maxYear) return fail('year-out-of-range');
  if (month > 12) return fail('month-out-of-range');
  if (day > 31) return fail('day-out-of-range');
  if (month === 0 && day !== 0) return fail('day-without-month');
  if (day !== 0 && day > daysInMonth(year, month)) return fail('impossible-date');
  const precision: DatePrecision = day !== 0 ? 'day' : month !== 0 ? 'month' : 'year';
  const swappable = day !== 0 && day <= 12 && month <= 12 && day !== month;
  return { ok: true, year, month, day, packed: year * 10000 + month * 100 + day, swappable, precision };
}

/**
 * The parts of the last parseDate call's full date as typed when they failed validation
 * (typedDateDigits), 0 otherwise — scratch like groupValue below, reset by every parseDate.
 */
let lastTyped = 0;

/** {@link build} for a full date in a valid shape (three digit groups, or 8 digits). */
function buildFull(year: number, month: number, day: number, o: ResolvedOptions): DateResult {
  const r = build(year, month, day, o);
  if (!r.ok) lastTyped = year * 10000 + month * 100 + day;
  return r;
}

/** Civil date of a day count since 1970-01-01 (Hinnant's civil_from_days). */
function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097; // [0, 146096]
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

/** Days from 1970-01-01 to 1899-12-30, Excel's effective day 0 for serials ≥ 61. */
const EXCEL_EPOCH_DAYS = -25569;
/** Largest Excel serial: 9999-12-31. */
const EXCEL_MAX_SERIAL = 2958465;

function fromExcelSerial(x: number, o: ResolvedOptions): DateResult {
  if (x < 1 || x >= EXCEL_MAX_SERIAL + 1) return fail('year-out-of-range');
  const serial = Math.floor(x);
  if (serial === 60) return fail('impossible-date'); // Lotus 1-2-3's 29 February 1900
  const days = serial < 60 ? EXCEL_EPOCH_DAYS + serial + 1 : EXCEL_EPOCH_DAYS + serial;
  const [y, m, d] = civilFromDays(days);
  return build(y, m, d, o);
}

/** Scratch for the digit groups of one string: value and length of up to 3 groups. */
const groupValue = new Int32Array(3);
const groupLen = new Int32Array(3);

/** A space, or an invisible unit (zero-width space, BOM, soft hyphen…) — ignored as the ID and name readers ignore them. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x80 && (isUnicodeSpace(c) || isInvisible(c)));
}

/** Full-width digit → ASCII digit code, other units unchanged. */
function asciiDigit(c: number): number {
  return c >= 0xff10 && c <= 0xff19 ? c - 0xfee0 : c;
}

/** Where a time after a date starts: past a 'T' (or 't') or spaces at `from`; −1 when neither is there. */
function timeStart(s: string, from: number, to: number): number {
  const c0 = s.charCodeAt(from);
  if (c0 !== 0x54 && c0 !== 0x74 && !isSpace(c0)) return -1;
  let i = from + 1;
  while (i < to && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Where a UTC offset ends s[from..to): the index of its sign for "+hh", "+hhmm", "+hh:mm" (or
 * "−"), else `to`. The date written is the local date, whatever the offset.
 */
function offsetStart(s: string, from: number, to: number): number {
  for (let i = to - 1; i > from; i--) {
    const c = s.charCodeAt(i);
    if (c !== 0x2b && c !== 0x2d) continue;
    const n = to - i - 1;
    const digitAt = (k: number): boolean => {
      const d = asciiDigit(s.charCodeAt(i + 1 + k));
      return d >= 0x30 && d <= 0x39;
    };
    const ok = n === 2 ? digitAt(0) && digitAt(1) : n === 4 ? digitAt(0) && digitAt(1) && digitAt(2) && digitAt(3) : n === 5 ? digitAt(0) && digitAt(1) && s.charCodeAt(i + 3) === 0x3a && digitAt(3) && digitAt(4) : false;
    return ok ? i : to;
  }
  return to;
}

/**
 * Where a 12-hour clock's ante-meridiem mark ends the time s[from..to) — "AM", "A.M." or the
 * Vietnamese locale's "SA" (sáng), any case, after optional spaces: the index where the spaces
 * before it start; −1 when there is none. A post-meridiem mark ("PM", "CH") is not one: such a
 * time is never midnight.
 */
function antemeridiemStart(s: string, from: number, to: number): number {
  let i = to;
  const at = (k: number): number => s.charCodeAt(k) | 0x20; // ASCII letters in lower case
  if (i - 2 >= from && ((at(i - 2) === 0x61 && at(i - 1) === 0x6d) || (at(i - 2) === 0x73 && at(i - 1) === 0x61))) i -= 2; // am, sa
  else if (i - 4 >= from && at(i - 4) === 0x61 && s.charCodeAt(i - 3) === 0x2e && at(i - 2) === 0x6d && s.charCodeAt(i - 1) === 0x2e) i -= 4; // a.m.
  else return -1;
  while (i > from && isSpace(s.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * True when s[from..to) is an all-zero time: [ T] hh:mm[:ss[.fff]] [Z | ±hh[:mm]], or on a
 * 12-hour clock 12:00[:00[.000]] AM (SA; Excel's and SQL Server's exports in US and Vietnamese
 * locales write midnight so). Anything else that follows a date is not accepted.
 */
function isMidnightSuffix(s: string, from: number, end: number): boolean {
  let i = timeStart(s, from, end);
  if (i < 0) return false;
  let to = offsetStart(s, i, end);
  let digits = 0;
  const am = antemeridiemStart(s, i, to);
  if (am >= 0) {
    to = am;
    // 12 AM is midnight: its hour counts as two zeros.
    if (asciiDigit(s.charCodeAt(i)) === 0x31 && asciiDigit(s.charCodeAt(i + 1)) === 0x32 && s.charCodeAt(i + 2) === 0x3a) {
      i += 2;
      digits = 2;
    }
  }
  let colons = 0;
  let dot = false;
  for (; i < to; i++) {
    const c = asciiDigit(s.charCodeAt(i));
    if (c === 0x30) digits++;
    else if (c >= 0x31 && c <= 0x39) return false; // a non-zero time
    else if (c === 0x3a && !dot) colons++;
    else if (c === 0x2e && colons === 2 && !dot) dot = true;
    else if ((c === 0x5a || c === 0x7a) && i === to - 1) break; // trailing Z
    else return false;
  }
  return colons >= 1 && colons <= 2 && digits >= 2;
}

/**
 * Whether s[from, to) reads as a time of day after a date: 'T' or spaces, then 1–2 digits and
 * a colon ("T17:00", " 08:30:00"). Other text after a space ("15 tháng 3 năm 1985", "15 Mar
 * 1985") is a format the parser does not read, not a time.
 */
function isTimeSuffix(s: string, from: number, to: number): boolean {
  let i = timeStart(s, from, to);
  if (i < 0) return false;
  let digits = 0;
  while (i < to && digits < 3) {
    const c = asciiDigit(s.charCodeAt(i));
    if (c < 0x30 || c > 0x39) break;
    digits++;
    i++;
  }
  return digits >= 1 && digits <= 2 && i < to && s.charCodeAt(i) === 0x3a;
}

/** Whether s[from..to) holds an ASCII letter or a non-ASCII one (Vietnamese, full-width…). */
function hasLetter(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    const lower = c | 0x20;
    if ((lower >= 0x61 && lower <= 0x7a) || (c > 0x7f && !isSpace(c))) return true;
  }
  return false;
}

/** A date written with words (worded-date.ts): its named month is never swapped with the day. */
function parseWorded(s: string, o: ResolvedOptions): DateResult {
  const parts = wordedDateParts(s);
  if (parts === null) return fail('format');
  if (parts === 'two-digit-year') return fail(parts);
  const r = parts[2] !== 0 ? buildFull(parts[0], parts[1], parts[2], o) : build(parts[0], parts[1], 0, o);
  return r.ok && r.swappable ? { ...r, swappable: false } : r;
}

function parseDateString(s: string, o: ResolvedOptions): DateResult {
  let a = 0;
  let b = s.length;
  while (a < b && isSpace(s.charCodeAt(a))) a++;
  while (b > a && isSpace(s.charCodeAt(b - 1))) b--;
  if (a === b) return fail('empty');

  // Digit groups separated by one kind of separator (/ - .), optionally a midnight time.
  let groups = 0;
  let sep = 0;
  let inGroup = false;
  let end = b;
  for (let i = a; i < b; i++) {
    const c = asciiDigit(s.charCodeAt(i));
    if (c >= 0x30 && c <= 0x39) {
      if (!inGroup) {
        if (groups === 3) return fail('format');
        groupValue[groups] = 0;
        groupLen[groups] = 0;
        groups++;
        inGroup = true;
      }
      const g = groups - 1;
      if (groupLen[g]! >= 9) return fail('format');
      groupValue[g] = groupValue[g]! * 10 + (c - 0x30);
      groupLen[g]!++;
      continue;
    }
    if ((c === 0x2f || c === 0x2d || c === 0x2e) && inGroup && i + 1 < b) {
      if (sep === 0) sep = c;
      else if (sep !== c) return fail('format');
      inGroup = false;
      continue;
    }
    // Something else: only an all-zero time may follow a complete date.
    if (inGroup && groups >= 1 && isMidnightSuffix(s, i, b)) {
      end = i;
      break;
    }
    if (inGroup && groups >= 1 && isTimeSuffix(s, i, b)) return fail('time-not-midnight');
    return hasLetter(s, i, b) ? parseWorded(s.slice(a, b), o) : fail('format');
  }
  if (!inGroup) return fail('format');

  const l0 = groupLen[0]!;
  const v0 = groupValue[0]!;
  if (groups === 1) {
    if (end !== b) return fail('format'); // a time after a bare number
    if (l0 === 8) return buildFull(Math.floor(v0 / 10000), Math.floor(v0 / 100) % 100, v0 % 100, o);
    if (l0 === 4 && (!o.excelSerial || (v0 >= o.minYear && v0 <= o.maxYear))) return build(v0, 0, 0, o);
    if (o.excelSerial && l0 <= 5) return fromExcelSerial(v0, o);
    if (l0 === 2) return fail('two-digit-year');
    return fail('format'); // 6 digits (ddmmyy? yyyymm?) and other lengths are ambiguous
  }
  const l1 = groupLen[1]!;
  const v1 = groupValue[1]!;
  if (groups === 2) {
    if (l0 === 4 && l1 <= 2) return build(v0, v1, 0, o); // yyyy-mm
    if (l0 <= 2 && l1 === 4) return build(v1, v0, 0, o); // mm/yyyy
    if (l0 <= 2 && l1 === 2) return fail('two-digit-year');
    return fail('format');
  }
  const l2 = groupLen[2]!;
  const v2 = groupValue[2]!;
  if (l0 === 4 && l1 <= 2 && l2 <= 2) return buildFull(v0, v1, v2, o); // yyyy-mm-dd
  if (l0 <= 2 && l1 <= 2) {
    if (l2 === 4) return o.mdy ? buildFull(v2, v0, v1, o) : buildFull(v2, v1, v0, o);
    if (l2 <= 2) return fail('two-digit-year');
  }
  return fail('format');
}

/**
 * Parse a date (see the file header for formats and defaults). Never throws on data: any
 * string, number or other value yields a result or a structured failure. `options` is
 * checked on every call (a few comparisons and an object; a caller parsing many values with
 * the same options resolves them once — resolveDateOptions — and calls parseDateWith).
 *
 * @throws KhopError INVALID_OPTION when `options` is malformed (a programmer error).
 */
export function parseDate(input: unknown, options?: DateParseOptions): DateResult {
  return parseDateWith(input, resolveOptions(options));
}

/**
 * Date parse options validated and resolved, for parseDateWith.
 * @throws KhopError INVALID_OPTION as parseDate.
 */
export function resolveDateOptions(options?: DateParseOptions): ResolvedDateOptions {
  return Object.freeze({ ...resolveOptions(options) });
}

/** parseDate with options resolved once by resolveDateOptions. */
export function parseDateWith(input: unknown, o: ResolvedDateOptions): DateResult {
  lastTyped = 0;
  if (typeof input === 'string') return parseDateString(input, o);
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return fail('not-finite');
    // An integer reads as its digits would as a string — with excelSerial too: a 4-digit year in
    // range is a year, 8 digits yyyymmdd, up to 5 a serial (1950 typed into a date column was
    // read as serial 1950, 1905-05-03: a plausible wrong date); a fraction is a serial's time.
    if (o.excelSerial && !(Number.isInteger(input) && input >= 0)) return fromExcelSerial(input, o);
    if (!Number.isInteger(input) || input < 0) return fail('format');
    return parseDateString(String(input), o);
  }
  if (input === null || input === undefined) return fail('empty');
  return fail('unsupported-type');
}

/**
 * The digits of a date typed in a full date's shape (three digit groups, or 8 digits) whose
 * parts are out of range — month 13, day 42, 30 February, year 1060: usually a typing slip of
 * a real date — as typed, in yyyymmdd order under the same options (`year * 10000 + month *
 * 100 + day`, 1..99999999); 0 when `input` parses as a date, is not in a full date's shape, or
 * its parts are all zero. The value is still NOT a date (parseDate rejects it); matching
 * compares these digits with the other record's date (compareTypedDates), so "1997-21-25" can
 * still be one slip from "1997-12-25". Kept out of DateFailure on purpose: a failure is a reason
 * that may be logged, and a date of birth is personal data.
 */
export function typedDateDigits(input: unknown, options?: DateParseOptions): number {
  return typedDateDigitsWith(input, resolveOptions(options));
}

/** typedDateDigits with options resolved once by resolveDateOptions. */
export function typedDateDigitsWith(input: unknown, o: ResolvedDateOptions): number {
  return parseDateWith(input, o).ok ? 0 : lastTyped;
}

/**
 * True when `packed` is a date parseDate can return under the given year bounds: an integer
 * yyyymmdd with month 0–12, day 0–(days in month), no known day in an unknown month.
 */
export function isValidPackedDate(packed: number, options?: Pick<DateParseOptions, 'minYear' | 'maxYear'>): boolean {
  const o = resolveOptions(options);
  if (!Number.isInteger(packed) || packed < 0) return false;
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  return build(year, month, day, o).ok;
}

/**
 * ISO 8601 text of a packed date, at its precision: 'yyyy-mm-dd', 'yyyy-mm' (unknown day),
 * 'yyyy' (unknown month and day). parseDate reads each form back to the same packed value.
 *
 * @throws KhopError INVALID_ARGUMENT when `packed` is not a valid packed date (years 1–9999).
 */
export function formatPackedDate(packed: number): string {
  if (!isValidPackedDate(packed, { minYear: 1, maxYear: 9999 })) {
    throw new KhopError('INVALID_ARGUMENT', 'formatPackedDate: not a valid packed yyyymmdd date');
  }
  const year = Math.floor(packed / 10000);
  const month = Math.floor(packed / 100) % 100;
  const day = packed % 100;
  const y = String(year).padStart(4, '0');
  if (month === 0) return y;
  const m = month < 10 ? `0${month}` : String(month);
  if (day === 0) return `${y}-${m}`;
  return `${y}-${m}-${day < 10 ? `0${day}` : String(day)}`;
}
