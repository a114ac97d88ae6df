/**
 * isVietnameseSyllable: does a normalised token spell one Vietnamese syllable?
 *
 *   syllable = initial consonant? + vowel nucleus + final consonant?   (+ one tone mark)
 *
 *   initials  b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x (or none)
 *   nuclei    the 12 vowels and the standard vowel clusters (ai ao au ay âu ây eo êu ia iê iu
 *             oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê · iêu yêu oai oay oeo
 *             uây uôi ươi ươu uya uyê uyu)
 *   finals    c ch m n ng nh p t (or none)
 *
 * A token written with no diacritics at all is accepted when its nucleus is a valid nucleus
 * with the shape marks removed ("nguyen", "nguoi", "buu"), so diacritic-free names pass; a
 * token with any mark must be exactly valid ("laâm", "ngoâ", "vuõ" fail).
 *
 * Used to clean vendored name lists (mojibake such as "Buøi", "Laâm", "Ñoã" from VNI/TCVN3
 * fonts read as Unicode is rejected) and available to callers that want to tell Vietnamese
 * tokens from foreign ones. Checks spelling SHAPE only, not that the word exists, and does
 * not enforce co-occurrence restrictions (e.g. "iê" needing a final). A tone mark may sit on
 * any vowel (normalised input has it in canonical place).
 *
 * Reference: Wikipedia, "Vietnamese phonology" § Syllables and "Vietnamese alphabet";
 * vowel nuclei after Đoàn Thiện Thuật, "Ngữ âm tiếng Việt" (1977).
 */
import { invalidArgument } from '../util/arg-check.js';
import {
  BASE_MASK,
  COMPOSE,
  FOREIGN_BIT,
  KIND_LETTER,
  KIND_SHIFT,
  LETTER_INFO,
  SHAPE_SHIFT,
  TABLE_LIMIT,
  TONE_SHIFT,
  VOWEL_BIT,
  VOWEL_INDEX,
} from './vietnamese-letters.js';

const INITIALS = new Set([
  '', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh',
  'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x',
]);
const NUCLEI = new Set([
  'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y',
  'ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iê', 'iu', 'oa', 'oă', 'oe', 'oi', 'oo',
  'ôi', 'ơi', 'ua', 'uâ', 'uê', 'ui', 'uô', 'uơ', 'uy', 'ưa', 'ưi', 'ưu', 'ươ', 'yê',
  'iêu', 'yêu', 'oai', 'oay', 'oeo', 'uây', 'uôi', 'ươi', 'ươu', 'uya', 'uyê', 'uyu',
]);
const FINALS = new Set(['', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't']);
/** Nuclei with their shape marks removed, for tokens written without them ("nguyen"). */
const BARE_NUCLEI = new Set([...NUCLEI].map((n) => n.normalize('NFD').replace(/[\u0302\u0306\u031b]/g, '')));

/**
 * True when `token` (lower case, NFC — e.g. a token of normalizeText output) is one
 * Vietnamese syllable. Diacritic-free spellings ("nguyen") count: the check is on shape.
 */
export function isVietnameseSyllable(token: string): boolean {
  if (typeof token !== 'string') throw invalidArgument('isVietnameseSyllable', 'token', 'a string', token);
  const n = token.length;
  if (n === 0 || n > 8) return false; // the longest syllables ("nghiêng", "nguyễn") have 7 letters
  // Toneless letters (consonants as themselves, vowels composed with their shape only).
  let letters = '';
  let vowelFlags = 0; // bit k set: letter k is a vowel
  let tones = 0;
  let shapes = 0;
  for (let k = 0; k < n; k++) {
    const c = token.charCodeAt(k);
    if (c >= TABLE_LIMIT) return false;
    const info = LETTER_INFO[c]!;
    if (((info >>> KIND_SHIFT) & 3) !== KIND_LETTER || (info & FOREIGN_BIT) !== 0) return false;
    if (c >= 0x41 && c <= 0x5a) return false; // not normalised (upper case)
    const base = info & BASE_MASK;
    const shape = (info >>> SHAPE_SHIFT) & 3;
    const tone = (info >>> TONE_SHIFT) & 7;
    if ((info & VOWEL_BIT) !== 0) {
      vowelFlags |= 1 << k;
      if (shape !== 0) shapes++;
      letters += String.fromCharCode(COMPOSE[(VOWEL_INDEX[base]! * 4 + shape) * 6]!);
    } else {
      if (tone !== 0) return false;
      letters += String.fromCharCode(base);
    }
    if (tone !== 0) tones++;
  }
  if (tones > 1) return false;
  // Initial: the consonants before the first vowel; "qu" and "gi" + vowel take the u / i.
  let vs = 0;
  while (vs < n && (vowelFlags & (1 << vs)) === 0) vs++;
  if (vs === n) return false;
  let ve = vs;
  while (ve < n && (vowelFlags & (1 << ve)) !== 0) ve++;
  let initialEnd = vs;
  const first = letters[vs];
  if (vs === 1 && letters[0] === 'q') {
    if (first !== 'u' || ve - vs < 2) return false;
    initialEnd = vs + 1;
  } else if (vs === 1 && letters[0] === 'g' && first === 'i' && ve - vs >= 2) {
    initialEnd = vs + 1;
  }
  const nucleus = letters.slice(initialEnd, ve);
  return (
    INITIALS.has(letters.slice(0, initialEnd)) &&
    (NUCLEI.has(nucleus) || (shapes === 0 && tones === 0 && BARE_NUCLEI.has(nucleus))) &&
    FINALS.has(letters.slice(ve))
  );
}
