/**
 * Name verdicts: how a claimed name compares with the register's normalised name.
 *
 * First that holds (outcomes in verdict.ts):
 *   exact       the claim, trimmed, IS the register's name as written (normalised form in the
 *               record's written style — lower, Title or UPPER case — or, for a name written
 *               otherwise, the written text the cell keeps after the name: written-form.ts)
 *   equivalent  the claim's canonical form (normalizeText + family·middle·given order,
 *               person-name-form.ts) equals the register's, because of:
 *                 unicode-form    decomposed (NFD), half-composed (Windows keyboard), look-alike
 *                                 (Ð for Đ) or invisible characters in the claim, or characters
 *                                 that are not letters (an emoji, a replacement character) on
 *                                 one side of two names with diacritics: the letters are the same
 *                 tone-placement  the tone mark on the other vowel (hoà / hòa, thuỷ / thủy) —
 *                                 against the register's name AS WRITTEN when it keeps the
 *                                 text (written-form.ts; equivalenceAsWritten): a register's
 *                                 new-style "Thuý" against a claim "Thúy"
 *                 letter-case     only upper / lower case differs (from the register's writing:
 *                                 "THUÝ" against a register's "Thuý")
 *                 spacing         only spaces or punctuation between the words differ (doubled,
 *                                 tabs, no-break spaces; "Nguyễn-Văn-An", "An.")
 *                 name-order      the claim was written given name first
 *                 register-form   the claim differs from the canonical form at most by letter case;
 *                                 the register wrote its value irregularly (NFD, odd spacing or
 *                                 case…) and the claim did not (written-form.ts) — a register
 *                                 that only placed a tone the new way is tone-placement
 *               or — equal once diacritics are removed, one side being written entirely
 *               WITHOUT diacritics:
 *                 diacritics      "Nguyen Van An" / "Nguyễn Văn An"
 *   close       diacritics-differ    both sides have diacritics and they differ (Ân / An)
 *               middle-name-missing  family and given agree, one middle name is missing or a
 *                                    subset of the other ("Nguyễn An" / "Nguyễn Văn An")
 *               middle-initial       family and given agree, a middle name is abbreviated to its
 *                                    initial ("Nguyễn V. An" / "Nguyễn Văn An")
 *               dialect-spelling     same phonetic key (Trâm / Châm, Sương / Xương; keys/)
 *               typo                 folded names one edit apart (OSA distance ≤ 1)
 *               name-order           same tokens in another order (not detected as reversed)
 *   mismatch    differs; invalid-name (no letters, or not text)
 *   missing     claim-missing / record-missing
 *
 * Only full names (personName) have middle names and an order; given/family name fields stop
 * at dialect-spelling / typo.
 *
 * Trade-off: the claim side (canonical form, folded form, key, equivalence reason, and per ordering
 * of its tokens the first / last word, folded parts and key) is computed once per claim, lazily — a
 * claim that matches as written never normalises anything, the re-orderings are built only when the
 * written order does not line up with the register's name, and a claim compared with several
 * records (the "did you mean" block) folds, splits and keys its own side once (its syllable keys
 * word by word, as far as comparisons need them). The record side is folded per comparison from its
 * stored normalised form; its parts are read off that folded form when its tokens fold one to one
 * onto words (foldedPartsOf), and its phonetic key is computed only when the word counts allow a
 * match. In the search's usual case — a name that differs in letters ("Nguyễn Văn An" against
 * "nguyễn thị an") — the folded forms are compared first, so neither the claim's quick form nor its
 * normalised form is computed; the claim's syllable keys only when the word counts agree; the
 * middle-name test does not split single-word middles (middleEmbedding) and the typo test is one
 * pass (withinOneEdit) instead of a distance matrix: ~2.5 → ~1.6 µs per such comparison, warm (each
 * property-tested against the general form; verdicts identical on 200k claims against a 10M
 * register). Measured earlier, on the "did you mean" blocks of the 18,000 NOT_FOUND / INVALID_ID
 * claims of 100k generated claims in a 10M synthetic population (20,031 rows; old and new code in
 * one process, alternating per claim, fresh ClaimName per claim): ×1.24–1.62 per comparison (median
 * of 4 runs ×1.33), a claim's whole block p99 33–44 µs → 22–29 µs; a name that differs in letters
 * (the search's usual case) ~8 µs → ~5 µs including the claim side's first use. The search reads a
 * stored name in place (compareNameUtf8): UTF-8 → code units → fold, no string of the name — a name
 * that differs in letters 1.65 → 1.27 µs, warm; a name whose fold equals the claim's gets
 * compareName's quick tests on those units (diacritics, case, Unicode form, spacing), and only the
 * equivalences that need the text (tone placement, re-ordering, a possible permutation) take
 * compareName on its string. The record's fold is then kept as BYTES (foldUnitsInto; compareName
 * copies its fold into the same scratch): its first and last words, its family / middle / given
 * parts and its middle words are byte ranges, compared with the claim's strings unit by unit, and
 * the key test starts after the first word when the chosen ordering's first word is the record's
 * (its syllable key is then the same) — no string, array or parts object per record: on the 20,194
 * "differs" pairs of the did-you-mean blocks of 200k claims against a 10M register, 1.46 → 0.90 µs
 * per comparison, warm.
 */
import { Buffer } from 'node:buffer';
import { foldToAscii, foldUnitsInto, foldsToEmpty } from '../text/fold.js';
import { compoundFamilyLengthOf, mayStartCompoundFamily } from '../text/name-frequencies.js';
import { decodeUtf8Units, MAX_DECODE_UNITS } from '../text/utf8-decode.js';
import { writeVietnameseSyllableKey } from '../keys/vietnamese-phonetic.js';
import { nameKey } from '../keys/name-part-key.js';
import { normalizeText } from '../text/normalize.js';
import { asciiBytesToString, ensureCapacity, scratchBuffer, unitsToString } from '../util/code-units.js';
import { parsePersonName } from '../text/person-name.js';
import { canonicalPersonName, splitName, type RegisterNameLocale } from './person-name-form.js';
import { NAME, O_CLAIM_MISSING, O_RECORD_MISSING } from './verdict.js';
import { NAME_STYLE_LOWER, NAME_STYLE_OTHER, isNameInStyle, isNameInStyleUtf8, nameCellNormEnd } from './written-form.js';

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Some of units[0 .. n) is above U+007F. */
function unitsHaveNonAscii(units: Uint16Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (units[i]! > 0x7f) return true;
  return false;
}

/** units[0 .. n) are the code units of s. */
function isUnits(s: string, units: Uint16Array, n: number): boolean {
  if (s.length !== n) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) !== units[i]) return false;
  return true;
}

/** Combining marks (U+0300–U+036F): decomposed or half-composed text. */
function hasCombiningMark(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x300 && c <= 0x36f) return true;
  }
  return false;
}

/** Look-alike or invisible units normalizeText rewrites or strips (Ð ð Ɖ ɖ, zero-width, soft hyphen, BOM). */
function hasLookalikeOrInvisible(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xd0 || c === 0xf0 || c === 0x189 || c === 0x256 || c === 0xad || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x2060 && c <= 0x2064)) {
      return true;
    }
  }
  return false;
}

