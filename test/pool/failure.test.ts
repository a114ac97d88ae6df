import { afterEach, describe, expect, it } from 'vitest';
import { dedupe, link, type DedupeResult } from '../../src/pipeline/match.js';
import { KhopPool } from '../../src/pool/pool.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { faultyPool } from './faulty-pool.js';
import { PERSON_NAME_INDEX_TASK, POOLED_SIDE_INDEX_MIN_ROWS } from '../../src/pool/match-job.js';

const rows: PopulationRow[] = [...generatePopulation({ size: 1200, seed: 5 })];
const options = { schema: vietnamesePersonSchema({ name: 'fullName' }), idField: 'recordId', uSampleSize: 20_000 };

function expectSafeFailure(e: unknown, phase: string): void {
  expect(isKhopError(e, 'WORKER_FAILED')).toBe(true);
  const err = e as KhopError;
  expect(err.message).toContain(`${phase} phase`);
  expect(err.details?.['phase']).toBe(phase);
  // No record value in the message: no name, id or date of any input row.
  for (const r of rows) {
    for (const v of [r.fullName, r.id, r.dob]) if (v.length >= 4) expect(err.message.includes(v)).toBe(false);
  }
}

function sameResult(a: DedupeResult, b: DedupeResult): void {
  expect(b.pairs.count).toBe(a.pairs.count);
  expect(Array.from(b.pairs.left)).toEqual(Array.from(a.pairs.left));
  expect(Array.from(b.pairs.weight)).toEqual(Array.from(a.pairs.weight));
  expect(b.clusters).toEqual(a.clusters);
  expect(b.model.toJSON()).toEqual(a.model.toJSON());
}

describe('a failing worker', () => {
  let pool: KhopPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('that throws rejects the operation with WORKER_FAILED naming the phase; the pool stays usable', async () => {
    pool = faultyPool({ task: 'match.lambda', part: 0, job: 1, mode: 'throw' });
    const failed = await dedupe(rows, { ...options, pool }).then(
      () => null,
      (e: unknown) => e,
    );
    expectSafeFailure(failed, 'train');
    expect((failed as KhopError).message).toContain('match.lambda');
    expect((failed as KhopError).message).toContain('injected test fault');
    // Job 2 on the same pool: no fault, and the same result as the calling thread alone.
    const again = await dedupe(rows, { ...options, pool });
    sameResult(await dedupe(rows, { ...options, threads: 1 }), again);
    expect(again.stats.phases.find((p) => p.phase === 'compare')!['threads']).toBe(2);
  });

  it('that dies (process.exit) rejects with WORKER_FAILED; the thread is replaced and the pool usable', async () => {
    pool = faultyPool({ task: 'match.compare', part: 0, job: 1, mode: 'exit' });
    const failed = await dedupe(rows, { ...options, pool }).then(
      () => null,
      (e: unknown) => e,
    );
    expectSafeFailure(failed, 'compare');
    expect((failed as KhopError).message).toContain('exited (code 70)');
    expect(pool.liveThreads).toBe(2);
    const again = await dedupe(rows, { ...options, pool });
    sameResult(await dedupe(rows, { ...options, threads: 1 }), again);
  });

  it('a pool closed while the operation runs rejects it with POOL_CLOSED, without hanging', async () => {
    pool = KhopPool.create({ threads: 2 });
    const p = pool;
    const running = dedupe(rows, { ...options, pool: p }).then(
      () => null,
      (e: unknown) => e,
    );
    // Close as soon as the first task is posted (the pool counts started tasks).
    while (p.stats.tasks === 0) await new Promise((r) => setTimeout(r, 1));
    await p.close();
    const e = await running;
    expect(isKhopError(e, 'POOL_CLOSED')).toBe(true);
    expect((e as KhopError).message).toMatch(/^(prepare|compare|train|score) phase: /);
    expect(p.liveThreads).toBe(0);
  });

  it('a pool closed right after the call, before any task, rejects with POOL_CLOSED too (not INVALID_OPTION)', async () => {
    for (const run of [(p: KhopPool) => dedupe(rows, { ...options, pool: p }), (p: KhopPool) => link(rows.slice(0, 600), rows.slice(600), { ...options, pool: p })]) {
      pool = KhopPool.create({ threads: 2 });
      const p = pool;
      const running = run(p).then(
        () => null,
        (e: unknown) => e,
      );
      await p.close();
      const e = await running;
      expect(isKhopError(e, 'POOL_CLOSED')).toBe(true);
      expect((e as KhopError).message).toMatch(/^(prepare|index|compare|train|score) phase: /);
    }
  });

  describe('while the side indexes are built (a job started before the candidate pairs)', () => {
    const many: PopulationRow[] = [...generatePopulation({ size: POOLED_SIDE_INDEX_MIN_ROWS, seed: 8 })];

    it('a worker failing one rejects the operation naming the compare phase; the pool stays usable', async () => {
      pool = faultyPool({ task: PERSON_NAME_INDEX_TASK, mode: 'throw' });
      const failed = await dedupe(many, { ...options, pool }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isKhopError(failed, 'WORKER_FAILED')).toBe(true);
      expect((failed as KhopError).message).toMatch(/^compare phase: .*match\.personNameIndex/);
      expect(pool.liveThreads).toBe(2);
    });

    it('an error of the calling thread meanwhile (a progress callback throwing in the pairs phase) is the one reported; the pool runs the next job', async () => {
      pool = KhopPool.create({ threads: 2 });
      const mine = new Error('progress callback failed');
      const onProgress = (p: { phase: string }): void => {
        if (p.phase === 'pairs') throw mine;
      };
      const failed = await dedupe(many, { ...options, pool, onProgress }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBe(mine);
      const again = await dedupe(many, { ...options, pool });
      expect(again.clusters.length).toBe(many.length);
      expect(again.stats.phases.find((p) => p.phase === 'compare')!['threads']).toBe(2);
    });

    it('a progress callback throwing while the rows are prepared on the pool: its error, and the pool runs the next job', async () => {
      pool = KhopPool.create({ threads: 2 });
      const mine = new Error('progress callback failed');
      const failed = await dedupe(many, {
        ...options,
        pool,
        onProgress: (p) => {
          if (p.phase === 'prepare' && p.done > 5000) throw mine;
        },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBe(mine);
      expect((await dedupe(rows, { ...options, pool })).clusters.length).toBe(rows.length);
    });

    it('both at once: the error of the calling thread is reported, the rejection of the job is not left unhandled', async () => {
      pool = faultyPool({ task: PERSON_NAME_INDEX_TASK, mode: 'throw' });
      const mine = new Error('progress callback failed');
      const failed = await dedupe(many, {
        ...options,
        pool,
        onProgress: (p) => {
          if (p.phase === 'pairs') throw mine;
        },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failed).toBe(mine);
    });
  });
});
