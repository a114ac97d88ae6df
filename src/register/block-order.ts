/**
 * Block order: a freshly built register's store rows laid out in the order of its "did you
 * mean" blocks, so that the records one candidate search reads sit next to each other.
 *
 *   before   row = input position; a block's rows are scattered over the whole store
 *   after    rows of candidate block 0, then of block 1, … (each block's rows in input order),
 *            then the rows in no block (no full name or no date), in input order
 *
 * Why: a candidate search reads, for each row of its block, about eight cells in distinct
 * columns (written form, ID, name offsets and bytes, date, sex, record id…). In a register of
 * millions of records each is a cache and TLB miss when the rows are scattered; with the
 * block's rows adjacent, the cells of a column are adjacent too, and a few rows share each
 * cache line and page. Measured on the did-you-mean claims of a 10M synthetic register (the
 * same population fed in block order, claims' minimum latency over 5 passes): blocks of 4 rows
 * p50 19.3 → 16.2 µs, of 6 rows 25.5 → 20.6 µs; those claims above 20 µs 0.93 % → 0.42 % of all
 * claims. The ID lookup of a claim reads one random row either way.
 *
 * What stays the same: record ids are stored values (the input position too, for a register
 * without an idField: record-id.ts), so no verdict changes; every index's blocks still list
 * their rows ascending (remapped, then sorted within the block), so ties still rank by input
 * order wherever they did within a block — a candidate block's rows keep their relative order
 * exactly. Rows added later are appended (not in block order) until the register is rebuilt.
 *
 * Cost: one pass over the candidate index, RecordStore.permuteRows (column by column: one
 * column's temporary arrays at a time, never a second store) and a remap of each index's row
 * ids — seconds for 10M records, against a build of minutes. A build with threads > 1 and a
 * pool of its own (≥ 5M rows) shares the columns between the pool's workers and the calling
 * thread, which also remaps the indexes meanwhile: 10M synthetic rows, threads 2, 17.1 → 10.4 s
 * (memory-bound, so two cores give less than twice); each column then read in its old order and
 * scattered to its new rows instead of gathered (RecordStore.permuteRows): 10.9 → 4.8 s, the
 * same build's phase (bytes unchanged). Trade-off: the columns permuted at once hold their
 * temporaries (permuted values, old and new text pools) at once, beside one inverse
 * permutation all threads share — the e2e 10M build's peak RSS went 1.77 → 1.91 GiB when the
 * columns were first shared out.
 */