/** Whitespace other than single ASCII spaces between words (the text is trimmed). */
function hasIrregularSpace(s: string): boolean {
  let prevSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = isSpaceUnit(c);
    if (space && (c !== 0x20 || prevSpace)) return true;
    prevSpace = space;
  }
  return false;
}

function isSpaceUnit(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
}

/** Whitespace runs → one space (the text is trimmed). */
function collapseSpaces(s: string): string {
  let out = '';
  let pending = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpaceUnit(c)) {
      pending = out.length > 0;
      continue;
    }
    if (pending) {
      out += ' ';
      pending = false;
    }
    out += s[i];
  }
  return out;
}

/** The bytes `b[from .. to)` (a non-empty word) are one of the space-separated words of `folded`. */
function hasWordBytes(folded: string, b: Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (len === 0) return false;
  let start = 0;
  while (start <= folded.length) {
    let end = folded.indexOf(' ', start);
    if (end < 0) end = folded.length;
    if (end - start === len && sameBytes(folded, start, b, from, len)) return true;
    start = end + 1;
  }
  return false;
}

/** `s[i .. i + len)` has the code units of the bytes `b[j .. j + len)`. */
function sameBytes(s: string, i: number, b: Uint8Array, j: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (s.charCodeAt(i + k) !== b[j + k]) return false;
  return true;
}

/** `s` is the text of the bytes `b[from .. to)` (one byte per code unit: a fold). */
function isBytes(s: string, b: Uint8Array, from: number, to: number): boolean {
  return s.length === to - from && sameBytes(s, 0, b, from, s.length);
}

/** Does the byte range `b[from .. to)` contain a space? */
function hasSpaceBytes(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] === 0x20) return true;
  return false;
}

/**
 * The middle-name relation of two names whose family and given parts agree: max of
 * embedWords both ways on the words of the folded middles `cm` and `rm` (which differ) — 0
 * none, 1 one middle's words are among the other's, 2 the same using an initial. The usual
 * case, at most one word on each side, is decided without splitting (equal to the general
 * path: tested); the record's words are byte ranges, never strings.
 */
export function middleEmbedding(cm: string, rm: string): number {
  const b = scratchBytes(rm);
  return middleEmbeddingBytes(cm, b, 0, rm.length);
}

/** middleEmbedding(cm, rm) for the folded record middle `rm` = the bytes `b[from .. to)`. */
function middleEmbeddingBytes(cm: string, b: Uint8Array, from: number, to: number): number {
  if (cm.indexOf(' ') < 0 && !hasSpaceBytes(b, from, to)) {
    const rl = to - from;
    // words('') = []: the empty middle embeds in any other (1), nothing embeds in it (0); a
    // word embeds in itself (1).
    if (cm === '' || rl === 0 || isBytes(cm, b, from, to)) return 1;
    // Two different single words: only the initial rule can match them (either way: symmetric).
    return (cm.length === 1 || rl === 1) && cm.charCodeAt(0) === b[from] ? 2 : 0;
  }
  // Both middles' words as ranges: the record's of b, the claim's of cm (no arrays of strings).
  const longest = Math.max(to - from, cm.length) + 1;
  if (recordWordStart.length < longest) {
    recordWordStart = new Int32Array(2 * longest);
    recordWordEnd = new Int32Array(2 * longest);
    claimWordStart = new Int32Array(2 * longest);
    claimWordEnd = new Int32Array(2 * longest);
  }
  let m = 0;
  for (let i = from; i < to; ) {
    let j = i;
    while (j < to && b[j] !== 0x20) j++;
    recordWordStart[m] = i;
    recordWordEnd[m++] = j;
    i = j + 1;
  }
  let c = 0;
  for (let i = 0; i < cm.length; ) {
    let j = cm.indexOf(' ', i);
    if (j < 0) j = cm.length;
    claimWordStart[c] = i;
    claimWordEnd[c++] = j;
    i = j + 1;
  }
  return Math.max(embedWords(cm, c, b, m, true), embedWords(cm, c, b, m, false));
}

/**
 * Word ranges of the two middles middleEmbeddingBytes compares: the record's of its bytes, the
 * claim's of its string (grown as needed, not re-entrant).
 */
let recordWordStart = new Int32Array(16);
let recordWordEnd = new Int32Array(16);
let claimWordStart = new Int32Array(16);
let claimWordEnd = new Int32Array(16);

/**
 * Do the claim middle's `c` words (claimWordStart / claimWordEnd ranges of `cm`) appear in
 * order among the record middle's `m` words (recordWordStart / recordWordEnd ranges of `b`) —
 * or, `claimFirst` false, the record's among the claim's — a one-letter word standing for a
 * word with that initial ("v" for "van")? 0 no, 1 yes with whole words, 2 yes using an
 * initial. Greedy leftmost matching is optimal for "is a subsequence", whatever the predicate.
 */
function embedWords(cm: string, c: number, b: Uint8Array, m: number, claimFirst: boolean): number {
  const na = claimFirst ? c : m;
  const nb = claimFirst ? m : c;
  let j = 0;
  let initial = false;
  for (let i = 0; i < na; i++) {
    for (;;) {
      if (j === nb) return 0;
      // The pair (claim word, record word) — the predicate is symmetric.
      const w = claimFirst ? i : j;
      const r = claimFirst ? j : i;
      j++;
      const cs = claimWordStart[w]!;
      const cl = claimWordEnd[w]! - cs;
      const rs = recordWordStart[r]!;
      const rl = recordWordEnd[r]! - rs;
      if (cl === rl && sameBytes(cm, cs, b, rs, cl)) break;
      if ((cl === 1 || rl === 1) && cm.charCodeAt(cs) === b[rs]) {
        initial = true;
        break;
      }
    }
  }
  return initial ? 2 : 1;
}

/**
 * damerauLevenshteinWithin(1, a, b) ≤ 1 — equal, or one substitution, insertion, deletion or
 * transposition of adjacent units apart (optimal string alignment distance ≤ 1) — in one
 * pass, without the distance matrix (tested equal).
 */
export function withinOneEdit(a: string, b: string): boolean {
  return withinOneEditBytes(a, scratchBytes(b), b.length);
}

/** withinOneEdit(a, b) for `b` = the bytes `bb[0 .. lb)` (a fold: one code unit per byte). */
function withinOneEditBytes(a: string, bb: Uint8Array, lb: number): boolean {
  const la = a.length;
  if (la - lb > 1 || lb - la > 1) return false; // every edit changes the length by ≤ 1
  const m = la < lb ? la : lb;
  let i = 0;
  while (i < m && a.charCodeAt(i) === bb[i]) i++;
  if (la === lb) {
    if (i === la) return true; // equal
    // The edit is at the first difference i: a substitution (the rest equal), or a
    // transposition of i and i + 1 (those two crossed, the rest equal).
    if (sameFrom(a, bb, lb, i + 1, i + 1)) return true;
    return i + 1 < la && a.charCodeAt(i) === bb[i + 1] && a.charCodeAt(i + 1) === bb[i] && sameFrom(a, bb, lb, i + 2, i + 2);
  }
  // One unit more on one side: it is deleted at i, the rest equal.
  return la > lb ? sameFrom(a, bb, lb, i + 1, i) : sameFrom(a, bb, lb, i, i + 1);
}

