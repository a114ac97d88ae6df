/**
 * Vietnamese personal identification numbers: the 12-digit CCCD / personal ID number and the
 * old 9-digit CMND.
 *
 *   12 digits   PPP G YY RRRRRR
 *               PPP  province where the birth was registered: "0" + GSO code of the FROZEN
 *                    63-province table (VN_PROVINCES_63.cccdPrefix; Circular 07/2016/TT-BCA,
 *                    59/2021/TT-BCA). The 34-province codes of 2025 reuse some of the same
 *                    numbers for different provinces (015 = Yên Bái here, but Lào Cai in the
 *                    34 table; 052 = Bình Định here, Gia Lai there) — they are never used.
 *               G    century and sex (Circular 07/2016/TT-BCA as amended): 0/1 male/female
 *                    born 1900–1999, 2/3 2000–2099, 4/5 2100–2199, 6/7 2200–2299,
 *                    8/9 2300–2399 — there is no code for the 1800s
 *               YY   last two digits of the birth year
 *               R    random; there is no check digit
 *               A birth year after the current one (latestBirthYear: the year it already is
 *               somewhere on Earth, UTC+14) belongs to nobody alive: `future-birth-year`. Today
 *               that is every 4–9 digit and a 2/3 digit past this year: "001890012345" is not
 *               a man born 2389 (nor, as this parser once read it, 1889) but no valid number.
 *   11 digits   a CCCD whose leading zero a spreadsheet dropped: the zero is restored
 *               (`restoredLeadingZero: true`) and the result decoded as above — every
 *               province prefix starts with 0, so a 12-digit number never loses anything else
 *   10 digits   starting 1–9: a 00x prefix that lost both zeros (a number-typed column drops
 *               all leading zeros): restored the same way and flagged
 *               A restored reading is a guess — the number may as well be a CCCD that lost
 *               another digit ("01909001234", the last 5 of 019090012345 gone, reads as born
 *               2309) — kept only when its birth year is one a living holder can have (not
 *               after latestBirthYear). Otherwise the number is what it is, too short: reason
 *               'length'. A 12-digit number with such a year is `future-birth-year`: the same
 *               rule, its own reason (nothing was guessed).
 *    9 digits   an old CMND: `kind: 'cmnd9'`, not decoded (its prefix uses a different,
 *               police-issued code list and encodes neither sex nor birth year); one digit
 *               repeated ("000000000", "999999999") is a placeholder, not a number: reason
 *               'placeholder'
 *    8 digits   starting 1–9: a CMND whose leading zero a number-typed column dropped (01x Hà
 *               Nội, 02x TP HCM, 03x Hải Phòng … — CMND prefixes are police-issued province
 *               codes of two or three digits from 01 up, none 00): restored to 9 digits and
 *               flagged. Never a CCCD: that would be four lost zeros, a province 000 the
 *               63-table has not. Only a number's rendering — the digits alone, or grouped in
 *               thousands by dots or spaces ("12.345.678") — is restored: eight digits with a
 *               dash or another grouping ("1977-07-07", "07.07.1977", "2023-2024") are a date
 *               or a range typed into the column, reason 'length'. Eight of one digit is a
 *               placeholder, as nine are. Not 7 digits: a CMND that lost two zeros would have
 *               begun 00, which none does — seven digits are a number too short.
 *
 * Input cleaning: spaces (any whitespace), dots, dashes (ASCII and Unicode), underscores and
 * invisible characters are removed; full-width digits become ASCII; a leading apostrophe (the
 * spreadsheet "store as text" prefix) is ignored. Integers are accepted as their digits.
 * Anything else — letters, other lengths, an unknown province prefix — is
 * `{ ok: false, code: 'INVALID_ID', reason }`, never an exception. An unsupported `country`
 * option is a programmer error: KhopError UNSUPPORTED_COUNTRY.
 *
 * Trade-off: decoding allocates the result object and the digit string; cleaning is one
 * char-code pass. The province lookup is a 1000-entry array indexed by the prefix number.
 */
