/**
 * Verdicts of register authentication: the types a caller receives, and the closed tables of
 * per-field OUTCOMES every field comparison picks from.
 *
 *   Verdict ── status (VERIFIED · MISMATCH · NOT_FOUND · INVALID_ID · INCONSISTENT_ID · AMBIGUOUS)
 *           ├─ fields:  { [schema field name]: { result, reason } }
 *           ├─ recordId, matchedBy ('id' | 'earlierId' | null)
 *           ├─ weight + explanation (Fellegi–Sunter, see verdict-model.ts)
 *           └─ candidates ("did you mean", when the ID is absent, invalid or unknown)
 *
 * Trade-off: an outcome is one row of a frozen table — its user-facing `{ result, reason }`
 * object (shared, frozen: a verdict allocates no object per field), its bit for policy
 * checks and its comparison level for the weight. Field comparators return a small integer
 * (the row number), so the hot path passes numbers, never strings. Reasons are stable
 * kebab-case strings naming WHAT differs, never a value.
 */

/** Outcome of one authentication. */
export type VerdictStatus = 'VERIFIED' | 'MISMATCH' | 'NOT_FOUND' | 'INVALID_ID' | 'INCONSISTENT_ID' | 'AMBIGUOUS';

/** How one claimed field compares with the register's value. */
export type FieldResult = 'exact' | 'equivalent' | 'close' | 'mismatch' | 'missing';

/** The result of one field, with a stable reason (never a value). */
export interface FieldVerdict {
  readonly result: FieldResult;
  readonly reason: string;
}

/** One field's contribution to a verdict's weight. */
export interface ExplainedField {
  readonly field: string;
  readonly result: FieldResult;
  /** log2(m/u) of the field's level, in bits (0 when missing). */
  readonly weight: number;
}

/** A "did you mean" record, or one of the records an AMBIGUOUS ID resolves to. */
export interface VerdictCandidate {
  readonly recordId: string | number;
  /** Match weight of the claim against this record, in bits. */
  readonly weight: number;
  readonly fields?: Readonly<Record<string, FieldVerdict>>;
}

/** The answer to one claim. */
export interface Verdict {
  readonly status: VerdictStatus;
  /** Per schema field (keyed by field name). */
  readonly fields: Readonly<Record<string, FieldVerdict>>;
  /** The register record compared with (null when none: not found, invalid, ambiguous…). */
  readonly recordId: string | number | null;
  /** How the record was found: by its current ID, by one of its earlier IDs, or not at all. */
  readonly matchedBy: 'id' | 'earlierId' | null;
  /**
   * Fellegi–Sunter match weight in bits: prior + Σ field level weights (verdict-model.ts).
   * NaN when no record was compared.
   */
  readonly weight: number;
  /** Per-field level weights (null when no record was compared). */
  readonly explanation: readonly ExplainedField[] | null;
  /** Best register records by name + date of birth (NOT_FOUND / INVALID_ID), or the tied records (AMBIGUOUS: heaviest first, equal weights in record-id order (util/record-id-order.ts)). */
  readonly candidates?: readonly VerdictCandidate[];
  /** Why the status is what it is (stable, value-free); absent for VERIFIED. */
  readonly reason?: string;
}

/** Options of `Register.authenticate`. */
export interface AuthenticateOptions {
  /**
   * How many "did you mean" candidates to return when the claimed ID is absent, invalid or
   * not found (integer 0..100; 0 = none). Default {@link DEFAULT_CANDIDATES} when the register
   * was built with `candidateSearch`, otherwise 0 (and a positive value is an error).
   */
  candidates?: number;
}

/** Default number of "did you mean" candidates. */
export const DEFAULT_CANDIDATES = 3;
/** Largest accepted `candidates`. */
export const MAX_CANDIDATES = 100;

/** Bit of each result in a policy mask. */
export const RESULT_BIT: Readonly<Record<FieldResult, number>> = Object.freeze({
  exact: 1,
  equivalent: 2,
  close: 4,
  missing: 8,
  mismatch: 16,
});

export const FIELD_RESULTS: readonly FieldResult[] = ['exact', 'equivalent', 'close', 'missing', 'mismatch'];

/** One row of an outcome table. */
export interface Outcome {
  /** What the caller sees (frozen, shared by every verdict). */
  readonly verdict: FieldVerdict;
  /** RESULT_BIT of the result. */
  readonly bit: number;
  /** Comparison level in the field's model comparison (verdict-model.ts); 0 = null level. */
  readonly level: number;
}

function table(rows: ReadonlyArray<readonly [FieldResult, string, number]>): readonly Outcome[] {
  return Object.freeze(
    rows.map(([result, reason, level]) =>
      Object.freeze({ verdict: Object.freeze({ result, reason }), bit: RESULT_BIT[result], level }),
    ),
  );
}

// Shared rows every kind has, at the same positions (0..3), so status builders can use them
// without knowing the kind.
/** Claim has no value for the field. */
export const O_CLAIM_MISSING = 0;
/** Record has no value for the field. */
export const O_RECORD_MISSING = 1;
/** No record was compared (not found, invalid or inconsistent ID). */
export const O_NO_RECORD = 2;
/** The ID resolves to several records that the other fields cannot tell apart. */
export const O_AMBIGUOUS = 3;

const COMMON: ReadonlyArray<readonly [FieldResult, string, number]> = [
  ['missing', 'claim-missing', 0],
  ['missing', 'record-missing', 0],
  ['missing', 'no-record', 0],
  ['missing', 'ambiguous', 0],
];

