/**
 * Seeded random record pairs for u estimation (see estimate-u.ts).
 *
 * Dedupe (one dataset of n rows): pairs of distinct rows, uniform over the n(n−1)/2 unordered
 * pairs, written with left < right. Draw a in [0, n), b in [0, n−1) and shift b past a
 * (b ≥ a → b + 1): uniform over ordered pairs with a ≠ b, hence over unordered pairs.
 * Link (two datasets): left uniform in [0, nLeft), right uniform in [0, nRight), each in its
 * own dataset's row numbering.
 *
 * Trade-off: sampling is WITH replacement (i.i.d. pairs, exactly what the u estimator assumes,
 * O(1) memory beyond the output). When the request reaches the number of distinct pairs, every
 * pair is returned once instead, in row order (`exhaustive: true`): on small data the u
 * estimate is then exact rather than noisy. Same (pairs, rows, seed) → same output everywhere
 * (xoshiro128** from src/util/rng.ts).
 */
import { KhopError } from '../errors.js';
import { Rng } from '../util/rng.js';

/** Row counts of a link job: left and right dataset. */
export interface LinkRows {
  readonly left: number;
  readonly right: number;
}

/** Result of {@link sampleRandomPairs}. */
export interface RandomPairs {
  /** Left row of each pair (dedupe: the smaller row). */
  readonly left: Uint32Array;
  /** Right row of each pair (dedupe: the larger row; link: a row of the right dataset). */
  readonly right: Uint32Array;
  /** Number of pairs (= requested, or all distinct pairs when fewer). */
  readonly count: number;
  /** True when every distinct pair was returned once instead of sampling. */
  readonly exhaustive: boolean;
}

/** Largest number of pairs one call returns. */
export const MAX_RANDOM_PAIRS = 2 ** 30;

/**
 * `pairs` seeded random record pairs among `rows` rows (dedupe) or `{ left, right }` rows (link).
 * @throws KhopError INVALID_ARGUMENT on a bad count, row count or seed.
 */
export function sampleRandomPairs(pairs: number, rows: number | LinkRows, seed: number): RandomPairs {
  if (!Number.isInteger(pairs) || pairs < 0 || pairs > MAX_RANDOM_PAIRS) {
    throw new KhopError('INVALID_ARGUMENT', `sampleRandomPairs: pairs must be an integer in 0..${MAX_RANDOM_PAIRS}`);
  }
  if (!Number.isSafeInteger(seed)) throw new KhopError('INVALID_ARGUMENT', 'sampleRandomPairs: seed must be a safe integer');
  const rng = new Rng(seed);
  if (typeof rows === 'number') {
    if (!Number.isInteger(rows) || rows < 2 || rows > 2 ** 32) {
      throw new KhopError('INVALID_ARGUMENT', 'sampleRandomPairs: rows must be an integer in 2..2^32 (dedupe needs two rows)');
    }
    const total = (rows * (rows - 1)) / 2;
    if (pairs >= total) return allDedupePairs(rows, total);
    const left = new Uint32Array(pairs);
    const right = new Uint32Array(pairs);
    for (let i = 0; i < pairs; i++) {
      const a = rng.int(rows);
      let b = rng.int(rows - 1);
      if (b >= a) b++;
      left[i] = a < b ? a : b;
      right[i] = a < b ? b : a;
    }
    return { left, right, count: pairs, exhaustive: false };
  }
  if (rows === null || typeof rows !== 'object') {
    throw new KhopError('INVALID_ARGUMENT', 'sampleRandomPairs: rows must be a number (dedupe) or { left, right } (link)');
  }
  const { left: nl, right: nr } = rows;
  if (!Number.isInteger(nl) || !Number.isInteger(nr) || nl < 1 || nr < 1 || nl > 2 ** 32 || nr > 2 ** 32) {
    throw new KhopError('INVALID_ARGUMENT', 'sampleRandomPairs: rows.left and rows.right must be integers in 1..2^32');
  }
  const total = nl * nr;
  if (pairs >= total) return allLinkPairs(nl, nr, total);
  const left = new Uint32Array(pairs);
  const right = new Uint32Array(pairs);
  for (let i = 0; i < pairs; i++) {
    left[i] = rng.int(nl);
    right[i] = rng.int(nr);
  }
  return { left, right, count: pairs, exhaustive: false };
}

function allDedupePairs(rows: number, total: number): RandomPairs {
  const left = new Uint32Array(total);
  const right = new Uint32Array(total);
  let p = 0;
  for (let a = 0; a < rows; a++) {
    for (let b = a + 1; b < rows; b++) {
      left[p] = a;
      right[p++] = b;
    }
  }
  return { left, right, count: total, exhaustive: true };
}

function allLinkPairs(nl: number, nr: number, total: number): RandomPairs {
  const left = new Uint32Array(total);
  const right = new Uint32Array(total);
  let p = 0;
  for (let a = 0; a < nl; a++) {
    for (let b = 0; b < nr; b++) {
      left[p] = a;
      right[p++] = b;
    }
  }
  return { left, right, count: total, exhaustive: true };
}
