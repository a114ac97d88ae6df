import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KhopPool } from '../../src/pool/pool.js';
import { workerLocation } from '../../src/pool/worker-location.js';
import { KhopError } from '../../src/errors.js';

describe('KhopPool', () => {
  let pool: KhopPool;
  beforeAll(() => {
    pool = KhopPool.create({ threads: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('validates its options', () => {
    for (const threads of [0, -1, 1.5, 257, Number.NaN, null as never]) {
      expect(() => KhopPool.create({ threads })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    }
    expect(() => KhopPool.create(null as never)).toThrow(KhopError);
    for (const tasksPerWorker of [0, 1.5, 17, Number.NaN, '2' as never]) {
      expect(() => KhopPool.create({ threads: 2, tasksPerWorker })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', details: { option: 'tasksPerWorker' } }));
    }
  });

  it('threads: 1 runs tasks in the calling thread, without a worker', async () => {
    const local = KhopPool.create({ threads: 1 });
    expect(local.inThread).toBe(true);
    expect(local.liveThreads).toBe(0);
    const r = await local.run<{ isMainThread: boolean; echo: unknown }>('pool.info', { x: 1 });
    expect(r.isMainThread).toBe(true);
    expect(r.echo).toEqual({ x: 1 });
    await local.close();
  });

  it('threads: 1 with inCallingThread: false is one worker thread', async () => {
    const one = KhopPool.create({ threads: 1, inCallingThread: false });
    expect(one.inThread).toBe(false);
    expect(one.threads).toBe(1);
    const r = await one.run<{ isMainThread: boolean; echo: unknown }>('pool.info', { y: 2 });
    expect(r.isMainThread).toBe(false);
    expect(r.echo).toEqual({ y: 2 });
    await one.close();
    expect(() => KhopPool.create({ threads: 1, inCallingThread: 'no' as never })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('threads: 2 runs tasks on two worker threads and copies plain payloads', async () => {
    expect(pool.inThread).toBe(false);
    expect(pool.liveThreads).toBe(2);
    const ids = new Set<number>();
    // Enough concurrent tasks that both threads take some.
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => pool.run<{ threadId: number; isMainThread: boolean; echo: unknown }>('pool.info', { i })));
    results.forEach((r, i) => {
      expect(r.isMainThread).toBe(false);
      expect(r.echo).toEqual({ i });
      ids.add(r.threadId);
    });
    expect(ids.size).toBeGreaterThanOrEqual(1);
    expect(ids.size).toBeLessThanOrEqual(2);
  });

  it('rejects an unknown task name without posting it', async () => {
    await expect(pool.run('no.such.task', {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('hands out pool-unique job ids', () => {
    const a = pool.nextJobId();
    const b = pool.nextJobId();
    expect(b).toBe(a + 1);
    expect(a).toBeGreaterThanOrEqual(1);
  });

  it('close() ends every thread; a closed pool rejects with POOL_CLOSED; close is idempotent', async () => {
    const p = KhopPool.create({ threads: 2 });
    await p.run('pool.info', 0);
    expect(p.liveThreads).toBe(2);
    await p.close();
    expect(p.liveThreads).toBe(0);
    expect(p.isClosed).toBe(true);
    await expect(p.run('pool.info', 0)).rejects.toMatchObject({ code: 'POOL_CLOSED' });
    await p.close();
  });
});

describe('workerLocation', () => {
  it('prefers a built worker.cjs next to the module, else the TypeScript sources, else fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'khop-worker-'));
    try {
      const base = pathToFileURL(join(dir, 'index.js')).href;
      expect(() => workerLocation(base)).toThrow(expect.objectContaining({ code: 'WORKER_FAILED' }));
      writeFileSync(join(dir, 'worker-source.cjs'), '');
      expect(workerLocation(base)).toMatchObject({ built: false, execArgv: [] });
      // An ES module worker.js (the build before the worker became CommonJS) is not taken.
      writeFileSync(join(dir, 'worker.js'), '');
      expect(workerLocation(base)).toMatchObject({ built: false });
      writeFileSync(join(dir, 'worker.cjs'), '');
      expect(workerLocation(base)).toEqual({ filename: pathToFileURL(join(dir, 'worker.cjs')).href, execArgv: undefined, built: true });
      // A CommonJS bundle (dist/index.cjs) finds the same worker file.
      expect(workerLocation(pathToFileURL(join(dir, 'index.cjs')).href).filename).toBe(pathToFileURL(join(dir, 'worker.cjs')).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the sources from this repository', () => {
    const w = workerLocation();
    expect(w.built).toBe(false);
    expect(w.filename.endsWith('/src/pool/worker-source.cjs')).toBe(true);
  });
});
