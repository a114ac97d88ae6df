// KhopPoolOptions.taskTimeoutMs (issue 7, "no hang"): a task stuck in an infinite loop on a
// worker thread rejects with WORKER_TIMEOUT, its thread is replaced and the pool stays usable.
// Stuck tasks come from worker.ts's fault injection (KHOP_POOL_FAULT mode "hang": a synchronous
// infinite loop), as failure.test.ts injects throws and exits. Time bounds are generous
// (10× the limit): they check that nothing hangs, not how fast the timeout is.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { performance } from 'node:perf_hooks';
import { dedupe } from '../../src/pipeline/match.js';
import { DEFAULT_POOL_OPTIONS, KhopPool, MAX_TASK_TIMEOUT_MS, type KhopPoolOptions } from '../../src/pool/pool.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { faultyPool } from './faulty-pool.js';

type Info = { threadId: number; isMainThread: boolean; echo: unknown };

/** The rejection of `p` (null when it resolves) and the ms it took to settle. */
async function settle(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t = performance.now();
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  return { error, ms: performance.now() - t };
}

/** WORKER_TIMEOUT naming `task` and the limit (`exact`: no other details, e.g. an operation's phase). */
function expectTimeout(e: unknown, task: string, timeoutMs: number, exact = true): void {
  expect(isKhopError(e, 'WORKER_TIMEOUT')).toBe(true);
  const err = e as KhopError;
  if (exact) expect(err.details).toEqual({ task, timeoutMs });
  else expect(err.details).toMatchObject({ task, timeoutMs });
  expect(err.message).toContain(`"${task}"`);
  expect(err.message).toContain(`${timeoutMs} ms`);
}

