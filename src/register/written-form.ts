/**
 * Written forms: how a register value was WRITTEN, kept without a second copy of the value, so
 * that a claim can be told "exact" (identical, as written) apart from "equivalent" (equal once
 * normalised). Every name and date field has one, primary or not; a sex cell has its own.
 *
 * The form byte of a record (`$form`, uint8):
 *
 *     bit   7          6           5 4         3 2         1 0
 *         ┌──────────┬───────────┬───────────┬───────────┬───────────┐
 *         │ recordId │ a name    │ name      │ name      │ name      │
 *         │ is number│ cell has  │ slot 2    │ slot 1    │ slot 0    │
 *         │          │ a tail    │ style     │ style     │ style     │
 *         └──────────┴───────────┴───────────┴───────────┴───────────┘
 *
 *   name style   1 lower case (= the normalised form)  2 Title Case  3 UPPER CASE
 *                0 anything else (NFD, new-style tones, odd spacing or case, punctuation…)
 *   slot         the name field's place among the schema's name fields (register-layout.ts:
 *                FieldPlan.nameSlot); the primary name is slot 0. A fourth name field and
 *                later ones have no slot: their style is in their cell's tail.
 *
 * A name cell (utf8) is the normalised name, followed — only when the style alone cannot
 * render the value as written — by a TAIL: a 0x00 byte (a normalised name has no control
 * character), a style code byte, and for style 0 the written text itself (trimmed):
 *
 *     norm                              style 1–3 in the form byte (the usual case: no tail)
 *     norm 0x00 0x00 written           style 0: the text as written (NFD, "Nguyễn  văn An"…)
 *     norm 0x00 0x02 | 0x03            a name field without a slot, Title / UPPER case
 *
 * Bit 6 of the form byte says some name cell of the row has a tail, so a row without one
 * (nearly all) is never scanned for the separator. A written text that is not well-formed
 * UTF-16 (a lone surrogate: no UTF-8 form) keeps no text: a claim can then be at most
 * equivalent to it.
 *
 * A date cell (int32) carries its written format in its top bits, as a sex cell does:
 *
 *     bit  31    30 29 28 27          26 … 0
 *         ┌────┬─────────────────┬──────────────────────────┐
 *         │ 0  │ format 0..15    │ packed yyyymmdd (< 2^27)  │   cell = packed | format << 27
 *         └────┴─────────────────┴──────────────────────────┘
 *
 *   format       DATE_FORMAT below; 0 = any other writing (a claim can be at most
 *                "equivalent": the register keeps the date, not the text). The day-first
 *                patterns are written month first in a field whose date order is 'mdy'.
 *
 * A sex cell (uint8) carries its own written form next to the code:
 *
 *     bit   7 6      5 4 3 2          1 0
 *         ┌──────┬────────────────┬──────────┐
 *         │  0   │ label form     │ sex code │     value = code | form << 2
 *         │      │ 0..9 (SEX_FORM)│ 1 M, 2 F │     code = value & 3, form = value >>> 2
 *         └──────┴────────────────┴──────────┘
 *
 * Cost: nothing per record beyond the form byte for a value written in one of the styles or
 * formats (a name in lower, Title or UPPER case, a date in a DATE_FORMAT); 2 bytes + the text's
 * length for a name written otherwise, 2 bytes for a Title / UPPER name without a slot.
 */

import { isWellFormedText } from '../util/well-formed.js';

export const NAME_STYLE_OTHER = 0;
export const NAME_STYLE_LOWER = 1;
export const NAME_STYLE_TITLE = 2;
export const NAME_STYLE_UPPER = 3;

/** Name fields whose style the form byte holds (slots 0 .. NAME_SLOTS − 1). */
export const NAME_SLOTS = 3;

/**
 * Date formats by code (index); 0 = other. A pattern starting with the day (dd/mm/yyyy, d.m.yyyy…)
 * is written month first in a field whose date order is 'mdy' (isDateWritten's `mdy`).
 */
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
  'yyyy.mm.dd',
  'd-m-yyyy',
  'd.m.yyyy',
  'yyyy-mm-dd 00:00:00',
  'yyyy-mm-ddT00:00:00',
] as const);

const NAME_MASK = 0x03;
const NAME_TAIL_BIT = 0x40;
const RID_NUMBER_BIT = 0x80;

/** Pack the parts of a form byte: `nameStyles` is the slots' styles, each at bits 2·slot (withNameStyle). */
export function packForm(nameStyles: number, nameTail: boolean, ridIsNumber: boolean): number {
  return (nameStyles & 0x3f) | (nameTail ? NAME_TAIL_BIT : 0) | (ridIsNumber ? RID_NUMBER_BIT : 0);
}

