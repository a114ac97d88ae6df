/**
 * Vietnamese phonetic key: one short ASCII key per syllable of the accent-folded name, in which
 * the spellings that Vietnamese speakers of one dialect or another cannot tell apart by ear
 * share one class. "Trâm" and "Châm", "Sương" and "Xương", "Lan" and "Lang", "Phúc" and "Phút",
 * "Vy" and "Vi" get the same key; "Anh" and "An", "Võ" and "Đỗ" do not (see below).
 *
 * Each folded syllable is parsed as  initial · nucleus · final  (Vietnamese orthography):
 *
 *   initial  longest match of  ngh ng gh gi kh ph th tr ch nh qu  b c d g h k l m n p r s t v x
 *            (none: the syllable starts with a vowel)
 *   nucleus  the run of vowel letters a e i o u y (glides i/y/o/u at the end included), ≤ 3
 *            letters; "qu" lends its u (qu·a → u·a), "gi" lends its i when no vowel or an e
 *            follows (gi·n → i·n "gìn", gi·eng → ie·ng "giêng")
 *   final    none, c, ch, m, n, ng, nh, p, t
 *
 * and written back with the canonical spelling of each class (the key is itself a syllable that
 * parses to the same key: `key(key(x)) === key(x)`):
 *
 *   class                                      key   why they merge
 *   ─────────────────────────────────────────  ────  ──────────────────────────────────────────
 *   initial c / k / q(u)                       c     one sound /k/, spelling depends on the vowel
 *   initial g / gh                             g/gh  one sound /ɣ/; gh before e, i (as written)
 *   initial ng / ngh                           ng    one sound /ŋ/; written ngh before e, i
 *   initial d / gi / r  (đ folds to d)         d     North: d = gi = r = /z/; everywhere d = gi
 *   initial tr / ch                            ch    North: tr = ch = /c/
 *   initial s / x                              s     North: s = x = /s/
 *   initial l / n                              l     l/n confusion of the Red River delta
 *   final n / ng (after a, o, u)               n     South: -n and -ng merge to [ŋ]
 *   final t / c  (after a, o, u)               t     South: -t and -c merge to [k]
 *   final n / ng / nh (after i, e, y)          n     South: -inh = -in, -ênh = -ên [n]
 *   final t / c / ch  (after i, e, y)          t     South: -ich = -it, -êch = -êt [t]
 *   vowel y / i (not after a: ay ≠ ai)         i     free spelling variation (Lý/Lí, Mỹ/Mĩ, quy/qui)
 *   tones, ă/â/a, ê/e, ô/ơ/o, ư/u, đ/d         —     removed by folding (foldToAscii)
 *
 * Deliberately NOT merged (measured with bench/keys/phonetic-collisions.ts on the vn-names lists):
 *   - v with d/gi/r (the Southern v = d = gi = /j/): folding turns đ into d, so v would join the
 *     đ-names, which no dialect confuses with v: Võ = Đỗ, Vinh = Đinh = Đình, Văn = Đăng = Đặng
 *     — whole populations of family and middle names. Dương/Vương stay apart as a consequence.
 *   - final nh / ch after a (anh, ach, oanh): merging them with n / t would put An with Anh,
 *     Thanh with Thắng and Than, Khánh with Khang, Mạnh with Mạn, Bạch with Bát — distinct,
 *     common names, and distinct in Southern speech too ([an] vs [aːŋ]).
 *   - ay / ai (Mây ≠ Mai, Bảy ≠ Bái): different sounds in every dialect.
 *   - the Southern hw / qu → w merger (Hoàng ≠ Quang).
 * Kept although it costs: l / n merges Nam with Lâm (two common given names); on the UIT given
 * names it raises the pair-agreement rate of the key over the folded name from ×1.06 to ×1.09.
 * Measured figures for the whole table: see bench/keys/phonetic-collisions.ts.
 *
 * Syllables that do not parse (foreign names: "samuel", "john"; tokens with digits) are passed
 * through unchanged. A passed-through token never parses, while every Vietnamese key does, so the
 * two sets of keys cannot collide.
 *
 * Trade-off: keys are computed on the folded form only, so a key never depends on whether the
 * record had diacritics — at the price of the vowel and đ distinctions that folding removes
 * (Quân = Quang, Tân = Tăng once n/ng merge). Keys are stable data (they are hashed into block
 * indexes and snapshots): changing this table is a breaking change.
 *
 * References:
 *   - L. C. Thompson, "Saigon phonemics", Language 35(3):454–476, 1959 (Southern finals).
 *   - L. C. Thompson, A Vietnamese Grammar, University of Washington Press, 1965 (dialects).
 *   - J. P. Kirby, "Vietnamese (Hanoi Vietnamese)", Journal of the IPA 41(3):381–392, 2011.
 *   - Hoàng Thị Châu, Phương ngữ học tiếng Việt (Vietnamese dialectology), NXB ĐHQG Hà Nội, 2004.
 *   - Wikipedia, "Vietnamese phonology" (regional variation) and "Vietnamese alphabet"
 *     (c/k/q, g/gh, ng/ngh and i/y spelling rules).
 */