import { VN_PROVINCES_63, type Province63 } from '../data/vn-provinces.js';
import { KhopError } from '../errors.js';
import { invalidArgument } from '../util/arg-check.js';
import { isInvisible, isUnicodeSpace } from './char-class.js';
import type { Sex } from './sex.js';

export interface NationalIdOptions {
  /** Country whose ID scheme applies. Only 'VN' is supported. Default 'VN'. */
  readonly country?: 'VN';
}

export const DEFAULT_NATIONAL_ID_OPTIONS: Readonly<Required<NationalIdOptions>> = Object.freeze({ country: 'VN' });

/** A decoded 12-digit personal identification number. */
export interface CccdId {
  readonly ok: true;
  readonly kind: 'cccd';
  /** The 12 digits (with the restored zero when `restoredLeadingZero`). */
  readonly digits: string;
  /** True when the input had 11 (or 10) digits and the leading zero(s) were added. */
  readonly restoredLeadingZero: boolean;
  /** 3-digit prefix, e.g. '001' (Hà Nội). */
  readonly provinceCode: string;
  /** Short name of the province in the 63-province table, e.g. 'Hà Nội'. */
  readonly provinceName: string;
  readonly sex: Sex;
  /** First year of the birth century: 1900 or 2000 (2100–2300 are refused until they come: future-birth-year). */
  readonly century: number;
  readonly birthYear: number;
}

/** An old 9-digit CMND (not decoded). */
export interface Cmnd9Id {
  readonly ok: true;
  readonly kind: 'cmnd9';
  /** The 9 digits (with the restored zero when `restoredLeadingZero`). */
  readonly digits: string;
  /** True when the input had 8 digits and a leading 0 was added. */
  readonly restoredLeadingZero: boolean;
}

export type ParsedNationalId = CccdId | Cmnd9Id;

/** Stable failure reasons (never contain the input). */
export type NationalIdFailureReason = 'empty' | 'unsupported-type' | 'non-digit' | 'length' | 'unknown-province' | 'placeholder' | 'future-birth-year';

export interface NationalIdFailure {
  readonly ok: false;
  readonly code: 'INVALID_ID';
  readonly reason: NationalIdFailureReason;
}

export type NationalIdResult = ParsedNationalId | NationalIdFailure;

/** Century of each value of the 4th digit (index = digit), Circular 07/2016/TT-BCA as amended. */
const CENTURY = [1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 2300, 2300];

/** UTC+14 (Kiribati): the first time zone to reach a new year. */
const EARLIEST_ZONE_MS = 14 * 3600 * 1000;
/** latestBirthYear's cache: the year, and the clock interval [from, until) in which it holds. */
let cachedYear = 0;
let cachedFrom = Infinity;
let cachedUntil = -Infinity;

/**
 * The latest birth year a living ID holder can have: the year it already is somewhere on Earth
 * (UTC+14), so a child born on 1 January in Vietnam (UTC+7) or anywhere else is never refused,
 * and a year that has begun nowhere is. The one place the parser reads the clock (`Date.now()`,
 * which a test moves with vi.setSystemTime; a worker thread reads its own, the same clock); the
 * year is cached for the interval it holds in, checked on each call, so a clock moved back is
 * followed too.
 */
export function latestBirthYear(now: number = Date.now()): number {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw invalidArgument('latestBirthYear', 'now', 'a finite number of milliseconds since 1970 (Date.now())', now);
  return birthYearLimit(now);
}

/** {@link latestBirthYear} without the argument check: ID parsing calls it with Date.now(). */
function birthYearLimit(now: number): number {
  if (now >= cachedFrom && now < cachedUntil) return cachedYear;
  const year = new Date(now + EARLIEST_ZONE_MS).getUTCFullYear();
  cachedYear = year;
  cachedFrom = Date.UTC(year, 0, 1) - EARLIEST_ZONE_MS;
  cachedUntil = Date.UTC(year + 1, 0, 1) - EARLIEST_ZONE_MS;
  return year;
}

