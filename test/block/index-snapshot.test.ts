import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBlockIndexes } from '../../src/block/build-block-index.js';
import { candidatePairs } from '../../src/block/candidate-pairs.js';
import { loadIndexSnapshot, saveIndexSnapshot } from '../../src/block/index-snapshot.js';
import type { BlockingRule } from '../../src/block/blocking-rule.js';
import { RecordStore, type CellValue, type ColumnSpec } from '../../src/block/record-store.js';
import { readSnapshot, writeSnapshot } from '../../src/io/snapshot.js';
import { isKhopError } from '../../src/errors.js';
import { Rng } from '../../src/util/rng.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-ixsnap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COLUMNS: ColumnSpec[] = [
  { name: 'id', type: 'ascii' },
  { name: 'name', type: 'utf8' },
  { name: 'given', type: 'ascii' },
  { name: 'dob', type: 'int32' },
  { name: 'sex', type: 'uint8' },
  { name: 'w', type: 'float64' },
];
const RULES: BlockingRule[] = [
  { name: 'id', parts: [{ column: 'id' }] },
  { name: 'given-year', parts: [{ column: 'given', transform: 'first', n: 2 }, { column: 'dob', transform: 'year' }] },
];

function rows(seed: number, n: number): CellValue[][] {
  const rng = new Rng(seed);
  const names = ['Nguyễn Văn An', 'Trần Thị Thảo', 'Lê Đức', ''];
  const out: CellValue[][] = [];
  for (let r = 0; r < n; r++) {
    out.push([
      rng.chance(0.1) ? null : String(rng.int(n)),
      rng.chance(0.1) ? null : rng.pick(names),
      rng.chance(0.1) ? null : rng.pick(['an', 'anh', 'thao', 'duc']),
      rng.chance(0.1) ? null : (1980 + rng.int(5)) * 10000 + 101,
      rng.int(2),
      rng.chance(0.1) ? null : rng.next(),
    ]);
  }
  return out;
}

function pairsOf(ix: Parameters<typeof candidatePairs>[0]): string[] {
  const out: string[] = [];
  candidatePairs(ix).forEach((c) => {
    for (let i = 0; i < c.length; i++) out.push(`${c.rule}:${c.left[i]},${c.right[i]}`);
  });
  return out;
}

