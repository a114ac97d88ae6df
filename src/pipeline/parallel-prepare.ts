/**
 * The prepare phase of dedupe / link on a worker pool: chunks of rows are prepared (parsed,
 * normalised, phonetic keys computed — the per-row work of prepare.ts) by worker threads and by
 * the calling thread, and appended to the store IN INPUT ORDER by the calling thread.
 *
 *   calling thread                                       worker (task 'pipeline.prepare')
 *   prepareRows: row checks, flat values, chunks ─┬─►  RowPreparer.fromJob (once per thread
 *                                                 │    and job) ─► cells ─► a RecordStore of
 *                                                 │    the chunk's rows (shared memory) +
 *                                                 │    rejections, issues, record ids
 *   append (prepare.ts): category codes in ◄──────┴── the chunks that no worker was free for,
 *   first-seen order, a worker's rows copied            prepared here (as cells) — at their
 *   store to store (RecordStore.appendRows),            turn, or ahead of it while waiting for
 *   rejections and issues merged                        a worker
 *
 * Identical to one thread, byte for byte: the same RowPreparer prepares every chunk; the
 * calling thread appends chunks in input order and assigns category codes while appending
 * (workers never assign one), and merges issue counts chunk by chunk, which keeps their keys
 * in first-seen order.
 *
 * Scheduling: OrderedChunks (src/pool/ordered-chunks.ts, shared with Register.build's ingest):
 * each worker has at most two chunks posted (one running, one waiting in the worker thread: the
 * pool's tasksPerWorker), at
 * most 2 × workers + 2 chunks are read ahead (back-pressure on a stream), and — when the pool
 * has fewer workers than the machine has cores — the calling thread prepares every chunk no
 * worker is free for, in slices of PREPARE_SLICE_ROWS rows with an event-loop turn in between,
 * so a finished worker's result is received and its next chunk posted.
 *
 * Trade-off: rows cross to a worker as flat values (no property names; structured clone), and
 * come back as a small store on shared memory: the calling thread copies its bytes into the
 * dataset's store (RecordStore.appendRows: bulk copies per column) and makes a string only of
 * each category value, for its code. It used to receive the cells themselves — ~15 cloned
 * strings a row to decode, encode into the store again and collect — which took the calling
 * thread ~2.4 µs a row, most of what it spent on a worker's row; a stream of rows (a CSV file)
 * kept it busy to the point that the workers waited. Measured: BENCHMARKS.md, pool-prepare.
 */
import { availableParallelism } from 'node:os';
import { KhopError } from '../errors.js';
import { OrderedChunks } from '../pool/ordered-chunks.js';
import { RecordStore } from '../block/record-store.js';
import { idText, parsePiece } from '../io/file-pieces.js';
import { unreadableReason } from '../io/record-source-rows.js';
import type { RejectedItem } from '../io/record-types.js';
import { mergeByIndex } from '../util/merge-by-index.js';
import { emptyChunk, idCell, PREPARE_CHUNK_ROWS, RowPreparer, wrongTypeReason, type ChunkRunner, type ChunkRows, type PieceOutcome, type PooledRunnerFactory, type PreparedChunk, type PreparePiece, type PrepareJob, type ReadChunk, type RejectedRow } from './prepare.js';

export const PREPARE_TASK = 'pipeline.prepare';
/** A piece of a CSV or NDJSON file, parsed and prepared on a worker (see pieceRowsOf; the name is older than NDJSON's pieces). */
export const PREPARE_CSV_TASK = 'pipeline.prepareCsv';

/** Rows the calling thread prepares between two event-loop turns. */
export const PREPARE_SLICE_ROWS = 512;

/**
 * Without `threads`, arrays with at least this many rows are prepared on a pool of the available
 * cores. Break-even: a pool starts in ~0.3–0.6 s and saves ~4–5 µs a row on two cores
 * (BENCHMARKS.md, pool-prepare: 13.9 s → 9.0–9.8 s per 1M rows), i.e. ~100k rows; the phases
 * after prepare then run on the same pool.
 */
export const DEFAULT_PARALLEL_PREPARE_MIN_ROWS = 100_000;

/**
 * Without `threads`, a CSV reader's source of a file of at least this many bytes is read in
 * pieces on a pool of the available cores: ~100k rows of a 150-byte person row, as
 * {@link DEFAULT_PARALLEL_PREPARE_MIN_ROWS}.
 */
export const DEFAULT_PARALLEL_PREPARE_MIN_BYTES = 16 << 20;

/** The part of KhopPool used here. */
export interface PreparePool {
  run<T = unknown>(taskName: string, payload: unknown): Promise<T>;
  readonly threads: number;
}

/** Payload of the 'pipeline.prepare' task. */
export interface PrepareTaskPayload {
  readonly job: { readonly key: string; readonly released: Int32Array; readonly spec: PrepareJob };
  readonly rows: ChunkRows;
}

