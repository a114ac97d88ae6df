/**
 * Register: authenticate claimed identities (national ID + name + date of birth + sex…)
 * against a national population register held in memory.
 *
 *   build(schema, rows) ─► lean RecordStore (register-layout.ts) + BlockIndexes:
 *                            ID digits → rows · earlier IDs → rows · phonetic name+dob → rows
 *   authenticate(claim)  ─► parse ID (INVALID_ID) ─► ID vs claimed sex/birth year
 *                          (INCONSISTENT_ID) ─► ONE XXH64 of the digits ─► ID index (+ delta)
 *                          and earlier-ID index (+ delta); a re-issued number found in both:
 *                          the holder the other fields agree with best (ties: the current
 *                          one, resolve) ─► none: NOT_FOUND (+ "did you mean") · several:
 *                          disambiguate (AMBIGUOUS) · one: field verdicts + weight ─► policy
 *                          ─► VERIFIED | MISMATCH
 *   authenticateMany     ─► the same per claim, but each batch's IDs hashed in one KeyHasher
 *                          batch and looked up with BlockIndex.lookupMany (ordered walk)
 *   add / update / remove ─► rows appended to the store, indexed by small DeltaIndex hash
 *                          tables; dead rows marked in Tombstones; compact() folds it all into
 *                          fresh base indexes (and drops dead rows from the store once they
 *                          exceed 1/8 of it)
 *   save / load          ─► register-snapshot.ts
 *
 * KEYED registers (`idSecret`, docs/privacy.md): the ID and earlier-ID keys are HMAC-SHA256
 * under a key derived from the secret instead of XXH64, and the store's ID column holds a
 * 48-bit HMAC tag instead of the number (src/hash/keyed-id-hash.ts): the same lookups, no ID
 * digits anywhere in memory after ingestion or on disk. `memoryBudget` (build-memory.ts)
 * refuses a build that would not fit, as rows arrive.
 *
 * Trade-offs: the store keeps only what verification needs (normalised name, packed date, ID
 * as a number, a written-form byte); everything derived is recomputed per claim. A claim
 * allocates its parse, its verdict and the verdict's `fields` / `explanation` objects; field
 * verdicts themselves are shared frozen objects, and row lookups reuse scratch arrays (the
 * class is not re-entrant, which a synchronous API never is). Record ids → rows (for update
 * and remove) are indexed lazily, on the first such call, so a read-only register pays nothing
 * for them.
 */