/** Province by numeric CCCD prefix (0–999), from the 63-province table only. */
const PROVINCE_BY_PREFIX: Array<Province63 | undefined> = new Array<Province63 | undefined>(1000).fill(undefined);
for (const p of VN_PROVINCES_63) PROVINCE_BY_PREFIX[Number(p.cccdPrefix)] = p;

function fail(reason: NationalIdFailureReason): NationalIdFailure {
  return { ok: false, code: 'INVALID_ID', reason };
}

function validateOptions(options: NationalIdOptions | undefined): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new KhopError('INVALID_OPTION', 'national ID options must be an object');
  }
  const country = options.country;
  if (country !== undefined && country !== 'VN') {
    throw new KhopError('UNSUPPORTED_COUNTRY', "national ID country not supported (supported: 'VN')", {
      details: { option: 'country', supported: ['VN'] },
    });
  }
}

/** Characters removed while cleaning an ID (whitespace, dots, dashes, underscores, invisibles). */
function isIdFiller(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x2e || c === 0x2d || c === 0x5f;
  return (
    isUnicodeSpace(c) || isInvisible(c) || (c >= 0x2010 && c <= 0x2015) || c === 0x2212 ||
    c === 0xff0e || c === 0xff0d || c === 0xff3f // full-width . - _
  );
}

const digitBuf = new Uint8Array(32);
/** Thousands grouping of 8 digits, "12.345.678": separators after digits 2 and 5. */
const THOUSANDS_8 = (1 << 2) | (1 << 5);

/** The first n (9 or 12) digits of digitBuf as ASCII text, built in one call (no string per digit). */
function digitString(n: number): string {
  const d = digitBuf;
  return n === 9
    ? String.fromCharCode(48 + d[0]!, 48 + d[1]!, 48 + d[2]!, 48 + d[3]!, 48 + d[4]!, 48 + d[5]!, 48 + d[6]!, 48 + d[7]!, 48 + d[8]!)
    : String.fromCharCode(48 + d[0]!, 48 + d[1]!, 48 + d[2]!, 48 + d[3]!, 48 + d[4]!, 48 + d[5]!, 48 + d[6]!, 48 + d[7]!, 48 + d[8]!, 48 + d[9]!, 48 + d[10]!, 48 + d[11]!);
}

/**
 * Parse a Vietnamese national ID number (see the file header). Never throws on data.
 *
 * @throws KhopError UNSUPPORTED_COUNTRY for a country other than 'VN'; INVALID_OPTION for
 *   malformed options.
 */
