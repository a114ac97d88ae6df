import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareRows, PREPARE_CHUNK_ROWS } from '../../src/pipeline/prepare.js';
import { pooledPrepare, PREPARE_TASK } from '../../src/pipeline/parallel-prepare.js';
import { dedupe } from '../../src/pipeline/match.js';
import { KhopPool } from '../../src/pool/pool.js';
import { defineSchema, vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { faultyPool } from '../pool/faulty-pool.js';
import { plain } from './prepared-plain.js';

/**
 * Rows that exercise every path of prepare: several chunks (> PREPARE_CHUNK_ROWS), rejections
 * of all four kinds in between (NOT_AN_OBJECT, WRONG_TYPE here; NO_VALUES, NO_ID in the
 * preparer), unusable values (issues), categories seen for the first time late, ids as numbers.
 */
function mixedRows(n: number, seed: number): unknown[] {
  const rng = new Rng(seed);
  const out: unknown[] = [];
  for (const r of generatePopulation({ size: n, seed })) {
    const u = rng.int(100);
    const row: Record<string, unknown> = { ...r, city: `city ${rng.int(50 + out.length / 100)}` };
    if (u === 0) out.push(u % 2 === 0 ? null : 'not a row');
    else if (u === 1) out.push({ ...row, dob: { y: 1990 } });
    else if (u === 2) out.push({ recordId: r.recordId });
    else if (u === 3) out.push({ ...row, recordId: undefined });
    else if (u === 4) out.push({ ...row, dob: '31/02/1990', id: '12AB' });
    else if (u === 5) out.push({ ...row, recordId: rng.int(1_000_000) });
    else if (u === 6) out.push({ ...row, fullName: '!!!', sex: 'unknown' });
    else out.push(row);
  }
  return out;
}

const schema = defineSchema({ ...vietnamesePersonSchema().toJSON(), city: { kind: 'category' } });

async function* slowly(rows: unknown[]): AsyncGenerator<unknown> {
  for (let i = 0; i < rows.length; i++) {
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
    yield rows[i];
  }
}

describe('prepareRows on a pool', () => {
  const pools: KhopPool[] = [];
  beforeAll(() => {
    pools.push(KhopPool.create({ threads: 1, inCallingThread: false }), KhopPool.create({ threads: 2 }));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  const left = mixedRows(3 * PREPARE_CHUNK_ROWS + 777, 11);
  const right = mixedRows(PREPARE_CHUNK_ROWS + 5, 12);

  it('gives exactly what the calling thread gives (store cells, rejections, issues and their order, codes, locales) with 1 and 2 workers', async () => {
    const base = plain(await prepareRows([left], schema, { idField: 'recordId' }));
    expect((base as { rejected: unknown[] }).rejected.length).toBeGreaterThan(100); // the test sees rejections
    for (const pool of pools) {
      const got = plain(await prepareRows([left], schema, { idField: 'recordId', runner: pooledPrepare(pool) }));
      expect(got).toEqual(base);
    }
  });

  it('a link (two sources, an async one) and an auto locale decided on the first rows: identical', async () => {
    const s = defineSchema({ ...schema.toJSON(), name: { kind: 'personName', column: 'fullName' } }); // locale 'auto'
    const base = plain(await prepareRows([left, slowly(right)], s, { idField: 'recordId', localeSampleSize: 100 }));
    const got = plain(await prepareRows([left, slowly(right)], s, { idField: 'recordId', localeSampleSize: 100, runner: pooledPrepare(pools[1]!) }));
    expect(got).toEqual(base);
  });

  it('an auto locale with chunks of rows without a name first (prepared before the locale is decided), in a link whose left input has no name at all: identical', async () => {
    const s = defineSchema({ ...schema.toJSON(), name: { kind: 'personName', column: 'fullName' } }); // locale 'auto'
    const unnamed = (r: unknown) => (r !== null && typeof r === 'object' ? { ...(r as object), fullName: '' } : r);
    const lead = 2 * PREPARE_CHUNK_ROWS + 100;
    const rows = [...left.slice(0, lead).map(unnamed), ...left.slice(lead)];
    for (const sources of [() => [rows, slowly(right)], () => [left.map(unnamed), slowly(right)]]) {
      const base = plain(await prepareRows(sources(), s, { idField: 'recordId', localeSampleSize: 100 }));
      expect((base as { locales: string[] }).locales).toEqual(['vi']); // from the named rows (Vietnamese)
      for (const pool of pools) {
        expect(plain(await prepareRows(sources(), s, { idField: 'recordId', localeSampleSize: 100, runner: pooledPrepare(pool) }))).toEqual(base);
      }
    }
  });

  it('without idField (ids are input positions), and an empty source: identical', async () => {
    const base = plain(await prepareRows([[], left], schema));
    expect(plain(await prepareRows([[], left], schema, { runner: pooledPrepare(pools[1]!) }))).toEqual(base);
  });

  it('dedupe prepares a large array on its pool, with the same result as one thread', async () => {
    const rows = [...generatePopulation({ size: 2 * PREPARE_CHUNK_ROWS, seed: 4 })];
    const opts = { schema: vietnamesePersonSchema(), idField: 'recordId', uSampleSize: 20_000 };
    const one = await dedupe(rows, { ...opts, threads: 1 });
    const two = await dedupe(rows, { ...opts, pool: pools[1]! });
    expect(two.stats.phases.find((p) => p.phase === 'prepare')!['threads']).toBe(2);
    expect(Array.from(two.pairs.left)).toEqual(Array.from(one.pairs.left));
    expect(Array.from(two.pairs.weight)).toEqual(Array.from(one.pairs.weight));
    expect(two.clusters).toEqual(one.clusters);
  });

  it('a worker that throws rejects dedupe with WORKER_FAILED naming the prepare phase; the pool stays usable', async () => {
    const faulty = faultyPool({ task: PREPARE_TASK, mode: 'throw' });
    try {
      const rows = [...generatePopulation({ size: 3 * PREPARE_CHUNK_ROWS, seed: 6 })];
      const e = await dedupe(rows, { schema: vietnamesePersonSchema(), idField: 'recordId', pool: faulty }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(isKhopError(e, 'WORKER_FAILED')).toBe(true);
      expect((e as KhopError).details?.['phase']).toBe('prepare');
      expect((e as KhopError).message).toContain(PREPARE_TASK);
      for (const r of rows.slice(0, 200)) expect((e as KhopError).message.includes(r.fullName)).toBe(false);
      // The pool still runs tasks.
      expect(await faulty.run<{ echo: unknown }>('pool.info', { ok: 1 })).toMatchObject({ echo: { ok: 1 } });
    } finally {
      await faulty!.close();
    }
  });
});