/** a[i..] and bb[j .. lb) are the same units (equally long: the caller's lengths guarantee it). */
function sameFrom(a: string, bb: Uint8Array, lb: number, i: number, j: number): boolean {
  if (a.length - i !== lb - j) return false;
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== bb[j]) return false;
  return true;
}

/** Scratch of scratchBytes (grown as needed; nothing here is re-entrant). */
let stringBytes = scratchBuffer(64);

/** The low bytes of the code units of `s` (a fold: ASCII) in a module scratch. */
function scratchBytes(s: string): Uint8Array {
  const b = (stringBytes = ensureCapacity(stringBytes, s.length));
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

/**
 * nameKey(a, 'vi') === nameKey(b, 'vi') for two folded names (foldToAscii output), without
 * building either key: see vietnameseKeysEqualBytes.
 */
export function vietnameseKeysEqual(a: string, b: string): boolean {
  if (a === '' || b === '') return a === b;
  if (spaceCount(a) !== spaceCount(b)) return false;
  return vietnameseKeysEqualBytes(a, scratchBytes(b), b.length, 0, 0);
}

/** Scratch of the record side's syllable keys (grown as needed; nothing here is re-entrant). */
let keyOut = scratchBuffer(64);

/**
 * The claim side's syllable keys, word by word on demand, for one folded form at a time
 * (`keyForm`: the claim's written fold or an ordering's — a claim compared with a block of
 * records asks for the same form row after row, and keys are a function of the text alone, so
 * an equal form of another claim reuses them). Word w of the form is
 * keyFormBytes[keyWordStart[w] .. keyWordEnd[w]); its syllable key, once keyLength[w] ≥ 0, is
 * keyBytes[keyWordStart[w] + w ..][0 .. keyLength[w]) — a word of n letters writes ≤ n + 1
 * bytes, so the slots of consecutive words never overlap.
 */
let keyForm: string | null = null;
let keyFormBytes = scratchBuffer(64);
let keyBytes = scratchBuffer(128);
let keyWordStart = new Int32Array(16);
let keyWordEnd = new Int32Array(16);
let keyLength = new Int32Array(16);
let keyWords = 0;

/** Make `form` the keyed form: its bytes and word ranges, no key computed yet. */
function useKeyForm(form: string): void {
  if (keyForm === form) return;
  const n = form.length;
  keyFormBytes = ensureCapacity(keyFormBytes, n);
  keyBytes = ensureCapacity(keyBytes, 2 * n + 2); // word w's key at its start + w: ≤ its length + 1 bytes
  if (keyWordStart.length <= n) {
    keyWordStart = new Int32Array(n + 16);
    keyWordEnd = new Int32Array(n + 16);
    keyLength = new Int32Array(n + 16);
  }
  const b = keyFormBytes;
  let w = 0;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? form.charCodeAt(i) : 0x20;
    if (i < n) b[i] = c;
    if (c !== 0x20) continue;
    keyWordStart[w] = start;
    keyWordEnd[w] = i;
    keyLength[w++] = -1;
    start = i + 1;
  }
  keyWords = w;
  keyForm = form;
}

/**
 * nameKey(cf, 'vi') === nameKey(record, 'vi'), where the record's fold is `rb[0 .. rn)` with
 * as many words as cf (the caller checked), its words before byte `from` — the first `word`
 * words — known to have cf's keys (from = word = 0: nothing known). A Vietnamese key is one
 * non-empty syllable key per word, without spaces (writeVietnameseSyllableKey), so two keys
 * with as many words are equal exactly when each word's syllable key is: each record word's key
 * is compared with the claim word's (computed once per form, on first need) as soon as it is
 * written, stopping at the first difference — in a "did you mean" block the family keys agree
 * and the middle names usually differ, so usually only the second word's keys are computed.
 */
function vietnameseKeysEqualBytes(cf: string, rb: Uint8Array, rn: number, from: number, word: number): boolean {
  useKeyForm(cf);
  keyOut = ensureCapacity(keyOut, rn + 1); // a word of w units: ≤ w + 1 bytes
  const out = keyOut;
  let i = from;
  for (let w = word; w < keyWords; w++) {
    while (i < rn && rb[i] === 0x20) i++;
    let j = i;
    while (j < rn && rb[j] !== 0x20) j++;
    const o = writeVietnameseSyllableKey(rb, i, j, out, 0);
    const at = keyWordStart[w]! + w;
    let length = keyLength[w]!;
    if (length < 0) length = keyLength[w] = writeVietnameseSyllableKey(keyFormBytes, keyWordStart[w]!, keyWordEnd[w]!, keyBytes, at) - at;
    if (o !== length) return false;
    for (let k = 0; k < o; k++) if (keyBytes[at + k] !== out[k]) return false;
    i = j;
  }
  return true;
}

/** Number of spaces in `s`. */
function spaceCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf(' '); i >= 0; i = s.indexOf(' ', i + 1)) n++;
  return n;
}

function firstWord(folded: string): string {
  const i = folded.indexOf(' ');
  return i < 0 ? folded : folded.slice(0, i);
}

function lastWord(folded: string): string {
  return folded.slice(folded.lastIndexOf(' ') + 1);
}

function words(folded: string): string[] {
  return folded === '' ? [] : folded.split(' ');
}

