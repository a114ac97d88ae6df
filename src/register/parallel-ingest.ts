/**
 * The read phase of Register.build: rows → store rows, index keys, rejections, issues — in the
 * calling thread alone, or with worker threads normalising chunks of rows (issues 6 and 7).
 *
 *   calling thread                                          worker (src/pool/ingest-tasks.ts)
 *   source ─► chunks of R rows ─► flat column values ─────► the SAME RowIngester over the chunk
 *               │                 (rows that cannot travel    ─► cells, hashed keys, rejections,
 *               │                  are rejected here)             chunk-local category values,
 *               │                                                 issues
 *               └► not sent (each worker has one chunk running and one queued):
 *                   its turn has come  → ingested here, row by row (the one-thread path)
 *                   the oldest chunk is still on the pool → ingested here AHEAD of its turn,
 *                                         as a worker does it (ingestChunk), result kept
 *   IngestSink ◄── chunks taken IN INPUT ORDER: category values interned, a worker's rows
 *                  copied into the store (RecordStore.appendRows, from the small store of the
 *                  chunk's rows the worker returns on shared memory), keys to the collectors,
 *                  rejections and issues merged, the memory guard and progress told after every
 *                  input row — exactly as one thread does
 *   at most 2 × workers + 8 chunks read ahead (INGEST_CALLING_THREAD_CHUNKS: a slow or endless
 *   source is not drained)
 *   scheduled by OrderedChunks (src/pool/ordered-chunks.ts, shared with dedupe's prepare phase)
 *
 * Identical to one thread, byte for byte: store rows are appended in input order with the cells
 * the same ingester computes; index keys are pushed in the same order with the same hashes;
 * category codes are assigned in first-seen order (ingest-tasks.ts explains the remapping);
 * issue counts are merged chunk by chunk, which keeps their keys in first-seen order (the
 * snapshot's metadata bytes depend on it). Which thread ingests a chunk changes nothing.
 *
 * memoryBudget: BuildMemoryGuard.rowTaken runs after every input row as the chunk is appended,
 * with the store and collectors in the very state one thread would have at that row (a chunk's
 * rows are copied in runs that end at each row where the guard estimates, and appendRows grows
 * text pools as append does), so the build fails at the same row with the same estimate. What
 * it does not count (as before: it never counted the caller's rows) are the chunks in flight:
 * ≤ (2 × workers + 8) × chunkRows rows and their results.
 *
 * Values that cannot cross a thread (functions, symbols) or that only mean "unusable type"
 * (objects, arrays) make their row a WRONG_TYPE rejection whatever else it holds; such rows,
 * and rows that are not objects, are rejected by the calling thread's ingester (a rejection
 * reads the row only, and changes no ingester state) and skipped by the worker.
 *
 * Trade-offs:
 * - The calling thread reads and packs every row sent and copies every result in (the copy:
 *   bytes, no string decoded or encoded again — it used to append ~10 cloned cells a row, ~3 µs;
 *   against ~10–12 µs to normalise one: bench/register/build.ts). How much it normalises itself
 *   is not a fixed share (parallel-authenticate.ts keeps one batch in workers + 1): it works
 *   whenever it would otherwise wait, so the split follows what each thread really gets — a
 *   source that costs the calling thread time (CSV parsing) or a loaded machine shifts it.
 *   Chunks ingested ahead cost it ~1 µs a row more than in turn (the result is built, then
 *   appended).
 * - A pool costs ~0.3–0.6 s to start: arrays shorter than DEFAULT_PARALLEL_INGEST_MIN_ROWS stay
 *   on one thread; a stream (length unknown) is read on one thread for that many rows first.
 * - Worker failure rejects the build with WORKER_FAILED naming the task; the source is closed
 *   (its `return()`), chunks in flight are abandoned, an own pool is closed.
 */
