import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dedupe, DEFAULT_PARALLEL_MIN_PAIRS } from '../../src/pipeline/match.js';
import { DEFAULT_PARALLEL_PREPARE_MIN_BYTES } from '../../src/pipeline/parallel-prepare.js';
import { openRecords } from '../../src/io/record-reader.js';
import { KhopPool } from '../../src/pool/pool.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';

const schema = vietnamesePersonSchema({ name: 'fullName' });
const threadsOf = (r: Awaited<ReturnType<typeof dedupe>>) => r.stats.phases.find((p) => p.phase === 'compare')!['threads'];

describe('MatchOptions.threads and pool', () => {
  it('without threads, a small job runs in the calling thread', async () => {
    const rows = [...generatePopulation({ size: 300, seed: 2 })];
    const r = await dedupe(rows, { schema, idField: 'recordId' });
    expect(threadsOf(r)).toBe(1);
  });

  it(`without threads, a job of ≥ ${DEFAULT_PARALLEL_MIN_PAIRS} pairs to compare uses the available cores`, async () => {
    // 1001 rows: 500,500 record pairs, all of them in the u sample.
    const rows = [...generatePopulation({ size: 1001, seed: 2 })];
    const r = await dedupe(rows, { schema, idField: 'recordId' });
    expect(r.stats.phases.find((p) => p.phase === 'train')!['uPairs']).toBe(500_500);
    expect(threadsOf(r)).toBe(availableParallelism());
  });

  it(`without threads, a CSV reader's source of a file of ≥ ${DEFAULT_PARALLEL_PREPARE_MIN_BYTES} bytes is prepared on the available cores; a smaller one in the calling thread`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'khop-threads-'));
    try {
      const people = [...generatePopulation({ size: 12_000, seed: 4 })];
      // A long address makes the file large with few rows (the rows are the same either way).
      const write = (path: string, pad: number) =>
        writeFile(path, ['recordId,id,fullName,dob,sex,province,address', ...people.map((p) => [p.recordId, p.id, `"${p.fullName}"`, p.dob, p.sex, `"${p.province}"`, `"${p.address} ${'x'.repeat(pad)}"`].join(','))].join('\n') + '\n');
      const prepareThreads = (r: Awaited<ReturnType<typeof dedupe>>) => r.stats.phases.find((p) => p.phase === 'prepare')!['threads'];
      const big = join(dir, 'big.csv');
      await write(big, 1400);
      expect((await stat(big)).size).toBeGreaterThanOrEqual(DEFAULT_PARALLEL_PREPARE_MIN_BYTES);
      const small = join(dir, 'small.csv');
      await write(small, 0);
      const withAddress = { schema: { ...schema.toJSON(), address: { kind: 'text' as const } }, idField: 'recordId' };
      const pooled = await dedupe(await openRecords(big), withAddress);
      expect(prepareThreads(pooled)).toBe(availableParallelism() > 1 ? availableParallelism() : 1);
      const serial = await dedupe(await openRecords(small), withAddress);
      expect(prepareThreads(serial)).toBe(1);
      const one = await dedupe(await openRecords(big), { ...withAddress, threads: 1 });
      expect(pooled.clusters).toEqual(one.clusters);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a given pool wins over threads and is left open; a closed pool is refused before any row is read', async () => {
    const pool = KhopPool.create({ threads: 1 });
    const rows = [...generatePopulation({ size: 200, seed: 3 })];
    const r = await dedupe(rows, { schema, idField: 'recordId', pool, threads: 3 });
    expect(threadsOf(r)).toBe(1);
    expect(pool.isClosed).toBe(false);
    await pool.close();
    let read = false;
    const source = {
      *[Symbol.iterator]() {
        read = true;
        yield* rows;
      },
    };
    await expect(dedupe(source, { schema, pool })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    expect(read).toBe(false);
  });
});