function sameTokenMultiset(a: string, b: string): boolean {
  const x = words(a).sort();
  const y = words(b).sort();
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Folded family / middle / given of a canonical name (and the middle's words, on first use). */
export class FoldedParts {
  private middleWordsValue: readonly string[] | undefined;

  constructor(
    readonly family: string,
    readonly middle: string,
    readonly given: string,
  ) {}

  /** words(middle). */
  get middleWords(): readonly string[] {
    return (this.middleWordsValue ??= words(this.middle));
  }
}

function foldedParts(norm: string): FoldedParts {
  const p = splitName(norm);
  return new FoldedParts(foldToAscii(p.family), foldToAscii(p.middle), foldToAscii(p.given));
}

/**
 * WORD_UNIT[c] for a code unit c < U+2000: 1 when foldToAscii turns it into letters or digits
 * — not a word break, not dropped — i.e. foldToAscii of c alone is not empty; 0 when it does
 * not; 2 not yet looked up (each unit is folded once, on first sight: no table build).
 */
const WORD_UNIT = new Uint8Array(0x2000).fill(2);

function isWordUnit(c: number): boolean {
  if (c >= 0x2000) return false;
  let v = WORD_UNIT[c]!;
  if (v === 2) v = WORD_UNIT[c] = foldToAscii(String.fromCharCode(c)) === '' ? 0 : 1;
  return v === 1;
}

/**
 * foldedParts(norm), given `folded` = foldToAscii(norm), read off `folded` when the tokens of
 * `norm` fold one to one onto its words. foldToAscii maps each code unit on its own (letters
 * to 1–2 ASCII letters, word breaks and dropped units to nothing), so when every unit of
 * `norm` is a single space between non-empty tokens or a WORD_UNIT, token i folds to exactly
 * word i of `folded`, and the folded family / middle / given are word ranges of `folded`
 * (splitName's token ranges) — one split instead of splitName's joins and three folds. Any
 * other name takes foldedParts (property-tested equal).
 */
export function foldedPartsOf(norm: string, folded: string): FoldedParts {
  const n = simpleTokenCount(norm, null, norm.length);
  if (n < 0) return foldedParts(norm);
  if (n === 1) return new FoldedParts('', '', folded);
  return wordParts(folded, n, compoundFamilyLengthOf(norm) || 1);
}

/**
 * The number of tokens of a text (the string `s`, or when it is null the code units
 * `u[0 .. n)`) whose units are each a single space between non-empty tokens or a WORD_UNIT —
 * so that token i folds to exactly word i of its fold — else −1.
 */
function simpleTokenCount(s: string | null, u: Uint16Array | null, n: number): number {
  let tokens = 1;
  let prevSpace = true; // a leading space is not simple
  for (let i = 0; i < n; i++) {
    const c = s !== null ? s.charCodeAt(i) : u![i]!;
    if (c === 0x20) {
      if (prevSpace) return -1;
      prevSpace = true;
      tokens++;
    } else if (!isWordUnit(c)) return -1;
    else prevSpace = false;
  }
  return prevSpace ? -1 : tokens; // empty, or a trailing space
}

/** Family (the first f words), middle and given (the last word) of a fold of n ≥ 2 words. */
function wordParts(folded: string, n: number, f: number): FoldedParts {
  // Word w of `folded` starts after its w-th space: find the f-th and the (n−1)-th.
  let familyEnd = -1;
  let givenStart = -1;
  let spaces = 0;
  for (let i = 0; i < folded.length; i++) {
    if (folded.charCodeAt(i) !== 0x20) continue;
    spaces++;
    if (spaces === f) familyEnd = i;
    if (spaces === n - 1) givenStart = i + 1;
  }
  return new FoldedParts(folded.slice(0, familyEnd), f === n - 1 ? '' : folded.slice(familyEnd + 1, givenStart - 1), folded.slice(givenStart));
}

/**
 * One way of ordering the claim's tokens: its normalised and folded forms, and what the
 * comparisons read off them — first and last folded word, folded parts, phonetic key — each
 * computed once per claim (on first use), not once per record compared.
 */
class Ordering {
  private firstValue: string | undefined;
  private lastValue: string | undefined;
  private partsValue: FoldedParts | undefined;
  private keyValue: string | undefined;

  constructor(
    readonly norm: string,
    readonly folded: string,
    /** 1 as written, 2 re-ordered (a rotation, or the generic family-last swap). */
    readonly kind: number,
  ) {}

  /** First word of `folded`. */
  get first(): string {
    return (this.firstValue ??= firstWord(this.folded));
  }

  /** Last word of `folded`. */
  get last(): string {
    return (this.lastValue ??= lastWord(this.folded));
  }

  /** foldedParts(norm). */
  get parts(): FoldedParts {
    return (this.partsValue ??= foldedPartsOf(this.norm, this.folded));
  }

  /** nameKey(folded, locale): a claim has one locale, so one key is kept. */
  key(locale: RegisterNameLocale): string {
    return (this.keyValue ??= nameKey(this.folded, locale));
  }
}

/** Units that separate name tokens besides the space (as parsePersonName splits them). */
function isNamePunctuation(c: number): boolean {
  if (c < 0x80) return !((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || c === 0x20);
  return (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xb7 || c === 0x2022 || c === 0x2026 || c === 0x3001 || c === 0x3002;
}

function hasNamePunctuation(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isNamePunctuation(s.charCodeAt(i))) return true;
  return false;
}

/** `s` (lower case) with each run of name punctuation and spaces one space, trimmed. */
function punctuationAsSpaces(s: string): string {
  let out = '';
  let gap = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 || isNamePunctuation(c)) gap = true;
    else {
      if (gap && out !== '') out += ' ';
      gap = false;
      out += s[i];
    }
  }
  return out;
}

/** Sum of the code units of a string (an order-free signature of its characters). */
function unitSum(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s.charCodeAt(i);
  return sum;
}

/** The claim side of a name comparison (lazy; see the file header). */
export class ClaimName {
  private quickValue: string | undefined;
  private quickFoldedValue: string | undefined;
  private normalizedValue: string | undefined;
  private tokensValue: readonly string[] | undefined;
  /** The orderings built so far (see ordering()), and the next form to try (−1: all tried). */
  private readonly orderingList: Ordering[] = [];
  private orderingStep = 0;
  private canonicalValue: string | null | undefined;
  /** `canonical` re-ordered a Vietnamese name on the parser's guess (see writtenAlternative). */
  private reorderedByGuess = false;
  private keyValue: string | undefined;
  private foldedSumValue: number | undefined;
  private backtickValue: boolean | undefined;
  /** The canonical parse's tokens (normalised, as written) once `canonical` has run: `tokens` reuses them. */
  private parsedTokens: readonly string[] | undefined;
  /** `tokens` is normalized.split(' ') (no name punctuation): their join is `normalized` itself. */
  private tokensSplitNormalized = false;

  constructor(
    /** Trimmed claim text. */
    readonly text: string,
    readonly locale: RegisterNameLocale,
    /** A full name (personName): family · middle · given order applies. */
    readonly full: boolean,
  ) {}

  /**
   * The QUICK form: native NFC + lower case, whitespace runs collapsed — no tone moves, no
   * parse (tens of nanoseconds where normalizeText costs microseconds). When it already equals
   * the register's name, or folds equal to it and one side has no diacritics, nothing more is
   * needed (see compareName).
   */
  get quick(): string {
    if (this.quickValue === undefined) {
      const q = this.text.normalize('NFC').toLowerCase();
      this.quickValue = hasIrregularSpace(q) ? collapseSpaces(q) : q;
    }
    return this.quickValue;
  }

  /**
   * foldToAscii of the quick form, computed as foldToAscii of the text itself: equal, because
   * folding ignores what the quick form changes (NFC, letter case, whitespace runs — fold.ts's
   * table is closed under them; tested over every BMP unit and on arbitrary text), so a name
   * that differs in letters never needs the quick form (native normalize + toLowerCase).
   */
  get quickFolded(): string {
    return (this.quickFoldedValue ??= foldToAscii(this.text));
  }

  /** Why the quick form equals the register's name. */
  quickEquivalence(recordStyle: number): number {
    const t = this.text;
    if (hasCombiningMark(t) || hasLookalikeOrInvisible(t)) return NAME.UNICODE_FORM;
    if (hasIrregularSpace(t)) return NAME.SPACING;
    // Equal up to letter case: when the register's own writing is irregular (its style is
    // unknown), the difference is on the register's side.
    return recordStyle === NAME_STYLE_OTHER ? NAME.REGISTER_FORM : NAME.CASE;
  }

  /** normalizeText of the text, tokens as written (no parse, no re-ordering). */
  get normalized(): string {
    return (this.normalizedValue ??= normalizeText(this.text));
  }

  /** Normalised tokens as written (split like parsePersonName; parsed only when punctuation needs it). */
  get tokens(): readonly string[] {
    if (this.tokensValue === undefined) {
      const n = this.normalized;
      if (!this.full) this.tokensValue = n === '' ? [] : [n];
      else if (hasNamePunctuation(n)) this.tokensValue = this.parsedTokens ?? parsePersonName(this.text).tokens;
      else {
        // Without punctuation the parse's tokens are the words of `n` (a normalised text has
        // single spaces, no leading or trailing one): the same strings as n.split(' ').
        this.tokensValue = n === '' ? [] : (this.parsedTokens ?? n.split(' '));
        this.tokensSplitNormalized = true;
      }
    }
    return this.tokensValue;
  }

  /** True when the claim has no letters or digits. */
  get empty(): boolean {
    // The claim has letters or digits exactly when its folded form is not empty (tested); a
    // name of digits only ("123", 0) is no name either — as the register reads a stored one
    // (D23: "name has no letters") — so it is invalid-name, not a name that differs.
    const f = this.quickFolded;
    if (f === '' && this.ordering(0) === null) return true;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      if (c >= 0x61 && c <= 0x7a) return false; // a letter (the fold holds a-z, 0-9, spaces): usually the first unit
    }
    return true;
  }

  /**
   * The folded form of the claim as written, i.e. `orderings[0].folded` — read off the quick
   * form when the text has no backtick. The orderings are built from normalised tokens split
   * on name punctuation; foldToAscii turns the same punctuation into word breaks and keeps the
   * same letters, EXCEPT the backtick, which the tokenizer splits on and the fold drops
   * ("q`q" → tokens q · q, folded "qq"). Without a backtick both are the same string
   * (property-tested), which spares the normalisation and the orderings for a claim whose
   * name differs from the register's in letters. Call only when the claim is not empty.
   */
  get writtenFolded(): string {
    return this.hasBacktick ? this.ordering(0)!.folded : this.quickFolded;
  }

  /** The text contains a backtick (see writtenFolded). */
  get hasBacktick(): boolean {
    return (this.backtickValue ??= this.text.indexOf('`') >= 0);
  }

  /**
   * The orders the claim's tokens may be meant in: as written first, then (full names) the
   * re-orderings a name written in another convention needs — given name moved from the front
   * to the end, family name moved from the end to the front, and for 'generic' names the
   * western given … family order. Which of them the register holds depends on how the parser
   * read the REGISTER's writing (its reversal heuristic reads name-part frequencies, which
   * diacritics change), so a comparison tries each; distinct forms only.
   */
  get orderings(): readonly Ordering[] {
    while (this.orderingStep >= 0) this.nextOrdering();
    return this.orderingList;
  }

  /**
   * `orderings[i]` (null past the end), building the list only as far as index i: a
   * comparison that finds its ordering early (usually the first, as written) builds no other.
   */
  ordering(i: number): Ordering | null {
    const out = this.orderingList;
    while (out.length <= i && this.orderingStep >= 0) this.nextOrdering();
    return i < out.length ? out[i]! : null;
  }

  /** Append the next form of `orderings` unless an equal one is listed; step −1 after the last. */
  private nextOrdering(): void {
    const t = this.tokens;
    const n = t.length;
    const out = this.orderingList;
    const step = this.orderingStep++;
    if (step === 0) {
      if (n > 0) {
        // Split from `normalized` and joined back: `normalized` itself. Its folded form is the
        // quick form's when the text has no backtick (see writtenFolded), if already computed.
        const norm = this.tokensSplitNormalized ? this.normalized : t.join(' ');
        const folded = this.quickFoldedValue !== undefined && !this.hasBacktick ? this.quickFoldedValue : foldToAscii(norm);
        if (folded !== '') out.push(new Ordering(norm, folded, 1));
      }
      // No letters: no ordering at all. Re-orderings: full names of two tokens or more only.
      if (out.length === 0 || !this.full || n < 2) this.orderingStep = -1;
      return;
    }
    let norm: string;
    if (step === 1) norm = [...t.slice(1), t[0]!].join(' '); // given first → given last
    else if (step === 2) norm = [t[n - 1]!, ...t.slice(0, n - 1)].join(' '); // family last → family first
    else norm = [t[n - 1]!, ...t.slice(1, n - 1), t[0]!].join(' '); // generic: given … family
    if (step === 3 || (step === 2 && this.locale !== 'generic')) this.orderingStep = -1;
    for (let i = 0; i < out.length; i++) if (out[i]!.norm === norm) return;
    out.push(new Ordering(norm, foldToAscii(norm), 2));
  }

  /**
   * Could some ordering of the claim fold to `recordFolded`? Every ordering is a permutation of
   * the same tokens joined by single spaces, so all of them have the length and the sum of
   * code units of the first one; a record folded form that differs in either is none of them
   * (nor the same token multiset). Call only when the claim is not empty.
   */
  mayBePermutationOf(recordFolded: string): boolean {
    return this.mayBePermutationOfFold(recordFolded.length, unitSum(recordFolded));
  }

  /** mayBePermutationOf a record folded form of `length` code units summing to `sum`. */
  mayBePermutationOfFold(length: number, sum: number): boolean {
    return this.writtenFolded.length === length && this.foldedSum === sum;
  }

  /** Sum of the code units of `writtenFolded` (every ordering's folded form has it). */
  get foldedSum(): number {
    return (this.foldedSumValue ??= unitSum(this.writtenFolded));
  }

  /**
   * The register's canonical form of the claim (person-name-form.ts: parse + re-ordering), as
   * a stored name would be — the "did you mean" key is computed from it. Null without letters.
   */
  get canonical(): string | null {
    if (this.canonicalValue === undefined) {
      if (this.full) {
        const c = canonicalPersonName(this.text, this.locale, this.normalized);
        // The parse's tokens are parsePersonName(text).tokens: what `tokens` would compute.
        if (c !== null) this.parsedTokens = c.tokens;
        this.reorderedByGuess = c !== null && c.reordered && this.locale === 'vi';
        this.canonicalValue = c === null || foldsToEmpty(c.norm) ? null : c.norm;
      } else {
        this.canonicalValue = this.empty ? null : this.normalized;
      }
    }
    return this.canonicalValue;
  }

  /**
   * The claim's full name in its written order when `canonical` re-ordered it on the parser's
   * guess (a Vietnamese name flagged as given-name-first or family-name-last), else null. A
   * register stores its rows' Vietnamese names as written (person-name-form.ts), so the
   * "did you mean" search looks up both: the guess may be right (the claim is reversed) or
   * wrong (the name is written family first and only looks reversed).
   */
  get writtenAlternative(): string | null {
    const c = this.canonical;
    if (c === null || !this.reorderedByGuess) return null;
    const w = this.tokens.join(' ');
    return w === c || foldsToEmpty(w) ? null : w;
  }

  /** Phonetic key of the name as written. */
  get key(): string {
    return (this.keyValue ??= this.empty ? '' : nameKey(this.writtenFolded, this.locale));
  }

  /**
   * Why the claim is equivalent to a register value whose normalised form equals `matched`,
   * the claim's form of ordering `kind` (1 as written, 2 re-ordered).
   */
  equivalence(recordStyle: number, kind: number, matched: string): number {
    if (kind === 2) return NAME.ORDER;
    const t = this.text;
    let reason: number;
    if (hasCombiningMark(t) || hasLookalikeOrInvisible(t)) reason = NAME.UNICODE_FORM;
    else if (hasIrregularSpace(t)) reason = NAME.SPACING;
    else if (t.toLowerCase() === matched) reason = NAME.CASE;
    // Name punctuation between or after the words ("Nguyễn-Văn-An", "An.") and nothing else:
    // the register keeps a name's words, not its punctuation.
    else if (hasNamePunctuation(this.normalized) && punctuationAsSpaces(this.quick) === matched) reason = NAME.SPACING;
    else reason = NAME.TONE_PLACEMENT;
    // Up to letter case, against an irregularly written register value: the register's form.
    return reason === NAME.CASE && recordStyle === NAME_STYLE_OTHER ? NAME.REGISTER_FORM : reason;
  }
}

