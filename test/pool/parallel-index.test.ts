import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockIndex } from '../../src/block/block-index.js';
import { buildBlockIndex, buildBlockIndexes } from '../../src/block/build-block-index.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import { saveIndexSnapshot } from '../../src/block/index-snapshot.js';
import { RecordStore, type ColumnSpec } from '../../src/block/record-store.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { blockIndexFromHashesParallel, buildBlockIndexesParallel, buildBlockIndexParallel } from '../../src/pool/parallel-index.js';
import { KhopPool } from '../../src/pool/pool.js';
import { PoolTraffic } from '../../src/pool/task-message.js';
import { Rng } from '../../src/util/rng.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { KeyCollector } from '../../src/register/key-collector.js';
import { faultyPool } from './faulty-pool.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'given', type: 'ascii' },
  { name: 'family', type: 'ascii' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
  { name: 'note', type: 'utf8' },
  { name: 'nothing', type: 'ascii' },
  { name: 'same', type: 'ascii' },
];

const RULES: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'family', parts: [{ column: 'family' }] },
  { name: 'given2-year', parts: [{ column: 'given', transform: 'first', n: 2 }, { column: 'dob', transform: 'yearMonth' }] },
  { name: 'sex', parts: [{ column: 'sex' }] },
  { name: 'note-dob', parts: [{ column: 'note' }, { column: 'dob' }] },
  { name: 'all-null', parts: [{ column: 'nothing' }] },
  { name: 'one-giant-block', parts: [{ column: 'same' }] },
  { name: 'last3-given', parts: [{ column: 'given', transform: 'last', n: 3 }] },
];

/** A seeded store; chunks of 2^chunkBits rows so that row ranges cut through chunks. */
function makeStore(seed: number, n: number, chunkBits = 9): RecordStore {
  const rng = new Rng(seed);
  const store = new RecordStore(COLUMNS, { chunkBits });
  const families = ['nguyen', 'nguyen', 'nguyen', 'tran', 'tran', 'le', 'pham', 'vo', 'dang', 'bui'];
  const givens = ['an', 'anh', 'binh', 'chau', 'dung', 'giang', 'ha', 'hoa', 'lan', 'minh', 'nam', 'thao', 'thanh', 'tuan'];
  const notes = ['Hà Nội', 'Huế', 'Đà Nẵng', 'TP Hồ Chí Minh', ''];
  for (let r = 0; r < n; r++) {
    const id = rng.chance(0.1) ? null : String(100000 + rng.int(Math.max(1, Math.floor(n * 0.9))));
    const given = rng.chance(0.05) ? null : rng.pick(givens);
    const family = rng.chance(0.05) ? null : rng.pick(families);
    const dob = rng.chance(0.05) ? null : (1950 + rng.int(60)) * 10000 + rng.int(13) * 100 + rng.int(29);
    const note = rng.chance(0.3) ? null : rng.pick(notes);
    store.append([id, given, family, dob, rng.int(2), note, null, 'x']);
  }
  return store;
}

/** Every observable part of two indexes is the same (content of every array, byte for byte). */
function expectSame(a: BlockIndex, b: BlockIndex): void {
  expect(b.rowCount).toBe(a.rowCount);
  expect(b.seed).toBe(a.seed);
  expect(b.rule).toEqual(a.rule);
  expect(b.directoryBits).toBe(a.directoryBits);
  for (const k of ['keys', 'starts', 'rowIds', 'directory'] as const) {
    expect(b[k].length, k).toBe(a[k].length);
    expect(Buffer.from(b[k].buffer, b[k].byteOffset, b[k].byteLength).equals(Buffer.from(a[k].buffer, a[k].byteOffset, a[k].byteLength)), k).toBe(true);
    expect(b[k].buffer instanceof SharedArrayBuffer, k).toBe(true);
  }
}

