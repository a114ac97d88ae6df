/**
 * Field verdicts for IDs, dates, sex and the other kinds: a claimed value against a stored
 * record value → an outcome row of verdict.ts (names: name-verdict.ts).
 *
 *   national ID  exact as written (the canonical digits) · equivalent: id-format (spaces,
 *                dots, an apostrophe…), lost-leading-zero (11 or 10 digits; 8 for a CMND),
 *                earlier-id (decided by the lookup) · close: one-digit, transposition
 *                (compareNationalIdStrings)
 *                · mismatch: differs, different-scheme (9 vs 12 digits), invalid-id
 *   date         exact as written (the record's own format, written-form.ts) · equivalent:
 *                date-format · close: day-month-swap, one-day, year-only, month-only (the claim
 *                is partial and agrees), record-partial (the register's date is partial and
 *                agrees), january-first (01/01 stand-in for an unknown date; compareDates)
 *                · mismatch: differs, invalid-date
 *   sex          exact (the label the register wrote: Nam/Nữ, M/F, 1/2… — SEX_FORM) · equivalent:
 *                sex-format (another label) · mismatch: differs, unrecognised
 *   other        exact (the claim is the stored folded form) · equivalent: folded · close: typo
 *                · mismatch: differs, invalid-value; a category of province names:
 *                equivalent: province-name (another name of one province) · close:
 *                province-merged (an old province and its 2025 successor) · two provinces
 *                mismatch: differs, never typo (compare/category-level.ts provinceIdentity)
 *
 * A record's missing value is `record-missing`, a claim's `claim-missing`; a claim value of an
 * unusable type is a mismatch (never missing). A date and a sex value keep their written form
 * in their cell (written-form.ts), in every field; an ID keeps its number and an other field its
 * folded form only: they are exact when the claim is written as that form (canonical digits,
 * folded text).
 *
 * Hot path ("did you mean" rows): the stored ID is compared as digit code units written into a
 * scratch (writeIdDigits), not as a string per record; a claim's date equal to the record's
 * is decided once per claim and written format (PreparedClaim.sameDateWritten) instead of
 * rendering the record's date per row. Both are tested against the string forms they replace.
 */
import { codedLettersText } from '../text/fold.js';
import { DateLevel, compareDates } from '../compare/date-level.js';
import { damerauLevenshteinWithin } from '../compare/damerau-levenshtein.js';
import { NationalIdLevel, compareNationalIdStrings, compareNationalIdSpans } from '../compare/national-id-level.js';
import type { PreparedClaim } from './claim.js';
import { idDigits } from './national-id-input.js';
import type { FieldPlan } from './register-layout.js';
import { DATE, ID, O_CLAIM_MISSING, O_RECORD_MISSING, OTHER, SEX } from './verdict.js';
import { dateCellFormat, dateCellPacked, isDateWritten, sexCodeOf, sexFormOfCell, sexLabelOf } from './written-form.js';
import { provinceIdentity, relateProvinces } from '../compare/category-level.js';

/** Scratch of writeIdDigits / claimDigits (not re-entrant; nothing here calls user code). */
const RECORD_DIGITS = new Uint8Array(12);
let CLAIM_DIGITS = new Uint16Array(16);

/**
 * idDigits(n) — String(n) zero-padded to 12 places when n ≥ 10^9, else 9 — as ASCII digits in
 * out[0 .. 12); returns their count, or −1 for a value outside what the register stores (not
 * an integer in 0 .. 10^12 − 1: the caller takes idDigits itself). Digits come off the end by
 * n % 10 and (n − d) / 10, exact in a double below 2^53.
 */
export function writeIdDigits(n: number, out: Uint8Array): number {
  if (!Number.isInteger(n) || n < 0 || n >= 1e12) return -1;
  const len = n >= 1e9 ? 12 : 9;
  for (let i = len - 1; i >= 0; i--) {
    const d = n % 10;
    out[i] = 0x30 + d;
    n = (n - d) / 10;
  }
  return len;
}

/** The digits string's code units in a scratch (valid until the next call). */
function claimDigits(s: string): Uint16Array {
  if (CLAIM_DIGITS.length < s.length) CLAIM_DIGITS = new Uint16Array(2 * s.length);
  const u = CLAIM_DIGITS;
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}

/** ID outcome of a claim's ID against a stored ID number (null = none), by digits. */
export function compareIdField(claim: PreparedClaim, f: FieldPlan, record: number | null): number {
  const p = claim.id(f);
  if (p === null) return O_CLAIM_MISSING;
  if (record === null) return O_RECORD_MISSING;
  if (!p.ok) return ID.INVALID;
  // Keyed register: only the HMAC tag is stored — equal or not comparable (verdict.ts ID).
  if (f.keyed !== null) return claim.storedId(f) === record ? sameIdOutcome(claim, f) : ID.NOT_COMPARABLE;
  // The record's canonical digits (idDigits) as code units in a scratch, not a string per
  // record: equal digits are level EXACT of the span comparison (same length, no differing unit).
  const n = writeIdDigits(record, RECORD_DIGITS);
  const level = n < 0 ? compareNationalIdStrings(p.digits, idDigits(record)) : compareNationalIdSpans(claimDigits(p.digits), 0, p.digits.length, RECORD_DIGITS, 0, n);
  if (level === NationalIdLevel.EXACT) return sameIdOutcome(claim, f);
  switch (level) {
    case NationalIdLevel.ONE_DIGIT:
      return ID.ONE_DIGIT;
    case NationalIdLevel.TRANSPOSITION:
      return ID.TRANSPOSITION;
    case NationalIdLevel.DIFFERENT_SCHEME:
      return ID.DIFFERENT_SCHEME;
    default:
      return ID.DIFFERS;
  }
}

