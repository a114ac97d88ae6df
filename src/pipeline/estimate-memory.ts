/**
 * estimateMemory: the bytes a dedupe (or register) build of N rows of a schema will hold —
 * the RecordStore, one BlockIndex per blocking rule, the transient buffers of an index build
 * and the candidate-pair columns — computed BEFORE anything is built, so that a
 * `memoryBudget` can refuse a job that cannot fit with a clear error (MEMORY_BUDGET_EXCEEDED)
 * instead of an out-of-memory crash halfway through.
 *
 * The model mirrors the layouts it estimates (C = rows per chunk = 2^chunkBits):
 *
 *   store    ⌈N / C⌉ chunks, each a fixed part (C × 8 per float64, C × 4 per int32, 4·(C+1)
 *            offsets per text column, C per uint8, C/8 null bitmap per column; record-store.ts)
 *            + text pools: bytes per row per text column × rows — sealed chunks are trimmed to
 *            their bytes, the open (last) chunk's pool is the doubling capacity record-store.ts
 *            would reach (start max(1 KiB, previous chunk's pool), ×2 until it fits)
 *   indexes  per rule (block-index.ts): 4 B per keyed row (rowIds) + 12 B per distinct key
 *            (8 hash + 4 start) + 4 B × (2^dirBits + 1) directory — ≤ 17 B per keyed row
 *   build    transient, one rule at a time (build-block-index.ts): hasKey (1 B per row) + keys
 *            and rows (12 B per keyed row) + the radix sort's scratch (12 B per keyed row)
 *   pairs    dedupe: left/right Uint32 columns at their doubling capacity (≥ 65,536) + per pair
 *            one level byte per comparison, 8 B weight, 8 B evidence (λ), 8 B per
 *            term-frequency comparison; when those columns would pass STREAM_TRAINING_MIN_BYTES
 *            (training then streams the candidates, match.ts): 8 B evidence per pair + one
 *            window of SCORE_WINDOW_PAIRS pairs' columns
 *   training u sample (min(uSampleSize, all pairs) × (8 + K)) + one EM session (min(pairs,
 *            2M) × (8 + K)), K = comparisons
 *   rows     bookkeeping per input row (input position, user id, source, rank, cluster rep,
 *            the average-linkage guard): {@link ROW_BOOKKEEPING_BYTES}
 *
 *   bytes = store + indexes + rows + max(build, pairs + training)   (the peak: index building
 *           is over before pairs exist; store and indexes live throughout)
 *
 * Where per-row numbers come from (trade-off: measured where possible, conservative where not):
 * - rows given → a SAMPLE of `sampleSize` rows spread evenly over the array (a file sorted by
 *   name, or with duplicates side by side, is measured on all its parts) is prepared for real
 *   with the same code as dedupe (prepareRows); its store gives the text bytes per row of every
 *   column, each rule's share of keyed rows and of distinct keys, and its blocks the pairs.
 *   A sample has relatively MORE distinct keys than the full data (collisions grow with N), so
 *   the index estimate errs high; pairs scale as (N / s)² per block (each pair of the full
 *   data is in a spread-out sample of s rows with probability ≈ (s/N)²: the estimate is
 *   unbiased, noisy for rare keys), blocks whose scaled size exceeds `maxBlockSize` count as
 *   skipped, and rules are summed (the pipeline drops pairs an earlier rule produced: high).
 * - only a count → {@link DEFAULT_TEXT_BYTES_PER_ROW} per column form (Vietnamese registers),
 *   every row keyed with a distinct key (the upper bound of the index), and no pairs unless
 *   `candidatePairs` is given.
 * Not counted: the caller's input rows and the JS objects a reader creates, V8's own heap,
 * worker threads' heaps. Accuracy against real builds (store.byteLength + Σ index.byteLength)
 * is asserted in test/reliability/estimate-memory.test.ts.
 *
 * How to wire a budget (the caller's job, e.g. dedupe / Register.build with `memoryBudget`):
 *   const est = await estimateMemory(rowsOrCount, schema, { blocking, maxBlockSize });
 *   if (est.bytes > budget) throw new KhopError('MEMORY_BUDGET_EXCEEDED', `… needs ~${est.bytes} bytes, memoryBudget is ${budget}`, { details: { estimate: est.breakdown, budget } });
 * — before the store is allocated; for streamed input, pass the expected count and a sample.
 */