import type { CodeUnits } from '../block/text-column.js';
import { KhopError } from '../errors.js';
import { foldToAscii } from '../text/fold.js';
import { asciiBytesToString, ensureCapacity, scratchBuffer } from '../util/code-units.js';

// ASCII codes used below.
const A = 0x61, C = 0x63, D = 0x64, E = 0x65, G = 0x67, H = 0x68, I = 0x69, K = 0x6b;
const L = 0x6c, M = 0x6d, N = 0x6e, O = 0x6f, P = 0x70, Q = 0x71, R = 0x72, S = 0x73;
const T = 0x74, U = 0x75, V = 0x76, X = 0x78, Y = 0x79, B = 0x62, SPACE = 0x20;

// Initial classes (their key spellings are written in the last step of the kernel).
const INI_NONE = 0, INI_B = 1, INI_C = 2, INI_CH = 3, INI_D = 4, INI_G = 5, INI_H = 6;
const INI_KH = 7, INI_L = 8, INI_M = 9, INI_NG = 10, INI_NH = 11, INI_P = 12, INI_PH = 13;
const INI_S = 14, INI_T = 15, INI_TH = 16, INI_V = 17, INI_FOREIGN = 255;

// Final classes.
const FIN_NONE = 0, FIN_M = 1, FIN_P = 2, FIN_N = 3, FIN_T = 4, FIN_NH = 5, FIN_CH = 6;
const FIN_FOREIGN = 255;

/** Longest vowel nucleus accepted (Vietnamese has at most three vowel letters: "uye", "oai"). */
const MAX_NUCLEUS = 3;

function isVowel(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U || c === Y;
}

/** Copy the unit span unchanged (ASCII already checked) and return the new out position. */
function passThrough(src: CodeUnits, start: number, end: number, out: Uint8Array, o: number): number {
  for (let i = start; i < end; i++) out[o++] = src[i]!;
  return o;
}

/**
 * Write the key of one folded syllable `src[start..end)` into `out` at `outPos` and return the
 * position after it. The span holds folded ASCII (lower-case letters, digits; see
 * `foldToAscii`) and no space; `out` needs room for `(end − start) + 1` bytes. An empty span
 * writes nothing. Allocation-free; the hot path of key builders over folded text columns.
 *
 * @throws KhopError INVALID_ARGUMENT when a unit is not folded ASCII (upper-case, space,
 *   control or non-ASCII): fold first.
 */
