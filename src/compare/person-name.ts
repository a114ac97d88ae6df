/**
 * Person-name comparison as THREE comparisons — family, middle and given name — each with its
 * own ordered levels (and so, later, its own m/u weights), read from precomputed columns.
 *
 * Why three: Vietnamese names share long prefixes ("Nguyễn Thị …", "Nguyễn Văn …"; ~38% of
 * people are Nguyễn), which inflate a single Jaro–Winkler on the full name: "Nguyen Thi Lan"
 * vs "Nguyen Thi Lien" scores ≈ 0.95 although the given names — the part that identifies —
 * differ. Scoring parts separately lets the weights say that a family-name agreement on
 * "Nguyễn" is worth little and a given-name agreement a lot.
 *
 * Input columns per side ({@link NameColumns}), prepared once per record by src/text and
 * src/keys: the normalised full name with diacritics (`norm`), the folded full name (`fold`),
 * the folded parts and their Vietnamese phonetic keys. CONTRACT: the tokens of `norm` are in
 * the same order as the parts — family tokens, then middle tokens, then given tokens (names
 * written given-first are either re-ordered by the parser, or compared as they are and caught
 * by the "swapped" levels below). "Exact" (diacritics equal) is decided on `norm` by locating
 * the part's tokens by their counts in the folded parts, so no normalised part columns are
 * stored; when `norm`'s token count does not equal the parts' total (a token lost in folding,
 * a missing `norm`), exactness cannot be established and the pair falls to "folded-equal".
 * Both sides' `norm` must use the same encoding (both UTF-8 stores or both StringColumn).
 *
 * Family levels (first that holds):
 *   0 missing             family empty on either side
 *   1 exact               same family name with the same diacritics
 *   2 folded-equal        same once diacritics are removed (Nguyễn / Nguyen)
 *   3 phonetic-equal      same phonetic key (dialect spellings)
 *   4 within-one-edit     one typo: OSA distance ≤ 1 (Nguyen / Nguyn)
 *   5 swapped-with-given  a's family = b's given or a's given = b's family (given-first order),
 *                         within one edit for parts of 3+ letters (a typo in the swapped part)
 *   6 else
 * Middle levels:
 *   0 missing             middle empty on either side (absent middle is common and not evidence)
 *   1 exact · 2 folded-equal · 3 phonetic-equal
 *   4 subset-or-initial   one side's middle tokens appear in order in the other's, a single
 *                         letter standing for a token with that initial ("Thị Minh" / "Minh",
 *                         "V." / "Văn"). Initials are recognised for middle names only: that is
 *                         where Vietnamese records abbreviate ("Nguyễn V. An").
 *   5 within-one-edit     OSA distance ≤ 1
 *   6 else
 * Given levels:
 *   0 missing · 1 exact · 2 folded-equal · 3 phonetic-equal
 *   4 close               Jaro–Winkler ≥ 0.92 or OSA distance ≤ 1 (Hoa / Hoài, Khuyên / Khuyênh)
 *   5 elsewhere-in-name   a's given is a token of b's full name (or vice versa): middle and
 *                         given swapped, or given-first order ("An Bình" / "Bình An")
 *   6 else
 *
 * Trade-off: every decision reads code units in place. The eight spans of each side are
 * fetched once per pair into module-level scratch (non-re-entrant: one call at a time per
 * thread); their units are read only when a level needs them — `norm` only when a part is
 * folded-equal, `fold` only for the "elsewhere" search, keys only when the parts differ.
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { damerauLevenshteinWithinSpans } from './damerau-levenshtein.js';
import { jaroWinklerSpans } from './jaro-winkler.js';
import { defineLevels } from './levels.js';
import type { ComparisonLevel } from './levels.js';
import { SPACE, containsTokens, countTokens, spanEquals, tokenEnd, tokenStart } from './spans.js';

/** The columns of one side of a person-name comparison (row `r` of each is one person). */
export interface NameColumns {
  /** Normalised full name WITH diacritics (NFC, lower case, single spaces), tokens in part order. */
  readonly norm: TextColumnReader;
  /** Folded full name (ASCII a-z 0-9, single spaces). */
  readonly fold: TextColumnReader;
  /** Folded family name (may be several tokens: "ton that"). */
  readonly family: TextColumnReader;
  /** Folded middle names, space-joined; '' when there is none. */
  readonly middle: TextColumnReader;
  /** Folded given name. */
  readonly given: TextColumnReader;
  /** Vietnamese phonetic key of the family name (ASCII); '' or null when none. */
  readonly familyKey: TextColumnReader;
  /** Phonetic key of the middle names (ASCII); '' or null when none. */
  readonly middleKey: TextColumnReader;
  /** Phonetic key of the given name (ASCII); '' or null when none. */
  readonly givenKey: TextColumnReader;
}

