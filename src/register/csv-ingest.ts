/**
 * The read phase of Register.build from a CSV or NDJSON FILE with threads > 1: the parsing moves
 * to where the rows are ingested. (Written for CSV; an NDJSON file takes the same path with its
 * own cut and piece reader — src/io/file-pieces.ts — and each piece tells which keys its rows
 * hold, where a CSV header names its columns once.)
 *
 *   calling thread                                       worker, or the calling thread's share
 *   file ─► byte scan for record boundaries ─► pieces ─► decode + parse + ingest one piece
 *           (csv-boundaries.ts: no decoding,   of ~2 MiB  (src/pool/csv-ingest-task.ts)
 *            no strings, no row objects)       on shared memory, each with its first row's
 *                                              position and line
 *   IngestSink ◄── results taken IN INPUT ORDER (OrderedChunks, as parallel-ingest.ts)
 *
 * Against reading the source row by row (parallel-ingest.ts), the calling thread no longer
 * decodes, parses, builds a row object and packs it per row — ~45 % of a 1M-row build from a
 * file (bench/register/build.ts --csv) — and the parse is shared by every thread.
 *
 * The same register, byte for byte, as the one-thread read of the same source: the pieces
 * give the rows, rejections (the parser's, as Register.build rejects a RecordSource's
 * unreadable rows: src/io/record-source-rows.ts), issues, positions and line numbers of one
 * parser over the whole file (the cut rule is in csv-boundaries.ts; a piece whose parse finds
 * another row count than its cut fails the build INTERNAL). The source's summary is set to
 * what was read. Taken only for a UTF-8 file path of at least `csvMinBytes` whose source has
 * not been iterated and has no progress callback or abort signal (it would see none); anything
 * else is read row by row.
 *
 * Memory: ≤ (2 × workers + INGEST_CALLING_THREAD_CHUNKS) pieces and their results in flight,
 * as the row-by-row read. The file is read twice (the scan, then each piece): the second read
 * comes from the page cache. A piece is decoded to one string, so none grows past
 * DEFAULT_CSV_MAX_PIECE_BYTES (64 MiB): a file with no cut for longer — lines ending in a lone
 * CR, a quote left open — has its rest parsed on the calling thread as it streams and its rows
 * ingested on the pool one by one (restOfFile → ingestRows), with the same result.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { KhopError } from '../errors.js';
import { DEFAULT_CSV_MAX_PIECE_BYTES, type RowReadCounts } from '../io/csv-pieces.js';
import { pieceReading, type PieceFile } from '../io/file-pieces.js';
import { KhopPool, MAX_POOL_THREADS } from '../pool/pool.js';
import { OrderedChunks } from '../pool/ordered-chunks.js';
import { phaseError } from '../pool/phase-runner.js';
import { CSV_INGEST_TASK, csvIngestChunk, type CsvIngestPayload, type CsvIngestResult } from '../pool/csv-ingest-task.js';
import { INGEST_CALLING_THREAD_CHUNKS, ingestJobOf, ingestRows, markHeldColumns, type IngestSink, type ParallelIngestOptions } from './parallel-ingest.js';
import { RowLines } from '../io/row-lines.js';
import type { PoolLike } from './parallel-authenticate.js';

/** Files from this size are cut into pieces (smaller ones are read row by row: a pool costs ~0.3–0.6 s to start). */
export const DEFAULT_PARALLEL_CSV_MIN_BYTES = 16 << 20;
/** Bytes of a piece: ~13k rows of a 150-byte register row, as DEFAULT_INGEST_CHUNK_ROWS. */
export const DEFAULT_CSV_PIECE_BYTES = 2 << 20;

interface Piece {
  readonly payload: CsvIngestPayload;
}

/**
 * Read every row of the CSV or NDJSON `file` into `sink` on the pool (see the file header).
 * @throws (rejects) KhopError IO_ERROR (the file cannot be read, or changed), WORKER_FAILED
 *   naming the task, whatever the sink throws (MEMORY_BUDGET_EXCEEDED…).
 */
