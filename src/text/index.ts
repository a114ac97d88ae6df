/**
 * src/text: normalisation, folding and parsing of the values a person record carries —
 * names, dates, national IDs, sex. Pure functions; see each file's header.
 */
export { normalizeText } from './normalize.js';
export { foldToAscii } from './fold.js';
export { canonicalTonePosition } from './tone-placement.js';
export { isVietnameseSyllable } from './syllable.js';
export { isKnownFamilyName, familyNameShare, COMPOUND_FAMILY_NAMES } from './name-frequencies.js';
export { parsePersonName, REVERSAL_RATIO } from './person-name.js';
export type { ParsedPersonName, PersonNameNote } from './person-name.js';
export {
  parseDate,
  typedDateDigits,
  formatPackedDate,
  isValidPackedDate,
  daysInMonth,
  DEFAULT_DATE_OPTIONS,
  DEFAULT_MIN_YEAR,
  DEFAULT_MAX_YEAR,
} from './date.js';
export type { DateParseOptions, DateResult, ParsedDate, DateFailure, DateFailureReason, DatePrecision } from './date.js';
export { parseNationalId, latestBirthYear, DEFAULT_NATIONAL_ID_OPTIONS } from './national-id.js';
export type {
  NationalIdOptions,
  NationalIdResult,
  ParsedNationalId,
  CccdId,
  Cmnd9Id,
  NationalIdFailure,
  NationalIdFailureReason,
} from './national-id.js';
export { parseSex } from './sex.js';
export type { Sex } from './sex.js';
export { checkIdConsistency } from './id-consistency.js';
export type { IdClaim, IdConsistency, IdContradiction, IdContradictionField } from './id-consistency.js';
