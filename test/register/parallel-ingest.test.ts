/**
 * Register.build with the read phase on a worker pool (src/register/parallel-ingest.ts): the
 * same register, byte for byte (saved snapshot), the same rejections and issues (in the same
 * key order) as the calling thread alone, for 1, 2 and 3 threads; failures reject cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { openRecords } from '../../src/io/record-reader.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Register } from '../../src/register/register.js';
import type { RegisterBuildOptions } from '../../src/register/register-options.js';
import { IngestSink, jobColumns, type IngestTuning } from '../../src/register/parallel-ingest.js';
import { ingestChunk, ingestState, type IngestJob } from '../../src/pool/ingest-tasks.js';
import { registerLayout } from '../../src/register/register-layout.js';
import { CategoryDictionary } from '../../src/register/category-dictionary.js';
import { RecordStore } from '../../src/block/record-store.js';
import { KeyCollector } from '../../src/register/key-collector.js';
import { KeyHasher } from '../../src/hash/key-hasher.js';
import { REGISTER_KEY_SEED } from '../../src/register/register-state.js';
import { RowIngester } from '../../src/register/row-ingest.js';
import type { BuildMemoryGuard } from '../../src/register/build-memory.js';
import { generatePopulation } from '../../src/synth/population.js';
import { vietnamesePersonSchema } from '../../src/schema.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { KhopPool } from '../../src/pool/pool.js';
import { Rng } from '../../src/util/rng.js';
import { TaskContext } from '../../src/pool/task-context.js';
import { runTask } from '../../src/pool/task-registry.js';
import type { PoolLike } from '../../src/register/parallel-authenticate.js';

/** A one-"thread" pool in this thread whose results come back after `delayMs` (payloads cloned, as posting does). */
function slowPool(delayMs: number): PoolLike & { calls: number } {
  const context = new TaskContext();
  return {
    threads: 1,
    calls: 0,
    run<T>(task: string, payload: unknown): Promise<T> {
      this.calls++;
      const copy = structuredClone(payload);
      return new Promise<T>((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(structuredClone(runTask(context, task, copy)) as T);
          } catch (e) {
            reject(e);
          }
        }, delayMs),
      );
    },
    close: async () => {},
  };
}

const SECRET = 'test secret: 32 bytes of entropy';
const SCHEMA = vietnamesePersonSchema();

/**
 * A seeded synthetic register (corrupted duplicates: odd date and name forms, missing values)
 * with earlier IDs, and rows of every kind the ingester refuses or partly uses, scattered.
 */
function makeRows(n: number, seed: number): unknown[] {
  const rng = new Rng(seed);
  const pop = [...generatePopulation({ size: n, seed, duplicateRate: 0.2 })] as unknown as Array<Record<string, unknown>>;
  const bad: Array<() => unknown> = [
    () => null,
    () => 42,
    () => 'a row as text',
    () => ['001090012345', 'Nguyễn Văn An'],
    () => ({ recordId: `f${rng.int(1e6)}`, id: '001090012345', fullName: () => 'x' }),
    () => ({ recordId: `s${rng.int(1e6)}`, id: '001090012345', sex: Symbol('x') }),
    () => ({ recordId: `o${rng.int(1e6)}`, id: '001090012345', dob: new Date(0), province: { a: 1 } }),
    () => ({ recordId: `a${rng.int(1e6)}`, id: ['001090012345'] }),
    () => ({ recordId: `b${rng.int(1e6)}`, id: '001090012345', fullName: true }),
    () => ({ recordId: `n${rng.int(1e6)}`, id: '001090012345', dob: Number.NaN }),
    () => ({ id: '001090012345', fullName: 'Không Có Mã' }), // no record id
    () => ({ recordId: `m${rng.int(1e6)}`, fullName: 'Thiếu Số' }), // no ID
    () => ({ recordId: `i${rng.int(1e6)}`, id: '12ab', fullName: 'Sai Số' }), // invalid ID
    () => ({ recordId: `e${rng.int(1e6)}`, id: '001090012345', old: { x: 1 } }),
  ];
  const out: unknown[] = [];
  for (let i = 0; i < pop.length; i++) {
    const r = { ...pop[i]! };
    const u = rng.next();
    if (u < 0.03) r['dob'] = '31/02/1990';
    else if (u < 0.05) r['sex'] = 'không rõ';
    else if (u < 0.06) r['fullName'] = '12345 !!';
    else if (u < 0.08) r['province'] = `Tỉnh Mới ${rng.int(40)}`; // new category values late in the input
    if (rng.chance(0.1)) r['old'] = `${pop[rng.int(pop.length)]!['id']}; 0${rng.int(1e8)} | xx`;
    else if (rng.chance(0.02)) r['old'] = 123456789;
    out.push(r);
    if (rng.chance(0.02)) out.push(bad[rng.int(bad.length)]!());
  }
  return out;
}