export function writeVietnameseSyllableKey(
  src: CodeUnits,
  start: number,
  end: number,
  out: Uint8Array,
  outPos: number,
): number {
  if (end <= start) return outPos;
  let letters = true;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    // 0x21..0x7e is printable ASCII without space; 0x41..0x5a is A..Z (not folded).
    if (c < 0x21 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) {
      throw new KhopError(
        'INVALID_ARGUMENT',
        'writeVietnameseSyllableKey: the syllable is not folded ASCII (upper-case, space, control or non-ASCII unit); fold it with foldToAscii first',
      );
    }
    if (c < A || c > 0x7a) letters = false;
  }
  if (!letters) return passThrough(src, start, end, out, outPos);

  // ── initial: longest match ──────────────────────────────────────────────────────────────
  const c0 = src[start]!;
  const c1 = start + 1 < end ? src[start + 1]! : 0;
  const c2 = start + 2 < end ? src[start + 2]! : 0;
  let ini = INI_NONE;
  let p = start;
  let gi = false; // initial "gi": may lend its i to the nucleus
  let qu = false; // initial "qu": lends its u to the nucleus
  switch (c0) {
    case B: ini = INI_B; p += 1; break;
    case C: if (c1 === H) { ini = INI_CH; p += 2; } else { ini = INI_C; p += 1; } break;
    case D: ini = INI_D; p += 1; break;
    case G:
      if (c1 === H) { ini = INI_G; p += 2; }
      else if (c1 === I) { ini = INI_D; gi = true; p += 2; }
      else { ini = INI_G; p += 1; }
      break;
    case H: ini = INI_H; p += 1; break;
    case K: if (c1 === H) { ini = INI_KH; p += 2; } else { ini = INI_C; p += 1; } break;
    case L: ini = INI_L; p += 1; break;
    case M: ini = INI_M; p += 1; break;
    case N:
      if (c1 === G) { ini = INI_NG; p += c2 === H ? 3 : 2; }
      else if (c1 === H) { ini = INI_NH; p += 2; }
      else { ini = INI_L; p += 1; }
      break;
    case P: if (c1 === H) { ini = INI_PH; p += 2; } else { ini = INI_P; p += 1; } break;
    case Q: if (c1 === U) { ini = INI_C; qu = true; p += 2; } else ini = INI_FOREIGN; break;
    case R: ini = INI_D; p += 1; break;
    case S: ini = INI_S; p += 1; break;
    case T:
      if (c1 === H) { ini = INI_TH; p += 2; }
      else if (c1 === R) { ini = INI_CH; p += 2; }
      else { ini = INI_T; p += 1; }
      break;
    case V: ini = INI_V; p += 1; break;
    case X: ini = INI_S; p += 1; break;
    default: ini = isVowel(c0) ? INI_NONE : INI_FOREIGN; // f, j, w, z: not Vietnamese initials
  }
  if (ini === INI_FOREIGN) return passThrough(src, start, end, out, outPos);

  // ── nucleus: the vowel run, with the glide lent by qu / gi ──────────────────────────────
  const vStart = p;
  while (p < end && isVowel(src[p]!)) p++;
  const vEnd = p;
  let lent = 0; // the letter lent by the initial, 0 = none
  if (qu) {
    if (vEnd === vStart) return passThrough(src, start, end, out, outPos); // "qu" + consonant
    lent = U;
  } else if (gi && (vEnd === vStart || src[vStart] === E)) {
    lent = I;
  }
  const nucleusLength = vEnd - vStart + (lent === 0 ? 0 : 1);
  if (nucleusLength === 0 || nucleusLength > MAX_NUCLEUS) return passThrough(src, start, end, out, outPos);

  // ── final ───────────────────────────────────────────────────────────────────────────────
  let fin = FIN_FOREIGN;
  const fLen = end - vEnd;
  if (fLen === 0) fin = FIN_NONE;
  else if (fLen === 1) {
    const f = src[vEnd]!;
    fin = f === C || f === T ? FIN_T : f === N ? FIN_N : f === M ? FIN_M : f === P ? FIN_P : FIN_FOREIGN;
  } else if (fLen === 2) {
    const f0 = src[vEnd]!;
    const f1 = src[vEnd + 1]!;
    if (f0 === N && f1 === G) fin = FIN_N;
    else if (f0 === N && f1 === H) fin = FIN_NH;
    else if (f0 === C && f1 === H) fin = FIN_CH;
  }
  if (fin === FIN_FOREIGN) return passThrough(src, start, end, out, outPos);

  // ── write: canonical initial, nucleus with y → i (not after a), final class ─────────────
  let o = outPos;
  const firstVowel = lent !== 0 ? lent : src[vStart] === Y ? I : src[vStart]!;
  switch (ini) {
    case INI_NONE: break;
    case INI_B: out[o++] = B; break;
    case INI_C: out[o++] = C; break;
    case INI_CH: out[o++] = C; out[o++] = H; break;
    case INI_D: out[o++] = D; break;
    case INI_G:
      out[o++] = G;
      // Written gh before e / i, as in the orthography: a key "gi…" would re-parse as gi = d.
      if (firstVowel === I || firstVowel === E) out[o++] = H;
      break;
    case INI_H: out[o++] = H; break;
    case INI_KH: out[o++] = K; out[o++] = H; break;
    case INI_L: out[o++] = L; break;
    case INI_M: out[o++] = M; break;
    case INI_NG: out[o++] = N; out[o++] = G; break;
    case INI_NH: out[o++] = N; out[o++] = H; break;
    case INI_P: out[o++] = P; break;
    case INI_PH: out[o++] = P; out[o++] = H; break;
    case INI_S: out[o++] = S; break;
    case INI_T: out[o++] = T; break;
    case INI_TH: out[o++] = T; out[o++] = H; break;
    default: out[o++] = V; break; // INI_V
  }
  let prev = 0;
  if (lent !== 0) {
    out[o++] = lent;
    prev = lent;
  }
  for (let i = vStart; i < vEnd; i++) {
    let c = src[i]!;
    if (c === Y && prev !== A) c = I;
    out[o++] = c;
    prev = c;
  }
  const front = prev === I || prev === E;
  switch (fin) {
    case FIN_NONE: break;
    case FIN_M: out[o++] = M; break;
    case FIN_P: out[o++] = P; break;
    case FIN_N: out[o++] = N; break;
    case FIN_T: out[o++] = T; break;
    case FIN_NH: if (front) out[o++] = N; else { out[o++] = N; out[o++] = H; } break;
    default: if (front) out[o++] = T; else { out[o++] = C; out[o++] = H; } break; // FIN_CH
  }
  return o;
}