describe('parallel BlockIndex build', () => {
  const pools = new Map<number, KhopPool>();
  const dir = mkdtempSync(join(tmpdir(), 'khop-pindex-'));
  beforeAll(() => {
    pools.set(1, KhopPool.create({ threads: 1 }));
    pools.set(2, KhopPool.create({ threads: 2 }));
    pools.set(3, KhopPool.create({ threads: 3 }));
  });
  afterAll(async () => {
    for (const p of pools.values()) await p.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the single-thread index, byte for byte, for threads 1, 2 and 3 on every rule', async () => {
    const store = makeStore(11, 12_000);
    const expected = buildBlockIndexes(store, RULES);
    // The fixture covers what it claims: an all-null rule, one giant block, a two-block rule.
    expect(expected[5]!.entryCount).toBe(0);
    expect(expected[6]!.blockCount).toBe(1);
    expect(expected[6]!.blockSize(0)).toBe(12_000);
    expect(expected[3]!.blockCount).toBe(2);
    for (const threads of [1, 2, 3]) {
      const got = await buildBlockIndexesParallel(store, RULES, { pool: pools.get(threads)!, minRows: 0 });
      expect(got.length).toBe(RULES.length);
      got.forEach((ix, k) => expectSame(expected[k]!, ix));
    }
  });

  it('is identical on an empty store, a tiny store and odd sizes, with a seed and forced directory bits', async () => {
    const variants = [{}, { seed: 0xfeedn }, { directoryBits: 1 }, { directoryBits: 13 }];
    for (const [i, n] of [0, 1, 7, 513, 4099].entries()) {
      const store = makeStore(n + 3, n, 3);
      for (const options of [variants[i % 4]!, variants[(i + 1) % 4]!]) {
        const expected = buildBlockIndexes(store, RULES, options);
        for (const threads of [2, 3]) {
          const got = await buildBlockIndexesParallel(store, RULES, { ...options, pool: pools.get(threads)!, minRows: 0 });
          got.forEach((ix, k) => expectSame(expected[k]!, ix));
        }
      }
    }
  });

  it('writes the same snapshot bytes and yields the same capped candidate pairs', async () => {
    const store = makeStore(5, 3_000);
    const expected = buildBlockIndexes(store, RULES);
    const got = await buildBlockIndexesParallel(store, RULES, { pool: pools.get(3)!, minRows: 0 });
    const a = join(dir, 'a.khop');
    const b = join(dir, 'b.khop');
    await saveIndexSnapshot(a, store, expected, { note: 'same' });
    await saveIndexSnapshot(b, store, got, { note: 'same' });
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
    for (const cap of [2, 40, 400]) {
      const sa = candidatePairs(expected, { maxBlockSize: cap });
      const sb = candidatePairs(got, { maxBlockSize: cap });
      const pa: number[] = [];
      const pb: number[] = [];
      for (const c of sa) for (let i = 0; i < c.length; i++) pa.push(c.left[i]!, c.right[i]!);
      for (const c of sb) for (let i = 0; i < c.length; i++) pb.push(c.left[i]!, c.right[i]!);
      expect(pb).toEqual(pa);
      expect(sb.report).toEqual(sa.report);
      expect(sa.report.skippedBlocks).toBeGreaterThan(0);
      expect(Array.from(got[1]!.rowBlocks(cap))).toEqual(Array.from(expected[1]!.rowBlocks(cap)));
    }
  });

  it('buildBlockIndexParallel (one rule) with its own pool of `threads` matches buildBlockIndex', async () => {
    const store = makeStore(8, 3_000);
    const got = await buildBlockIndexParallel(store, RULES[2]!, { threads: 2, minRows: 0 });
    expectSame(buildBlockIndex(store, RULES[2]!), got);
  });

  it('from hashes (register path): identical to BlockIndex.fromHashes for random skewed inputs (property)', async () => {
    const pool = pools.get(2)!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 2 ** 31 }), fc.boolean(), async (n, distinct, seed, ascending) => {
        const rng = new Rng(seed);
        const keyHi = Array.from({ length: distinct }, (_, i) => (i % 3 === 0 ? 0x80000000 : rng.nextU32()));
        const keyLo = Array.from({ length: distinct }, () => rng.nextU32());
        const mk = (): Uint32Array => new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, n)), 0, n);
        const hi = mk();
        const lo = mk();
        const ids = mk();
        for (let i = 0; i < n; i++) {
          const k = Math.floor(rng.next() ** 3 * distinct);
          hi[i] = keyHi[k]!;
          lo[i] = keyLo[k]!;
          // Not necessarily ascending (the register pushes earlier IDs in any order): stability is by position.
          ids[i] = ascending ? i : rng.int(n + 5);
        }
        const expected = BlockIndex.fromHashes(lo.slice(), hi.slice(), ids.slice(), n, n + 5, { seed: 9n });
        const got = await blockIndexFromHashesParallel(lo, hi, ids, n, n + 5, { pool, minRows: 0, seed: 9n });
        expectSame(expected, got);
      }),
      { numRuns: 25, seed: 42 },
    );
  });

  it('the register’s KeyCollector builds the same index on the pool as in the calling thread', async () => {
    const rng = new Rng(12);
    const a = new KeyCollector(new KeyHasher({ seed: 3n }));
    const b = new KeyCollector(new KeyHasher({ seed: 3n }));
    for (let row = 0; row < 6000; row++) {
      // Several keys per row, some shared (as earlier IDs are), in row order.
      for (let k = rng.int(3); k > 0; k--) {
        const key = String(rng.int(2500));
        a.push(key, row);
        b.push(key, row);
      }
    }
    expectSame(a.build(6000, 3n), await b.buildParallel(6000, 3n, { pool: pools.get(3)!, minRows: 0 }));
  });

  it('from hashes: plain (non-shared) arrays are copied onto shared memory first', async () => {
    const rng = new Rng(3);
    const n = 5000;
    const hi = Uint32Array.from({ length: n }, () => rng.nextU32() & 0xff0000ff);
    const lo = Uint32Array.from({ length: n }, () => rng.int(4));
    const ids = Uint32Array.from({ length: n }, (_, i) => i);
    const expected = BlockIndex.fromHashes(lo.slice(), hi.slice(), ids.slice(), n, n);
    expectSame(expected, await blockIndexFromHashesParallel(lo, hi, ids, n, n, { pool: pools.get(3)!, minRows: 0 }));
  });

  it('counts what crosses threads: messages of a few hundred bytes, no record or hash data', async () => {
    const store = makeStore(2, 20_000);
    const traffic = new PoolTraffic();
    await buildBlockIndexParallel(store, RULES[0]!, { pool: pools.get(2)!, minRows: 0, traffic });
    // 4 phases × (tasks ≤ 8): at least one message per phase; far less than the 8 B per row of hashes.
    expect(traffic.messages).toBeGreaterThanOrEqual(4);
    expect(traffic.messages).toBeLessThanOrEqual(4 * 8);
    expect(traffic.argBytes / traffic.messages).toBeLessThan(400);
  });

  it('stays in the calling thread for threads: 1 and small inputs (no pool is needed)', async () => {
    const store = makeStore(4, 500);
    const one = await buildBlockIndexParallel(store, RULES[0]!, { threads: 1 });
    expectSame(buildBlockIndex(store, RULES[0]!), one);
    const traffic = new PoolTraffic();
    const small = await buildBlockIndexParallel(store, RULES[0]!, { pool: pools.get(2)!, traffic }); // 500 < default minRows
    expect(traffic.messages).toBe(0);
    expectSame(buildBlockIndex(store, RULES[0]!), small);
  });

  it('rejects bad options with INVALID_OPTION naming them, and bad rules as the single-thread build does', async () => {
    const store = makeStore(4, 50);
    for (const [options, name] of [
      [{ threads: 0 }, 'threads'],
      [{ threads: 1.5 }, 'threads'],
      [{ minRows: -1 }, 'minRows'],
      [{ directoryBits: 31 }, 'directoryBits'],
      [{ pool: {} as KhopPool }, 'pool'],
    ] as const) {
      const e = await buildBlockIndexParallel(store, RULES[0]!, options).catch((x: unknown) => x);
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      expect((e as KhopError).message).toContain(name);
    }
    const bad: BlockingRule = { name: 'bad', parts: [{ column: 'missing' }] };
    const e1 = await buildBlockIndexParallel(store, bad, { pool: pools.get(2)!, minRows: 0 }).catch((x: unknown) => x);
    let e2: unknown;
    try {
      buildBlockIndex(store, bad);
    } catch (x) {
      e2 = x;
    }
    expect((e1 as KhopError).code).toBe((e2 as KhopError).code);
  });
});

