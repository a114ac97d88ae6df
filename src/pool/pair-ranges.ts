/**
 * Fixed pair ranges: the unit of work AND the unit of every floating-point reduction.
 *
 *   pairs   0 ────────────────────────────────────────────────────────────── count
 *   ranges  [ r0 ][ r1 ][ r2 ][ r3 ][ r4 ][ r5 ][ r6 ][ r7 ][ r8 ][ r9 ][r10]   ← depend on count only
 *   tasks   [ task 0        ][ task 1        ][ task 2        ][ task 3     ]   ← depend on threads
 *
 * Determinism: a sum over pairs (EM accumulators, the λ fixed point) is computed per RANGE,
 * sequentially inside the range, and the per-range partial sums are added by the main thread
 * in range order. The ranges depend on the pair count alone — never on the number of threads
 * or on which task finished first — so the result is bit-identical for any thread count
 * (floating-point addition is not associative; a fixed order makes it a function).
 *
 * Trade-off: at most {@link MAX_RANGES} ranges keep the main thread's reduction small
 * (ranges × accumulator length additions per EM iteration); at least {@link MIN_RANGE_PAIRS}
 * pairs per range keep small jobs splittable across threads (a 3,000-record test still has
 * several ranges). Range lengths are multiples of 1024 (the EM kernel's block).
 */
import { KhopError } from '../errors.js';

/** Fewest pairs in one range (except the last). */
export const MIN_RANGE_PAIRS = 1024;
/** Most ranges of one pair count. */
export const MAX_RANGES = 256;
/**
 * Tasks per thread of a phase whose cost per pair varies (comparisons): a few, so that a thread
 * slowed by a neighbour or by hard pairs does not hold up the phase, and progress is reported
 * a few times per phase even in the calling thread.
 */
export const TASKS_PER_THREAD = 4;
/**
 * Tasks per thread of a phase of uniform, cheap work (scoring, E-steps, λ sums: nanoseconds per
 * pair), where each extra task's round trip (~0.2 ms) is a visible share of the phase.
 */
export const UNIFORM_TASKS_PER_THREAD = 2;

/** The fixed ranges of `count` pairs: range r is [r · size, min(count, (r + 1) · size)). */
export interface PairRanges {
  readonly count: number;
  /** Pairs per range (the last may hold fewer). */
  readonly size: number;
  /** Number of ranges (0 when count is 0). */
  readonly ranges: number;
}

/** The ranges of `count` pairs (a function of `count` only). */
export function pairRanges(count: number): PairRanges {
  if (!Number.isSafeInteger(count) || count < 0) throw new KhopError('INVALID_ARGUMENT', 'pairRanges: count must be a safe integer ≥ 0');
  // size = max(MIN, ⌈count / MAX_RANGES⌉ rounded up to a multiple of 1024)
  const wanted = Math.ceil(count / MAX_RANGES);
  const size = Math.max(MIN_RANGE_PAIRS, Math.ceil(wanted / 1024) * 1024);
  return { count, size, ranges: Math.ceil(count / size) };
}

/** First pair of range r. */
export function rangeStart(r: PairRanges, range: number): number {
  return Math.min(r.count, range * r.size);
}

/**
 * Task groups: `min(ranges, threads × tasksPerThread)` contiguous runs of ranges
 * [fromRange, toRange), as even as possible.
 */
export function taskGroups(r: PairRanges, threads: number, tasksPerThread: number = TASKS_PER_THREAD): Array<{ readonly fromRange: number; readonly toRange: number }> {
  const tasks = Math.min(r.ranges, Math.max(1, threads) * Math.max(1, tasksPerThread));
  const out: Array<{ fromRange: number; toRange: number }> = [];
  for (let t = 0; t < tasks; t++) {
    out.push({ fromRange: Math.floor((t * r.ranges) / tasks), toRange: Math.floor(((t + 1) * r.ranges) / tasks) });
  }
  return out;
}
