/**
 * parsePersonName: split a full name into family, middle and given parts in the order it is
 * written, recognise Vietnamese family names, and flag a likely reversed (given-first) order
 * WITHOUT reordering — the caller decides what to do with the flag (compare both ways, report).
 *
 *   "Nguyễn Văn An"      family nguyễn · middle [văn] · given an        familyKnown
 *   "Âu Dương Phong"     family âu dương (compound) · given phong
 *   "An Nguyen Van"      family an · middle [nguyen] · given van        likelyReversed (given-name-first)
 *   "Van An Nguyen"      family van · middle [an] · given nguyen        likelyReversed (family-name-last)
 *   "An"                 given an only                                  reason single-token
 *   ""                   all parts empty                                reason empty
 *
 * Tokens are the normalizeText form split on spaces and name punctuation (, . ; : / - _ …
 * and the Unicode dashes), so `tokens.join(' ')` is the canonical normalised full name; the
 * apostrophe stays inside a token (K'Nhiêu). An empty or blank input is not an error: it
 * yields empty parts with `reason: 'empty'` (a missing name is common data, and the parts
 * must still be columns).
 *
 * Reversal is a likelihood ratio over the name-part frequencies (name-frequencies.ts):
 *
 *   written order   P = f(t0) · m(t1) … m(tn-2) · g(tn-1)
 *   given first     P = g(t0) · f(t1) · m(t2) … m(tn-1)      ("An Nguyen Van")
 *   family last     P = m(t0) … m(tn-3) · g(tn-2) · f(tn-1)  ("Van An Nguyen")
 *
 * with f/m/g the token's share as a family/middle/given name (unseen → a small floor). A
 * reversed reading is flagged when it is {@link REVERSAL_RATIO} times more likely than the
 * written one and its family token is a known family name. The shares are those of the
 * tokens' diacritic-free spellings, every same-folding spelling pooled ("Van" counts as Văn, a
 * middle name far more often than a family name; "Dương" as Duong): the flag is the same for
 * a name written with and without diacritics. With each spelling's own shares it was not —
 * 42 of the 8,753 UIT sample names flagged one way only ("Lê Tuyền Lâm" / "Le Tuyen Lam"),
 * and callers that put a flagged name in family-first order then compared the two spellings
 * of one person in different orders (their dedupe pairs were all missed). Trade-off: pooled
 * shares flag slightly more correctly written names (UIT sample, ratio 10: 0.7 % against
 * 0.3 %) and recognise slightly fewer reversed ones (94 % against 97 %) than each spelling's
 * own; consistency between spellings matters more for matching. A compact, explainable rule
 * from the vendored sample rather than a trained model; it is a hint, not a decision.
 */
import { KhopError } from '../errors.js';
import { compoundFamilyLength, foldedToken, foldedTokenLogShares, mayStartCompoundFamily, tokenLogShares, type TokenLogShares } from './name-frequencies.js';
import { normalizeText } from './normalize.js';

/** How much more likely a reversed reading must be than the written order to be flagged. */
export const REVERSAL_RATIO = 10;

/** Why a parse is notable (stable values; never contains name data). */
export type PersonNameNote =
  | 'empty'
  | 'single-token'
  | 'compound-family'
  | 'family-unknown'
  | 'given-name-first'
  | 'family-name-last';

export interface ParsedPersonName {
  /** Normalised tokens in written order. */
  readonly tokens: string[];
  /** Family name as written first ('' for 0–1 tokens); a compound family keeps its space. */
  readonly family: string;
  /** Tokens between family and given name. */
  readonly middle: string[];
  /** Last token ('' when empty). */
  readonly given: string;
  /** The family part is a known Vietnamese family name (simple or compound). */
  readonly familyKnown: boolean;
  /** A given-name-first reading is much more likely than the written order (not reordered). */
  readonly likelyReversed: boolean;
  /** Present when something is notable: see {@link PersonNameNote}. */
  readonly reason?: PersonNameNote;
}