/**
 * National ID outcomes. Levels: 0 missing · 1 exact · 2 equivalent · 3 earlier-id · 4 close · 5 mismatch.
 * KEYED registers store no ID digits (only an HMAC tag): an ID that is not the record's cannot
 * be graded (one digit? a transposition? another scheme?), so it is `keyed-not-comparable`,
 * counted as missing evidence (0 bits) — never as close or mismatch.
 */
export const ID = {
  EXACT: 4, FORMAT: 5, LOST_ZERO: 6, EARLIER: 7, ONE_DIGIT: 8, TRANSPOSITION: 9,
  DIFFERENT_SCHEME: 10, DIFFERS: 11, INVALID: 12, CONTRADICTS: 13, NOT_FOUND: 14, NOT_COMPARABLE: 15,
} as const;
export const ID_OUTCOMES = table([
  ...COMMON,
  ['exact', 'as-written', 1],
  ['equivalent', 'id-format', 2],
  ['equivalent', 'lost-leading-zero', 2],
  ['equivalent', 'earlier-id', 3],
  ['close', 'one-digit', 4],
  ['close', 'transposition', 4],
  ['mismatch', 'different-scheme', 5],
  ['mismatch', 'differs', 5],
  ['mismatch', 'invalid-id', 5],
  ['mismatch', 'contradicts-claim', 5],
  ['missing', 'not-found', 0],
  ['missing', 'keyed-not-comparable', 0],
]);

/**
 * Person-name outcomes. Levels: 0 missing · 1 exact · 2 equivalent · 3 close dialect · 4 close
 * typo · 5 close middle-name-missing · 6 close other · 7 mismatch.
 */
export const NAME = {
  EXACT: 4, UNICODE_FORM: 5, TONE_PLACEMENT: 6, CASE: 7, SPACING: 8, ORDER: 9, REGISTER_FORM: 10,
  DIACRITICS: 11, DIACRITICS_DIFFER: 12, MIDDLE_MISSING: 13, DIALECT: 14, TYPO: 15, ORDER_CLOSE: 16,
  DIFFERS: 17, INVALID: 18, MIDDLE_INITIAL: 19,
} as const;
export const NAME_OUTCOMES = table([
  ...COMMON,
  ['exact', 'as-written', 1],
  ['equivalent', 'unicode-form', 2],
  ['equivalent', 'tone-placement', 2],
  ['equivalent', 'letter-case', 2],
  ['equivalent', 'spacing', 2],
  ['equivalent', 'name-order', 2],
  ['equivalent', 'register-form', 2],
  ['equivalent', 'diacritics', 2],
  ['close', 'diacritics-differ', 6],
  ['close', 'middle-name-missing', 5],
  ['close', 'dialect-spelling', 3],
  ['close', 'typo', 4],
  ['close', 'name-order', 6],
  ['mismatch', 'differs', 7],
  ['mismatch', 'invalid-name', 7],
  ['close', 'middle-initial', 5],
]);

/**
 * Date outcomes. Levels: 0 missing · 1 exact · 2 equivalent · 3 close day-month-swap · 4 close
 * one-day · 5 close partial (year-only, month-only, record-partial) · 6 close january-first · 7 mismatch.
 */
export const DATE = {
  EXACT: 4, FORMAT: 5, SWAP: 6, ONE_DAY: 7, YEAR_ONLY: 8, MONTH_ONLY: 9, RECORD_PARTIAL: 10,
  JANUARY_FIRST: 11, DIFFERS: 12, INVALID: 13, CONTRADICTS: 14,
} as const;
export const DATE_OUTCOMES = table([
  ...COMMON,
  ['exact', 'as-written', 1],
  ['equivalent', 'date-format', 2],
  ['close', 'day-month-swap', 3],
  ['close', 'one-day', 4],
  ['close', 'year-only', 5],
  ['close', 'month-only', 5],
  ['close', 'record-partial', 5],
  ['close', 'january-first', 6],
  ['mismatch', 'differs', 7],
  ['mismatch', 'invalid-date', 7],
  ['mismatch', 'contradicts-id', 7],
]);

/** Sex outcomes. Levels: 0 missing · 1 exact · 2 equivalent · 3 mismatch. */
export const SEX = { EXACT: 4, FORMAT: 5, DIFFERS: 6, UNRECOGNISED: 7, CONTRADICTS: 8 } as const;
export const SEX_OUTCOMES = table([
  ...COMMON,
  ['exact', 'as-written', 1],
  ['equivalent', 'sex-format', 2],
  ['mismatch', 'differs', 3],
  ['mismatch', 'unrecognised', 3],
  ['mismatch', 'contradicts-id', 3],
]);

/** Outcomes of category, text and identifier fields. Levels: 0 missing · 1 exact · 2 equivalent · 3 close · 4 mismatch. */
export const OTHER = { EXACT: 4, FOLDED: 5, TYPO: 6, DIFFERS: 7, INVALID: 8, PROVINCE_NAME: 9, PROVINCE_MERGED: 10 } as const;
export const OTHER_OUTCOMES = table([
  ...COMMON,
  ['exact', 'as-written', 1],
  ['equivalent', 'folded', 2],
  ['close', 'typo', 3],
  ['mismatch', 'differs', 4],
  ['mismatch', 'invalid-value', 4],
  // A category naming a province: another name of the same one ("Tỉnh Hà Giang", "TP. HCM",
  // "Thừa Thiên Huế" for Huế), or an old province against the 2025 province that absorbed it.
  ['equivalent', 'province-name', 2],
  ['close', 'province-merged', 3],
]);