/**
 * Diacritics outcome of two names that fold equal: equivalent when one side is written
 * entirely without diacritics (a system that strips them), close when both sides carry
 * diacritics and they differ (Ân / An, Hạ / Hà: different names, or a slip).
 */
function diacriticsOutcome(a: string, b: string): number {
  if (!hasNonAscii(a) || !hasNonAscii(b)) return NAME.DIACRITICS;
  // Both carry non-ASCII characters, and the same letters: they differ only in characters that
  // are not letters (an emoji, a replacement character, a symbol) — not in diacritics.
  return lettersOf(a) === lettersOf(b) ? NAME.UNICODE_FORM : NAME.DIACRITICS_DIFFER;
}

const NOT_LETTER = /[^\p{L}\p{M}\p{N}]+/gu;

/** The letters, marks and digits of `s`, in order (nothing else). */
function lettersOf(s: string): string {
  return s.replace(NOT_LETTER, '');
}

/** Code units of the stored name compareNameUtf8 reads (not re-entrant). */
const recordUnits = new Uint16Array(MAX_DECODE_UNITS);

/**
 * The record's fold as bytes (ASCII, one per character), what compareLetters reads: written by
 * compareNameUtf8 (foldUnitsInto) or copied from compareName's fold. Grown as needed; not
 * re-entrant.
 */