import type { RowLines } from '../io/row-lines.js';
import { KhopError } from '../errors.js';
import { RecordStore } from '../block/record-store.js';
import type { KeyedIdHasher } from '../hash/keyed-id-hash.js';
import type { FieldSpec } from '../schema.js';
import { KhopPool, MAX_POOL_THREADS } from '../pool/pool.js';
import { INGEST_TASK, ingestChunk, type IngestChunkResult, type IngestJob, type IngestState, type IngestTaskPayload } from '../pool/ingest-tasks.js';
import { KeyHasher } from '../hash/key-hasher.js';
import { UnreadableRow } from '../io/record-source-rows.js';
import { OrderedChunks } from '../pool/ordered-chunks.js';
import { phaseError } from '../pool/phase-runner.js';
import { REGISTER_KEY_SEED } from './register-state.js';
import { isAsyncIterable, openSource } from './authenticate-batch.js';
import type { BuildMemoryGuard } from './build-memory.js';
import type { CategoryDictionary } from './category-dictionary.js';
import type { KeyCollector } from './key-collector.js';
import type { PoolLike } from './parallel-authenticate.js';
import type { RegisterLayout } from './register-layout.js';
import type { RegisterProgressEvent } from './register-options.js';
import type { IngestIssues, RegisterRejectedRow, RowIngester } from './row-ingest.js';
import { notARowReason } from '../util/row-shape.js';

/**
 * Arrays with fewer rows are ingested by the calling thread alone even with `threads` > 1;
 * a stream is read alone for this many rows before a pool is started (see the file header).
 * Derivation (bench/register/build.ts, 1M rows, 2 threads): the busiest thread's CPU time fell
 * from ~10.7 µs to ~7.1 µs a row, so ~3.6 µs a row saved against ~0.3–0.6 s to start a pool:
 * break-even at ~100–170k rows; 200k leaves a margin. (The shared machine never gave the
 * process two free cores, so this is an estimate from CPU times, not a wall-clock crossing.)
 */
export const DEFAULT_PARALLEL_INGEST_MIN_ROWS = 200_000;

/** Rows per chunk sent to a worker. */
export const DEFAULT_INGEST_CHUNK_ROWS = 16_384;

/**
 * Chunks the calling thread may read ahead of the oldest one (OrderedChunks' callingThreadChunks;
 * the prepare phase of dedupe keeps its default 2). Measured on 1M register rows from CSV held in
 * memory, threads 2, the read phase in one process, 6 alternating runs each: 2 → 3.86 s, 4 →
 * 3.78 s, 8 → 3.29 s (a second round: 8 → 3.26 s, 16 → 3.38 s, 32 → 3.39 s). With 2 the calling
 * thread, which also reads and packs every chunk, soon has no chunk left to compute and waits
 * for the worker's. Memory: up to this many chunks of rows and their results held (~16,384 rows
 * each).
 */
export const INGEST_CALLING_THREAD_CHUNKS = 8;

/** Rows the calling thread ingests in turn between two event-loop turns. */
export const INGEST_SLICE_ROWS = 512;

/** Progress event every this many rows (phase 'read'). */
export const INGEST_PROGRESS_EVERY = 65536;

/** Tuning of the pooled read (tests and benchmarks; Register.build uses the defaults). */
export interface IngestTuning {
  /** See {@link DEFAULT_PARALLEL_INGEST_MIN_ROWS}. Integer ≥ 0. */
  readonly minRows?: number;
  /** See {@link DEFAULT_INGEST_CHUNK_ROWS}. Integer ≥ 1. */
  readonly chunkRows?: number;
  /**
   * true (default): `threads` counts the calling thread, which ingests chunks whenever it would
   * otherwise wait, next to threads − 1 workers; false: `threads` workers, the calling thread
   * only reads, packs and appends.
   */
  readonly callingThreadShare?: boolean;
  /** A pool to run on (kept open; its thread count replaces the workers `threads` implies). */
  readonly pool?: PoolLike;
  /**
   * A CSV file source (openRecords / readCsv of a UTF-8 file path) of at least this many bytes is
   * cut into pieces parsed where they are ingested (csv-ingest.ts); default
   * DEFAULT_PARALLEL_CSV_MIN_BYTES. Integer ≥ 0.
   */
  readonly csvMinBytes?: number;
  /** Bytes of a piece of such a file (cut at the first record end past it); default DEFAULT_CSV_PIECE_BYTES. Integer ≥ 1. */
  readonly csvPieceBytes?: number;
  /** A piece never grows past this (see DEFAULT_CSV_MAX_PIECE_BYTES). Integer ≥ csvPieceBytes. */
  readonly csvMaxPieceBytes?: number;
  /**
   * Not ingest, but the build's last step: true (default) lays the store out in "did you
   * mean" block order (block-order.ts); false keeps input order — for tests and benchmarks
   * that compare the two layouts.
   */
  readonly blockOrder?: boolean;
  /**
   * Rows from which a build with threads > 1 starts a pool of its own after the read, to sort
   * its indexes and lay the store out in block order (default
   * DEFAULT_PARALLEL_SORT_OWN_POOL_MIN_ENTRIES). Integer ≥ 0.
   */
  readonly indexPoolMinRows?: number;
}