import type { BlockIndex } from '../block/block-index.js';
import { inversePermutation, isTextType, RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { KhopError } from '../errors.js';
import { phaseError } from '../pool/phase-runner.js';

/**
 * The block order of a store of `rows` rows: order[r] = the old row that becomes row r. Rows of
 * `candidateIndex`'s blocks first, block by block, then every other row ascending.
 */
function blockOrder(candidateIndex: BlockIndex, rows: number, shared: boolean): Uint32Array {
  // On shared memory when worker threads read it (applyBlockOrder with a pool).
  const order = shared ? new Uint32Array(new SharedArrayBuffer(4 * Math.max(1, rows)), 0, rows) : new Uint32Array(rows);
  const placed = new Uint8Array(rows);
  const starts = candidateIndex.starts;
  const rowIds = candidateIndex.rowIds;
  let n = 0;
  for (let b = 0; b < candidateIndex.blockCount; b++) {
    for (let i = starts[b]!; i < starts[b + 1]!; i++) {
      const row = rowIds[i]!;
      // A record whose name the order guess re-orders has two candidate keys (row-ingest.ts
      // candidate2), so two blocks: it is placed with the first.
      if (placed[row] === 1) continue;
      placed[row] = 1;
      order[n++] = row;
    }
  }
  for (let row = 0; row < rows; row++) if (placed[row] === 0) order[n++] = row;
  return order;
}

/** The pool task that permutes some columns of a store (a worker's share of applyBlockOrder). */
export const STORE_PERMUTE_TASK = 'store.permute';

/** Payload of 'store.permute'. */
export interface StorePermutePayload {
  readonly store: RecordStoreDescriptor;
  /** The checked permutation, on shared memory. */
  readonly order: Uint32Array;
  /** Its inverse (inversePermutation), on shared memory. */
  readonly inverse: Uint32Array;
  readonly columns: readonly number[];
}

/** What 'store.permute' hands back: the new text pools of its text columns. */
export interface StorePermuteResult {
  readonly pools: ReadonlyArray<{ readonly column: number; readonly pools: Uint8Array[] }>;
}

/** Worker side: permute the payload's columns in place, through a writable view of the store. */
export function storePermuteTask(p: StorePermutePayload): StorePermuteResult {
  if (p === null || typeof p !== 'object' || !(p.order instanceof Uint32Array) || !(p.inverse instanceof Uint32Array) || !Array.isArray(p.columns)) {
    throw new KhopError('INVALID_ARGUMENT', 'store.permute: payload must hold a store, an order, its inverse and columns');
  }
  const view = RecordStore.fromDescriptor(p.store, { writable: true });
  view.permuteColumns(p.order, p.columns, p.inverse);
  return { pools: p.columns.filter((c) => isText(view, c)).map((c) => ({ column: c, pools: view.textPools(c) })) };
}

/** The part of KhopPool applyBlockOrder uses. */
export interface PermutePool {
  run<T = unknown>(taskName: string, payload: unknown): Promise<T>;
  readonly threads: number;
}

/**
 * Lay `store` out in block order (see the file header) and renumber the rows of `indexes` to
 * match. With `pool`, the columns are permuted by its workers and the calling thread at once
 * (columns are disjoint memory: RecordStore.permuteColumns), the calling thread also renumbering
 * the indexes meanwhile — the same store, byte for byte.
 */
export async function applyBlockOrder(store: RecordStore, candidateIndex: BlockIndex, indexes: readonly BlockIndex[], pool?: PermutePool): Promise<void> {
  const n = store.rowCount;
  const shared = pool !== undefined && pool.threads >= 1;
  const order = blockOrder(candidateIndex, n, shared);
  store.checkPermutation(order);
  // One inverse for every thread, and for the renumbering (old row → new row).
  const inverse = inversePermutation(order, shared);
  if (!shared) {
    store.permuteColumns(order, store.columns.map((_c, i) => i), inverse);
    renumber(inverse, indexes);
    return;
  }
  const groups = columnGroups(store, pool.threads + 1);
  const d = store.toDescriptor();
  const tasks = groups.slice(1).map((columns) =>
    columns.length === 0 ? Promise.resolve<StorePermuteResult>({ pools: [] }) : pool.run<StorePermuteResult>(STORE_PERMUTE_TASK, { store: d, order, inverse, columns } satisfies StorePermutePayload),
  );
  // Settled whatever happens here, so that no rejection goes unhandled while this thread works.
  const settled = Promise.allSettled(tasks);
  store.permuteColumns(order, groups[0]!, inverse);
  renumber(inverse, indexes);
  for (const r of await settled) {
    if (r.status === 'rejected') throw phaseError('block-order', r.reason);
    for (const { column, pools } of r.value.pools) store.adoptTextPools(column, pools);
  }
}

/** Each index's row ids through `inverse` (old row → new row). */
function renumber(inverse: Uint32Array, indexes: readonly BlockIndex[]): void {
  for (const ix of indexes) remapRows(ix, inverse);
}

function isText(store: RecordStore, c: number): boolean {
  return isTextType(store.columns[c]!.type);
}

/**
 * The store's columns in `k` groups of about equal work, the first (the calling thread's) also
 * carrying the renumbering of the indexes: a text column counts 2 (its bytes are copied
 * chunk by chunk besides offsets and null bits), a numeric one 1, the renumbering 2.
 */
function columnGroups(store: RecordStore, k: number): number[][] {
  const groups: number[][] = Array.from({ length: k }, () => []);
  const load = new Array<number>(k).fill(0);
  load[0] = 2;
  const cols = store.columns.map((_c, i) => i).sort((a, b) => (isText(store, b) ? 2 : 1) - (isText(store, a) ? 2 : 1) || a - b);
  for (const c of cols) {
    let g = 0;
    for (let j = 1; j < k; j++) if (load[j]! < load[g]!) g = j;
    groups[g]!.push(c);
    load[g]! += isText(store, c) ? 2 : 1;
  }
  return groups;
}

/** Every row id of `ix` through `map` (old → new), each block's rows sorted ascending again. */
function remapRows(ix: BlockIndex, map: Uint32Array): void {
  const rowIds = ix.rowIds;
  const starts = ix.starts;
  for (let i = 0; i < ix.entryCount; i++) rowIds[i] = map[rowIds[i]!]!;
  for (let b = 0; b < ix.blockCount; b++) {
    const s = starts[b]!;
    const e = starts[b + 1]!;
    if (e - s < 2) continue;
    let sorted = true;
    for (let i = s + 1; i < e && sorted; i++) sorted = rowIds[i - 1]! < rowIds[i]!;
    if (!sorted) rowIds.subarray(s, e).sort();
  }
}