/** `nameStyles` with slot `slot` set to `style`. */
export function withNameStyle(nameStyles: number, slot: number, style: number): number {
  return nameStyles | ((style & NAME_MASK) << (2 * slot));
}

/** The style of name slot `slot` in a form byte. */
export function formNameStyle(form: number, slot = 0): number {
  return (form >>> (2 * slot)) & NAME_MASK;
}

/** True when some name cell of the record has a tail (bit 6). */
export function formHasNameTail(form: number): boolean {
  return (form & NAME_TAIL_BIT) !== 0;
}

export function formRecordIdIsNumber(form: number): boolean {
  return (form & RID_NUMBER_BIT) !== 0;
}

/** The byte that starts a name cell's tail. */
export const NAME_TAIL_SEPARATOR = 0;

/**
 * A name cell: `norm` alone, or with the tail that `style` needs (see the file header) —
 * `slotted`: the field's style is in the form byte. Returns null when no tail is needed.
 */
export function nameTailOf(style: number, written: string, slotted: boolean): string | null {
  if (style === NAME_STYLE_OTHER) return isWellFormedText(written) ? '\u0000\u0000' + written : slotted ? null : '\u0000\u0000';
  if (slotted || style === NAME_STYLE_LOWER) return null;
  return '\u0000' + String.fromCharCode(style);
}

/** The end of the normalised name in the name cell `bytes[start .. end)`: its tail's separator, or `end`. */
export function nameCellNormEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] === NAME_TAIL_SEPARATOR) return i;
  return end;
}

/** Bit position of a date cell's format code. */
const DATE_SHIFT = 27;
/** The packed date bits of a date cell. */
const DATE_PACKED_MASK = (1 << DATE_SHIFT) - 1;

/** A date cell: packed yyyymmdd (< 2^27: years up to 9999) and its format code 0..15. */
export function packDateCell(packed: number, format: number): number {
  return packed | ((format & 0x0f) << DATE_SHIFT);
}

/** The packed yyyymmdd date of a date cell. */
export function dateCellPacked(cell: number): number {
  return cell & DATE_PACKED_MASK;
}

/** The written-format code of a date cell (DATE_FORMAT). */
export function dateCellFormat(cell: number): number {
  return (cell >>> DATE_SHIFT) & 0x0f;
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
 * (the claim path asks this of every claim whose date equals the record's). `mdy`: a pattern
 * that starts with the day is written month first (a field whose date order is 'mdy'). False
 * for code 0.
 */
export function isDateWritten(s: string, packed: number, code: number, mdy = false): boolean {
  const pattern = code > 0 ? DATE_FORMAT[code] : undefined;
  if (pattern === undefined) return false;
  const y = Math.floor(packed / 10000);
  const m = Math.floor(packed / 100) % 100;
  const d = packed % 100;
  // Month first: the pattern's day letters stand for the month and its month letters for the day.
  const swap = mdy && pattern.charCodeAt(0) === 0x64; /* d */
  let at = 0;
  for (let p = 0; p < pattern.length; ) {
    const c = pattern.charCodeAt(p);
    if (c === 0x79 /* y */) {
      at = digitsAt(s, at, y, 4);
      p += 4;
    } else if (c === 0x6d /* m */ || c === 0x64 /* d */) {
      const two = pattern.charCodeAt(p + 1) === c;
      at = digitsAt(s, at, (c === 0x6d) !== swap ? m : d, two ? 2 : 0);
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
    if (c4 === 0x2e) return 11; // yyyy.mm.dd
    return 0;
  }
  if (n === 8 && s.indexOf('/') < 0 && s.indexOf('-') < 0 && s.indexOf('.') < 0) return 4; // yyyymmdd
  if (n === 4) return 7;
  if (n === 7) return c2 === 0x2f ? 8 : c4 === 0x2d ? 10 : 0;
  if (n === 19) return s.charCodeAt(10) === 0x54 ? 15 : 14; // yyyy-mm-ddT00:00:00, yyyy-mm-dd 00:00:00
  return s.indexOf('/') > 0 ? 2 : s.indexOf('-') > 0 ? 12 : s.indexOf('.') > 0 ? 13 : 0;
}

/**
 * Format code of a date as written (trimmed string, or the digits of a number) for its parsed
 * value; `mdy` as in isDateWritten. 0 when no format writes it so.
 */
export function dateFormatOf(written: string, packed: number, mdy = false): number {
  const code = guessDateFormat(written);
  if (code !== 0 && isDateWritten(written, packed, code, mdy)) return code;
  // Not the likely one (a mixed-width date such as 05/1/1990 is none): the others, in order.
  for (let c = 1; c < DATE_FORMAT.length; c++) if (c !== code && isDateWritten(written, packed, c, mdy)) return c;
  return 0;
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