let recordFold = scratchBuffer(2 * MAX_DECODE_UNITS);

/**
 * Outcome (NAME_OUTCOMES row) of a claimed name against a record's normalised name
 * (`recordNorm` null = the record has none) written in `recordStyle`.
 */
export function compareName(claim: ClaimName | null, recordNorm: string | null, recordStyle: number): number {
  if (claim === null) return O_CLAIM_MISSING;
  if (recordNorm === null) return O_RECORD_MISSING;
  if (recordStyle !== NAME_STYLE_OTHER && isNameInStyle(claim.text, recordNorm, recordStyle)) return NAME.EXACT;
  // Quick path: Unicode form, case and spacing differences, or missing diacritics, need no parse.
  // Each of the three tests below needs the folded forms equal: the quick form equal to the
  // register's folds to the same (quickFolded is its fold), and folding ignores what
  // normalizeText changes (foldToAscii ∘ normalizeText = foldToAscii, tested in test/text). So
  // the folded forms are compared first, and a name that differs in letters — the "did you
  // mean" search's usual case — computes neither the quick nor the normalised form.
  const rf = foldToAscii(recordNorm);
  if (claim.quickFolded === rf) {
    if (claim.quick === recordNorm) return claim.quickEquivalence(recordStyle);
    if (rf !== '' && (!hasNonAscii(claim.quick) || !hasNonAscii(recordNorm))) return NAME.DIACRITICS;
    // Normalised (tone placement, look-alikes) as written, then re-ordered.
    if (claim.normalized === recordNorm) return claim.equivalence(recordStyle, 1, recordNorm);
  }
  if (claim.empty) return NAME.INVALID;
  // Equal as a re-ordering, or as the same tokens in another order (below): only possible when
  // the folded forms are permutations of each other's tokens.
  const permutation = claim.mayBePermutationOf(rf);
  if (permutation) {
    const orderings = claim.orderings;
    for (const o of orderings) if (o.norm === recordNorm) return claim.equivalence(recordStyle, o.kind, recordNorm);
    for (const o of orderings) if (o.folded === rf) return diacriticsOutcome(o.norm, recordNorm);
  }
  const rb = (recordFold = ensureCapacity(recordFold, rf.length));
  for (let i = 0; i < rf.length; i++) rb[i] = rf.charCodeAt(i);
  return compareLetters(claim, rf.length, rf, permutation, recordNorm, recordUnits, 0);
}

/**
 * compareName(claim, text, recordStyle) where `text` is the UTF-8 `bytes[start .. end)`, read
 * in place for the usual case of the "did you mean" search, a name that differs in letters:
 * the stored name is decoded into code units and folded from them (no string of the name
 * itself), its parts are read off the fold, and the part-level, key and typo tests follow as
 * in compareName; a name whose fold equals the claim's, or may be a permutation of its words,
 * is made a string (from the units already decoded) and compared by compareName. Equal to
 * compareName on the decoded text (property-tested), or −1 — the caller decodes the bytes
 * natively — for what decodeUtf8 leaves to the native decoder (outside the BMP, malformed).
 * Not re-entrant (module scratch).
 */
export function compareNameUtf8(claim: ClaimName, bytes: Uint8Array, start: number, end: number, recordStyle: number): number {
  // isNameInStyleUtf8 is isNameInStyle on well-formed BMP text; other bytes decline below.
  if (recordStyle !== NAME_STYLE_OTHER && isNameInStyleUtf8(claim.text, bytes, start, end, recordStyle)) return NAME.EXACT;
  const n = decodeUtf8Units(bytes, start, end, recordUnits);
  if (n < 0) return -1;
  const rn = foldUnitsInto(recordUnits, n, recordFold); // recordFold holds 2 · MAX_DECODE_UNITS bytes
  const rb = recordFold;
  if (isBytes(claim.quickFolded, rb, 0, rn)) {
    // compareName's quick tests (its exact test is the one above), on the units: the usual
    // equivalent names — no diacritics, another case or Unicode form — need no string.
    if (rn !== 0 && !hasNonAscii(claim.text) && unitsHaveNonAscii(recordUnits, n)) return NAME.DIACRITICS; // quick would be ASCII too
    const q = claim.quick;
    if (isUnits(q, recordUnits, n)) return claim.quickEquivalence(recordStyle);
    if (rn !== 0 && (!hasNonAscii(q) || !unitsHaveNonAscii(recordUnits, n))) return NAME.DIACRITICS;
  } else {
    if (claim.empty) return NAME.INVALID;
    let sum = 0;
    for (let i = 0; i < rn; i++) sum += rb[i]!;
    if (!claim.mayBePermutationOfFold(rn, sum)) return compareLetters(claim, rn, null, false, null, recordUnits, n);
  }
  // Equal folds (normalised or re-ordered), or words that may be a permutation: the
  // equivalence reasons and the orderings compare normalised strings — the string of the
  // units, by compareName.
  return compareName(claim, unitsToString(recordUnits, n), recordStyle);
}

