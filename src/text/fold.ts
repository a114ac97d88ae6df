/**
 * foldToAscii: the normalised text with every diacritic removed and đ → d, as lower-case
 * ASCII words separated by single spaces: 'Đặng Thị Ðào' → 'dang thi dao'.
 *
 * Output contract (what stores, keys and hashes rely on): only `a-z`, `0-9` and single
 * spaces, no leading/trailing space; one byte per character.
 *
 * Policy for what is not a Latin letter or digit:
 *   - combining marks, zero-width/format characters, control characters: DROPPED (they
 *     belong to the letter before them, or to nothing);
 *   - apostrophes (' ` ´ ʹ ʻ ʼ ‘ ’): DROPPED, so "K'Nhiêu" → "knhieu", "O’Brien" → "obrien";
 *   - whitespace, punctuation, symbols, emoji, and letters of other scripts (CJK, Greek,
 *     Cyrillic, Khmer…): WORD SEPARATORS, then collapsed — "Nguyễn-Văn" → "nguyen van",
 *     "An 😀 Bình" → "an binh", "李 An" → "an". A name written only in another script folds
 *     to the empty string: callers must treat an empty fold as "no ASCII form" (missing), not
 *     as a value. Transliterating other scripts is out of scope; {@link foldKeepingScripts}
 *     (categories, free text, identifiers) writes their letters losslessly instead.
 *   - Latin letters without an ASCII base use their usual expansion: ß→ss, æ→ae, œ→oe,
 *     ø→o, ł→l, þ→th, ŋ→ng, ı→i, ħ→h, ŧ→t, ð/Ð/Ɖ→d, ĳ→ij (compatibility decomposition);
 *     a Latin letter with none (IPA ə, ʃ …) is a separator.
 *
 * Guarantee (property-tested, and exhaustively over the BMP): foldToAscii(normalizeText(x))
 * === foldToAscii(x). The table is built so that every transformation normalizeText makes —
 * NFC/NFD, tone moves, lower-casing, whitespace collapse, stripping — is invisible here.
 *
 * Trade-off: one precomputed Uint16Array over U+0000–U+1FFF (built at load from the
 * platform's Unicode data: lower case, compatibility decomposition, NFC), a branch for the
 * few ranges above, and a single char-code loop with no normalize() and no regex. An input
 * that is already folded is returned as is. Output goes through a module-level scratch
 * buffer (not re-entrant; nothing here calls user code).
 */
import { KhopError } from '../errors.js';
import { isInvisible, isLatinCombiningMark, isUnicodeSpace } from './char-class.js';
import { TABLE_LIMIT } from './vietnamese-letters.js';
import { asciiBytesToString, ensureCapacity, scratchBuffer } from '../util/code-units.js';

/** Table value: the code unit separates words. */
const SEP = 0;
/** Table value: the code unit is dropped. */
const DROP = 1;

/**
 * FOLD[c] for c < U+2000: SEP, DROP, or one or two ASCII characters packed as
 * `first | second << 8` (second = 0 when there is one). Both characters are ≥ 0x30, so a
 * packed value is never confused with SEP/DROP.
 */
const FOLD = new Uint16Array(TABLE_LIMIT);

/** Latin letters (lower case) whose expansion is not given by a Unicode decomposition. */
const EXPANSIONS: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ɖ: 'd', þ: 'th', ł: 'l', ħ: 'h', ı: 'i',
  ŧ: 't', ĸ: 'k', ŋ: 'ng', ƀ: 'b', ɨ: 'i', ʉ: 'u', ƶ: 'z', ǥ: 'g', ɇ: 'e',
};

/** Apostrophe-like characters that are dropped rather than separating words. */
const APOSTROPHES = [0x27, 0x60, 0xb4, 0x2b9, 0x2bb, 0x2bc, 0x2018, 0x2019];

const LATIN_LETTER = /^\p{Script=Latin}$/u;
const LETTER = /^\p{L}$/u;
const MARK = /^\p{M}$/u;
const FORMAT = /^\p{Cf}$/u;

function pack(ascii: string): number {
  if (ascii.length === 0) return DROP;
  if (ascii.length > 2) throw new KhopError('INTERNAL', 'fold table: expansion longer than two letters');
  return ascii.length === 1 ? ascii.charCodeAt(0) : ascii.charCodeAt(0) | (ascii.charCodeAt(1) << 8);
}

