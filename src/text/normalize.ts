/**
 * normalizeText: one canonical spelling for a piece of Vietnamese (or any) text, so that two
 * renderings of the same name compare equal as strings.
 *
 * What it does, in order:
 *   1. strips invisible characters — zero-width (U+200B–U+200D, U+2060, U+FEFF), bidi and
 *      other format controls (U+200E/F, U+202A–U+202E, U+2061–U+2064, U+2066–U+206F, U+00AD
 *      soft hyphen, U+061C, U+180E) and control characters (C0 except whitespace, DEL, C1);
 *   2. collapses every run of Unicode White_Space (incl. NBSP, U+3000, U+0085) to one space
 *      and trims;
 *   3. maps full-width ASCII (U+FF01–U+FF5E) to ASCII, the look-alikes Ð/ð (U+00D0/U+00F0,
 *      Icelandic eth) and Ɖ/ɖ (U+0189/U+0256, African D) to đ, and the letter-like symbols
 *      K (U+212A Kelvin) and Å (U+212B Ångström) to k / å;
 *   4. lower-cases (Unicode default case mapping, locale-independent);
 *   5. recomposes every Vietnamese syllable: NFD, half-composed (Windows Vietnamese keyboard:
 *      "ê" + U+0301), mis-ordered (tone typed before the circumflex/breve/horn, which NFC
 *      cannot compose) and legacy U+0340/U+0341 tone marks all become the precomposed NFC
 *      letters, and the tone mark is moved to its canonical vowel (OLD style — hòa, khỏe,
 *      thủy; see tone-placement.ts);
 *   6. everything else is NFC. A combining mark with no base (at the start or after a space)
 *      is dropped. A lone UTF-16 surrogate (not text; it has no UTF-8 form and could not be
 *      stored) becomes U+FFFD, so the output is always well-formed.
 *
 * Idempotent: normalizeText(normalizeText(x)) === normalizeText(x) (property-tested).
 *
 * A "syllable" is a maximal run of Latin letters and combining marks. It is rewritten only
 * when it is Vietnamese-shaped: letters a–z/đ, at most one shape per vowel (â ă ê ô ơ ư), at
 * most one tone in the whole syllable, on a vowel. Anything else (ë, ç, ñ, two tones, a tone
 * on a consonant) is left as written — only lower-cased and NFC-composed — because guessing
 * would turn bad input into a plausible-looking name.
 *
 * Trade-off: table-driven char-code loops (vietnamese-letters.ts) instead of native
 * normalize() for the common case — ASCII, Vietnamese letters and marks, punctuation. Text
 * containing anything else (other scripts, İ, uncommon symbols) is first lower-cased and
 * NFC-composed natively, then takes the same loop. An ASCII-only string needing no change is
 * returned as is without further work; any input that is already canonical is returned as
 * the same string (no copy). Scratch buffers are module-level and reused (not re-entrant; nothing here
 * calls back into user code).
 */
import { KhopError } from '../errors.js';
import { canonicalTonePosition } from './tone-placement.js';
import {
  BASE_MASK,
  COMPOSE,
  FOREIGN_BIT,
  KIND_LETTER,
  KIND_MARK,
  KIND_SHIFT,
  LETTER_INFO,
  LOWER,
  SAFE_BIT,
  SHAPE_SHIFT,
  TABLE_LIMIT,
  TONE_SHIFT,
  VOWEL_BIT,
  VOWEL_INDEX,
  isValidShape,
} from './vietnamese-letters.js';
import { isInvisible, isLatinCombiningMark, isUnicodeSpace } from './char-class.js';
import { unitsToString } from '../util/code-units.js';

/** Longest syllable (in letters) that is rewritten; longer letter runs are left as written. */
const MAX_SYLLABLE = 32;

let bufA = new Uint16Array(256);
let bufB = new Uint16Array(256);
const sylBase = new Uint16Array(MAX_SYLLABLE);
const sylShape = new Uint8Array(MAX_SYLLABLE);
const sylTone = new Uint8Array(MAX_SYLLABLE);

/** Code units ≥ U+2000 that need no native lower-casing or NFC (general punctuation). */
function isSafeHigh(c: number): boolean {
  return (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205e);
}

/** Info word of a code unit at or above the table limit. */
function highInfo(c: number): number {
  if (isLatinCombiningMark(c)) return (KIND_MARK << KIND_SHIFT) | FOREIGN_BIT;
  return isSafeHigh(c) ? SAFE_BIT : 0;
}

/** True when buf[0..s.length) holds exactly the code units of `s`. */
function sameUnits(buf: Uint16Array, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (buf[i] !== s.charCodeAt(i)) return false;
  return true;
}