/**
 * The rest of compareName, once the folded forms differ and no ordering equals the record's:
 * the part-level, key, typo and token-order tests on the record's fold, the bytes
 * `recordFold[0 .. rn)` (and its string `rf` when the caller has it, else null; only a
 * possible permutation needs it). The record's parts are word ranges of the fold, from its
 * normalised text `recordNorm`, or when that is null from its code units `ru[0 .. un)` (no
 * string of either is made unless a compound family name is possible or its tokens do not
 * fold one to one onto words).
 */
function compareLetters(claim: ClaimName, rn: number, rf: string | null, permutation: boolean, recordNorm: string | null, ru: Uint16Array, un: number): number {
  const rb = recordFold;
  // The record fold's words: the first ends at firstEnd, the last starts at lastStart.
  let spaces = 0;
  let firstEnd = rn;
  let lastStart = 0;
  for (let i = 0; i < rn; i++) {
    if (rb[i] !== 0x20) continue;
    if (spaces++ === 0) firstEnd = i;
    lastStart = i + 1;
  }
  // Part-level checks, on the ordering whose first token agrees with the register's (if any).
  // Every ordering's first word is a word of the claim's folded form, so when the register's
  // first word is not one of them no ordering qualifies (and none is built). The orderings are
  // built in order only until one qualifies (usually the first: the name as written).
  const written = claim.writtenFolded;
  let cf = written;
  let chosen: Ordering | null = null;
  if (claim.full && (claim.hasBacktick || hasWordBytes(written, rb, 0, firstEnd))) {
    for (let i = 0; ; i++) {
      const o = claim.ordering(i);
      if (o === null) break;
      if (!isBytes(o.first, rb, 0, firstEnd)) continue;
      chosen = o;
      cf = o.folded;
      if (!isBytes(o.last, rb, lastStart, rn)) break;
      // Same first and last token: compare the parts properly (compound family names).
      const e = middleRelation(o.parts, o.first, rn, lastStart, recordNorm, ru, un);
      if (e !== 0) return e;
      break;
    }
  }
  // The phonetic keys of cf (the chosen ordering's fold, else the claim's as written) and of
  // the record. A Vietnamese key has one syllable key per folded word (never empty, without a
  // space), so keys of forms with different word counts differ and neither is computed; with
  // equal counts they are compared syllable by syllable, neither built as a string
  // (vietnameseKeysEqualBytes). Generic keys are compared as strings.
  if (claim.locale === 'vi') {
    // The chosen ordering's first word IS the record's: so is its syllable key, and the
    // comparison starts at the second word.
    if (spaceCount(cf) === spaces && vietnameseKeysEqualBytes(cf, rb, rn, chosen === null ? 0 : firstEnd, chosen === null ? 0 : 1)) return NAME.DIALECT;
  } else {
    const ck = chosen === null ? claim.key : chosen.key(claim.locale);
    if (ck !== '' && ck === nameKey(rf ?? asciiBytesToString(rb, rn), claim.locale)) return NAME.DIALECT;
  }
  if (withinOneEditBytes(cf, rb, rn)) return NAME.TYPO; // damerauLevenshteinWithin(1, cf, rf) ≤ 1
  if (claim.full && permutation && sameTokenMultiset(cf, rf!)) return NAME.ORDER_CLOSE;
  return NAME.DIFFERS;
}

/**
 * The middle-name outcome (MIDDLE_INITIAL, MIDDLE_MISSING) of a claim ordering with folded
 * parts `cp` against the record whose fold `recordFold[0 .. rn)` has the same first word
 * (`first`) and the same last word (from `lastStart`), or 0 when there is none: family and
 * given parts equal and the middles in the embedding relation (middleEmbedding). The record's
 * parts are read off its fold as word ranges (foldedPartsOf's rule) from the token count of its
 * normalised text — `recordNorm`, or the code units `ru[0 .. un)` when that is null.
 */
function middleRelation(cp: FoldedParts, first: string, rn: number, lastStart: number, recordNorm: string | null, ru: Uint16Array, un: number): number {
  const rb = recordFold;
  const tokens = recordNorm !== null ? simpleTokenCount(recordNorm, null, recordNorm.length) : simpleTokenCount(null, ru, un);
  if (tokens < 0) {
    // Tokens that do not fold one to one onto words: splitName's parts, folded.
    const rp = foldedParts(recordNorm ?? unitsToString(ru, un));
    if (cp.family === rp.family && cp.given === rp.given && cp.family !== '' && cp.middle !== rp.middle) {
      const e = middleEmbedding(cp.middle, rp.middle);
      if (e !== 0) return e === 2 || cp.middleWords.length === rp.middleWords.length ? NAME.MIDDLE_INITIAL : NAME.MIDDLE_MISSING;
    }
    return 0;
  }
  // One token: no family part (cp.family === '' fails the test below).
  if (tokens === 1 || cp.family === '') return 0;
  // Family: the first f words (a compound family name is possible only after some first words).
  const f = mayStartCompoundFamily(first, tokens) ? compoundFamilyLengthOf(recordNorm ?? unitsToString(ru, un)) || 1 : 1;
  let familyEnd = 0;
  for (let w = 0; w < f; w++) {
    familyEnd = w === 0 ? 0 : familyEnd + 1;
    while (familyEnd < rn && rb[familyEnd] !== 0x20) familyEnd++;
  }
  // Middle: the words between family and given (none when the family ends at the given).
  const middleStart = f === tokens - 1 ? lastStart : familyEnd + 1;
  const middleEnd = f === tokens - 1 ? lastStart : lastStart - 1;
  if (!isBytes(cp.family, rb, 0, familyEnd) || !isBytes(cp.given, rb, lastStart, rn) || isBytes(cp.middle, rb, middleStart, middleEnd)) return 0;
  const e = middleEmbeddingBytes(cp.middle, rb, middleStart, middleEnd);
  if (e === 0) return 0;
  if (e === 2) return NAME.MIDDLE_INITIAL;
  // Word counts of the middles (a fold has single spaces; the empty middle has no word).
  let recordMiddleWords = middleEnd > middleStart ? 1 : 0;
  for (let i = middleStart; i < middleEnd; i++) if (rb[i] === 0x20) recordMiddleWords++;
  const claimMiddleWords = cp.middle === '' ? 0 : spaceCount(cp.middle) + 1;
  return claimMiddleWords === recordMiddleWords ? NAME.MIDDLE_INITIAL : NAME.MIDDLE_MISSING;
}

/**
 * True when the UTF-8 bytes `bytes[from .. to)` are the encoding of `s` (compared code point by
 * code point, no string made; a lone surrogate in `s` has no encoding: false).
 */