type RowSource = Iterable<unknown> | AsyncIterable<unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * What the rows become: the calling thread's side of the read phase. Rows are taken one at a
 * time (`take`) or as a worker's chunk result (`takeChunk`), always in input order.
 */
export class IngestSink {
  /** Input rows taken so far (= the next row's input position). */
  index = 0;
  /**
   * The lines of the rows read and not yet taken (a reader's RecordSource read row by row): a
   * rejection without a line gets its row's from here.
   */
  lines: RowLines | null = null;
  /** The number of input rows when it is known beforehand (an array): progress events carry it. */
  total: number | undefined = undefined;
  private readonly categoryColumns: number[];
  private readonly categoryFields: number[];

  constructor(
    private readonly layout: RegisterLayout,
    private readonly ingester: RowIngester,
    private readonly dictionary: CategoryDictionary,
    private readonly store: RecordStore,
    private readonly ids: KeyCollector,
    private readonly earlier: KeyCollector,
    private readonly cands: KeyCollector | null,
    private readonly guard: BuildMemoryGuard | null,
    private readonly progress: ((event: RegisterProgressEvent) => void) | null,
    readonly rejected: RegisterRejectedRow[],
  ) {
    this.categoryColumns = layout.fields.filter((f) => f.category).map((f) => f.storeColumn);
    this.categoryFields = layout.fields.filter((f) => f.category).map((f) => f.index);
  }

  /** The issues of the build (the ingester's). */
  get issues(): IngestIssues {
    return this.ingester.issues;
  }

  /** Ingest one row in this thread. */
  take(row: unknown): void {
    const at = this.index++;
    const ing = this.ingester;
    const r = ing.ingest(row, at, at);
    if (r !== null) this.reject(r);
    else {
      const id = this.store.append(ing.cells);
      const keyed = this.layout.keyed;
      if (keyed === null) {
        this.ids.push(ing.idDigits, id);
        for (const e of ing.earlier) this.earlier.push(e, id);
      } else {
        this.ids.pushHash(ing.idLo, ing.idHi, id);
        for (const e of ing.earlier) {
          keyed.hash(e);
          this.earlier.pushHash(keyed.lo, keyed.hi, id);
        }
      }
      if (this.cands !== null) {
        if (ing.candidate !== null) this.cands.push(ing.candidate, id);
        if (ing.candidate2 !== null) this.cands.push(ing.candidate2, id);
      }
    }
    this.after();
  }