async function* slowly(rows: readonly unknown[]): AsyncGenerator<unknown> {
  for (let i = 0; i < rows.length; i++) {
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    yield rows[i];
  }
}

let dir: string;
let files = 0;
const pools = new Map<number, KhopPool>();
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-pingest-'));
  // `threads` t = the calling thread + t − 1 workers.
  pools.set(2, KhopPool.create({ threads: 1, inCallingThread: false }));
  pools.set(3, KhopPool.create({ threads: 2 }));
});
afterAll(async () => {
  for (const p of pools.values()) await p.close();
  await rm(dir, { recursive: true, force: true });
});

async function snapshotBytes(reg: Register): Promise<Buffer> {
  const path = join(dir, `r${files++}.khop`);
  await reg.save(path);
  return readFile(path);
}

interface Built {
  bytes: Buffer;
  rejected: string;
  issues: string;
  size: number;
}

async function built(rows: () => Iterable<unknown> | AsyncIterable<unknown>, options: RegisterBuildOptions, threads: number, tuning: IngestTuning): Promise<Built> {
  const pool = pools.get(threads);
  const reg = await Register.build(SCHEMA, rows(), { ...options, threads }, { ...tuning, ...(pool !== undefined ? { pool } : {}) });
  // JSON keeps key order: issues must be merged in first-seen order (the snapshot holds them).
  return { bytes: await snapshotBytes(reg), rejected: JSON.stringify(reg.rejected), issues: JSON.stringify(reg.issues), size: reg.size };
}