export function isUtf8Of(s: string, bytes: Uint8Array, from: number, to: number): boolean {
  let p = from;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = c <= 0xdbff && i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      i++;
    }
    if (c < 0x80) {
      if (p >= to || bytes[p++] !== c) return false;
    } else if (c < 0x800) {
      if (p + 1 >= to || bytes[p] !== (0xc0 | (c >> 6)) || bytes[p + 1] !== (0x80 | (c & 0x3f))) return false;
      p += 2;
    } else if (c < 0x10000) {
      if (p + 2 >= to || bytes[p] !== (0xe0 | (c >> 12)) || bytes[p + 1] !== (0x80 | ((c >> 6) & 0x3f)) || bytes[p + 2] !== (0x80 | (c & 0x3f))) return false;
      p += 3;
    } else {
      if (p + 3 >= to || bytes[p] !== (0xf0 | (c >> 18)) || bytes[p + 1] !== (0x80 | ((c >> 12) & 0x3f)) || bytes[p + 2] !== (0x80 | ((c >> 6) & 0x3f)) || bytes[p + 3] !== (0x80 | (c & 0x3f))) return false;
      p += 4;
    }
  }
  return p === to;
}

/**
 * The outcome of claimed name `claim` against a stored NAME CELL `bytes[start .. end)` — the
 * normalised name, maybe with a tail (written-form.ts) — read in place: `style` is the field's
 * style from the form byte, or −1 for a field without a slot (its style is in the tail; lower
 * case without one); `tail`: the row's form byte says some name cell has a tail (else the cell
 * is not scanned for one). A tail holding the written text makes a claim identical to it exact.
 * compareNameUtf8 on the normalised name otherwise — −1 when that leaves the bytes to the
 * native decoder (then compareNameCellText on the decoded cell).
 */
export function compareNameCell(claim: ClaimName, bytes: Uint8Array, start: number, end: number, style: number, tail: boolean): number {
  let normEnd = end;
  let written = false;
  if (tail) {
    normEnd = nameCellNormEnd(bytes, start, end);
    if (normEnd < end) {
      const code = bytes[normEnd + 1] ?? NAME_STYLE_OTHER;
      if (style < 0) style = code;
      written = code === NAME_STYLE_OTHER && normEnd + 2 < end;
      if (written && isUtf8Of(claim.text, bytes, normEnd + 2, end)) return NAME.EXACT;
    }
  }
  const o = compareNameUtf8(claim, bytes, start, normEnd, style < 0 ? NAME_STYLE_LOWER : style);
  if (!written || !asWrittenMayRedecide(o)) return o;
  // Rare (a name the register wrote in no regular style, the claim equal to it once normalised):
  // the written text decoded natively (the store's arrays may be shared memory: a Buffer reads it).
  return equivalenceAsWritten(claim, Buffer.from(bytes.buffer, bytes.byteOffset + normEnd + 2, end - normEnd - 2).toString('utf8'), o);
}

/** compareNameCell on the decoded cell `cell` (null = missing): what a caller without the bytes asks. */
export function compareNameCellText(claim: ClaimName | null, cell: string | null, style: number): number {
  if (claim === null || cell === null) return compareName(claim, cell, style < 0 ? NAME_STYLE_LOWER : style);
  const sep = cell.indexOf('\u0000');
  if (sep < 0) return compareName(claim, cell, style < 0 ? NAME_STYLE_LOWER : style);
  const code = sep + 1 < cell.length ? cell.charCodeAt(sep + 1) : NAME_STYLE_OTHER;
  if (style < 0) style = code;
  const written = code === NAME_STYLE_OTHER && sep + 2 < cell.length ? cell.slice(sep + 2) : null;
  if (written === claim.text) return NAME.EXACT;
  const o = compareName(claim, cell.slice(0, sep), style);
  return written !== null && asWrittenMayRedecide(o) ? equivalenceAsWritten(claim, written, o) : o;
}

/** Outcomes equivalenceAsWritten may change. */
function asWrittenMayRedecide(o: number): boolean {
  return o === NAME.REGISTER_FORM || o === NAME.TONE_PLACEMENT;
}

/**
 * An equivalence reason `o` decided against the register's NORMALISED name, decided again
 * against the text the register WROTE (`written`: the tail of a name written in no regular
 * style, written-form.ts). The normalised form places every tone the old way, so on it alone a
 * register that wrote the new way ("Thuý") looked like this:
 *   - the claim "Thúy" (old style) equals the normalised form up to case → `register-form`,
 *     though what differs from the register's writing is the tone's place → `tone-placement`;
 *   - the claim "THUÝ" (the register's own placement) differs from the normalised form by its
 *     tone → `tone-placement`, though it differs from the register's writing by case alone →
 *     `letter-case` (`register-form` when the written text is itself irregular: decomposed,
 *     look-alike letters, odd spacing).
 * Any other reason (Unicode form, spacing, order… on the claim's side) stands.
 */
function equivalenceAsWritten(claim: ClaimName, written: string, o: number): number {
  const w = quickFormOf(written);
  if (o === NAME.REGISTER_FORM) return differsInTonePlacementOnly(w, claim.quick) ? NAME.TONE_PLACEMENT : o;
  // `tone-placement` is also equivalence()'s last resort: name punctuation on the claim's side
  // ("Nguyễn-Thị-Thuý", "Thuý.") on top of the tone the normalised form places otherwise. Against
  // the writing only the punctuation differs: `spacing`, as against a regularly written name.
  if (w !== claim.quick) return hasNamePunctuation(claim.normalized) && punctuationAsSpaces(claim.quick) === w ? NAME.SPACING : o;
  return hasCombiningMark(written) || hasLookalikeOrInvisible(written) || hasIrregularSpace(written) ? NAME.REGISTER_FORM : NAME.CASE;
}

/** ClaimName.quick of any text: NFC, lower case, whitespace runs collapsed. */
function quickFormOf(text: string): string {
  const q = text.normalize('NFC').toLowerCase();
  return hasIrregularSpace(q) ? collapseSpaces(q) : q;
}

/** The Vietnamese tone marks, decomposed: huyền, sắc, ngã, hỏi, nặng (grave, acute, tilde, hook above, dot below). */
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/**
 * True when the quick forms `a` and `b` differ, and only in where a word carries its tone: word
 * for word the same letters (vowel marks — circumflex, breve, horn — included) and the same tone
 * marks, on another letter ("hoà" / "hòa", "thuỷ" / "thủy", "khoẻ" / "khỏe").
 */
function differsInTonePlacementOnly(a: string, b: string): boolean {
  if (a === b) return false;
  const wa = a.normalize('NFD').split(' ');
  const wb = b.normalize('NFD').split(' ');
  if (wa.length !== wb.length) return false;
  for (let i = 0; i < wa.length; i++) {
    const x = wa[i]!;
    const y = wb[i]!;
    if (x === y) continue;
    if (x.replace(TONE_MARKS, '') !== y.replace(TONE_MARKS, '')) return false;
    if ((x.match(TONE_MARKS) ?? []).join('') !== (y.match(TONE_MARKS) ?? []).join('')) return false;
  }
  return true;
}
