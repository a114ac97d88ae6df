/**
 * Run the tasks of one phase on a pool and wait for ALL of them, then fail or succeed as one.
 *
 * Trade-off: on a failure the phase still waits for its other tasks to settle before it
 * rejects, so that no task of an abandoned phase is left writing into shared memory the
 * caller may reuse or free; the error reported is the one of the lowest failing part (the
 * report does not depend on thread timing). The phase name is added to the message.
 */
import { KhopError, isKhopError } from '../errors.js';
import type { KhopPool } from './pool.js';
import type { PackedTask, PoolTraffic } from './task-message.js';

/** Post `parts` as `task` on `pool`; `onPartDone(i)` after each part that succeeded. */
export async function runPhase(
  pool: KhopPool,
  traffic: PoolTraffic | undefined,
  phase: string,
  task: string,
  parts: readonly PackedTask[],
  onPartDone?: (part: number) => void,
): Promise<void> {
  const settled = await Promise.allSettled(
    parts.map(async (p, i) => {
      traffic?.add(p);
      await pool.run(task, p);
      onPartDone?.(i);
    }),
  );
  for (const s of settled) if (s.status === 'rejected') throw phaseError(phase, s.reason);
}

/** The error of a failed phase: pool errors get the phase name; others pass unchanged. */
export function phaseError(phase: string, e: unknown): unknown {
  if (isKhopError(e, 'WORKER_FAILED') || isKhopError(e, 'WORKER_TIMEOUT') || isKhopError(e, 'POOL_CLOSED')) {
    return new KhopError(e.code, `${phase} phase: ${e.message}`, { cause: e, details: { ...(e.details ?? {}), phase } });
  }
  return e;
}
