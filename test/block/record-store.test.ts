import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { inversePermutation, RecordStore, type CellValue, type ColumnSpec } from '../../src/block/record-store.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';
import { thrown } from '../util/thrown.js';

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'name', type: 'utf8' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
  { name: 'num', type: 'float64' },
];

const UTF8_SAMPLES = ['Nguyễn Văn An', 'Đặng Thị Thuỷ', '', 'hoà', 'Ðỗ', '😀 emoji', 'a\u0301', '漢字', 'x'];

function randomRow(rng: Rng): CellValue[] {
  const nul = (): boolean => rng.chance(0.2);
  const digits = (): string => {
    let s = '';
    const n = rng.int(14);
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + rng.int(10));
    return s;
  };
  return [
    nul() ? null : digits(),
    nul() ? null : rng.pick(UTF8_SAMPLES) + (rng.chance(0.5) ? rng.pick(UTF8_SAMPLES) : ''),
    nul() ? null : rng.int(2 ** 32) - 2 ** 31,
    nul() ? null : rng.int(256),
    nul() ? null : rng.chance(0.5) ? rng.int(2 ** 40) : rng.next() * 1e6 - 5e5,
  ];
}

/** `n` random rows drawn from `rng`, each appended to every store of `stores` as it is drawn. */
function appendRandomRows(rng: Rng, n: number, ...stores: RecordStore[]): CellValue[][] {
  const rows: CellValue[][] = [];
  for (let r = 0; r < n; r++) {
    const v = randomRow(rng);
    rows.push(v);
    for (const store of stores) store.append(v);
  }
  return rows;
}

/** A store of `n` seeded random rows (chunks of 8 rows), and the rows. */
function filledStore(seed: number, n: number): { store: RecordStore; rows: CellValue[][] } {
  const store = new RecordStore(COLUMNS, { chunkBits: 3 });
  return { store, rows: appendRandomRows(new Rng(seed), n, store) };
}

function expectRow(store: RecordStore, row: number, v: CellValue[]): void {
  expect(store.getString('id', row)).toBe(v[0] ?? null);
  expect(store.getString(1, row)).toBe(v[1] ?? null);
  expect(store.getNumber('dob', row)).toBe(v[2] ?? null);
  expect(store.getNumber('sex', row)).toBe(v[3] ?? null);
  expect(store.getNumber('num', row)).toBe(v[4] ?? null);
  for (let c = 0; c < 5; c++) expect(store.isNull(c, row)).toBe(v[c] == null);
}