  /**
   * Take a worker's chunk: `local` are the rejections the calling thread made itself for rows
   * of the chunk (ascending input positions), `res` the worker's result.
   */
  takeChunk(count: number, local: readonly RegisterRejectedRow[], res: IngestChunkResult): void {
    const src = RecordStore.fromDescriptor(res.rows);
    if (src.rowCount !== res.accepted || res.accepted + res.rejected.length + local.length !== count) {
      throw new KhopError('INTERNAL', 'Register.build: a worker returned a malformed ingest result');
    }
    // Category codes: the chunk's values in its first-seen order → the register's codes, per row.
    const catCols = this.categoryColumns;
    const codes: Array<Array<number | null>> = [];
    for (let j = 0; j < catCols.length; j++) {
      const values = res.categories[this.categoryFields[j]!] ?? [];
      const m = new Int32Array(values.length + 1); // m[0] = 0: no value
      for (let v = 0; v < values.length; v++) m[v + 1] = this.dictionary.encode(this.categoryFields[j]!, values[v]!);
      const rowCodes = new Array<number | null>(res.accepted);
      for (let a = 0; a < res.accepted; a++) {
        const local = src.getNumber(catCols[j]!, a);
        rowCodes[a] = local === null ? null : m[local]!;
      }
      codes.push(rowCodes);
    }
    this.mergeIssues(res.issues);
    const { idLo, idHi, earlierCount, earlierLo, earlierHi, hasCandidate, candLo, candHi, cand2Lo, cand2Hi } = res;
    const wr = res.rejected;
    const end = this.index + count;
    /** Store row of the chunk's accepted row 0. */
    const first = this.store.rowCount;
    // Accepted rows are copied in runs: up to each row where the memory guard looks at the
    // store (it must see exactly the rows taken so far), and the rest at the end.
    let from = 0;
    const copy = (to: number): void => {
      if (to === from) return;
      this.store.appendRows(src, from, to, catCols.map((c, j) => ({ column: c, values: codes[j]!.slice(from, to) })));
      from = to;
    };
    let a = 0;
    let e = 0;
    let l = 0;
    let w = 0;
    while (this.index < end) {
      const at = this.index++;
      if (l < local.length && local[l]!.index === at) this.reject(local[l++]!);
      else if (w < wr.length && wr[w]!.index === at) this.reject(wr[w++]!);
      else {
        const id = first + a;
        this.ids.pushHash(idLo[a]!, idHi[a]!, id);
        for (let k = earlierCount[a]!; k > 0; k--, e++) this.earlier.pushHash(earlierLo[e]!, earlierHi[e]!, id);
        if (this.cands !== null) {
          if ((hasCandidate[a]! & 1) !== 0) this.cands.pushHash(candLo[a]!, candHi[a]!, id);
          if ((hasCandidate[a]! & 2) !== 0) this.cands.pushHash(cand2Lo[a]!, cand2Hi[a]!, id);
        }
        a++;
      }
      if (this.guard !== null && this.guard.checksAt(this.index)) copy(a);
      this.after();
    }
    copy(a);
  }

  /** Keep a rejection, with its row's line when the rejection has none and `lines` has it. */
  private reject(r: RegisterRejectedRow): void {
    const line = r.line === undefined && this.lines !== null ? this.lines.get(r.index) : undefined;
    this.rejected.push(line === undefined ? r : { ...r, line });
  }

  /** The memory guard and progress after every input row, as one thread has them. */
  private after(): void {
    this.lines?.dropBefore(this.index);
    if (this.guard !== null) this.guard.rowTaken(this.index);
    if (this.progress !== null && this.index % INGEST_PROGRESS_EVERY === 0) {
      this.progress(this.total === undefined ? { phase: 'read', done: this.index, unit: 'rows' } : { phase: 'read', done: this.index, total: this.total, unit: 'rows' });
    }
  }

  /** Add a chunk's issue counts (keys in the chunk's first-seen order: see the file header). */
  private mergeIssues(from: IngestIssues): void {
    const into = this.ingester.issues;
    for (const field of Object.keys(from)) {
      const src = from[field]!;
      const dst = (into[field] ??= Object.create(null) as Record<string, number>);
      for (const reason of Object.keys(src)) dst[reason] = (dst[reason] ?? 0) + src[reason]!;
    }
  }
}

/** What the pooled read needs besides the sink. */
/**
 * Mark the schema fields and the earlier-IDs column held by some row: `held[k]` is 1 when a row
 * holds a value in job column `columns[k]` (the row-by-row read's flattening, or an NDJSON piece's
 * keys: csv-ingest.ts).
 */
export function markHeldColumns(o: Pick<ParallelIngestOptions, 'layout' | 'ingester' | 'earlierIdsField'>, columns: readonly string[], held: ArrayLike<number>): void {
  for (const f of o.layout.fields) if (held[columns.indexOf(f.column)] === 1) o.ingester.present[f.index] = 1;
  if (o.earlierIdsField !== null && held[columns.indexOf(o.earlierIdsField)] === 1) o.ingester.earlierPresent = 1;
}