/** True for characters that separate name tokens in normalised text. */
function isNameSeparator(c: number): boolean {
  if (c < 0x80) {
    // ASCII: everything but letters, digits and the apostrophe.
    return !((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x27 || (c >= 0x41 && c <= 0x5a));
  }
  return (
    (c >= 0x2010 && c <= 0x2015) || c === 0x2212 || c === 0xb7 || c === 0x2022 || c === 0x2026 ||
    c === 0x3001 || c === 0x3002
  );
}

function tokenize(norm: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= norm.length; i++) {
    const sep = i === norm.length || isNameSeparator(norm.charCodeAt(i));
    if (sep) {
      if (start >= 0) tokens.push(norm.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  return tokens;
}

/** Scratch: tokenLogShares of each token of the name being parsed (not re-entrant; nothing here calls user code). */
const shares: TokenLogShares[] = [];

/**
 * Parse a full name (see the file header). Never throws on a string; pure.
 *
 * @throws KhopError INVALID_ARGUMENT when `s` is not a string (a programmer error).
 */
export function parsePersonName(s: string): ParsedPersonName {
  if (typeof s !== 'string') throw new KhopError('INVALID_ARGUMENT', 'parsePersonName expects a string');
  return parseNormalizedPersonName(normalizeText(s));
}

/**
 * parsePersonName of text that is already `normalizeText` output (normalizeText is
 * idempotent, so this equals `parsePersonName(norm)` without normalising again). For callers
 * that hold the normalised form anyway (the register's claim side).
 */
export function parseNormalizedPersonName(norm: string): ParsedPersonName {
  const tokens = tokenize(norm);
  const n = tokens.length;
  if (n === 0) {
    return { tokens, family: '', middle: [], given: '', familyKnown: false, likelyReversed: false, reason: 'empty' };
  }
  if (n === 1) {
    return { tokens, family: '', middle: [], given: tokens[0]!, familyKnown: false, likelyReversed: false, reason: 'single-token' };
  }
  const given = tokens[n - 1]!;
  const compound = compoundFamilyLength(tokens);
  if (compound > 0) {
    return {
      tokens,
      family: tokens.slice(0, compound).join(' '),
      middle: tokens.slice(compound, n - 1),
      given,
      familyKnown: true,
      likelyReversed: false,
      reason: 'compound-family',
    };
  }
  const family = tokens[0]!;
  const familyKnown = tokenLogShares(family).knownFamily;
  let reason: PersonNameNote | undefined;
  // A name whose diacritic-free spelling starts with a compound family name ("hoang phu tran":
  // Hoàng Phủ) is parsed as compound written so, and never flagged; the same name written with
  // other marks ("Hoàng Phú Trần") is not a compound, but is not flagged either — the flag must
  // not depend on the diacritics (see the file header).
  if (!(mayStartCompoundFamily(foldedToken(family), n) && compoundFamilyLength(tokens.map(foldedToken)) > 0)) {
    // One lookup per token: the log-shares of its diacritic-free spelling in the three roles
    // (name-frequencies.ts; see the file header for why folded).
    const s = shares;
    for (let k = 0; k < n; k++) s[k] = foldedTokenLogShares(tokens[k]!);

    // Log-likelihoods of the written order and of the two reversed readings (each sum in the
    // order of the formulas in the file header: the floating-point results depend on it).
    let written = s[0]!.family + s[n - 1]!.given;
    for (let k = 1; k < n - 1; k++) written += s[k]!.middle;
    let givenFirst = s[0]!.given + s[1]!.family;
    for (let k = 2; k < n; k++) givenFirst += s[k]!.middle;
    let familyLast = s[n - 2]!.given + s[n - 1]!.family;
    for (let k = 0; k < n - 2; k++) familyLast += s[k]!.middle;

    const threshold = written + Math.log(REVERSAL_RATIO);
    // With two tokens both readings are the same: report it as given-name-first.
    if (givenFirst >= familyLast && givenFirst > threshold && s[1]!.knownFamily) reason = 'given-name-first';
    else if (familyLast > threshold && s[n - 1]!.knownFamily) reason = 'family-name-last';
    else if (givenFirst > threshold && s[1]!.knownFamily) reason = 'given-name-first';
  }
  const likelyReversed = reason !== undefined;
  if (!likelyReversed && !familyKnown) reason = 'family-unknown';

  const base = { tokens, family, middle: tokens.slice(1, n - 1), given, familyKnown, likelyReversed };
  return reason === undefined ? base : { ...base, reason };
}

const ANY_LETTER = /\p{L}/u;

/**
 * True when `text` holds a letter (any script). A name without one — digits ("0", "12345"),
 * punctuation ("#"), a placeholder of symbols — is not a name: the pipelines and the register
 * treat it as missing (no evidence), never as a name two records could share.
 */
export function hasLetter(text: string): boolean {
  return ANY_LETTER.test(text);
}
