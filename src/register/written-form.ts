/**
 * Written forms: how a register value was WRITTEN, kept in one byte per record so that a
 * claim can be told "exact" (identical as written) apart from "equivalent" (equal once
 * normalised) without storing the original text next to the normalised one.
 *
 * The form byte of a record (`$form`, uint8):
 *
 *     bit   7          6            5 4 3 2        1 0
 *         ┌──────────┬────────────┬──────────────┬────────────┐
 *         │ recordId │ (reserved, │ date format  │ name style │
 *         │ is number│  0)        │ 0..10        │ 0..3       │
 *         └──────────┴────────────┴──────────────┴────────────┘
 *
 *   name style   1 lower case (= the normalised form)  2 Title Case  3 UPPER CASE
 *                0 anything else (NFD, new-style tones, odd spacing, given-name-first…)
 *   date format  see DATE_FORMAT below; 0 = any other writing
 *
 * A sex cell (uint8) carries its own written form next to the code:
 *
 *     bit   7 6      5 4 3 2          1 0
 *         ┌──────┬────────────────┬──────────┐
 *         │  0   │ label form     │ sex code │     value = code | form << 2
 *         │      │ 0..9 (SEX_FORM)│ 1 M, 2 F │     code = value & 3, form = value >>> 2
 *         └──────┴────────────────┴──────────┘
 *
 * A value written in form 0 keeps only its normalised form: a claim can be at most
 * "equivalent" to it (documented trade-off: 1 byte per record instead of a second copy of
 * every name). Only the PRIMARY name and date fields have a form (sex fields all do);
 * secondary fields are "exact" when the claim is written as their normalised form.
 */

export const NAME_STYLE_OTHER = 0;
export const NAME_STYLE_LOWER = 1;
export const NAME_STYLE_TITLE = 2;
export const NAME_STYLE_UPPER = 3;

/** Date formats by code (index); 0 = other. */
export const DATE_FORMAT = Object.freeze([
  '',
  'dd/mm/yyyy',
  'd/m/yyyy',
  'yyyy-mm-dd',
  'yyyymmdd',
  'dd-mm-yyyy',
  'dd.mm.yyyy',
  'yyyy',
  'mm/yyyy',
  'yyyy/mm/dd',
  'yyyy-mm',
] as const);

const NAME_MASK = 0x03;
const DATE_SHIFT = 2;
const DATE_MASK = 0x0f;
const RID_NUMBER_BIT = 0x80;

/** Pack the parts of a form byte. */
export function packForm(nameStyle: number, dateFormat: number, ridIsNumber: boolean): number {
  return (nameStyle & NAME_MASK) | ((dateFormat & DATE_MASK) << DATE_SHIFT) | (ridIsNumber ? RID_NUMBER_BIT : 0);
}

export function formNameStyle(form: number): number {
  return form & NAME_MASK;
}

export function formDateFormat(form: number): number {
  return (form >>> DATE_SHIFT) & DATE_MASK;
}

export function formRecordIdIsNumber(form: number): boolean {
  return (form & RID_NUMBER_BIT) !== 0;
}

/** Upper case of one UTF-16 unit when it stays one unit (all Vietnamese letters do), else −1. */
/** Units below this have their upper case in UPPER_TABLE (Latin-1 to Latin Extended Additional: every Vietnamese letter). */
const UPPER_TABLE_LIMIT = 0x2000;
/** upperUnit of each unit below UPPER_TABLE_LIMIT, filled on first use (−2: not yet computed). */
const UPPER_TABLE = new Int32Array(UPPER_TABLE_LIMIT).fill(-2);

/**
 * The upper-case unit of unit `c`, or −1 when its upper case is not one unit ("ß" → "SS").
 * Non-ASCII units below UPPER_TABLE_LIMIT are computed once and kept (the exact-name check runs
 * per candidate row; toUpperCase made a string per non-ASCII unit each time).
 */
export function upperUnit(c: number): number {
  if (c >= 0x61 && c <= 0x7a) return c - 32; // a-z → A-Z
  if (c < 0x80) return c;
  if (c < UPPER_TABLE_LIMIT) {
    const t = UPPER_TABLE[c]!;
    if (t !== -2) return t;
    return (UPPER_TABLE[c] = upperOfUnit(c));
  }
  return upperOfUnit(c);
}

