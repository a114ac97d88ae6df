/**
 * TaskContext: what one thread keeps between tasks — the state of recent jobs, rebuilt once
 * per job (e.g. a comparison plan bound to a shared record store) and found again by job id.
 *
 * Each worker thread owns one context (module state of the worker entry); a pool of one
 * thread (`threads: 1`) owns one too, so both run the same task code.
 *
 * Trade-off: a thread cannot be told when a job ends (the pool picks the thread of each
 * task), so a job carries a `released` flag on shared memory that its owner sets when the job
 * is over; a context drops released jobs on its next task, and keeps at most
 * {@link MAX_CACHED_JOBS} jobs in any case (least recently used first out). Until then, the
 * cached state keeps the job's shared buffers alive in that thread.
 */

/** Jobs kept per thread. */
export const MAX_CACHED_JOBS = 4;

interface Entry {
  readonly state: unknown;
  readonly released: Int32Array | undefined;
}

export class TaskContext {
  private readonly jobs = new Map<string, Entry>();

  /**
   * The state of job `key`, built with `build` on first use. `released[0] ≠ 0` marks the job
   * over (checked on every call, for every cached job).
   */
  job<T>(key: string, released: Int32Array | undefined, build: () => T): T {
    this.sweep();
    const hit = this.jobs.get(key);
    if (hit !== undefined) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recent.
      this.jobs.delete(key);
      this.jobs.set(key, hit);
      return hit.state as T;
    }
    const state = build();
    this.jobs.set(key, { state, released });
    while (this.jobs.size > MAX_CACHED_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
    return state;
  }

  /**
   * The state of job `key` when this thread has it cached (and it is not released), else
   * undefined — for tasks that carry a job by id only once its threads are likely to have it.
   */
  cached<T>(key: string): T | undefined {
    this.sweep();
    const hit = this.jobs.get(key);
    if (hit === undefined) return undefined;
    this.jobs.delete(key);
    this.jobs.set(key, hit);
    return hit.state as T;
  }

  /** Number of cached jobs (after dropping released ones). */
  get size(): number {
    this.sweep();
    return this.jobs.size;
  }

  /** Drop every cached job. */
  clear(): void {
    this.jobs.clear();
  }

  private sweep(): void {
    for (const [key, e] of this.jobs) if (e.released !== undefined && Atomics.load(e.released, 0) !== 0) this.jobs.delete(key);
  }
}