/** Outcome of a claimed ID whose canonical digits equal the record's (call with a valid ID). */
export function sameIdOutcome(claim: PreparedClaim, f: FieldPlan): number {
  const p = claim.id(f)!;
  if (!p.ok) return ID.INVALID;
  if (claim.text[f.index] === p.digits) return ID.EXACT;
  return p.restoredLeadingZero ? ID.LOST_ZERO : ID.FORMAT;
}

/** Date outcome against a stored date cell (null = none): packed date + written format (written-form.ts). */
export function compareDateField(claim: PreparedClaim, f: FieldPlan, cell: number | null): number {
  const text = claim.text[f.index];
  if (text === null) return claim.bad[f.index] === 1 ? DATE.INVALID : O_CLAIM_MISSING;
  if (cell === null) return O_RECORD_MISSING;
  const d = claim.date(f);
  if (!d.ok) return DATE.INVALID;
  const record = dateCellPacked(cell);
  if (d.packed === record) {
    // Whether the record's rendering is the claim's text depends on the format alone here (the
    // date is the claim's): memoised per claim (a "did you mean" block shares the date).
    const recordFormat = dateCellFormat(cell);
    let same = claim.sameDateWritten(f, recordFormat);
    if (same < 0) {
      const written = isDateWritten(text, record, recordFormat, f.dateOptions!.mdy);
      same = written ? 1 : 0;
      claim.setSameDateWritten(f, recordFormat, same === 1);
    }
    return same === 1 ? DATE.EXACT : DATE.FORMAT;
  }
  switch (compareDates(d.packed, record)) {
    case DateLevel.DAY_MONTH_SWAPPED:
      return DATE.SWAP;
    case DateLevel.ONE_DAY_APART:
      return DATE.ONE_DAY;
    case DateLevel.PARTIAL_AGREES:
      return d.precision === 'year' ? DATE.YEAR_ONLY : d.precision === 'month' ? DATE.MONTH_ONLY : DATE.RECORD_PARTIAL;
    case DateLevel.JANUARY_FIRST_SAME_YEAR:
      return DATE.JANUARY_FIRST;
    case DateLevel.TWO_PARTS_AGREE: // one part re-keyed: a claim's date that differs (as before the level)
    default:
      return DATE.DIFFERS;
  }
}

/** Sex outcome against a stored sex cell (code + written form, written-form.ts). */
export function compareSexField(claim: PreparedClaim, f: FieldPlan, cell: number | null): number {
  const text = claim.text[f.index];
  if (text === null) return claim.bad[f.index] === 1 ? SEX.UNRECOGNISED : O_CLAIM_MISSING;
  const code = cell === null ? 0 : sexCodeOf(cell);
  if (code === 0) return O_RECORD_MISSING;
  const s = claim.sex(f);
  if (s < 0) return SEX.UNRECOGNISED;
  if (s !== code) return SEX.DIFFERS;
  return text === sexLabelOf(code, sexFormOfCell(cell!)) ? SEX.EXACT : SEX.FORMAT;
}

/** Outcome of a category / text / identifier field against its stored folded form. */
export function compareOtherField(claim: PreparedClaim, f: FieldPlan, record: string | null, provinces = false): number {
  const text = claim.text[f.index];
  if (text === null) return claim.bad[f.index] === 1 ? OTHER.INVALID : O_CLAIM_MISSING;
  if (record === null) return O_RECORD_MISSING;
  const folded = claim.fold(f);
  if (folded === '') return OTHER.INVALID;
  // A stored form writes an address's `_` and a letter of another script as codes
  // (identifier-form.ts, fold.ts: codedLettersText): a claim written exactly as the value is compared with the
  // form's text.
  if (folded === record) return text === codedLettersText(record) ? OTHER.EXACT : OTHER.FOLDED;
  if (provinces) {
    // Province names (a category field that holds them: CategoryDictionary.holdsProvinces) (as dedupe's category levels read them, compare/category-level.ts): two
    // names of one province, an old one and its 2025 successor — and two provinces one slip
    // apart (Quảng Ninh / Quảng Bình) are different, not a typo.
    const a = provinceIdentity(folded);
    const b = a === null ? null : provinceIdentity(record);
    if (a !== null && b !== null) {
      const r = relateProvinces(a, b);
      return r === 'same' ? OTHER.PROVINCE_NAME : r === 'merged' ? OTHER.PROVINCE_MERGED : OTHER.DIFFERS;
    }
  }
  return damerauLevenshteinWithin(1, folded, record) <= 1 ? OTHER.TYPO : OTHER.DIFFERS;
}
