/**
 * The read phase of Register.build from a CSV FILE with threads > 1: the parsing moves to
 * where the rows are ingested.
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
import { CsvBoundaryScanner } from '../io/csv-boundaries.js';
import type { CsvFile } from '../io/csv-reader.js';
import { KhopPool, MAX_POOL_THREADS } from '../pool/pool.js';
import { OrderedChunks } from '../pool/ordered-chunks.js';
import { phaseError } from '../pool/phase-runner.js';
import { CSV_INGEST_TASK, csvIngestChunk, type CsvIngestPayload, type CsvIngestResult, type CsvPieceFormat } from '../pool/csv-ingest-task.js';
import { INGEST_CALLING_THREAD_CHUNKS, ingestJobOf, ingestRows, type IngestSink, type ParallelIngestOptions } from './parallel-ingest.js';
import { CsvParser, type CsvSink } from '../io/csv-parser.js';
import { csvRejectReason, csvRowValues, isRepeatedHeader } from '../io/csv-reader.js';
import { UnreadableRow } from '../io/record-source-rows.js';
import { RowLines } from '../io/row-lines.js';
import type { PoolLike } from './parallel-authenticate.js';

/** Files from this size are cut into pieces (smaller ones are read row by row: a pool costs ~0.3–0.6 s to start). */
export const DEFAULT_PARALLEL_CSV_MIN_BYTES = 16 << 20;
/** Bytes of a piece: ~13k rows of a 150-byte register row, as DEFAULT_INGEST_CHUNK_ROWS. */
export const DEFAULT_CSV_PIECE_BYTES = 2 << 20;
/**
 * A piece never grows past this many bytes: a file with no cut for longer (lines ending in a
 * lone CR, a quote left open) has its rest parsed on the calling thread as it streams
 * ({@link restOfFile}) — a piece is decoded to ONE string, and V8's strings stop at ~512M units.
 */
export const DEFAULT_CSV_MAX_PIECE_BYTES = 64 << 20;
/** Bytes the scan reads at a time. */
const SCAN_BLOCK_BYTES = 1 << 20;
const LF = 0x0a;

interface Piece {
  readonly payload: CsvIngestPayload;
}

