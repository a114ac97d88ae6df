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
import { KhopError } from '../errors.js';
import { CsvParser, type CsvSink } from '../io/csv-parser.js';
import { csvRejectReason, isRepeatedHeader } from '../io/csv-reader.js';
import { unreadableReason } from '../io/record-source-rows.js';
import type { RejectCode } from '../io/record-types.js';
import type { RegisterRejectedRow } from '../register/row-ingest.js';
import { mergeByIndex } from '../util/merge-by-index.js';
import { ingestChunk, ingestState, type IngestChunkResult, type IngestJob, type IngestState } from './ingest-tasks.js';

export const CSV_INGEST_TASK = 'register.ingestCsv';

/** The file's format, as its source read the header. */
export interface CsvPieceFormat {
  /** Delimiter character code. */
  readonly delimiter: number;
  /** Column names (the header's, or the reader's `header` option). */
  readonly names: readonly string[];
  /** The header as written, before renameBadColumns (what a repeated header line holds: isRepeatedHeader). */
  readonly headerAsWritten: readonly string[];
  readonly maxFieldLength: number;
  readonly maxColumns: number;
  /** Keep the raw text of a row that cannot be read (the source's `keepRaw`). */
  readonly keepRaw: boolean;
}

/** Payload of the 'register.ingestCsv' task. */
export interface CsvIngestPayload {
  readonly job: IngestJob;
  readonly csv: CsvPieceFormat;
  /** Input position (0-based data row) of the piece's first row. */
  readonly start: number;
  /** Physical line (1-based) of the piece's first byte. */
  readonly line: number;
  /** Rows (records, accepted or not) the cutter counted in the piece. */
  readonly rows: number;
  /** The piece ends at the end of the file (a last record without a line end is completed). */
  readonly last: boolean;
  /** The piece's bytes. */
  readonly bytes: Uint8Array;
  /** Index of the piece in the build (diagnostics). */
  readonly part: number;
}

/** ingestChunk's result, and how many of its rejections are rows the parser could not read. */
export type CsvIngestResult = IngestChunkResult & { readonly unreadable: number };

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** Parsed records as flat values in the job's column order, and the rejected ones. */
class PieceSink implements CsvSink {
  readonly values: unknown[] = [];
  readonly skip: number[] = [];
  readonly unreadable: RegisterRejectedRow[] = [];
  /** Per record of the piece, its first line in the file. */
  readonly lines: number[] = [];
  count = 0;
  /** The piece's parser (its line when a row is rejected). */
  parser: CsvParser | null = null;
  private readonly columnOf: Int32Array;

  constructor(
    private readonly p: CsvIngestPayload,
    columns: readonly string[],
  ) {
    const names = p.csv.names;
    this.columnOf = Int32Array.from(columns, (c) => names.indexOf(c));
  }

  record(fields: readonly string[], fieldCount: number, line: number): void {
    if (isRepeatedHeader(this.p.csv.headerAsWritten, fields, fieldCount)) {
      this.rejected('REPEATED_HEADER', 0, fieldCount, line, undefined, false);
      return;
    }
    const col = this.columnOf;
    for (let k = 0; k < col.length; k++) this.values.push(col[k]! >= 0 ? fields[col[k]!] : undefined);
    this.lines.push(this.p.line + line - 1);
    this.count++;
  }

  rejected(code: RejectCode, column: number, fieldCount: number, line: number, raw: string | undefined, rawTruncated: boolean): void {
    const i = this.count++;
    this.lines.push(this.p.line + line - 1);
    for (let k = 0; k < this.columnOf.length; k++) this.values.push(undefined);
    this.skip.push(i);
    const csv = this.p.csv;
    const index = this.p.start + i;
    this.unreadable.push({
      index,
      code,
      reason: unreadableReason(
        index + 1,
        this.p.line + line - 1,
        csvRejectReason(code, column, fieldCount, csv.names, csv, 'utf-8', this.p.line + this.parser!.lastLine - 1),
      ),
      line: this.p.line + line - 1,
      ...(raw !== undefined ? { raw } : {}),
      ...(rawTruncated ? { rawTruncated: true } : {}),
    });
  }

  blankLine(): void {}
}

/** Parse and ingest one piece (see the file header). */
export function csvIngestChunk(state: IngestState, p: CsvIngestPayload): CsvIngestResult {
  const sink = new PieceSink(p, state.job.columns);
  const parser = new CsvParser(sink, { delimiter: p.csv.delimiter, maxFieldLength: p.csv.maxFieldLength, maxColumns: p.csv.maxColumns, keepRaw: p.csv.keepRaw });
  parser.setExpectedColumns(p.csv.names.length);
  sink.parser = parser;
  // A shared buffer cannot be decoded in place: copy the piece (one memcpy).
  parser.push(decoder.decode(p.bytes.buffer instanceof SharedArrayBuffer ? p.bytes.slice() : p.bytes));
  if (p.last) parser.finish();
  if (sink.count !== p.rows) {
    throw new KhopError('INTERNAL', `register.ingestCsv: piece ${p.part} holds ${sink.count} records where its cut counted ${p.rows}`);
  }
  const r = ingestChunk(state, { job: p.job, start: p.start, count: sink.count, values: sink.values, skip: sink.skip, part: p.part });
  // The register's rejections with their rows' lines.
  const rejected = r.rejected.map((x) => (x.line === undefined ? { ...x, line: sink.lines[x.index - p.start]! } : x));
  if (sink.unreadable.length === 0) return { ...r, rejected, unreadable: 0 };
  return { ...r, rejected: mergeByIndex(rejected, sink.unreadable), unreadable: sink.unreadable.length };
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
