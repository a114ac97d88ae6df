/**
 * Streaming writers for synthetic rows: CSV (RFC 4180) and NDJSON, UTF-8 without BOM, LF line
 * ends, so DuckDB, pandas, Polars and spreadsheets read back exactly the values written.
 *
 * Back-pressure: rows are encoded into a string buffer of ~64 KiB; each full buffer is handed
 * to the file stream and, when `write` returns false, the writer awaits 'drain' before encoding
 * more. Memory stays bounded whatever the number of rows (sync or async iterables).
 *
 * CSV quoting (RFC 4180 §2): a field is quoted when it contains a comma, a double quote, CR or
 * LF — and also when it starts or ends with a space or tab, so readers that trim unquoted
 * fields keep those spaces (corrupted names may be padded on purpose). Quotes inside are
 * doubled. The header row holds the column names. Values: strings as is, numbers in decimal,
 * booleans as true/false, null/undefined as the empty field; anything else is a programmer
 * error (KhopError INVALID_ARGUMENT naming the column).
 *
 * Trade-off: values are always text — no type inference is written into the file. Readers that
 * sniff types will turn a 12-digit ID into an integer and drop its leading zero: read IDs as
 * text (DuckDB: `all_varchar = true` or `types = {'id': 'VARCHAR'}`).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { KhopError } from '../errors.js';
import { filePathProblem, rowsProblem, throwArgumentProblems } from '../io/write-arguments.js';

/** What the writers return. */
export interface WriteResult {
  /** Data rows written (the CSV header is not counted). */
  rows: number;
  /** Bytes written (UTF-8). */
  bytes: number;
}

/** Rows to write: objects whose fields are strings, numbers, booleans or missing. */
export type WritableRow = object;

/** Approximate size of the text handed to the stream per write. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Write rows as CSV. `columns` picks and orders the fields (default: the keys of the first
 * row). Resolves with the row and byte counts; rejects with KhopError IO_ERROR on a file error
 * (the partial file is left in place) or INVALID_ARGUMENT on an unwritable value or a wrong
 * argument (then before any file is created).
 */
export async function writeCsv(
  rows: Iterable<WritableRow> | AsyncIterable<WritableRow>,
  path: string,
  columns?: readonly string[],
): Promise<WriteResult> {
  throwArgumentProblems('writeCsv', [rowsProblem('rows', rows), filePathProblem('path', path)]);
  checkColumns(columns);
  return writeLines(rows, path, columns, (cols) => cols.map(csvField).join(',') + '\n', (row, cols) => {
    let line = '';
    for (let j = 0; j < cols.length; j++) {
      if (j > 0) line += ',';
      line += csvField(valueText(row, cols[j]));
    }
    return line + '\n';
  });
}

/**
 * Write rows as NDJSON: one JSON object per line with the chosen `columns` (default: the keys
 * of the first row), in column order; missing values are written as "" (so every line has
 * the same keys and string values stay strings).
 */
export async function writeNdjson(
  rows: Iterable<WritableRow> | AsyncIterable<WritableRow>,
  path: string,
  columns?: readonly string[],
): Promise<WriteResult> {
  throwArgumentProblems('writeNdjson', [rowsProblem('rows', rows), filePathProblem('path', path)]);
  checkColumns(columns);
  return writeLines(rows, path, columns, null, (row, cols) => {
    let line = '{';
    for (let j = 0; j < cols.length; j++) {
      if (j > 0) line += ',';
      const v = (row as Record<string, unknown>)[cols[j]];
      line += JSON.stringify(cols[j]) + ':' + (typeof v === 'number' || typeof v === 'boolean' ? jsonScalar(v, cols[j]) : JSON.stringify(valueText(row, cols[j])));
    }
    return line + '}\n';
  });
}

function jsonScalar(v: number | boolean, column: string): string {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new KhopError('INVALID_ARGUMENT', `writeNdjson: column "${column}" holds a non-finite number`);
  }
  return String(v);
}

function checkColumns(columns: readonly string[] | undefined): void {
  if (columns === undefined) return;
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
    throw new KhopError('INVALID_ARGUMENT', 'columns must be a non-empty array of field names');
  }
}

async function writeLines(
  rows: Iterable<WritableRow> | AsyncIterable<WritableRow>,
  path: string,
  columns: readonly string[] | undefined,
  header: ((cols: readonly string[]) => string) | null,
  line: (row: WritableRow, cols: readonly string[]) => string,
): Promise<WriteResult> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  let failure: unknown;
  out.on('error', (e) => {
    failure = e;
  });
  let count = 0;
  let bytes = 0;
  let buf = '';
  let cols = columns;
  const flush = async (): Promise<void> => {
    if (failure !== undefined) throw ioError(failure);
    if (buf.length === 0) return;
    bytes += Buffer.byteLength(buf, 'utf8');
    const ok = out.write(buf);
    buf = '';
    // events.once rejects if 'error' fires while waiting; an earlier error was checked above.
    if (!ok) await once(out, 'drain');
  };
  try {
    for await (const row of rows as AsyncIterable<WritableRow>) {
      if (row === null || typeof row !== 'object') throw new KhopError('INVALID_ARGUMENT', `row ${count} is not an object`);
      if (cols === undefined) cols = Object.keys(row);
      if (count === 0 && header !== null) buf += header(cols);
      buf += line(row, cols);
      count++;
      if (buf.length >= CHUNK_CHARS) await flush();
    }
    if (count === 0 && header !== null && cols !== undefined) buf += header(cols);
    await flush();
    out.end();
    await finished(out); // resolves on 'finish', rejects on an error (also one already emitted)
  } catch (e) {
    out.destroy();
    if (e instanceof KhopError) throw e;
    throw ioError(e);
  }
  return { rows: count, bytes };
}

function ioError(cause: unknown): KhopError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new KhopError('IO_ERROR', `write failed${typeof code === 'string' ? ` (${code})` : ''}`, { cause });
}

/** The text of one value (see the file header for the accepted types). */
function valueText(row: WritableRow, column: string): string {
  const v = (row as Record<string, unknown>)[column];
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new KhopError('INVALID_ARGUMENT', `column "${column}" holds a non-finite number`);
    return String(v);
  }
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  throw new KhopError('INVALID_ARGUMENT', `column "${column}" holds a value that is not text, a number or a boolean`);
}

/** RFC 4180 field: quoted when needed (see the file header), quotes doubled. */
export function csvField(s: string): string {
  let needs = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2c || c === 0x22 || c === 0x0a || c === 0x0d) {
      needs = true;
      break;
    }
  }
  if (!needs && s.length > 0) {
    const a = s.charCodeAt(0);
    const b = s.charCodeAt(s.length - 1);
    needs = a === 0x20 || a === 0x09 || b === 0x20 || b === 0x09;
  }
  if (!needs) return s;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    out += ch === '"' ? '""' : ch;
  }
  return out + '"';
}
