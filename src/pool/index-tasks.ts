/**
 * The tasks of the parallel BlockIndex build (orchestrated by parallel-index.ts): each works on
 * a range of rows (or of key entries) or on a group of hash buckets, reads and writes shared
 * arrays IN PLACE at positions the main thread computed, and returns nothing.
 *
 *   task             range             reads (shared)                  writes (shared)
 *   index.keys       rows [from, to)   the store (the rule's columns)  lo[row], hi[row], hasKey[row],
 *                                                                      histogram row `range`
 *   index.histogram  entries [f, t)    hi                              histogram row `range`
 *   index.scatter    rows / entries    lo, hi (+ hasKey | ids),        out triples at the offsets
 *                                      offsets row `range`             (offsets row consumed)
 *   index.sort       buckets [b0, b1)  out triples, bucket starts      out sorted; blocks[group]
 *   index.csr        buckets [b0, b1)  sorted out hi / lo              keys, starts, directory
 *
 * A bucket is the top `bits` bits of a key's hi half (bits = msdBucketBits, ≤ 11): buckets are
 * disjoint hash intervals in ascending order, so sorting each bucket on its own and putting the
 * buckets one after the other IS the sorted order — the MSD-first radix sort of radix-sort.ts
 * with its partition pass split by input range and its bucket passes split by bucket group.
 *
 * Every task is a pure function of its message and the memory it names; the index it helps to
 * build is the same, byte for byte, whatever the number of tasks or threads.
 */
import { KhopError } from '../errors.js';
import type { BlockingRule } from '../block/blocking-rule.js';
import { compileRuleKeys, hashRuleKeysInRange, type CompiledRuleKeys } from '../block/blocking-keys.js';
import { bucketPasses, sortBucket, type KeyTriples } from '../block/radix-sort.js';
import { RecordStore, type RecordStoreDescriptor } from '../block/record-store.js';
import { KeyHasher } from '../hash/key-hasher.js';
import type { TaskContext } from './task-context.js';
import { taskArgs, type PackedTask } from './task-message.js';

/** Task names (see the file header). */
export const INDEX_KEYS_TASK = 'index.keys';
export const INDEX_HISTOGRAM_TASK = 'index.histogram';
export const INDEX_SCATTER_TASK = 'index.scatter';
export const INDEX_SORT_TASK = 'index.sort';
export const INDEX_CSR_TASK = 'index.csr';

/** What a thread keeps per index job: a hasher, and per rule number the bound store and compiled rule. */
interface OpenIndexJob {
  readonly hasher: KeyHasher;
  readonly rules: Map<number, { readonly store: RecordStore; readonly compiled: CompiledRuleKeys }>;
}

// ── index.keys ─────────────────────────────────────────────────────────────────────────────

export interface KeysArgs {
  /** The rule and its number in the job (the cache key of its compiled form). */
  readonly rule: BlockingRule;
  readonly ruleNumber: number;
  /** XXH64 seed, decimal. */
  readonly seed: string;
  /** Rows [from, to). */
  readonly from: number;
  readonly to: number;
  /** Histogram row of this range. */
  readonly range: number;
  /** Bucket bits (1..11). */
  readonly bits: number;
}

export interface KeysShared {
  /** The store narrowed to the rule's columns (RecordStore.toDescriptor(columns)). */
  readonly store: RecordStoreDescriptor;
  /** Set to 1 by the main thread when the job is over (threads then drop their cached state). */
  readonly released: Int32Array;
  /** rowCount each: row r's hash and key flag at r. */
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  readonly hasKey: Uint8Array;
  /** ranges × 2^bits counts, zero on entry. */
  readonly histogram: Uint32Array;
}