export async function ingestCsvFile(file: PieceFile, sink: IngestSink, o: ParallelIngestOptions): Promise<void> {
  const t = o.tuning ?? {};
  const pieceBytes = t.csvPieceBytes ?? DEFAULT_CSV_PIECE_BYTES;
  if (!Number.isInteger(pieceBytes) || pieceBytes < 1) {
    throw new KhopError('INVALID_OPTION', 'Register.build: ingest tuning needs an integer csvPieceBytes ≥ 1', { details: { problems: ['ingest tuning'] } });
  }
  const maxPieceBytes = t.csvMaxPieceBytes ?? DEFAULT_CSV_MAX_PIECE_BYTES;
  if (!Number.isInteger(maxPieceBytes) || maxPieceBytes < pieceBytes) {
    throw new KhopError('INVALID_OPTION', 'Register.build: ingest tuning needs an integer csvMaxPieceBytes ≥ csvPieceBytes', { details: { problems: ['ingest tuning'] } });
  }
  const share = t.callingThreadShare ?? true;
  const workersWanted = t.pool !== undefined ? t.pool.threads : share ? o.threads - 1 : o.threads;
  let fh: FileHandle;
  try {
    fh = await open(file.path, 'r');
  } catch (e) {
    throw new KhopError('IO_ERROR', `Register.build: cannot read ${file.path}`, { cause: e });
  }
  const { job, ahead } = ingestJobOf(o);
  let pool: PoolLike | undefined = t.pool;
  const ownPool = pool === undefined;
  let chunks: OrderedChunks<Piece, CsvIngestResult> | null = null;
  let unreadable = 0;
  try {
    const { format, cutter, rest: restOf } = pieceReading(file, fh, pieceBytes, maxPieceBytes, 'Register.build');
    const p = (pool ??= KhopPool.create({ threads: Math.min(workersWanted, MAX_POOL_THREADS), inCallingThread: false }) as unknown as PoolLike);
    chunks = new OrderedChunks<Piece, CsvIngestResult>(
      {
        post: (c) => p.run<CsvIngestResult>(CSV_INGEST_TASK, c.payload).catch((e: unknown) => Promise.reject(phaseError('read', e))),
        computeAhead: (c) => csvIngestChunk(ahead, c.payload),
        consume: (c, r) => {
          unreadable += r.unreadable;
          // An NDJSON file's columns are the keys its rows hold: a field is held when a piece's
          // row has its key (a CSV file's header says it: register.ts).
          if (r.held !== undefined) markHeldColumns(o, job.columns, r.held);
          sink.takeChunk(c.payload.rows, [], r);
        },
      },
      p.threads,
      { callingThreadShare: share, callingThreadChunks: INGEST_CALLING_THREAD_CHUNKS },
    );
    let rows = 0;
    let blank = 0;
    let bytes = 0;
    for await (const c of cutter.pieces()) {
      if (c.kind === 'piece') {
        rows += c.rows;
        await chunks.push({ payload: { job, format, start: c.start, line: c.line, rows: c.rows, last: c.last, bytes: c.bytes, part: c.part } });
        continue;
      }
      // No cut for too long (lines ending in a lone CR, a quote left open): the rest is parsed
      // here as it streams and its rows ingested on the pool row by row.
      await chunks.drain();
      const rest: RowReadCounts = { rows: 0, unreadable: 0, blank: 0, bytes: c.from };
      const lines = (sink.lines = new RowLines(c.start));
      await ingestRows(restOf(c.from, c.start, c.line, rest, (l) => lines.push(l)), sink, { ...o, tuning: { ...t, pool: p, minRows: 0 } });
      rows += rest.rows;
      unreadable += rest.unreadable;
      blank += rest.blank;
      bytes = rest.bytes;
    }
    await chunks.drain();
    blank += cutter.blank;
    bytes = Math.max(bytes, cutter.bytesRead);
    file.account({ accepted: rows - unreadable, rejected: unreadable, blankLines: blank, bytesRead: bytes });
  } catch (e) {
    chunks?.abandon();
    throw e;
  } finally {
    Atomics.store(job.released, 0, 1);
    await fh.close().catch(() => undefined);
    if (ownPool && pool !== undefined) await pool.close();
  }
}
