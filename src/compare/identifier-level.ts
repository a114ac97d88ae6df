/**
 * Comparison levels for generic identifiers (passport, insurance, tax or phone numbers,
 * e-mail addresses…): exact, one typo, one adjacent transposition — decided by a single
 * left-to-right scan — then two typos, else.
 *
 * Trade-off: identifiers carry no partial meaning, so the levels are typing slips, not a
 * similarity: the single slips that are common and cheap to recognise each get their own
 * level, two slips one level together (below), anything further is "else". A single edit
 * distance level would call "12345" and "13345" as close as "12345" and "12354", which a typo
 * model should keep apart (substitution vs. transposition have different m/u rates). Values are
 * compared as code units: the store holds identifiers already cleaned (src/text/identifier-form.ts:
 * no spaces or letter case; a number's separators removed, an address's punctuation kept).
 *
 * Worded identifiers (more letters than digits on both sides: e-mail addresses, user names)
 * whose digits differ are "else", whatever else differs: those digits are what people add to
 * tell namesakes apart (john.smith81@… / john.smith83@…), and the u of a slip level, estimated
 * from random pairs (~1e-6), does not know that namesakes' addresses are often a digit apart — a
 * probe's 3,000 generic people with name-made addresses (two-digit suffix): 3,168 pairs of
 * namesakes with other birth dates or cities matched at +10 to +17 bits for the "slip", none
 * now. Cost on Splink's fake data, whose corruptions change an address's digits as often as its
 * letters: F1 fake_1000 0.9583 → 0.9529, fake_20000 0.9117 → 0.9106 (link 0.8730 → 0.8683,
 * 0.8539 → 0.8518). Identifiers that are mostly digits (phones, passports, customer numbers)
 * keep every slip level. Between two e-mail addresses only the user parts' digits count (a digit
 * in the domain is a slip like any other): F1 fake_20000 and fake_1000 in BENCHMARKS.md, quality.
 *
 * Levels (first that holds):
 *   0 missing        either value absent or empty
 *   1 exact          same units
 *   2 one-typo       one unit substituted, inserted or deleted
 *   3 transposition  two adjacent units swapped ("…34…" vs "…43…")
 *   4 two-typos      two slips: optimal-string-alignment distance 2 (two of substitution,
 *                    insertion, deletion, adjacent transposition)
 *   5 else
 *
 * Why level 4: a value re-typed by hand carries one slip more often than two, but two is common
 * in e-mail addresses and long numbers — the single-slip levels leave such a pair in "else"
 * beside unrelated values, and an e-mail two characters off is strong evidence. It comes after
 * the single slips, so they keep their own m/u, and its weight is learned like every level
 * (u from random pairs: small for long values, larger for short ones, where two edits leave
 * little agreeing). Measured with bench/quality/run.ts (the e-mail column of Splink's fake
 * data; defaults otherwise unchanged): F1 fake_20000 0.8692 → 0.8846, fake_1000 0.9253 →
 * 0.9267; RLdata and the synthetic population have no identifier besides the national ID.
 * Cost: the bounded distance runs only on pairs no single-slip level took (Ukkonen band,
 * src/compare/damerau-levenshtein.ts, exits on a length difference > 2). A model saved with
 * the 5 levels before it (else = 4) no longer fits the plan and is refused (INVALID_OPTION).
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { damerauLevenshteinWithinSpans } from './damerau-levenshtein.js';
import { defineLevels } from './levels.js';
import { assertString, unitsA, unitsB } from './string-units.js';

/** Level codes of {@link compareIdentifiers}. */
export const IdentifierLevel = { MISSING: 0, EXACT: 1, ONE_TYPO: 2, TRANSPOSITION: 3, TWO_TYPOS: 4, ELSE: 5 } as const;
export type IdentifierLevel = (typeof IdentifierLevel)[keyof typeof IdentifierLevel];

/** The identifier level list as data (index = code). */
export const IDENTIFIER_LEVELS = defineLevels([
  ['missing', 'identifier missing on either side'],
  ['exact', 'identifiers equal'],
  ['one-typo', 'one character substituted, inserted or deleted'],
  ['transposition', 'two adjacent characters swapped'],
  ['two-typos', 'two characters substituted, inserted, deleted or swapped with a neighbour'],
  ['else', 'identifiers differ'],
]);

/** Result of {@link editShape}: how two spans differ, if by a single slip. */
export const EditShape = { EQUAL: 0, SUBSTITUTION: 1, TRANSPOSITION: 2, INDEL: 3, OTHER: 4 } as const;

/**
 * Classify how two spans differ: EQUAL, one SUBSTITUTION, one adjacent TRANSPOSITION (two
 * different units swapped), one INDEL (insertion/deletion), or OTHER. One pass, no scratch.
 * Both spans must use the same encoding.
 */