describe('index snapshots', () => {
  it('save → load gives the same store, lookups and pairs, in shared memory', async () => {
    const data = rows(3, 300);
    const store = new RecordStore(COLUMNS, { chunkBits: 4 });
    for (const r of data) store.append(r);
    const indexes = buildBlockIndexes(store, RULES);
    const path = join(dir, 'reg.khop');
    await saveIndexSnapshot(path, store, indexes, { createdBy: 'test', n: 300 });
    const back = await loadIndexSnapshot(path);
    expect(back.meta).toEqual({ createdBy: 'test', n: 300 });
    const s = back.store!;
    expect(s.rowCount).toBe(300);
    data.forEach((r, row) => {
      COLUMNS.forEach((c, ci) => {
        const v = c.type === 'ascii' || c.type === 'utf8' ? s.getString(ci, row) : s.getNumber(ci, row);
        expect(v).toBe(r[ci] ?? null);
      });
    });
    expect(back.indexes.map((ix) => ix.rule)).toEqual(RULES);
    back.indexes.forEach((ix, i) => {
      expect(ix.blockCount).toBe(indexes[i]!.blockCount);
      expect(Array.from(ix.rowIds)).toEqual(Array.from(indexes[i]!.rowIds));
      for (let b = 0; b < ix.blockCount; b++) expect(ix.lookup(ix.blockLo(b), ix.blockHi(b))).toBe(b);
      expect(ix.rowIds.buffer).toBeInstanceOf(SharedArrayBuffer);
    });
    expect(pairsOf(back.indexes)).toEqual(pairsOf(indexes));
    expect(s.columnChunk('name', 0).pool!.buffer).toBeInstanceOf(SharedArrayBuffer);
    // the loaded store keeps growing, with the open chunk's pool re-allocated on demand
    for (let r = 0; r < 40; r++) s.append(['x', 'Phạm Thị Hồng Nhung '.repeat(3), 'ng', 20000101, 1, 1]);
    expect(s.getString('name', 339)).toBe('Phạm Thị Hồng Nhung '.repeat(3));
    expect(s.getString('name', 299)).toBe(data[299]![1] ?? null);
  });

  it('saves an index without a store, and an empty store', async () => {
    const store = new RecordStore(COLUMNS);
    const indexes = buildBlockIndexes(store, RULES);
    const path = join(dir, 'empty.khop');
    await saveIndexSnapshot(path, store, indexes);
    const back = await loadIndexSnapshot(path, { shared: false });
    expect(back.store!.rowCount).toBe(0);
    expect(back.indexes[0]!.blockCount).toBe(0);
    await saveIndexSnapshot(path, null, indexes, 'meta');
    const only = await loadIndexSnapshot(path);
    expect(only.store).toBeNull();
    expect(only.meta).toBe('meta');
  });

  it('refuses SNAPSHOT_CORRUPT a file with valid checksums whose metadata and sections do not fit (crafted)', async () => {
    const store = new RecordStore(COLUMNS, { chunkBits: 3 });
    for (const r of rows(4, 40)) store.append(r);
    const path = join(dir, 'crafted-src.khop');
    await saveIndexSnapshot(path, store, buildBlockIndexes(store, RULES));
    const s = await readSnapshot(path, { shared: false });
    const sections = [...s.sections].map(([name, data]) => ({ name, data }));
    const m = s.meta as { indexes: Array<Record<string, unknown>>; store: { columns: unknown[] } };
    const withSection = (name: string, change: (a: Uint32Array) => void) =>
      sections.map((x) => {
        if (x.name !== name) return x;
        const a = Uint32Array.from(x.data as Uint32Array);
        change(a);
        return { name, data: a };
      });
    const crafted: Array<[string, unknown, typeof sections]> = [
      ['no indexes list', { ...m, indexes: undefined }, sections],
      ['a seed that is not a number', { ...m, indexes: m.indexes.map((i) => ({ ...i, seed: 'x' })) }, sections],
      ['a store column list that is not one', { ...m, store: { ...m.store, columns: 7 } }, sections],
      ['a block start past the entries', m, withSection('index.0.starts', (a) => void (a[1] = 1_000_000))],
      ['block starts out of order', m, withSection('index.1.starts', (a) => void ([a[1], a[2]] = [a[2]!, a[1]!]))],
      ['a row id past the store', m, withSection('index.0.rowIds', (a) => void (a[0] = 999))],
      ['a directory past the blocks', m, withSection('index.0.directory', (a) => void (a[a.length - 1] = a[a.length - 1]! + 3))],
    ];
    for (const [what, meta, secs] of crafted) {
      const bad = join(dir, 'crafted.khop');
      await writeSnapshot(bad, { meta, sections: secs });
      const e = await loadIndexSnapshot(bad).then(() => null, (x: unknown) => x);
      expect(isKhopError(e, 'SNAPSHOT_CORRUPT'), `${what}: ${String(e)}`).toBe(true);
    }
    // The untouched file still loads (the checks do not refuse a good one).
    await writeSnapshot(join(dir, 'same.khop'), { meta: m, sections });
    expect((await loadIndexSnapshot(join(dir, 'same.khop'))).indexes).toHaveLength(2);
  });

  it('refuses a snapshot that holds no index', async () => {
    const path = join(dir, 'other.khop');
    await writeSnapshot(path, { meta: { something: 'else' }, sections: [] });
    try {
      await loadIndexSnapshot(path);
      expect.unreachable();
    } catch (e) {
      expect(isKhopError(e, 'SNAPSHOT_FOREIGN')).toBe(true);
    }
  });
});
