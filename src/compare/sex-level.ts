/**
 * Comparison levels for sex on the store's uint8 codes: 0 unknown, 1 male, 2 female.
 *
 * Levels (first that holds):
 *   0 missing     either code is 0 (unknown)
 *   1 equal
 *   2 different
 *
 * A code above 2 is not a sex code: it is a programmer error upstream (wrong column), so it
 * throws rather than scoring as "different".
 */
import { KhopError } from '../errors.js';
import { invalidArgument } from '../util/arg-check.js';
import { defineLevels } from './levels.js';

/** The store's sex codes. */
export const SexCode = { UNKNOWN: 0, MALE: 1, FEMALE: 2 } as const;

/** Level codes of {@link compareSex}. */
export const SexLevel = { MISSING: 0, EQUAL: 1, DIFFERENT: 2 } as const;
export type SexLevel = (typeof SexLevel)[keyof typeof SexLevel];

/** The sex level list as data (index = code). */
export const SEX_LEVELS = defineLevels([
  ['missing', 'sex unknown on either side'],
  ['equal', 'same sex'],
  ['different', 'different sex'],
]);

/**
 * Sex level of two codes. Throws KhopError INVALID_ARGUMENT for a code outside 0..2 or a value
 * that is not a number (a bigint, a symbol, an object: docs/bad-input.md V06, V23).
 *
 * The public entry: it checks the types, then calls {@link compareSexCodes}, which the
 * comparison loops call directly (their codes come from a uint8 store column).
 */
export function compareSex(a: number, b: number): SexLevel {
  if (typeof a !== 'number') throw invalidArgument('compareSex', 'a', 'a sex code (integer 0–2)', a);
  if (typeof b !== 'number') throw invalidArgument('compareSex', 'b', 'a sex code (integer 0–2)', b);
  return compareSexCodes(a, b);
}

/**
 * {@link compareSex} without the type test — the per-pair kernel of src/pipeline/comparisons.ts.
 * Its arguments must be numbers (`a >>> 0` throws a TypeError for a symbol or a bigint); a number
 * outside 0..2 still throws INVALID_ARGUMENT.
 */
export function compareSexCodes(a: number, b: number): SexLevel {
  // a !== (a >>> 0) is true for negatives, fractions and NaN: only 0..2^32-1 pass, then ≤ 2.
  if (a !== (a >>> 0) || b !== (b >>> 0) || a > 2 || b > 2) {
    throw new KhopError('INVALID_ARGUMENT', 'compareSex: sex codes must be 0 (unknown), 1 (male) or 2 (female)');
  }
  if (a === 0 || b === 0) return SexLevel.MISSING;
  // a, b ∈ {1, 2}: a ^ b is 0 when equal and 3 (1 ^ 2) when not, so its low bit picks EQUAL (1)
  // or DIFFERENT (2) without a branch — on random pairs a coin toss no predictor can learn.
  return (SexLevel.EQUAL + ((a ^ b) & 1)) as SexLevel;
}