/** Fold of one code unit, before the NFC closure (as a tiny string: '' drop, ' ' separator). */
function baseFold(c: number): string {
  if (c < 0x80) {
    if (c >= 0x61 && c <= 0x7a) return String.fromCharCode(c);
    if (c >= 0x41 && c <= 0x5a) return String.fromCharCode(c + 32);
    if (c >= 0x30 && c <= 0x39) return String.fromCharCode(c);
    if (c === 0x27 || c === 0x60) return '';
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return ' ';
    if (c < 0x20 || c === 0x7f) return '';
    return ' ';
  }
  if (c <= 0x9f) return c === 0x85 ? ' ' : ''; // C1 controls
  if (isUnicodeSpace(c)) return ' ';
  if (isInvisible(c) || APOSTROPHES.includes(c)) return '';
  if (c === 0xd0 || c === 0xf0 || c === 0x189 || c === 0x256) return 'd';
  const ch = String.fromCharCode(c);
  if (MARK.test(ch) || FORMAT.test(ch)) return '';
  if (!(LETTER.test(ch) && LATIN_LETTER.test(ch))) return ' ';
  const lower = ch.toLowerCase();
  const exp = EXPANSIONS[lower];
  if (exp !== undefined) return exp;
  let ascii = '';
  const d = lower.normalize('NFKD');
  for (let k = 0; k < d.length; k++) {
    const b = d.charCodeAt(k);
    if (b >= 0x61 && b <= 0x7a) ascii += d[k];
    else if (b >= 0x41 && b <= 0x5a) ascii += String.fromCharCode(b + 32);
    else ascii += EXPANSIONS[d[k]!] ?? ''; // ǽ = æ + acute → ae
  }
  return ascii.length === 0 || ascii.length > 2 ? ' ' : ascii;
}

function buildTable(): void {
  const base: string[] = new Array<string>(TABLE_LIMIT);
  for (let c = 0; c < TABLE_LIMIT; c++) base[c] = baseFold(c);
  for (let c = 0; c < TABLE_LIMIT; c++) {
    let f = base[c]!;
    // NFC closure: a code unit that NFC (or lower-casing) rewrites folds like its rewrite,
    // so that folding before or after normalizeText agrees (U+1FEF → '`', U+0374 → U+02B9 …).
    const ch = String.fromCharCode(c);
    const re = ch.toLowerCase().normalize('NFC');
    if (re !== ch && re !== ch.toLowerCase()) {
      let g = '';
      for (let k = 0; k < re.length; k++) {
        const u = re.charCodeAt(k);
        g += u < TABLE_LIMIT ? base[u]! : ' ';
      }
      // '' (all dropped) / ' ' (a separator, possibly with dropped parts) / letters.
      f = g.trim().length === 0 ? (g.length > 0 && g.includes(' ') ? ' ' : '') : g.replace(/ /g, '');
    }
    FOLD[c] = f === ' ' ? SEP : pack(f);
  }
}

buildTable();

/** Fold value of a code unit at or above U+2000. */
function foldHigh(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) return FOLD[c - 0xfee0]!; // full-width ASCII
  if (isInvisible(c) || isLatinCombiningMark(c) || c === 0x2018 || c === 0x2019) return DROP;
  if (c === 0x212a) return 0x6b; // Kelvin sign → k
  if (c === 0x212b) return 0x61; // Ångström sign → a
  return SEP;
}

let out = scratchBuffer(256);

/** True when `s` is already folded (a-z 0-9, single inner spaces, trimmed). */
function isFolded(s: string): boolean {
  const n = s.length;
  let prevSpace = true;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (prevSpace) return false;
      prevSpace = true;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) prevSpace = false;
    else return false;
  }
  return n === 0 || !prevSpace;
}

/**
 * Lower-case ASCII form of `s`: diacritics removed, đ → d, words separated by single
 * spaces (see the file header for non-Latin characters).
 *
 * @throws KhopError INVALID_ARGUMENT when `s` is not a string (a programmer error).
 */
export function foldToAscii(s: string): string {
  if (typeof s !== 'string') throw new KhopError('INVALID_ARGUMENT', 'foldToAscii expects a string');
  if (isFolded(s)) return s;
  return fold(s);
}

/**
 * The fold of the code units `u[0 .. n)` as bytes: writes foldToAscii's characters (ASCII, one
 * byte each) to `dst` and returns their count — for a caller that compares the fold without
 * making a string of it (the register's name comparison). `dst` must hold 2·n bytes (a unit
 * folds to at most two letters).
 */
export function foldUnitsInto(u: Uint16Array, n: number, dst: Uint8Array): number {
  if (dst.length < 2 * n) throw new KhopError('INVALID_ARGUMENT', 'foldUnitsInto: dst must hold 2 bytes per code unit');
  return foldInto(null, u, n, dst);
}