describe('Register.build with the read phase on a pool', () => {
  const rows = makeRows(2000, 5);

  const cases: Array<{ name: string; options: RegisterBuildOptions; source: () => Iterable<unknown> | AsyncIterable<unknown>; tuning: IngestTuning }> = [
    { name: 'array, record ids, earlier IDs, categories', options: { idField: 'recordId', earlierIdsField: 'old' }, source: () => rows, tuning: { minRows: 0, chunkRows: 97 } },
    { name: 'array, positions as record ids, no candidate index', options: { earlierIdsField: 'old', candidateSearch: false }, source: () => rows, tuning: { minRows: 0, chunkRows: 512 } },
    { name: 'array, positions from firstRecordId 1 (the command line\'s row numbers)', options: { earlierIdsField: 'old', firstRecordId: 1 }, source: () => rows, tuning: { minRows: 0, chunkRows: 97 } },
    { name: 'keyed register (idSecret)', options: { idField: 'recordId', earlierIdsField: 'old', idSecret: SECRET }, source: () => rows, tuning: { minRows: 0, chunkRows: 300 } },
    { name: 'async iterable, first rows on the calling thread', options: { idField: 'recordId', earlierIdsField: 'old' }, source: () => slowly(rows), tuning: { minRows: 700, chunkRows: 256 } },
    { name: 'sync generator, workers only (no calling-thread share)', options: { idField: 'recordId', earlierIdsField: 'old' }, source: () => rows.values(), tuning: { minRows: 0, chunkRows: 200, callingThreadShare: false } },
  ];

  // Each pooled build is compared with the one-thread build and with a build of the same thread
  // count whose rows are all read by the calling thread (minRows beyond the input): the snapshot
  // does not record the thread count, so all three save the same bytes.
  const ALONE: IngestTuning = { minRows: Number.MAX_SAFE_INTEGER };

  for (const c of cases) {
    it(`${c.name}: identical snapshot bytes, rejections and issues for 1, 2 and 3 threads`, async () => {
      const one = await built(c.source, c.options, 1, c.tuning);
      expect(JSON.parse(one.rejected).length).toBeGreaterThan(20);
      expect(Object.keys(JSON.parse(one.issues)).length).toBeGreaterThanOrEqual(3);
      for (const t of [2, 3]) {
        const alone = await built(c.source, c.options, t, ALONE);
        expect(alone.rejected).toBe(one.rejected);
        expect(alone.issues).toBe(one.issues);
        const got = await built(c.source, c.options, t, c.tuning);
        expect(got.size, `threads ${t}`).toBe(one.size);
        expect(got.rejected, `threads ${t}`).toBe(one.rejected);
        expect(got.issues, `threads ${t}`).toBe(one.issues);
        expect(got.bytes.equals(alone.bytes), `threads ${t}: snapshot bytes`).toBe(true);
        expect(got.bytes.equals(one.bytes), `threads ${t}: snapshot bytes of the one-thread build`).toBe(true);
      }
    });
  }

  it('with threads: 2 and its own pool (started and closed by the build): the same register, byte for byte, as threads: 1', async () => {
    const one = await Register.build(SCHEMA, rows, { idField: 'recordId', earlierIdsField: 'old', threads: 1 });
    const alone = await Register.build(SCHEMA, rows, { idField: 'recordId', earlierIdsField: 'old', threads: 2 });
    const reg = await Register.build(SCHEMA, rows, { idField: 'recordId', earlierIdsField: 'old', threads: 2 }, { minRows: 0, chunkRows: 1000 });
    const bytes = await snapshotBytes(one);
    expect((await snapshotBytes(alone)).equals(bytes), 'threads 2, rows read by the calling thread').toBe(true);
    expect((await snapshotBytes(reg)).equals(bytes), 'threads 2, rows read on the pool').toBe(true);
  });

  it('a schema field no row holds is refused INVALID_SCHEMA, naming it — on one thread, on the pool, and from a CSV file cut into pieces', async () => {
    // dob under another key in every row: every claim's date would be "record-missing".
    const clean = [...generatePopulation({ size: 1500, seed: 12, duplicateRate: 0 })] as unknown as Array<Record<string, unknown>>;
    const renamed = clean.map(({ dob, ...rest }) => ({ ...rest, dateOfBirth: dob }));
    const runs: Array<[string, () => Promise<Register>]> = [
      ['one thread', () => Register.build(SCHEMA, renamed, { idField: 'recordId', threads: 1 })],
      ['pool', () => Register.build(SCHEMA, renamed, { idField: 'recordId', threads: 2 }, { minRows: 0, chunkRows: 500 })],
    ];
    for (const [label, run] of runs) {
      const e = await run().catch((x: unknown) => x);
      expect(isKhopError(e) && e.code, label).toBe('INVALID_SCHEMA');
      expect((e as Error).message, label).toMatch(/"dob" in no row of the rows/);
    }
    // The same rows with the column named: built.
    const named = { ...SCHEMA.toJSON(), dob: { kind: 'date', column: 'dateOfBirth' } };
    const reg = await Register.build(named as never, renamed, { idField: 'recordId', threads: 2 }, { minRows: 0, chunkRows: 500 });
    expect(reg.size).toBe(clean.length);
    // A CSV file whose header lacks the column, read in pieces on the pool.
    const path = join(dir, 'no-dob.csv');
    const cols = ['recordId', 'id', 'fullName', 'sex', 'province', 'address'];
    const quote = (v: unknown): string => `"${String(v ?? '').replace(/"/g, '""')}"`;
    await writeFile(path, [cols.join(','), ...clean.map((r) => cols.map((c) => quote(r[c])).join(','))].join('\n') + '\n');
    const e = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, { csvMinBytes: 0 }).catch((x: unknown) => x);
    expect(isKhopError(e) && e.code).toBe('INVALID_SCHEMA');
  });

  it('an earlierIdsField no row holds is refused INVALID_OPTION, naming it — on one thread, on the pool, and from a CSV file cut into pieces', async () => {
    // The earlier IDs under another key in every row: every earlier ID was dropped without a
    // word, and a claim with one came back NOT_FOUND.
    const clean = [...generatePopulation({ size: 1500, seed: 13, duplicateRate: 0 })] as unknown as Array<Record<string, unknown>>;
    const rows: Array<Record<string, unknown>> = clean.map((r, i) => ({ ...r, old_ids: i % 5 === 0 ? `0${12345000 + i}` : '' }));
    const runs: Array<[string, RegisterBuildOptions, IngestTuning | undefined]> = [
      ['one thread', { idField: 'recordId', earlierIdsField: 'old', threads: 1 }, undefined],
      ['pool', { idField: 'recordId', earlierIdsField: 'old', threads: 2 }, { minRows: 0, chunkRows: 500 }],
    ];
    for (const [label, options, tuning] of runs) {
      const e = await Register.build(SCHEMA, rows, options, tuning).catch((x: unknown) => x);
      expect(isKhopError(e) && e.code, label).toBe('INVALID_OPTION');
      expect((e as KhopError).details?.['option'], label).toBe('earlierIdsField');
      expect((e as Error).message, label).toMatch(/earlierIdsField: column "old" is in no row of the rows/);
    }
    // With a schema field absent too: both problems in one error.
    const noDob = rows.map(({ dob: _dob, ...rest }) => rest);
    const both = await Register.build(SCHEMA, noDob, { idField: 'recordId', earlierIdsField: 'old' }).catch((x: unknown) => x);
    expect(isKhopError(both, 'INVALID_OPTION')).toBe(true);
    expect((both as KhopError).details?.['problems']).toEqual([expect.stringMatching(/"dob"/), expect.stringMatching(/earlierIdsField/)]);
    // The column named: built, and a claim with an earlier ID finds its person.
    const reg = await Register.build(SCHEMA, rows, { idField: 'recordId', earlierIdsField: 'old_ids', threads: 2 }, { minRows: 0, chunkRows: 500 });
    const p = clean[5]!;
    const v = reg.authenticate({ id: rows[5]!.old_ids, fullName: p['fullName'], dob: p['dob'], sex: p['sex'] });
    expect([v.status, v.matchedBy, v.recordId]).toEqual(['VERIFIED', 'earlierId', p['recordId']]);
    // A column that is there, empty in every row, is a column: built.
    const empty = await Register.build(SCHEMA, rows.map((r) => ({ ...r, old: '' })), { idField: 'recordId', earlierIdsField: 'old' });
    expect(empty.size).toBe(clean.length);
    // A CSV file whose header lacks the column, read in pieces on the pool.
    const path = join(dir, 'no-old.csv');
    const cols = ['recordId', 'id', 'fullName', 'dob', 'sex', 'province', 'address', 'old_ids'];
    const quote = (v: unknown): string => `"${String(v ?? '').replace(/"/g, '""')}"`;
    await writeFile(path, [cols.join(','), ...rows.map((r) => cols.map((c) => quote(r[c])).join(','))].join('\n') + '\n');
    const e = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', earlierIdsField: 'old', threads: 2 }, { csvMinBytes: 0 }).catch((x: unknown) => x);
    expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
    const fromCsv = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', earlierIdsField: 'old_ids', threads: 2 }, { csvMinBytes: 0 });
    expect(fromCsv.size).toBe(clean.length);
  });

  it('a pool slower than the calling thread: the calling thread ingests chunks ahead of their turn; the same register', async () => {
    const options: RegisterBuildOptions = { idField: 'recordId', earlierIdsField: 'old', threads: 2 };
    const alone = await Register.build(SCHEMA, rows, options, ALONE);
    for (const delay of [0, 30]) {
      const pool = slowPool(delay);
      const reg = await Register.build(SCHEMA, rows, options, { minRows: 0, chunkRows: 100, pool });
      expect((await snapshotBytes(reg)).equals(await snapshotBytes(alone)), `delay ${delay}`).toBe(true);
      expect(JSON.stringify(reg.issues)).toBe(JSON.stringify(alone.issues));
      expect(pool.calls).toBeGreaterThan(0);
      if (delay > 0) expect(pool.calls).toBeLessThan(Math.ceil(rows.length / 100) / 2); // most chunks stayed here
    }
  });

  it('memoryBudget fails at the same row with the same estimate as one thread', async () => {
    const more = makeRows(5000, 6); // past MEMORY_CHECK_EVERY (4,096) rows: a check mid-stream
    const stream = (): AsyncIterable<unknown> => slowly(more);
    const fail = async (threads: number): Promise<KhopError> =>
      Register.build(SCHEMA, stream(), { idField: 'recordId', memoryBudget: 2_000_000, threads }, { minRows: 0, chunkRows: 128, pool: pools.get(2)! }).then(
        () => {
          throw new Error('the build should have failed');
        },
        (e: KhopError) => e,
      );
    const one = await fail(1);
    const two = await fail(2);
    expect(isKhopError(one, 'MEMORY_BUDGET_EXCEEDED')).toBe(true);
    expect(isKhopError(two, 'MEMORY_BUDGET_EXCEEDED')).toBe(true);
    expect(two.details).toEqual(one.details);
    expect(one.details?.['estimate']).toBeLessThan(4_000_000); // failed at row 4,096, not at the end
  });
});