import { checkOptionKeys } from '../util/option-keys.js';
import { KhopError } from '../errors.js';
import { defineSchema, type FieldSpec, type Schema } from '../schema.js';
import { prepareRows } from './prepare.js';
import { defaultBlockingRules, resolveRules } from './default-rules.js';
import { planComparisons } from './comparisons.js';
import { buildRuleKeys } from '../block/blocking-keys.js';
import { defaultDirectoryBits } from '../block/block-index.js';
import { DEFAULT_MAX_BLOCK_SIZE } from '../block/candidate-pairs.js';
import { SCORE_WINDOW_PAIRS, STREAM_TRAINING_MIN_BYTES } from './kept-pairs.js';
import { describeRule, ruleBlockCap, validateRules, type BlockingRule } from '../block/blocking-rule.js';
import { DEFAULT_CHUNK_BITS, type ColumnType, type RecordStore } from '../block/record-store.js';
import { MAX_RANDOM_PAIRS } from '../score/random-pairs.js';

/** Default number of leading rows prepared to measure per-row sizes. */
export const DEFAULT_ESTIMATE_SAMPLE_SIZE = 2000;

/**
 * Bytes of per-row bookkeeping outside the store (input position, user id, source, rank, rep),
 * 12 of them the average-linkage guard's (its evidence pairs' row starts, member ring, sizes:
 * cluster/clusters.ts), 12 the duplicate-id table of a run with idField (seen-ids.ts: 8–16
 * bytes an id; counted whether or not idField is given — the estimate errs high).
 */
export const ROW_BOOKKEEPING_BYTES = 56;

/**
 * Text bytes per row of each store column form when no sample is given, by the suffix of the
 * store column name (`name.fold` → 'fold'). Typical Vietnamese register values: a full name of
 * 3–4 syllables (~18 bytes folded, ~24 bytes UTF-8 with diacritics), a 12-digit ID, a province.
 * A form not listed takes `other`.
 */
export const DEFAULT_TEXT_BYTES_PER_ROW: Readonly<Record<string, number>> = Object.freeze({
  id: 12,
  norm: 24,
  fold: 18,
  family: 6,
  middle: 7,
  given: 5,
  familyKey: 5,
  middleKey: 6,
  givenKey: 4,
  keySet: 10,
  other: 16,
});

/** Pairs per chunk the pipeline's pair columns start with (they double from there). */
const PAIR_BUFFER_START = 1 << 16;
/** Pairs of one rule an EM session reads at most (src/pipeline/match.ts). */
const MAX_TRAINING_PAIRS = 2_000_000;
/** Default random pairs of the u estimate (src/pipeline/match.ts DEFAULT_MATCH_OPTIONS). */
const DEFAULT_U_SAMPLE = 1_000_000;
const INITIAL_POOL_BYTES = 1024;

/** Options of {@link estimateMemory}. */
/** The keys of EstimateMemoryOptions (a misspelt one is refused, as dedupe refuses its own). */
const ESTIMATE_OPTION_KEYS: ReadonlySet<string> = new Set(['sampleSize', 'sample', 'blocking', 'maxBlockSize', 'candidatePairs', 'uSampleSize', 'chunkBits']);

export interface EstimateMemoryOptions {
  /**
   * Rows to prepare for measuring (spread evenly over `rows`, or the first of `sample`). More
   * is more accurate and slower (≈ 50 µs a row). Integer ≥ 1. Default {@link DEFAULT_ESTIMATE_SAMPLE_SIZE}.
   */
  sampleSize?: number;
  /** With a row COUNT: rows to measure on (e.g. the head of the file). Default: none (defaults used). */
  sample?: readonly unknown[];
  /** Blocking rules, as given to dedupe (field names allowed). Default: the schema's default rules. */
  blocking?: BlockingRule[];
  /** Blocks larger than this produce no pairs (as in dedupe). Integer ≥ 2. Default 1000. */
  maxBlockSize?: number;
  /**
   * Candidate pairs to plan for. Default: estimated from the sample (0 without one).
   * Pass 0 to estimate the store and indexes only (a register build).
   */
  candidatePairs?: number;
  /** Random pairs of the u estimate (as in dedupe). Pass 0 when a model is given. Default 1,000,000. */
  uSampleSize?: number;
  /** log2 rows per store chunk (as RecordStore). Integer 3..24. Default 16. */
  chunkBits?: number;
}