/** Worker side: prepare one chunk (the preparer is built once per thread and job). */
export function prepareTask(payload: PrepareTaskPayload, context: { job<T>(key: string, released: Int32Array | undefined, build: () => T): T }): PreparedChunk {
  if (payload === null || typeof payload !== 'object' || payload.rows === null || typeof payload.rows !== 'object' || !Array.isArray(payload.rows.at)) {
    throw new KhopError('INVALID_ARGUMENT', 'pipeline.prepare: payload must hold a job and a chunk of rows');
  }
  const preparer = context.job(payload.job.key, payload.job.released, () => RowPreparer.fromJob(payload.job.spec));
  const out = emptyChunk();
  // The cells into a store of their own, on shared memory: the calling thread copies its bytes
  // (RecordStore.appendRows) instead of decoding ~15 cloned cells a row and encoding them again.
  const rows = new RecordStore(preparer.columns, { chunkBits: CHUNK_STORE_BITS });
  preparer.prepare(payload.rows, 0, payload.rows.at.length, out, rows);
  preparer.finish(out);
  out.rows = rows.toDescriptor();
  return out;
}

/** Payload of the 'pipeline.prepareCsv' task. */
export interface PrepareCsvTaskPayload {
  readonly job: PrepareTaskPayload['job'];
  readonly piece: PreparePiece;
}

/**
 * A piece of a CSV or NDJSON file → the rows a RowPreparer takes (ChunkRows: `width` values a
 * row, `at` relative to the piece's first position), the rejections, and what the calling thread
 * needs to place them (PieceOutcome). Without a report, every record takes a position — an
 * unreadable one is rejected there, as the UnreadableRow a one-thread read hands on is, with the
 * same code and reason; with one, only the readable rows do, and the unreadable ones are
 * reported as the reader's RejectedItems (the command line's accounting: src/cli/input.ts).
 * An NDJSON row's values may be of any JSON type: they are checked here as the calling thread
 * checks a row it reads (prepare.ts: wrongTypeReason → WRONG_TYPE at its position, idCell); a
 * CSV row's are all text.
 */
export function pieceRowsOf(piece: PreparePiece, preparer: Pick<RowPreparer, 'width' | 'fields' | 'idField'>): { rows: ChunkRows; rejected: RejectedRow[]; outcome: PieceOutcome } {
  const parsed = parsePiece(piece.format, piece, piece.columns, PREPARE_CSV_TASK);
  const { width, fields, idField } = preparer;
  const K = fields.length;
  const W = piece.columns.length;
  const n = parsed.count;
  const unreadable = parsed.unreadable;
  const report = piece.report;
  const typed = piece.format.kind === 'ndjson';
  const held = new Uint8Array(K);
  // Every record readable, no extra column, every value text: the parsed values are the rows' as they are.
  const asParsed = unreadable.length === 0 && W === width && !typed;
  if (asParsed && report === null) {
    for (let k = 0; k < K; k++) for (let i = 0; i < n && held[k] === 0; i++) if (parsed.values[i * W + k] !== undefined) held[k] = 1;
    const at = new Array<number>(n);
    for (let i = 0; i < n; i++) at[i] = i;
    return { rows: { values: parsed.values, at }, rejected: [], outcome: { positions: n, unreadable: 0, held } };
  }
  const values: unknown[] = asParsed ? parsed.values : [];
  const at: number[] = [];
  const rejected: RejectedRow[] = [];
  const rowNumbers: number[] = [];
  const lines: number[] = [];
  const ids: Array<string | undefined> = [];
  const readRejected: RejectedItem[] = [];
  /** Positions taken so far: every record's without a report, the readable ones' with one. */
  let positions = 0;
  let u = 0;
  for (let i = 0; i < n; i++) {
    const bad = u < unreadable.length && unreadable[u]!.i === i ? unreadable[u++]! : null;
    const rowNumber = piece.start + i + 1;
    if (bad !== null) {
      if (report === null) rejected.push({ index: positions++, code: bad.code, reason: unreadableReason(rowNumber, bad.line, bad.reason) });
      else readRejected.push({ kind: 'rejected', rowNumber, line: bad.line, code: bad.code, reason: bad.reason, ...(bad.raw !== undefined ? { raw: bad.raw } : {}), ...(bad.rawTruncated === true ? { rawTruncated: true } : {}) });
      continue;
    }
    const base = i * W;
    const position = positions++;
    if (report !== null) {
      rowNumbers.push(rowNumber);
      lines.push(parsed.lines[i]!);
      if (report.idColumn >= 0) ids.push(idText(parsed.values[base + report.idColumn]));
    }
    for (let k = 0; k < K; k++) if (parsed.values[base + k] !== undefined) held[k] = 1;
    if (typed) {
      const id = width > K ? parsed.values[base + K] : undefined;
      const wrong = wrongTypeReason(fields, parsed.values, base, idField, id);
      if (wrong !== null) {
        rejected.push({ index: position, code: 'WRONG_TYPE', reason: wrong });
        continue;
      }
      for (let k = 0; k < K; k++) values.push(parsed.values[base + k]);
      if (width > K) values.push(idCell(id));
    } else if (!asParsed) for (let k = 0; k < width; k++) values.push(parsed.values[base + k]);
    at.push(position);
  }
  const outcome: PieceOutcome =
    report === null
      ? { positions, unreadable: unreadable.length, held }
      : { positions, unreadable: unreadable.length, held, rowNumbers, lines, ids: report.idColumn >= 0 ? ids : null, readRejected };
  return { rows: { values, at }, rejected, outcome };
}

