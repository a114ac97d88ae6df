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
 * Input: the digit spans produced by the ID parser (ASCII digits, no separators) — canonical,
 * 9 or 12 digits — or digits as written. Lengths as parseNationalId reads them: 9 = CMND and
 * 8 (starting 1–9) = a CMND that lost its leading zero; 12 = CCCD, 11 = a CCCD that lost its
 * leading zero, 10 (starting 1–9) = one that lost both. Other lengths are compared by the same
 * edit rules but never count as a lost zero or a different scheme.
 *
 * Levels (first that holds):
 *   0 missing             either value absent or empty
 *   1 exact               same digits
 *   2 lost-leading-zero   the shorter, restored as the parser restores it, is the longer
 *                         (8 vs 9 digits, 10 or 11 vs 12, 10 vs 11)
 *   3 one-digit           same length, one digit substituted
 *   4 transposition       same length, two adjacent digits swapped
 *   5 different-scheme    a CMND (9, or 8 restored) vs a CCCD (12, or 11 / 10 restored): not comparable
 *   6 else
 */
import type { CodeUnits, TextColumnReader } from '../block/text-column.js';
import { defineLevels } from './levels.js';
import { EditShape, editShape } from './identifier-level.js';
import { spanEquals } from './spans.js';
import { assertString, unitsA, unitsB } from './string-units.js';
import { checkInteger, invalidArgument } from '../util/arg-check.js';

/** Level codes of {@link compareNationalIds}. */
export const NationalIdLevel = {
  MISSING: 0, EXACT: 1, LOST_LEADING_ZERO: 2, ONE_DIGIT: 3, TRANSPOSITION: 4, DIFFERENT_SCHEME: 5, ELSE: 6,
} as const;
export type NationalIdLevel = (typeof NationalIdLevel)[keyof typeof NationalIdLevel];

/** The national-ID level list as data (index = code). */
export const NATIONAL_ID_LEVELS = defineLevels([
  ['missing', 'ID missing on either side'],
  ['exact', 'IDs equal'],
  ['lost-leading-zero', 'one ID equals the other without its leading zeros'],
  ['one-digit', 'one digit substituted'],
  ['transposition', 'two adjacent digits swapped'],
  ['different-scheme', 'old 9-digit ID against a 12-digit ID: not comparable'],
  ['else', 'IDs differ'],
]);

const DIGIT_0 = 48; // '0'
const SCHEME_NONE = 0;
const SCHEME_CMND = 1;
const SCHEME_CCCD = 2;

/**
 * Scheme of a digit span by its length, as parseNationalId reads it: 9, or 8 not starting with
 * 0, is a CMND; 12, 11, or 10 not starting with 0, a CCCD; anything else none.
 */
function schemeOf(u: CodeUnits, s: number, len: number): number {
  if (len === 9) return SCHEME_CMND;
  if (len === 12 || len === 11) return SCHEME_CCCD;
  if (len === 8 || len === 10) return u[s] === DIGIT_0 ? SCHEME_NONE : len === 8 ? SCHEME_CMND : SCHEME_CCCD;
  return SCHEME_NONE;
}

/** True when the longer span (l, length ll) is the shorter (s, length ls < ll) with ll − ls zeros before it. */
function zerosThen(lu: CodeUnits, ls0: number, ll: number, su: CodeUnits, ss: number, sl: number): boolean {
  const k = ll - sl;
  for (let i = 0; i < k; i++) if (lu[ls0 + i] !== DIGIT_0) return false;
  return spanEquals(su, ss, ss + sl, lu, ls0 + k, ls0 + ll);
}

/**
 * National-ID level of two digit spans (an empty span is a missing value): `au[as..ae)` and
 * `bu[bs..be)`, code units in a Uint8Array or Uint16Array. Throws KhopError INVALID_ARGUMENT
 * for arrays of another kind or bounds that are not integers with 0 ≤ start ≤ end ≤ length.
 *
 * The public entry: it checks the arguments, then calls {@link compareNationalIdSpans}, which
 * the comparison loops and the register call directly (their spans come from the store).
 */
export function compareNationalIds(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): NationalIdLevel {
  checkSpan('a', au, as, ae);
  checkSpan('b', bu, bs, be);
  return compareNationalIdSpans(au, as, ae, bu, bs, be);
}

function checkSpan(side: 'a' | 'b', u: unknown, s: unknown, e: unknown): void {
  if (!(u instanceof Uint8Array) && !(u instanceof Uint16Array)) {
    throw invalidArgument('compareNationalIds', `${side}u`, 'a Uint8Array or Uint16Array of code units', u);
  }
  checkInteger('compareNationalIds', `${side}s`, s, 0, u.length);
  checkInteger('compareNationalIds', `${side}e`, e, s as number, u.length);
}

/** {@link compareNationalIds} without the argument checks: the per-pair kernel. */
export function compareNationalIdSpans(au: CodeUnits, as: number, ae: number, bu: CodeUnits, bs: number, be: number): NationalIdLevel {
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
  const sa = schemeOf(au, as, la);
  const sb = schemeOf(bu, bs, lb);
  if (sa === SCHEME_NONE || sb === SCHEME_NONE) return NationalIdLevel.ELSE;
  if (sa !== sb) return NationalIdLevel.DIFFERENT_SCHEME;
  const lost = la < lb ? zerosThen(bu, bs, lb, au, as, la) : zerosThen(au, as, la, bu, bs, lb);
  return lost ? NationalIdLevel.LOST_LEADING_ZERO : NationalIdLevel.ELSE;
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
  return compareNationalIdSpans(a.units(ra), a.start(ra), a.end(ra), b.units(rb), b.start(rb), b.end(rb));
}

/** National-ID level of two digit strings (empty = missing). Throws INVALID_ARGUMENT for a non-string. */
export function compareNationalIdStrings(a: string, b: string): NationalIdLevel {
  assertString('compareNationalIdStrings', 'a', a);
  assertString('compareNationalIdStrings', 'b', b);
  return compareNationalIdSpans(unitsA(a), 0, a.length, unitsB(b), 0, b.length);
}
