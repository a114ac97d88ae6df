/**
 * EM training (trainEM of src/score/expectation-maximisation.ts) with the E-step on the pool.
 *
 * A session whose pairs fall into at most MAX_EM_PATTERNS patterns of levels (emPatterns: every
 * blocked session of the default rules) is iterated in the calling thread over its patterns,
 * as trainEM does — bit-identical to it. Only a session with more patterns goes to the pool.
 *
 * Same model, sessions, M-step, convergence rule, averaging over sessions and diagnostics as
 * `trainEM`; only the E-step is split: each iteration the main thread writes the ln(m/u) table
 * into shared memory, the tasks (match.em) fill one accumulator per FIXED pair range
 * (pair-ranges.ts), and the main thread adds the accumulators in range order before
 * `emMaximise`. So the result does not depend on the number of threads or on task timing, and
 * when a session fits in one range it is bit-identical to `trainEM` (0 + x = x).
 *
 *   accumulators (shared): [ range 0: Σp | pairs | Σp per (k, level) ][ range 1: … ] …
 *                            └──────── emAccumulatorLength(K) ────────┘
 *
 * Trade-off: one round trip to the pool per iteration and session (~0.1 ms per task plus the
 * wait for the slowest task), against E-steps of up to 2M pairs: worth it from ~10^5 pairs.
 */
import { LEVEL_SHIFT } from '../score/comparison-spec.js';
import {
  EM_ACC_LEVELS,
  EM_ACC_PAIRS,
  EM_ACC_POSTERIOR_SUM,
  emAccumulatorLength,
  emMaximise,
  emPatterns,
  iterateSession,
  emStepTable,
  beginSession,
  beginTraining,
  combineSessions,
  endSession,
  type EmOptions,
  type EmResult,
  type EmSession,
} from '../score/expectation-maximisation.js';
import { FellegiSunterModel } from '../score/fellegi-sunter.js';
import type { KhopPool } from './pool.js';
import { pairRanges, taskGroups, UNIFORM_TASKS_PER_THREAD } from './pair-ranges.js';
import { runPhase } from './phase-runner.js';
import { packTask, type PoolTraffic } from './task-message.js';
import type { EmTaskArgs, EmTaskShared } from './match-tasks.js';
import { sharedFloat64 } from './shared-arrays.js';

/** Where the E-steps run. */
export interface EmRunner {
  readonly pool: KhopPool;
  /** Job id stamped on the tasks (0: none). */
  readonly jobId?: number;
  readonly traffic?: PoolTraffic;
  /** Most patterns a session is grouped into before its E-steps go to the pool (default MAX_EM_PATTERNS; tests). */
  readonly maxPatterns?: number;
}

/**
 * Train m by EM (see trainEM for the model and the options), E-steps on `run.pool`. Session
 * level columns must be on SharedArrayBuffer when the pool has worker threads.
 * @throws (rejects) KhopError INVALID_OPTION / INVALID_ARGUMENT as trainEM; WORKER_FAILED.
 */
export async function trainEmParallel(run: EmRunner, sessions: readonly EmSession[], init: FellegiSunterModel, options: EmOptions = {}, phase = 'train'): Promise<EmResult> {
  const t = beginTraining('trainEmParallel', sessions, init, options);
  const { opts, K, levelCounts, diagnostics, mSums, uSums, estimates } = t;
  const accLen = emAccumulatorLength(K);
  const lbf = sharedFloat64(K << LEVEL_SHIFT);

  for (let si = 0; si < sessions.length; si++) {
    const session = sessions[si]!;
    const start = beginSession(t, session, si);
    const { histogram, activeList, active, params } = start;
    // The usual session: its patterns, a few hundred, iterated here — no round trips.
    const patterns = emPatterns(session.levels, session.count, active, levelCounts, run.maxPatterns);
    if (patterns !== null) {
      endSession(t, session, start, iterateSession(t, start, patterns));
      continue;
    }
    const ranges = pairRanges(session.count);
    const groups = taskGroups(ranges, run.pool.threads, UNIFORM_TASKS_PER_THREAD);
    const accumulators = sharedFloat64(ranges.ranges * accLen);
    const shared: EmTaskShared = { levels: session.levels, logBayesFactors: lbf, accumulators };
    const acc = new Float64Array(accLen);
    // The accumulator slots an E-step can touch: Σp, the pair count, and levels 0 … L−1 of the
    // active comparisons (beginSession's level check proved no level is larger) — ~30 of ~1,800 slots.
    const slots: number[] = [EM_ACC_POSTERIOR_SUM, EM_ACC_PAIRS];
    for (const k of activeList) for (let l = 0; l < levelCounts[k]!; l++) slots.push(EM_ACC_LEVELS + (k << LEVEL_SHIFT) + l);
    const slotList = Uint32Array.from(slots);
    let iterations = 0;
    let converged = false;
    let maxChange = Number.POSITIVE_INFINITY;
    while (iterations < opts.maxIterations) {
      const table = emStepTable(params, levelCounts, active);
      // Written before the tasks are posted; posting orders this write before their reads.
      lbf.set(table.logBayesFactors);
      const parts = groups.map((g, i) => {
        const args: EmTaskArgs = { fromRange: g.fromRange, toRange: g.toRange, size: ranges.size, count: session.count, active: activeList, logPriorOdds: table.logPriorOdds };
        return packTask(run.jobId ?? 0, i, args, shared);
      });
      await runPhase(run.pool, run.traffic, phase, 'match.em', parts);
      // Fixed order: range 0, 1, 2, … (never the order the tasks finished in).
      acc.fill(0);
      for (let r = 0; r < ranges.ranges; r++) {
        const base = r * accLen;
        for (let i = 0; i < slotList.length; i++) {
          const j = slotList[i]!;
          acc[j] += accumulators[base + j]!;
        }
      }
      maxChange = emMaximise(acc, levelCounts, active, params, opts.estimatePrior, opts.fixU ? undefined : histogram);
      iterations++;
      if (maxChange <= opts.tolerance) {
        converged = true;
        break;
      }
    }
    endSession(t, session, start, { iterations, converged, maxChange });
  }

  return combineSessions(init, mSums, uSums, estimates, opts.fixU, diagnostics);
}