describe('RecordStore', () => {
  it('round-trips rows with nulls, empty strings and unicode across chunk boundaries', () => {
    const rng = new Rng(7);
    const store = new RecordStore(COLUMNS, { chunkBits: 3 }); // 8 rows per chunk
    const rows: CellValue[][] = [];
    for (let r = 0; r < 1000; r++) {
      const v = randomRow(rng);
      rows.push(v);
      expect(store.append(v)).toBe(r);
    }
    expect(store.rowCount).toBe(1000);
    expect(store.chunkCount).toBe(125);
    rows.forEach((v, r) => expectRow(store, r, v));
  });

  it('keeps a row whose values are all missing distinct from empty / zero values', () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    store.append([null, undefined, null, null, null]);
    store.append(['', '', 0, 0, 0]);
    expect([0, 1, 2, 3, 4].map((c) => store.isNull(c, 0))).toEqual([true, true, true, true, true]);
    expect([0, 1, 2, 3, 4].map((c) => store.isNull(c, 1))).toEqual([false, false, false, false, false]);
    expect(store.getString('id', 1)).toBe('');
    expect(store.getNumber('dob', 0)).toBeNull();
    expect(store.getNumber('dob', 1)).toBe(0);
  });

  it('stores utf8 text as the bytes TextEncoder produces (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 12 }), { nil: null }), { maxLength: 40 }), (values) => {
        const store = new RecordStore([{ name: 't', type: 'utf8' }], { chunkBits: 3 });
        for (const v of values) store.append([v]);
        const col = store.textColumn('t');
        const enc = new TextEncoder();
        values.forEach((v, r) => {
          expect(store.getString('t', r)).toBe(v);
          expect(col.isNull(r)).toBe(v === null);
          const units = col.units(r);
          const got = Array.from(units.subarray(col.start(r), col.end(r)));
          expect(got).toEqual(v === null ? [] : Array.from(enc.encode(v)));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('gives zero-copy spans for ascii columns and typed chunk views for numbers', () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    for (let r = 0; r < 20; r++) store.append([`id${r}`, null, 19900000 + r, r % 2, r / 2]);
    const col = store.textColumn('id');
    const u = col.units(13);
    expect(String.fromCharCode(...u.subarray(col.start(13), col.end(13)))).toBe('id13');
    // the same pool is shared by the rows of one chunk
    expect(col.units(8)).toBe(col.units(15));
    expect(col.units(8)).not.toBe(col.units(16));
    const ch = store.columnChunk('dob', 2);
    expect(ch.length).toBe(4);
    expect(ch.values).toBeInstanceOf(Int32Array);
    expect(Array.from(ch.values!.subarray(0, 4))).toEqual([19900016, 19900017, 19900018, 19900019]);
    expect(ch.values!.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(store.columnChunk('num', 0).values).toBeInstanceOf(Float64Array);
    expect(store.columnChunk('id', 0).pool!.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('refuses values that do not fit the column and leaves the store unchanged', () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    store.append(['1', 'a', 1, 1, 1]);
    const bad: CellValue[][] = [
      ['é', 'a', 1, 1, 1], // non-ASCII in ascii column
      [1 as unknown as string, 'a', 1, 1, 1], // number for text
      ['1', 'a', 1.5, 1, 1], // not int32
      ['1', 'a', 2 ** 31, 1, 1],
      ['1', 'a', 1, 256, 1],
      ['1', 'a', 1, -1, 1],
      ['1', 'a', 1, 1, NaN],
      ['1', 'a', '1' as unknown as number, 1, 1],
      ['1', '\ud800x', 1, 1, 1], // lone surrogate
      ['1', 'a', 1, 1], // too few values
    ];
    for (const v of bad) {
      let err: unknown;
      try {
        store.append(v);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
      // no record value in the message
      expect((err as Error).message).not.toContain('é');
    }
    expect(store.rowCount).toBe(1);
    store.append(['2', 'b', 2, 2, 2]);
    expectRow(store, 1, ['2', 'b', 2, 2, 2]);
    expectRow(store, 0, ['1', 'a', 1, 1, 1]);
  });

  it('validates the column list and options, collecting every problem', () => {
    try {
      new RecordStore(
        [
          { name: 'a', type: 'ascii' },
          { name: 'a', type: 'int32' },
          { name: '', type: 'utf8' },
          { name: 'b', type: 'int64' as 'int32' },
        ],
        { chunkBits: 40 },
      );
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'INVALID_OPTION')).toBe(true);
      expect((e as { details: { problems: string[] } }).details.problems).toHaveLength(4);
    }
    const store = new RecordStore(COLUMNS);
    expect(() => store.columnIndex('nope')).toThrowError(/unknown column/);
    expect(() => store.getString('dob', 0)).toThrowError();
  });

  it('grows text pools chunk by chunk and reports the memory it holds', () => {
    const store = new RecordStore([{ name: 't', type: 'ascii' }], { chunkBits: 4 });
    const long = 'x'.repeat(5000);
    for (let r = 0; r < 40; r++) store.append([r % 3 === 0 ? long : 'ab']);
    for (let r = 0; r < 40; r++) expect(store.getString('t', r)).toBe(r % 3 === 0 ? long : 'ab');
    // sealed chunks are trimmed to what they use: 16 rows with 6 long values
    const used = 6 * 5000 + 10 * 2;
    expect(store.columnChunk('t', 0).pool!.byteLength).toBe(used);
    expect(store.byteLength).toBeGreaterThan(3 * 5000 * 4);
    expect(store.byteLength).toBeLessThan(40 * 5000);
  });

  it('shares its buffers through a descriptor (structured clone: same memory)', () => {
    const { store, rows } = filledStore(3, 50);
    const view = RecordStore.fromDescriptor(structuredClone(store.toDescriptor()));
    expect(view.rowCount).toBe(50);
    expect(view.writable).toBe(false);
    rows.forEach((v, r) => expectRow(view, r, v));
    // a write through the original is visible through the clone: no copy was made
    store.columnChunk('dob', 0).values![0] = 4242;
    store.columnChunk('dob', 0).nulls[0]! &= ~1;
    expect(view.getNumber('dob', 0)).toBe(4242);
    expect(() => view.append(rows[0]!)).toThrowError(/read-only/);
  });

  it('describes a subset of its columns: a narrower store over the same memory', () => {
    const { store, rows } = filledStore(4, 30);
    const d = store.toDescriptor(['num', 'name', 'num']);
    expect(d.columns.map((c) => c.name)).toEqual(['name', 'num']); // store order, once each
    expect(d.parts.length).toBe(store.chunkCount * (3 + 2));
    expect(d.parts.length).toBeLessThan(store.toDescriptor().parts.length);
    const view = RecordStore.fromDescriptor(structuredClone(d));
    rows.forEach((v, r) => {
      expect(view.getString('name', r)).toBe(store.getString('name', r));
      expect(view.getNumber('num', r)).toBe(store.getNumber('num', r));
    });
    expect(view.columns.length).toBe(2);
    expect(() => store.toDescriptor(['name', 'nope'])).toThrowError(/unknown column/);
  });

  it('is read in place by a worker thread', async () => {
    const store = new RecordStore([{ name: 'name', type: 'utf8' }, { name: 'dob', type: 'int32' }], { chunkBits: 3 });
    for (let r = 0; r < 20; r++) store.append([`Nguyễn ${r}`, 19900100 + r]);
    const d = store.toDescriptor();
    // parts per chunk: name (nulls, offsets, pool), dob (nulls, values) → 5; row 17 = chunk 2, local 1
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const p = workerData.parts;
      const off = new Uint32Array(p[2 * 5 + 1].buffer, p[2 * 5 + 1].byteOffset, 9);
      const pool = new Uint8Array(p[2 * 5 + 2].buffer, p[2 * 5 + 2].byteOffset, p[2 * 5 + 2].byteLength);
      const dob = new Int32Array(p[2 * 5 + 4].buffer, p[2 * 5 + 4].byteOffset, 8);
      const name = new TextDecoder().decode(pool.slice(off[1], off[2]));
      const before = dob[1];
      dob[1] = 20240229; // write through the shared memory
      parentPort.postMessage({ name, before });
    `;
    const worker = new Worker(code, { eval: true, workerData: d });
    const msg = await new Promise<{ name: string; before: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(msg).toEqual({ name: 'Nguyễn 17', before: 19900117 });
    expect(store.getNumber('dob', 17)).toBe(20240229);
  });
});

describe('RecordStore — regression', () => {
  it('appends after a snapshot load whose last chunk holds only empty text (an empty pool used to loop forever)', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { saveIndexSnapshot, loadIndexSnapshot } = await import('../../src/block/index-snapshot.js');
    const s = new RecordStore([{ name: 't', type: 'ascii' }], { chunkBits: 3 });
    s.append(['']);
    s.append(['']);
    const dir = mkdtempSync(join(tmpdir(), 'khop-rs-'));
    try {
      const path = join(dir, 'store.khop');
      await saveIndexSnapshot(path, s, []);
      const loaded = (await loadIndexSnapshot(path)).store!;
      loaded.append(['hello']);
      expect(loaded.getString('t', 2)).toBe('hello');
      expect(loaded.getString('t', 0)).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RecordStore.permuteRows', () => {
  it('row r holds what row order[r] held, across chunks (seeded permutations, partial last chunk); appends go on after it', () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const rng = new Rng(seed);
      const store = new RecordStore(COLUMNS, { chunkBits: 3 });
      const n = 1 + rng.int(60);
      const rows = appendRandomRows(rng, n, store);
      // A seeded Fisher–Yates permutation (the identity too, for seed 6).
      const order = Uint32Array.from({ length: n }, (_, i) => i);
      if (seed !== 6) {
        for (let i = n - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
      }
      store.permuteRows(order);
      expect(store.rowCount).toBe(n);
      for (let r = 0; r < n; r++) expectRow(store, r, rows[order[r]!]!);
      // The store still grows: into the partial last chunk, then new chunks.
      const more = appendRandomRows(rng, 20, store);
      for (let r = 0; r < n; r++) expectRow(store, r, rows[order[r]!]!);
      for (let i = 0; i < 20; i++) expectRow(store, n + i, more[i]!);
      // Readers made from a descriptor see the new layout.
      const view = RecordStore.fromDescriptor(store.toDescriptor());
      for (let r = 0; r < n; r++) expectRow(view, r, rows[order[r]!]!);
    }
  });

  it('columns permuted apart (some through writable views of the descriptor, whose text pools are adopted) give what permuteRows gives', () => {
    for (const seed of [11, 12, 13, 14]) {
      const rng = new Rng(seed);
      const n = 1 + rng.int(70);
      const rows = appendRandomRows(rng, n);
      const whole = new RecordStore(COLUMNS, { chunkBits: 3 });
      const parts = new RecordStore(COLUMNS, { chunkBits: 3 });
      for (const r of rows) {
        whole.append(r);
        parts.append(r);
      }
      const order = Uint32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      whole.permuteRows(order);
      parts.checkPermutation(order);
      // Columns split at random between this store and two views (as worker threads have them).
      const owner = COLUMNS.map(() => rng.int(3));
      const mine = COLUMNS.map((_c, i) => i).filter((c) => owner[c] === 0);
      parts.permuteColumns(order, mine);
      for (const v of [1, 2]) {
        const view = RecordStore.fromDescriptor(parts.toDescriptor(), { writable: true });
        const cols = COLUMNS.map((_c, i) => i).filter((c) => owner[c] === v);
        view.permuteColumns(order, cols);
        for (const c of cols) if (COLUMNS[c]!.type === 'ascii' || COLUMNS[c]!.type === 'utf8') parts.adoptTextPools(c, view.textPools(c));
      }
      for (let r = 0; r < n; r++) expectRow(parts, r, rows[order[r]!]!);
      expect(parts.byteLength).toBe(whole.byteLength);
    }
  });

  it('inversePermutation maps each old row to its new row; permuteColumns given it (shared, as threads share it) equals permuteRows', () => {
    for (const seed of [21, 22, 23]) {
      const rng = new Rng(seed);
      const n = 1 + rng.int(70);
      const rows = appendRandomRows(rng, n);
      const order = Uint32Array.from({ length: n }, (_, i) => i);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const inverse = inversePermutation(order, true);
      expect(inverse.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(inversePermutation(order).buffer).toBeInstanceOf(ArrayBuffer);
      for (let r = 0; r < n; r++) expect(inverse[order[r]!]).toBe(r);
      const store = new RecordStore(COLUMNS, { chunkBits: 3 });
      for (const r of rows) store.append(r);
      store.checkPermutation(order);
      store.permuteColumns(order, COLUMNS.map((_c, i) => i), inverse);
      for (let r = 0; r < n; r++) expectRow(store, r, rows[order[r]!]!);
      expect(isKhopError(thrown(() => store.permuteColumns(order, [0], inverse.subarray(1))), 'INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('refuses pools that do not fit a text column, and permuting a read-only view', () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    for (let i = 0; i < 12; i++) store.append(['123456', 'Nguyễn Văn An', 1, 1, 1]);
    const pools = store.textPools(1);
    expect(pools.length).toBe(store.chunkCount);
    const bad: Array<() => void> = [
      () => store.adoptTextPools(1, pools.slice(1)), // one pool short
      () => store.adoptTextPools(1, [new Uint8Array(1), ...pools.slice(1)]), // smaller than its text
      () => store.adoptTextPools(2, pools), // a numeric column
      () => store.textPools(2),
      () => RecordStore.fromDescriptor(store.toDescriptor()).permuteColumns(Uint32Array.from({ length: 12 }, (_, i) => i), [0]),
      () => store.permuteColumns(Uint32Array.of(0, 1), [0]), // not rowCount rows
    ];
    for (const f of bad) expect(isKhopError(thrown(f), 'INVALID_ARGUMENT')).toBe(true);
    store.adoptTextPools(1, pools);
    for (let r = 0; r < 12; r++) expectRow(store, r, ['123456', 'Nguyễn Văn An', 1, 1, 1]);
  });

  it('refuses an order that is not a permutation of the rows, and a read-only view', () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    const rng = new Rng(9);
    for (let i = 0; i < 5; i++) store.append(randomRow(rng));
    for (const bad of [Uint32Array.of(0, 1, 2, 3), Uint32Array.of(0, 1, 2, 3, 3), Uint32Array.of(0, 1, 2, 3, 5)]) {
      expect(() => store.permuteRows(bad)).toThrow(/permutation|rowCount/);
    }
    expect(() => store.permuteRows([4, 3, 2, 1, 0] as unknown as Uint32Array)).toThrow(/Uint32Array/);
    const view = RecordStore.fromDescriptor(store.toDescriptor());
    expect(() => view.permuteRows(Uint32Array.of(4, 3, 2, 1, 0))).toThrow(/read-only/);
  });
});

describe('RecordStore.appendRows', () => {
  it('appends what append of the same cells appends, across chunk boundaries of both stores, with overrides (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 3, max: 5 }),
        fc.integer({ min: 3, max: 5 }),
        fc.boolean(),
        (seed, before, count, srcBits, dstBits, override) => {
          const rng = new Rng(seed);
          const src = new RecordStore(COLUMNS, { chunkBits: srcBits });
          const srcRows = appendRandomRows(rng, count, src);
          const from = count === 0 ? 0 : rng.int(count + 1);
          const to = from + rng.int(count - from + 1);
          // The same rows appended one by one (the oracle) and copied (the subject), after `before` rows.
          const oracle = new RecordStore(COLUMNS, { chunkBits: dstBits });
          const subject = new RecordStore(COLUMNS, { chunkBits: dstBits });
          const head = appendRandomRows(rng, before, oracle, subject);
          const dob = Array.from({ length: to - from }, () => (rng.chance(0.3) ? null : rng.int(2 ** 20)));
          const expected = srcRows.slice(from, to).map((v, j) => (override ? [v[0], v[1], dob[j]!, v[3], v[4]] : v));
          for (const v of expected) oracle.append(v);
          subject.appendRows(src, from, to, override ? [{ column: 2, values: dob }] : []);
          expect(subject.rowCount).toBe(oracle.rowCount);
          // Text pools grow as append grows them (a build's memory guard reads the capacity).
          expect(subject.byteLength).toBe(oracle.byteLength);
          [...head, ...expected].forEach((v, r) => expectRow(subject, r, v));
          // Appends go on after it as after one-by-one appends.
          const next = randomRow(rng);
          subject.append(next);
          expectRow(subject, subject.rowCount - 1, next);
          // A worker's rows arrive as a descriptor: the view reads the same.
          const view = RecordStore.fromDescriptor(src.toDescriptor());
          const again = new RecordStore(COLUMNS, { chunkBits: dstBits });
          again.appendRows(view, from, to);
          srcRows.slice(from, to).forEach((v, r) => expectRow(again, r, v));
        },
      ),
      { seed: 31, numRuns: 150 },
    );
  });

  it('refuses other columns, a range outside the source, an override that does not fit and a read-only store, changing nothing', () => {
    const rng = new Rng(5);
    const src = new RecordStore(COLUMNS, { chunkBits: 3 });
    for (let r = 0; r < 10; r++) src.append(randomRow(rng));
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    const first = randomRow(rng);
    store.append(first);
    const other = new RecordStore([...COLUMNS.slice(0, 4), { name: 'num', type: 'int32' }]);
    const bad: Array<() => void> = [
      () => store.appendRows(other, 0, 0),
      () => store.appendRows(src, 0, 11),
      () => store.appendRows(src, 5, 4),
      () => store.appendRows(src, -1, 2),
      () => store.appendRows(src, 0, 2, [{ column: 2, values: [1, 2 ** 31] }]), // not an int32
      () => store.appendRows(src, 0, 2, [{ column: 3, values: [1, 256] }]), // not 0..255
      () => store.appendRows(src, 0, 2, [{ column: 1, values: [1, 2] }]), // a text column
      () => store.appendRows(src, 0, 2, [{ column: 2, values: [1] }]), // too few values
      () => RecordStore.fromDescriptor(store.toDescriptor()).appendRows(src, 0, 1),
    ];
    for (const f of bad) expect(isKhopError(thrown(f), 'INVALID_ARGUMENT')).toBe(true);
    expect(store.rowCount).toBe(1);
    expectRow(store, 0, first);
  });

  it('refuses a source whose text offsets run outside its pool', () => {
    const src = new RecordStore(COLUMNS, { chunkBits: 3 });
    src.append(['12', 'ab', 1, 1, 1]);
    const d = src.toDescriptor();
    // parts of chunk 0: id nulls, id offsets, id pool, … — make row 0's id end past its pool.
    const offsets = new Uint32Array(d.parts[1]!.buffer, d.parts[1]!.byteOffset, 9);
    offsets[1] = 1 << 20;
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    expect(() => store.appendRows(RecordStore.fromDescriptor(d), 0, 1)).toThrow(/malformed text cell/);
    expect(store.rowCount).toBe(0);
  });
});