function upperOfUnit(c: number): number {
  const u = String.fromCharCode(c).toUpperCase();
  return u.length === 1 ? u.charCodeAt(0) : -1;
}

/**
 * True when `written` is `norm` rendered in `style` (LOWER: identical; TITLE: the first unit of
 * every space-separated token upper-cased; UPPER: every unit upper-cased). Allocation-free for
 * units below U+2000 (upperUnit's table); one tiny string per unit checked above it.
 */
export function isNameInStyle(written: string, norm: string, style: number): boolean {
  const n = norm.length;
  if (written.length !== n || style === NAME_STYLE_OTHER) return false;
  if (style === NAME_STYLE_LOWER) return written === norm;
  for (let i = 0; i < n; i++) {
    const c = norm.charCodeAt(i);
    const w = written.charCodeAt(i);
    const up = style === NAME_STYLE_UPPER || i === 0 || norm.charCodeAt(i - 1) === 0x20;
    if (up ? w !== upperUnit(c) : w !== c) return false;
  }
  return true;
}

/**
 * `isNameInStyle(written, norm, style)` where `norm` is the UTF-8 text `bytes[start .. end)`,
 * read in place: the code units of `norm` are decoded one at a time and compared as they come,
 * so a stored name is checked against a claim without making a string of it. False also when
 * the bytes hold a code point outside the BMP or are not well-formed UTF-8 (the caller then
 * decodes the text and asks isNameInStyle): true ONLY when isNameInStyle would say true.
 */
export function isNameInStyleUtf8(written: string, bytes: Uint8Array, start: number, end: number, style: number): boolean {
  if (style === NAME_STYLE_OTHER) return false;
  const n = written.length;
  // Each unit takes 1–3 bytes here: a length that cannot match needs no decoding.
  if (end - start < n || end - start > 3 * n) return false;
  let i = 0;
  let prevSpace = true; // the first unit is upper-cased in Title style
  for (let p = start; p < end; i++) {
    if (i === n) return false;
    const b = bytes[p]!;
    let c: number;
    if (b < 0x80) {
      c = b;
      p += 1;
    } else if (b >= 0xc2 && b < 0xe0 && p + 1 < end) {
      const b1 = bytes[p + 1]!;
      if ((b1 & 0xc0) !== 0x80) return false;
      c = ((b & 0x1f) << 6) | (b1 & 0x3f);
      p += 2;
    } else if (b >= 0xe0 && b < 0xf0 && p + 2 < end) {
      const b1 = bytes[p + 1]!;
      const b2 = bytes[p + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return false;
      c = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      // Overlong forms and surrogates are not well-formed: leave them to the decoder.
      if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)) return false;
      p += 3;
    } else return false;
    const w = written.charCodeAt(i);
    const up = style === NAME_STYLE_UPPER || (style === NAME_STYLE_TITLE && prevSpace);
    if (up ? w !== upperUnit(c) : w !== c) return false;
    prevSpace = c === 0x20;
  }
  return i === n;
}

/** The style `written` (trimmed) has relative to its normalised form `norm`. */
export function nameStyleOf(written: string, norm: string): number {
  if (written === norm) return NAME_STYLE_LOWER;
  if (isNameInStyle(written, norm, NAME_STYLE_TITLE)) return NAME_STYLE_TITLE;
  if (isNameInStyle(written, norm, NAME_STYLE_UPPER)) return NAME_STYLE_UPPER;
  return NAME_STYLE_OTHER;
}

/**
 * The end of the decimal digits of `v` (a non-negative integer) in `s` from `at`, at least
 * `width` of them (zero-padded; width 0 = as many as v has), or −1 when `s` does not have them there.
 */
function digitsAt(s: string, at: number, v: number, width: number): number {
  let len = 1;
  for (let t = v; t >= 10; t = Math.floor(t / 10)) len++;
  if (len < width) len = width;
  if (at + len > s.length) return -1;
  let t = v;
  for (let i = at + len - 1; i >= at; i--) {
    if (s.charCodeAt(i) !== 0x30 + (t % 10)) return -1;
    t = Math.floor(t / 10);
  }
  return at + len;
}

