/**
 * Canonical tone-mark placement for one Vietnamese syllable: on which vowel letter the tone
 * mark is written.
 *
 * Two spellings coexist for three vowel pairs WITHOUT a final consonant — oa, oe, uy:
 *
 *   old style (kiểu cũ)   hòa   khỏe   thủy   — tone on the first vowel
 *   new style (kiểu mới)  hoà   khoẻ   thuỷ   — tone on the second vowel
 *
 * khop's canonical form is the OLD style. Why: (1) it is the majority spelling of personal
 * names, so normalised output looks like what people write: in the vendored name data
 * (src/data) old-style spellings outnumber new-style ones 117 to 6 in the given-name lists
 * and carry 1.7× the share in the UIT member sample (Hòa, Thủy, Thụy vs Hoà, Thuỷ, Thuỵ); it
 * is also Unikey's default (its "oà, uý" option is off by default); (2) the rule is uniform:
 * a two-vowel cluster with no final consonant always carries the tone on its first vowel
 * (hòa like tài, múa, kéo), so no special list is needed. Both styles map to the same
 * normalised string, so matching does not depend on the choice; it only fixes what
 * `normalizeText` outputs.
 *
 * Rule (first that applies), after treating the u of "qu" and the i of "gi" + vowel as part of
 * the initial consonant (quý, quà, giá, giữ — but gì, gìn keep i as their vowel):
 *   1. a vowel with a shape mark (ă â ê ô ơ ư) carries it; with two (ươ) the LAST one:
 *      người, thuở, tuổi, khuyến, rượu
 *   2. a single vowel carries it
 *   3. a final consonant follows: the LAST vowel — hoàng, toán, huỳnh, khoét, hoạch
 *   4. three vowels: the MIDDLE one — ngoài, xoáy, khuỷu, ngoẹo
 *   5. two vowels: the FIRST one — tài, múa, mía, hòa, khỏe, thủy (old style)
 *
 * Only the tone's position changes; a syllable that is not one Vietnamese vowel cluster (two
 * clusters such as "jose", no vowel) is reported as -1 and left alone by the caller.
 *
 * References: Wikipedia, "Vietnamese alphabet" § "Tone marks" (placement, old vs new
 * style); D. Trương, "Vietnamese Typography" (2nd ed.), "Tone marks"; Ministry of Education
 * and Training, textbook spelling rules (2018), which prescribe the new style for textbooks.
 */
import { D_STROKE, SHAPE_NONE, VOWEL_INDEX } from './vietnamese-letters.js';

function isVowelBase(b: number): boolean {
  return b < 0x80 && VOWEL_INDEX[b]! >= 0;
}

/**
 * Index of the letter that should carry the tone in a syllable given as lower-case base
 * letters (`'a'..'z'` or U+0111 đ) and their shape ids, or -1 when the letters do not form a
 * single vowel cluster (then the tone is not moved).
 *
 * Pure and allocation-free: reads `len` entries of the two arrays.
 */
export function canonicalTonePosition(bases: ArrayLike<number>, shapes: ArrayLike<number>, len: number): number {
  let vs = 0;
  while (vs < len && !isVowelBase(bases[vs]!)) vs++;
  if (vs === len) return -1;
  let ve = vs;
  while (ve < len && isVowelBase(bases[ve]!)) ve++;
  // A second vowel cluster after a consonant: not one Vietnamese syllable.
  for (let k = ve; k < len; k++) if (isVowelBase(bases[k]!) || bases[k] === D_STROKE) return -1;

  // "qu" and "gi" + vowel: the u / i belongs to the initial consonant.
  if (vs > 0 && ve - vs > 1 && shapes[vs] === SHAPE_NONE) {
    const prev = bases[vs - 1];
    const first = bases[vs];
    if ((prev === 0x71 && first === 0x75) || (prev === 0x67 && first === 0x69)) vs++; // q+u, g+i
  }

  let lastShaped = -1;
  for (let k = vs; k < ve; k++) if (shapes[k] !== SHAPE_NONE) lastShaped = k;
  if (lastShaped >= 0) return lastShaped;
  const count = ve - vs;
  if (count === 1) return vs;
  if (ve < len) return ve - 1;
  if (count >= 3) return vs + 1;
  return vs;
}