import { availableParallelism } from 'node:os';
import { BlockIndex, NO_BLOCK } from '../block/block-index.js';
import { RecordStore } from '../block/record-store.js';
import { absentFieldsProblem } from '../util/absent-fields.js';
import { KhopError } from '../errors.js';
import { KeyHasher } from '../hash/key-hasher.js';
import { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import { defineSchema, type FieldSpec, type Schema } from '../schema.js';
import { checkIdConsistency } from '../text/id-consistency.js';
import type { ParsedNationalId } from '../text/national-id.js';
import { CategoryDictionary } from './category-dictionary.js';
import { FlatClaimValues, PreparedClaim, claimValue, idInputOf, type ClaimValues } from './claim.js';
import { DeltaIndex, NO_ENTRY } from './delta-index.js';
import { KeyCollector } from './key-collector.js';
import { KhopPool, MAX_POOL_THREADS } from '../pool/pool.js';
import { DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES } from '../pool/parallel-index.js';
import { CandidateSearch } from './candidate-search.js';
import { resolvePolicy, type VerificationPolicy } from './policy.js';
import { BY_EARLIER_ID, BY_ID, OUTCOMES, RecordEvaluator, type Evaluation } from './record-evaluator.js';
import { registerLayout, type RegisterLayout } from './register-layout.js';
import { BuildMemoryGuard } from './build-memory.js';
import { resolveBuildOptions, type RegisterBuildOptions } from './register-options.js';
import { loadRegister, registerIndexes, registerMeta, saveRegister, stateFromParts, type RegisterMeta } from './register-snapshot.js';
import { applyBlockOrder } from './block-order.js';
import { compactState, pendingChanges } from './compaction.js';
import { REGISTER_KEY_SEED, type RegisterState } from './register-state.js';
import { RowIngester, type IngestIssues, type RegisterRejectedRow } from './row-ingest.js';
import { IngestSink, ingestRows, type IngestTuning, type ParallelIngestOptions } from './parallel-ingest.js';
import { DEFAULT_PARALLEL_CSV_MIN_BYTES, ingestCsvFile } from './csv-ingest.js';
import { takeCsvFile } from '../io/csv-reader.js';
import { takeNdjsonFile } from '../io/ndjson-reader.js';
import { isNdjsonFile } from '../io/file-pieces.js';
import { Tombstones } from './tombstones.js';
import { defaultRegisterModel } from './verdict-model.js';
import {
  DATE,
  DEFAULT_CANDIDATES,
  ID,
  MAX_CANDIDATES,
  O_AMBIGUOUS,
  O_CLAIM_MISSING,
  O_NO_RECORD,
  SEX,
  type AuthenticateOptions,
  type Verdict,
  type VerdictStatus,
} from './verdict.js';
import { recordIdAt } from './record-id.js';
import { mismatchReason, REASON_SEPARATOR, VerdictObjectSink, type VerdictSink } from './verdict-sink.js';
import { VerdictEncoder, noRecordVerdictObject, type EncodedVerdicts } from './verdict-codec.js';
import { VerdictStream, isAsyncIterable, isIterable, type ClaimBatch } from './authenticate-batch.js';
import { parallelVerdicts, type PoolLike, type RegisterJob } from './parallel-authenticate.js';
import { authenticateAllInto, LOCAL_SLICE } from './authenticate-all.js';
import { checkOptionKeys } from '../util/option-keys.js';
import { compareRecordIds } from '../util/record-id-order.js';
import { UnreadableRow, claimsOf, isRecordSource, rowsOf } from '../io/record-source-rows.js';
import { RowLines } from '../io/row-lines.js';
import { TableWriter, VerdictTable, type TableColumns, type TableFacts, type TableField, type TableSide } from './verdict-table.js';
import { isExactNumber } from '../util/type-name.js';
import { notARowReason } from '../util/row-shape.js';

/** The keys of AuthenticateOptions / AuthenticateManyOptions (others are refused). */
const AUTHENTICATE_OPTION_KEYS: ReadonlySet<string> = new Set(['candidates']);
const AUTHENTICATE_MANY_OPTION_KEYS: ReadonlySet<string> = new Set(['candidates', 'batchSize', 'threads', 'pool']);

/** Options of {@link Register.authenticateMany}. */
export interface AuthenticateManyOptions extends AuthenticateOptions {
  /**
   * Claims per batch (integer 1..2^20): read from the source, hashed in one KeyHasher batch,
   * looked up together, then handed out one by one before the next batch is read; on a pool,
   * the unit the threads share. Default {@link DEFAULT_BATCH_SIZE} (2,048) for
   * authenticateMany, {@link DEFAULT_TABLE_BATCH_SIZE} (8,192) for authenticateAll (there:
   * the largest batch a worker takes, and the hash batch of a calling-thread pass alone).
   */
  batchSize?: number;
  /**
   * Threads (1..256), the calling thread included: above 1, a worker pool of threads − 1
   * (created for this call and closed after it) authenticates batches over the register's
   * shared memory while the calling thread takes every batch no worker is free for; verdicts
   * come in input order. Default: the
   * available cores for an array of at least {@link AUTO_THREADS_MIN_CLAIMS} claims (the pool's
   * start-up, ~0.3–0.6 s, is then small against the work), otherwise 1 — a stream's length is
   * not known in advance. See BENCHMARKS.md, register-parallel.
   */
  threads?: number;
  /** A pool to run the batches on (overrides `threads`; not closed). */
  pool?: PoolLike;
}

/**
 * authenticateMany's batch. On a pool the batch is what the threads share, and the stream ends
 * with one thread finishing its last batch while the other waits (verdicts leave in order), a
 * wait of up to a batch — a quarter as long at 2,048 as at 8,192. Measured (same process,
 * alternating runs, 2,048 over 8,192 on 2 threads): 1M register and 200k claims ×1.046
 * throughput, 1M claims ×1.030, 10M register and 300k claims ×1.083; one thread ×1.00–1.02
 * (the hash-ordered lookups gain nothing measurable from larger batches).
 */
export const DEFAULT_BATCH_SIZE = 2048;

/**
 * authenticateAll's batch: the largest batch a worker takes (guided self-scheduling already
 * shrinks the last ones: authenticate-all.ts). 2,048 measured ×0.98 of 8,192 there on 2 threads.
 */
export const DEFAULT_TABLE_BATCH_SIZE = 8192;

/** Arrays of at least this many claims are authenticated on all cores unless `threads` says otherwise. */
export const AUTO_THREADS_MIN_CLAIMS = 500_000;

/** True for a string of exactly 12 ASCII digits (what a CCCD number parses from unchanged). */
function isTwelveDigits(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The `threads` authenticateMany uses when none is given (see AuthenticateManyOptions.threads). */
export function defaultAuthenticateThreads(claims: unknown, cores: number = availableParallelism()): number {
  return Array.isArray(claims) && claims.length >= AUTO_THREADS_MIN_CLAIMS ? Math.max(1, Math.min(cores, 256)) : 1;
}

/** The register's batch path: a batch prepared (its IDs hashed and looked up together), then verdicts by claim. */
type LocalBatch = ClaimBatch & {
  prepareValues(values: ClaimValues, n: number): void;
  /** Claim i's verdict into `sink`. */
  write(i: number, sink: VerdictSink): void;
};

/** A pool as authenticateMany / authenticateAll use it (PoolLike): run, close, threads ≥ 1. */
function isPoolLike(p: unknown): boolean {
  if (p === null || typeof p !== 'object') return false;
  const o = p as { run?: unknown; close?: unknown; threads?: unknown };
  return typeof o.run === 'function' && typeof o.close === 'function' && Number.isInteger(o.threads) && (o.threads as number) >= 1;
}

/** The `threads` of authenticateMany / authenticateAll options (default: defaultAuthenticateThreads), validated. */
function batchThreads(method: string, options: AuthenticateManyOptions | undefined, claims: unknown): number {
  const threads = options?.threads === undefined ? defaultAuthenticateThreads(claims) : options.threads;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new KhopError('INVALID_OPTION', `${method}: threads must be an integer in 1..256`, { details: { option: 'threads' } });
  }
  return threads;
}

/** Options of {@link Register.load}. */
export interface RegisterLoadOptions {
  /**
   * The secret a KEYED register was built with (RegisterBuildOptions.idSecret). Required for a
   * keyed snapshot, refused for an unkeyed one. Default: none.
   */
  idSecret?: string | Uint8Array;
}

/** Distinguishes the jobs of different registers in one process (a thread caches by job id). */
const JOB_PREFIX = `register:${process.pid}:`;
let jobCounter = 0;

/**
 * Releases the shared job of a Register that is garbage-collected. Worker threads cache a
 * register's job (its store and indexes, by SharedArrayBuffer) until it is released — on a change
 * — or pushed out by newer jobs (task-context.ts): a service that loads each day's snapshot and
 * drops the old one on a shared pool kept the dropped registers' memory alive in every worker
 * (measured: one more register's arrays per day, up to about four). Set, the flag makes each
 * thread drop the copy on its next task.
 */
const jobReaper = new FinalizationRegistry<Int32Array>((released) => Atomics.store(released, 0, 1));
const MAX_BATCH_SIZE = 1 << 20;

/**
 * Claims of a batch whose records' cells are read ahead together (claimBatch's prefetch).
 *
 * What the read-ahead costs, measured on a 1M register (2026-11-30, AMD EPYC virtual machine):
 * inside authenticateAll it takes ~0.78 µs a claim (a fifth of the claim's time), while the same
 * StoreReader.touchRows over random rows in a loop of its own takes 0.074 µs a row for the same
 * five columns, and the index's starts + rowIds 0.027 µs. The difference is not the number of
 * loads. The likely cause (inferred, not isolated): between two windows the claims' own work
 * (strings, objects, the young generation) evicts what the page walks need, so each distinct
 * page a claim touches — about eight: the ID index's starts and rowIds, the form, ID, date and
 * sex columns, the name's offsets and its bytes — costs a page walk, two-dimensional in a
 * virtual machine; huge pages in the guest did not change it (presumably the host's pages bound
 * the TLB's reach). The lever left is fewer pages a claim — the cells a verdict reads first kept
 * side by side per row, a store-format change — not more tuning of this window.
 */
const PREFETCH_WINDOW = 16;

/** Rows of an ID block whose cells resolve() reads ahead (an ID block usually holds one row). */
const TOUCH_ROWS = 4;

/** What `add` did. */
export interface AddResult {
  readonly added: number;
  /** Rows that could not be used; `index` counts within this `add` call. */
  readonly rejected: RegisterRejectedRow[];
}

/** Sizes of a register (`bytes` are what its arrays hold, at capacity). */
export interface RegisterStats {
  /** Live records. */
  readonly records: number;
  /** Dead rows still in the store (removed or replaced, not yet dropped by compaction). */
  readonly deleted: number;
  /** Rows added since the last compaction (indexed by the delta tables). */
  readonly delta: number;
  /** Delta rows + removals since the last compaction (auto-compaction above maxPendingChanges). */
  readonly pendingChanges: number;
  /** Rows rejected at build. */
  readonly rejected: number;
  readonly bytes: {
    readonly store: number;
    readonly idIndex: number;
    readonly earlierIdIndex: number;
    readonly candidateIndex: number;
    readonly delta: number;
    readonly tombstones: number;
    readonly recordIdIndex: number;
    readonly total: number;
  };
  /** total bytes / live records. */
  readonly bytesPerRecord: number;
}

type RowSource = Iterable<unknown> | AsyncIterable<unknown>;

/** Metadata for worker threads: a keyed register's derived ID key travels with it, in memory only. */
function jobMeta(layout: RegisterLayout, meta: RegisterMeta): RegisterMeta {
  if (layout.keyed !== null) meta.idKey = layout.keyed.key;
  return meta;
}

const CONTRADICTION_REASON: Readonly<Record<string, string>> = {
  sex: 'sex-contradicts-id',
  birthYear: 'birth-year-contradicts-id',
  century: 'century-contradicts-id',
};

export class Register {
  private s: RegisterState;
  private readonly ingester: RowIngester;
  private readonly evaluator: RecordEvaluator;
  private readonly queryHasher: KeyHasher;
  private bulk: KeyHasher | null = null;
  private batchHasherValue: KeyHasher | null = null;
  private ridIndex: { index: BlockIndex; delta: DeltaIndex } | null = null;
  /** Incremented by every compaction (which renumbers index blocks). */
  private generation = 0;
  /** Counts every change (add / update / remove / compact): a batch computed across event-loop turns checks it. */
  private version = 0;
  private readonly hashOut = new Uint32Array(2);
  private matched = new Uint32Array(16);
  private readonly outcomes: Uint8Array;
  private readonly evaluation: Evaluation = { weight: 0, policyHolds: false };
  /** "Did you mean" (candidate-search.ts). */
  private readonly didYouMean: CandidateSearch;
  /**
   * Store columns whose cells resolve() reads for a found record before evaluating it
   * (touchColumnsFor): at this size each cell of a row is a cache and TLB miss of its own,
   * met one at a time by the evaluation between its comparisons; read together first, their
   * misses overlap (memory-level parallelism, as CandidateSearch.touch does for a block).
   * Same-process A/B on a 10M register (two runs): VERIFIED 5.64 → 5.11 and 6.26 → 5.61 µs a
   * claim, MISMATCH 6.01 → 5.41 and 6.54 → 5.83.
   */
  private readonly touchColumns: Int32Array;
  private touchCount = 0;
  /** The block rows collect touches (at most TOUCH_ROWS). */
  private readonly touchRowIds = new Int32Array(TOUCH_ROWS);
  /** What the touch read (kept so that its reads are not dead code). */
  private touched = 0;
  private readonly utf8 = new TextEncoder();
  /** The state shared with worker threads for authenticateMany, until the next change. */
  private sharedJobValue: RegisterJob | null = null;
  /** Worker side of the pooled batch APIs: the encoder of the verdicts without a record (made on first use). */
  private encoderValue: VerdictEncoder | null = null;
  /** Where authenticate and the batch paths build their Verdict objects (one claim at a time). */
  private readonly objectSink: VerdictObjectSink;

  private constructor(state: RegisterState) {
    this.s = state;
    const o = state.options;
    this.ingester = new RowIngester(state.layout, state.dictionary, o.idField, o.earlierIdsField, state.candidateIndex !== null, state.issues, undefined, o.firstRecordId);
    this.evaluator = new RecordEvaluator(state.layout, state.store, state.model, state.policy, state.dictionary);
    this.queryHasher = new KeyHasher({ seed: REGISTER_KEY_SEED });
    this.didYouMean = new CandidateSearch(state.layout, this.evaluator, this.queryHasher);
    this.touchColumns = new Int32Array(state.layout.fields.length + 2);
    this.outcomes = new Uint8Array(state.layout.fields.length);
    this.objectSink = new VerdictObjectSink(this.evaluator, state.layout);
  }

  // ── build, load, save ─────────────────────────────────────────────────────────────────────

  /**
   * Build a register from rows (an array, or any iterable / async iterable of objects).
   * Rows that cannot be used are reported in `register.rejected` (accepted + rejected = rows).
   * With `threads` > 1 and at least DEFAULT_PARALLEL_INGEST_MIN_ROWS rows, the rows are
   * normalised on a worker pool (parallel-ingest.ts): the same register, byte for byte.
   * `tuning` is internal (tests, benchmarks): chunk size, threshold, a pool to run on.
   * @throws KhopError INVALID_SCHEMA (no nationalId field, a field no row holds…),
   *   INVALID_OPTION (naming the option; an earlierIdsField no row holds), INVALID_ARGUMENT
   *   (rows not iterable); rejects with WORKER_FAILED when a worker
   *   fails (the source is closed), MEMORY_BUDGET_EXCEEDED (memoryBudget).
   */
  static async build(schema: Schema | Record<string, FieldSpec>, rows: RowSource, options?: RegisterBuildOptions, tuning?: IngestTuning): Promise<Register> {
    const sch = defineSchema(schema);
    const o = resolveBuildOptions(options);
    const layout = registerLayout(sch, o.idField !== null, o.keyed);
    if (o.keyed !== null && o.idField !== null && sch.fields.some((f) => f.kind === 'nationalId' && f.column === o.idField)) {
      throw new KhopError('INVALID_OPTION', 'Register.build: with idSecret, idField must not be a national ID column (record ids are stored as they are)', {
        details: { problems: ['idField is a national ID column of a keyed register'] },
      });
    }
    const policy = resolvePolicy(sch, options?.policy);
    // A large CSV or NDJSON file read on a pool: cut into pieces parsed where they are ingested (csv-ingest.ts).
    const minBytes = tuning?.csvMinBytes ?? DEFAULT_PARALLEL_CSV_MIN_BYTES;
    const pieceFile = o.threads > 1 ? (takeCsvFile(rows, minBytes) ?? takeNdjsonFile(rows, minBytes)) : null;
    // A reader's RecordSource: its rows, a row it rejected rejected here at its position; each
    // rejected row with its line in the file (RowLines: the lines of the rows in flight).
    const lines = pieceFile === null && isRecordSource(rows) ? new RowLines() : null;
    rows = rowsOf(rows, lines ?? undefined);
    if (!isAsyncIterable(rows) && !isIterable(rows)) {
      throw new KhopError('INVALID_ARGUMENT', 'Register.build: rows must be an array or an (async) iterable of objects');
    }
    const store = new RecordStore(layout.columns);
    const withCandidates = o.candidateSearch && layout.fullName !== null && layout.date !== null;
    const dictionary = new CategoryDictionary(layout.fields.length);
    const ingester = new RowIngester(layout, dictionary, o.idField, o.earlierIdsField, withCandidates, undefined, undefined, o.firstRecordId);
    const seed = REGISTER_KEY_SEED;
    const ids = new KeyCollector(new KeyHasher({ seed }));
    const earlier = new KeyCollector(new KeyHasher({ seed }), 16);
    const cands = withCandidates ? new KeyCollector(new KeyHasher({ seed })) : null;
    const rejected: RegisterRejectedRow[] = [];
    const progress = o.onProgress;
    const guard = o.memoryBudget === null ? null : new BuildMemoryGuard(o.memoryBudget, store, [ids, earlier, cands], Array.isArray(rows) ? rows.length : null);
    // Rows → store + keys, in input order; with threads > 1 and enough rows, normalised on a pool (parallel-ingest.ts).
    const sink = new IngestSink(layout, ingester, dictionary, store, ids, earlier, cands, guard, progress, rejected);
    sink.lines = lines;
    if (Array.isArray(rows)) sink.total = rows.length;
    const ingestOptions: ParallelIngestOptions = {
      threads: o.threads,
      schema: sch.toJSON(),
      idField: o.idField,
      firstRecordId: o.firstRecordId,
      earlierIdsField: o.earlierIdsField,
      candidates: withCandidates,
      keyed: layout.keyed,
      layout,
      ingester,
      ...(tuning !== undefined ? { tuning } : {}),
    };
    // The phase opens before the first row (its later events come every INGEST_PROGRESS_EVERY rows).
    progress?.({ phase: 'read', done: 0, ...(sink.total !== undefined ? { total: sink.total } : {}), unit: 'rows' });
    if (pieceFile !== null) {
      // Pieces are parsed where they are ingested: a CSV column is held when the header names it
      // (an NDJSON key when a row holds it: told by each piece, csv-ingest.ts).
      if (!isNdjsonFile(pieceFile)) {
        for (const f of layout.fields) if (pieceFile.names.includes(f.column)) ingester.present[f.index] = 1;
        if (o.earlierIdsField !== null && pieceFile.names.includes(o.earlierIdsField)) ingester.earlierPresent = 1;
      }
      await ingestCsvFile(pieceFile, sink, ingestOptions);
    } else await ingestRows(rows, sink, ingestOptions);
    // A schema field whose column no row holds (a misspelt column: every claim would find its
    // value "record-missing" and fail), refused as dedupe / link refuse it.
    const absent = absentFieldsProblem({ absentFields: [layout.fields.filter((f) => ingester.present[f.index] === 0)], sourceRows: [store.rowCount] }, ['the rows']);
    // The same for the earlier-IDs column: misspelt, every earlier ID would be dropped without a
    // word and a claim with one would be NOT_FOUND (the command line refuses a column not in
    // the header). Both problems in one error when both are there.
    const noEarlier =
      o.earlierIdsField !== null && ingester.earlierPresent === 0 && store.rowCount > 0
        ? `earlierIdsField: column ${JSON.stringify(o.earlierIdsField)} is in no row of the rows — name the rows' key of the earlier IDs, or leave the option out if the data has none`
        : null;
    if (noEarlier !== null) {
      const problems = [...((absent?.details as { problems?: string[] } | undefined)?.problems ?? []), noEarlier];
      throw new KhopError('INVALID_OPTION', `Register.build: ${problems.join('; ')}`, { details: { option: 'earlierIdsField', problems } });
    }
    if (absent !== null) throw absent;
    const index = sink.index;
    guard?.check();
    progress?.({ phase: 'read', done: index, total: index, unit: 'rows', final: true });

    const n = store.rowCount;
    const total = ids.count + earlier.count + (cands?.count ?? 0);
    let done = 0;
    // threads > 1 and a large register: the indexes are sorted, and the store laid out in block
    // order, on a pool (src/pool/parallel-index.ts, block-order.ts; the same bytes).
    const indexPool =
      o.threads > 1 && n >= (tuning?.indexPoolMinRows ?? DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES) ? KhopPool.create({ threads: Math.min(o.threads, MAX_POOL_THREADS) }) : null;
    const built = async (c: KeyCollector, last: boolean): Promise<BlockIndex> => {
      const count = c.count;
      const ix = indexPool !== null ? await c.buildParallel(n, seed, { pool: indexPool }) : c.build(n, seed);
      done += count;
      progress?.({ phase: 'index', done, total, unit: 'keys', ...(last ? { final: true } : {}) });
      return ix;
    };
    let idIndex: BlockIndex, earlierIndex: BlockIndex, candidateIndex: BlockIndex | null;
    try {
      idIndex = await built(ids, false);
      earlierIndex = await built(earlier, cands === null);
      candidateIndex = cands === null ? null : await built(cands, true);
      // The store in "did you mean" block order: a candidate search reads adjacent rows (block-order.ts).
      if (candidateIndex !== null && tuning?.blockOrder !== false) await applyBlockOrder(store, candidateIndex, [idIndex, earlierIndex, candidateIndex], indexPool ?? undefined);
    } finally {
      await indexPool?.close();
    }
    return new Register({
      schema: sch,
      layout,
      options: {
        idField: o.idField,
        firstRecordId: o.firstRecordId,
        earlierIdsField: o.earlierIdsField,
        candidateSearch: o.candidateSearch,
        maxPendingChanges: o.maxPendingChanges,
      },
      policy,
      model: defaultRegisterModel(layout),
      store,
      dictionary,
      baseRows: n,
      idIndex,
      earlierIndex,
      candidateIndex,
      deltaId: new DeltaIndex(),
      deltaEarlier: new DeltaIndex(),
      deltaCandidate: new DeltaIndex(),
      tombstones: new Tombstones(),
      deadPending: 0,
      inputRows: index,
      rejected,
      rejectedCount: rejected.length,
      issues: ingester.issues,
    });
  }

  /**
   * Save to one snapshot file, atomically (temporary file + fsync + rename). Pending changes
   * are saved as they are (no compaction; see register-snapshot.ts).
   */
  async save(path: string): Promise<void> {
    if (typeof path !== 'string' || path.length === 0) throw new KhopError('INVALID_ARGUMENT', 'Register.save: path must be a non-empty string');
    await saveRegister(path, this.s);
  }

  /**
   * Load a register saved by `save` (arrays straight into SharedArrayBuffers). A keyed register
   * (built with `idSecret`) needs the same `idSecret`.
   * @throws KhopError SNAPSHOT_FOREIGN / SNAPSHOT_VERSION / SNAPSHOT_CORRUPT / SNAPSHOT_TRUNCATED, IO_ERROR;
   *   INVALID_OPTION (naming idSecret) when the register is keyed and the secret is missing or
   *   wrong, or a secret is given for an unkeyed register.
   */
  static async load(path: string, options?: RegisterLoadOptions): Promise<Register> {
    if (typeof path !== 'string' || path.length === 0) throw new KhopError('INVALID_ARGUMENT', 'Register.load: path must be a non-empty string');
    if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
      throw new KhopError('INVALID_OPTION', 'Register.load: options must be an object', { details: { problems: ['options is not an object'] } });
    }
    const unknown = options === undefined ? [] : Object.keys(options).filter((k) => k !== 'idSecret');
    if (unknown.length > 0) {
      const problems = unknown.map((k) => `${k} is not a Register.load option`);
      throw new KhopError('INVALID_OPTION', `Register.load: invalid options — ${problems.join('; ')}`, { details: { problems } });
    }
    const keyed = options?.idSecret === undefined ? null : KeyedIdHasher.fromSecret(options.idSecret);
    return new Register(await loadRegister(path, keyed));
  }

  // ── accessors ─────────────────────────────────────────────────────────────────────────────

  /** The register's schema. */
  get schema(): Schema {
    return this.s.schema;
  }

  /** Rows rejected at build, with reasons (empty after `load`; the count is in stats()). */
  get rejected(): readonly RegisterRejectedRow[] {
    return this.s.rejected;
  }

  /**
   * Per field, per reason: values stored as missing because they could not be used — and, under
   * the ID field, rows kept as given although their CCCD contradicts their own date of birth or
   * sex (`id contradicts the date of birth` / `id contradicts the sex`: KEPT_VALUE_REASONS).
   */
  get issues(): Readonly<IngestIssues> {
    return this.s.issues;
  }

  /** The verification policy, as given. */
  get policy(): VerificationPolicy {
    return this.s.policy.source;
  }

  /** The column record ids were read from at build (null: they are input positions). */
  get idField(): string | null {
    return this.s.options.idField;
  }

  /** Live records. */
  get size(): number {
    return this.s.store.rowCount - this.s.tombstones.count;
  }

  // ── authenticate ──────────────────────────────────────────────────────────────────────────

  /**
   * Authenticate one claim (an object with the schema's columns — of any object type, an
   * interface too; see claim.ts). Synchronous.
   * @throws KhopError INVALID_ARGUMENT when `claim` is not an object; INVALID_OPTION for bad options.
   */
  authenticate(claim: object, options?: AuthenticateOptions): Verdict {
    const k = this.candidateCount(options);
    // A Promise or a Map would read as a claim with no field (INVALID_ID, a plausible verdict).
    const notAClaim = notARowReason(claim, 'a claim');
    if (notAClaim !== null) throw new KhopError('INVALID_ARGUMENT', `authenticate: ${notAClaim}`);
    const c = this.prepare(claim);
    const sink = this.objectSink;
    if (!this.precheck(c, k, sink)) {
      this.idKey(c);
      const lo = this.hashOut[0]!;
      const hi = this.hashOut[1]!;
      this.resolve(c, lo, hi, this.s.idIndex.lookup(lo, hi), -2, k, sink);
    }
    return sink.take();
  }

  /** The lookup key of a claim's (valid) ID into hashOut: XXH64 of the digits, or its HMAC when keyed. */
  private idKey(c: PreparedClaim): void {
    const L = this.s.layout;
    if (L.keyed === null) this.queryHasher.hashAscii((c.id(L.id) as ParsedNationalId).digits, this.hashOut, 0);
    else {
      this.hashOut[0] = c.keyedLo(L.id);
      this.hashOut[1] = c.keyedHi(L.id);
    }
  }

  /** The batch size and candidate count of authenticateMany / authenticateAll options, validated. */
  private batchOptions(method: string, options: AuthenticateManyOptions | undefined, defaultBatchSize: number): { batchSize: number; k: number } {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new KhopError('INVALID_OPTION', `${method}: options must be an object`, { details: { option: 'options' } });
    }
    const batchSize = options?.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new KhopError('INVALID_OPTION', `${method}: batchSize must be an integer in 1..${MAX_BATCH_SIZE}`, { details: { option: 'batchSize' } });
    }
    // `pool`: a KhopPool, or anything shaped like one (a wrapper that counts or logs its tasks);
    // checked here, not by a TypeError from the middle of the work (null, {}, { threads: 2 }).
    const pool = options?.pool as unknown;
    if (pool !== undefined && !isPoolLike(pool)) {
      throw new KhopError('INVALID_OPTION', `${method}: pool must be an open KhopPool (an object with run(), close() and threads ≥ 1)`, { details: { option: 'pool' } });
    }
    if (pool !== undefined && (pool as { isClosed?: unknown }).isClosed === true) {
      throw new KhopError('INVALID_OPTION', `${method}: pool is closed`, { details: { option: 'pool' } });
    }
    return { batchSize, k: this.candidateCount(options, method, AUTHENTICATE_MANY_OPTION_KEYS) };
  }

  /**
   * Authenticate a stream of claims, in input order, batch by batch (see
   * AuthenticateManyOptions.batchSize). The next batch is read from `claims` only when the
   * consumer has taken every verdict of the previous one, so memory stays bounded (with
   * threads, up to 2 × workers + 4 batches are read ahead). Each verdict describes the register
   * as it is when it is handed out — a batch computed ahead (on a worker) before a change is
   * answered again from the change on. Verdicts are identical to `authenticate` one by one.
   * @throws KhopError INVALID_OPTION / INVALID_ARGUMENT (at the call); a non-object claim
   *   rejects the iteration with INVALID_ARGUMENT.
   */
  authenticateMany(claims: Iterable<unknown> | AsyncIterable<unknown>, options?: AuthenticateManyOptions): AsyncIterable<Verdict> {
    const { batchSize, k } = this.batchOptions('authenticateMany', options, DEFAULT_BATCH_SIZE);
    // A reader's RecordSource: its rows (a row it rejected fails the iteration, naming it).
    claims = claimsOf(claims);
    if (!isAsyncIterable(claims) && !isIterable(claims)) {
      throw new KhopError('INVALID_ARGUMENT', 'authenticateMany: claims must be an array or an (async) iterable of objects');
    }
    const threads = batchThreads('authenticateMany', options, claims);
    if (options?.pool !== undefined || threads > 1) {
      return parallelVerdicts(claims, {
        batchSize,
        candidates: k,
        threads,
        pool: options?.pool,
        job: () => this.sharedJob(),
        fields: this.s.layout.fields,
        objects: this.evaluator,
        local: this.claimBatch(batchSize, k),
        encoder: this.newVerdictEncoder(),
        version: () => this.version,
      });
    }
    return { [Symbol.asyncIterator]: () => new VerdictStream(claims, batchSize, this.claimBatch(batchSize, k)) };
  }

  /**
   * Authenticate an array of claims into a {@link VerdictTable}: per claim its status, weight,
   * record id and per-field results as columns, and `verdict(i)` equal to `authenticate(claims[i])`.
   * For a batch whose count is known (a database checked against the register): no Verdict
   * object per claim, and the work is shared by the calling thread and `threads − 1` workers
   * (or `pool`) without keeping an order — see authenticate-all.ts. Options as
   * authenticateMany (`batchSize`: the largest batch a worker takes). Each batch sees the
   * register as it is when the batch starts.
   * @throws KhopError INVALID_OPTION; INVALID_ARGUMENT when `claims` is not an array of
   *   objects (naming the first position that is not); a failed worker rejects with its error.
   */
  async authenticateAll(claims: readonly object[], options?: AuthenticateManyOptions): Promise<VerdictTable> {
    const { batchSize, k } = this.batchOptions('authenticateAll', options, DEFAULT_TABLE_BATCH_SIZE);
    if (!Array.isArray(claims)) throw new KhopError('INVALID_ARGUMENT', 'authenticateAll: claims must be an array of objects');
    for (let i = 0; i < claims.length; i++) {
      const c: unknown = claims[i];
      const notAClaim = notARowReason(c, `claim ${i}`);
      if (notAClaim !== null) throw new KhopError('INVALID_ARGUMENT', `authenticateAll: ${notAClaim}`, { details: { index: i } });
    }
    const threads = batchThreads('authenticateAll', options, claims);
    const fields = this.s.layout.fields;
    const table = new VerdictTable(claims.length, this.tableFields(), this.tableFacts());
    let pool = options?.pool;
    const ownPool = pool === undefined && threads > 1 && claims.length > LOCAL_SLICE;
    if (ownPool) {
      const { KhopPool } = await import('../pool/pool.js');
      pool = KhopPool.create({ threads: threads - 1, inCallingThread: false }) as unknown as PoolLike;
    }
    const batch = this.claimBatch(pool === undefined ? batchSize : LOCAL_SLICE, k, false);
    const writer = table.writer();
    try {
      await authenticateAllInto({
        claims,
        table,
        fields,
        candidates: k,
        batchSize,
        pool,
        job: () => this.sharedJob(),
        store: () => this.evaluator.store,
        local: (from, to) => {
          batch.prepare(claims.slice(from, to));
          for (let i = from; i < to; i++) {
            writer.at = i;
            batch.write(i - from, writer);
          }
          table.settle(from, to, this.evaluator.store);
        },
      });
    } finally {
      if (ownPool) await pool!.close();
    }
    return table;
  }

  /** Any change: the state shared with workers is stale (their cached copies are released). */
  private changed(): void {
    this.version++;
    if (this.sharedJobValue !== null) {
      Atomics.store(this.sharedJobValue.released, 0, 1);
      jobReaper.unregister(this);
    }
    this.sharedJobValue = null;
  }

  /** The register as worker threads receive it: metadata plus SharedArrayBuffer descriptors. */
  private sharedJob(): RegisterJob {
    if (this.sharedJobValue === null) {
      const s = this.s;
      this.sharedJobValue = {
        id: `${JOB_PREFIX}${++jobCounter}`,
        meta: jobMeta(s.layout, registerMeta(s)),
        store: s.store.toDescriptor(),
        indexes: registerIndexes(s).map((ix) => ix.toDescriptor()),
        released: new Int32Array(new SharedArrayBuffer(4)),
      };
      jobReaper.register(this, this.sharedJobValue.released, this);
    }
    return this.sharedJobValue;
  }

  /**
   * The register as a pool's worker threads rebuild it (read-only, on the register's shared
   * memory; see parallel-authenticate.ts): for a pooled task of this library's own, such as the
   * command line's claims file read in pieces (claims-file.ts).
   * @internal
   */
  poolJob(): RegisterJob {
    return this.sharedJob();
  }

  /**
   * `count` claims given as flat field values (value `i * K + k` = field k of claim i, as
   * authenticateEncoded) authenticated in batches of at most `batchSize` claims (each one
   * batch of authenticateMany: hashed together, looked up in hash order), and each verdict —
   * the one `authenticate` gives — handed to `each` in claim order. Any thread (a worker's
   * register from poolJob, or this one): the command line's claims file read in pieces
   * (claims-file.ts).
   * @internal
   */
  verdictsOf(values: readonly unknown[], count: number, k: number, batchSize: number, each: (i: number, v: Verdict) => void): void {
    const K = this.s.layout.fields.length;
    if (!Array.isArray(values) || !Number.isInteger(count) || count < 0 || values.length !== count * K || !Number.isInteger(batchSize) || batchSize < 1) {
      throw new KhopError('INVALID_ARGUMENT', 'register.verdictsOf: values must hold count × fields values, in batches of at least 1');
    }
    const size = Math.max(1, Math.min(batchSize, count));
    const batch = this.claimBatch(size, k);
    for (let from = 0; from < count; from += size) {
      const n = Math.min(size, count - from);
      batch.prepareValues(new FlatClaimValues(values, from * K, n * K), n);
      for (let i = 0; i < n; i++) each(from + i, batch.verdict(i));
    }
  }

  /**
   * Worker side of a pooled authenticateMany: `count` claims given as flat field values
   * (value `i * K + k` = field k of claim i: an array, or ClaimValues read in place —
   * parallel-authenticate.ts PackedClaimValues) are authenticated as one authenticateMany
   * batch (hashed together, looked up in hash order) and returned encoded (verdict-codec.ts).
   * Each claim's values are read when its verdict is computed, so they die young with it.
   */
  authenticateEncoded(values: readonly unknown[] | ClaimValues, count: number, k: number): EncodedVerdicts {
    const fields = this.s.layout.fields;
    const K = fields.length;
    const source: ClaimValues | null = Array.isArray(values)
      ? new FlatClaimValues(values)
      : values !== null && typeof values === 'object' && typeof (values as ClaimValues).value === 'function'
        ? (values as ClaimValues)
        : null;
    if (source === null || !Number.isInteger(count) || count < 0 || source.length !== count * K) {
      throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: values must hold count × fields values');
    }
    const batch = this.claimBatch(Math.max(1, count), k);
    batch.prepareValues(source, count);
    const encoder = (this.encoderValue ??= this.newVerdictEncoder());
    encoder.begin(count);
    for (let i = 0; i < count; i++) encoder.add(batch.verdict(i));
    return encoder.finish();
  }

  /**
   * Worker side of a pooled authenticateAll: `count` claims (packed values, as
   * authenticateEncoded) authenticated as one batch and written in place as claims
   * from .. from + count − 1 of a VerdictTable's shared columns; returned: the verdicts
   * without a record, encoded, with their offsets in the batch (TableSide).
   */
  authenticateIntoTable(values: ClaimValues, count: number, k: number, columns: TableColumns, from: number): TableSide {
    const K = this.s.layout.fields.length;
    if (!Number.isInteger(count) || count < 0 || values.length !== count * K) {
      throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: values must hold count × fields values');
    }
    if (columns.fieldCount !== K || !Number.isInteger(from) || from < 0 || from + count > columns.status.length) {
      throw new KhopError('INVALID_ARGUMENT', 'register.authenticate: the batch does not fit the table');
    }
    const batch = this.claimBatch(Math.max(1, count), k, false);
    batch.prepareValues(values, count);
    const encoder = (this.encoderValue ??= this.newVerdictEncoder());
    const at: number[] = [];
    const fieldsOf = (o: Uint8Array) => this.evaluator.fields(o);
    encoder.begin(Math.ceil(count / 4));
    const writer = new TableWriter(columns, (i, status, reason, outcomes, matchedBy, candidates) => {
      at.push(i - from);
      encoder.add(noRecordVerdictObject(status, fieldsOf(outcomes), matchedBy, reason, candidates));
    });
    for (let i = 0; i < count; i++) {
      writer.at = from + i;
      batch.write(i, writer);
    }
    return { at: Uint32Array.from(at), verdicts: encoder.finish() };
  }

  /** The fields of this register's VerdictTables. */
  private tableFields(): TableField[] {
    return this.s.layout.fields.map((f) => ({ name: f.name, table: OUTCOMES[f.group] }));
  }

  /** What a VerdictTable of this register reads back: objects, record ids, MISMATCH reasons. */
  private tableFacts(): TableFacts {
    const layout = this.s.layout;
    return {
      shape: (bytes, at) => this.evaluator.shape(bytes, at),
      recordIdOf: (store, row) => recordIdAt(layout, store, row),
      mismatchReason: (outcomes) => mismatchReason(this.evaluator, outcomes),
    };
  }

  /** An encoder of this register's verdicts (verdict-codec.ts). */
  private newVerdictEncoder(): VerdictEncoder {
    return new VerdictEncoder(this.tableFields());
  }

  /** A read-only register over the shared parts of another thread's register (worker side). */
  static fromSharedJob(job: RegisterJob): Register {
    const store = RecordStore.fromDescriptor(job.store);
    const indexes = job.indexes.map((d) => BlockIndex.fromDescriptor(d));
    return new Register(stateFromParts(job.meta, store, indexes, false));
  }

  /**
   * The batch worker of authenticateMany: every ID of a batch hashed in one KeyHasher batch,
   * then looked up with BlockIndex.lookupMany (queries ordered by hash: a forward walk through
   * the index) in the ID and earlier-ID indexes. A verdict is then finished exactly as
   * `authenticate` finishes it — the same precheck and resolve — from the precomputed lookups,
   * unless a compaction replaced the indexes in between (then it looks up again).
   *
   * Tried and not kept (same-process A/B, verdicts identical): looking the "did you mean" keys
   * up ahead like the IDs — the batch's claims whose ID is not in the base indexes prepared
   * early, their candidate keys hashed in one batch and looked up with lookupMany, the blocks'
   * first rows read with the prefetch window — ×1.00 on a 1M register, ×0.93 on 10M; scoped to
   * the 16-claim window instead, ×0.99 and ×0.97. The search's stalls moved into the window's
   * read-ahead rather than overlapping, and claims prepared ahead of their turn lost locality.
   *
   * `readsRecordIds` false: the batch's sink keeps store rows, not record ids (a VerdictTable
   * reads them when asked), so the window does not read ahead the record id cells — two cache
   * misses a claim (offset, text) in a large register.
   */
  private claimBatch(batchSize: number, k: number, readsRecordIds = true): LocalBatch {
    const lo = new Uint32Array(batchSize);
    const hi = new Uint32Array(batchSize);
    const idBlocks = new Uint32Array(batchSize);
    const earlierBlocks = new Uint32Array(batchSize);
    /** 1 where claim i's ID was hashed (a valid ID): only those have a block to prefetch. */
    const hashed = new Uint8Array(batchSize);
    /** Keyed register: each claim's HMAC tag, handed to its PreparedClaim (one HMAC per claim). */
    const tags = this.s.layout.keyed === null ? null : new Float64Array(batchSize);
    let claims: unknown[] = [];
    /** A pooled batch: field values in schema order, K per claim (instead of claim objects). */
    let values: ClaimValues | null = null;
    let generation = -1;
    const K = this.s.layout.fields.length;
    /** Claims looked up in this batch, and the first not yet prefetched (prefetch). */
    let count = 0;
    let prefetchedTo = 0;
    /** The PreparedClaim each claim of the batch is prepared into in turn (prepareInto). */
    let reused: PreparedClaim | null = null;
    const windowRows = new Int32Array(PREFETCH_WINDOW);
    const windowColumns = new Int32Array(K + 2);
    /** Fields some claim of the last window had (the columns the next window prefetches); all at first. */
    const seen = new Uint8Array(K).fill(1);
    /**
     * The first row of the ID block of claims [from, from + PREFETCH_WINDOW), and its cells
     * (those of the fields the last window's claims had), read in stages across the window so
     * that their cache misses overlap (StoreReader.touchRows); the claims' own touch in
     * collect then finds them cached.
     */
    const prefetch = (from: number): void => {
      const to = Math.min(count, from + PREFETCH_WINDOW);
      const index = this.s.idIndex;
      const n = to - from;
      for (let j = 0; j < n; j++) {
        const b = idBlocks[from + j]!;
        windowRows[j] = b === NO_BLOCK || hashed[from + j] === 0 ? -1 : index.starts[b]!;
      }
      for (let j = 0; j < n; j++) if (windowRows[j]! >= 0) windowRows[j] = index.rowIds[windowRows[j]!]!;
      const L = this.s.layout;
      let m = 0;
      windowColumns[m++] = L.formColumn;
      for (const f of L.fields) {
        if (seen[f.index] !== 0) windowColumns[m++] = f.storeColumn;
        seen[f.index] = 0;
      }
      if (readsRecordIds) windowColumns[m++] = L.recordIdColumn;
      this.touched = this.evaluator.store.touchRows(windowRows, n, windowColumns, m);
      prefetchedTo = to;
    };
    /** The raw ID of claim i; undefined for a claim that is not an object (it throws at its turn). */
    const rawId = (i: number): unknown => {
      const L = this.s.layout;
      if (values !== null) return values.value(i * K + L.id.index);
      const c = claims[i];
      if (c === null || typeof c !== 'object' || Array.isArray(c)) return undefined;
      return claimValue(c as Record<string, unknown>, L.id);
    };
    const lookup = (n: number): void => {
      const L = this.s.layout;
      const keyed = L.keyed;
      if (keyed !== null) {
        // HMACs one by one (no batch kernel); the lookups below are still batched.
        for (let i = 0; i < n; i++) {
          const p = idInputOf(rawId(i));
          hashed[i] = 0;
          if (p === null || !p.ok) continue;
          hashed[i] = 1;
          keyed.hash(p.digits);
          lo[i] = keyed.lo;
          hi[i] = keyed.hi;
          tags![i] = keyed.tag;
        }
      } else {
        const hasher = (this.batchHasherValue ??= new KeyHasher({ seed: REGISTER_KEY_SEED }));
        hasher.setOutput(lo, hi);
        for (let i = 0; i < n; i++) {
          const raw = rawId(i);
          hashed[i] = 1;
          // Twelve ASCII digits are their own canonical digits when they parse at all: hashed as
          // they are, without a parse (its result object is the largest allocation of a claim).
          // One that does not parse (unknown province) is hashed and looked up but never read:
          // precheck answers INVALID_ID first. Anything else goes through the parser.
          if (isTwelveDigits(raw)) hasher.pushAscii(raw, i);
          else {
            const p = idInputOf(raw);
            if (p !== null && p.ok) hasher.pushAscii(p.digits, i);
            else hashed[i] = 0;
          }
        }
        hasher.flush();
      }
      // Claims without a valid ID keep stale hashes: looked up, never read.
      this.s.idIndex.lookupMany(lo, hi, idBlocks, n);
      this.s.earlierIndex.lookupMany(lo, hi, earlierBlocks, n);
      generation = this.generation;
      count = n;
      prefetchedTo = 0;
    };
    /** Claim i's verdict into `sink`. */
    const write = (i: number, sink: VerdictSink): void => {
      if (i >= prefetchedTo && i < count && generation === this.generation) prefetch(i);
      const c = (reused = values !== null ? this.prepareInto(reused, null, values, i * K) : this.prepareInto(reused, claims[i]));
      for (let f = 0; f < K; f++) if (c.text[f] !== null || c.bad[f] !== 0) seen[f] = 1;
      if (this.precheck(c, k, sink)) return;
      if (tags !== null) c.setKeyed(this.s.layout.id, lo[i]!, hi[i]!, tags[i]!);
      if (generation !== this.generation) {
        this.idKey(c);
        this.resolve(c, this.hashOut[0]!, this.hashOut[1]!, this.s.idIndex.lookup(this.hashOut[0]!, this.hashOut[1]!), -2, k, sink);
        return;
      }
      const ib = idBlocks[i]!;
      const eb = earlierBlocks[i]!;
      // The block's one row was prefetched with its window: no touch of its own.
      const touch = ib === NO_BLOCK || i >= prefetchedTo || this.s.idIndex.starts[ib + 1]! - this.s.idIndex.starts[ib]! !== 1;
      this.resolve(c, lo[i]!, hi[i]!, ib === NO_BLOCK ? -1 : ib, eb === NO_BLOCK ? -1 : eb, k, sink, touch);
    };
    return {
      prepare: (batch: unknown[]): void => {
        claims = batch;
        values = null;
        lookup(batch.length);
      },
      prepareValues: (v: ClaimValues, n: number): void => {
        values = v;
        claims = [];
        lookup(n);
      },
      write,
      verdict: (i: number): Verdict => {
        write(i, this.objectSink);
        return this.objectSink.take();
      },
    };
  }

  private candidateCount(options: AuthenticateOptions | undefined, method = 'authenticate', known: ReadonlySet<string> = AUTHENTICATE_OPTION_KEYS): number {
    const has = this.s.candidateIndex !== null;
    if (options === undefined) return has ? DEFAULT_CANDIDATES : 0;
    if (options === null || typeof options !== 'object') {
      throw new KhopError('INVALID_OPTION', 'authenticate: options must be an object', { details: { option: 'options' } });
    }
    checkOptionKeys(method, options, known);
    const v = options.candidates;
    if (v === undefined) return has ? DEFAULT_CANDIDATES : 0;
    if (!Number.isInteger(v) || v < 0 || v > MAX_CANDIDATES) {
      throw new KhopError('INVALID_OPTION', `authenticate: candidates must be an integer in 0..${MAX_CANDIDATES}`, { details: { option: 'candidates' } });
    }
    if (v > 0 && !has) {
      throw new KhopError(
        'INVALID_OPTION',
        'authenticate: candidates needs a register built with candidateSearch and a schema with a personName and a date field',
        { details: { option: 'candidates' } },
      );
    }
    return v;
  }

  private prepare(claim: unknown): PreparedClaim {
    return this.prepareInto(null, claim);
  }

  /**
   * `claim` (an object — or, with `values`, field values as PreparedClaim takes them) prepared
   * in `into` (PreparedClaim.load) or, when null, in a new PreparedClaim. A batch prepares each
   * of its claims into the same object: ×1.024 on the default claim mix against a new object
   * per claim (1M register, authenticateAll, one thread, same-process A/B, verdicts identical).
   */
  private prepareInto(into: PreparedClaim | null, claim: unknown, values?: ClaimValues, offset = 0): PreparedClaim {
    if (values === undefined && (claim === null || typeof claim !== 'object' || Array.isArray(claim))) {
      throw new KhopError('INVALID_ARGUMENT', 'authenticate: a claim must be an object');
    }
    const c = claim as Record<string, unknown> | null;
    if (into === null) return new PreparedClaim(c, this.s.layout, values, offset);
    into.load(c, this.s.layout, values, offset);
    return into;
  }

  /** INVALID_ID and INCONSISTENT_ID, decided before any lookup into `sink`; false when the claim goes on. */
  private precheck(c: PreparedClaim, k: number, sink: VerdictSink): boolean {
    const L = this.s.layout;
    const p = c.id(L.id);
    if (p === null) return this.noRecord(c, 'INVALID_ID', 'id-empty', O_CLAIM_MISSING, k, sink);
    if (!p.ok) return this.noRecord(c, 'INVALID_ID', `id-${p.reason}`, ID.INVALID, k, sink);
    if (p.kind !== 'cccd') return false;
    let dob: number | null = null;
    if (L.date !== null && c.text[L.date.index] !== null) {
      const d = c.date(L.date);
      if (d.ok) dob = d.packed;
    }
    let sex: number | null = null;
    if (L.sex !== null && c.text[L.sex.index] !== null) {
      const x = c.sex(L.sex);
      if (x > 0) sex = x;
    }
    if (dob === null && sex === null) return false;
    // The usual answer — no contradiction — decided here by checkIdConsistency's own rules (the
    // packed date's year against the encoded birth year; sex code 1 male, 2 female), without
    // its claim, result and list objects (~320 bytes a claim); a contradiction asks it for the
    // exact list, in its order.
    const claimedSex = sex === 1 ? 'male' : sex === 2 ? 'female' : null;
    if ((dob === null || Math.floor(dob / 10000) === p.birthYear) && (claimedSex === null || claimedSex === p.sex)) return false;
    const r = checkIdConsistency(p, { dob, sex });
    if (r.consistent) return false;
    const o = this.blankOutcomes(O_NO_RECORD);
    o[L.id.index] = ID.CONTRADICTS;
    const reasons: string[] = [];
    for (const x of r.contradictions) {
      reasons.push(CONTRADICTION_REASON[x.field]!);
      if (x.field === 'sex') o[L.sex!.index] = SEX.CONTRADICTS;
      else o[L.date!.index] = DATE.CONTRADICTS;
    }
    sink.noRecord('INCONSISTENT_ID', reasons.join(REASON_SEPARATOR), o, null, undefined);
    return true;
  }

  /** Outcomes with every field set to `fill`. */
  private blankOutcomes(fill: number): Uint8Array {
    return new Uint8Array(this.s.layout.fields.length).fill(fill);
  }

  /** A verdict without a record (the did-you-mean candidates when k > 0) into `sink`; true. */
  private noRecord(c: PreparedClaim, status: VerdictStatus, reason: string, idOutcome: number, k: number, sink: VerdictSink): true {
    const o = this.blankOutcomes(O_NO_RECORD);
    o[this.s.layout.id.index] = idOutcome;
    sink.noRecord(status, reason, o, null, k > 0 ? this.didYouMean.search(this.s, c, k) : undefined);
    return true;
  }

  /**
   * After the ID parsed and is consistent: find the record(s) and decide.
   *
   * A number can be the current ID of one row and an earlier ID of another (a re-issued
   * number), so both indexes are consulted for every claim: the earlier-ID lookup costs the
   * batch path nothing more (lookupMany already answered it) and `authenticate` one more
   * BlockIndex.lookup. When only one of the two finds rows, they are the candidates, as before.
   * When both do, the claim's other fields pick the holder (preferByEarlier): the ID agrees
   * with every candidate alike, so it is no evidence for either.
   */
  private resolve(c: PreparedClaim, lo: number, hi: number, idBlock: number, earlierBlock: number, k: number, sink: VerdictSink, touch = true): void {
    const s = this.s;
    const current = this.collect(s.idIndex, idBlock, s.deltaId, lo, hi, c.storedId(s.layout.id), Infinity, touch ? c : null);
    const b = earlierBlock === -2 ? s.earlierIndex.lookup(lo, hi) : earlierBlock;
    let n = this.collect(s.earlierIndex, b, s.deltaEarlier, lo, hi, -1, Infinity, current === 0 ? c : null, current);
    // A row holding the number both as its ID and as an earlier ID is its current holder.
    if (current > 0 && n > current) n = this.dropRepeated(current, n);
    let by = BY_ID;
    if (current === 0) by = BY_EARLIER_ID;
    else if (n > current) {
      if (this.preferByEarlier(c, current, n)) {
        this.matched.copyWithin(0, current, n);
        n -= current;
        by = BY_EARLIER_ID;
      } else n = current;
    }
    if (n === 0) {
      this.noRecord(c, 'NOT_FOUND', 'id-not-found', ID.NOT_FOUND, k, sink);
      return;
    }
    if (n === 1) {
      const row = this.matched[0]!;
      this.evaluator.evaluate(c, row, by, this.outcomes, this.evaluation);
      sink.record(row, by, this.outcomes, this.evaluation.weight, this.evaluation.policyHolds);
      return;
    }
    this.several(c, n, by, sink);
  }

  /**
   * A re-issued number: matched[0, current) hold it as their ID, matched[current, n) as an
   * earlier ID. True when the claim is to be resolved among the earlier holders.
   *
   * The decision, between the two groups (within the chosen group `several` decides as for any
   * number held by several rows):
   *   1. a group with a row that satisfies the policy beats a group without one;
   *   2. otherwise (both have one, or neither) the group whose best row agrees best wins — the
   *      row's weight without the ID field's, over the policy-satisfying rows when there are any
   *      (the ID's own weight differs only by how the row was found: exact for the current
   *      holder, earlier-id for the earlier one; counting it would always favour the current);
   *   3. a tie goes to the current holder: the number is theirs now, and a claim the other
   *      fields cannot place (an ID alone, say) is about them.
   * Only a re-issued number comes here; every row is evaluated once more by the caller.
   */
  private preferByEarlier(c: PreparedClaim, current: number, n: number): boolean {
    const K = this.s.layout.fields.length;
    const idIndex = this.s.layout.id.index;
    const out = new Uint8Array(K);
    // Per group: does some row satisfy the policy; the best agreement (of those that do, if any).
    const holds = [false, false];
    const best = [-Infinity, -Infinity];
    for (let i = 0; i < n; i++) {
      const g = i < current ? 0 : 1;
      this.evaluator.evaluate(c, this.matched[i]!, g === 0 ? BY_ID : BY_EARLIER_ID, out, this.evaluation);
      const agreement = this.evaluation.weight - this.evaluator.outcomeWeight(idIndex, out[idIndex]!);
      if (this.evaluation.policyHolds && !holds[g]) {
        holds[g] = true;
        best[g] = agreement;
      } else if (this.evaluation.policyHolds === holds[g] && agreement > best[g]!) best[g] = agreement;
    }
    if (holds[0] !== holds[1]) return holds[1]!;
    return best[1]! > best[0]!;
  }

  /** matched[current, n) without the rows also in matched[0, current) (both ascending); the new n. */
  private dropRepeated(current: number, n: number): number {
    const m = this.matched;
    let w = current;
    for (let i = current, j = 0; i < n; i++) {
      const row = m[i]!;
      while (j < current && m[j]! < row) j++;
      if (j < current && m[j] === row) continue;
      m[w++] = row;
    }
    return w;
  }

  /**
   * Live rows of a base block (−1 = none) and of the delta chain of (lo, hi) into `matched`,
   * ascending, at most `cap`. With `idNum` ≥ 0 only rows whose stored ID is that number
   * (a 64-bit hash collision cannot match the wrong person). Returns the count. With a claim
   * `touchFor`, the cells its verdict will read of the block's first TOUCH_ROWS rows
   * (touchColumnsFor) are read first, all at once (see touchColumns). With `from` > 0 the rows
   * go after the `from` already in `matched` (kept, and sorted apart from them); the count
   * returned includes them.
   */
  private collect(index: BlockIndex, block: number, delta: DeltaIndex, lo: number, hi: number, idNum: number, cap: number, touchFor: PreparedClaim | null = null, from = 0): number {
    const s = this.s;
    const dead = s.tombstones;
    const store = this.evaluator.store;
    const idCol = s.layout.id.storeColumn;
    let n = from;
    if (block >= 0) {
      const rowIds = index.rowIds;
      const start = index.starts[block]!;
      const end = index.starts[block + 1]!;
      if (touchFor !== null) {
        this.touchColumnsFor(touchFor);
        const m = Math.min(end - start, TOUCH_ROWS);
        for (let j = 0; j < m; j++) this.touchRowIds[j] = rowIds[start + j]!;
        this.touched = store.touchRows(this.touchRowIds, m, this.touchColumns, this.touchCount);
      }
      for (let i = start; i < end && n < cap; i++) {
        const row = rowIds[i]!;
        if (dead.has(row) || (idNum >= 0 && store.number(idCol, row) !== idNum)) continue;
        n = this.pushMatch(n, row);
      }
    }
    for (let e = delta.first(lo, hi); e !== NO_ENTRY && n < cap; e = delta.next(e)) {
      const row = delta.row(e);
      if (dead.has(row) || (idNum >= 0 && store.number(idCol, row) !== idNum)) continue;
      n = this.pushMatch(n, row);
    }
    if (n - from > 1) this.matched.subarray(from, n).sort();
    return n;
  }

  /**
   * The store columns a verdict about a found record reads for claim `c` — the written form,
   * each field the claim has (a field it lacks is not read: RecordEvaluator.outcome), the
   * record id — into touchColumns[0 .. touchCount).
   */
  private touchColumnsFor(c: PreparedClaim): void {
    const L = this.s.layout;
    const cols = this.touchColumns;
    let m = 0;
    cols[m++] = L.formColumn;
    for (const f of L.fields) if (c.text[f.index] !== null || c.bad[f.index] !== 0) cols[m++] = f.storeColumn;
    cols[m++] = L.recordIdColumn;
    this.touchCount = m;
  }

  private pushMatch(n: number, row: number): number {
    if (n === this.matched.length) {
      const grown = new Uint32Array(n * 2);
      grown.set(this.matched);
      this.matched = grown;
    }
    this.matched[n] = row;
    return n + 1;
  }


  /**
   * Several live records carry the ID. One that satisfies the policy while the others do not
   * wins (VERIFIED); none satisfying it and one strictly heaviest → MISMATCH against it;
   * otherwise the records cannot be told apart → AMBIGUOUS, listing them.
   */
  private several(c: PreparedClaim, n: number, by: number, sink: VerdictSink): void {
    const K = this.s.layout.fields.length;
    const rows = this.matched.slice(0, n);
    const outs = new Uint8Array(n * K);
    const weights = new Float64Array(n);
    const holds = new Uint8Array(n);
    let passing = 0;
    let pass = -1;
    let best = -Infinity;
    for (let i = 0; i < n; i++) {
      this.evaluator.evaluate(c, rows[i]!, by, outs.subarray(i * K, (i + 1) * K), this.evaluation);
      weights[i] = this.evaluation.weight;
      if (this.evaluation.policyHolds) {
        holds[i] = 1;
        passing++;
        pass = i;
      }
      if (weights[i]! > best) best = weights[i]!;
    }
    let chosen = passing === 1 ? pass : -1;
    if (passing === 0) {
      let top = -1;
      for (let i = 0; i < n; i++) {
        if (weights[i] !== best) continue;
        top = top === -1 ? i : -2;
      }
      if (top >= 0) chosen = top;
    }
    if (chosen >= 0) {
      const o = outs.subarray(chosen * K, (chosen + 1) * K);
      sink.record(rows[chosen]!, by, o, weights[chosen]!, holds[chosen] === 1);
      return;
    }
    const tied: number[] = [];
    for (let i = 0; i < n; i++) if (passing >= 2 ? holds[i] === 1 : weights[i] === best) tied.push(i);
    // Ties in record-id order (then store row): the same list however the register was built
    // (a build lays rows out in block order, add() appends them).
    tied.sort((a, b) => weights[b]! - weights[a]! || compareRecordIds(this.recordIdOf(rows[a]!), this.recordIdOf(rows[b]!)) || rows[a]! - rows[b]!);
    const idIndex = this.s.layout.id.index;
    const o = this.blankOutcomes(O_AMBIGUOUS);
    o[idIndex] = outs[tied[0]! * K + idIndex]!;
    const candidates = tied.map((i) => ({
      recordId: this.recordIdOf(rows[i]!),
      weight: weights[i]!,
      fields: this.evaluator.fields(outs.subarray(i * K, (i + 1) * K)),
    }));
    sink.noRecord('AMBIGUOUS', 'several-records', o, by === BY_ID ? 'id' : 'earlierId', candidates);
  }

  private recordIdOf(row: number): string | number {
    return recordIdAt(this.s.layout, this.evaluator.store, row);
  }

  // ── incremental updates ───────────────────────────────────────────────────────────────────

  /**
   * Add rows (an array or a synchronous iterable), visible to the next query at once. Without
   * an idField, record ids continue the input positions of the build. Record ids are not
   * checked for uniqueness.
   *
   * All or nothing: the rows are read first (the iterable to its end, each object's own
   * properties copied), so an iterable or a getter that throws leaves the register unchanged —
   * a caller retrying the batch does not add its first rows twice.
   */
  add(rows: Iterable<unknown>): AddResult {
    this.changed();
    if (!isIterable(rows) || typeof rows === 'string') {
      throw new KhopError('INVALID_ARGUMENT', 'Register.add: rows must be an array or a synchronous iterable of objects');
    }
    const batch: unknown[] = [];
    // A row that is not a record (a Promise, a Map…) is kept as it is, for ingest to reject it
    // saying so: its copy would be a plain object with no field.
    for (const row of rows) batch.push(notARowReason(row) === null && !(row instanceof UnreadableRow) ? { ...(row as object) } : row);
    const rejected: RegisterRejectedRow[] = [];
    let added = 0;
    let index = 0;
    for (const row of batch) {
      const at = index++;
      const position = this.s.inputRows++;
      const r = this.ingester.ingest(row, at, position);
      if (r !== null) rejected.push(r);
      else {
        this.appendIngested();
        added++;
      }
    }
    this.maybeCompact();
    return { added, rejected };
  }

  /**
   * Replace the record `recordId` (every live row carrying it) with `row`, keeping the record
   * id. Returns false when no live record has that id. `row` is any object — a row of an
   * interface type too, as `add` and `build` take it (its own properties are read; checked at
   * run time like theirs).
   * @throws KhopError INVALID_ROW when `row` cannot be used (nothing is changed; a row that is
   *   not an object: NOT_AN_OBJECT; a row whose record id column names another record:
   *   RECORD_ID_CHANGED — before, it was stored under the old id without a word);
   *   INVALID_ARGUMENT for a record id that is not a string, a bigint (the record whose id is
   *   its decimal text, as build and add store a bigint id) or a finite number.
   */
  update(recordId: string | number | bigint, row: object): boolean {
    this.changed();
    const rows = this.rowsOfRecord(recordId);
    if (rows.length === 0) return false;
    const keep = this.recordIdOf(rows[0]!);
    const written = row !== null && typeof row === 'object' ? this.ingester.rowRecordIdText(row) : null;
    if (written !== null && written !== String(keep)) {
      throw new KhopError(
        'INVALID_ROW',
        `Register.update: the row's record id (column ${JSON.stringify(this.ingester.idField)}) is not the id of the record it updates; update keeps a record's id — to give the person another, remove the record and add the row`,
        { details: { code: 'RECORD_ID_CHANGED' } },
      );
    }
    const r = this.ingester.ingest(row, 0, typeof keep === 'number' ? keep : 0, keep);
    if (r !== null) throw new KhopError('INVALID_ROW', `Register.update: ${r.reason}`, { details: { code: r.code } });
    for (const old of rows) this.kill(old);
    this.appendIngested();
    this.maybeCompact();
    return true;
  }

  /**
   * Remove the record `recordId` (every live row carrying it). Returns false when no live
   * record has that id.
   * @throws KhopError INVALID_ARGUMENT for a record id that is not a string, a bigint or a finite number.
   */
  remove(recordId: string | number | bigint): boolean {
    this.changed();
    const rows = this.rowsOfRecord(recordId);
    if (rows.length === 0) return false;
    for (const old of rows) this.kill(old);
    this.maybeCompact();
    return true;
  }

  private kill(row: number): void {
    if (this.s.tombstones.add(row) && row < this.s.baseRows) this.s.deadPending++;
  }

  /** Append the ingester's row to the store and index it in the delta tables. */
  private appendIngested(): number {
    const s = this.s;
    const ing = this.ingester;
    const row = s.store.append(ing.cells);
    const h = this.hashOut;
    const keyed = s.layout.keyed;
    if (keyed === null) {
      this.queryHasher.hashAscii(ing.idDigits, h, 0);
      s.deltaId.insert(h[0]!, h[1]!, row);
      for (const e of ing.earlier) {
        this.queryHasher.hashAscii(e, h, 0);
        s.deltaEarlier.insert(h[0]!, h[1]!, row);
      }
    } else {
      s.deltaId.insert(ing.idLo, ing.idHi, row);
      for (const e of ing.earlier) {
        keyed.hash(e);
        s.deltaEarlier.insert(keyed.lo, keyed.hi, row);
      }
    }
    if (s.candidateIndex !== null) {
      for (const key of [ing.candidate, ing.candidate2]) {
        if (key === null) continue;
        this.queryHasher.hashAscii(key, h, 0);
        s.deltaCandidate.insert(h[0]!, h[1]!, row);
      }
    }
    if (this.ridIndex !== null) {
      this.hashRecordId(String(ing.cells[s.layout.recordIdColumn]));
      this.ridIndex.delta.insert(h[0]!, h[1]!, row);
    }
    return row;
  }

  private hashRecordId(key: string): void {
    const bytes = this.utf8.encode(key);
    this.queryHasher.hashBytes(bytes, 0, bytes.length, this.hashOut, 0);
  }

  /** Live rows whose record id is `recordId` (compared as String), ascending. */
  private rowsOfRecord(recordId: string | number | bigint): number[] {
    // A bigint names the record whose id is its decimal text, as build and add store one.
    if (typeof recordId !== 'string' && typeof recordId !== 'bigint' && !isExactNumber(recordId)) {
      // beyond 2^53 a number is not necessarily the id that was written: it could name another record
      throw new KhopError('INVALID_ARGUMENT', 'Register: a record id must be a string, a bigint or a finite number of at most 2^53 (write a larger one as text)');
    }
    const rid = this.ensureRecordIdIndex();
    const key = String(recordId);
    this.hashRecordId(key);
    const lo = this.hashOut[0]!;
    const hi = this.hashOut[1]!;
    const n = this.collect(rid.index, rid.index.lookup(lo, hi), rid.delta, lo, hi, -1, Infinity);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = this.matched[i]!;
      if (String(this.recordIdOf(row)) === key) out.push(row);
    }
    return out;
  }

  /** Record id → rows, built on first use over every store row (dead ones are filtered at lookup). */
  private ensureRecordIdIndex(): { index: BlockIndex; delta: DeltaIndex } {
    if (this.ridIndex !== null) return this.ridIndex;
    const s = this.s;
    const L = s.layout;
    const store = s.store;
    const c = new KeyCollector(this.bulkHasher(), Math.max(16, store.rowCount));
    for (let row = 0; row < store.rowCount; row++) {
      if (L.recordIdType === 'float64') c.push(String(store.getNumber(L.recordIdColumn, row)), row);
      else c.pushUtf8(store.getString(L.recordIdColumn, row)!, row);
    }
    this.ridIndex = { index: c.build(store.rowCount, REGISTER_KEY_SEED), delta: new DeltaIndex() };
    return this.ridIndex;
  }

  private bulkHasher(): KeyHasher {
    return (this.bulk ??= new KeyHasher({ seed: REGISTER_KEY_SEED }));
  }

  private maybeCompact(): void {
    if (pendingChanges(this.s) > this.s.options.maxPendingChanges) this.compact();
  }

  /**
   * Fold pending changes into fresh base indexes: rows added since the last compaction join
   * the base indexes, dead rows leave them; the store is rewritten without its dead rows once
   * they exceed 1/8 of it (compaction.ts). Verdicts are the same before and after.
   */
  compact(): void {
    this.changed();
    if (!compactState(this.s, this.bulkHasher())) return;
    this.evaluator.setStore(this.s.store);
    this.ridIndex = null;
    this.generation++;
  }

  // ── stats ─────────────────────────────────────────────────────────────────────────────────

  /** Record counts and memory (see RegisterStats). */
  stats(): RegisterStats {
    const s = this.s;
    const records = s.store.rowCount - s.tombstones.count;
    const store = s.store.byteLength;
    const idIndex = s.idIndex.byteLength;
    const earlierIdIndex = s.earlierIndex.byteLength;
    const candidateIndex = s.candidateIndex?.byteLength ?? 0;
    const delta = s.deltaId.byteLength + s.deltaEarlier.byteLength + s.deltaCandidate.byteLength + (this.ridIndex?.delta.byteLength ?? 0);
    const tombstones = s.tombstones.byteLength;
    const recordIdIndex = this.ridIndex?.index.byteLength ?? 0;
    const total = store + idIndex + earlierIdIndex + candidateIndex + delta + tombstones + recordIdIndex;
    return {
      records,
      deleted: s.tombstones.count,
      delta: s.store.rowCount - s.baseRows,
      pendingChanges: pendingChanges(s),
      rejected: s.rejectedCount,
      bytes: { store, idIndex, earlierIdIndex, candidateIndex, delta, tombstones, recordIdIndex, total },
      bytesPerRecord: records > 0 ? total / records : 0,
    };
  }
}