/**
 * True when `s` is the packed yyyymmdd date `packed` written in format `code` (DATE_FORMAT:
 * dd / mm two digits, d / m as many as they have, yyyy four or more, other characters as
 * they are; unknown parts as 0 / 00) — compared in place, without making the date's string
 * (the claim path asks this of every claim whose date equals the record's). False for code 0.
 */
export function isDateWritten(s: string, packed: number, code: number): boolean {
  const pattern = code > 0 ? DATE_FORMAT[code] : undefined;
  if (pattern === undefined) return false;
  const y = Math.floor(packed / 10000);
  const m = Math.floor(packed / 100) % 100;
  const d = packed % 100;
  let at = 0;
  for (let p = 0; p < pattern.length; ) {
    const c = pattern.charCodeAt(p);
    if (c === 0x79 /* y */) {
      at = digitsAt(s, at, y, 4);
      p += 4;
    } else if (c === 0x6d /* m */ || c === 0x64 /* d */) {
      const two = pattern.charCodeAt(p + 1) === c;
      at = digitsAt(s, at, c === 0x6d ? m : d, two ? 2 : 0);
      p += two ? 2 : 1;
    } else {
      if (s.charCodeAt(at) !== c) return false;
      at++;
      p++;
    }
    if (at < 0) return false;
  }
  return at === s.length;
}

/** Likely format code of a date string from its length and separators (verified by the caller). */
function guessDateFormat(s: string): number {
  const n = s.length;
  const c2 = s.charCodeAt(2);
  const c4 = s.charCodeAt(4);
  if (n === 10) {
    if (c2 === 0x2f) return 1; // dd/mm/yyyy
    if (c2 === 0x2d) return 5; // dd-mm-yyyy
    if (c2 === 0x2e) return 6; // dd.mm.yyyy
    if (c4 === 0x2d) return 3; // yyyy-mm-dd
    if (c4 === 0x2f) return 9; // yyyy/mm/dd
    return 0;
  }
  if (n === 8 && s.indexOf('/') < 0 && s.indexOf('-') < 0 && s.indexOf('.') < 0) return 4; // yyyymmdd
  if (n === 4) return 7;
  if (n === 7) return c2 === 0x2f ? 8 : c4 === 0x2d ? 10 : 0;
  return s.indexOf('/') > 0 ? 2 : 0;
}

/** Format code of a date as written (trimmed string, or the digits of a number) for its parsed value. */
export function dateFormatOf(written: string, packed: number): number {
  const code = guessDateFormat(written);
  return code !== 0 && isDateWritten(written, packed, code) ? code : 0;
}

/** Written forms of sex by form code (index): [male, female]; 0 = any other writing. */
export const SEX_FORM: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['', ''],
  ['Nam', 'N\u1eef'],
  ['nam', 'n\u1eef'],
  ['NAM', 'N\u1eee'],
  ['M', 'F'],
  ['m', 'f'],
  ['1', '2'],
  ['male', 'female'],
  ['Male', 'Female'],
  ['MALE', 'FEMALE'],
] as const);

/** The form code of a sex written as `written` (trimmed; a number as its digits) for `code`. */
export function sexFormOf(written: string, code: number): number {
  for (let f = 1; f < SEX_FORM.length; f++) if (SEX_FORM[f]![code - 1] === written) return f;
  return 0;
}

/** The label of sex `code` in form `form` (null for form 0). */
export function sexLabelOf(code: number, form: number): string | null {
  return form > 0 && form < SEX_FORM.length ? SEX_FORM[form]![code - 1]! : null;
}

/** A sex cell: code (1 male, 2 female) in bits 0–1, form in bits 2–5. */
export function packSex(code: number, form: number): number {
  return code | (form << 2);
}

/** Sex code of a sex cell. */
export function sexCodeOf(cell: number): number {
  return cell & 3;
}

/** Written-form code of a sex cell. */
export function sexFormOfCell(cell: number): number {
  return cell >>> 2;
}