/** Level codes of the family-name comparison. */
export const FamilyNameLevel = {
  MISSING: 0, EXACT: 1, FOLDED_EQUAL: 2, PHONETIC_EQUAL: 3, WITHIN_ONE_EDIT: 4, SWAPPED_WITH_GIVEN: 5, ELSE: 6,
} as const;
export type FamilyNameLevel = (typeof FamilyNameLevel)[keyof typeof FamilyNameLevel];

/** Level codes of the middle-name comparison. */
export const MiddleNameLevel = {
  MISSING: 0, EXACT: 1, FOLDED_EQUAL: 2, PHONETIC_EQUAL: 3, SUBSET_OR_INITIAL: 4, WITHIN_ONE_EDIT: 5, ELSE: 6,
} as const;
export type MiddleNameLevel = (typeof MiddleNameLevel)[keyof typeof MiddleNameLevel];

/** Level codes of the given-name comparison. */
export const GivenNameLevel = {
  MISSING: 0, EXACT: 1, FOLDED_EQUAL: 2, PHONETIC_EQUAL: 3, CLOSE: 4, ELSEWHERE_IN_NAME: 5, ELSE: 6,
} as const;
export type GivenNameLevel = (typeof GivenNameLevel)[keyof typeof GivenNameLevel];

/** The family-name level list as data (index = code). */
export const FAMILY_NAME_LEVELS = defineLevels([
  ['missing', 'family name missing on either side'],
  ['exact', 'family names equal, diacritics included'],
  ['folded-equal', 'family names equal once diacritics are removed'],
  ['phonetic-equal', 'family names sound the same'],
  ['within-one-edit', 'family names one typo apart'],
  ['swapped-with-given', 'family name of one equals (within one typo) the given name of the other (name order swapped)'],
  ['else', 'family names differ'],
]);

/** The middle-name level list as data (index = code). */
export const MIDDLE_NAME_LEVELS = defineLevels([
  ['missing', 'middle name missing on either side'],
  ['exact', 'middle names equal, diacritics included'],
  ['folded-equal', 'middle names equal once diacritics are removed'],
  ['phonetic-equal', 'middle names sound the same'],
  ['subset-or-initial', 'middle names of one side appear in the other, or as initials'],
  ['within-one-edit', 'middle names one typo apart'],
  ['else', 'middle names differ'],
]);

/** The given-name level list as data (index = code). */
export const GIVEN_NAME_LEVELS = defineLevels([
  ['missing', 'given name missing on either side'],
  ['exact', 'given names equal, diacritics included'],
  ['folded-equal', 'given names equal once diacritics are removed'],
  ['phonetic-equal', 'given names sound the same'],
  ['close', `given names nearly equal (Jaro–Winkler ≥ 0.92 or one typo)`],
  ['elsewhere-in-name', 'given name of one appears elsewhere in the other name (order swapped)'],
  ['else', 'given names differ'],
]);

/** The three comparisons written by {@link comparePersonName}, in output order. */
export const PERSON_NAME_COMPARISONS: ReadonlyArray<{ readonly name: 'family' | 'middle' | 'given'; readonly levels: readonly ComparisonLevel[] }> =
  Object.freeze([
    Object.freeze({ name: 'family' as const, levels: FAMILY_NAME_LEVELS }),
    Object.freeze({ name: 'middle' as const, levels: MIDDLE_NAME_LEVELS }),
    Object.freeze({ name: 'given' as const, levels: GIVEN_NAME_LEVELS }),
  ]);

/** Jaro–Winkler similarity at or above which two given names are "close". */
export const GIVEN_NAME_CLOSE_JARO_WINKLER = 0.92;

/** Shortest/longest length ratio below which Jaro–Winkler cannot reach the close threshold. */
const JW_MIN_LENGTH_RATIO = 3 * ((GIVEN_NAME_CLOSE_JARO_WINKLER - 0.4) / 0.6) - 2;