describe('Register.build: a failing ingest worker', () => {
  for (const mode of ['throw', 'exit'] as const) {
    it(`a worker that ${mode === 'throw' ? 'throws' : 'dies'} rejects the build with WORKER_FAILED naming the task, and closes the source`, async () => {
      const rows = makeRows(1500, 9);
      let closed = false;
      let read = 0;
      function* source(): Generator<unknown> {
        try {
          for (const r of rows) {
            read++;
            yield r;
          }
        } finally {
          closed = true;
        }
      }
      process.env['KHOP_POOL_FAULT'] = JSON.stringify({ task: 'register.ingest', part: 1, mode });
      let error: unknown;
      try {
        await Register.build(SCHEMA, source(), { idField: 'recordId', threads: 2 }, { minRows: 0, chunkRows: 100 });
      } catch (e) {
        error = e;
      } finally {
        delete process.env['KHOP_POOL_FAULT'];
      }
      expect(isKhopError(error, 'WORKER_FAILED')).toBe(true);
      const err = error as KhopError;
      expect(err.message).toContain('register.ingest');
      expect(err.details).toMatchObject({ phase: 'read' }); // named as dedupe's and authenticateAll's are
      expect(err.message).toContain(mode === 'exit' ? 'exited (code 70)' : 'injected test fault');
      expect(closed).toBe(true);
      expect(read).toBeLessThan(rows.length); // bounded read-ahead: the source was not drained
    });
  }
});

