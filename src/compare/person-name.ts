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
 * Two paths, same levels:
 * - Indexed (the pipeline's): when both sides carry the same {@link PersonNameIndex}
 *   (person-name-index.ts: every distinct value interned once per dataset), equality levels are
 *   integer compares of value ids — the diacritic parts are located in `norm` once per ROW, not
 *   per pair — and the edit-distance, Jaro–Winkler, subset and token tests run on the index's
 *   unit pool behind exact pre-filters (length difference, 32-bit letter signatures, a bound on
 *   Jaro matches) that only reject what cannot hold. bench/compare measures both paths on
 *   candidate and random pairs of a synthetic population.
 * - Span path (any NameColumns): every decision reads code units in place. The eight spans of
 *   each side are fetched once per pair into module-level scratch (non-re-entrant: one call at
 *   a time per thread); their units are read only when a level needs them — `norm` only when a
 *   part is folded-equal, `fold` only for the "elsewhere" search, keys only when the parts
 *   differ. It is the reference the indexed path is tested against on every pair.
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { damerauLevenshteinWithinSpans } from './damerau-levenshtein.js';
import { jaroWinklerSpans } from './jaro-winkler.js';
import { defineLevels } from './levels.js';
import type { ComparisonLevel } from './levels.js';
import { SPACE, containsTokens, countTokens, spanEquals, tokenEnd, tokenStart } from './spans.js';
import { NAME_INDEX_STRIDE, VALUE_HAS_INITIAL, VALUE_ONE_TOKEN, type PersonNameIndex } from './person-name-index.js';
import { checkInteger, invalidArgument } from '../util/arg-check.js';

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
  /**
   * Optional interned values of these columns ({@link buildPersonNameIndex}). When BOTH sides
   * carry the same index object, rows below its `rowCount` are compared by the indexed fast
   * path — same levels, fewer unit reads.
   */
  readonly index?: PersonNameIndex;
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

/**
 * After normPartEqual(k) was false for folded-equal parts in `slot`: both sides write part k
 * with marks (its `norm` differs from its folded form on each side), so the marks differ —
 * "Hùng" / "Hưng", "Thúy" / "Thủy", distinct names a keystroke apart — rather than one side
 * having lost them ("Hùng" / "Hung"). Graded as the part's one-typo level, not folded-equal.
 */
function marksDiffer(k: number, slot: number): boolean {
  if (normState !== 1) return false;
  return (
    !unmarkedSpan(uA[NORM]!, nA[2 * k]!, nA[2 * k + 1]!, uA[slot]!, pA[2 * slot]!, pA[2 * slot + 1]!) &&
    !unmarkedSpan(uB[NORM]!, nB[2 * k]!, nB[2 * k + 1]!, uB[slot]!, pB[2 * slot]!, pB[2 * slot + 1]!)
  );
}

/**
 * A name part written without marks: its `norm` span n[ns..ne) is its folded span f[fs..fe)
 * but for apostrophes, which the fold drops — `'` (U+0027) and `’` (U+2019: one UTF-16 unit, or
 * the UTF-8 bytes E2 80 99; in UTF-16 text, 0x80 and 0x99 are control characters never in a
 * name, so the byte rule cannot misread "â…"). "H'Lan" is unmarked, "H'Lân" is not.
 */
export function unmarkedSpan(n: CodeUnits, ns: number, ne: number, f: CodeUnits, fs: number, fe: number): boolean {
  let i = ns;
  let j = fs;
  while (i < ne) {
    const c = n[i]!;
    if (j < fe && c === f[j]) {
      i++;
      j++;
    } else if (c === 0x27 || c === 0x2019) i++;
    else if (c === 0xe2 && i + 2 < ne && n[i + 1] === 0x80 && n[i + 2] === 0x99) i += 3;
    else return false;
  }
  return j === fe;
}

function familyLevel(): FamilyNameLevel {
  need(FAMILY);
  if (isEmpty(pA, FAMILY) || isEmpty(pB, FAMILY)) return FamilyNameLevel.MISSING;
  if (eq(FAMILY, FAMILY)) return normPartEqual(0) ? FamilyNameLevel.EXACT : marksDiffer(0, FAMILY) ? FamilyNameLevel.WITHIN_ONE_EDIT : FamilyNameLevel.FOLDED_EQUAL;
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
  if (eq(MIDDLE, MIDDLE)) return normPartEqual(1) ? MiddleNameLevel.EXACT : marksDiffer(1, MIDDLE) ? MiddleNameLevel.WITHIN_ONE_EDIT : MiddleNameLevel.FOLDED_EQUAL;
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
  if (eq(GIVEN, GIVEN)) return normPartEqual(2) ? GivenNameLevel.EXACT : marksDiffer(2, GIVEN) ? GivenNameLevel.CLOSE : GivenNameLevel.FOLDED_EQUAL;
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
  checkNameColumns('a', a);
  checkInteger('comparePersonName', 'ra', ra);
  checkNameColumns('b', b);
  checkInteger('comparePersonName', 'rb', rb);
  if (!(out instanceof Uint8Array)) throw invalidArgument('comparePersonName', 'out', 'a Uint8Array', out);
  checkInteger('comparePersonName', 'outPos', outPos, 0, out.length - 3);
  comparePersonNameRows(a, ra, b, rb, out, outPos);
}

const NAME_COLUMN_KEYS = ['norm', 'fold', 'family', 'middle', 'given', 'familyKey', 'middleKey', 'givenKey'] as const;

/** Throw INVALID_ARGUMENT unless `c` is an object whose eight name columns are text column readers. */
function checkNameColumns(side: 'a' | 'b', c: unknown): void {
  const expected = 'NameColumns (an object of eight text column readers: norm, fold, family, middle, given and their keys)';
  if (c === null || typeof c !== 'object') throw invalidArgument('comparePersonName', side, expected, c);
  for (const k of NAME_COLUMN_KEYS) {
    const r = (c as Record<string, unknown>)[k];
    if (r === null || typeof r !== 'object' || typeof (r as { units?: unknown }).units !== 'function') {
      throw invalidArgument('comparePersonName', `${side}.${k}`, 'a text column reader (e.g. a StringColumn)', r);
    }
  }
}

/**
 * {@link comparePersonName} without the argument checks: the per-pair kernel of
 * src/pipeline/comparisons.ts.
 */
export function comparePersonNameRows(a: NameColumns, ra: number, b: NameColumns, rb: number, out: Uint8Array, outPos: number): void {
  const x = a.index;
  if (x !== undefined && x === b.index && ra < x.rowCount && rb < x.rowCount) {
    const packed = personNameLevelsIndexed(x, ra, rb);
    out[outPos] = packed & 15;
    out[outPos + 1] = (packed >>> 4) & 15;
    out[outPos + 2] = packed >>> 8;
    return;
  }
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

// ---------------------------------------------------------------------------------------------
// The indexed fast path: the same three decision lists on interned value ids (see
// person-name-index.ts). Equal ids ⇔ equal units, so every equality test is one integer
// compare; the edit-distance, Jaro–Winkler, subset and token-search tests run the span kernels
// on the index's unit pool after exact pre-filters that only reject what cannot hold.

/** Number of set bits of a 32-bit value (SWAR popcount: sums of 2, 4, 8 bits, then a multiply adds the 4 bytes). */
function popcount32(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Pre-filter of "OSA distance ≤ 1" from the lengths and letter signatures of two values: true
 * when the pair is RULED OUT (distance ≥ 2 proved), false when the kernel must decide. Proof:
 * - one edit changes the length by at most 1, so |la − lb| ≥ 2 rules out; `(d·d) >>> 1` is
 *   non-zero iff d² ≥ 2, i.e. |d| ≥ 2 (d² is exact in a double; `>>> 1` takes it modulo 2^32,
 *   and a wrapped value can only fail to rule out, never rule out wrongly: non-zero still
 *   needs d² ≥ 2);
 * - one edit brings at most one unit value into each side that the other lacks (substitution
 *   c→d: a has c, b has d; insertion/deletion: one side; adjacent transposition: none), and a
 *   signature bit set on one side only marks such a value (bits are unit & 31: equal units
 *   set equal bits), so two or more bits in `sa & ~sb` (or `sb & ~sa`) rule out. `v & (v − 1)`
 *   clears the lowest set bit: non-zero iff v has two or more bits.
 * The three tests are OR-ed into one mask and decided by ONE branch: on random pairs each test
 * is a coin toss the branch predictor cannot learn, and one mispredicted branch costs more
 * than the arithmetic of all three.
 */
export function withinOneEditRuledOut(la: number, lb: number, sa: number, sb: number): boolean {
  return withinOneEditMask(la, lb, sa, sb) !== 0;
}

/** The mask of {@link withinOneEditRuledOut}: non-zero iff ruled out. */
function withinOneEditMask(la: number, lb: number, sa: number, sb: number): number {
  const d = la - lb;
  const onlyA = sa & ~sb;
  const onlyB = sb & ~sa;
  return ((d * d) >>> 1) | (onlyA & (onlyA - 1)) | (onlyB & (onlyB - 1));
}

/**
 * The mask of the swapped-order test {@link crossWithinOne} on ids that differ: non-zero iff
 * ruled out. Parts shorter than 3 must be equal (they differ here): the sign bit of
 * (la − 3) | (lb − 3) is set iff either length is below 3 (an empty value, id 0, has length 0:
 * ruled out, as the level requires a non-empty part).
 */
function crossWithinOneMask(la: number, lb: number, sa: number, sb: number): number {
  return (((la - 3) | (lb - 3)) >>> 31) | withinOneEditMask(la, lb, sa, sb);
}

/**
 * The family-name levels after phonetic-equal, on family ids that differ: within-one-edit
 * (fa, fb), then swapped-with-given (fa within one edit of b's given gb, or a's given ga of
 * fb; equal ids hold), then else. The three pre-filter masks are computed first and a pair
 * that all three rule out — nearly every random pair — costs one branch.
 */
function idsFamilyBeyondPhonetic(x: PersonNameIndex, fa: number, fb: number, ga: number, gb: number): FamilyNameLevel {
  const off = x.offsets;
  const sig = x.sig;
  const u = x.units;
  const fas = off[fa]!, fae = off[fa + 1]!, fbs = off[fb]!, fbe = off[fb + 1]!;
  const gas = off[ga]!, gae = off[ga + 1]!, gbs = off[gb]!, gbe = off[gb + 1]!;
  const lfa = fae - fas, lfb = fbe - fbs, lga = gae - gas, lgb = gbe - gbs;
  const sfa = sig[fa]!, sfb = sig[fb]!, sga = sig[ga]!, sgb = sig[gb]!;
  const own = withinOneEditMask(lfa, lfb, sfa, sfb);
  // Equal ids hold the swapped test outright (gb, ga ≠ 0 then, as fa, fb ≠ 0).
  const crossAB = fa === gb ? 0 : crossWithinOneMask(lfa, lgb, sfa, sgb);
  const crossBA = ga === fb ? 0 : crossWithinOneMask(lga, lfb, sga, sfb);
  if (own !== 0 && crossAB !== 0 && crossBA !== 0) return FamilyNameLevel.ELSE;
  if (own === 0 && damerauLevenshteinWithinSpans(1, u, fas, fae, u, fbs, fbe) <= 1) return FamilyNameLevel.WITHIN_ONE_EDIT;
  if ((crossAB === 0 && (fa === gb || damerauLevenshteinWithinSpans(1, u, fas, fae, u, gbs, gbe) <= 1)) ||
      (crossBA === 0 && (ga === fb || damerauLevenshteinWithinSpans(1, u, gas, gae, u, fbs, fbe) <= 1))) {
    return FamilyNameLevel.SWAPPED_WITH_GIVEN;
  }
  return FamilyNameLevel.ELSE;
}

/**
 * Pre-filter of "the given name `g` is a token run of one of the other name's parts": true when
 * RULED OUT. Each part holding g holds every non-space unit of g, so g's signature is inside
 * that part's and so inside the union `nameSig` of the other name's part signatures; a bit of
 * `givenSig` outside `nameSig` proves that no part holds g (one test instead of three).
 */
export function elsewhereRuledOut(givenSig: number, nameSig: number): boolean {
  return (givenSig & ~nameSig) !== 0;
}

/**
 * The middle-name levels after phonetic-equal, on ids that differ: subset-or-initial
 * ({@link embeds} either way), then within-one-edit, then else — flags, signatures and
 * lengths read once. Pre-filters of the embedding: without initials on either side every token
 * of the embedded value equals a token of the other, so every (non-space) unit of it occurs in
 * the other — a signature bit missing from the other's rules that direction out; and two
 * one-token values embed only when equal (they differ here), so both directions are out.
 */
function idsMiddleBeyondPhonetic(x: PersonNameIndex, ia: number, ib: number): MiddleNameLevel {
  const fa = x.flags[ia]!, fb = x.flags[ib]!;
  const sa = x.sig[ia]!, sb = x.sig[ib]!;
  const off = x.offsets;
  const as = off[ia]!, ae = off[ia + 1]!, bs = off[ib]!, be = off[ib + 1]!;
  const u = x.units;
  if (((fa | fb) & VALUE_HAS_INITIAL) !== 0) {
    if (embeds(u, as, ae, u, bs, be) || embeds(u, bs, be, u, as, ae)) return MiddleNameLevel.SUBSET_OR_INITIAL;
  } else if ((fa & fb & VALUE_ONE_TOKEN) === 0) {
    if (((sa & ~sb) === 0 && embeds(u, as, ae, u, bs, be)) || ((sb & ~sa) === 0 && embeds(u, bs, be, u, as, ae))) {
      return MiddleNameLevel.SUBSET_OR_INITIAL;
    }
  }
  if (!withinOneEditRuledOut(ae - as, be - bs, sa, sb) && damerauLevenshteinWithinSpans(1, u, as, ae, u, bs, be) <= 1) {
    return MiddleNameLevel.WITHIN_ONE_EDIT;
  }
  return MiddleNameLevel.ELSE;
}

/**
 * {@link containsTokens}(haystack, needle) on ids: a one-token haystack holds a one-token needle
 * only when equal, and never a needle with a space; the needle's units all occur in a haystack
 * that holds it, so a signature bit of the needle missing from the haystack's proves "no".
 */
function idsContain(x: PersonNameIndex, ih: number, inn: number): boolean {
  if (ih === 0 || inn === 0) return false;
  if ((x.flags[ih]! & VALUE_ONE_TOKEN) !== 0) return (x.flags[inn]! & VALUE_ONE_TOKEN) !== 0 && ih === inn;
  if ((x.sig[inn]! & ~x.sig[ih]!) !== 0) return false;
  const off = x.offsets;
  return containsTokens(x.units, off[ih]!, off[ih + 1]!, x.units, off[inn]!, off[inn + 1]!);
}

/**
 * Lower bounds on m/|a| + m/|b| (m = Jaro matches) below which Jaro–Winkler cannot reach the
 * close threshold T, by common prefix: with ℓ the Winkler prefix, jw ≤ jaro + 0.1ℓ(1 − jaro)
 * (equal when the boost applies, and jw = jaro otherwise), increasing in jaro, so jw ≥ T needs
 * jaro ≥ (T − 0.1ℓ)/(1 − 0.1ℓ); and jaro ≤ (m/|a| + m/|b| + 1)/3 (the transposition term is at
 * most 1). Hence m/|a| + m/|b| ≥ 3(T − 0.1ℓ)/(1 − 0.1ℓ) − 1. The bound falls as ℓ grows, so
 * ℓ = 0 (first units differ: no prefix) gives 3T − 1 = 1.76 and ℓ ≤ 4 gives 3(T − 0.4)/0.6 − 1
 * = 1.6 for any prefix. Each is lowered by 1e−9, far above the rounding of these constants and
 * of the kernel's few floating-point operations (≈ 1e−15): a pair ruled out has
 * jw < T − 2e−10 in exact arithmetic, so the kernel's computed value is below T too.
 */
const JW_SUM_BOUND_NO_PREFIX = 3 * GIVEN_NAME_CLOSE_JARO_WINKLER - 1 - 1e-9;
const JW_SUM_BOUND_ANY_PREFIX = (3 * (GIVEN_NAME_CLOSE_JARO_WINKLER - 0.4)) / 0.6 - 1 - 1e-9;

/**
 * Pre-filter of "Jaro–Winkler ≥ {@link GIVEN_NAME_CLOSE_JARO_WINKLER}" from the lengths, letter
 * signatures and whether the first units are equal: true when the pair is RULED OUT. Bound on
 * the matches m: a signature bit set only in a marks a unit value of a with no equal unit in b,
 * so at least popcount(sa & ~sb) units of a stay unmatched, m ≤ la − popcount(sa & ~sb) (and
 * likewise for b); then the sum bound above, multiplied out by la·lb (no division):
 * m·(la + lb) < bound·la·lb. Subsumes the length-ratio test (m ≤ min(la, lb)). Non-empty
 * values only (la, lb ≥ 1).
 */
export function jaroWinklerCloseRuledOut(la: number, lb: number, sa: number, sb: number, firstUnitsEqual: boolean): boolean {
  const ma = la - popcount32(sa & ~sb);
  const mb = lb - popcount32(sb & ~sa);
  const m = ma < mb ? ma : mb;
  return m * (la + lb) < (firstUnitsEqual ? JW_SUM_BOUND_ANY_PREFIX : JW_SUM_BOUND_NO_PREFIX) * la * lb;
}

/**
 * The given-name "close" test on ids that differ: OSA distance ≤ 1 or Jaro–Winkler ≥ the
 * threshold, each behind its pre-filter, the lengths and signatures read once for both.
 */
function idsGivenClose(x: PersonNameIndex, ia: number, ib: number): boolean {
  const off = x.offsets;
  const as = off[ia]!, ae = off[ia + 1]!, bs = off[ib]!, be = off[ib + 1]!;
  const la = ae - as, lb = be - bs;
  const sa = x.sig[ia]!, sb = x.sig[ib]!;
  const u = x.units;
  if (!withinOneEditRuledOut(la, lb, sa, sb) && damerauLevenshteinWithinSpans(1, u, as, ae, u, bs, be) <= 1) return true;
  if (jaroWinklerCloseRuledOut(la, lb, sa, sb, u[as] === u[bs])) return false;
  return jaroWinklerSpans(u, as, ae, u, bs, be) >= GIVEN_NAME_CLOSE_JARO_WINKLER;
}

/** The interned norm part `normId` has marks, against its folded part `foldId` (unmarkedSpan). */
function idsMarked(x: PersonNameIndex, normId: number, foldId: number): boolean {
  if (normId === foldId) return false; // one dictionary: equal units, no marks
  const off = x.offsets;
  return !unmarkedSpan(x.units, off[normId]!, off[normId + 1]!, x.units, off[foldId]!, off[foldId + 1]!);
}

/**
 * The three levels of {@link comparePersonName} for rows `ra`, `rb` of one indexed dataset,
 * packed in 4 bits each: family | middle << 4 | given << 8. Precondition (not checked: the hot
 * path): both rows < x.rowCount. Allocation-free and re-entrant.
 */
export function personNameLevelsIndexed(x: PersonNameIndex, ra: number, rb: number): number {
  const rows = x.rows;
  const oa = ra * NAME_INDEX_STRIDE;
  const ob = rb * NAME_INDEX_STRIDE;
  const fa = rows[oa]!, ma = rows[oa + 1]!, ga = rows[oa + 2]!;
  const fb = rows[ob]!, mb = rows[ob + 1]!, gb = rows[ob + 2]!;

  // Family.
  let level: number;
  if (fa === 0 || fb === 0) level = FamilyNameLevel.MISSING;
  else if (fa === fb) {
    // Exact: both rows' parts located in `norm` (id ≥ 0) and the diacritic parts equal.
    const n = rows[oa + 6]!;
    const nb = rows[ob + 6]!;
    // Marks on both sides that differ — see marksDiffer (idsMarked: the same test on the pool).
    level = n >= 0 && n === nb ? FamilyNameLevel.EXACT : n >= 0 && nb >= 0 && idsMarked(x, n, fa) && idsMarked(x, nb, fb) ? FamilyNameLevel.WITHIN_ONE_EDIT : FamilyNameLevel.FOLDED_EQUAL;
  } else {
    const ka = rows[oa + 3]!;
    if (ka !== 0 && ka === rows[ob + 3]!) level = FamilyNameLevel.PHONETIC_EQUAL;
    else level = idsFamilyBeyondPhonetic(x, fa, fb, ga, gb);
  }
  let packed = level;

  // Middle.
  if (ma === 0 || mb === 0) level = MiddleNameLevel.MISSING;
  else if (ma === mb) {
    const n = rows[oa + 7]!;
    const nb = rows[ob + 7]!;
    level = n >= 0 && n === nb ? MiddleNameLevel.EXACT : n >= 0 && nb >= 0 && idsMarked(x, n, ma) && idsMarked(x, nb, mb) ? MiddleNameLevel.WITHIN_ONE_EDIT : MiddleNameLevel.FOLDED_EQUAL;
  } else {
    const ka = rows[oa + 4]!;
    if (ka !== 0 && ka === rows[ob + 4]!) level = MiddleNameLevel.PHONETIC_EQUAL;
    else level = idsMiddleBeyondPhonetic(x, ma, mb);
  }
  packed |= level << 4;

  // Given.
  if (ga === 0 || gb === 0) level = GivenNameLevel.MISSING;
  else if (ga === gb) {
    const n = rows[oa + 8]!;
    const nb = rows[ob + 8]!;
    level = n >= 0 && n === nb ? GivenNameLevel.EXACT : n >= 0 && nb >= 0 && idsMarked(x, n, ga) && idsMarked(x, nb, gb) ? GivenNameLevel.CLOSE : GivenNameLevel.FOLDED_EQUAL;
  } else {
    const ka = rows[oa + 5]!;
    if (ka !== 0 && ka === rows[ob + 5]!) level = GivenNameLevel.PHONETIC_EQUAL;
    else if (idsGivenClose(x, ga, gb)) level = GivenNameLevel.CLOSE;
    else {
      // Elsewhere: a's given inside one of b's parts, or b's given inside one of a's. Tested
      // per side only when the given's letters all occur in the other name (elsewhereRuledOut).
      const sig = x.sig;
      const sga = sig[ga]!, sgb = sig[gb]!;
      level = (!elsewhereRuledOut(sga, sig[fb]! | sig[mb]! | sgb) && (idsContain(x, gb, ga) || idsContain(x, fb, ga) || idsContain(x, mb, ga))) ||
        (!elsewhereRuledOut(sgb, sig[fa]! | sig[ma]! | sga) && (idsContain(x, ga, gb) || idsContain(x, fa, gb) || idsContain(x, ma, gb)))
        ? GivenNameLevel.ELSEWHERE_IN_NAME
        : GivenNameLevel.ELSE;
    }
  }
  return packed | (level << 8);
}