/** Worker side: parse and prepare one piece of a CSV or NDJSON file (the preparer is built once per thread and job). */
export function prepareCsvTask(payload: PrepareCsvTaskPayload, context: { job<T>(key: string, released: Int32Array | undefined, build: () => T): T }): PreparedChunk {
  if (payload === null || typeof payload !== 'object' || payload.piece === null || typeof payload.piece !== 'object' || !(payload.piece.bytes instanceof Uint8Array)) {
    throw new KhopError('INVALID_ARGUMENT', 'pipeline.prepareCsv: payload must hold a job and a piece of a CSV or NDJSON file');
  }
  const preparer = context.job(payload.job.key, payload.job.released, () => RowPreparer.fromJob(payload.job.spec));
  const { rows, rejected, outcome } = pieceRowsOf(payload.piece, preparer);
  const out = emptyChunk();
  const store = new RecordStore(preparer.columns, { chunkBits: CHUNK_STORE_BITS });
  preparer.prepare(rows, 0, rows.at.length, out, store);
  preparer.finish(out);
  out.rows = store.toDescriptor();
  if (rejected.length > 0) out.rejected = mergeByIndex(rejected, out.rejected);
  out.piece = outcome;
  return out;
}

/** Chunk size of a worker's prepared rows: one store chunk holds a whole PREPARE_CHUNK_ROWS chunk. */
const CHUNK_STORE_BITS = Math.max(3, Math.ceil(Math.log2(PREPARE_CHUNK_ROWS)));

let jobCounter = 0;

/** A runner factory for prepareRows that prepares chunks on `pool` (and in the calling thread). */
export function pooledPrepare(pool: PreparePool): PooledRunnerFactory {
  return (spec, preparer, append) => new PooledChunkRunner(pool, spec, preparer, append);
}

class PooledChunkRunner implements ChunkRunner {
  private readonly chunks: OrderedChunks<ReadChunk, PreparedChunk>;
  private readonly job: PrepareTaskPayload['job'];

  constructor(pool: PreparePool, spec: PrepareJob, preparer: RowPreparer, append: (chunk: ReadChunk, prepared: PreparedChunk) => void) {
    const job = (this.job = { key: `prepare-${process.pid}-${++jobCounter}`, released: new Int32Array(new SharedArrayBuffer(4)), spec });
    this.chunks = new OrderedChunks<ReadChunk, PreparedChunk>(
      {
        post: (chunk) =>
          chunk.piece !== undefined
            ? pool.run<PreparedChunk>(PREPARE_CSV_TASK, { job, piece: chunk.piece } satisfies PrepareCsvTaskPayload)
            : pool.run<PreparedChunk>(PREPARE_TASK, { job, rows: chunk.rows } satisfies PrepareTaskPayload),
        // A slice at a time, with a turn (and a top-up) between slices.
        computeAhead: async (chunk, between) => {
          const out = emptyChunk();
          const piece = chunk.piece === undefined ? null : pieceRowsOf(chunk.piece, preparer);
          const rows = piece === null ? chunk.rows : piece.rows;
          const n = rows.at.length;
          for (let from = 0; from < n; from += PREPARE_SLICE_ROWS) {
            preparer.prepare(rows, from, Math.min(n, from + PREPARE_SLICE_ROWS), out);
            if (from + PREPARE_SLICE_ROWS < n) await between();
          }
          preparer.finish(out);
          if (piece !== null) {
            if (piece.rejected.length > 0) out.rejected = mergeByIndex(piece.rejected, out.rejected);
            out.piece = piece.outcome;
          }
          return out;
        },
        consume: append,
      },
      pool.threads,
      // The calling thread prepares chunks too only when the workers leave a core to it: with a
      // worker a core (dedupe's own pool of `threads`), its share was a third thread on the
      // cores, and it has the append (and a stream's reading) to do anyway. Measured on 1M rows,
      // 2 cores, 2 workers, alternating: prepare phase ×0.91–1.04 (median ×0.93) of sharing.
      { callingThreadShare: pool.threads < availableParallelism() },
    );
  }

  push(chunk: ReadChunk): Promise<void> {
    return this.chunks.push(chunk);
  }

  drain(): Promise<void> {
    return this.chunks.drain();
  }

  close(): void {
    Atomics.store(this.job.released, 0, 1);
    this.chunks.abandon();
  }
}
