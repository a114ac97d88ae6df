/**
 * Vietnamese letter tables: every Latin letter below U+2000 decomposed once, at module load,
 * into (lower-case base, shape mark, tone mark), and the reverse composition table for the
 * 12 Vietnamese vowels × 6 tones. The normaliser and the syllable checker read these with a
 * single typed-array index per code unit instead of calling `String.prototype.normalize`.
 *
 * A Vietnamese letter is a base letter with at most one SHAPE mark and at most one TONE mark:
 *
 *   shape  circumflex U+0302 (â ê ô) · breve U+0306 (ă) · horn U+031B (ơ ư)
 *   tone   grave U+0300 huyền · acute U+0301 sắc · tilde U+0303 ngã · hook U+0309 hỏi ·
 *          dot below U+0323 nặng   (legacy U+0340 / U+0341 = grave / acute)
 *
 * Packed layout of one {@link LETTER_INFO} entry (Uint32):
 *
 *   bit  31 ............ 19 18   17    16      15-14  13-11  10-9   8 ......... 0
 *        [     unused     ][safe][vowel][foreign][kind ][tone ][shape][ base code  ]
 *
 *   base    lower-case base letter: 'a'..'z' or 0x111 (đ); 0 for non-letters
 *   shape   SHAPE_* id (for a mark: the shape it adds)   tone  TONE_* id (likewise)
 *   kind    KIND_OTHER / KIND_LETTER / KIND_MARK
 *   foreign a Latin letter or mark that is not Vietnamese (ë, ç, ø, ŏ, U+0308 …): a syllable
 *           containing one is left as it is (only lower-cased and NFC-composed)
 *   vowel   base is one of a e i o u y
 *   safe    the normaliser's table path handles this code unit exactly (no native
 *           toLowerCase/NFC needed): ASCII, Latin letters and marks with a one-unit lower
 *           case, and caseless non-letters that NFC leaves alone
 *
 * Trade-off: ~40 KB of tables and a few milliseconds at load, for a char-code loop on the
 * hot path. The tables are derived from the platform's Unicode data (NFD, toLowerCase) rather
 * than typed in, so they cannot drift from the standard.
 *
 * Reference: The Unicode Standard, ch. 3.11 (canonical decomposition); Vietnamese letters per
 * Wikipedia, "Vietnamese alphabet"; D. Trương, "Vietnamese Typography" (2nd ed.), "Modified
 * letters" and "Tone marks".
 */

import { isLatinCombiningMark } from './char-class.js';

/** Shape ids (index into {@link SHAPE_MARKS}). */
export const SHAPE_NONE = 0;
export const SHAPE_CIRCUMFLEX = 1;
export const SHAPE_BREVE = 2;
export const SHAPE_HORN = 3;

/** Tone ids (index into {@link TONE_MARKS}). */
export const TONE_NONE = 0;
export const TONE_GRAVE = 1;
export const TONE_ACUTE = 2;
export const TONE_TILDE = 3;
export const TONE_HOOK = 4;
export const TONE_DOT = 5;

/** Combining code point of each shape id (0 = none). */
export const SHAPE_MARKS: readonly number[] = [0, 0x0302, 0x0306, 0x031b];
/** Combining code point of each tone id (0 = none). */
export const TONE_MARKS: readonly number[] = [0, 0x0300, 0x0301, 0x0303, 0x0309, 0x0323];

export const KIND_OTHER = 0;
export const KIND_LETTER = 1;
export const KIND_MARK = 2;

export const BASE_MASK = 0x1ff;
export const SHAPE_SHIFT = 9;
export const TONE_SHIFT = 11;
export const KIND_SHIFT = 14;
export const FOREIGN_BIT = 1 << 16;
export const VOWEL_BIT = 1 << 17;
export const SAFE_BIT = 1 << 18;

/** Size of the tables: code units below this are table-driven. */
export const TABLE_LIMIT = 0x2000;

/** Lower-case đ (U+0111), the only non-ASCII Vietnamese base letter. */
export const D_STROKE = 0x0111;

/** Per-code-unit letter info (see the layout above). */
export const LETTER_INFO = new Uint32Array(TABLE_LIMIT);
/** Per-code-unit one-unit lower case (the unit itself when the lower case is not one unit). */
export const LOWER = new Uint16Array(TABLE_LIMIT);
/**
 * Composition of a Vietnamese vowel: `COMPOSE[(vowelIndex * 4 + shape) * 6 + tone]` is the
 * precomposed code unit, or 0 when Unicode has none (ŏ́ …). vowelIndex: a0 e1 i2 o3 u4 y5.
 */
export const COMPOSE = new Uint16Array(6 * 4 * 6);

/** Index of a vowel base in {@link COMPOSE}, -1 for consonants. Indexed by ASCII code. */
export const VOWEL_INDEX = new Int8Array(128).fill(-1);

