/**
 * A reader's RecordSource (openRecords, readCsv, readNdjson, readParquet) given where rows are
 * expected — dedupe, link, Register.build, authenticateMany. Iterated as it is, a RecordSource
 * yields ITEMS (`{ kind, rowNumber, values }`), which a pipeline would read as rows whose fields
 * are all missing: every row rejected, or nothing to train on. So the pipelines take its rows:
 *
 *   { kind: 'row', values }      → values                       (the row)
 *   { kind: 'rejected', … }      → an UnreadableRow in its place  (rows: rejected by the pipeline
 *                                   at that position, with the reader's code and reason;
 *                                   claims: the iteration fails, naming the row)
 *
 * A rejected item keeps its position, so a pipeline's 0-based positions are the file's data rows
 * (position = rowNumber − 1) and nothing is dropped silently. Reasons carry the row number, line
 * and the reader's reason — never a value.
 *
 * Trade-off: one promise per row (an async generator), as the command line's own loop over a
 * file has; the pipelines read their sources row by row anyway.
 */
import { KhopError } from '../errors.js';
import type { RecordSource, RejectCode, RejectedItem } from './record-types.js';
import type { RowLines } from './row-lines.js';

const FORMATS: ReadonlySet<unknown> = new Set(['csv', 'ndjson', 'parquet']);

/** A row the reader could not read, standing in its place for a pipeline to reject. */
export class UnreadableRow {
  /** The reader's code. */
  readonly code: RejectCode;
  /** Row number, line and the reader's reason (no value). */
  readonly reason: string;
  /** Where the row starts in the file, and its text as the reader kept it (see RejectedItem). */
  readonly line: number | undefined;
  readonly raw: string | undefined;
  readonly rawTruncated: boolean;
  constructor(
    /** The reader's rejection as it gave it. */
    readonly item: RejectedItem,
  ) {
    this.code = item.code;
    this.reason = unreadableReason(item.rowNumber, item.line, item.reason);
    this.line = item.line;
    this.raw = item.raw;
    this.rawTruncated = item.rawTruncated === true;
    Object.freeze(this);
  }
}

/** The reason a pipeline gives a row its reader rejected: row number, line and the reader's reason. */
export function unreadableReason(rowNumber: number, line: number | undefined, reason: string): string {
  return `row ${rowNumber}${line !== undefined ? ` (line ${line})` : ''} could not be read: ${reason}`;
}

const UNREADABLE_PREFIX = /^row \d+(?: \(line \d+\))? could not be read: /;

/** The reader's own reason in a reason made by unreadableReason (any other reason as it is). */
export function readerReasonOf(reason: string): string {
  const m = UNREADABLE_PREFIX.exec(reason);
  return m === null ? reason : reason.slice(m[0].length);
}

/** True for a RecordSource (the readers' result, or anything implementing that interface). */
export function isRecordSource(x: unknown): x is RecordSource {
  if (x === null || typeof x !== 'object') return false;
  const s = x as Partial<RecordSource>;
  return typeof s.batches === 'function' && FORMATS.has(s.format) && Array.isArray(s.columns) && typeof s.summary === 'object';
}

/**
 * The rows of a RecordSource: each accepted row's values, an UnreadableRow for each rejected one.
 * With `lines`, each row's line is pushed there as the row is yielded.
 */
export async function* recordSourceRows(source: RecordSource, lines?: RowLines): AsyncGenerator<unknown, void, undefined> {
  for await (const batch of source.batches()) {
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!;
      lines?.push(item.line ?? 0);
      yield item.kind === 'row' ? item.values : new UnreadableRow(item);
    }
  }
}

/** `rows` itself, or the rows of a RecordSource (see the file header; `lines` as recordSourceRows). */
export function rowsOf<T>(rows: T, lines?: RowLines): T | AsyncGenerator<unknown, void, undefined> {
  return isRecordSource(rows) ? recordSourceRows(rows, lines) : rows;
}

/**
 * The claims of a RecordSource: each accepted row's values; a row the reader rejected fails the
 * iteration with INVALID_INPUT naming it (a verdict needs a claim: read the source yourself to
 * skip such rows). Anything else is returned as it is.
 */
export function claimsOf<T>(claims: T): T | AsyncGenerator<unknown, void, undefined> {
  if (!isRecordSource(claims)) return claims;
  const source = claims;
  return (async function* (): AsyncGenerator<unknown, void, undefined> {
    for await (const batch of source.batches()) {
      for (let i = 0; i < batch.length; i++) {
        const item = batch[i]!;
        if (item.kind === 'rejected') {
          throw new KhopError('INVALID_INPUT', `claim ${unreadableReason(item.rowNumber, item.line, item.reason)} (${item.code})`, {
            details: { rowNumber: item.rowNumber, code: item.code },
          });
        }
        yield item.values;
      }
    }
  })();
}
