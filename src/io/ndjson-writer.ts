/**
 * NDJSON writer: one `JSON.stringify(row)` per line, UTF-8, LF, streaming with back-pressure.
 *
 * Trade-off: rows are stringified without a replacer (a replacer function per value makes
 * JSON.stringify several times slower); only when a row holds a BigInt — which JSON.stringify
 * refuses — is it stringified again with a replacer that writes BigInts as decimal strings
 * (JSON numbers would lose precision beyond 2^53). Anything JSON.stringify cannot represent
 * otherwise (a cycle, a top-level non-object) is a KhopError('INVALID_ARGUMENT') naming the row.
 * No formula escaping: NDJSON is not opened by spreadsheets as cells.
 */
import { KhopError } from '../errors.js';
import { CsvCellRun } from './csv-writer.js';
import { TextSink, writeAllRows, type TextDestination } from './text-sink.js';
import { destinationProblem, rowsProblem, throwArgumentProblems } from './write-arguments.js';

export interface NdjsonWriteOptions {
  /** End the stream on close. Default: true for a path, false for a stream. */
  end?: boolean;
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Streaming NDJSON writer. `await` each `writeRow` (it returns a promise only under back-pressure). */
export class NdjsonWriter {
  private readonly sink: TextSink;
  private rows = 0;

  constructor(dest: TextDestination, options: NdjsonWriteOptions = {}) {
    throwArgumentProblems('NdjsonWriter', [destinationProblem('dest', dest)]);
    if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'NDJSON writer options must be an object');
    if (options.end !== undefined && typeof options.end !== 'boolean') {
      throw new KhopError('INVALID_OPTION', 'invalid NDJSON writer options: end: expected a boolean');
    }
    this.sink = new TextSink(dest, options.end);
  }

  get rowCount(): number {
    return this.rows;
  }

  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /** Write one object as one line. */
  writeRow(row: Readonly<Record<string, unknown>>): void | Promise<void> {
    const n = this.rows + 1;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      throw new KhopError('INVALID_ARGUMENT', `row ${n}: expected an object`);
    }
    let text: string;
    try {
      text = JSON.stringify(row);
    } catch (e) {
      try {
        text = JSON.stringify(row, bigintAsString);
      } catch {
        throw new KhopError('INVALID_ARGUMENT', `row ${n}: cannot be written as JSON (a cycle?)`, { cause: e });
      }
    }
    this.rows = n;
    return this.sink.write(`${text}\n`);
  }

  /**
   * Lines formatted elsewhere (each `JSON.stringify(row)` and a line break, as writeRow writes
   * them), written as they are, in order, and counted as `rows` rows.
   */
  writeLines(texts: readonly string[], rows: number): void | Promise<void> {
    this.rows += rows;
    return this.sink.writeTexts(texts);
  }

  close(): Promise<void> {
    return this.sink.close();
  }

  /**
   * Write everything and end, leaving a file path's previous content until `commit()` (or
   * `abort()`): for several files replaced together once all are written (TextSink.finish).
   */
  finish(): Promise<void> {
    return this.sink.finish();
  }

  /** After `finish()`: the written file replaces the path's previous content (TextSink.commit). */
  commit(): void {
    this.sink.commit();
  }

  /** End without committing — after `finish()` too: a file path keeps its previous content (TextSink.abort). */
  abort(): Promise<void> {
    return this.sink.abort();
  }
}

/**
 * Write all rows to an NDJSON file or stream, with back-pressure.
 * @returns rows and UTF-8 bytes written.
 */
export async function writeNdjsonRows(
  dest: TextDestination,
  rows: Iterable<Readonly<Record<string, unknown>>> | AsyncIterable<Readonly<Record<string, unknown>>>,
  options: NdjsonWriteOptions = {},
): Promise<{ rows: number; bytes: number }> {
  throwArgumentProblems('writeNdjsonRows', [destinationProblem('dest', dest), rowsProblem('rows', rows)]);
  return writeAllRows(new NdjsonWriter(dest, options), rows);
}

/**
 * The object of a row given as cells in column order (a CsvCellRun standing for its cells), as
 * the command line writes a table's row to NDJSON: absent values null, missing cells null, cells
 * beyond the columns dropped.
 */
export function cellsObject(columns: readonly string[], cells: readonly unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  let j = 0;
  for (const c of cells) {
    if (c instanceof CsvCellRun) {
      for (const x of c.cells) if (j < columns.length) o[columns[j++]!] = x ?? null;
    } else if (j < columns.length) o[columns[j++]!] = c ?? null;
  }
  for (; j < columns.length; j++) o[columns[j]!] = null;
  return o;
}