// Scratch buffers of the string API (not re-entrant; see util/code-units.ts).
let scratchIn: Uint8Array = scratchBuffer(128);
let scratchOut: Uint8Array = scratchBuffer(256);

/** Key of an already-folded string (words separated by spaces). */
function keyOfFolded(folded: string): string {
  const n = folded.length;
  if (n === 0) return '';
  scratchIn = ensureCapacity(scratchIn, n);
  // Each word of length w writes at most w + 1 bytes, plus one separator per word.
  scratchOut = ensureCapacity(scratchOut, 2 * n + 2);
  const src = scratchIn;
  const out = scratchOut;
  for (let i = 0; i < n; i++) src[i] = folded.charCodeAt(i);
  let o = 0;
  let i = 0;
  while (i < n) {
    while (i < n && src[i] === SPACE) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && src[j] !== SPACE) j++;
    if (o > 0) out[o++] = SPACE;
    o = writeVietnameseSyllableKey(src, i, j, out, o);
    i = j;
  }
  return asciiBytesToString(out, o);
}

/**
 * Phonetic key of a Vietnamese name (any number of syllables): the name is folded with
 * `foldToAscii`, then each syllable is keyed (see the table in this file's header) and the keys
 * are joined by single spaces. Empty or letter-less input gives `''`.
 * `vietnamesePhoneticKey(s) === vietnamesePhoneticKey(foldToAscii(s))` for every `s`.
 *
 * @example vietnamesePhoneticKey('Trần Thị Sương') === vietnamesePhoneticKey('Chần Thi Xương') // 'chan thi suon'
 */
export function vietnamesePhoneticKey(name: string): string {
  return keyOfFolded(foldToAscii(name));
}

/**
 * Phonetic key of one syllable (a name part such as a given name "Trâm"): folded, then keyed.
 * Empty input gives `''`.
 *
 * @throws KhopError INVALID_ARGUMENT when the input folds to more than one word (use
 *   {@link vietnamesePhoneticKey} for whole names).
 */
export function vietnameseSyllableKey(syllable: string): string {
  const folded = foldToAscii(syllable);
  if (folded.indexOf(' ') >= 0) {
    throw new KhopError(
      'INVALID_ARGUMENT',
      'vietnameseSyllableKey: the input has more than one word; use vietnamesePhoneticKey for names',
    );
  }
  return keyOfFolded(folded);
}
