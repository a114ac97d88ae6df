/**
 * checkIdConsistency: does what a CCCD number encodes (birth century + two-digit year, sex)
 * agree with the claimed date of birth and sex?
 *
 * Contradictions (each listed once, with a stable reason that contains no values):
 *   century    the claimed year has the ID's two last digits but another century
 *              (ID says 2005, claim 1905): usually a wrong century digit or a typo in the year
 *   birthYear  the claimed year differs otherwise
 *   sex        the claimed sex differs
 *
 * Only what can be compared is compared: an ID that does not decode (a 9-digit CMND, an
 * invalid number) gives `decoded: false` and no contradictions — absence of evidence, not
 * consistency; a claim whose date does not parse or whose sex is not recognised (parseSex)
 * is not compared on that field, and `checked` lists the fields that were. A `dob` string is
 * read with parseDate's defaults (day first); a `dob` number is a packed yyyymmdd date (not
 * an Excel serial). Never throws on data; a non-object claim is a programmer error.
 */
import { KhopError } from '../errors.js';
import { isValidPackedDate, parseDate } from './date.js';
import { parseNationalId, type NationalIdResult } from './national-id.js';
import { parseSex } from './sex.js';

export interface IdClaim {
  /** Claimed date of birth: a date string (parseDate, day first) or a packed yyyymmdd number. */
  readonly dob?: string | number | null;
  /** Claimed sex, any form parseSex reads. */
  readonly sex?: string | number | null;
}

export type IdContradictionField = 'birthYear' | 'sex' | 'century';

export interface IdContradiction {
  readonly field: IdContradictionField;
  readonly reason: string;
}

export interface IdConsistency {
  /** True when no contradiction was found among the fields that could be compared. */
  readonly consistent: boolean;
  /** The ID decoded to a birth year and sex (a 12-digit CCCD). */
  readonly decoded: boolean;
  /** Fields actually compared. */
  readonly checked: ReadonlyArray<'birthYear' | 'sex'>;
  readonly contradictions: IdContradiction[];
}

const REASON_CENTURY = 'the claimed birth year is in another century than the one the ID encodes';
const REASON_YEAR = 'the claimed birth year differs from the year the ID encodes';
const REASON_SEX = 'the claimed sex differs from the sex the ID encodes';

function claimedYear(dob: unknown): number {
  if (typeof dob === 'number') {
    return isValidPackedDate(dob, { minYear: 1, maxYear: 9999 }) ? Math.floor(dob / 10000) : 0;
  }
  if (typeof dob === 'string') {
    const r = parseDate(dob);
    return r.ok ? r.year : 0;
  }
  return 0;
}

/**
 * Compare an ID's encoded birth year and sex with a claim (see the file header).
 *
 * @param id an ID string (parsed with parseNationalId, country VN) or a parse result.
 * @throws KhopError INVALID_ARGUMENT when `claim` is not an object or `id` is neither.
 */
export function checkIdConsistency(id: string | NationalIdResult, claim: IdClaim): IdConsistency {
  if (claim === null || typeof claim !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', 'checkIdConsistency: claim must be an object');
  }
  let parsed: NationalIdResult;
  if (typeof id === 'string') parsed = parseNationalId(id);
  else if (id !== null && typeof id === 'object' && typeof (id as { ok?: unknown }).ok === 'boolean') parsed = id;
  else throw new KhopError('INVALID_ARGUMENT', 'checkIdConsistency: id must be a string or a parseNationalId result');

  if (!parsed.ok || parsed.kind !== 'cccd') return { consistent: true, decoded: false, checked: [], contradictions: [] };

  const checked: Array<'birthYear' | 'sex'> = [];
  const contradictions: IdContradiction[] = [];
  const year = claimedYear(claim.dob);
  if (year !== 0) {
    checked.push('birthYear');
    if (year !== parsed.birthYear) {
      const sameTwoDigits = year % 100 === parsed.birthYear % 100;
      contradictions.push(sameTwoDigits ? { field: 'century', reason: REASON_CENTURY } : { field: 'birthYear', reason: REASON_YEAR });
    }
  }
  const sex = parseSex(claim.sex);
  if (sex !== null) {
    checked.push('sex');
    if (sex !== parsed.sex) contradictions.push({ field: 'sex', reason: REASON_SEX });
  }
  return { consistent: contradictions.length === 0, decoded: true, checked, contradictions };
}
