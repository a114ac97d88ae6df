/**
 * One piece of a register CSV or NDJSON file → the rows of a pooled Register.build ingest, parsed
 * where they are ingested (src/register/csv-ingest.ts cuts the file; this runs on a worker, or on
 * the calling thread for its own share).
 *
 *   payload  { job, format, start, line, rows, last, bytes }   bytes: the piece, cut at a record
 *            boundary (src/io/csv-boundaries.ts; an NDJSON file after an LF), on shared memory
 *   work     decode (UTF-8, U+FFFD for invalid bytes, a U+FEFF kept: the piece is not the
 *            file's start) ─► a fresh CsvParser with the header's column count, or each NDJSON
 *            line by the streaming reader's rules (src/io/file-pieces.ts, parsePiece) ─► per
 *            record its values in the job's column order (the columns the header lacks, the keys
 *            an object lacks: undefined) — the flat values a 'register.ingest' payload carries
 *            ─► ingestChunk
 *   result   ingestChunk's (ingest-tasks.ts), with the rows the PARSER rejected among its
 *            rejections, in position order: { index, code (the reader's), reason } — the
 *            rejection Register.build makes of the UnreadableRow a one-thread read of the same
 *            file gives (src/io/record-source-rows.ts), row number and line included
 *
 * The piece's first row's input position and first line come with it (the cutter counted
 * them), so every position, line and reason is the one-thread read's. The parser must find the
 * rows the cutter counted; if not, the task fails INTERNAL rather than shift rows.
 */
import type { CsvPieceFields } from '../io/csv-pieces.js';
import { parsePiece, type PieceFormat } from '../io/file-pieces.js';
import { unreadableReason } from '../io/record-source-rows.js';
import type { RegisterRejectedRow } from '../register/row-ingest.js';
import { KhopError } from '../errors.js';
import { mergeByIndex } from '../util/merge-by-index.js';
import { ingestChunk, ingestState, type IngestChunkResult, type IngestJob, type IngestState } from './ingest-tasks.js';

export const CSV_INGEST_TASK = 'register.ingestCsv';

/** Payload of the 'register.ingestCsv' task: a piece of the file (csv-pieces.ts, ndjson-pieces.ts) and the build's job. */
export interface CsvIngestPayload extends CsvPieceFields {
  readonly job: IngestJob;
  readonly format: PieceFormat;
}

/**
 * ingestChunk's result, how many of its rejections are rows the parser could not read, and —
 * for an NDJSON piece, whose objects need not hold every key — per job column, 1 when a row of
 * the piece holds a value there (what the row-by-row read counts as the column held; a CSV
 * file's header says it instead).
 */
export type CsvIngestResult = IngestChunkResult & { readonly unreadable: number; readonly held?: number[] };

/** Parse and ingest one piece (see the file header). */
export function csvIngestChunk(state: IngestState, p: CsvIngestPayload): CsvIngestResult {
  const parsed = parsePiece(p.format, p, state.job.columns, 'register.ingestCsv');
  const skip = parsed.unreadable.map((u) => u.i);
  const r = ingestChunk(state, { job: p.job, start: p.start, count: parsed.count, values: parsed.values, skip, part: p.part });
  // The register's rejections with their rows' lines.
  const rejected = r.rejected.map((x) => (x.line === undefined ? { ...x, line: parsed.lines[x.index - p.start]! } : x));
  const held = p.format.kind === 'ndjson' ? heldColumns(parsed.values, state.job.columns.length) : undefined;
  if (parsed.unreadable.length === 0) return { ...r, rejected, unreadable: 0, ...(held !== undefined ? { held } : {}) };
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
  return { ...r, rejected: mergeByIndex(rejected, unreadable), unreadable: unreadable.length, ...(held !== undefined ? { held } : {}) };
}

/** Per column of `K`, 1 when some row of the flat `values` holds a value there (an unreadable row's are all undefined). */
function heldColumns(values: readonly unknown[], K: number): number[] {
  const held = new Array<number>(K).fill(0);
  for (let k = 0; k < K; k++) {
    for (let at = k; at < values.length; at += K) {
      if (values[at] !== undefined) {
        held[k] = 1;
        break;
      }
    }
  }
  return held;
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