async function readFully(fh: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

function changed(path: string): KhopError {
  return new KhopError('IO_ERROR', `Register.build: the file changed while it was read: ${path}`);
}

/**
 * The rows of the file from byte `from` (a cut: a record starts there), parsed on this thread
 * as the file streams — each accepted row's values, an UnreadableRow for each rejected one, as
 * a one-thread read of the file gives them (row numbers from `firstRow` + 1, lines from
 * `firstLine`). `counts` gets the rows, the unreadable ones, the blank lines and the bytes read.
 */
async function* restOfFile(
  fh: FileHandle,
  file: CsvFile,
  from: number,
  firstRow: number,
  firstLine: number,
  counts: { rows: number; unreadable: number; blank: number; bytes: number },
  lines: RowLines,
): AsyncGenerator<unknown, void, undefined> {
  const names = file.names;
  const out: unknown[] = [];
  let parser: CsvParser | null = null;
  const sink: CsvSink = {
    record(fields, fieldCount, line) {
      if (isRepeatedHeader(file.headerAsWritten, fields, fieldCount)) {
        sink.rejected('REPEATED_HEADER', 0, fieldCount, line, undefined, false);
        return;
      }
      out.push(csvRowValues(names, fields, fieldCount));
      lines.push(firstLine + line - 1);
      counts.rows++;
    },
    rejected(code, column, fieldCount, line, raw, rawTruncated) {
      counts.rows++;
      counts.unreadable++;
      const reason = csvRejectReason(code, column, fieldCount, names, file, 'utf-8', firstLine + parser!.lastLine - 1);
      lines.push(firstLine + line - 1);
      out.push(new UnreadableRow({ kind: 'rejected', rowNumber: firstRow + counts.rows, line: firstLine + line - 1, code, reason, ...(raw !== undefined ? { raw, rawTruncated } : {}) }));
    },
    blankLine() {
      counts.blank++;
    },
  };
  parser = new CsvParser(sink, { delimiter: file.delimiter, maxFieldLength: file.maxFieldLength, maxColumns: file.maxColumns, keepRaw: file.keepRaw });
  parser.setExpectedColumns(names.length);
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const block = new Uint8Array(SCAN_BLOCK_BYTES);
  for (let at = from; ; ) {
    const n = await readFully(fh, block, at);
    if (n === 0) break;
    at += n;
    counts.bytes = at;
    parser.push(decoder.decode(block.subarray(0, n), { stream: true }));
    for (const row of out) yield row;
    out.length = 0;
  }
  const tail = decoder.decode();
  if (tail !== '') parser.push(tail);
  parser.finish();
  for (const row of out) yield row;
}

/**
 * Read every row of the CSV `file` into `sink` on the pool (see the file header).
 * @throws (rejects) KhopError IO_ERROR (the file cannot be read, or changed), WORKER_FAILED
 *   naming the task, whatever the sink throws (MEMORY_BUDGET_EXCEEDED…).
 */
export async function ingestCsvFile(file: CsvFile, sink: IngestSink, o: ParallelIngestOptions): Promise<void> {
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
  const format: CsvPieceFormat = { delimiter: file.delimiter, names: file.names, headerAsWritten: file.headerAsWritten, maxFieldLength: file.maxFieldLength, maxColumns: file.maxColumns, keepRaw: file.keepRaw };
  let pool: PoolLike | undefined = t.pool;
  const ownPool = pool === undefined;
  let chunks: OrderedChunks<Piece, CsvIngestResult> | null = null;
  let unreadable = 0;
  try {
    const scanner = new CsvBoundaryScanner(file.delimiter);
    const block = Buffer.allocUnsafe(SCAN_BLOCK_BYTES); // Buffer: its indexOf is a native byte search (the scan leans on it)
    let pos = file.bomLength;
    let line = 1;
    let blank = 0;
    // The header: the first record (blank lines before it skipped), and the LF of its CRLF —
    // after Excel's `sep=X` line when the file starts with one (a record too, no data).
    const before = (file.sepLine ? 1 : 0) + (file.headerInFile ? 1 : 0);
    for (let k = 0; k < before; k++) {
      for (;;) {
        const n = await readFully(fh, block, pos);
        if (n === 0) throw changed(file.path);
        const r = scanner.scan(block, 0, n, 0, true);
        if (r < 0) {
          pos += n;
          continue;
        }
        pos += r;
        if (scanner.afterCR) {
          const one = new Uint8Array(1);
          if ((await readFully(fh, one, pos)) === 1 && one[0] === LF) pos += scanner.scan(one, 0, 1, 0) === 1 ? 1 : 0;
        }
        break;
      }
    }
    if (before > 0) {
      const h = scanner.take();
      if (h.rows !== before) throw changed(file.path);
      line += h.lines;
      blank += h.blank;
    }

    const p = (pool ??= KhopPool.create({ threads: Math.min(workersWanted, MAX_POOL_THREADS), inCallingThread: false }) as unknown as PoolLike);
    chunks = new OrderedChunks<Piece, CsvIngestResult>(
      {
        post: (c) => p.run<CsvIngestResult>(CSV_INGEST_TASK, c.payload).catch((e: unknown) => Promise.reject(phaseError('read', e))),
        computeAhead: (c) => csvIngestChunk(ahead, c.payload),
        consume: (c, r) => {
          unreadable += r.unreadable;
          sink.takeChunk(c.payload.rows, [], r);
        },
      },
      p.threads,
      { callingThreadShare: share, callingThreadChunks: INGEST_CALLING_THREAD_CHUNKS },
    );
    let start = 0;
    let pieceStart = pos;
    let part = 0;
    const cut = async (end: number, last: boolean): Promise<void> => {
      const c = scanner.take();
      blank += c.blank;
      if (end === pieceStart && c.rows === 0) return;
      const bytes = new Uint8Array(new SharedArrayBuffer(end - pieceStart));
      if ((await readFully(fh, bytes, pieceStart)) !== bytes.length) throw changed(file.path);
      const payload: CsvIngestPayload = { job, csv: format, start, line, rows: c.rows, last, bytes, part: part++ };
      start += c.rows;
      line += c.lines;
      pieceStart = end;
      await chunks!.push({ payload });
    };
    let at = pos;
    let streamed = false;
    for (;;) {
      const n = await readFully(fh, block, at);
      if (n === 0) break;
      let from = 0;
      for (;;) {
        const r = scanner.scan(block, from, n, pieceStart + pieceBytes - at);
        if (r < 0) break;
        await cut(at + r, false);
        from = r;
      }
      at += n;
      if (at - pieceStart > maxPieceBytes) {
        // No cut for too long (lines ending in a lone CR, a quote left open): the rest is
        // parsed here as it streams and its rows ingested on the pool row by row.
        await chunks.drain();
        const rest = { rows: 0, unreadable: 0, blank: 0, bytes: pieceStart };
        sink.lines = new RowLines(start);
        await ingestRows(restOfFile(fh, file, pieceStart, start, line, rest, sink.lines), sink, { ...o, tuning: { ...t, pool: p, minRows: 0 } });
        start += rest.rows;
        unreadable += rest.unreadable;
        blank += rest.blank;
        at = rest.bytes;
        streamed = true;
        break;
      }
    }
    if (!streamed) {
      scanner.finish();
      await cut(at, true);
      await chunks.drain();
    }
    file.account({ accepted: start - unreadable, rejected: unreadable, blankLines: blank, bytesRead: at });
  } catch (e) {
    chunks?.abandon();
    throw e;
  } finally {
    Atomics.store(job.released, 0, 1);
    await fh.close().catch(() => undefined);
    if (ownPool && pool !== undefined) await pool.close();
  }
}