export interface ParallelIngestOptions {
  /** Threads of the build (≥ 1; see IngestTuning.callingThreadShare). */
  readonly threads: number;
  readonly schema: Record<string, FieldSpec>;
  readonly idField: string | null;
  /** Without an idField: the record id of input position 0 (RegisterBuildOptions.firstRecordId). */
  readonly firstRecordId: number;
  readonly earlierIdsField: string | null;
  readonly candidates: boolean;
  readonly keyed: KeyedIdHasher | null;
  readonly layout: RegisterLayout;
  /** The calling thread's ingester (rejects rows that cannot travel). */
  readonly ingester: RowIngester;
  readonly tuning?: IngestTuning;
}

let jobCounter = 0;

/** The input columns a row is read from, each once: schema columns, then record id and earlier IDs. */
export function jobColumns(layout: RegisterLayout, idField: string | null, earlierIdsField: string | null): string[] {
  const out: string[] = [];
  for (const f of layout.fields) if (!out.includes(f.column)) out.push(f.column);
  if (idField !== null && !out.includes(idField)) out.push(idField);
  if (earlierIdsField !== null && !out.includes(earlierIdsField)) out.push(earlierIdsField);
  return out;
}

/**
 * The job of a pooled read (what every thread needs to ingest like the calling thread), and the
 * calling thread's own "worker" state: chunks it ingests ahead, out of turn, the workers' way.
 */
export function ingestJobOf(o: ParallelIngestOptions): { job: IngestJob; ahead: IngestState } {
  const job: IngestJob = {
    id: `ingest:${process.pid}:${++jobCounter}`,
    schema: o.schema,
    idField: o.idField,
    firstRecordId: o.firstRecordId,
    earlierIdsField: o.earlierIdsField,
    candidates: o.candidates,
    idKey: o.keyed === null ? null : o.keyed.key,
    columns: jobColumns(o.layout, o.idField, o.earlierIdsField),
    released: new Int32Array(new SharedArrayBuffer(4)),
  };
  return { job, ahead: { layout: o.layout, hasher: new KeyHasher({ seed: REGISTER_KEY_SEED }), job, nameMemos: o.ingester.nameMemos } };
}

/** A chunk read from the source, until the sink has taken it. */
interface Chunk {
  /** Input position of its first row. */
  readonly start: number;
  readonly rows: unknown[];
  /** Rejections the calling thread made while packing it (rows that cannot travel). */
  readonly local: RegisterRejectedRow[];
}

/**
 * Read every row of `source` into `sink` (see the file header). With threads = 1, or an array
 * shorter than the minimum, this is the one-thread loop.
 * @throws (rejects) KhopError WORKER_FAILED naming the task when a worker fails; whatever the
 *   sink throws (MEMORY_BUDGET_EXCEEDED, a store error). The source is closed on any failure.
 */
