/**
 * KhopPool: khop's worker-thread pool (piscina) — or, with `threads: 1`, no thread at all.
 *
 *   KhopPool.create({ threads })
 *     threads ≥ 2 ─► piscina pool of exactly `threads` workers (started at once, kept until
 *                    close()), each running worker.ts → task-registry.ts
 *     threads = 1 ─► in-thread: run() calls the same task-registry.ts handlers in the calling
 *                    thread (after a microtask), with its own TaskContext — unless
 *                    `inCallingThread: false`, which makes it one worker thread (for work that
 *                    the calling thread shares with the pool, e.g. pooled authenticateMany)
 *
 * Tasks are named (task-registry.ts lists them and explains how to add one); payloads are
 * structured-cloneable, ideally a PackedTask (msgpackr arguments + SharedArrayBuffer views).
 *
 * Failure: a task that throws, or a worker thread that dies, rejects that run() with
 * KhopError('WORKER_FAILED') naming the task (never a record value); piscina replaces a dead
 * thread, so the pool stays usable.
 *
 * Timeout (issue 7, "no hang"): with `taskTimeoutMs` finite, each run() passes piscina an
 * AbortSignal. The clock starts when a worker thread picks the task up — the worker sets a
 * 4-byte shared flag (`WorkerMessage.started`) that the pool awaits with Atomics.waitAsync —
 * so time spent queued behind other tasks or waiting for a thread to boot does not count.
 * When it fires, the signal aborts: piscina terminates the thread running the task (a
 * synchronous infinite loop included: Worker.terminate() interrupts running JavaScript) and
 * starts a replacement at once, and run() rejects with KhopError('WORKER_TIMEOUT') naming the
 * task and the limit (`details: { task, timeoutMs }`). The timer is unref'd and cleared when
 * the task settles, and the start waiter is woken then too, so neither keeps the process
 * alive. Default: no limit (Infinity), and then no signal, flag or timer at all — a
 * national-scale phase can legitimately run a task for minutes; callers who serve requests
 * set a limit. An in-thread pool cannot preempt synchronous code in its own thread, so there
 * the option is accepted and ignored (`taskTimeoutMs` reads Infinity). `close()` ends every thread (running tasks reject with
 * POOL_CLOSED) and a closed pool rejects new tasks with POOL_CLOSED. Threads are unref'd by
 * piscina while idle: a pool that is never closed does not keep the process alive.
 *
 * Hand-off: piscina gives each worker thread up to `tasksPerWorker` (default 2) tasks at once, and
 * worker.ts runs them one after the other. So the next task is already in the thread when the
 * current one ends, and the thread goes on at once. With one task a thread, the next one waited
 * in piscina's queue in the calling thread until that thread's event loop had seen the result —
 * while the calling thread was busy with its own share of the work (authenticateAll's slices,
 * ingest and prepare chunks) the worker sat idle, each time, for up to one of those slices.
 * Measured with bench/register/parallel.ts, which runs both settings in the same process
 * (BENCHMARKS.md, "Batch authentication"); scoring, EM and prepare, whose calling thread waits
 * or takes little work, measured the same within noise.
 * Cost: a task is bound to its thread when it is posted, not when a thread frees up, so at the
 * end of a phase a thread may still hold waiting tasks while another is idle (tasksPerWorker − 1
 * at most: one by default); and a thread that dies takes the tasks waiting behind the running one
 * with it (those run() reject with WORKER_FAILED). With a finite `taskTimeoutMs` every task
 * carries an abort signal, and piscina places such a task only on an idle thread and never
 * behind one: a timed pool hands off as with one task a thread, and a timeout stops only its
 * own task (tested). A task's timeout clock starts when it starts running, as before.
 *
 * Trade-off: one fixed-size pool (minThreads = maxThreads) rather than piscina's elastic
 * default: khop's phases post a handful of CPU-bound tasks per thread and wait for all of them;
 * elastic threads would only add start-up latency between phases.
 */
