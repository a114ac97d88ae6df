/**
 * Probabilities, match weights and the clamp that keeps every weight finite.
 *
 * A match weight is a log2 Bayes factor (Fellegi & Sunter 1969; the "match weight" of Splink):
 * level weight = log2(m / u), prior weight = log2(λ / (1 − λ)), and a total weight w maps back
 * to a match probability p = 2^w / (1 + 2^w), computed as 1 / (1 + 2^−w) so that large
 * positive weights do not overflow (2^−w underflows to 0 and p to 1 instead); 2^−w is
 * evaluated as e^(−w·ln 2), faster in V8 (matchProbabilityFromWeight).
 *
 * Trade-off: m, u and λ are clamped into [ε, 1 − ε] with ε = 2^−30 (≈ 9.3e-10) before any
 * logarithm, so one level weight lies within ±log2((1 − ε)/ε) ≈ ±30 bits. A level that was
 * never observed among matches (m = 0) therefore counts as very strong, finite evidence
 * against, instead of −∞ that would poison every sum. ε is far below any probability that a
 * sample of < 10^9 pairs can resolve, so the clamp never changes an estimated value.
 */

import { invalidArgument } from '../util/arg-check.js';

/** Smallest probability used in a weight: 2^−30 ≈ 9.3e-10. */
export const PROBABILITY_EPSILON = 2 ** -30;

/** Largest |level weight| in bits that the clamp allows: log2((1 − ε) / ε) ≈ 30. */
export const MAX_LEVEL_WEIGHT = Math.log2((1 - PROBABILITY_EPSILON) / PROBABILITY_EPSILON);

/** How far the m (or u) probabilities of one comparison may sum from 1. */
export const PROBABILITY_SUM_TOLERANCE = 1e-6;

/** `p` clamped into [ε, 1 − ε]. NaN stays NaN (callers validate before clamping). */
export function clampProbability(p: number): number {
  return p < PROBABILITY_EPSILON ? PROBABILITY_EPSILON : p > 1 - PROBABILITY_EPSILON ? 1 - PROBABILITY_EPSILON : p;
}

/**
 * Match probability of a total match weight `w` (bits): 2^w / (1 + 2^w), with 2^−w written
 * as e^(−w·ln 2): Math.exp is ×3–4 as fast as `2 ** x` in V8 (the λ fixed point evaluates it
 * once per candidate pair and iteration: match-tasks.ts).
 */
export function matchProbabilityFromWeight(w: number): number {
  // Any number, NaN included (NaN in, NaN out: test/score/comparison-spec.test.ts); a bigint,
  // a symbol or an object is INVALID_ARGUMENT, not a TypeError from the arithmetic.
  if (typeof w !== 'number') throw invalidArgument('matchProbabilityFromWeight', 'w', 'a number (a match weight in bits)', w);
  return probabilityOfWeight(w);
}

/**
 * {@link matchProbabilityFromWeight} without the argument check: the per-pair kernel (the λ
 * fixed point, the pair probabilities of a match) on weights the library computed.
 */
export function probabilityOfWeight(w: number): number {
  return 1 / (1 + Math.exp(-w * Math.LN2));
}

/**
 * Match weight (bits) of a probability `p` in (0, 1): log2(p / (1 − p)); 0 gives −Infinity and
 * 1 Infinity. Throws KhopError INVALID_ARGUMENT for a value that is not a number in 0..1.
 */
export function matchWeightFromProbability(p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw invalidArgument('matchWeightFromProbability', 'p', 'a probability (a number in 0..1)', p);
  return weightOfProbability(p);
}

/** {@link matchWeightFromProbability} without the argument check (NaN outside 0..1). */
export function weightOfProbability(p: number): number {
  return Math.log2(p / (1 - p));
}

/**
 * The smallest weight whose match probability (matchProbabilityFromWeight) reaches `p` in
 * (0, 1): a cut on weights that keeps exactly the pairs whose reported probability is ≥ p.
 * matchWeightFromProbability(p) can land one rounding step above it — a pair reported at
 * probability p, with p as the threshold, would be left out. Bracketed around that estimate,
 * then bisected to adjacent doubles (≈ 64 steps; the probability does not decrease with w).
 */
export function leastWeightReaching(p: number): number {
  const reaches = (w: number): boolean => probabilityOfWeight(w) >= p;
  const w0 = weightOfProbability(p);
  let lo = w0;
  let hi = w0;
  let step = 1e-12 * (1 + Math.abs(w0));
  for (let i = 0; i < 80 && reaches(lo); i++, step *= 2) lo = w0 - step;
  step = 1e-12 * (1 + Math.abs(w0));
  for (let i = 0; i < 80 && !reaches(hi); i++, step *= 2) hi = w0 + step;
  if (reaches(lo) || !reaches(hi)) return w0; // not bracketed (p at the ends of the doubles): the estimate
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (reaches(mid)) hi = mid;
    else lo = mid;
  }
}