/** True when `shape` is a Vietnamese shape for lower-case `base` (â ă ê ô ơ ư). */
export function isValidShape(base: number, shape: number): boolean {
  switch (shape) {
    case SHAPE_NONE:
      return true;
    case SHAPE_CIRCUMFLEX:
      return base === 0x61 || base === 0x65 || base === 0x6f; // a e o
    case SHAPE_BREVE:
      return base === 0x61; // a
    case SHAPE_HORN:
      return base === 0x6f || base === 0x75; // o u
    default:
      return false;
  }
}

/** Shape id of a combining code point, 0 when it is not a shape mark. */
function shapeOfMark(m: number): number {
  return m === 0x0302 ? SHAPE_CIRCUMFLEX : m === 0x0306 ? SHAPE_BREVE : m === 0x031b ? SHAPE_HORN : 0;
}

/** Tone id of a combining code point (U+0340/U+0341 are the legacy grave/acute), 0 otherwise. */
function toneOfMark(m: number): number {
  switch (m) {
    case 0x0300:
    case 0x0340:
      return TONE_GRAVE;
    case 0x0301:
    case 0x0341:
      return TONE_ACUTE;
    case 0x0303:
      return TONE_TILDE;
    case 0x0309:
      return TONE_HOOK;
    case 0x0323:
      return TONE_DOT;
    default:
      return 0;
  }
}

const LATIN_LETTER = /^\p{Script=Latin}$/u;
const LETTER = /^\p{L}$/u;

function buildTables(): void {
  const vowels = 'aeiouy';
  for (let v = 0; v < 6; v++) VOWEL_INDEX[vowels.charCodeAt(v)] = v;
  for (let v = 0; v < 6; v++) {
    for (let shape = 0; shape < 4; shape++) {
      for (let tone = 0; tone < 6; tone++) {
        let s = vowels[v]!;
        if (shape !== 0) s += String.fromCharCode(SHAPE_MARKS[shape]!);
        if (tone !== 0) s += String.fromCharCode(TONE_MARKS[tone]!);
        const nfc = s.normalize('NFC');
        COMPOSE[(v * 4 + shape) * 6 + tone] = nfc.length === 1 ? nfc.charCodeAt(0) : 0;
      }
    }
  }

  for (let c = 0; c < TABLE_LIMIT; c++) {
    const ch = String.fromCharCode(c);
    const lower = ch.toLowerCase();
    const oneUnitLower = lower.length === 1;
    LOWER[c] = oneUnitLower ? lower.charCodeAt(0) : c;

    if (c >= 0x0300 && c <= 0x036f) {
      const shape = shapeOfMark(c);
      const tone = toneOfMark(c);
      let info = (KIND_MARK << KIND_SHIFT) | (shape << SHAPE_SHIFT) | (tone << TONE_SHIFT);
      if (shape === 0 && tone === 0) info |= FOREIGN_BIT;
      // Vietnamese marks are handled by the table path; other marks need native NFC.
      if (shape !== 0 || tone !== 0) info |= SAFE_BIT;
      LETTER_INFO[c] = info >>> 0;
      continue;
    }
    if (isLatinCombiningMark(c)) {
      LETTER_INFO[c] = ((KIND_MARK << KIND_SHIFT) | FOREIGN_BIT) >>> 0;
      continue;
    }

    const isLatinLetter = LETTER.test(ch) && LATIN_LETTER.test(ch);
    if (!isLatinLetter) {
      // Caseless, NFC-stable non-letters pass through the table path untouched.
      const safe = c < 0x80 || (oneUnitLower && LOWER[c] === c && ch.normalize('NFC') === ch);
      LETTER_INFO[c] = safe ? SAFE_BIT : 0;
      continue;
    }

    // A Latin letter: decompose the lower case canonically.
    let base = 0;
    let shape = 0;
    let tone = 0;
    let foreign = false;
    if (c === 0x0110 || c === 0x0111) {
      base = D_STROKE;
    } else {
      const d = (oneUnitLower ? lower : ch).normalize('NFD');
      const b = d.charCodeAt(0);
      if (b >= 0x61 && b <= 0x7a) {
        base = b;
        for (let k = 1; k < d.length; k++) {
          const m = d.charCodeAt(k);
          const sh = shapeOfMark(m);
          const tn = toneOfMark(m);
          if (sh !== 0 && shape === 0 && isValidShape(b, sh)) shape = sh;
          else if (tn !== 0 && tone === 0) tone = tn;
          else foreign = true;
        }
      } else {
        // ø æ ß ł … : a Latin letter without an ASCII base (never composed, base unused).
        foreign = true;
      }
    }
    let info = (KIND_LETTER << KIND_SHIFT) | (base & BASE_MASK) | (shape << SHAPE_SHIFT) | (tone << TONE_SHIFT);
    if (foreign) info |= FOREIGN_BIT;
    if (base < 0x80 && VOWEL_INDEX[base]! >= 0) info |= VOWEL_BIT;
    if (oneUnitLower) info |= SAFE_BIT;
    LETTER_INFO[c] = info >>> 0;
  }
}

buildTables();

