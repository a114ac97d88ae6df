/**
 * Save / load a RecordStore and its BlockIndexes as one snapshot file (format: src/io/snapshot.ts).
 *
 * Sections (c = column number, i = index number):
 *
 *   store.c<c>.nulls        u8   null bitmaps of every chunk, back to back (C/8 bytes per chunk)
 *   store.c<c>.values       numeric columns: every chunk's values (C per chunk; i32 / u8 / f64)
 *   store.c<c>.offsets      text columns: every chunk's offsets (C + 1 per chunk)
 *   store.c<c>.pool.<g>     text columns: chunk pools (used bytes only), grouped ≤ 1 GiB per section
 *   store.c<c>.poolIndex    f64 per chunk: [group, byte offset in group, byte length]
 *   index.<i>.keys | .starts | .rowIds | .directory     u32, as in BlockIndex
 *
 * Trade-off: the chunked store is written as per-column sections (a list of chunk views per
 * section, no concatenation in memory) and comes back as ONE buffer per section, the chunks being
 * views into it — no copy on load, and the loaded store is appendable (its open chunk's pool is
 * re-allocated on the first growth). Pools are grouped so no section exceeds 2^32 elements.
 */
import { KhopError, isKhopError } from '../errors.js';
import { checkArray, checkStore, checkString, invalidArgument } from '../util/arg-check.js';
import { readSnapshot, writeSnapshot, type ReadSnapshotOptions, type Snapshot, type SnapshotArray, type SnapshotSectionInput, type WriteSnapshotOptions } from '../io/snapshot.js';
import { BlockIndex } from './block-index.js';
import type { BlockingRule } from './blocking-rule.js';
import { RecordStore, type BufferViewRef, type ColumnSpec } from './record-store.js';

const FORMAT = 'khop.index-snapshot';
const POOL_GROUP_BYTES = 1 << 30;

interface StoreMeta {
  columns: ColumnSpec[];
  chunkBits: number;
  rowCount: number;
  chunks: number;
}

interface IndexMeta {
  rule: BlockingRule | null;
  seed: string;
  rowCount: number;
  directoryBits: number;
}

interface FileMeta {
  format: typeof FORMAT;
  version: 1;
  user: unknown;
  store: StoreMeta | null;
  indexes: IndexMeta[];
}

/** A loaded index snapshot. */
export interface IndexSnapshot {
  readonly meta: unknown;
  readonly store: RecordStore | null;
  readonly indexes: BlockIndex[];
}