/** One store column's share of the estimate. */
export interface ColumnEstimate {
  readonly name: string;
  readonly type: ColumnType;
  /** Text bytes per row (measured or default); 0 for numeric columns. */
  readonly textBytesPerRow: number;
  /** Fixed bytes per row (width + offsets + null bit). */
  readonly fixedBytesPerRow: number;
}

/** One blocking rule's share of the estimate. */
export interface RuleEstimate {
  readonly rule: string;
  /** Share of rows with a key for this rule. */
  readonly keyedShare: number;
  /** Distinct keys per keyed row. */
  readonly distinctShare: number;
  /** Bytes of the finished index. */
  readonly indexBytes: number;
  /** Candidate pairs the rule is expected to produce (before cross-rule deduplication). */
  readonly pairs: number;
}

/** What {@link estimateMemory} returns. */
export interface MemoryEstimate {
  /** Peak bytes of the build (see the file header for the formula). */
  readonly bytes: number;
  readonly rows: number;
  readonly breakdown: {
    readonly store: number;
    readonly indexes: number;
    readonly indexBuild: number;
    readonly pairs: number;
    readonly training: number;
    readonly rows: number;
  };
  readonly candidatePairs: number;
  /** True when per-row sizes were measured on a sample, false when defaults were used. */
  readonly sampled: boolean;
  readonly columns: readonly ColumnEstimate[];
  readonly rules: readonly RuleEstimate[];
}

function fixedWidth(type: ColumnType): number {
  switch (type) {
    case 'float64':
      return 8;
    case 'int32':
    case 'ascii':
    case 'utf8':
      return 4; // text: one Uint32 offset per row (+1 per chunk)
    case 'uint8':
      return 1;
  }
}

/** Pool capacity record-store.ts reaches for `used` bytes, starting from `start` and doubling. */
function poolCapacity(used: number, start: number): number {
  let cap = Math.max(INITIAL_POOL_BYTES, start);
  while (cap < used) cap *= 2;
  return cap;
}

/** Total text bytes of a store column (Σ over chunks of the used pool bytes). */
function textBytesOf(store: RecordStore, c: number): number {
  let total = 0;
  for (let k = 0; k < store.chunkCount; k++) {
    const ch = store.columnChunk(c, k);
    total += ch.offsets![ch.length]!;
  }
  return total;
}

/**
 * `count` rows spread evenly over `rows` (all of them when there are fewer): a file sorted by
 * name or date, or with duplicates next to each other, is measured on all of its parts.
 */
function evenlySpaced(rows: readonly unknown[], count: number): unknown[] {
  if (rows.length <= count) return rows.slice();
  const out = new Array<unknown>(count);
  for (let i = 0; i < count; i++) out[i] = rows[Math.floor((i * rows.length) / count)];
  return out;
}

function isRowArray(x: unknown): x is readonly unknown[] {
  return Array.isArray(x);
}

/**
 * Estimate the memory of a build of `rowsOrCount` rows (an array of input rows, or a row count)
 * of `schema` (see the file header for the model and its accuracy).
 * @example
 *   const est = await estimateMemory(rows, schema);
 *   if (est.bytes > budget) throw …;   // est.breakdown: { store, indexes, indexBuild, pairs, training, rows }
 * @throws KhopError INVALID_ARGUMENT (rows neither an array nor a count), INVALID_OPTION (bad
 *   options, all listed), INVALID_SCHEMA (bad schema), as dedupe would for bad blocking rules.
 */
