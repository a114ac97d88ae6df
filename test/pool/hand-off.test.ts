/**
 * The pool's hand-off (pool.ts, "Hand-off"): a worker thread holds its next task, so it goes on
 * while the calling thread is busy and never returns to its event loop; and a thread runs its
 * tasks one after the other, never two at once (worker.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KhopPool, TASKS_PER_WORKER } from '../../src/pool/pool.js';
import { faultyPool } from './faulty-pool.js';

/** Block THIS thread until cells[i] ≥ value or `ms` pass; true when it got there. */
function blockUntil(cells: Int32Array, i: number, value: number, ms: number): boolean {
  const deadline = Date.now() + ms;
  for (;;) {
    const seen = Atomics.load(cells, i);
    if (seen >= value) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(cells, i, seen, left);
  }
}

function open(cells: Int32Array, index: number): void {
  Atomics.store(cells, 2 + index, 1);
  Atomics.notify(cells, 2 + index);
}

describe('pool hand-off', () => {
  let pool: KhopPool;
  beforeAll(async () => {
    pool = KhopPool.create({ threads: 1, inCallingThread: false });
    await pool.run('pool.info', null); // the thread is up and ready
  });
  afterAll(async () => {
    await pool.close();
  });

  it('gives a thread its next task while the calling thread is blocked', async () => {
    expect(TASKS_PER_WORKER).toBeGreaterThanOrEqual(2);
    const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const first = pool.run<{ finishedBefore: number }>('pool.gate', { cells, index: 0 });
    const second = pool.run<{ finishedBefore: number }>('pool.gate', { cells, index: 1 });
    // From here on this thread does not return to its event loop until both have started.
    expect(blockUntil(cells, 0, 1, 10_000)).toBe(true);
    // One thread, one task at a time: the second has not started while the first is running.
    expect(Atomics.load(cells, 0)).toBe(1);
    open(cells, 0);
    // The second task starts on the worker without any help from this (blocked) thread.
    const secondStarted = blockUntil(cells, 0, 2, 10_000);
    open(cells, 1);
    expect(secondStarted).toBe(true);
    const [a, b] = await Promise.all([first, second]);
    expect(a.finishedBefore).toBe(0);
    // It started only once the first had finished.
    expect(b.finishedBefore).toBe(1);
  });

  it('a failing task does not stop the task queued behind it', async () => {
    const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
    const bad = pool.run('pool.gate', { cells, index: 99 });
    const good = pool.run<{ finishedBefore: number }>('pool.gate', { cells, index: 0 });
    await expect(bad).rejects.toMatchObject({ code: 'WORKER_FAILED' });
    expect(blockUntil(cells, 0, 1, 10_000)).toBe(true);
    open(cells, 0);
    await expect(good).resolves.toEqual({ finishedBefore: 0 });
  });

  it('with a timeout, tasks are not queued in a thread (piscina keeps abortable tasks apart): a stopped thread loses only its own task', async () => {
    const timed = KhopPool.create({ threads: 1, inCallingThread: false, taskTimeoutMs: 300 });
    try {
      await timed.run('pool.info', null);
      // The first holds its thread past the limit; the second waits in the pool, not in that thread.
      const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
      const stuck = timed.run('pool.gate', { cells, index: 0 });
      const behind = timed.run<{ echo: unknown }>('pool.info', { behind: true });
      await expect(stuck).rejects.toMatchObject({ code: 'WORKER_TIMEOUT' });
      await expect(behind).resolves.toMatchObject({ echo: { behind: true } });
      // A task that waits behind one shorter than the limit is not timed out by the wait.
      const slow = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
      const first = timed.run('pool.gate', { cells: slow, index: 0 });
      const second = timed.run<{ echo: unknown }>('pool.info', { after: true });
      setTimeout(() => open(slow, 0), 200).unref();
      await expect(first).resolves.toEqual({ finishedBefore: 0 });
      await expect(second).resolves.toMatchObject({ echo: { after: true } });
    } finally {
      await timed.close();
    }
  });

  it('a thread that dies fails the task waiting behind the running one too; the pool goes on', async () => {
    const dying = faultyPool({ task: 'pool.gate', mode: 'exit' }, { threads: 1, inCallingThread: false });
    try {
      await dying.run('pool.info', null);
      const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
      const dies = dying.run('pool.gate', { cells, index: 0 });
      const behind = dying.run('pool.info', { behind: true });
      await expect(dies).rejects.toMatchObject({ code: 'WORKER_FAILED' });
      await expect(behind).rejects.toMatchObject({ code: 'WORKER_FAILED' });
      await expect(dying.run('pool.info', { again: true })).resolves.toMatchObject({ echo: { again: true } });
    } finally {
      await dying.close();
    }
  });
});
