import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { dedupe, DEFAULT_PARALLEL_MIN_PAIRS } from '../../src/pipeline/match.js';
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