export async function ingestRows(source: RowSource, sink: IngestSink, o: ParallelIngestOptions): Promise<void> {
  const t = o.tuning ?? {};
  const minRows = t.minRows ?? DEFAULT_PARALLEL_INGEST_MIN_ROWS;
  const chunkRows = t.chunkRows ?? DEFAULT_INGEST_CHUNK_ROWS;
  const share = t.callingThreadShare ?? true;
  if (!Number.isInteger(minRows) || minRows < 0 || !Number.isInteger(chunkRows) || chunkRows < 1) {
    throw new KhopError('INVALID_OPTION', 'Register.build: ingest tuning needs integer minRows ≥ 0 and chunkRows ≥ 1', { details: { problems: ['ingest tuning'] } });
  }
  const workersWanted = t.pool !== undefined ? t.pool.threads : share ? o.threads - 1 : o.threads;
  if (o.threads <= 1 || workersWanted < 1 || (Array.isArray(source) && source.length < minRows)) {
    if (isAsyncIterable(source)) for await (const row of source) sink.take(row);
    else for (const row of source) sink.take(row);
    return;
  }
  const { syncIt, asyncIt } = openSource(source);
  let done = false;
  let pool: PoolLike | undefined = t.pool;
  const ownPool = pool === undefined;
  const { job, ahead } = ingestJobOf(o);
  const columns = job.columns;
  const K = columns.length;
  /** Columns some packed row held (marked on the ingester's `present` at the end). */
  const held = new Uint8Array(K);
  let part = 0;
  const readChunk = async (): Promise<unknown[]> => {
    const rows: unknown[] = [];
    while (!done && rows.length < chunkRows) {
      const r = syncIt !== null ? syncIt.next() : await asyncIt!.next();
      if (r.done === true) done = true;
      else rows.push(r.value);
    }
    return rows;
  };
  /** The chunk as a task payload (`part`: its number among the chunks sent): flat column values; rows that cannot travel rejected here. */
  const pack = (c: Chunk, part: number): IngestTaskPayload => {
    const rows = c.rows;
    const n = rows.length;
    const values = new Array<unknown>(n * K);
    const skip: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      // An UnreadableRow (a RecordSource's rejected row) is rejected here, with the reader's reason.
      // Not a record (null, a primitive, an array, a Promise, a Map…): rejected here too.
      let travels = notARowReason(row) === null && !(row instanceof UnreadableRow);
      const base = i * K;
      if (travels) {
        const r = row as Record<string, unknown>;
        for (let k = 0; k < K; k++) {
          const col = columns[k]!;
          const v = hasOwn.call(r, col) ? r[col] : undefined;
          const ty = typeof v;
          if ((ty === 'object' && v !== null) || ty === 'function' || ty === 'symbol') {
            travels = false;
            break;
          }
          values[base + k] = v;
          if (v !== undefined) held[k] = 1;
        }
      }
      if (!travels) {
        for (let k = 0; k < K; k++) values[base + k] = undefined;
        const rej = o.ingester.ingest(row, c.start + i, c.start + i);
        if (rej === null) throw new KhopError('INTERNAL', 'Register.build: a row that cannot be sent to a worker was accepted');
        skip.push(i);
        c.local.push(rej);
      }
    }
    return { job, start: c.start, count: n, values, skip, part };
  };
  let chunks: OrderedChunks<Chunk, IngestChunkResult> | null = null;
  const markHeld = (): void => markHeldColumns(o, columns, held);
  try {
    // A stream: the first minRows rows on this thread (its length is unknown: maybe it is short).
    if (!Array.isArray(source)) {
      while (!done && sink.index < minRows) {
        const r = syncIt !== null ? syncIt.next() : await asyncIt!.next();
        if (r.done === true) done = true;
        else sink.take(r.value);
      }
      if (done) return;
    }
    const p = (pool ??= KhopPool.create({ threads: Math.min(workersWanted, MAX_POOL_THREADS), inCallingThread: false }) as unknown as PoolLike);
    chunks = new OrderedChunks<Chunk, IngestChunkResult>(
      {
        // A worker's failure names the phase (as dedupe's do); the rows' own errors are not wrapped.
        post: (c) => p.run<IngestChunkResult>(INGEST_TASK, pack(c, part++)).catch((e: unknown) => Promise.reject(phaseError('read', e))),
        // Out of turn: as a worker does it (the result is appended at the chunk's turn).
        computeAhead: (c) => ingestChunk(ahead, pack(c, -1)),
        // At its turn, not sent: ingested here, row by row, in order (the cheapest path).
        // A slice at a time, with an event-loop turn between slices: a worker that finished its
        // chunks gets its next ones now, not after the whole chunk.
        computeInTurn: async (c, between) => {
          const n = c.rows.length;
          for (let i = 0; i < n; i++) {
            sink.take(c.rows[i]);
            if ((i + 1) % INGEST_SLICE_ROWS === 0 && i + 1 < n) await between();
          }
        },
        consume: (c, r) => sink.takeChunk(c.rows.length, c.local, r),
      },
      p.threads,
      { callingThreadShare: share, callingThreadChunks: INGEST_CALLING_THREAD_CHUNKS },
    );
    let read = sink.index;
    while (!done) {
      const rows = await readChunk();
      if (rows.length === 0) break;
      await chunks.push({ start: read, rows, local: [] });
      read += rows.length;
    }
    await chunks.drain();
  } catch (e) {
    chunks?.abandon();
    if (!done) {
      done = true;
      try {
        if (syncIt !== null) syncIt.return?.();
        else await asyncIt!.return?.();
      } catch {
        // The build's own error is the one to report.
      }
    }
    throw e;
  } finally {
    markHeld();
    Atomics.store(job.released, 0, 1);
    if (ownPool && pool !== undefined) await pool.close();
  }
}