export async function estimateMemory(
  rowsOrCount: readonly unknown[] | number,
  schema: Schema | Record<string, FieldSpec>,
  options: EstimateMemoryOptions = {},
): Promise<MemoryEstimate> {
  const counted = typeof rowsOrCount === 'number';
  if (counted ? !(Number.isSafeInteger(rowsOrCount) && rowsOrCount >= 0) : !isRowArray(rowsOrCount)) {
    throw new KhopError('INVALID_ARGUMENT', 'estimateMemory: rows must be an array of rows or a row count (a safe integer ≥ 0)');
  }
  if (options === null || typeof options !== 'object') throw new KhopError('INVALID_OPTION', 'estimateMemory options must be an object');
  checkOptionKeys('estimateMemory', options, ESTIMATE_OPTION_KEYS);
  const problems: string[] = [];
  const sampleSize = options.sampleSize ?? DEFAULT_ESTIMATE_SAMPLE_SIZE;
  if (!Number.isSafeInteger(sampleSize) || sampleSize < 1) problems.push('sampleSize: an integer ≥ 1');
  if (options.sample !== undefined && !isRowArray(options.sample)) problems.push('sample: an array of rows');
  if (options.sample !== undefined && !counted) problems.push('sample: only with a row count (rows given are sampled themselves)');
  const maxBlockSize = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  if (!Number.isInteger(maxBlockSize) || maxBlockSize < 2 || maxBlockSize > 0xffffffff) problems.push('maxBlockSize: an integer in 2..4294967295 (2^32 − 1)');
  const givenPairs = options.candidatePairs;
  if (givenPairs !== undefined && !(Number.isSafeInteger(givenPairs) && givenPairs >= 0)) problems.push('candidatePairs: an integer ≥ 0');
  const uSampleSize = options.uSampleSize ?? DEFAULT_U_SAMPLE;
  if (!(Number.isInteger(uSampleSize) && uSampleSize >= 0 && uSampleSize <= MAX_RANDOM_PAIRS)) problems.push(`uSampleSize: an integer in 0..${MAX_RANDOM_PAIRS} (2^30)`);
  const chunkBits = options.chunkBits ?? DEFAULT_CHUNK_BITS;
  if (!Number.isInteger(chunkBits) || chunkBits < 3 || chunkBits > 24) problems.push('chunkBits: an integer in 3..24');
  if (problems.length > 0) throw new KhopError('INVALID_OPTION', `invalid estimateMemory options: ${problems.join('; ')}`, { details: { problems } });

  const s = defineSchema(schema);
  const N = counted ? rowsOrCount : rowsOrCount.length;
  const sampleRows = counted ? (options.sample ?? []).slice(0, sampleSize) : evenlySpaced(rowsOrCount, sampleSize);
  // The sample, prepared exactly as dedupe prepares rows (an empty sample still yields the
  // store columns and name groups).
  const prepared = await prepareRows([sampleRows], s);
  const sample = prepared.store;
  const S = sample.rowCount;
  const sampled = S > 0;
  const rules = options.blocking !== undefined ? resolveRules(options.blocking, s, prepared.nameGroups) : defaultBlockingRules(s, prepared.nameGroups);
  // As dedupe checks them (an empty list, a duplicate name, a column the schema has not).
  if (options.blocking !== undefined) validateRules(rules, sample);
  // Share of input rows that survive preparation (rejected rows are not stored).
  const keptShare = sampleRows.length > 0 ? S / sampleRows.length : 1;
  const R = Math.round(N * keptShare);

  // ---- store ----
  const C = 2 ** chunkBits;
  const cols = sample.columns;
  let fixedPerChunk = 0;
  const columns: ColumnEstimate[] = cols.map((col, c) => {
    const text = col.type === 'ascii' || col.type === 'utf8';
    fixedPerChunk += fixedWidth(col.type) * C + (text ? 4 : 0) + C / 8;
    let textBytesPerRow = 0;
    if (text) {
      if (sampled) textBytesPerRow = textBytesOf(sample, c) / S;
      else {
        const form = col.name.slice(col.name.lastIndexOf('.') + 1);
        textBytesPerRow = DEFAULT_TEXT_BYTES_PER_ROW[form] ?? DEFAULT_TEXT_BYTES_PER_ROW.other!;
      }
    }
    return { name: col.name, type: col.type, textBytesPerRow, fixedBytesPerRow: fixedWidth(col.type) + 1 / 8 };
  });
  fixedPerChunk = Math.ceil(fixedPerChunk / 8) * 8;
  const chunks = Math.ceil(R / C);
  const fullChunks = Math.floor(R / C);
  const openRows = R - fullChunks * C;
  let store = chunks * fixedPerChunk;
  for (const col of columns) {
    if (col.type !== 'ascii' && col.type !== 'utf8') continue;
    const perChunk = Math.round(col.textBytesPerRow * C);
    store += fullChunks * perChunk;
    if (openRows > 0) store += poolCapacity(Math.round(col.textBytesPerRow * openRows), fullChunks > 0 ? perChunk : 0);
  }

  // ---- indexes, build transient, pairs per rule ----
  const scale = S > 0 ? R / S : 0;
  let indexes = 0;
  let indexBuild = 0;
  let estimatedPairs = 0;
  const ruleEstimates: RuleEstimate[] = rules.map((rule) => {
    const cap = ruleBlockCap(rule, maxBlockSize);
    let keyedShare = 1;
    let distinctShare = 1;
    let pairs = 0;
    if (sampled) {
      const keys = buildRuleKeys(sample, rule);
      keyedShare = keys.count / S;
      const sizes = new Map<string, number>();
      for (let i = 0; i < keys.count; i++) {
        const key = `${keys.hi[i]}:${keys.lo[i]}`;
        sizes.set(key, (sizes.get(key) ?? 0) + 1);
      }
      distinctShare = keys.count > 0 ? sizes.size / keys.count : 1;
      // Each pair of the full data lies in the sample with probability (S/R)²: scale by (R/S)².
      for (const size of sizes.values()) {
        if (size < 2 || size * scale > cap) continue;
        pairs += ((size * (size - 1)) / 2) * scale * scale;
      }
    }
    const keyed = Math.round(R * keyedShare);
    const blocks = keyed === 0 ? 0 : Math.max(1, Math.round(keyed * distinctShare));
    const indexBytes = 4 * keyed + 8 * blocks + 4 * (blocks + 1) + 4 * (2 ** defaultDirectoryBits(blocks) + 1);
    indexes += indexBytes;
    indexBuild = Math.max(indexBuild, R + 24 * keyed);
    estimatedPairs += pairs;
    return { rule: describeRule(rule), keyedShare, distinctShare, indexBytes, pairs: Math.round(pairs) };
  });

  const P = givenPairs ?? Math.round(estimatedPairs);
  const plan = planComparisons(s, prepared.nameGroups, { dictionaries: prepared.dictionaries });
  const K = plan.specs.length;
  const tfCount = plan.tfColumns.filter((c) => c !== null).length;
  let pairCapacity = PAIR_BUFFER_START;
  while (pairCapacity < P) pairCapacity *= 2;
  // Pair columns: doubling capacity while the stream runs, then trimmed to P (the trim's copy
  // holds both); per pair afterwards K levels and the weight (training's evidence pass uses the
  // weight column as scratch); tf per row.
  const held = Math.max(8 * (pairCapacity + P), 8 * P + P * (K + 8));
  const streamed = P * (16 + K) > STREAM_TRAINING_MIN_BYTES;
  const pairs = P === 0 ? 0 : (streamed ? 8 * P + Math.min(P, SCORE_WINDOW_PAIRS) * (16 + K + 8) : held) + 8 * tfCount * R;
  const allPairs = (R * (R - 1)) / 2;
  const training = Math.min(uSampleSize, allPairs) * (8 + K) + Math.min(P, MAX_TRAINING_PAIRS) * (8 + K);
  const rowBytes = N * ROW_BOOKKEEPING_BYTES;
  const bytes = Math.round(store + indexes + rowBytes + Math.max(indexBuild, pairs + training));
  return {
    bytes,
    rows: N,
    breakdown: { store: Math.round(store), indexes, indexBuild, pairs, training: Math.round(training), rows: rowBytes },
    candidatePairs: P,
    sampled,
    columns,
    rules: ruleEstimates,
  };
}