export function parseNationalId(input: unknown, options?: NationalIdOptions): NationalIdResult {
  validateOptions(options);
  let s: string;
  if (typeof input === 'string') s = input;
  else if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) return fail('non-digit');
    s = String(input);
  } else if (input === null || input === undefined) return fail('empty');
  else return fail('unsupported-type');

  let n = 0;
  let wide = false; // a full-width digit was converted
  let seen = false; // a non-filler character has been seen (for the leading apostrophe)
  /** Digits before the last dot (−1: no dot), and a minus sign before the first digit. */
  let dotAt = -1;
  let signed = false;
  /** Separators among the first 8 digits: bit k = one after digit k (thousands: 2 and 5), −1 another. */
  let grouping = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (isIdFiller(c)) {
      // A number's rendering is not an ID: a minus sign before the digits ("-1090012345"), or a
      // decimal part after the last dot ("1090012345.5", "79185001234.0") — a negative or
      // fractional number written as text (a Parquet DOUBLE, String(-1090012345n)). Dots that
      // group digits ("001.090.012.345", "1.090.012.345") leave three or more after the last.
      if (n === 0 && (c === 0x2d || c === 0x2212 || c === 0xff0d)) signed = true;
      if (c === 0x2e || c === 0xff0e) dotAt = n;
      // An 8-digit CMND is restored only from a number's rendering: plain, or grouped in
      // thousands by dots or spaces ("12.345.678"). A dash or another grouping ("1977-07-07",
      // "07.07.1977", "2023-2024") is a date or a range, not a number that lost its zero.
      if (n > 0 && n < 8 && !isInvisible(c)) {
        grouping = (n === 2 || n === 5) && (c === 0x2e || c === 0xff0e || isUnicodeSpace(c) || c === 0x20) && grouping >= 0 ? grouping | (1 << n) : -1;
      }
      continue;
    }
    if (!seen && (c === 0x27 || c === 0x2019 || c === 0xff07)) {
      seen = true; // spreadsheet text prefix '
      continue;
    }
    seen = true;
    if (c >= 0xff10 && c <= 0xff19) {
      c -= 0xfee0; // full-width digit → ASCII
      wide = true;
    }
    if (c < 0x30 || c > 0x39) return fail('non-digit');
    if (n === digitBuf.length) return fail('length');
    digitBuf[n++] = c - 0x30;
  }
  if (n === 0) return fail('empty');
  if (signed || (dotAt >= 0 && n - dotAt > 0 && n - dotAt < 3)) return fail('non-digit');
  // Every character kept and none converted (n digits in n ASCII characters): the input IS
  // the digit string — the common case, no string built.
  const asIs = n === s.length && !wide;
  // 9 digits, or 8 starting 1–9: a CMND whose leading zero a number-typed column dropped.
  if (n === 9 || (n === 8 && digitBuf[0] !== 0 && (grouping === 0 || grouping === THOUSANDS_8))) {
    let same = true;
    for (let k = 1; k < n && same; k++) same = digitBuf[k] === digitBuf[0];
    if (same) return fail('placeholder');
    if (n === 9) return { ok: true, kind: 'cmnd9', digits: asIs ? s : digitString(9), restoredLeadingZero: false };
    for (let k = 8; k >= 1; k--) digitBuf[k] = digitBuf[k - 1]!;
    digitBuf[0] = 0;
    return { ok: true, kind: 'cmnd9', digits: digitString(9), restoredLeadingZero: true };
  }
  // 10 digits starting 1–9: a 00x prefix (Hà Nội, Hà Giang, Cao Bằng, Bắc Kạn, Tuyên Quang)
  // that lost both zeros to a number-typed spreadsheet column.
  if (n !== 12 && n !== 11 && !(n === 10 && digitBuf[0] !== 0)) return fail('length');
  const restored = n !== 12;
  if (restored) {
    const shift = 12 - n;
    for (let k = 11; k >= shift; k--) digitBuf[k] = digitBuf[k - shift]!; // shift right, restore the zeros
    for (let k = 0; k < shift; k++) digitBuf[k] = 0;
  }
  const prefix = digitBuf[0]! * 100 + digitBuf[1]! * 10 + digitBuf[2]!;
  const province = PROVINCE_BY_PREFIX[prefix];
  if (province === undefined) return fail('unknown-province');
  const g = digitBuf[3]!;
  const century = CENTURY[g]!;
  const birthYear = century + digitBuf[4]! * 10 + digitBuf[5]!;
  // 0/1 (the 1900s) are always past: the clock (Date.now(), ~50 ns on the benchmark VM) is
  // read for the later digits only.
  if (g >= 2 && birthYear > birthYearLimit(Date.now())) return fail(restored ? 'length' : 'future-birth-year');
  return {
    ok: true,
    kind: 'cccd',
    digits: asIs && !restored ? s : digitString(12),
    restoredLeadingZero: restored,
    provinceCode: province.cccdPrefix,
    provinceName: province.shortName,
    sex: (g & 1) === 0 ? 'male' : 'female', // even digit male, odd female
    century,
    birthYear,
  };
}