/** True when an ASCII-only string is already normal (lower case, single inner spaces, no controls). */
function asciiIsNormal(s: string): boolean {
  const n = s.length;
  let prevSpace = true; // a leading space is not normal
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return false;
    if (c === 0x20) {
      if (prevSpace) return false;
      prevSpace = true;
    } else {
      if (c < 0x20 || c === 0x7f || (c >= 0x41 && c <= 0x5a)) return false;
      prevSpace = false;
    }
  }
  return n === 0 || !prevSpace;
}

/** True when the surrogate code unit c = s[i] is half of a well-formed pair (high then low). */
function isPairedSurrogate(s: string, i: number, c: number): boolean {
  if (c <= 0xdbff) {
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    return d >= 0xdc00 && d <= 0xdfff;
  }
  const d = i > 0 ? s.charCodeAt(i - 1) : 0;
  return d >= 0xd800 && d <= 0xdbff;
}

/**
 * Pass A: strip invisibles and controls, collapse whitespace, map full-width / look-alikes,
 * lower-case ASCII, drop orphan combining marks. Writes bufA; returns length, and sets
 * `exotic` when some code unit needs native lower-casing/NFC and `nonAscii` when any
 * non-ASCII unit remains (module-level flags: results of the last call, not re-entrant).
 */
let exotic = false;
let nonAscii = false;
function passA(s: string): number {
  const n = s.length;
  if (bufA.length < n) bufA = new Uint16Array(Math.max(n, bufA.length * 2));
  const out = bufA;
  let len = 0;
  let pendingSpace = false;
  exotic = false;
  nonAscii = false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) c += 32;
      else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) {
        if (len > 0) pendingSpace = true;
        continue;
      } else if (c < 0x20 || c === 0x7f) continue;
    } else {
      if (c <= 0x9f) {
        // C1 controls; U+0085 (next line) is whitespace.
        if (c === 0x85 && len > 0) pendingSpace = true;
        continue;
      }
      if (isUnicodeSpace(c)) {
        if (len > 0) pendingSpace = true;
        continue;
      }
      if (isInvisible(c)) continue;
      if (c >= 0xd800 && c <= 0xdfff && !isPairedSurrogate(s, i, c)) {
        c = 0xfffd; // a lone surrogate is not text (and has no UTF-8 form): U+FFFD, as TextDecoder does
      } else if (c >= 0xff01 && c <= 0xff5e) {
        c -= 0xfee0; // full-width → ASCII: U+FF01 '！' - 0xFEE0 = U+0021 '!'
        if (c >= 0x41 && c <= 0x5a) c += 32;
      } else if (c === 0xd0 || c === 0xf0 || c === 0x110 || c === 0x189 || c === 0x256) {
        c = 0x111; // Ð ð Đ Ɖ ɖ → đ
      } else if (c === 0x212a) {
        c = 0x6b; // Kelvin sign → k
      } else if (c === 0x212b) {
        c = 0xe5; // Ångström sign → å
      } else if (isLatinCombiningMark(c)) {
        if (len === 0 || pendingSpace) continue; // orphan mark: nothing to attach to
        if (c === 0x340) c = 0x300; // legacy grave tone mark
        else if (c === 0x341) c = 0x301; // legacy acute tone mark
        if (!exotic && (c >= TABLE_LIMIT || (LETTER_INFO[c]! & SAFE_BIT) === 0)) exotic = true;
      } else if (!exotic && (c >= TABLE_LIMIT ? !isSafeHigh(c) : (LETTER_INFO[c]! & SAFE_BIT) === 0)) {
        exotic = true;
      }
    }
    if (pendingSpace) {
      out[len++] = 0x20;
      pendingSpace = false;
    }
    if (c >= 0x80) nonAscii = true;
    out[len++] = c;
  }
  return len;
}

/**
 * Pass B: rewrite Vietnamese syllables (lower case, canonical marks and tone position,
 * precomposed) from `src[0..n)` into bufB. Returns the length; sets `needsNfc` when a
 * foreign syllable or orphan mark was copied as written.
 */