// ---------------------------------------------------------------------------------------------
// Per-pair scratch (non-re-entrant): the spans of the 8 columns of each side.
//   units:  uA[c], uB[c]                 c = column slot below
//   spans:  pA[2c] = start, pA[2c+1] = end  (a null value reads as an empty span)
const NORM = 0;
const FOLD = 1;
const FAMILY = 2;
const MIDDLE = 3;
const GIVEN = 4;
const FAMILY_KEY = 5;
const MIDDLE_KEY = 6;
const GIVEN_KEY = 7;
const SLOTS = 8;

const EMPTY_UNITS = new Uint8Array(0);
const uA: CodeUnits[] = new Array<CodeUnits>(SLOTS).fill(EMPTY_UNITS);
const uB: CodeUnits[] = new Array<CodeUnits>(SLOTS).fill(EMPTY_UNITS);
const pA = new Int32Array(2 * SLOTS);
const pB = new Int32Array(2 * SLOTS);

// Norm-part spans, computed lazily once per pair: [familyS, familyE, middleS, middleE, givenS, givenE]
// per side; normState 0 = not computed, 1 = located, 2 = not locatable (token counts disagree).
const nA = new Int32Array(6);
const nB = new Int32Array(6);
let normState = 0;

// The pair being compared, and which slots of each side are loaded (bit per slot): spans are
// fetched on first use, so a pair decided by its family and given names never touches `norm`,
// `fold` or the keys.
let colsA: NameColumns | null = null;
let colsB: NameColumns | null = null;
let rowA = 0;
let rowB = 0;
let loaded = 0;

function columnOf(c: NameColumns, slot: number): TextColumnReader {
  switch (slot) {
    case NORM: return c.norm;
    case FOLD: return c.fold;
    case FAMILY: return c.family;
    case MIDDLE: return c.middle;
    case GIVEN: return c.given;
    case FAMILY_KEY: return c.familyKey;
    case MIDDLE_KEY: return c.middleKey;
    default: return c.givenKey;
  }
}

function load1(col: TextColumnReader, row: number, slot: number, u: CodeUnits[], p: Int32Array): void {
  const s = col.start(row);
  u[slot] = col.units(row);
  p[2 * slot] = s;
  p[2 * slot + 1] = col.isNull(row) ? s : col.end(row);
}

/** Make slot `slot` of both sides available in uA/pA and uB/pB. */
function need(slot: number): void {
  const bit = 1 << slot;
  if ((loaded & bit) !== 0) return;
  load1(columnOf(colsA!, slot), rowA, slot, uA, pA);
  load1(columnOf(colsB!, slot), rowB, slot, uB, pB);
  loaded |= bit;
}

function isEmpty(p: Int32Array, slot: number): boolean {
  return p[2 * slot] === p[2 * slot + 1];
}

/** Slot `sa` of side A equals slot `sb` of side B (both non-empty is the caller's business). */
function eq(sa: number, sb: number): boolean {
  need(sa);
  need(sb);
  return spanEquals(uA[sa]!, pA[2 * sa]!, pA[2 * sa + 1]!, uB[sb]!, pB[2 * sb]!, pB[2 * sb + 1]!);
}

/** Phonetic keys of a part are non-empty on both sides and equal. */
function keysEqual(slot: number): boolean {
  need(slot);
  return !isEmpty(pA, slot) && !isEmpty(pB, slot) && eq(slot, slot);
}

/**
 * Slot `sa` of side A is within one edit of slot `sb` of side B — the swapped-order test, which
 * tolerates one typo in the swapped part ("Lowe Amelie" / "Amelie Lowee"). Parts shorter than 3
 * must be equal: one edit away from a 2-letter name is almost any 2-letter name.
 */
function crossWithinOne(sa: number, sb: number): boolean {
  need(sa);
  need(sb);
  const as = pA[2 * sa]!, ae = pA[2 * sa + 1]!, bs = pB[2 * sb]!, be = pB[2 * sb + 1]!;
  if (ae - as < 3 || be - bs < 3) return eq(sa, sb);
  return damerauLevenshteinWithinSpans(1, uA[sa]!, as, ae, uB[sb]!, bs, be) <= 1;
}

function osaWithinOne(slot: number): boolean {
  need(slot);
  return damerauLevenshteinWithinSpans(1, uA[slot]!, pA[2 * slot]!, pA[2 * slot + 1]!, uB[slot]!, pB[2 * slot]!, pB[2 * slot + 1]!) <= 1;
}