import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { checkOptionKeys } from '../util/option-keys.js';
import { KhopError } from '../errors.js';
import { TaskContext } from './task-context.js';
import { isTaskName, runTask } from './task-registry.js';
import { workerLocation } from './worker-location.js';
import type { WorkerMessage } from './worker.js';

/** Options of {@link KhopPool.create}. */
export interface KhopPoolOptions {
  /**
   * Threads, an integer in 1..256. `1` creates no thread: tasks run in the calling thread.
   * Default: `os.availableParallelism()`.
   */
  threads?: number;
  /**
   * With `threads: 1`: run tasks in the calling thread (true, the default) or in one worker
   * thread (false). Ignored for more threads (always workers).
   */
  inCallingThread?: boolean;
  /**
   * Longest time in ms a task may RUN on a worker thread (queue time excluded): a positive
   * integer up to {@link MAX_TASK_TIMEOUT_MS}, or `Infinity` for no limit. A task that runs
   * longer has its thread terminated (piscina starts a replacement) and its run() rejects with
   * WORKER_TIMEOUT. Worker threads only: an in-thread pool (`threads: 1` in the calling
   * thread) cannot interrupt synchronous code and ignores it.
   * Default: `Infinity` — one task of a national-scale phase can legitimately run for minutes,
   * so no limit fits every caller; callers who serve requests should set one.
   */
  taskTimeoutMs?: number;
  /**
   * Tasks handed to a worker thread at once (an integer in 1..{@link MAX_TASKS_PER_WORKER}); the
   * thread runs them one after the other. With 2 or more, a thread that finishes a task starts
   * the next at once, even while the calling thread is busy. Default {@link TASKS_PER_WORKER}.
   */
  tasksPerWorker?: number;
}

/**
 * Default {@link KhopPoolOptions.tasksPerWorker}: the task a worker thread runs and the next,
 * which waits in the thread's own message queue. See the file header, "Hand-off".
 */
export const TASKS_PER_WORKER = 2;

/** Largest {@link KhopPoolOptions.tasksPerWorker}. */
export const MAX_TASKS_PER_WORKER = 16;

/** Most threads a pool may have. */
export const MAX_POOL_THREADS = 256;

/**
 * Largest finite `taskTimeoutMs`: setTimeout's limit (2^31 − 1 ms, about 24.8 days). Node turns
 * a longer delay into 1 ms, so a larger value is refused rather than silently firing at once.
 */
export const MAX_TASK_TIMEOUT_MS = 2 ** 31 - 1;

/** Defaults of {@link KhopPoolOptions} (threads: the available cores when this module loaded). */
export const DEFAULT_POOL_OPTIONS: Readonly<Required<KhopPoolOptions>> = Object.freeze({
  threads: availableParallelism(),
  inCallingThread: true,
  taskTimeoutMs: Number.POSITIVE_INFINITY,
  tasksPerWorker: TASKS_PER_WORKER,
});

/** Counters of a pool (for diagnostics and benchmarks). */
export interface KhopPoolStats {
  /** Tasks started with run(). */
  readonly tasks: number;
  /** Tasks that rejected (timeouts included). */
  readonly failures: number;
  /** Tasks that rejected with WORKER_TIMEOUT. */
  readonly timeouts: number;
}

/** Atomics.waitAsync (ES2024: in Node ≥ 16, but not in this project's ES2023 TypeScript lib). */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync: WaitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync.bind(Atomics);

/** The keys of KhopPoolOptions (others are refused). */
const POOL_OPTION_KEYS: ReadonlySet<string> = new Set(['threads', 'inCallingThread', 'taskTimeoutMs', 'tasksPerWorker']);