describe('KhopPoolOptions.taskTimeoutMs', () => {
  let pool: KhopPool | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await pool?.close();
    pool = undefined;
  });

  it('is validated once: a positive integer up to 2^31 − 1, or Infinity (the default)', () => {
    expect(DEFAULT_POOL_OPTIONS.taskTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    expect(MAX_TASK_TIMEOUT_MS).toBe(2_147_483_647);
    for (const taskTimeoutMs of [0, -1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY, MAX_TASK_TIMEOUT_MS + 1, '100' as never]) {
      let thrown: unknown;
      try {
        KhopPool.create({ threads: 1, taskTimeoutMs });
      } catch (e) {
        thrown = e;
      }
      expect(isKhopError(thrown, 'INVALID_OPTION')).toBe(true);
      expect((thrown as KhopError).details).toEqual({ option: 'taskTimeoutMs' });
      expect((thrown as KhopError).message).toContain('taskTimeoutMs');
    }
    for (const taskTimeoutMs of [1, 250, MAX_TASK_TIMEOUT_MS, Number.POSITIVE_INFINITY, undefined]) {
      expect(() => KhopPool.create({ threads: 1, taskTimeoutMs })).not.toThrow();
    }
  });

  it('is accepted and ignored by an in-thread pool (it cannot preempt its own thread)', async () => {
    pool = KhopPool.create({ threads: 1, taskTimeoutMs: 5 });
    expect(pool.inThread).toBe(true);
    expect(pool.taskTimeoutMs).toBe(Number.POSITIVE_INFINITY);
    const r = await pool.run<Info>('pool.info', { a: 1 });
    expect(r.isMainThread).toBe(true);
    expect(r.echo).toEqual({ a: 1 });
    // A worker pool keeps its limit, one worker thread included.
    const one = KhopPool.create({ threads: 1, inCallingThread: false, taskTimeoutMs: 5 });
    expect(one.taskTimeoutMs).toBe(5);
    await one.close();
    expect(KhopPool.create({ threads: 1, inCallingThread: false }).taskTimeoutMs).toBe(Number.POSITIVE_INFINITY);
  });

  it('a stuck task rejects with WORKER_TIMEOUT naming the task and limit; the thread is replaced, the pool usable, close() ends it', async () => {
    const limit = 500;
    pool = faultyPool({ task: 'pool.info', part: 1, mode: 'hang' }, { threads: 2, taskTimeoutMs: limit });
    // Warm-up (not stuck: part 0), so that the stuck task starts on a running thread.
    await Promise.all([pool.run('pool.info', { part: 0 }), pool.run('pool.info', { part: 0 })]);
    const { error, ms } = await settle(pool.run('pool.info', { part: 1 }));
    expectTimeout(error, 'pool.info', limit);
    expect(ms).toBeGreaterThanOrEqual(limit - 5);
    expect(ms).toBeLessThan(10 * limit);
    expect(pool.liveThreads).toBe(2);
    expect(pool.stats).toMatchObject({ failures: 1, timeouts: 1 });
    // The next tasks run, on the replacement thread too (it never read the fault): each thread
    // takes some of them and none is stuck.
    const rs = await Promise.all(Array.from({ length: 8 }, (_, i) => pool!.run<Info>('pool.info', { i })));
    rs.forEach((r, i) => expect(r.echo).toEqual({ i }));
    expect(pool.liveThreads).toBe(2);
    await pool.close();
    expect(pool.liveThreads).toBe(0);
  });

  it('counts only the time a task runs: a task queued behind a stuck one is not timed out', async () => {
    const limit = 400;
    pool = faultyPool({ task: 'pool.info', part: 1, mode: 'hang' }, { threads: 1, inCallingThread: false, taskTimeoutMs: limit });
    await pool.run('pool.info', { part: 0 });
    // One thread: the second task waits ≈ limit for the first, then for a replacement thread
    // to boot; a clock started at run() would have expired.
    const stuck = settle(pool.run('pool.info', { part: 1 }));
    const queued = settle(pool.run<Info>('pool.info', { part: 2 }));
    expectTimeout((await stuck).error, 'pool.info', limit);
    const q = await queued;
    expect(q.error).toBe(null);
    expect(q.ms).toBeGreaterThanOrEqual(limit - 5);
    expect(pool.stats).toMatchObject({ tasks: 3, failures: 1, timeouts: 1 });
  });

  it('a task that finishes in time is unaffected, and its timer is unref’d and cleared', async () => {
    const limit = 10_000;
    const set = vi.spyOn(globalThis, 'setTimeout');
    const clear = vi.spyOn(globalThis, 'clearTimeout');
    pool = KhopPool.create({ threads: 2, taskTimeoutMs: limit });
    const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => pool!.run<Info>('pool.info', { i })));
    rs.forEach((r, i) => {
      expect(r.isMainThread).toBe(false);
      expect(r.echo).toEqual({ i });
    });
    // At most one clock per task, started when a thread picked it up, never ref'd, cleared when
    // it settled. A trivial task may settle before the pool hears that it started: then no clock
    // starts at all (startClock sees `settled`), so fewer than 6 is right too.
    const timers = set.mock.calls.flatMap((c, i) => (c[1] === limit ? [set.mock.results[i]!.value as NodeJS.Timeout] : []));
    expect(timers.length).toBeLessThanOrEqual(6);
    const cleared = new Set(clear.mock.calls.map((c) => c[0]));
    for (const t of timers) {
      expect(t.hasRef()).toBe(false);
      expect(cleared.has(t)).toBe(true);
    }
    expect(pool.stats).toMatchObject({ tasks: 6, failures: 0, timeouts: 0 });
  });

  it('close() while a timed task is stuck rejects it with POOL_CLOSED, not WORKER_TIMEOUT, without waiting for the limit', async () => {
    const limit = 60_000;
    pool = faultyPool({ task: 'pool.info', part: 1, mode: 'hang' }, { threads: 2, taskTimeoutMs: limit });
    await pool.run('pool.info', { part: 0 });
    const p = pool;
    const stuck = settle(p.run('pool.info', { part: 1 }));
    // Close once the task is on a thread (the started flag has had time to arrive).
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    const { error, ms } = await stuck;
    expect(isKhopError(error, 'POOL_CLOSED')).toBe(true);
    expect(ms).toBeLessThan(limit / 2);
    expect(p.liveThreads).toBe(0);
  });
});

describe('an operation on a pool whose task hangs', () => {
  const rows: PopulationRow[] = [...generatePopulation({ size: 600, seed: 5 })];
  const options = { schema: vietnamesePersonSchema({ name: 'fullName' }), idField: 'recordId', uSampleSize: 20_000 };
  let pool: KhopPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('dedupe rejects with WORKER_TIMEOUT (no hang, no partial result); the same pool then runs it to the end', async () => {
    const limit = 2000;
    pool = faultyPool({ task: 'match.compare', part: 0, job: 1, mode: 'hang' }, { threads: 2, taskTimeoutMs: limit });
    await Promise.all([pool.run('pool.info', 0), pool.run('pool.info', 0)]);
    const { error, ms } = await settle(dedupe(rows, { ...options, pool }));
    expectTimeout(error, 'match.compare', limit, false);
    expect(ms).toBeLessThan(10 * limit);
    // No record value in the message.
    for (const r of rows) for (const v of [r.fullName, r.id, r.dob]) if (v.length >= 4) expect((error as KhopError).message.includes(v)).toBe(false);
    expect(pool.liveThreads).toBe(2);
    const again = await dedupe(rows, { ...options, pool });
    const alone = await dedupe(rows, { ...options, threads: 1 });
    expect(again.pairs.count).toBe(alone.pairs.count);
    expect(Array.from(again.pairs.weight)).toEqual(Array.from(alone.pairs.weight));
    expect(again.clusters).toEqual(alone.clusters);
  }, 40_000);
});