let needsNfc = false;
function passB(src: Uint16Array, n: number): number {
  if (bufB.length < n) bufB = new Uint16Array(Math.max(n, bufB.length * 2));
  const out = bufB;
  let len = 0;
  needsNfc = false;
  let i = 0;
  while (i < n) {
    const c0 = src[i]!;
    const info0 = c0 < TABLE_LIMIT ? LETTER_INFO[c0]! : highInfo(c0);
    const kind0 = (info0 >>> KIND_SHIFT) & 3;
    if (kind0 !== KIND_LETTER) {
      if (kind0 === KIND_MARK) {
        // An orphan that NFC's canonical reordering moved to the front (U+302C U+0301 →
        // U+0301 U+302C): dropped, as pass A drops orphans.
        if (len === 0 || out[len - 1] === 0x20) {
          i++;
          continue;
        }
        needsNfc = true; // a mark after a non-letter: leave to NFC
      }
      out[len++] = c0 < TABLE_LIMIT ? LOWER[c0]! : c0;
      i++;
      continue;
    }
    // Collect the syllable: letters and the marks that follow them.
    let j = i;
    let count = 0;
    let foreign = false;
    let tones = 0;
    let tonePos = -1;
    while (j < n) {
      const c = src[j]!;
      const info = c < TABLE_LIMIT ? LETTER_INFO[c]! : highInfo(c);
      const kind = (info >>> KIND_SHIFT) & 3;
      if (kind === KIND_LETTER) {
        if (count === MAX_SYLLABLE) foreign = true;
        else {
          const tone = (info >>> TONE_SHIFT) & 7;
          sylBase[count] = info & BASE_MASK;
          sylShape[count] = (info >>> SHAPE_SHIFT) & 3;
          sylTone[count] = tone;
          if (tone !== 0) {
            tones++;
            tonePos = count;
          }
          count++;
        }
        if ((info & FOREIGN_BIT) !== 0) foreign = true;
      } else if (kind === KIND_MARK) {
        if ((info & FOREIGN_BIT) !== 0 || count === 0 || count === MAX_SYLLABLE) foreign = true;
        else {
          const k = count - 1;
          const shape = (info >>> SHAPE_SHIFT) & 3;
          const tone = (info >>> TONE_SHIFT) & 7;
          if (shape !== 0) {
            if (sylShape[k] !== 0 || !isValidShape(sylBase[k]!, shape)) foreign = true;
            else sylShape[k] = shape;
          } else if (sylTone[k] !== 0) {
            foreign = true; // two tone marks on one letter
          } else {
            sylTone[k] = tone;
            tones++;
            tonePos = k;
          }
        }
      } else break;
      j++;
    }
    if (!foreign && tones > 1) foreign = true;
    if (!foreign && tones === 1) {
      if ((LETTER_INFO[sylBase[tonePos]!]! & VOWEL_BIT) === 0) foreign = true; // tone on a consonant
      else {
        const p = canonicalTonePosition(sylBase, sylShape, count);
        if (p >= 0 && p !== tonePos) {
          sylTone[p] = sylTone[tonePos]!;
          sylTone[tonePos] = 0;
        }
      }
    }
    if (foreign) {
      for (let k = i; k < j; k++) {
        const c = src[k]!;
        out[len++] = c < TABLE_LIMIT ? LOWER[c]! : c;
      }
      needsNfc = true;
    } else {
      for (let k = 0; k < count; k++) {
        const b = sylBase[k]!;
        const v = b < 0x80 ? VOWEL_INDEX[b]! : -1;
        // Vowel: COMPOSE[(vowel * 4 + shape) * 6 + tone]; every valid Vietnamese combination exists.
        out[len++] = v < 0 ? b : COMPOSE[(v * 4 + sylShape[k]!) * 6 + sylTone[k]!]!;
      }
    }
    i = j;
  }
  return len;
}

/**
 * The canonical form of `s` (see the file header): NFC, lower case, single spaces, trimmed,
 * invisible characters removed, Vietnamese tone marks in one canonical (old-style) position.
 *
 * @throws KhopError INVALID_ARGUMENT when `s` is not a string (a programmer error).
 */
export function normalizeText(s: string): string {
  if (typeof s !== 'string') throw new KhopError('INVALID_ARGUMENT', 'normalizeText expects a string');
  if (asciiIsNormal(s)) return s;
  let n = passA(s);
  // ASCII after pass A (lower-cased, spaces collapsed): no syllable work to do.
  if (!nonAscii) return unitsToString(bufA, n);
  let src = bufA;
  if (exotic) {
    // Native path for what the tables do not cover; the result goes through pass B as well.
    const t = unitsToString(bufA, n).toLowerCase().normalize('NFC');
    n = t.length;
    if (bufB.length < n) bufB = new Uint16Array(Math.max(n, bufB.length * 2));
    // Reuse bufB as the source copy, then swap roles so pass B writes to the other buffer.
    for (let k = 0; k < n; k++) bufB[k] = t.charCodeAt(k);
    const tmp = bufA;
    bufA = bufB;
    bufB = tmp;
    src = bufA;
  }
  const len = passB(src, n);
  if (!exotic && !needsNfc && len === s.length && sameUnits(bufB, s)) return s; // already canonical
  const out = unitsToString(bufB, len);
  // Foreign syllables were copied as written; in the exotic path they are NFC already.
  return needsNfc && !exotic ? out.normalize('NFC') : out;
}
