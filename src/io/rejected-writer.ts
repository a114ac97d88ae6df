/**
 * The rejected-rows file: one CSV line per row a reader could not accept, so the user can see
 * what to fix and re-run on it.
 *
 *   row_number,line,code,reason,raw,raw_truncated
 *   17,18,TOO_FEW_COLUMNS,"row has 3 fields, the header has 5","Nguyễn Văn An,01/05/1990,Nam",
 *
 * Decision: the raw row text IS included by default (`includeRaw`), because this file is the
 * user's own output about the user's own input, written where they asked — the only place raw
 * values are allowed to go (never into errors, reasons or progress). It goes through the same
 * CSV quoting and formula escaping as any cell (a raw line starting with `=` gets a `'`), so the
 * file is safe to open in a spreadsheet; pass `escapeFormulas: false` for byte-exact raw text.
 * Columns `line` and `raw` are empty when unknown (Parquet rows have no line, no raw text).
 */
import { KhopError } from '../errors.js';
import { CsvWriter } from './csv-writer.js';
import { destinationProblem, rowsProblem, throwArgumentProblems } from './write-arguments.js';
import type { RejectedItem } from './record-types.js';
import type { TextDestination } from './text-sink.js';

export interface RejectedWriteOptions {
  /** Include the raw text of each row. Default true (see file header). */
  includeRaw?: boolean;
  /** Prefix formula-like cells with `'`. Default true. */
  escapeFormulas?: boolean;
  /** Start with a UTF-8 byte-order mark (for Excel). Default false. */
  bom?: boolean;
  /** End the stream on close. Default: true for a path, false for a stream. */
  end?: boolean;
}

/** Columns of the rejected-rows file. */
export const REJECTED_COLUMNS_WITH_RAW: readonly string[] = Object.freeze(['row_number', 'line', 'code', 'reason', 'raw', 'raw_truncated']);
export const REJECTED_COLUMNS: readonly string[] = Object.freeze(['row_number', 'line', 'code', 'reason']);

/** Streaming writer of rejected rows (write them as the reader produces them). */
export class RejectedRowWriter {
  private readonly csv: CsvWriter;
  private readonly includeRaw: boolean;

  constructor(dest: TextDestination, options: RejectedWriteOptions = {}) {
    throwArgumentProblems('RejectedRowWriter', [destinationProblem('dest', dest)]);
    if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'rejected-rows writer options must be an object');
    if (options.includeRaw !== undefined && typeof options.includeRaw !== 'boolean') {
      throw new KhopError('INVALID_OPTION', 'invalid rejected-rows writer options: includeRaw: expected a boolean');
    }
    this.includeRaw = options.includeRaw ?? true;
    const csv: ConstructorParameters<typeof CsvWriter>[1] = { columns: this.includeRaw ? REJECTED_COLUMNS_WITH_RAW : REJECTED_COLUMNS };
    if (options.escapeFormulas !== undefined) csv.escapeFormulas = options.escapeFormulas;
    if (options.bom !== undefined) csv.bom = options.bom;
    if (options.end !== undefined) csv.end = options.end;
    this.csv = new CsvWriter(dest, csv);
  }

  get rowCount(): number {
    return this.csv.rowCount;
  }

  write(item: RejectedItem): void | Promise<void> {
    if (typeof item !== 'object' || item === null || item.kind !== 'rejected') {
      throw new KhopError('INVALID_ARGUMENT', `rejected-rows writer: item ${this.csv.rowCount + 1} is not a rejected row`);
    }
    const cells: unknown[] = [item.rowNumber, item.line ?? '', item.code, item.reason];
    if (this.includeRaw) cells.push(item.raw ?? '', item.rawTruncated === true ? 'true' : '');
    return this.csv.writeRow(cells);
  }

  close(): Promise<void> {
    return this.csv.close();
  }

  /** End without committing: a file path keeps its previous content, no temporary file stays (TextSink.abort). */
  abort(): Promise<void> {
    return this.csv.abort();
  }
}

/**
 * Write rejected rows to a CSV file or stream. Items of kind 'row' are skipped, so a whole
 * RecordSource's items may be passed.
 * @returns the number of rejected rows written.
 */
export async function writeRejected(
  dest: TextDestination,
  items: Iterable<RejectedItem | { kind: 'row' }> | AsyncIterable<RejectedItem | { kind: 'row' }>,
  options: RejectedWriteOptions = {},
): Promise<number> {
  throwArgumentProblems('writeRejected', [destinationProblem('dest', dest), rowsProblem('items', items)]);
  const w = new RejectedRowWriter(dest, options);
  try {
    // An item that is neither a row nor a rejected row (null, a string…) goes to w.write, which
    // refuses it with INVALID_ARGUMENT naming its position.
    if (Symbol.asyncIterator in items) {
      for await (const item of items) {
        if (isRowItem(item)) continue;
        const p = w.write(item);
        if (p !== undefined) await p;
      }
    } else {
      for (const item of items) {
        if (isRowItem(item)) continue;
        const p = w.write(item);
        if (p !== undefined) await p;
      }
    }
  } catch (e) {
    // Not close(): that would rename the rows written so far over the file, which would then
    // read as complete. The file keeps what it held; the first error is the one reported.
    await w.abort().catch(() => undefined);
    throw e;
  }
  await w.close();
  return w.rowCount;
}

function isRowItem<T>(item: T): item is Extract<T, { kind: 'row' }> {
  return typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind === 'row';
}
