/**
 * NYSIIS — the New York State Identification and Intelligence System phonetic code (R. L. Taft,
 * 1970): e.g. Knuth → NAT, Macintosh → MCANT, Schmidt → SNAD, Trueman / Truman → TRANAN.
 *
 * Variant: the rule list as published by dropby.com ("NYSIIS", transcription of Taft's report)
 * and implemented by Apache Commons Codec, whose test vectors this module reproduces:
 *
 *   1. first letters   MAC → MCC, KN → NN, K → C, PH → FF, PF → FF, SCH → SSS
 *   2. last letters    EE, IE → Y;  DT, RT, RD, NT, ND → D
 *   3. the key starts with the first letter of the (transcoded) name
 *   4. for each later letter, in place, left to right (the transcoded letters are what later
 *      rules see as "previous"):
 *        EV → AF, else a vowel A E I O U → A;  Q → G;  Z → S;  M → N;
 *        KN → NN, else K → C;  SCH → SSS;  PH → FF;
 *        H → the previous letter if the previous or the next letter is not a vowel;
 *        W → the previous letter if the previous letter is a vowel;
 *      the letter is appended unless it equals the letter before it
 *   5. a final S is removed;  6. a final AY becomes Y;  7. a final A is removed
 *   8. truncation to `maxLength` letters (Taft: 6; `Infinity` keeps the whole key)
 *
 * One deliberate difference from Commons Codec: steps 5–7 never remove the key's first letter
 * (Commons Codec turns "As" into an empty key, which would look like "no letters" and match
 * every other empty key). Input is folded with `foldToAscii` first; non-letters are ignored;
 * no letter at all gives `''`.
 *
 * Trade-off: NYSIIS keeps more of the name than Soundex (vowel positions, up to 6 letters), so
 * it splits fewer true variants into different codes than Soundex merges false ones — but it is
 * tuned on American surnames. For Vietnamese names use vietnamesePhoneticKey.
 *
 * References: R. L. Taft, "Name Search Techniques", New York State Identification and
 * Intelligence System, Special Report No. 1, Albany NY, 1970; http://www.dropby.com/NYSIIS.html;
 * Apache Commons Codec `Nysiis` (rules and test vectors, not code).
 */
import { KhopError } from '../errors.js';
import { foldToAscii } from '../text/fold.js';
import { asciiBytesToString, ensureCapacity, scratchBuffer } from '../util/code-units.js';

/** Options of {@link nysiis}. */
export interface NysiisOptions {
  /**
   * Longest key returned, in letters: a positive integer, or `Infinity` for the whole key.
   * Default {@link DEFAULT_NYSIIS_MAX_LENGTH} (6, as in Taft's original).
   */
  maxLength?: number;
}

/** Taft's original key length. */
export const DEFAULT_NYSIIS_MAX_LENGTH = 6;

// Upper-case ASCII codes.
const A = 0x41, C = 0x43, D = 0x44, E = 0x45, F = 0x46, G = 0x47, H = 0x48, I = 0x49;
const K = 0x4b, M = 0x4d, N = 0x4e, O = 0x4f, P = 0x50, Q = 0x51, R = 0x52, S = 0x53;
const T = 0x54, U = 0x55, V = 0x56, W = 0x57, Y = 0x59, Z = 0x5a;

function isVowel(c: number): boolean {
  return c === A || c === E || c === I || c === O || c === U;
}

// Scratch buffers (not re-entrant; see util/code-units.ts): the transcoded name and the key.
let name: Uint8Array = scratchBuffer(64);
let key: Uint8Array = scratchBuffer(64);

/**
 * NYSIIS code of `s` (upper-case letters), truncated to `options.maxLength` (default 6).
 * `''` when `s` has no letter.
 *
 * @throws KhopError INVALID_OPTION when `maxLength` is not a positive integer or `Infinity`.
 */
export function nysiis(s: string, options?: NysiisOptions): string {
  const maxLength = options?.maxLength ?? DEFAULT_NYSIIS_MAX_LENGTH;
  if (!(maxLength === Infinity || (Number.isInteger(maxLength) && maxLength >= 1))) {
    throw new KhopError('INVALID_OPTION', 'nysiis: options.maxLength must be a positive integer or Infinity', {
      details: { option: 'maxLength' },
    });
  }
  const folded = foldToAscii(s);
  name = ensureCapacity(name, folded.length);
  const b = name;
  let n = 0;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) b[n++] = c - 0x20; // letters only, upper-cased
  }
  if (n === 0) return '';

  // 1. first letters
  if (n >= 3 && b[0] === M && b[1] === A && b[2] === C) b[1] = C;
  else if (n >= 2 && b[0] === K && b[1] === N) b[0] = N;
  else if (b[0] === K) b[0] = C;
  else if (n >= 2 && b[0] === P && (b[1] === H || b[1] === F)) { b[0] = F; b[1] = F; }
  else if (n >= 3 && b[0] === S && b[1] === C && b[2] === H) { b[1] = S; b[2] = S; }

  // 2. last letters (two letters become one)
  if (n >= 2) {
    const y = b[n - 2]!;
    const z = b[n - 1]!;
    if ((y === E || y === I) && z === E) {
      n--;
      b[n - 1] = Y;
    } else if (z === T && (y === D || y === R || y === N)) {
      n--;
      b[n - 1] = D;
    } else if (z === D && (y === R || y === N)) {
      n--;
      b[n - 1] = D;
    }
  }

  // 3. first letter; 4. transcode the rest in place
  key = ensureCapacity(key, n);
  const k = key;
  let m = 0;
  k[m++] = b[0]!;
  for (let i = 1; i < n; i++) {
    const prev = b[i - 1]!;
    const cur = b[i]!;
    const next = i + 1 < n ? b[i + 1]! : 0;
    const next2 = i + 2 < n ? b[i + 2]! : 0;
    if (cur === E && next === V) { b[i] = A; b[i + 1] = F; }
    else if (isVowel(cur)) b[i] = A;
    else if (cur === Q) b[i] = G;
    else if (cur === Z) b[i] = S;
    else if (cur === M) b[i] = N;
    else if (cur === K) { if (next === N) { b[i] = N; b[i + 1] = N; } else b[i] = C; }
    else if (cur === S && next === C && next2 === H) { b[i + 1] = S; b[i + 2] = S; }
    else if (cur === P && next === H) { b[i] = F; b[i + 1] = F; }
    else if (cur === H && (!isVowel(prev) || !isVowel(next))) b[i] = prev;
    else if (cur === W && isVowel(prev)) b[i] = prev;
    if (b[i] !== b[i - 1]) k[m++] = b[i]!;
  }

  // 5.–7. endings, never removing the first letter
  if (m > 1 && k[m - 1] === S) m--;
  if (m > 2 && k[m - 2] === A && k[m - 1] === Y) {
    k[m - 2] = Y;
    m--;
  }
  if (m > 1 && k[m - 1] === A) m--;

  return asciiBytesToString(k, Math.min(m, maxLength));
}

