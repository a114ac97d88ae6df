/**
 * Parallel BlockIndex build on a KhopPool, partitioned by key hash, over the SHARED store: the
 * same index, byte for byte in every array, as buildBlockIndex / BlockIndex.fromHashes in the
 * calling thread (and so the same snapshot bytes), for any number of threads.
 *
 *   phase    tasks (index-tasks.ts)        main thread between phases
 *   keys     R row ranges: XXH64 of every  bucket starts, and per (range, bucket) the
 *            key at its row + a histogram  offset where the range's entries go
 *            of top hash bits (buckets)    (R × 2^B numbers)
 *   scatter  R row ranges: each entry to   groups of consecutive buckets of ~equal
 *            its bucket, in input order    entry counts (G ≈ 4 per thread)
 *   sort     G bucket groups: LSD radix    blocks per group → first block of each group;
 *            sort of each bucket (in       allocate keys, starts, directory
 *            cache), distinct keys counted
 *   csr      G bucket groups: keys, starts and the directory entries of the group's hash range
 *
 * Why it is identical: the single-thread build sorts entries STABLY by the 64-bit hash, so the
 * result is the unique order by (hash, input position). Buckets are disjoint hash intervals in
 * ascending order; the scatter keeps input order inside a bucket; each bucket is sorted stably:
 * the concatenation is that same order, and keys, starts and the directory follow from it.
 * This is the MSD-first radix sort of radix-sort.ts (Polychroniou & Ross, SIGMOD 2014) with its
 * partition pass split by input range and its bucket passes split by bucket group.
 *
 * What crosses threads: per task a message of ~100–300 bytes of packed arguments plus handles
 * of shared arrays (keys tasks also carry the descriptor of the rule's columns: 2–3 handles per
 * column per 65,536-row chunk); the records, hashes and index arrays are never copied.
 * PoolTraffic counts it.
 *
 * Trade-offs:
 * - Memory: the keys phase writes hashes at their ROW position (8 B per store row, plus the
 *   1 B per row key flag the single-thread build also has), so ranges need no prefix count
 *   first; these two arrays are then the sort's scratch. Peak ≈ the single-thread build's.
 * - Small inputs stay in the calling thread: below {@link DEFAULT_PARALLEL_INDEX_MIN_ROWS} with
 *   a running pool (four rounds of messages, ~1 ms), below
 *   {@link DEFAULT_PARALLEL_INDEX_OWN_POOL_MIN_ROWS} when a pool would have to be started.
 * - The tasks do the single-thread build's work and little more: 2 threads took 4–8% more CPU
 *   time in all than 1 for store builds (1M, 10M rows) and up to ~20% more for sorts of given
 *   hashes at 1M–10M (bench/pool/index-build.ts) — the extra histogram pass, the messages, two
 *   threads sharing the memory bus.
 * - Skewed keys (one giant block) fall into one bucket: correct, but its sort is one task.
 */
import { KhopError } from '../errors.js';
import { checkStore } from '../util/arg-check.js';
import { BlockIndex, defaultDirectoryBits, type BlockIndexDescriptor } from '../block/block-index.js';
import { buildBlockIndex, type BuildBlockIndexOptions } from '../block/build-block-index.js';
import { DEFAULT_KEY_SEED } from '../block/blocking-keys.js';
import { validateRules, type BlockingRule } from '../block/blocking-rule.js';
import { msdBucketBits, type KeyTriples } from '../block/radix-sort.js';
import type { BufferViewRef, RecordStore, RecordStoreDescriptor } from '../block/record-store.js';
import { KeyHasher } from '../hash/key-hasher.js';
import {
  INDEX_CSR_TASK,
  INDEX_HISTOGRAM_TASK,
  INDEX_KEYS_TASK,
  INDEX_SCATTER_TASK,
  INDEX_SORT_TASK,
  type CsrArgs,
  type CsrShared,
  type HistogramArgs,
  type HistogramShared,
  type KeysArgs,
  type KeysShared,
  type ScatterArgs,
  type ScatterShared,
  type SortArgs,
  type SortShared,
} from './index-tasks.js';
import { runPhase } from './phase-runner.js';
import { DEFAULT_POOL_OPTIONS, KhopPool, MAX_POOL_THREADS } from './pool.js';
import { sharedInt32, sharedUint32, sharedUint8 } from './shared-arrays.js';
import { packTask, type PackedTask, type PoolTraffic } from './task-message.js';

