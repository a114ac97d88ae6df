/**
 * Comparison levels for Vietnamese national identification numbers: the 12-digit personal ID
 * (CCCD; 11 digits when a spreadsheet dropped its leading zero) and the old 9-digit ID card
 * number (CMND).
 *
 * There is no check digit, so a single slip cannot be detected inside one number; it can only
 * be recognised between two numbers, which is what these levels do. A 9-digit CMND and a
 * 12-digit CCCD of the same person share no digits by construction (the CCCD is a new
 * number), so such a pair is "different-scheme": no evidence either way, but kept apart from
 * "missing" so the scoring stage can learn its own (near-neutral) weight.
 *
 * Input: the digit spans produced by the ID parser (ASCII digits, no separators). Lengths:
 * 9 = CMND, 11 = CCCD that lost its leading zero, 12 = CCCD. Other lengths are compared by
 * the same edit rules but never count as a different scheme.
 *
 * Levels (first that holds):
 *   0 missing             either value absent or empty
 *   1 exact               same digits
 *   2 lost-leading-zero   11 digits vs 12 digits = "0" + those 11
 *   3 one-digit           same length, one digit substituted
 *   4 transposition       same length, two adjacent digits swapped
 *   5 different-scheme    9-digit CMND vs 11/12-digit CCCD (not comparable)
 *   6 else
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { defineLevels } from './levels.js';
import { EditShape, editShape } from './identifier-level.js';
import { spanEquals } from './spans.js';
import { assertString, unitsA, unitsB } from './string-units.js';

/** Level codes of {@link compareNationalIds}. */
export const NationalIdLevel = {
  MISSING: 0, EXACT: 1, LOST_LEADING_ZERO: 2, ONE_DIGIT: 3, TRANSPOSITION: 4, DIFFERENT_SCHEME: 5, ELSE: 6,
} as const;
export type NationalIdLevel = (typeof NationalIdLevel)[keyof typeof NationalIdLevel];

/** The national-ID level list as data (index = code). */
export const NATIONAL_ID_LEVELS = defineLevels([
  ['missing', 'ID missing on either side'],
  ['exact', 'IDs equal'],
  ['lost-leading-zero', '11-digit ID equals the 12-digit ID without its leading zero'],
  ['one-digit', 'one digit substituted'],
  ['transposition', 'two adjacent digits swapped'],
  ['different-scheme', 'old 9-digit ID against a 12-digit ID: not comparable'],
  ['else', 'IDs differ'],
]);

const DIGIT_0 = 48; // '0'
const LEN_CMND = 9;
const LEN_CCCD = 12;
const LEN_CCCD_NO_ZERO = 11;

/** National-ID level of two digit spans (an empty span is a missing value). */
export function compareNationalIds(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): NationalIdLevel {
  const la = ae - as;
  const lb = be - bs;
  if (la === 0 || lb === 0) return NationalIdLevel.MISSING;
  if (la === lb) {
    switch (editShape(au, as, ae, bu, bs, be)) {
      case EditShape.EQUAL: return NationalIdLevel.EXACT;
      case EditShape.SUBSTITUTION: return NationalIdLevel.ONE_DIGIT;
      case EditShape.TRANSPOSITION: return NationalIdLevel.TRANSPOSITION;
      default: return NationalIdLevel.ELSE;
    }
  }
  if (la === LEN_CCCD_NO_ZERO && lb === LEN_CCCD) {
    if (bu[bs] === DIGIT_0 && spanEquals(au, as, ae, bu, bs + 1, be)) return NationalIdLevel.LOST_LEADING_ZERO;
    return NationalIdLevel.ELSE;
  }
  if (la === LEN_CCCD && lb === LEN_CCCD_NO_ZERO) {
    if (au[as] === DIGIT_0 && spanEquals(au, as + 1, ae, bu, bs, be)) return NationalIdLevel.LOST_LEADING_ZERO;
    return NationalIdLevel.ELSE;
  }
  const aNew = la === LEN_CCCD || la === LEN_CCCD_NO_ZERO;
  const bNew = lb === LEN_CCCD || lb === LEN_CCCD_NO_ZERO;
  if ((la === LEN_CMND && bNew) || (lb === LEN_CMND && aNew)) return NationalIdLevel.DIFFERENT_SCHEME;
  return NationalIdLevel.ELSE;
}

/**
 * Number of byte positions (0..4) at which two 32-bit words differ, from x = a ^ b: OR-ing x
 * with itself shifted right by 4, 2 and 1 leaves in bit 8k the OR of bits 8k..8k+7 — byte k of
 * x — (every sampled bit collects bits of its own byte only); the four sampled bits, masked by
 * 0x01010101 and multiplied by 0x01010101, add up in the top byte. Byte order does not matter.
 */
export function differingBytes32(x: number): number {
  x |= x >>> 4;
  x |= x >>> 2;
  x |= x >>> 1;
  return Math.imul(x & 0x01010101, 0x01010101) >>> 24;
}

/**
 * Pre-filter of {@link compareNationalIds} for two values of EQUAL length held in zero-padded
 * slots of four 32-bit words each (`wa[ia..ia+4)`, `wb[ib..ib+4)`: a length byte then the units,
 * zeros after — the fixed-width ID copy of src/pipeline/comparisons.ts): true when the level is
 * proved to be ELSE. With equal lengths the level is exact (no differing unit), one-digit (one)
 * or transposition (two adjacent) — otherwise else (editShape); equal length bytes and zero
 * padding make the differing slot bytes exactly the differing units, so three or more
 * differing bytes prove else. Four XORs replace the unit-by-unit walk on random pairs.
 */
export function equalLengthIdsDifferInThreeOrMore(wa: Int32Array, ia: number, wb: Int32Array, ib: number): boolean {
  return differingBytes32(wa[ia]! ^ wb[ib]!) + differingBytes32(wa[ia + 1]! ^ wb[ib + 1]!) +
    differingBytes32(wa[ia + 2]! ^ wb[ib + 2]!) + differingBytes32(wa[ia + 3]! ^ wb[ib + 3]!) > 2;
}

/** National-ID level of row `ra` of `a` and row `rb` of `b` (null or empty = missing). */
export function compareNationalIdRows(a: TextColumnReader, ra: number, b: TextColumnReader, rb: number): NationalIdLevel {
  if (a.isNull(ra) || b.isNull(rb)) return NationalIdLevel.MISSING;
  return compareNationalIds(a.units(ra), a.start(ra), a.end(ra), b.units(rb), b.start(rb), b.end(rb));
}

/** National-ID level of two digit strings (empty = missing). Throws INVALID_ARGUMENT for a non-string. */
export function compareNationalIdStrings(a: string, b: string): NationalIdLevel {
  assertString('compareNationalIdStrings', 'a', a);
  assertString('compareNationalIdStrings', 'b', b);
  return compareNationalIds(unitsA(a), 0, a.length, unitsB(b), 0, b.length);
}
