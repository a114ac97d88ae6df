/**
 * The register's canonical form of a person name, and its parts.
 *
 * canonicalPersonName: normalizeText + parsePersonName, then — as src/pipeline/prepare.ts
 * does — the tokens are put in family · middle · given order: a Vietnamese name the parser
 * flags as given-name-first ("An Nguyễn Văn") or family-name-last ("Văn An Nguyễn") is
 * re-ordered; a 'generic'-locale name (given first, family last) is re-ordered the same way.
 * The result is what the register stores (`<field>.norm`, UTF-8) and what a claim is
 * compared with, so both sides go through the same function — with one exception: a
 * register row's Vietnamese name is stored in its written order (`guessOrder` false). The
 * register is the reference, written family first; the parser's flag is a guess from name
 * frequencies that also fires on correctly written names ("Trần Quân Dương", Dương being a
 * family name too: ~0.7 % of the UIT sample), and a re-ordered record made every close claim
 * of that person (a missing middle name, a typo, an initial) a mismatch and its exact text
 * only "equivalent". A claim written in another order is still matched: name-verdict.ts
 * compares it as written, then in the orders the flag and the conventions suggest. The
 * row's "did you mean" key is still computed from the guessed order (`guessedNorm`), as a
 * claim's is: a register row written given name first ("An Nguyễn Văn") is found from a claim
 * written family first, and a correctly written row the guess flags from its own text.
 *
 * splitName: the parts of a canonical name, recovered from the tokens alone (a compound family
 * name such as "Âu Dương" counts as the family part), so nothing but the canonical string
 * needs storing. Used for part-level comparisons and for the "did you mean" key.
 *
 * candidateKey: the "did you mean" key — the family and given parts' phonetic keys
 * (keys/name-part-key.ts, memoised per part) and the date of birth.
 *
 * Trade-off: one parse per stored row at build and per claim at query (microseconds);
 * folded parts and keys are recomputed at query time instead of being stored (lean store).
 */
import { parseNormalizedPersonName, parsePersonName } from '../text/person-name.js';
import { compoundFamilyLength, compoundFamilyLengthOf } from '../text/name-frequencies.js';
import { namePartForms } from '../keys/name-part-key.js';

/** Name locale after 'auto' was decided ('auto' counts as 'vi' in a register). */
export type RegisterNameLocale = 'vi' | 'generic';

/** A canonical name, with the normalised tokens in the order they were written. */
export interface CanonicalName {
  /** Normalised tokens, family · middle · given, joined by single spaces. */
  readonly norm: string;
  /** Normalised tokens as written. */
  readonly tokens: readonly string[];
  /** The written order was changed. */
  readonly reordered: boolean;
  /**
   * With `guessOrder` false: the norm in the order the parser's guess gives (what `norm` would
   * be with `guessOrder` true) — the register's "did you mean" key is computed from it, as a
   * claim's is, so a row written given name first is found from a claim written family first.
   */
  readonly guessedNorm: string;
}

/**
 * Canonical name (family · middle · given, normalised tokens joined by single spaces), or null
 * when it has no letters. `normalized` = normalizeText(raw), when the caller has it;
 * `guessOrder` false keeps a Vietnamese name in its written order (a register row: see the
 * file header).
 */