export class KhopPool {
  /** Number of threads (1: in-thread). */
  readonly threads: number;
  /** The worker file (undefined for an in-thread pool). */
  readonly workerFile: string | undefined;
  /** Longest run time of a task on a worker thread, in ms (Infinity: no limit; always Infinity in-thread). */
  readonly taskTimeoutMs: number;
  private piscina: Piscina | null;
  private readonly local: TaskContext | null;
  private closed = false;
  private jobs = 0;
  private started = 0;
  private failed = 0;
  private timedOut = 0;

  private constructor(threads: number, inCallingThread: boolean, taskTimeoutMs: number, tasksPerWorker: number) {
    this.threads = threads;
    if (threads === 1 && inCallingThread) {
      this.taskTimeoutMs = Number.POSITIVE_INFINITY;
      this.piscina = null;
      this.local = new TaskContext();
      this.workerFile = undefined;
      return;
    }
    this.taskTimeoutMs = taskTimeoutMs;
    const where = workerLocation();
    this.workerFile = where.filename;
    this.local = null;
    this.piscina = new Piscina({
      filename: where.filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: tasksPerWorker,
      ...(where.execArgv !== undefined ? { execArgv: where.execArgv } : {}),
    });
    // piscina emits 'error' when a thread fails with no task in flight; an EventEmitter with no
    // 'error' listener would throw it at the process. The failing task (if any) already
    // rejected; a replacement thread is started by piscina.
    this.piscina.on('error', () => {});
  }