export function editShape(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  if (la === lb) {
    // First mismatch i; then the rest must match either shifted by nothing (substitution) or
    // after the crossed pair (transposition).
    let i = 0;
    while (i < la && au[as + i] === bu[bs + i]) i++;
    if (i === la) return EditShape.EQUAL;
    let j = i + 1;
    while (j < la && au[as + j] === bu[bs + j]) j++;
    if (j === la) return EditShape.SUBSTITUTION;
    // Exactly two mismatches at i and i+1 that are crossed, then the rest equal.
    if (j === i + 1 && au[as + i] === bu[bs + i + 1] && au[as + i + 1] === bu[bs + i]) {
      let k = i + 2;
      while (k < la && au[as + k] === bu[bs + k]) k++;
      if (k === la) return EditShape.TRANSPOSITION;
    }
    return EditShape.OTHER;
  }
  if (la === lb + 1 || lb === la + 1) {
    // Make (lu, ls) the longer span; skipping one of its units must give the shorter one.
    const longU = la > lb ? au : bu;
    const longS = la > lb ? as : bs;
    const shortU = la > lb ? bu : au;
    const shortS = la > lb ? bs : as;
    const n = la > lb ? lb : la;
    let i = 0;
    while (i < n && longU[longS + i] === shortU[shortS + i]) i++;
    while (i < n && longU[longS + i + 1] === shortU[shortS + i]) i++;
    return i === n ? EditShape.INDEL : EditShape.OTHER;
  }
  return EditShape.OTHER;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Letters (any unit that is not an ASCII digit or ASCII punctuation) minus digits of a span. */
function letterExcess(u: CodeUnits, s: number, e: number): number {
  let excess = 0;
  for (let i = s; i < e; i++) {
    const c = u[i]!;
    if (isDigit(c)) excess--;
    else if (c > 0x7f || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) excess++;
  }
  return excess;
}

/** Position of the last '@' of a span, or −1. */
function lastAt(u: CodeUnits, s: number, e: number): number {
  for (let i = e - 1; i >= s; i--) if (u[i] === 0x40) return i;
  return -1;
}

/**
 * Whether two spans are worded identifiers (more letters than digits on both sides: e-mail
 * addresses, user names) whose digits differ — the digits in the order written. Such digits are
 * what people add to tell namesakes apart (john.smith81@… / john.smith83@…, lucy.hall04@… /
 * lucy.hill14@…), so a difference in them is no typing slip. When both spans are e-mail
 * addresses (an '@' in each), only the user parts' digits count: a digit in the domain names a
 * mail server, not a person, and one there is a slip like any other (chill58@williams.com /
 * chill58@williams5.com is one typo).
 */
function digitsOfWordsDiffer(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): boolean {
  if (letterExcess(au, as, ae) <= 0 || letterExcess(bu, bs, be) <= 0) return false;
  const atA = lastAt(au, as, ae);
  const atB = atA < 0 ? -1 : lastAt(bu, bs, be);
  if (atB >= 0) {
    ae = atA;
    be = atB;
  }
  let i = as;
  let j = bs;
  for (;;) {
    while (i < ae && !isDigit(au[i]!)) i++;
    while (j < be && !isDigit(bu[j]!)) j++;
    if (i === ae || j === be) return i !== ae || j !== be;
    if (au[i] !== bu[j]) return true;
    i++;
    j++;
  }
}

/** Identifier level of two spans (an empty span is a missing value). */
export function compareIdentifierSpans(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): IdentifierLevel {
  if (ae === as || be === bs) return IdentifierLevel.MISSING;
  const shape = editShape(au, as, ae, bu, bs, be);
  if (shape === EditShape.EQUAL) return IdentifierLevel.EXACT;
  if (digitsOfWordsDiffer(au, as, ae, bu, bs, be)) return IdentifierLevel.ELSE;
  if (shape === EditShape.TRANSPOSITION) return IdentifierLevel.TRANSPOSITION;
  if (shape !== EditShape.OTHER) return IdentifierLevel.ONE_TYPO;
  return damerauLevenshteinWithinSpans(2, au, as, ae, bu, bs, be) <= 2 ? IdentifierLevel.TWO_TYPOS : IdentifierLevel.ELSE;
}

/** Identifier level of row `ra` of `a` and row `rb` of `b` (null or empty = missing). */
export function compareIdentifierRows(a: TextColumnReader, ra: number, b: TextColumnReader, rb: number): IdentifierLevel {
  if (a.isNull(ra) || b.isNull(rb)) return IdentifierLevel.MISSING;
  return compareIdentifierSpans(a.units(ra), a.start(ra), a.end(ra), b.units(rb), b.start(rb), b.end(rb));
}

/** Identifier level of two strings (empty = missing). Throws INVALID_ARGUMENT for a non-string. */
export function compareIdentifiers(a: string, b: string): IdentifierLevel {
  assertString('compareIdentifiers', 'a', a);
  assertString('compareIdentifiers', 'b', b);
  return compareIdentifierSpans(unitsA(a), 0, a.length, unitsB(b), 0, b.length);
}