describe('parallel BlockIndex build: a failing worker', () => {
  const store = makeStore(21, 8_000);
  const expected = buildBlockIndexes(store, RULES.slice(0, 3));

  for (const [task, phase, mode, part] of [
    ['index.keys', 'index-keys', 'throw', 0],
    ['index.sort', 'index-sort', 'throw', 1],
    ['index.csr', 'index-csr', 'exit', 1],
  ] as const) {
    it(`${task} that ${mode === 'exit' ? 'dies' : 'throws'} rejects with WORKER_FAILED naming the ${phase} phase; the pool stays usable`, async () => {
      const pool = faultyPool({ task, part, job: 1, mode });
      try {
        const e = await buildBlockIndexesParallel(store, RULES.slice(0, 3), { pool, minRows: 0 }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(isKhopError(e, 'WORKER_FAILED')).toBe(true);
        const err = e as KhopError;
        expect(err.message).toContain(`${phase} phase`);
        expect(err.message).toContain(task);
        expect(err.details?.['phase']).toBe(phase);
        expect(err.message).toContain(mode === 'exit' ? 'exited (code 70)' : 'injected test fault');
        // Job 2 on the same pool: no fault, the same indexes as the calling thread.
        const again = await buildBlockIndexesParallel(store, RULES.slice(0, 3), { pool, minRows: 0 });
        again.forEach((ix, k) => expectSame(expected[k]!, ix));
        expect(pool.liveThreads).toBe(2);
      } finally {
        await pool.close();
      }
    });
  }
});