/**
 * Locate the family/middle/given tokens inside `norm` by the token counts of the folded parts.
 * Returns false when `norm` does not have exactly that many tokens.
 */
function locateNormParts(u: CodeUnits[], p: Int32Array, out: Int32Array): boolean {
  const nu = u[NORM]!;
  const ns = p[2 * NORM]!;
  const ne = p[2 * NORM + 1]!;
  const nf = countTokens(u[FAMILY]!, p[2 * FAMILY]!, p[2 * FAMILY + 1]!);
  const nm = countTokens(u[MIDDLE]!, p[2 * MIDDLE]!, p[2 * MIDDLE + 1]!);
  const ng = countTokens(u[GIVEN]!, p[2 * GIVEN]!, p[2 * GIVEN + 1]!);
  if (countTokens(nu, ns, ne) !== nf + nm + ng) return false;
  // Part k covers tokens [first, first + count): start of its first token, end of its last.
  partSpan(nu, ns, ne, 0, nf, out, 0);
  partSpan(nu, ns, ne, nf, nm, out, 2);
  partSpan(nu, ns, ne, nf + nm, ng, out, 4);
  return true;
}

function partSpan(u: CodeUnits, s: number, e: number, first: number, count: number, out: Int32Array, at: number): void {
  if (count === 0) {
    out[at] = 0;
    out[at + 1] = 0;
    return;
  }
  out[at] = tokenStart(u, s, e, first);
  out[at + 1] = tokenEnd(u, tokenStart(u, s, e, first + count - 1), e);
}

/** Part `k` (0 family, 1 middle, 2 given) is equal with diacritics on both sides' `norm`. */
function normPartEqual(k: number): boolean {
  if (normState === 0) {
    need(NORM);
    need(FAMILY);
    need(MIDDLE);
    need(GIVEN);
  }
  if (normState === 0) normState = locateNormParts(uA, pA, nA) && locateNormParts(uB, pB, nB) ? 1 : 2;
  if (normState === 2) return false;
  return spanEquals(uA[NORM]!, nA[2 * k]!, nA[2 * k + 1]!, uB[NORM]!, nB[2 * k]!, nB[2 * k + 1]!);
}

function familyLevel(): FamilyNameLevel {
  need(FAMILY);
  if (isEmpty(pA, FAMILY) || isEmpty(pB, FAMILY)) return FamilyNameLevel.MISSING;
  if (eq(FAMILY, FAMILY)) return normPartEqual(0) ? FamilyNameLevel.EXACT : FamilyNameLevel.FOLDED_EQUAL;
  if (keysEqual(FAMILY_KEY)) return FamilyNameLevel.PHONETIC_EQUAL;
  if (osaWithinOne(FAMILY)) return FamilyNameLevel.WITHIN_ONE_EDIT;
  need(GIVEN);
  if ((!isEmpty(pB, GIVEN) && crossWithinOne(FAMILY, GIVEN)) || (!isEmpty(pA, GIVEN) && crossWithinOne(GIVEN, FAMILY))) {
    return FamilyNameLevel.SWAPPED_WITH_GIVEN;
  }
  return FamilyNameLevel.ELSE;
}

/** Tokens `t` (of one side) and `v` (of the other) agree: equal, or one is the other's initial. */
function tokenAgrees(tu: CodeUnits, ts: number, te: number, vu: CodeUnits, vs: number, ve: number): boolean {
  if (te - ts === 1 || ve - vs === 1) return tu[ts] === vu[vs];
  return spanEquals(tu, ts, te, vu, vs, ve);
}

/**
 * Every token of span S agrees, in order, with a distinct token of span L (greedy leftmost
 * embedding — optimal for "is a subsequence" whatever the agreement predicate).
 */
function embeds(su: CodeUnits, ss: number, se: number, lu: CodeUnits, ls: number, le: number): boolean {
  let i = ss;
  let j = ls;
  for (;;) {
    while (i < se && su[i] === SPACE) i++;
    if (i >= se) return true;
    const te = tokenEnd(su, i, se);
    let found = false;
    while (j < le) {
      while (j < le && lu[j] === SPACE) j++;
      if (j >= le) break;
      const ve = tokenEnd(lu, j, le);
      const ok = tokenAgrees(su, i, te, lu, j, ve);
      j = ve;
      if (ok) {
        found = true;
        break;
      }
    }
    if (!found) return false;
    i = te;
  }
}