/** The fold of the string `s` (through foldInto). */
function fold(s: string): string {
  const n = s.length;
  out = ensureCapacity(out, 2 * n); // ≤ 2 chars per unit
  return asciiBytesToString(out, foldInto(s, null, n, out));
}

/** Write the fold of the n code units of `s` (or of `u` when `s` is null) to `buf` (≥ 2n bytes); returns its length. */
function foldInto(s: string | null, u: Uint16Array | null, n: number, buf: Uint8Array): number {
  let len = 0;
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const c = s !== null ? s.charCodeAt(i) : u![i]!;
    const v = c < TABLE_LIMIT ? FOLD[c]! : foldHigh(c);
    if (v === DROP) continue;
    if (v === SEP) {
      if (len > 0) pendingSpace = true;
      continue;
    }
    if (pendingSpace) {
      buf[len++] = 0x20;
      pendingSpace = false;
    }
    buf[len++] = v & 0xff;
    if (v > 0xff) buf[len++] = v >>> 8; // second letter of an expansion (ß → ss)
  }
  return len;
}

/**
 * OTHER[c] for c < U+2000: 1 when the code unit is a letter, digit or mark of a script other
 * than Latin (Greek, Cyrillic, Armenian, Hebrew, Arabic, the Indic scripts, Thai, Lao, Georgian,
 * Hangul Jamo, Ethiopic, Khmer, Mongolian …) — what foldToAscii reads as a word break and
 * {@link foldKeepingScripts} keeps. A Latin combining mark (U+0300–U+036F …) is not one: it
 * belongs to the letter before it.
 */
const OTHER = new Uint8Array(TABLE_LIMIT);
const OTHER_SCRIPT = /^[\p{L}\p{N}\p{M}]$/u;
// From U+0370: below it are Latin letters, their marks, and symbols and modifier letters (µ, ²,
// ʺ) that foldToAscii reads as word breaks — and must here too (hasOtherScript skips them).
for (let c = 0x370; c < TABLE_LIMIT; c++) {
  const ch = String.fromCharCode(c);
  // Letters and digits (the fold table's word breaks) and the marks of those scripts (which the
  // table drops as it drops Latin accents: a Devanagari vowel sign or a Thai vowel is a letter).
  if (OTHER_SCRIPT.test(ch) && !LATIN_LETTER.test(ch) && !isLatinCombiningMark(c) && (FOLD[c] === SEP || MARK.test(ch))) OTHER[c] = 1;
}

/**
 * Marks dropped from other scripts as accents are dropped from Latin: the combining marks of the
 * Latin blocks on any letter (Greek tonos and dialytika, Cyrillic breve and diaeresis — "Αθήνα"
 * and "ΑΘΗΝΑ", "ёлка" and "елка" are one word), Arabic harakat and Hebrew points (vowel signs
 * most writing leaves out).
 */
const OPTIONAL_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]/g;

/** A code point at or above U+2000 that is a letter, digit or mark of another script (CJK, Hangul, …). */
function isOtherHigh(cp: number): boolean {
  if (cp >= 0xff01 && cp <= 0xff5e) return false; // full-width ASCII: folded
  if (isLatinCombiningMark(cp) || cp === 0x212a || cp === 0x212b) return false;
  const ch = String.fromCodePoint(cp);
  return OTHER_SCRIPT.test(ch) && !LATIN_LETTER.test(ch);
}

/** Digits of base 36 that write a code point in {@link foldKeepingScripts} (36^4 > U+10FFFF). */
const CODE_WIDTH = 4;
/** ς and σ: one letter (lower-casing a whole word gives ς at its end, a lone Σ gives σ). */
const FINAL_SIGMA = 0x3c2;
const SIGMA = 0x3c3;

/**
 * A foldKeepingScripts form as it would be written: every `_` + CODE_WIDTH base-36 digits back
 * to its character ("_00ta_00tu…" → "мо…"; an address's `_`, which identifierForm codes the same
 * way). What a value written exactly as a stored form equals. No folded Latin text holds a `_`,
 * so the codes are unambiguous; a form without one is returned as it is.
 */
export function codedLettersText(form: string): string {
  return form.indexOf('_') < 0 ? form : form.replace(CODED_LETTER, (_, code: string) => String.fromCodePoint(parseInt(code, 36)));
}

const CODED_LETTER = new RegExp(`_([0-9a-z]{${CODE_WIDTH}})`, 'g');