/** Hash the keys of rows [from, to) in place, then count them per bucket. */
export function indexKeysTask(task: PackedTask<KeysShared>, context: TaskContext): void {
  const a = taskArgs<KeysArgs>(task);
  const s = task.shared;
  const job = context.job<OpenIndexJob>(`index:${task.job}`, s.released, () => ({ hasher: new KeyHasher({ seed: BigInt(a.seed) }), rules: new Map() }));
  let bound = job.rules.get(a.ruleNumber);
  if (bound === undefined) {
    const store = RecordStore.fromDescriptor(s.store);
    bound = { store, compiled: compileRuleKeys(store, a.rule) };
    job.rules.set(a.ruleNumber, bound);
  }
  hashRuleKeysInRange(bound.store, bound.compiled, job.hasher, a.from, a.to, s.lo, s.hi, s.hasKey);
  countBuckets(s.hi, s.hasKey, a.from, a.to, a.bits, s.histogram, a.range);
}

// ── index.histogram ────────────────────────────────────────────────────────────────────────

export interface HistogramArgs {
  readonly from: number;
  readonly to: number;
  readonly range: number;
  readonly bits: number;
}

export interface HistogramShared {
  readonly hi: Uint32Array;
  readonly histogram: Uint32Array;
}

/** Count entries [from, to) per bucket (keys hashed already, e.g. by the register). */
export function indexHistogramTask(task: PackedTask<HistogramShared>): void {
  const a = taskArgs<HistogramArgs>(task);
  countBuckets(task.shared.hi, null, a.from, a.to, a.bits, task.shared.histogram, a.range);
}

/** histogram[range · 2^bits + bucket]++ for every keyed element of [from, to). */
function countBuckets(hi: Uint32Array, hasKey: Uint8Array | null, from: number, to: number, bits: number, histogram: Uint32Array, range: number): void {
  const shift = 32 - bits;
  const base = range << bits;
  if (hasKey === null) {
    for (let i = from; i < to; i++) histogram[base + (hi[i]! >>> shift)]!++;
  } else {
    for (let i = from; i < to; i++) if (hasKey[i] !== 0) histogram[base + (hi[i]! >>> shift)]!++;
  }
}

// ── index.scatter ──────────────────────────────────────────────────────────────────────────

export interface ScatterArgs {
  readonly from: number;
  readonly to: number;
  readonly range: number;
  readonly bits: number;
}

export interface ScatterShared {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  /** Store mode: element i is row i, present when hasKey[i] ≠ 0 (ids null). */
  readonly hasKey: Uint8Array | null;
  /** Hash mode: element i's row id (hasKey null). */
  readonly ids: Uint32Array | null;
  /** ranges × 2^bits: where this range's next element of each bucket goes (advanced here). */
  readonly offsets: Uint32Array;
  readonly out: KeyTriples;
}

/**
 * Move elements [from, to) to their buckets: element i of bucket d goes to offsets[d]++. The
 * offsets put buckets in ascending order and, inside a bucket, ranges in ascending order — so
 * every bucket receives its elements in input order (the sort after it is stable).
 */
export function indexScatterTask(task: PackedTask<ScatterShared>): void {
  const a = taskArgs<ScatterArgs>(task);
  const s = task.shared;
  const lo = s.lo;
  const hi = s.hi;
  const offs = s.offsets;
  const oh = s.out.hi;
  const ol = s.out.lo;
  const oi = s.out.ids;
  const shift = 32 - a.bits;
  const base = a.range << a.bits;
  const hasKey = s.hasKey;
  const ids = s.ids;
  if (hasKey !== null) {
    for (let i = a.from; i < a.to; i++) {
      if (hasKey[i] === 0) continue;
      const h = hi[i]!;
      const d = base + (h >>> shift);
      const p = offs[d]!;
      offs[d] = p + 1;
      oh[p] = h;
      ol[p] = lo[i]!;
      oi[p] = i;
    }
  } else if (ids !== null) {
    for (let i = a.from; i < a.to; i++) {
      const h = hi[i]!;
      const d = base + (h >>> shift);
      const p = offs[d]!;
      offs[d] = p + 1;
      oh[p] = h;
      ol[p] = lo[i]!;
      oi[p] = ids[i]!;
    }
  } else {
    throw new KhopError('INTERNAL', 'index.scatter: neither hasKey nor ids');
  }
}

// ── index.sort ─────────────────────────────────────────────────────────────────────────────

export interface SortArgs {
  readonly fromBucket: number;
  readonly toBucket: number;
  readonly bits: number;
  readonly group: number;
}

