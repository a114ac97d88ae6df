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
 * thread, so the pool stays usable. `close()` ends every thread (running tasks reject with
 * POOL_CLOSED) and a closed pool rejects new tasks with POOL_CLOSED. Threads are unref'd by
 * piscina while idle: a pool that is never closed does not keep the process alive.
 *
 * Trade-off: one fixed-size pool (minThreads = maxThreads) rather than piscina's elastic
 * default: khop's phases post a handful of CPU-bound tasks per thread and wait for all of them;
 * elastic threads would only add start-up latency between phases.
 */
import { availableParallelism } from 'node:os';
import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
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
}

/** Most threads a pool may have. */
export const MAX_POOL_THREADS = 256;

/** Defaults of {@link KhopPoolOptions} (threads: the available cores when this module loaded). */
export const DEFAULT_POOL_OPTIONS: Readonly<Required<KhopPoolOptions>> = Object.freeze({ threads: availableParallelism(), inCallingThread: true });

/** Counters of a pool (for diagnostics and benchmarks). */
export interface KhopPoolStats {
  /** Tasks started with run(). */
  readonly tasks: number;
  /** Tasks that rejected. */
  readonly failures: number;
}

export class KhopPool {
  /** Number of threads (1: in-thread). */
  readonly threads: number;
  /** The worker file (undefined for an in-thread pool). */
  readonly workerFile: string | undefined;
  private piscina: Piscina | null;
  private readonly local: TaskContext | null;
  private closed = false;
  private jobs = 0;
  private started = 0;
  private failed = 0;

  private constructor(threads: number, inCallingThread: boolean) {
    this.threads = threads;
    if (threads === 1 && inCallingThread) {
      this.piscina = null;
      this.local = new TaskContext();
      this.workerFile = undefined;
      return;
    }
    const where = workerLocation();
    this.workerFile = where.filename;
    this.local = null;
    this.piscina = new Piscina({
      filename: where.filename,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
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
    const threads = options.threads ?? DEFAULT_POOL_OPTIONS.threads;
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_POOL_THREADS) {
      throw new KhopError('INVALID_OPTION', `threads: an integer in 1..${MAX_POOL_THREADS}`, { details: { option: 'threads' } });
    }
    const inCallingThread = options.inCallingThread ?? DEFAULT_POOL_OPTIONS.inCallingThread;
    if (typeof inCallingThread !== 'boolean') {
      throw new KhopError('INVALID_OPTION', 'inCallingThread: a boolean', { details: { option: 'inCallingThread' } });
    }
    return new KhopPool(threads, inCallingThread);
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
    return { tasks: this.started, failures: this.failed };
  }

  /** A new pool-unique job id (≥ 1): the key under which threads cache a job's state. */
  nextJobId(): number {
    return ++this.jobs;
  }

  /**
   * Run task `taskName` (see task-registry.ts) with `payload`; `transferList` moves buffers
   * instead of copying them (they become unusable here).
   * @throws (rejects) KhopError INVALID_ARGUMENT for an unknown task, POOL_CLOSED after close(),
   *   WORKER_FAILED when the task throws or its thread dies (in-thread: the task's own error).
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
    const message: WorkerMessage = { task: taskName, payload };
    try {
      return (await this.piscina!.run(message, transferList !== undefined ? { transferList: transferList as TransferListItem[] } : {})) as T;
    } catch (e) {
      this.failed++;
      if (this.closed) throw new KhopError('POOL_CLOSED', `the pool was closed while task "${taskName}" ran`, { cause: e });
      throw new KhopError('WORKER_FAILED', `worker task "${taskName}" failed: ${describeFailure(e)}`, { cause: e, details: { task: taskName } });
    }
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