/**
 * foldToAscii for values that are compared as written (categories, free text, identifiers: a
 * city, an address, an e-mail), keeping the letters, digits and letter-forming marks of other
 * scripts instead of reading them as word breaks: each such character — the value's accents
 * dropped (OPTIONAL_MARKS, as Latin ones are) and its letter case folded first — is written `_` +
 * its code point in four base-36 digits, inside its word ("Москва" → "_00ta_00tu…"). ASCII, and
 * lossless on letters: two values fold alike exactly when foldToAscii would fold their Latin
 * parts alike and their other letters (accents aside, letter case aside, Greek final sigma read
 * as σ) are equal; no folded Latin text contains `_`, and first / last key transforms count a
 * code as one letter (blocking-keys.ts). Limitation: edit distances (typo levels) count a code's
 * bytes, so a typo in another script is graded as one to five edits. foldToAscii alone reads those letters as word breaks:
 * "иван1@почта.рф" and "петр1@почта.рф" both fold to "1" — one e-mail. A value with no such
 * letter folds exactly as foldToAscii (the check is one pass over its code units).
 * Names are not folded so (name keys are Latin phonetic forms; a name of another script is
 * counted "no Latin letters", see prepare.ts).
 *
 * @throws KhopError INVALID_ARGUMENT when `s` is not a string (a programmer error).
 */
export function foldKeepingScripts(s: string): string {
  if (typeof s !== 'string') throw new KhopError('INVALID_ARGUMENT', 'foldKeepingScripts expects a string');
  if (!hasOtherScript(s)) return foldToAscii(s);
  // Accents off (decomposed, the optional marks dropped, composed again — a Hangul syllable or an
  // Indic letter with its own marks stays whole). Letter case is folded below, per letter of
  // another script only: the Latin part folds exactly as foldToAscii folds it.
  const t = s.normalize('NFD').replace(OPTIONAL_MARKS, '').normalize('NFC');
  let r = '';
  let pendingSpace = false;
  for (let i = 0; i < t.length; ) {
    const cp = t.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    if (cp < TABLE_LIMIT ? OTHER[cp] === 1 : isOtherHigh(cp)) {
      if (pendingSpace) r += ' ';
      pendingSpace = false;
      // Case folded the Unicode way — upper then lower, so that ᲀ / В / в, ﬓ / ՄՆ / մն and
      // ΐ / Ϊ́ fold alike — and its accents dropped again (ΐ upper-cases to three code points);
      // Greek final sigma is σ wherever the word ends.
      const folded = String.fromCodePoint(cp).toUpperCase().toLowerCase().normalize('NFD').replace(OPTIONAL_MARKS, '').normalize('NFC');
      for (const ch of folded) {
        const lc = ch.codePointAt(0)!;
        r += '_' + (lc === FINAL_SIGMA ? SIGMA : lc).toString(36).padStart(CODE_WIDTH, '0');
      }
    } else {
      const f = foldToAscii(t.slice(i, i + units));
      if (f === '') {
        // A separator (space, punctuation) or a dropped unit (a mark, an apostrophe): foldToAscii
        // of the unit alone cannot tell, so ask the table.
        const v = cp < TABLE_LIMIT ? FOLD[cp]! : units === 1 ? foldHigh(cp) : SEP;
        if (v === SEP && r.length > 0) pendingSpace = true;
      } else {
        if (pendingSpace) r += ' ';
        pendingSpace = false;
        r += f;
      }
    }
    i += units;
  }
  return r;
}

/** True when `s` holds a letter, digit or mark of a script other than Latin. */
function hasOtherScript(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x370) continue; // ASCII, Latin-1, Latin Extended A/B, IPA, modifiers, Latin marks
    if (c < TABLE_LIMIT ? OTHER[c] === 1 : isOtherHigh(s.codePointAt(i)!)) return true;
  }
  return false;
}

/**
 * foldToAscii(s) === '' without building the fold: no code unit of `s` folds to a letter or a
 * digit (each unit folds on its own: a separator, dropped, or letters — see the table). Stops
 * at the first unit that does, usually the first.
 *
 * @throws KhopError INVALID_ARGUMENT when `s` is not a string (a programmer error).
 */
export function foldsToEmpty(s: string): boolean {
  if (typeof s !== 'string') throw new KhopError('INVALID_ARGUMENT', 'foldsToEmpty expects a string');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < TABLE_LIMIT ? FOLD[c]! : foldHigh(c);
    if (v !== SEP && v !== DROP) return false;
  }
  return true;
}