/** Options of {@link buildBlockIndexParallel} and friends. */
export interface ParallelIndexOptions extends BuildBlockIndexOptions {
  /**
   * A pool to build on (kept open). Its thread count wins over `threads`; an in-thread pool
   * (threads: 1) builds in the calling thread. Default: a pool of `threads` threads, started
   * for the call and closed after it (only when the input is large enough to use it).
   */
  pool?: KhopPool;
  /**
   * Threads, an integer in 1..256; 1 builds in the calling thread (buildBlockIndex).
   * Default: `os.availableParallelism()` ({@link DEFAULT_POOL_OPTIONS}.threads).
   */
  threads?: number;
  /**
   * Inputs with fewer rows (store) or entries (hashes) than this are indexed in the calling
   * thread. Integer ≥ 0. Default {@link DEFAULT_PARALLEL_INDEX_MIN_ROWS} with a `pool`, else
   * {@link DEFAULT_PARALLEL_INDEX_OWN_POOL_MIN_ROWS} (the call would start its own pool).
   */
  minRows?: number;
  /** Counts the messages the tasks post (optional; diagnostics and benchmarks). */
  traffic?: PoolTraffic;
  /** Adds each phase's wall time, ms, to these counters (optional; benchmarks). */
  timings?: IndexBuildTimings;
}

/** Options of {@link blockIndexFromHashesParallel}. */
export interface ParallelHashIndexOptions extends ParallelIndexOptions {
  /** The rule the keys were built from (kept for reports and snapshots). Default null. */
  rule?: BlockingRule | null;
}

/** Wall time per phase of parallel builds, ms, summed over builds (see ParallelIndexOptions.timings). */
export interface IndexBuildTimings {
  keys: number;
  scatter: number;
  sort: number;
  csr: number;
}

/**
 * With a running pool, below this many rows (entries) the calling thread builds alone: four
 * rounds of messages (~1 ms) would not pay off.
 */
export const DEFAULT_PARALLEL_INDEX_MIN_ROWS = 200_000;

/**
 * Without a pool, below this many rows (entries) the calling thread builds alone: starting
 * threads costs ~0.3–0.6 s (more on a loaded machine), what the build of ~2M keyed rows under
 * one rule saves on two cores — and sorting pre-hashed keys (~10M entries/s) saves less still.
 */
export const DEFAULT_PARALLEL_INDEX_OWN_POOL_MIN_ROWS = 2_000_000;

/**
 * The same threshold for {@link blockIndexFromHashesParallel} (entries): sorting given hashes
 * costs ~0.1 µs per entry against ~0.3–0.7 µs for hashing a store row's key and sorting it, so
 * a pool started for the sort alone pays off only from ~5M entries (measured at 1M and 10M).
 */
export const DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES = 5_000_000;

/** Tasks per thread in the row-range and bucket-group phases (load balance on a shared machine). */
const TASKS_PER_THREAD = 4;
/** Fewest rows (entries) per row-range task. */
const MIN_RANGE_ROWS = 16_384;

interface Resolved {
  readonly pool: KhopPool | undefined;
  readonly threads: number;
  readonly minRows: number;
}

function resolve(options: ParallelIndexOptions | undefined, ownPoolMinRows = DEFAULT_PARALLEL_INDEX_OWN_POOL_MIN_ROWS): Resolved {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw new KhopError('INVALID_OPTION', 'options must be an object');
  const problems: string[] = [];
  if (o.pool !== undefined && !(o.pool instanceof KhopPool && !o.pool.isClosed)) problems.push('pool: an open KhopPool');
  const threads = o.pool?.threads ?? o.threads ?? DEFAULT_POOL_OPTIONS.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_POOL_THREADS) problems.push(`threads: an integer in 1..${MAX_POOL_THREADS}`);
  const minRows = o.minRows ?? (o.pool !== undefined ? DEFAULT_PARALLEL_INDEX_MIN_ROWS : ownPoolMinRows);
  if (!Number.isInteger(minRows) || minRows < 0) problems.push('minRows: an integer ≥ 0');
  const bits = o.directoryBits;
  if (bits !== undefined && (!Number.isInteger(bits) || bits < 1 || bits > 30)) problems.push('directoryBits: an integer in 1..30');
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', `parallel index build: ${problems.join('; ')}`, { details: { problems } });
  return { pool: o.pool, threads, minRows };
}

