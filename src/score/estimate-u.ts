/**
 * u probabilities from random record pairs (Splink's `estimate_u_using_random_sampling`).
 *
 * Two records drawn at random from a large population are almost never the same person
 * (λ ≈ 1e-8 for a national register), so the level frequencies among random pairs estimate
 * u(k, l) = P(level l | non-match) directly, without labels and without EM. The caller samples
 * pairs (`sampleRandomPairs`), computes their level columns with the same comparators as the
 * candidate pairs, and hands the columns here. In a small dataset full of duplicates the
 * matches among the random pairs are not negligible on a near-unique value's levels: training
 * takes them off once λ and m are known (correctUForMatches, src/pipeline/train-model.ts).
 *
 * Smoothing (Laplace / additive, pseudo-count α, default 1): for comparison k with L levels,
 *
 *     u(k, l) = (count(k, l) + α) / (N_k + α·(L − 1))     for l = 1 … L−1
 *
 * where N_k = pairs whose level on k is not null (null pairs carry no information about u).
 * A level never seen among N random pairs thus gets u ≈ 1/N instead of 0: the estimate says
 * "rarer than we could measure", and the weight log2(m/u) of e.g. an exact ID match is capped
 * near log2(N) bits — conservative, and it grows with the sample. Such levels are listed in
 * `unobserved` so the caller can report them or sample more pairs. With α = 0 the estimate is
 * the raw share (the model clamps a 0 to 2^−30).
 *
 * A comparison with no non-null random pair cannot be estimated: that throws rather than
 * returning a made-up uniform u.
 */
import { KhopError } from '../errors.js';
import { type ComparisonSpec, LEVEL_SHIFT, freezeComparisonSpecs } from './comparison-spec.js';

/** Options of {@link estimateU}. */
export interface EstimateUOptions {
  /** Pseudo-count α added to every non-null level (Laplace smoothing), ≥ 0. Default 1. */
  readonly pseudoCount?: number;
}

export const DEFAULT_ESTIMATE_U_OPTIONS: Required<EstimateUOptions> = Object.freeze({ pseudoCount: 1 });

/** Result of {@link estimateU}. */
export interface UEstimate {
  /** u per comparison per level (entry 0, the null level, is 0); ready for `FellegiSunterModel`. */
  readonly u: Float64Array[];
  /** Pairs observed per comparison per level (entry 0 = pairs null on that comparison). */
  readonly counts: Float64Array[];
  /** Number of pairs read. */
  readonly pairs: number;
  /** Non-null levels that no random pair landed on (their u comes from the pseudo-count alone). */
  readonly unobserved: ReadonlyArray<{ readonly comparison: number; readonly level: number }>;
}

/**
 * Add the level histogram of pairs start … end−1 into `counts[(k << 8) | level]` (length ≥
 * 256·K). Partial histograms over disjoint ranges add up (for worker threads). No validation
 * of level values here: a level beyond a comparison's levels lands in that comparison's
 * padding slots, which {@link estimateU} and the EM check.
 */
export function countLevels(levels: readonly Uint8Array[], start: number, end: number, counts: Float64Array): void {
  for (let k = 0; k < levels.length; k++) {
    const col = levels[k]!;
    const base = k << LEVEL_SHIFT;
    for (let i = start; i < end; i++) counts[base | col[i]!]! += 1;
  }
}

/**
 * Throw if any histogram slot beyond a comparison's levels is non-zero (a level out of range).
 * `what` names the data in the message (e.g. 'random pairs', 'EM session 2').
 */
export function checkLevelCounts(counts: Float64Array, specs: readonly ComparisonSpec[], what: string): void {
  for (let k = 0; k < specs.length; k++) {
    const base = k << LEVEL_SHIFT;
    const L = specs[k]!.levels.length;
    for (let l = L; l < 256; l++) {
      if (counts[base | l] !== 0) {
        throw new KhopError('INVALID_ARGUMENT', `${what}: comparison "${specs[k]!.name}" has pairs at level ${l}, but only ${L} levels`, {
          details: { comparison: k, level: l, levels: L },
        });
      }
    }
  }
}

/**
 * Estimate u per comparison and level from the level columns of `count` random pairs.
 * @throws KhopError INVALID_ARGUMENT on bad shapes, options or level values; INVALID_INPUT when
 *   a comparison has no non-null pair.
 */
export function estimateU(
  levels: readonly Uint8Array[],
  count: number,
  comparisons: readonly ComparisonSpec[],
  options: EstimateUOptions = {},
): UEstimate {
  const specs = freezeComparisonSpecs(comparisons);
  const alpha = options.pseudoCount ?? DEFAULT_ESTIMATE_U_OPTIONS.pseudoCount;
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha < Infinity)) {
    throw new KhopError('INVALID_OPTION', 'estimateU: pseudoCount must be a finite number ≥ 0');
  }
  checkLevelColumns(levels, count, specs, 'estimateU');
  const K = specs.length;
  const hist = new Float64Array(K << LEVEL_SHIFT);
  countLevels(levels, 0, count, hist);
  checkLevelCounts(hist, specs, 'estimateU');
  const u: Float64Array[] = [];
  const counts: Float64Array[] = [];
  const unobserved: Array<{ comparison: number; level: number }> = [];
  for (let k = 0; k < K; k++) {
    const L = specs[k]!.levels.length;
    const base = k << LEVEL_SHIFT;
    const ck = hist.slice(base, base + L);
    let n = 0;
    for (let l = 1; l < L; l++) {
      n += ck[l]!;
      if (ck[l] === 0) unobserved.push({ comparison: k, level: l });
    }
    if (n === 0) {
      throw new KhopError('INVALID_INPUT', `estimateU: no random pair has a value on comparison "${specs[k]!.name}"; its u cannot be estimated`, {
        details: { comparison: k },
      });
    }
    const denom = n + alpha * (L - 1);
    const uk = new Float64Array(L);
    for (let l = 1; l < L; l++) uk[l] = (ck[l]! + alpha) / denom;
    u.push(uk);
    counts.push(ck);
  }
  return { u, counts, pairs: count, unobserved };
}

/** Shapes of level columns: K Uint8Arrays of length ≥ count. */
export function checkLevelColumns(levels: readonly Uint8Array[], count: number, specs: readonly ComparisonSpec[], what: string): void {
  if (!Number.isInteger(count) || count < 0) throw new KhopError('INVALID_ARGUMENT', `${what}: count must be an integer ≥ 0`);
  if (!Array.isArray(levels) || levels.length !== specs.length) {
    throw new KhopError('INVALID_ARGUMENT', `${what}: expected ${specs.length} level columns, one per comparison`);
  }
  for (let k = 0; k < specs.length; k++) {
    const col = levels[k];
    if (!(col instanceof Uint8Array) || col.length < count) {
      throw new KhopError('INVALID_ARGUMENT', `${what}: level column of comparison "${specs[k]!.name}" must be a Uint8Array of length ≥ count`);
    }
  }
}
