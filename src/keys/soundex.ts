/**
 * American Soundex (the US National Archives rules): a letter and three digits, e.g.
 * Robert → R163, Tymczak → T522, Ashcraft → A261.
 *
 *   1  b f p v        4  l
 *   2  c g j k q s x z 5  m n
 *   3  d t            6  r
 *
 * The first letter is kept; further letters are coded; a code equal to the previous code is
 * dropped, also across h and w (Ashcraft: s and c, separated by h, give one 2) and including
 * the first letter's own code (Pfister: P, f dropped → P236); vowels a e i o u y separate equal
 * codes (Tymczak: z and k, separated by a, give 2 2). Padded with zeros to four characters.
 *
 * Input is folded with `foldToAscii` first (diacritics removed); everything that is not a
 * letter a–z (spaces, digits, punctuation) is ignored, so "Van Buren" is coded as "vanburen".
 * Input without any letter gives `''` (never a throw, never a made-up code).
 *
 * Trade-off: the classic 4-character code, blind to everything after the third coded
 * consonant; meant for names written in the Latin alphabet in English spelling. For Vietnamese
 * names use vietnamesePhoneticKey.
 *
 * References: R. C. Russell, US patent 1,261,167 (1918); D. E. Knuth, The Art of Computer
 * Programming vol. 3, §6 (Soundex); US National Archives, "The Soundex Indexing System" (2007).
 */
import { foldToAscii } from '../text/fold.js';

/**
 * Soundex digit per letter a..z (index = code − 0x61); 0 = not coded. Vowels and y reset the
 * "previous code", h and w do not (see {@link SEPARATES}).
 */
const CODE = new Uint8Array([
  // a  b  c  d  e  f  g  h  i  j  k  l  m  n  o  p  q  r  s  t  u  v  w  x  y  z
  0, 1, 2, 3, 0, 1, 2, 0, 0, 2, 2, 4, 5, 5, 0, 1, 2, 6, 2, 3, 0, 1, 0, 2, 0, 2,
]);

/** 1 for the letters that separate two equal codes: the vowels a e i o u and y. */
const SEPARATES = new Uint8Array([
  1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0,
]);

/** American Soundex of `name` (e.g. 'R163'); `''` when it has no letter. */
export function soundex(name: string): string {
  const s = foldToAscii(name);
  const n = s.length;
  let i = 0;
  let first = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) {
      first = c;
      i++;
      break;
    }
  }
  if (first === 0) return '';
  let out = String.fromCharCode(first - 0x20); // upper-case
  let last = CODE[first - 0x61]!;
  let digits = 0;
  for (; i < n && digits < 3; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) continue; // not a letter: ignored
    const k = c - 0x61;
    const code = CODE[k]!;
    if (code === 0) {
      if (SEPARATES[k] === 1) last = 0; // h, w: neither coded nor separating
      continue;
    }
    if (code !== last) {
      out += String.fromCharCode(0x30 + code);
      digits++;
    }
    last = code;
  }
  while (digits < 3) {
    out += '0';
    digits++;
  }
  return out;
}
