/**
 * The task registry: every task a KhopPool can run, by name. The worker entry (worker.ts) and
 * an in-thread pool (`threads: 1`) both dispatch through {@link runTask}, so a task runs the
 * same code on a worker thread and in the calling thread.
 *
 * Adding a task (e.g. batch authentication for the register):
 *   1. write the handler in its own file under src/<module>/ or src/pool/:
 *        export function authenticateBatchTask(payload: MyPayload, context: TaskContext): MyResult
 *      The payload is whatever the caller posts: structured-cloneable (SharedArrayBuffer views
 *      are shared, other typed arrays copied, or moved with a transferList). Prefer the
 *      PackedTask shape (task-message.ts): plain arguments packed with msgpackr, bulk data on
 *      SharedArrayBuffer. Results travel back by structured clone (keep them small, or write
 *      them into shared memory the caller allocated). Keep per-job state (an index bound to
 *      a shared store…) in `context.job(key, released, build)`, not in module variables.
 *   2. add it to TASKS below under a dotted name ('register.authenticate').
 *   3. call it: `await pool.run('register.authenticate', payload, transferList?)`.
 * A handler may be async. Throw KhopError for bad input: the pool rejects with WORKER_FAILED
 * naming the task and the error's code (messages of KhopErrors carry no record values, other
 * errors are reported by their name only).
 */
import { KhopError } from '../errors.js';
import type { TaskContext } from './task-context.js';
import { compareTask, emTask, lambdaTask, scoreTask } from './match-tasks.js';
import { AUTHENTICATE_TASK, authenticateTask } from '../register/parallel-authenticate.js';
import { AUTHENTICATE_TABLE_TASK, authenticateTableTask } from '../register/authenticate-all.js';
import { AUTHENTICATE_PIECE_TASK, authenticatePieceTask } from '../register/claims-file.js';
import { INGEST_TASK, ingestTask } from './ingest-tasks.js';
import { CSV_INGEST_TASK, csvIngestTask } from './csv-ingest-task.js';
import { PREPARE_CSV_TASK, PREPARE_TASK, prepareCsvTask, prepareTask } from '../pipeline/parallel-prepare.js';
import { PERSON_NAME_INDEX_TASK, personNameIndexTask, TOKEN_SET_INDEX_TASK, tokenSetIndexTask } from './match-job.js';
import { STORE_PERMUTE_TASK, storePermuteTask } from '../register/block-order.js';
import {
  INDEX_CSR_TASK,
  INDEX_HISTOGRAM_TASK,
  INDEX_KEYS_TASK,
  INDEX_SCATTER_TASK,
  INDEX_SORT_TASK,
  indexCsrTask,
  indexHistogramTask,
  indexKeysTask,
  indexScatterTask,
  indexSortTask,
} from './index-tasks.js';
import { isMainThread, threadId } from 'node:worker_threads';

/** A task handler: the posted payload and the running thread's context. */
export type TaskHandler = (payload: never, context: TaskContext) => unknown;

/** Diagnostics: which thread ran the task, and the payload echoed back. */
function infoTask(payload: unknown): { threadId: number; isMainThread: boolean; echo: unknown } {
  return { threadId, isMainThread, echo: payload };
}

/** Longest wait of a 'pool.gate' task for its gate (so that a test that fails cannot hang). */
const GATE_WAIT_MS = 10_000;

/** How long a 'pool.gate' task yields to its thread's event loop (long enough for a queued message to arrive). */
const GATE_YIELD_MS = 20;

/**
 * Diagnostics (tests of the pool's hand-off): `cells` is an Int32Array on shared memory —
 * [0] tasks started, [1] tasks finished, [2 + index] this task's gate. The task counts itself
 * started, answers how many tasks had finished by then, yields to its thread's event loop for GATE_YIELD_MS,
 * blocks the thread until the gate is set to non-zero (at most GATE_WAIT_MS), then counts itself
 * finished.
 */
async function gateTask(payload: { cells?: unknown; index?: unknown }): Promise<{ finishedBefore: number }> {
  const cells = payload?.cells;
  const index = payload?.index;
  if (!(cells instanceof Int32Array) || !(cells.buffer instanceof SharedArrayBuffer) || !Number.isInteger(index) || (index as number) < 0 || 2 + (index as number) >= cells.length) {
    throw new KhopError('INVALID_ARGUMENT', 'pool.gate: cells must be a shared Int32Array with a gate cell for index');
  }
  const gate = 2 + (index as number);
  const finishedBefore = Atomics.load(cells, 1);
  Atomics.add(cells, 0, 1);
  Atomics.notify(cells, 0);
  // An await point, as real tasks have: a thread must not start another task here.
  await new Promise((resolve) => setTimeout(resolve, GATE_YIELD_MS));
  if (Atomics.load(cells, gate) === 0 && Atomics.wait(cells, gate, 0, GATE_WAIT_MS) === 'timed-out') {
    throw new KhopError('INTERNAL', 'pool.gate: the gate was not opened in time');
  }
  Atomics.add(cells, 1, 1);
  Atomics.notify(cells, 1);
  return { finishedBefore };
}

/** Every task, by name. */
export const TASKS: Readonly<Record<string, TaskHandler>> = Object.freeze({
  'pool.info': infoTask,
  'pool.gate': gateTask,
  'match.compare': compareTask,
  'match.em': emTask,
  'match.score': scoreTask,
  'match.lambda': lambdaTask,
  [TOKEN_SET_INDEX_TASK]: tokenSetIndexTask,
  [PERSON_NAME_INDEX_TASK]: personNameIndexTask,
  [AUTHENTICATE_TASK]: authenticateTask,
  [AUTHENTICATE_TABLE_TASK]: authenticateTableTask,
  [AUTHENTICATE_PIECE_TASK]: authenticatePieceTask,
  [INGEST_TASK]: ingestTask,
  [CSV_INGEST_TASK]: csvIngestTask,
  [PREPARE_TASK]: prepareTask,
  [PREPARE_CSV_TASK]: prepareCsvTask,
  [STORE_PERMUTE_TASK]: storePermuteTask,
  [INDEX_KEYS_TASK]: indexKeysTask,
  [INDEX_HISTOGRAM_TASK]: indexHistogramTask,
  [INDEX_SCATTER_TASK]: indexScatterTask,
  [INDEX_SORT_TASK]: indexSortTask,
  [INDEX_CSR_TASK]: indexCsrTask,
});

/** True when `name` is a registered task. */
export function isTaskName(name: unknown): name is string {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(TASKS, name);
}

/** Run task `name` with `payload` in the current thread. */
export function runTask(context: TaskContext, name: string, payload: unknown): unknown {
  if (!isTaskName(name)) throw new KhopError('INVALID_ARGUMENT', `unknown pool task "${String(name)}"`);
  return (TASKS[name] as (p: unknown, c: TaskContext) => unknown)(payload, context);
}