/** Run `work` on the caller's pool or on one started for it (closed after). */
async function withPool<T>(r: Resolved, work: (pool: KhopPool) => Promise<T>): Promise<T> {
  if (r.pool !== undefined) return work(r.pool);
  const pool = KhopPool.create({ threads: r.threads });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

/**
 * Index one rule over a store on a worker pool (see the file header); the same index as
 * {@link buildBlockIndex}. `threads: 1`, an in-thread pool or a store under `minRows` rows run
 * buildBlockIndex in the calling thread.
 * @throws (rejects) KhopError INVALID_OPTION, INVALID_RULE…, WORKER_FAILED naming the phase
 *   ('index-keys', 'index-scatter', 'index-sort', 'index-csr') when a task fails.
 */
export async function buildBlockIndexParallel(store: RecordStore, rule: BlockingRule, options?: ParallelIndexOptions): Promise<BlockIndex> {
  checkStore('buildBlockIndexParallel', 'store', store);
  return (await buildBlockIndexesParallel(store, [rule], options))[0]!;
}

/** Index every rule (validated together first); see {@link buildBlockIndexParallel}. */
export async function buildBlockIndexesParallel(store: RecordStore, rules: readonly BlockingRule[], options?: ParallelIndexOptions): Promise<BlockIndex[]> {
  checkStore('buildBlockIndexesParallel', 'store', store);
  const r = resolve(options);
  validateRules(rules, store);
  const seed = options?.seed ?? DEFAULT_KEY_SEED;
  const plain: BuildBlockIndexOptions = { seed, ...(options?.directoryBits !== undefined ? { directoryBits: options.directoryBits } : {}) };
  if (r.threads === 1 || r.pool?.inThread === true || store.rowCount < r.minRows || rules.length === 0) {
    const hasher = new KeyHasher({ seed });
    return rules.map((rule) => buildBlockIndex(store, rule, plain, hasher));
  }
  return withPool(r, async (pool) => {
    const released = sharedInt32(1);
    const id = pool.nextJobId();
    try {
      const out: BlockIndex[] = [];
      for (let k = 0; k < rules.length; k++) {
        const rule = rules[k]!;
        const columns = rule.parts.map((p) => p.column);
        out.push(await buildOnPool(pool, options?.traffic, options?.timings, id, { kind: 'store', store, columns: store.toDescriptor(columns), rule, ruleNumber: k, released, seed }, plain));
      }
      return out;
    } finally {
      Atomics.store(released, 0, 1);
    }
  });
}

/**
 * {@link BlockIndex.fromHashes} on a worker pool: entry i is (hi[i], lo[i]) for row ids[i],
 * i < n; the same index, byte for byte. The arrays must be on SharedArrayBuffer (others are
 * copied onto one first); like fromHashes, their content is garbage afterwards (they are the
 * sort's scratch). Small inputs (< minRows entries; without a pool the default is
 * {@link DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES}), `threads: 1` and in-thread pools use
 * fromHashes itself.
 */
export async function blockIndexFromHashesParallel(
  lo: Uint32Array,
  hi: Uint32Array,
  ids: Uint32Array,
  n: number,
  rowCount: number,
  options?: ParallelHashIndexOptions,
): Promise<BlockIndex> {
  const r = resolve(options, DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES);
  if (!Number.isInteger(n) || n < 0 || n > lo.length || n > hi.length || n > ids.length) {
    throw new KhopError('INVALID_ARGUMENT', 'blockIndexFromHashesParallel: n must be an integer ≤ the arrays’ length');
  }
  if (!Number.isInteger(rowCount) || rowCount < 0 || rowCount > 0xffffffff) {
    throw new KhopError('INVALID_ARGUMENT', 'blockIndexFromHashesParallel: rowCount must be an integer in 0..2^32 − 1');
  }
  const seed = options?.seed ?? DEFAULT_KEY_SEED;
  const plain = { rule: options?.rule ?? null, seed, ...(options?.directoryBits !== undefined ? { directoryBits: options.directoryBits } : {}) };
  if (r.threads === 1 || r.pool?.inThread === true || n < r.minRows) return BlockIndex.fromHashes(lo, hi, ids, n, rowCount, plain);
  const onShared = (v: Uint32Array): Uint32Array => {
    if (v.buffer instanceof SharedArrayBuffer) return v;
    const c = sharedUint32(n);
    c.set(v.subarray(0, n));
    return c;
  };
  const source: HashSource = { kind: 'hashes', lo: onShared(lo), hi: onShared(hi), ids: onShared(ids), n, rowCount };
  return withPool(r, (pool) => buildOnPool(pool, options?.traffic, options?.timings, pool.nextJobId(), source, plain));
}

interface StoreSource {
  readonly kind: 'store';
  readonly store: RecordStore;
  /** The store narrowed to the rule's columns. */
  readonly columns: RecordStoreDescriptor;
  readonly rule: BlockingRule;
  readonly ruleNumber: number;
  readonly released: Int32Array;
  readonly seed: bigint;
}

interface HashSource {
  readonly kind: 'hashes';
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  readonly ids: Uint32Array;
  readonly n: number;
  readonly rowCount: number;
}

/** [from, to) of `parts` near-equal ranges over `total`. */
function splitRanges(total: number, parts: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let r = 0; r < parts; r++) out.push([Math.floor((total * r) / parts), Math.floor((total * (r + 1)) / parts)]);
  return out;
}