  /**
   * A pool of `threads` threads (see {@link KhopPoolOptions}). Worker threads start at once.
   * @throws KhopError INVALID_OPTION on a bad option; WORKER_FAILED when the worker file is missing.
   */
  static create(options: KhopPoolOptions = {}): KhopPool {
    if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'KhopPool.create: options must be an object');
    checkOptionKeys('KhopPool.create', options, POOL_OPTION_KEYS);
    const threads = options.threads === undefined ? DEFAULT_POOL_OPTIONS.threads : options.threads;
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_POOL_THREADS) {
      throw new KhopError('INVALID_OPTION', `threads: an integer in 1..${MAX_POOL_THREADS}`, { details: { option: 'threads' } });
    }
    const inCallingThread = options.inCallingThread ?? DEFAULT_POOL_OPTIONS.inCallingThread;
    if (typeof inCallingThread !== 'boolean') {
      throw new KhopError('INVALID_OPTION', 'inCallingThread: a boolean', { details: { option: 'inCallingThread' } });
    }
    const taskTimeoutMs = options.taskTimeoutMs ?? DEFAULT_POOL_OPTIONS.taskTimeoutMs;
    if (taskTimeoutMs !== Number.POSITIVE_INFINITY && (!Number.isInteger(taskTimeoutMs) || taskTimeoutMs < 1 || taskTimeoutMs > MAX_TASK_TIMEOUT_MS)) {
      throw new KhopError('INVALID_OPTION', `taskTimeoutMs: an integer in 1..${MAX_TASK_TIMEOUT_MS} (ms), or Infinity`, { details: { option: 'taskTimeoutMs' } });
    }
    const tasksPerWorker = options.tasksPerWorker ?? DEFAULT_POOL_OPTIONS.tasksPerWorker;
    if (!Number.isInteger(tasksPerWorker) || tasksPerWorker < 1 || tasksPerWorker > MAX_TASKS_PER_WORKER) {
      throw new KhopError('INVALID_OPTION', `tasksPerWorker: an integer in 1..${MAX_TASKS_PER_WORKER}`, { details: { option: 'tasksPerWorker' } });
    }
    return new KhopPool(threads, inCallingThread, taskTimeoutMs, tasksPerWorker);
  }

  /** True when tasks run in the calling thread (threads: 1). */
  get inThread(): boolean {
    return this.local !== null;
  }

  /** True once close() was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Worker threads currently running (0 for an in-thread or closed pool). */
  get liveThreads(): number {
    return this.piscina?.threads.length ?? 0;
  }

  get stats(): KhopPoolStats {
    return { tasks: this.started, failures: this.failed, timeouts: this.timedOut };
  }

  /** A new pool-unique job id (≥ 1): the key under which threads cache a job's state. */
  nextJobId(): number {
    return ++this.jobs;
  }

  /**
   * Run task `taskName` (see task-registry.ts) with `payload`; `transferList` moves buffers
   * instead of copying them (they become unusable here).
   * @throws (rejects) KhopError INVALID_ARGUMENT for an unknown task, POOL_CLOSED after close(),
   *   WORKER_FAILED when the task throws or its thread dies (in-thread: the task's own error),
   *   WORKER_TIMEOUT when it runs longer than `taskTimeoutMs` on a worker thread.
   */
  async run<T = unknown>(taskName: string, payload: unknown, transferList?: readonly TransferListItem[]): Promise<T> {
    if (this.closed) throw new KhopError('POOL_CLOSED', `the pool is closed (task "${String(taskName)}")`);
    if (!isTaskName(taskName)) throw new KhopError('INVALID_ARGUMENT', `unknown pool task "${String(taskName)}"`);
    this.started++;
    if (this.local !== null) {
      await Promise.resolve();
      try {
        return (await runTask(this.local, taskName, payload)) as T;
      } catch (e) {
        this.failed++;
        throw e;
      }
    }
    const limit = this.taskTimeoutMs;
    const transfer = transferList !== undefined ? { transferList: transferList as TransferListItem[] } : {};
    if (limit === Number.POSITIVE_INFINITY) {
      try {
        return (await this.piscina!.run({ task: taskName, payload } satisfies WorkerMessage, transfer)) as T;
      } catch (e) {
        throw this.failure(taskName, e);
      }
    }
    // Timed run (see the file header): the worker sets started[0] = 1 when it picks the task
    // up; that starts the clock, and the clock aborts the task.
    const started = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let expired = false;
    const startClock = (): void => {
      if (settled) return;
      timer = setTimeout(() => {
        expired = true;
        controller.abort();
      }, limit);
      timer.unref();
    };
    const wait = waitAsync(started, 0, 0);
    if (wait.async) void wait.value.then(startClock);
    else startClock();
    try {
      return (await this.piscina!.run({ task: taskName, payload, started } satisfies WorkerMessage, { ...transfer, signal: controller.signal })) as T;
    } catch (e) {
      if (expired && !this.closed) {
        this.failed++;
        this.timedOut++;
        throw new KhopError('WORKER_TIMEOUT', `worker task "${taskName}" ran longer than its limit of ${limit} ms; its thread was stopped and replaced`, {
          cause: e,
          details: { task: taskName, timeoutMs: limit },
        });
      }
      throw this.failure(taskName, e);
    } finally {
      settled = true;
      clearTimeout(timer);
      // A task that never started (the pool closed first) leaves the waiter pending: wake it,
      // so that it neither lingers nor starts a clock (startClock sees `settled`).
      Atomics.notify(started, 0);
    }
  }

  /** The error of a run() that rejected on a worker thread (counted as a failure). */
  private failure(taskName: string, e: unknown): KhopError {
    this.failed++;
    if (this.closed) return new KhopError('POOL_CLOSED', `the pool was closed while task "${taskName}" ran`, { cause: e });
    return new KhopError('WORKER_FAILED', `worker task "${taskName}" failed: ${describeFailure(e)}`, { cause: e, details: { task: taskName } });
  }

  /** End every thread (running tasks reject with POOL_CLOSED). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.local?.clear();
    const p = this.piscina;
    this.piscina = null;
    if (p !== null) await p.destroy();
  }
}

/** What went wrong in a worker, as safe text (worker.ts only lets codes and error names out). */
function describeFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const exit = /^worker exited with code: (-?\d+)/.exec(message);
  if (exit) return `the worker thread exited (code ${exit[1]})`;
  if (/^[A-Z_]+: /.test(message) || / \(message withheld\)$/.test(message)) return message;
  return e instanceof Error ? `${e.name} (message withheld)` : 'unknown error';
}