describe('IngestSink.takeChunk', () => {
  it('copies a worker\'s rows in runs, yet at every row the memory guard looks at, the store and keys hold exactly the rows taken so far (against take, row by row)', () => {
    const layout = registerLayout(SCHEMA, true, null);
    const job: IngestJob = {
      id: 'sink-test',
      schema: SCHEMA.toJSON(),
      idField: 'recordId',
      firstRecordId: 0,
      earlierIdsField: 'old',
      candidates: true,
      idKey: null,
      columns: jobColumns(layout, 'recordId', 'old'),
      released: new Int32Array(1),
    };
    // Rows a worker can receive (plain objects of primitives); the worker's ingester rejects some.
    const rows = makeRows(600, 9).filter(
      (r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r) && Object.values(r).every((v) => v === null || typeof v !== 'object') && !Object.values(r).some((v) => typeof v === 'function' || typeof v === 'symbol'),
    );
    const trace = (chunked: boolean, every: number): string => {
      const dictionary = new CategoryDictionary(layout.fields.length);
      const store = new RecordStore(layout.columns);
      const ids = new KeyCollector(new KeyHasher({ seed: REGISTER_KEY_SEED }));
      const earlier = new KeyCollector(new KeyHasher({ seed: REGISTER_KEY_SEED }), 16);
      const cands = new KeyCollector(new KeyHasher({ seed: REGISTER_KEY_SEED }));
      const seen: string[] = [];
      // A guard that looks at every `every`-th row: what it sees there is recorded.
      const guard = {
        checksAt: (n: number) => n % every === 0,
        rowTaken: (n: number) => {
          if (n % every === 0) seen.push(`${n}:${store.rowCount}/${ids.count}/${earlier.count}/${cands.count}/${store.byteLength}`);
        },
      } as unknown as BuildMemoryGuard;
      const sink = new IngestSink(layout, new RowIngester(layout, dictionary, 'recordId', 'old', true), dictionary, store, ids, earlier, cands, guard, null, []);
      const state = ingestState(job);
      const size = 37;
      for (let start = 0; start < rows.length; start += size) {
        const part = rows.slice(start, start + size);
        if (!chunked) {
          for (const r of part) sink.take(r);
          continue;
        }
        const values = part.flatMap((r) => job.columns.map((c) => (Object.prototype.hasOwnProperty.call(r, c) ? r[c] : undefined)));
        sink.takeChunk(part.length, [], ingestChunk(state, { job, start, count: part.length, values, skip: [], part: 0 }));
      }
      const cells = Array.from({ length: store.rowCount }, (_x, row) => layout.columns.map((_c, c) => (store.isNull(c, row) ? null : layout.columns[c]!.type === 'ascii' || layout.columns[c]!.type === 'utf8' ? store.getString(c, row) : store.getNumber(c, row))));
      return JSON.stringify({ seen, cells, rejected: sink.rejected });
    };
    for (const every of [5, 64, 1000]) {
      const one = trace(false, every);
      expect(JSON.parse(one).rejected.length).toBeGreaterThan(5);
      expect(trace(true, every)).toBe(one);
    }
  });
});
