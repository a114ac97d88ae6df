/**
 * The pool's worker entry (built to dist/worker.cjs; piscina loads it in every worker thread).
 *
 * It dispatches each message `{ task, payload }` to the task registry with this thread's
 * TaskContext (the only module state: per-thread caches of job state, see task-context.ts).
 *
 * Errors leave the thread as a plain Error whose message is safe to show: a KhopError's code
 * and message (KhopError messages never hold record values), or only the NAME of any other
 * error (its message might quote data). The main thread turns it into
 * KhopError('WORKER_FAILED').
 *
 * One task at a time: piscina posts a thread up to `tasksPerWorker` tasks (pool.ts), and each
 * starts only when the one before it has settled, so a thread's tasks never interleave at their
 * await points (task state such as a register's search scratch is not re-entrant) and a task's
 * clock starts when it starts running.
 *
 * Timed tasks: a message with `started` (a pool with a finite `taskTimeoutMs`) has its flag
 * set to 1 and notified before the task runs; that starts the pool's clock (see pool.ts).
 *
 * Fault injection, for tests only: when the environment variable KHOP_POOL_FAULT holds JSON
 * `{ "task": "match.compare", "part": 1, "job": 1, "mode": "throw" | "exit" | "hang" }`, the
 * matching task (same name; same `part` and `job` fields of its payload when given) throws,
 * ends the thread with `process.exit(70)` (a worker's process.exit ends only that thread), or
 * spins in a synchronous infinite loop (only a terminated thread gets out: the pool's
 * `taskTimeoutMs`). It is read once, when the thread starts; the in-thread pool (threads: 1)
 * never reads it.
 */
import { isKhopError, KhopError } from '../errors.js';
import { TaskContext } from './task-context.js';
import { runTask } from './task-registry.js';

/** What the pool posts to a worker. */
export interface WorkerMessage {
  readonly task: string;
  readonly payload: unknown;
  /**
   * Set only by a pool with a finite `taskTimeoutMs`: a one-element Int32Array on a
   * SharedArrayBuffer (0 when posted) that this thread sets to 1, and notifies, as it starts
   * the task.
   */
  readonly started?: Int32Array;
}

interface Fault {
  readonly task: string;
  readonly part?: number;
  readonly job?: number;
  readonly mode: 'throw' | 'exit' | 'hang';
}

/** This thread's job caches. */
const context = new TaskContext();
const fault = parseFault(process.env['KHOP_POOL_FAULT']);

/** Exit code of an injected thread death. */
export const FAULT_EXIT_CODE = 70;

/** The task this thread runs or last ran: the next one starts when it has settled. */
let previous: Promise<unknown> = Promise.resolve();

export default function khopWorker(message: WorkerMessage): Promise<unknown> {
  const run = previous.then(() => runOne(message));
  previous = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

async function runOne(message: WorkerMessage): Promise<unknown> {
  if (message.started !== undefined) {
    Atomics.store(message.started, 0, 1);
    Atomics.notify(message.started, 0);
  }
  try {
    if (fault !== undefined) injectFault(fault, message);
    return await runTask(context, message.task, message.payload);
  } catch (e) {
    throw safeError(e);
  }
}

function injectFault(f: Fault, message: WorkerMessage): void {
  if (message.task !== f.task) return;
  const p = message.payload as { part?: unknown; job?: unknown } | null;
  if (f.part !== undefined && (p === null || typeof p !== 'object' || p.part !== f.part)) return;
  if (f.job !== undefined && (p === null || typeof p !== 'object' || p.job !== f.job)) return;
  if (f.mode === 'exit') process.exit(FAULT_EXIT_CODE);
  if (f.mode === 'hang') spinForever();
  throw new KhopError('INTERNAL', 'injected test fault');
}

/** A stuck task: a synchronous loop that never yields (V8 still polls for termination on its back edge). */
function spinForever(): never {
  for (;;) {
    // spin: nothing here ends the loop; only Worker.terminate() does
  }
}

function parseFault(text: string | undefined): Fault | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const f = JSON.parse(text) as Fault;
    return typeof f === 'object' && f !== null && typeof f.task === 'string' && (f.mode === 'throw' || f.mode === 'exit' || f.mode === 'hang') ? f : undefined;
  } catch {
    return undefined;
  }
}

/** An Error that is safe to carry out of the thread (see the file header). */
function safeError(e: unknown): Error {
  if (isKhopError(e)) return new Error(`${e.code}: ${e.message}`);
  const name = e instanceof Error ? e.name : typeof e;
  return new Error(`${name} (message withheld)`);
}