export interface SortShared {
  /** 2^bits + 1: bucket d holds entries [bucketStarts[d], bucketStarts[d+1]). */
  readonly bucketStarts: Uint32Array;
  /** The scattered triples, sorted in place. */
  readonly data: KeyTriples;
  /** Second buffer of the same indexing (length ≥ the entries). */
  readonly scratch: KeyTriples;
  /** Distinct keys per group (written at `group`). */
  readonly blocks: Uint32Array;
}

/** Sort buckets [fromBucket, toBucket) each on its own (in cache), then count their distinct keys. */
export function indexSortTask(task: PackedTask<SortShared>): void {
  const a = taskArgs<SortArgs>(task);
  const s = task.shared;
  const starts = s.bucketStarts;
  const passes = bucketPasses(a.bits);
  const sh = s.data.hi;
  const sl = s.data.lo;
  let blocks = 0;
  for (let d = a.fromBucket; d < a.toBucket; d++) {
    const from = starts[d]!;
    const to = starts[d + 1]!;
    if (from === to) continue;
    sortBucket(s.data, s.scratch, from, to, passes, s.data);
    // Distinct keys, counted while the bucket is in cache. Keys of different buckets differ
    // (their top bits do): a bucket's first key is always a new block, and counts add up.
    blocks++;
    for (let i = from + 1; i < to; i++) if (sh[i] !== sh[i - 1] || sl[i] !== sl[i - 1]) blocks++;
  }
  s.blocks[a.group] = blocks;
}

// ── index.csr ──────────────────────────────────────────────────────────────────────────────

export interface CsrArgs {
  /** Entries [entryFrom, entryTo) of the sorted arrays: this group's buckets. */
  readonly entryFrom: number;
  readonly entryTo: number;
  /** Blocks [firstBlock, endBlock): this group's distinct keys. */
  readonly firstBlock: number;
  readonly endBlock: number;
  /** The group's interval of hi values, [hashFrom, hashTo) (hashTo ≤ 2^32). */
  readonly hashFrom: number;
  readonly hashTo: number;
  /** Directory bits of the index (1..30). */
  readonly directoryBits: number;
}

export interface CsrShared {
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly keys: Uint32Array;
  readonly starts: Uint32Array;
  readonly directory: Uint32Array;
}

/**
 * Write this group's part of the CSR — keys[2b], keys[2b+1], starts[b] for its blocks — and the
 * directory entries p whose first hash p · 2^(32−k) lies in the group's hi interval: for such
 * p every block before the group has a smaller top-k prefix and every block after a prefix ≥ p,
 * so dir[p] (the first block with prefix ≥ p) is one of the group's blocks or its endBlock.
 */
export function indexCsrTask(task: PackedTask<CsrShared>): void {
  const a = taskArgs<CsrArgs>(task);
  const s = task.shared;
  const sh = s.hi;
  const sl = s.lo;
  const keys = s.keys;
  const starts = s.starts;
  let b = a.firstBlock - 1;
  for (let i = a.entryFrom; i < a.entryTo; i++) {
    const h = sh[i]!;
    const l = sl[i]!;
    if (i === a.entryFrom || h !== sh[i - 1] || l !== sl[i - 1]) {
      b++;
      keys[2 * b] = h;
      keys[2 * b + 1] = l;
      starts[b] = i;
    }
  }
  if (b + 1 !== a.endBlock) throw new KhopError('INTERNAL', 'index.csr: block count differs from the sort phase');
  const k = a.directoryBits;
  const shift = 32 - k;
  // 2^shift as a number: p · unit is exact (≤ 2^32) where a shift of p would overflow 32 bits.
  const unit = 2 ** shift;
  const pFrom = Math.ceil(a.hashFrom / unit);
  const pTo = Math.min(2 ** k, Math.ceil(a.hashTo / unit));
  const dir = s.directory;
  let blk = a.firstBlock;
  for (let p = pFrom; p < pTo; p++) {
    while (blk < a.endBlock && keys[2 * blk]! >>> shift < p) blk++;
    dir[p] = blk;
  }
}