export function canonicalPersonName(raw: string, locale: RegisterNameLocale, normalized?: string, guessOrder = true): CanonicalName | null {
  // `normalized`, when given, is normalizeText(raw) already computed by the caller.
  const p = normalized === undefined ? parsePersonName(raw) : parseNormalizedPersonName(normalized);
  const t = p.tokens;
  const n = t.length;
  if (n === 0) return null;
  if (n === 1) return { norm: t[0]!, tokens: t, reordered: false, guessedNorm: t[0]! };
  if (locale === 'generic') {
    // Given first, family last → family · middle · given.
    const out = [t[n - 1]!];
    for (let k = 1; k < n - 1; k++) out.push(t[k]!);
    out.push(t[0]!);
    const norm = out.join(' ');
    return { norm, tokens: t, reordered: true, guessedNorm: norm };
  }
  let guessed: string | null = null;
  if (p.likelyReversed) {
    const out: string[] = [];
    if (p.reason === 'given-name-first') {
      out.push(t[1]!);
      for (let k = 2; k < n; k++) out.push(t[k]!);
      out.push(t[0]!);
    } else {
      out.push(t[n - 1]!);
      for (let k = 0; k < n - 2; k++) out.push(t[k]!);
      out.push(t[n - 2]!);
    }
    guessed = out.join(' ');
    if (guessOrder) return { norm: guessed, tokens: t, reordered: true, guessedNorm: guessed };
  }
  // Tokens in the written order: the normalised text itself when it is exactly the tokens
  // joined by single spaces (no punctuation split them), else their join.
  const norm = normalized !== undefined && joinsToItself(t, normalized) ? normalized : t.join(' ');
  return { norm, tokens: t, reordered: false, guessedNorm: guessed ?? norm };
}

/** `text` is exactly `tokens` (non-empty, in order) joined by single spaces. */
function joinsToItself(tokens: readonly string[], text: string): boolean {
  let at = 0;
  for (let k = 0; k < tokens.length; k++) {
    if (k > 0 && text.charCodeAt(at++) !== 0x20) return false;
    // Tokens are taken from the text in order: same length at the same place means the same units.
    at += tokens[k]!.length;
  }
  return at === text.length;
}

/** The parts of a canonical name (normalised tokens). */
export interface NameParts {
  readonly tokens: readonly string[];
  /** Tokens of the family part: 0 (one-token name), 1, or a compound family's length. */
  readonly familyCount: number;
  readonly family: string;
  readonly middle: string;
  readonly given: string;
}

/** Split a canonical name into family · middle · given (see the file header). */
export function splitName(norm: string): NameParts {
  const tokens = norm.length === 0 ? [] : norm.split(' ');
  const n = tokens.length;
  if (n <= 1) return { tokens, familyCount: 0, family: '', middle: '', given: tokens[0] ?? '' };
  const f = compoundFamilyLength(tokens) || 1;
  return {
    tokens,
    familyCount: f,
    family: tokens.slice(0, f).join(' '),
    middle: tokens.slice(f, n - 1).join(' '),
    given: tokens[n - 1]!,
  };
}

/**
 * The "did you mean" key of a canonical name and a packed date of birth: phonetic family key,
 * phonetic given key and the packed date, joined by 0x1F (ASCII). Null when the name has no
 * family or no given part, or the date is missing — such records are not in the candidate index.
 */
export function candidateKey(norm: string, packedDob: number, locale: RegisterNameLocale): string | null {
  if (packedDob <= 0) return null;
  const head = candidateKeyHead(norm, locale);
  return head === null ? null : head + packedDob;
}

/** The name's part of candidateKey: its family and given keys, each followed by 0x1F (null: no such key). */
export function candidateKeyHead(norm: string, locale: RegisterNameLocale): string | null {
  // splitName's family and given parts, sliced off the string: the first word (or the compound
  // family's words — compoundFamilyLengthOf) and the last word.
  const firstSpace = norm.indexOf(' ');
  if (firstSpace < 0) return null; // one token (or none): no family part
  const f = compoundFamilyLengthOf(norm);
  let end = firstSpace;
  for (let i = 1; i < f; i++) end = norm.indexOf(' ', end + 1); // f < token count: found
  const fk = namePartForms(norm.slice(0, end), locale).key;
  const gk = namePartForms(norm.slice(norm.lastIndexOf(' ') + 1), locale).key;
  if (fk !== '' && gk !== '') return fk + '\u001f' + gk + '\u001f';
  // A word without a key (a symbol kept as a word: "Nguyễn Văn Hoà 🙂") is no name part — the
  // verdict reads such a name as the name (equivalent, unicode-form): so does the search.
  const words = norm.split(' ');
  const kept = words.filter((w) => namePartForms(w, locale).key !== '');
  return kept.length === words.length || kept.length < 2 ? null : candidateKeyHead(kept.join(' '), locale);
}
