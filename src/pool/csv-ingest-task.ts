/**
 * One piece of a register CSV file → the rows of a pooled Register.build ingest, parsed where
 * they are ingested (src/register/csv-ingest.ts cuts the file; this runs on a worker, or on the
 * calling thread for its own share).
 *
 *   payload  { job, csv, start, line, rows, last, bytes }   bytes: the piece, cut at a record
 *            boundary (src/io/csv-boundaries.ts), on shared memory
 *   work     decode (UTF-8, U+FFFD for invalid bytes, a U+FEFF kept: the piece is not the
 *            file's start) ─► a fresh CsvParser with the header's column count ─► per record
 *            its values in the job's column order (the columns the header lacks: undefined) —
 *            the flat values a 'register.ingest' payload carries ─► ingestChunk
 *   result   ingestChunk's (ingest-tasks.ts), with the rows the PARSER rejected among its
 *            rejections, in position order: { index, code (the reader's), reason } — the
 *            rejection Register.build makes of the UnreadableRow a one-thread read of the same
 *            file gives (src/io/record-source-rows.ts), row number and line included
 *
 * The piece's first row's input position and first line come with it (the cutter counted
 * them), so every position, line and reason is the one-thread read's. The parser must find the
 * rows the cutter counted; if not, the task fails INTERNAL rather than shift rows.
 */
import { parseCsvPiece, type CsvPieceFields, type CsvPieceFormat } from '../io/csv-pieces.js';
import { unreadableReason } from '../io/record-source-rows.js';
import type { RegisterRejectedRow } from '../register/row-ingest.js';
import { KhopError } from '../errors.js';
import { mergeByIndex } from '../util/merge-by-index.js';
import { ingestChunk, ingestState, type IngestChunkResult, type IngestJob, type IngestState } from './ingest-tasks.js';

export const CSV_INGEST_TASK = 'register.ingestCsv';

export type { CsvPieceFormat };

/** Payload of the 'register.ingestCsv' task: a piece of the file (csv-pieces.ts) and the build's job. */
export interface CsvIngestPayload extends CsvPieceFields {
  readonly job: IngestJob;
  readonly csv: CsvPieceFormat;
}

/** ingestChunk's result, and how many of its rejections are rows the parser could not read. */
export type CsvIngestResult = IngestChunkResult & { readonly unreadable: number };

/** Parse and ingest one piece (see the file header). */
export function csvIngestChunk(state: IngestState, p: CsvIngestPayload): CsvIngestResult {
  const parsed = parseCsvPiece(p.csv, p, state.job.columns, 'register.ingestCsv');
  const skip = parsed.unreadable.map((u) => u.i);
  const r = ingestChunk(state, { job: p.job, start: p.start, count: parsed.count, values: parsed.values, skip, part: p.part });
  // The register's rejections with their rows' lines.
  const rejected = r.rejected.map((x) => (x.line === undefined ? { ...x, line: parsed.lines[x.index - p.start]! } : x));
  if (parsed.unreadable.length === 0) return { ...r, rejected, unreadable: 0 };
  const unreadable: RegisterRejectedRow[] = parsed.unreadable.map((u) => {
    const index = p.start + u.i;
    return {
      index,
      code: u.code,
      reason: unreadableReason(index + 1, u.line, u.reason),
      line: u.line,
      ...(u.raw !== undefined ? { raw: u.raw } : {}),
      ...(u.rawTruncated === true ? { rawTruncated: true } : {}),
    };
  });
  return { ...r, rejected: mergeByIndex(rejected, unreadable), unreadable: unreadable.length };
}

/** Worker side: parse and ingest one piece with the job's layout (built once per thread). */
export function csvIngestTask(
  payload: CsvIngestPayload,
  context: { job<T>(key: string, released: Int32Array | undefined, build: () => T): T },
): CsvIngestResult {
  if (payload === null || typeof payload !== 'object' || payload.job === null || typeof payload.job !== 'object' || !(payload.bytes instanceof Uint8Array)) {
    throw new KhopError('INVALID_ARGUMENT', 'register.ingestCsv: payload must hold a job and the bytes of a piece');
  }
  const state = context.job(payload.job.id, payload.job.released, () => ingestState(payload.job));
  return csvIngestChunk(state, payload);
}