/** The four phases (see the file header) for one index. */
async function buildOnPool(
  pool: KhopPool,
  traffic: PoolTraffic | undefined,
  timings: IndexBuildTimings | undefined,
  jobId: number,
  src: StoreSource | HashSource,
  opts: { rule?: BlockingRule | null; seed?: bigint; directoryBits?: number },
): Promise<BlockIndex> {
  const threads = pool.threads;
  const inputs = src.kind === 'store' ? src.store.rowCount : src.n;
  const rowCount = src.kind === 'store' ? src.store.rowCount : src.rowCount;
  const R = Math.max(1, Math.min(threads * TASKS_PER_THREAD, Math.ceil(inputs / MIN_RANGE_ROWS)));
  const ranges = splitRanges(inputs, R);
  // Bucket bits from the input size (an upper bound of the entries in store mode): only speed
  // depends on it, never the result.
  const B = msdBucketBits(inputs);
  const S = 2 ** B;
  const histogram = sharedUint32(R * S);
  let t = performance.now();
  const lap = (phase: keyof IndexBuildTimings): void => {
    const now = performance.now();
    if (timings !== undefined) timings[phase] += now - t;
    t = now;
  };

  // ── phase keys (store) / histogram (hashes) ──
  let lo: Uint32Array;
  let hi: Uint32Array;
  let hasKey: Uint8Array | null = null;
  if (src.kind === 'store') {
    lo = sharedUint32(rowCount);
    hi = sharedUint32(rowCount);
    hasKey = sharedUint8(rowCount);
    const shared: KeysShared = { store: src.columns, released: src.released, lo, hi, hasKey, histogram };
    const parts = ranges.map(([from, to], range) => {
      const args: KeysArgs = { rule: src.rule, ruleNumber: src.ruleNumber, seed: src.seed.toString(), from, to, range, bits: B };
      return packTask(jobId, range, args, shared);
    });
    await runPhase(pool, traffic, 'index-keys', INDEX_KEYS_TASK, parts);
  } else {
    lo = src.lo;
    hi = src.hi;
    const shared: HistogramShared = { hi, histogram };
    const parts = ranges.map(([from, to], range) => packTask(jobId, range, { from, to, range, bits: B } satisfies HistogramArgs, shared));
    await runPhase(pool, traffic, 'index-keys', INDEX_HISTOGRAM_TASK, parts);
  }

  // Bucket starts, then (in place) each (range, bucket)'s first slot: ranges in order inside a bucket.
  const bucketStarts = sharedUint32(S + 1);
  let n = 0;
  for (let d = 0; d < S; d++) {
    bucketStarts[d] = n;
    for (let r = 0; r < R; r++) {
      const c = histogram[r * S + d]!;
      histogram[r * S + d] = n;
      n += c;
    }
  }
  bucketStarts[S] = n;
  lap('keys');

  // ── phase scatter ──
  const data: KeyTriples = { hi: sharedUint32(n), lo: sharedUint32(n), ids: sharedUint32(n) };
  {
    const shared: ScatterShared = { lo, hi, hasKey, ids: src.kind === 'hashes' ? src.ids : null, offsets: histogram, out: data };
    const parts = ranges.map(([from, to], range) => packTask(jobId, range, { from, to, range, bits: B } satisfies ScatterArgs, shared));
    await runPhase(pool, traffic, 'index-scatter', INDEX_SCATTER_TASK, parts);
  }
  lap('scatter');

  // ── phase sort ── groups of consecutive buckets with ~n / G entries each.
  const G = Math.max(1, Math.min(S, threads * TASKS_PER_THREAD));
  const groups: Array<[number, number]> = [];
  {
    let d = 0;
    for (let g = 0; g < G && d < S; g++) {
      const first = d;
      const target = g === G - 1 ? n : Math.floor((n * (g + 1)) / G);
      d++;
      while (d < S && bucketStarts[d]! < target) d++;
      if (g === G - 1) d = S;
      groups.push([first, d]);
    }
    groups[groups.length - 1]![1] = S;
  }
  const blocksPer = sharedUint32(groups.length);
  {
    const scratch: KeyTriples = src.kind === 'store' ? { lo, hi, ids: sharedUint32(n) } : { lo, hi, ids: src.ids };
    const shared: SortShared = { bucketStarts, data, scratch, blocks: blocksPer };
    const parts = groups.map(([fromBucket, toBucket], group) => packTask(jobId, group, { fromBucket, toBucket, bits: B, group } satisfies SortArgs, shared));
    await runPhase(pool, traffic, 'index-sort', INDEX_SORT_TASK, parts);
  }
  lap('sort');

  // ── phase csr ──
  const firstBlock = new Float64Array(groups.length + 1);
  for (let g = 0; g < groups.length; g++) firstBlock[g + 1] = firstBlock[g]! + blocksPer[g]!;
  const blocks = firstBlock[groups.length]!;
  const dirBits = opts.directoryBits ?? defaultDirectoryBits(blocks);
  const keys = sharedUint32(2 * blocks);
  const starts = sharedUint32(blocks + 1);
  const directory = sharedUint32(2 ** dirBits + 1);
  starts[blocks] = n;
  directory[2 ** dirBits] = blocks;
  {
    const shared: CsrShared = { hi: data.hi, lo: data.lo, keys, starts, directory };
    const unit = 2 ** (32 - B);
    const parts: PackedTask[] = groups.map(([fromBucket, toBucket], group) => {
      const args: CsrArgs = {
        entryFrom: bucketStarts[fromBucket]!,
        entryTo: bucketStarts[toBucket]!,
        firstBlock: firstBlock[group]!,
        endBlock: firstBlock[group + 1]!,
        hashFrom: fromBucket * unit,
        hashTo: toBucket * unit,
        directoryBits: dirBits,
      };
      return packTask(jobId, group, args, shared);
    });
    await runPhase(pool, traffic, 'index-csr', INDEX_CSR_TASK, parts);
  }
  lap('csr');

  const ref = (v: Uint32Array): BufferViewRef => ({ buffer: v.buffer, byteOffset: v.byteOffset, byteLength: v.byteLength });
  const d: BlockIndexDescriptor = {
    kind: 'khop.BlockIndex',
    version: 1,
    rule: src.kind === 'store' ? src.rule : opts.rule ?? null,
    seed: (src.kind === 'store' ? src.seed : opts.seed ?? 0n).toString(),
    rowCount,
    directoryBits: dirBits,
    keys: ref(keys),
    starts: ref(starts),
    rowIds: ref(data.ids),
    directory: ref(directory),
  };
  return BlockIndex.fromDescriptor(d);
}