/** Save a store (or null) and indexes, with caller metadata, atomically. */
export async function saveIndexSnapshot(path: string, store: RecordStore | null, indexes: readonly BlockIndex[], meta?: unknown, options?: WriteSnapshotOptions): Promise<void> {
  checkString('saveIndexSnapshot', 'path', path);
  if (store !== null) checkStore('saveIndexSnapshot', 'store', store);
  checkArray('saveIndexSnapshot', 'indexes', indexes, 'an array of BlockIndex');
  indexes.forEach((ix, i) => {
    if (!(ix instanceof BlockIndex)) throw invalidArgument('saveIndexSnapshot', `indexes[${i}]`, 'a BlockIndex', ix);
  });
  const sections: SnapshotSectionInput[] = [];
  let storeMeta: StoreMeta | null = null;
  if (store !== null) {
    const chunks = store.chunkCount;
    storeMeta = { columns: store.columns.map((c) => ({ name: c.name, type: c.type })), chunkBits: store.chunkBits, rowCount: store.rowCount, chunks };
    store.columns.forEach((col, c) => {
      const nulls: Uint8Array[] = [];
      const values: SnapshotArray[] = [];
      const offsets: Uint32Array[] = [];
      const pools: Uint8Array[][] = [];
      const poolIndex = new Float64Array(3 * chunks);
      let group = -1;
      let groupBytes = 0;
      for (let k = 0; k < chunks; k++) {
        // The last chunk is copied: rows appended while the file is written (a register's add or
        // update during save()) go into its arrays — a null bit shares a byte with saved rows —
        // and the bytes written must be the bytes hashed. Full chunks are never written again.
        const last = k === chunks - 1;
        const ch = store.columnChunk(c, k);
        nulls.push(last ? ch.nulls.slice() : ch.nulls);
        if (ch.values !== null) values.push(last ? (ch.values.slice() as SnapshotArray) : ch.values);
        else {
          offsets.push(last ? ch.offsets!.slice() : ch.offsets!);
          const pool = ch.pool!.subarray(0, ch.offsets![ch.length]!);
          const used = last ? pool.slice() : pool;
          if (group < 0 || groupBytes + used.byteLength > POOL_GROUP_BYTES) {
            group++;
            groupBytes = 0;
            pools.push([]);
          }
          poolIndex[3 * k] = group;
          poolIndex[3 * k + 1] = groupBytes;
          poolIndex[3 * k + 2] = used.byteLength;
          pools[group]!.push(used);
          groupBytes += used.byteLength;
        }
      }
      if (chunks === 0) return;
      sections.push({ name: `store.c${c}.nulls`, data: nulls });
      if (col.type === 'ascii' || col.type === 'utf8') {
        sections.push({ name: `store.c${c}.offsets`, data: offsets });
        sections.push({ name: `store.c${c}.poolIndex`, data: poolIndex });
        pools.forEach((g, i) => sections.push({ name: `store.c${c}.pool.${i}`, data: g }));
      } else {
        sections.push({ name: `store.c${c}.values`, data: values });
      }
    });
  }
  const indexMeta: IndexMeta[] = indexes.map((ix, i) => {
    sections.push({ name: `index.${i}.keys`, data: ix.keys });
    sections.push({ name: `index.${i}.starts`, data: ix.starts });
    sections.push({ name: `index.${i}.rowIds`, data: ix.rowIds });
    sections.push({ name: `index.${i}.directory`, data: ix.directory });
    return { rule: ix.rule, seed: ix.seed.toString(), rowCount: ix.rowCount, directoryBits: ix.directoryBits };
  });
  const fileMeta: FileMeta = { format: FORMAT, version: 1, user: meta ?? null, store: storeMeta, indexes: indexMeta };
  await writeSnapshot(path, { meta: fileMeta, sections }, options);
}

/** Load what saveIndexSnapshot wrote (shared memory by default). */
export async function loadIndexSnapshot(path: string, options?: ReadSnapshotOptions): Promise<IndexSnapshot> {
  checkString('loadIndexSnapshot', 'path', path);
  const snap = await readSnapshot(path, options);
  const m = snap.meta as FileMeta;
  if (m === null || typeof m !== 'object' || m.format !== FORMAT) {
    throw new KhopError('SNAPSHOT_FOREIGN', 'loadIndexSnapshot: the snapshot does not hold a khop index');
  }
  if (m.version !== 1) throw new KhopError('SNAPSHOT_VERSION', `loadIndexSnapshot: index layout version ${String(m.version)} is not supported`);
  try {
    return decodeIndexSnapshot(snap, m);
  } catch (e) {
    // Checksums cover every byte, so only a file written with fresh checksums over contents
    // that do not fit (a crafted file, a writer's bug) gets here: a TypeError, a RangeError
    // or a descriptor's INVALID_ARGUMENT is the file's fault — SNAPSHOT_CORRUPT, not a crash.
    if (isKhopError(e) && e.code !== 'INVALID_ARGUMENT') throw e;
    throw new KhopError('SNAPSHOT_CORRUPT', 'loadIndexSnapshot: the metadata and the sections do not fit together', { cause: e });
  }
}