function middleLevel(): MiddleNameLevel {
  need(MIDDLE);
  if (isEmpty(pA, MIDDLE) || isEmpty(pB, MIDDLE)) return MiddleNameLevel.MISSING;
  if (eq(MIDDLE, MIDDLE)) return normPartEqual(1) ? MiddleNameLevel.EXACT : MiddleNameLevel.FOLDED_EQUAL;
  if (keysEqual(MIDDLE_KEY)) return MiddleNameLevel.PHONETIC_EQUAL;
  const au = uA[MIDDLE]!, as = pA[2 * MIDDLE]!, ae = pA[2 * MIDDLE + 1]!;
  const bu = uB[MIDDLE]!, bs = pB[2 * MIDDLE]!, be = pB[2 * MIDDLE + 1]!;
  if (embeds(au, as, ae, bu, bs, be) || embeds(bu, bs, be, au, as, ae)) return MiddleNameLevel.SUBSET_OR_INITIAL;
  if (osaWithinOne(MIDDLE)) return MiddleNameLevel.WITHIN_ONE_EDIT;
  return MiddleNameLevel.ELSE;
}

function givenLevel(): GivenNameLevel {
  need(GIVEN);
  if (isEmpty(pA, GIVEN) || isEmpty(pB, GIVEN)) return GivenNameLevel.MISSING;
  if (eq(GIVEN, GIVEN)) return normPartEqual(2) ? GivenNameLevel.EXACT : GivenNameLevel.FOLDED_EQUAL;
  if (keysEqual(GIVEN_KEY)) return GivenNameLevel.PHONETIC_EQUAL;
  const au = uA[GIVEN]!, as = pA[2 * GIVEN]!, ae = pA[2 * GIVEN + 1]!;
  const bu = uB[GIVEN]!, bs = pB[2 * GIVEN]!, be = pB[2 * GIVEN + 1]!;
  const la = ae - as;
  const lb = be - bs;
  // Jaro–Winkler ≥ t needs Jaro ≥ (t − 0.4)/0.6 (the largest prefix boost), and Jaro ≤
  // (2 + min/max)/3 — so spans whose length ratio is below 3·(t − 0.4)/0.6 − 2 cannot be close.
  if (damerauLevenshteinWithinSpans(1, au, as, ae, bu, bs, be) <= 1 ||
      ((la < lb ? la / lb : lb / la) >= JW_MIN_LENGTH_RATIO && jaroWinklerSpans(au, as, ae, bu, bs, be) >= GIVEN_NAME_CLOSE_JARO_WINKLER)) {
    return GivenNameLevel.CLOSE;
  }
  // The other name's given differs (checked above), so "elsewhere" means among its family and
  // middle tokens — the folded full name minus the given part.
  need(FAMILY);
  need(MIDDLE);
  if (containsTokens(bu, bs, be, au, as, ae) || containsTokens(au, as, ae, bu, bs, be) ||
      containsTokens(uB[FAMILY]!, pB[2 * FAMILY]!, pB[2 * FAMILY + 1]!, au, as, ae) ||
      containsTokens(uB[MIDDLE]!, pB[2 * MIDDLE]!, pB[2 * MIDDLE + 1]!, au, as, ae) ||
      containsTokens(uA[FAMILY]!, pA[2 * FAMILY]!, pA[2 * FAMILY + 1]!, bu, bs, be) ||
      containsTokens(uA[MIDDLE]!, pA[2 * MIDDLE]!, pA[2 * MIDDLE + 1]!, bu, bs, be)) {
    return GivenNameLevel.ELSEWHERE_IN_NAME;
  }
  return GivenNameLevel.ELSE;
}

/**
 * Compare the name of row `ra` of `a` with row `rb` of `b` and write three level codes:
 * `out[outPos]` = family ({@link FamilyNameLevel}), `out[outPos + 1]` = middle
 * ({@link MiddleNameLevel}), `out[outPos + 2]` = given ({@link GivenNameLevel}).
 * Allocation-free; non-re-entrant (module-level scratch).
 */
export function comparePersonName(a: NameColumns, ra: number, b: NameColumns, rb: number, out: Uint8Array, outPos: number): void {
  colsA = a;
  colsB = b;
  rowA = ra;
  rowB = rb;
  loaded = 0;
  normState = 0;
  out[outPos] = familyLevel();
  out[outPos + 1] = middleLevel();
  out[outPos + 2] = givenLevel();
}
