/**
 * The one shape every file reader produces: a stream of accepted rows and rejected rows.
 *
 *   RecordSource ── columns (known before the first row)
 *        │
 *        ├─ { kind: 'row',      rowNumber, line?, values }          accepted
 *        ├─ { kind: 'rejected', rowNumber, line?, code, reason, raw? } never silently dropped
 *        └─ summary { rows = accepted + rejected, blankLines, status }
 *
 * Trade-off: a row is an object keyed by column name (not an array) because the schema layer
 * looks fields up by name, and it inherits NOTHING: a missing column must read as `undefined`,
 * never as an `Object.prototype` member (`row.constructor`), and header names such as
 * `__proto__` must become ordinary own properties. Rows get that from {@link ROW_PROTOTYPE}, an
 * empty, frozen object whose own prototype is null — the same lookups as `Object.create(null)`,
 * but V8 keeps such rows in fast mode (hidden classes) where `Object.create(null)` objects start
 * as dictionaries: building a 6-column row measured 1.6–2.7× faster on a loaded 2-core machine
 * (bench/io/csv.bench.ts, tasks g vs h; a standalone loop gave 2.7×).
 * Readers also hand rows out in batches (`batches()`), one per decoded chunk or Parquet row
 * group, for loaders that want to avoid one promise per row.
 *
 * Accounting invariant, asserted by the tests on malformed inputs: every data row the parser
 * recognises is either accepted or rejected; `summary.rows === accepted + rejected`.
 */

/** Input file formats. */
export type RecordFormat = 'csv' | 'ndjson' | 'parquet';

/**
 * Text encodings the readers decode (detected from a byte-order mark, or forced).
 * 'windows-1258' is the Vietnamese Windows code page (one byte a character, tones as combining
 * marks): files saved by older Vietnamese software; khop reads their names like any decomposed
 * Unicode text.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1258';

/** Why a row was rejected. Stable: the rejected-rows file and callers switch on it. */
export type RejectCode =
  /** CSV: a field longer than `maxFieldLength` (its text was not buffered). */
  | 'FIELD_TOO_LONG'
  /** CSV: more fields than the header. */
  | 'TOO_MANY_COLUMNS'
  /** CSV: fewer fields than the header. */
  | 'TOO_FEW_COLUMNS'
  /** CSV: a quoted field still open at the end of the input. */
  | 'UNTERMINATED_QUOTE'
  /** CSV: characters between a closing quote and the next delimiter / line end. */
  | 'TEXT_AFTER_QUOTE'
  /** Any text format: the row contains U+FFFD, the mark of bytes that are not valid UTF-8/16. */
  | 'INVALID_ENCODING'
  /** NDJSON: a line longer than `maxLineLength` (its text was not buffered). */
  | 'LINE_TOO_LONG'
  /** NDJSON: the line is not valid JSON. */
  | 'INVALID_JSON'
  /** NDJSON: the line is valid JSON but not an object (array, string, number, null). */
  | 'NOT_AN_OBJECT'
  /** Parquet: a value that cannot be represented (e.g. a date outside the JavaScript range). */
  | 'INVALID_VALUE'
  /** CSV: a data row whose every field is its column's name — the header line again (two exports concatenated). */
  | 'REPEATED_HEADER';

/**
 * The prototype of every row object: empty, frozen, with a null prototype itself. So a row has
 * no inherited member (`'toString' in row === false`) and nothing can be added to all rows.
 */
export const ROW_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** A constructor whose instances inherit only from ROW_PROTOTYPE (no `constructor` member). */
const RowValuesConstructor = function RowValues(): void {} as unknown as new () => RecordValues;
RowValuesConstructor.prototype = ROW_PROTOTYPE;

/** A new, empty row object (prototype ROW_PROTOTYPE). */
export function newRowValues(): RecordValues {
  return new RowValuesConstructor();
}

/**
 * The values of one accepted row: an object keyed by column name that inherits nothing
 * (prototype {@link ROW_PROTOTYPE}).
 * CSV values are strings (an empty field is `''`); Parquet values are strings or `null`
 * (missing) or, for nested columns, the nested value as decoded; NDJSON values are whatever
 * the JSON held (the schema layer rejects non-strings where it expects text).
 */
export type RecordValues = Record<string, unknown>;

/** An accepted row. */
export interface RowItem {
  readonly kind: 'row';
  /** 1-based number of the data row (header excluded; blank lines excluded). */
  readonly rowNumber: number;
  /** 1-based physical line where the row starts (CSV, NDJSON); absent for Parquet. */
  readonly line?: number;
  readonly values: RecordValues;
}

/** A row that could not be read. Its reason names the problem (and column), never a value. */
export interface RejectedItem {
  readonly kind: 'rejected';
  /** 1-based number of the data row, counted exactly like accepted rows. */
  readonly rowNumber: number;
  /** 1-based physical line where the row starts (CSV, NDJSON); absent for Parquet. */
  readonly line?: number;
  readonly code: RejectCode;
  /** Human explanation; mentions column positions / header names, never record values. */
  readonly reason: string;
  /**
   * The row's raw text as it appeared in the input (line terminator excluded), for the
   * user's own rejected-rows file. Present when `keepRaw` (default true); cut to
   * {@link RAW_TEXT_LIMIT} code units for oversized rows (then `rawTruncated` is true).
   */
  readonly raw?: string;
  readonly rawTruncated?: boolean;
}

export type RecordItem = RowItem | RejectedItem;

/** Raw text kept for a rejected row is cut after this many UTF-16 code units (64 Ki). */
export const RAW_TEXT_LIMIT = 65536;

/**
 * 'reading': not finished yet; 'ok': finished, had at least one data row;
 * 'empty': the input held nothing (no header, no rows) — not an error, a job on an empty
 * extract produces empty output; 'no-rows': a header (or schema) but no data row.
 */
export type ReadStatus = 'reading' | 'ok' | 'empty' | 'no-rows';

export interface ReadSummary {
  readonly format: RecordFormat;
  /** Data rows seen: always `accepted + rejected`. */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Empty lines skipped (CSV: lines with no character at all; NDJSON: whitespace-only lines). Not rows. */
  readonly blankLines: number;
  /** Bytes read from the source (compressed bytes for gzip input). */
  readonly bytesRead: number;
  readonly status: ReadStatus;
}

/**
 * A stream of rows from one file. Iterate it once, either item by item (`for await`) or batch
 * by batch (`batches()`). Breaking out of the loop closes the underlying file.
 */
export interface RecordSource extends AsyncIterable<RecordItem> {
  readonly format: RecordFormat;
  /** Column names, in file order (CSV header, Parquet schema; NDJSON: the union of the keys of the first objects, in first-seen order — see readNdjson). */
  readonly columns: readonly string[];
  /** Decoded text encoding (null for Parquet). */
  readonly encoding: TextEncodingName | null;
  /** CSV delimiter in use (detected or forced); null for other formats. */
  readonly delimiter: string | null;
  /** Items in batches (one per decoded chunk / row group), cheaper than one promise per row. */
  batches(): AsyncIterable<readonly RecordItem[]>;
  /** Counts so far; final once `status !== 'reading'`. */
  readonly summary: ReadSummary;
  /** Release the input early (idempotent; iteration to the end closes it by itself). */
  close(): Promise<void>;
}