function decodeIndexSnapshot(snap: Snapshot, m: FileMeta): IndexSnapshot {
  const section = (name: string): SnapshotArray => {
    const s = snap.sections.get(name);
    if (s === undefined) throw new KhopError('SNAPSHOT_CORRUPT', `loadIndexSnapshot: section ${JSON.stringify(name)} is missing`);
    return s;
  };
  const ref = (a: ArrayBufferView, byteOffset: number, byteLength: number): BufferViewRef => {
    if (byteOffset + byteLength > a.byteLength) throw new KhopError('SNAPSHOT_CORRUPT', 'loadIndexSnapshot: a section is shorter than its metadata says');
    return { buffer: a.buffer, byteOffset: a.byteOffset + byteOffset, byteLength };
  };
  let store: RecordStore | null = null;
  if (m.store !== null) {
    const sm = m.store;
    const C = 2 ** sm.chunkBits;
    const parts: BufferViewRef[] = [];
    const cols = sm.columns.map((col, c) => {
      if (sm.chunks === 0) return null;
      const text = col.type === 'ascii' || col.type === 'utf8';
      return {
        nulls: section(`store.c${c}.nulls`),
        data: section(text ? `store.c${c}.offsets` : `store.c${c}.values`),
        poolIndex: text ? (section(`store.c${c}.poolIndex`) as Float64Array) : null,
        c,
        text,
        width: col.type === 'float64' ? 8 : col.type === 'int32' ? 4 : 1,
      };
    });
    for (let k = 0; k < sm.chunks; k++) {
      for (const col of cols) {
        if (col === null) continue;
        parts.push(ref(col.nulls, k * (C >>> 3), C >>> 3));
        if (col.text) {
          parts.push(ref(col.data, k * 4 * (C + 1), 4 * (C + 1)));
          const pi = col.poolIndex!;
          const pool = section(`store.c${col.c}.pool.${pi[3 * k]}`);
          parts.push(ref(pool, pi[3 * k + 1]!, pi[3 * k + 2]!));
        } else {
          parts.push(ref(col.data, k * col.width * C, col.width * C));
        }
      }
    }
    store = RecordStore.fromDescriptor({ kind: 'khop.RecordStore', version: 1, columns: sm.columns, chunkBits: sm.chunkBits, rowCount: sm.rowCount, parts }, { writable: true });
  }
  const indexes = m.indexes.map((im, i) => {
    const whole = (name: string): BufferViewRef => {
      const a = section(`index.${i}.${name}`);
      return { buffer: a.buffer, byteOffset: a.byteOffset, byteLength: a.byteLength };
    };
    return BlockIndex.fromDescriptor({
      kind: 'khop.BlockIndex',
      version: 1,
      rule: im.rule,
      seed: im.seed,
      rowCount: im.rowCount,
      directoryBits: im.directoryBits,
      keys: whole('keys'),
      starts: whole('starts'),
      rowIds: whole('rowIds'),
      directory: whole('directory'),
    });
  });
  indexes.forEach(checkIndexContent);
  return { meta: m.user, store, indexes };
}

/**
 * The content a lookup trusts (BlockIndex.fromDescriptor checks shapes only): a directory and
 * block starts ascending from 0 to the block and entry counts, row ids below the row count —
 * one pass over the arrays, a small share of reading and checksumming them.
 */
function checkIndexContent(index: BlockIndex, at: number): void {
  const dir = index.directory;
  const starts = index.starts;
  const blocks = index.blockCount;
  const entries = index.rowIds.length;
  let ok = starts[0] === 0 && starts[blocks] === entries && dir[0] === 0 && dir[dir.length - 1] === blocks;
  for (let p = 1; ok && p < dir.length; p++) ok = dir[p - 1]! <= dir[p]!;
  for (let b = 0; ok && b < blocks; b++) ok = starts[b]! <= starts[b + 1]!;
  const rowIds = index.rowIds;
  const rows = index.rowCount;
  for (let i = 0; ok && i < entries; i++) ok = rowIds[i]! < rows;
  if (!ok) throw new KhopError('SNAPSHOT_CORRUPT', `loadIndexSnapshot: index ${at} has a directory, block starts or row ids out of range`);
}
