/**
 * The parallel phases of dedupe() and link(), seen from the main thread: split a pair count
 * into fixed ranges (pair-ranges.ts), post one task per group of ranges (match-tasks.ts), wait
 * for all of them (phase-runner.ts), and — for sums — add the per-range partial sums in range
 * order.
 *
 *   computeLevels   pairs ──match.compare──► level columns                      in place
 *   scoreAll        level columns (+ tf per row) ──match.score──► match weights  in place
 *   sumPosteriors   evidence ──match.lambda──► Σ per range ──► Σ (range order)
 *
 * The same code runs for every thread count: a pool of one thread runs the tasks in the
 * calling thread. Results are bit-identical for any thread count.
 */
import type { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { KhopPool } from './pool.js';
import type { MatchJob } from './match-job.js';
import { pairRanges, rangeStart, taskGroups, UNIFORM_TASKS_PER_THREAD } from './pair-ranges.js';
import { runPhase } from './phase-runner.js';
import { packTask, type PackedTask, type PoolTraffic } from './task-message.js';
import type { CompareArgs, CompareShared, LambdaArgs, LambdaShared, ScoreArgs, ScoreShared } from './match-tasks.js';
import { sharedFloat64 } from './shared-arrays.js';

/** What a parallel phase runs on. */
export interface MatchRunner {
  readonly pool: KhopPool;
  /** The job (records and plan) the comparison tasks work on. */
  readonly job: MatchJob;
  /** Counts what the tasks post (optional). */
  readonly traffic?: PoolTraffic;
}

/**
 * Comparison levels of pairs 0 … count−1 (`left`, `right` and `levels` on SharedArrayBuffer,
 * each of length ≥ count): `levels[k][p]` for every pair p. `onProgress(done)` after each task.
 */
export async function computeLevels(
  run: MatchRunner,
  phase: string,
  left: Uint32Array,
  right: Uint32Array,
  count: number,
  levels: readonly Uint8Array[],
  onProgress?: (done: number) => void,
): Promise<void> {
  const r = pairRanges(count);
  const groups = taskGroups(r, run.pool.threads);
  const shared: CompareShared = { job: run.job.shared, left, right, levels };
  const parts: PackedTask[] = groups.map((g, i) => {
    const args: CompareArgs = { spec: run.job.spec, from: rangeStart(r, g.fromRange), to: rangeStart(r, g.toRange) };
    return packTask(run.job.id, i, args, shared);
  });
  let done = 0;
  await runPhase(run.pool, run.traffic, phase, 'match.compare', parts, (i) => {
    done += rangeStart(r, groups[i]!.toRange) - rangeStart(r, groups[i]!.fromRange);
    onProgress?.(done);
  });
}

/**
 * Match weights of pairs 0 … count−1 into `out` (all columns on SharedArrayBuffer). `tfRows[k]`:
 * term frequency per ROW of comparison k (or undefined); a pair's is its left row's
 * (`tfRows[k][left[p]]`, read only for pairs on a tf level — no per-pair tf column).
 */
export async function scoreAll(
  run: MatchRunner,
  phase: string,
  model: FellegiSunterModel,
  levels: readonly Uint8Array[],
  tfRows: ReadonlyArray<Float64Array | undefined>,
  left: Uint32Array,
  count: number,
  out: Float64Array,
): Promise<void> {
  const r = pairRanges(count);
  const groups = taskGroups(r, run.pool.threads, UNIFORM_TASKS_PER_THREAD);
  const json = model.toJSON();
  const shared: ScoreShared = { levels, tfRows: levels.map((_, k) => tfRows[k] ?? null), left, out };
  const parts = groups.map((g, i) => {
    const args: ScoreArgs = { model: json, from: rangeStart(r, g.fromRange), to: rangeStart(r, g.toRange) };
    return packTask(run.job.id, i, args, shared);
  });
  await runPhase(run.pool, run.traffic, phase, 'match.score', parts);
}

/**
 * Σ_p 1 / (1 + 2^−(evidence_p + logit)) over pairs 0 … count−1: per fixed range, then the
 * range sums in range order. `sums` (one slot per range, SharedArrayBuffer) may be reused
 * between calls of the same count (see {@link posteriorSumBuffer}).
 */
export async function sumPosteriors(run: MatchRunner, phase: string, evidence: Float64Array, count: number, logit: number, sums: Float64Array): Promise<number> {
  const r = pairRanges(count);
  const groups = taskGroups(r, run.pool.threads, UNIFORM_TASKS_PER_THREAD);
  const shared: LambdaShared = { evidence, sums };
  const parts = groups.map((g, i) => {
    const args: LambdaArgs = { fromRange: g.fromRange, toRange: g.toRange, size: r.size, count, logit };
    return packTask(run.job.id, i, args, shared);
  });
  await runPhase(run.pool, run.traffic, phase, 'match.lambda', parts);
  let total = 0;
  for (let i = 0; i < r.ranges; i++) total += sums[i]!;
  return total;
}

/** The per-range sums buffer of {@link sumPosteriors} for `count` pairs. */
export function posteriorSumBuffer(count: number): Float64Array {
  return sharedFloat64(pairRanges(count).ranges);
}
