/**
 * Parquet reader through `hyparquet` (pure JavaScript, no native build, reads row groups
 * lazily from a random-access buffer): a file → a RecordSource, one batch per row group.
 *
 * - Memory: one row group at a time (hyparquet decodes the requested row range's column
 *   chunks; the file is read by byte ranges through a FileHandle, never whole).
 * - Values become strings, the form every other reader gives the schema layer:
 *     BYTE_ARRAY / UTF8 → as is        INT64, UINT64 (BigInt) → decimal string
 *     INT32, FLOAT, DOUBLE, DECIMAL → String(number)   (NaN → null: pandas writes a missing float as NaN)
 *     BOOLEAN → 'true' / 'false'       DATE → 'YYYY-MM-DD'
 *     TIMESTAMP (ms, µs, ns, INT96) → ISO 8601 'YYYY-MM-DDTHH:mm:ss.sssZ', or just 'YYYY-MM-DD'
 *       when it is exactly midnight UTC (a date of birth written as a pandas datetime64)
 *     null → null (missing)             nested (LIST, MAP, STRUCT) → left as decoded
 *   A string with U+FFFD → row rejected INVALID_ENCODING (as for CSV); ±Infinity or a date
 *   outside JavaScript's range → row rejected INVALID_VALUE.
 *   DECIMAL with scale 0 stored as INT32, INT64 or FIXED_LEN_BYTE_ARRAY (DuckDB's DECIMAL(19,0),
 *   DECIMAL(38,0)) → its exact decimal string: khop reads the unscaled integer itself (the
 *   column's DECIMAL annotation is dropped from the metadata hyparquet decodes with), since
 *   hyparquet's conversion goes through a JavaScript number and would round 1234567890123456789.
 *   Other DECIMALs (a scale, or BYTE_ARRAY storage) go through a number: exact up to 15–16
 *   significant digits, enough for any 12-digit ID.
 *   A number beyond ±2^53 (a DOUBLE — DuckDB writes HUGEINT as DOUBLE — or a large DECIMAL with
 *   a scale) is handed on as a number, not its digits: those digits may not be the ones
 *   written, so a schema that uses the column refuses the row (isInexactNumber), and a column
 *   no field uses costs nothing.
 * - Compression: hyparquet alone reads UNCOMPRESSED and SNAPPY (verified in its README and
 *   datapage.js). khop adds GZIP and BROTLI through node:zlib, and ZSTD where node:zlib has
 *   it (Node ≥ 22.15); LZO, LZ4 and, on older Node, ZSTD need `hyparquet-compressors` (not a
 *   dependency): such a file is refused at open, naming the codec, before any row is read.
 * - Column names must be non-empty and unique (checkColumnNames, as a CSV header): a file with a
 *   repeated or empty top-level name is refused INVALID_INPUT naming the positions.
 * - Parquet needs random access: the source must be a regular file's path or the whole file as
 *   bytes; a pipe or a device (`<(cat x.parquet)`, /dev/stdin) is refused INVALID_ARGUMENT
 *   before it is opened.
 * - hyparquet is imported lazily, on the first Parquet read: CSV / NDJSON users never load it,
 *   and the package's CommonJS build does not have to `require` an ES-module-only dependency
 *   at start-up.
 *
 * Reference: Apache Parquet format specification, https://github.com/apache/parquet-format.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import type { AsyncBuffer, Compressors, FileMetaData, ParquetParsers } from 'hyparquet';
import { KhopError, isKhopError } from '../errors.js';
import { inputPathKind, notAFileError, parquetStreamError } from './byte-source.js';
import { BatchRecordSource, checkBaseOptions, throwIfProblems, type ProgressFacts, type ReadOptionsBase } from './record-source.js';
import { newRowValues, type RecordItem, type RecordSource, type RejectCode } from './record-types.js';
import { isInexactNumber } from '../util/type-name.js';
import { checkColumnNames } from './csv-reader.js';

export interface ParquetReadOptions extends ReadOptionsBase {
  /** Read only these columns (Parquet is columnar: unread columns cost nothing). Default: all top-level columns. */
  columns?: readonly string[];
}

const MS_PER_DAY = 86_400_000;
/** Returned by the time parsers for a value outside JavaScript's Date range. */
const BAD_TIME: unique symbol = Symbol('khop.parquet.badTime');

/** ISO string of a millisecond timestamp; date only at exactly midnight UTC. */
function isoFromMillis(ms: number): string | typeof BAD_TIME {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return BAD_TIME;
  const iso = new Date(ms).toISOString();
  return ms % MS_PER_DAY === 0 ? iso.slice(0, iso.indexOf('T')) : iso;
}

/** Floor division of a bigint by a positive bigint (BigInt `/` truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

const PARSERS: Partial<ParquetParsers> = {
  dateFromDays: (days: number) => {
    const ms = days * MS_PER_DAY;
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString().slice(0, 10) : BAD_TIME;
  },
  timestampFromMilliseconds: (ms: bigint) => isoFromMillis(Number(ms)),
  timestampFromMicroseconds: (us: bigint) => isoFromMillis(Number(floorDiv(us, 1000n))),
  timestampFromNanoseconds: (ns: bigint) => isoFromMillis(Number(floorDiv(ns, 1_000_000n))),
};

type Hyparquet = typeof import('hyparquet');
let hyparquet: Promise<Hyparquet> | null = null;
/** hyparquet, loaded once on first use. */
function loadHyparquet(): Promise<Hyparquet> {
  hyparquet ??= import('hyparquet');
  return hyparquet;
}

type Decompress = (input: Uint8Array, outputLength: number) => Uint8Array;
const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync;
const COMPRESSORS: Compressors = {
  GZIP: ((input) => new Uint8Array(zlib.gunzipSync(input))) as Decompress,
  BROTLI: ((input) => new Uint8Array(zlib.brotliDecompressSync(input))) as Decompress,
  ...(zstd !== undefined ? { ZSTD: ((input) => new Uint8Array(zstd(input))) as Decompress } : {}),
};
const READABLE_CODECS: ReadonlySet<string> = new Set(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(COMPRESSORS)]);

/** An AsyncBuffer over an open file: each slice is one positioned read. */
class FileBuffer implements AsyncBuffer {
  readonly byteLength: number;
  bytesRead = 0;
  constructor(private readonly handle: FileHandle, size: number) {
    this.byteLength = size;
  }
  async slice(start: number, end: number = this.byteLength): Promise<ArrayBuffer> {
    const length = Math.max(0, end - start);
    const buf = new Uint8Array(length);
    let off = 0;
    while (off < length) {
      const { bytesRead } = await this.handle.read(buf, off, length - off, start + off);
      if (bytesRead === 0) throw new KhopError('IO_ERROR', 'Parquet file is shorter than its metadata says (changed while reading?)');
      off += bytesRead;
    }
    this.bytesRead += length;
    return buf.buffer;
  }
}

/** The whole file in memory as an AsyncBuffer. */
class MemoryBuffer implements AsyncBuffer {
  readonly byteLength: number;
  bytesRead = 0;
  constructor(private readonly bytes: Uint8Array) {
    this.byteLength = bytes.byteLength;
  }
  slice(start: number, end: number = this.byteLength): ArrayBuffer {
    this.bytesRead += Math.max(0, end - start);
    const b = this.bytes;
    return b.buffer.slice(b.byteOffset + start, b.byteOffset + end) as ArrayBuffer;
  }
}

/**
 * Open a Parquet file and read its metadata. The returned source knows its `columns`;
 * iterate it for the rows, one row group per batch.
 * @throws KhopError INVALID_OPTION, IO_ERROR (unreadable file), INVALID_ARGUMENT (a stream, or
 *   a path naming a pipe or a device: Parquet needs random access; unknown `columns`), INVALID_INPUT (not Parquet, corrupt,
 *   or compressed with a codec khop cannot decompress).
 */
export async function readParquet(source: string | Uint8Array, options: ParquetReadOptions = {}): Promise<RecordSource> {
  if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'Parquet options must be an object');
  const problems: string[] = [];
  checkBaseOptions(options, problems);
  if (options.columns !== undefined && !(Array.isArray(options.columns) && options.columns.every((c) => typeof c === 'string'))) {
    problems.push('columns: expected an array of column names');
  }
  throwIfProblems('Parquet', problems);

  let handle: FileHandle | null = null;
  let file: FileBuffer | MemoryBuffer;
  if (typeof source === 'string') {
    try {
      // Looked at before opening: opening a named pipe blocks until a writer comes (for ever
      // when none does), and a pipe or a device has no offsets to read the footer at.
      const kind = inputPathKind(await stat(source));
      if (kind === 'stream') throw parquetStreamError(source);
      handle = await open(source, 'r');
      const st = await handle.stat();
      if (!st.isFile()) throw notAFileError(source, st);
      file = new FileBuffer(handle, st.size);
    } catch (e) {
      await handle?.close();
      if (isKhopError(e)) throw e;
      throw new KhopError('IO_ERROR', `cannot open input file: ${source}`, { cause: e });
    }
  } else if (source instanceof Uint8Array) {
    file = new MemoryBuffer(source);
  } else {
    throw new KhopError('INVALID_ARGUMENT', 'Parquet input must be a file path or the whole file as a Uint8Array (Parquet needs random access, a stream cannot be read)');
  }

  try {
    const { parquetMetadataAsync, parquetSchema } = await loadHyparquet();
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file, { parsers: PARSERS });
    } catch (e) {
      if (isKhopError(e)) throw e;
      throw new KhopError('INVALID_INPUT', 'input is not a readable Parquet file (bad magic number or corrupt footer)', { cause: e });
    }
    checkRowCounts(metadata);
    const top = parquetSchema(metadata).children;
    const all = top.map((c) => c.element.name);
    // As for a CSV header: a repeated name would read one column's values under both (the
    // other's lost), an empty one cannot be named by a schema. Refused even when `columns`
    // leaves them out: which of two same-named columns a selection means cannot be told.
    checkColumnNames(all, false, 're-export the file with unique, non-empty column names');
    let names = all;
    if (options.columns !== undefined) {
      const unknown = options.columns.filter((c) => !all.includes(c));
      if (unknown.length > 0) {
        throw new KhopError('INVALID_ARGUMENT', `Parquet file has no column ${unknown.map((c) => JSON.stringify(c)).join(', ')}`, {
          details: { unknown, available: all },
        });
      }
      names = options.columns.slice();
    }
    const codecs = new Set<string>();
    for (const rg of metadata.row_groups) for (const cc of rg.columns) if (cc.meta_data !== undefined) codecs.add(cc.meta_data.codec);
    const unreadable = [...codecs].filter((c) => !READABLE_CODECS.has(c));
    if (unreadable.length > 0) {
      throw new KhopError(
        'INVALID_INPUT',
        `Parquet file is compressed with ${unreadable.join(', ')}, which khop cannot decompress on this Node.js ` +
          `(readable: ${[...READABLE_CODECS].join(', ')}); re-export it with one of those (Snappy is the usual default)`,
        { details: { codecs: unreadable } },
      );
    }
    const exact = exactDecimalColumns(top);
    if (exact.size > 0) metadata = { ...metadata, schema: metadata.schema.map((e) => (exact.has(e) ? { ...e, converted_type: undefined, logical_type: undefined } : e)) };
    const rawDecimal = names.map((n) => top.some((c) => c.element.name === n && exact.has(c.element)));
    return new ParquetRecordSource(file, handle, metadata, names, rawDecimal, options);
  } catch (e) {
    await handle?.close();
    throw e;
  }
}

type SchemaElement = FileMetaData['schema'][number];

/**
 * The top-level leaf columns holding DECIMAL with scale 0 in INT32, INT64 or
 * FIXED_LEN_BYTE_ARRAY storage: read as their unscaled integers and written as exact decimal
 * strings (see the file header), not through hyparquet's lossy number conversion.
 */
function exactDecimalColumns(top: ReadonlyArray<{ element: SchemaElement; children: readonly unknown[] }>): Set<SchemaElement> {
  const out = new Set<SchemaElement>();
  for (const c of top) {
    const e = c.element;
    if (c.children.length > 0 || e.repetition_type === 'REPEATED') continue;
    const decimal = e.converted_type === 'DECIMAL' || e.logical_type?.type === 'DECIMAL';
    const scale = e.logical_type?.type === 'DECIMAL' ? e.logical_type.scale : (e.scale ?? 0);
    if (decimal && (scale ?? 0) === 0 && (e.type === 'INT32' || e.type === 'INT64' || e.type === 'FIXED_LEN_BYTE_ARRAY')) out.add(e);
  }
  return out;
}

/** A big-endian two's-complement integer (a DECIMAL's unscaled value) as a decimal string. */
function decimalStringOf(bytes: Uint8Array): string {
  if (bytes.length === 0) return '0';
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes[0]! >= 0x80) value -= 1n << BigInt(bytes.length * 8); // sign bit set: subtract 2^bits
  return value.toString();
}

/** A row count from the footer as a bigint, or -1n when it is not a count. */
function countOf(x: unknown): bigint {
  if (typeof x === 'bigint') return x >= 0n ? x : -1n;
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
  return -1n;
}

/**
 * The footer's row counts must agree — every row group's a count, their sum the file's: a
 * corrupt footer would otherwise read as zero rows, or as extra rows of nulls.
 * @throws KhopError INVALID_INPUT.
 */
function checkRowCounts(metadata: FileMetaData): void {
  let sum = 0n;
  let bad = false;
  for (const rg of metadata.row_groups) {
    const n = countOf(rg.num_rows);
    if (n < 0n) bad = true;
    sum += n;
  }
  if (bad || countOf(metadata.num_rows) !== sum) {
    throw new KhopError('INVALID_INPUT', 'Parquet footer is corrupt: its row counts disagree (row groups vs file)');
  }
}

class ParquetRecordSource extends BatchRecordSource {
  readonly format = 'parquet' as const;
  private readonly file: FileBuffer | MemoryBuffer;
  private handle: FileHandle | null;
  private readonly metadata: FileMetaData;
  private readonly totalRows: number;
  /** Per column (in `names` order): a DECIMAL read as its unscaled integer (exactDecimalColumns). */
  private readonly rawDecimal: readonly boolean[];
  private rowsDone = 0;

  constructor(file: FileBuffer | MemoryBuffer, handle: FileHandle | null, metadata: FileMetaData, names: readonly string[], rawDecimal: readonly boolean[], base: ReadOptionsBase) {
    super(null, null, base);
    this.rawDecimal = rawDecimal;
    this.file = file;
    this.handle = handle;
    this.metadata = metadata;
    this.names = Object.freeze(names.slice());
    this.totalRows = Number(metadata.num_rows);
  }

  protected async *produce(): AsyncGenerator<RecordItem[]> {
    const { parquetRead } = await loadHyparquet();
    const names = this.names;
    const columns = names.slice();
    let groupStart = 0;
    for (let g = 0; g < this.metadata.row_groups.length; g++) {
      const groupRows = Number(this.metadata.row_groups[g]!.num_rows);
      let rows: unknown[][] = [];
      try {
        await parquetRead({
          file: this.file,
          metadata: this.metadata,
          columns,
          rowStart: groupStart,
          rowEnd: groupStart + groupRows,
          rowFormat: 'array',
          parsers: PARSERS,
          compressors: COMPRESSORS,
          onComplete: (r: unknown[][]) => {
            rows = r;
          },
        });
      } catch (e) {
        if (isKhopError(e)) throw e;
        throw new KhopError('INVALID_INPUT', `Parquet row group ${g + 1} cannot be decoded (corrupt or unsupported encoding)`, {
          cause: e,
          details: { rowGroup: g + 1 },
        });
      }
      if (columns.length > 0 && rows.length !== groupRows) {
        throw new KhopError('INVALID_INPUT', `Parquet row group ${g + 1} decoded to ${rows.length} rows, its metadata says ${groupRows} (corrupt file)`, {
          details: { rowGroup: g + 1 },
        });
      }
      const batch: RecordItem[] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) batch[r] = toItem(rows[r]!, names, this.rawDecimal, groupStart + r + 1);
      groupStart += groupRows;
      this.rowsDone = groupStart;
      rows = [];
      yield batch;
    }
  }

  protected async release(): Promise<void> {
    const h = this.handle;
    this.handle = null;
    await h?.close();
  }

  protected progressFacts(): ProgressFacts {
    return { done: this.rowsDone, total: this.totalRows, unit: 'rows' };
  }

  protected blankLineCount(): number {
    return 0;
  }

  protected bytesReadSoFar(): number {
    return this.file.bytesRead;
  }
}

/** Convert one decoded row (values in `names` order) into an item. */
function toItem(row: unknown[], names: readonly string[], rawDecimal: readonly boolean[], rowNumber: number): RecordItem {
  const values = newRowValues();
  for (let j = 0; j < names.length; j++) {
    const v = row[j];
    let out: unknown;
    let bad: RejectCode | null = null;
    switch (typeof v) {
      case 'string':
        out = v;
        if (v.indexOf('\uFFFD') !== -1) bad = 'INVALID_ENCODING';
        break;
      case 'number':
        if (Number.isNaN(v)) out = null;
        else if (!Number.isFinite(v)) bad = 'INVALID_VALUE';
        else out = isInexactNumber(v) ? v : String(v); // beyond 2^53: left a number, refused where it is used
        break;
      case 'bigint':
        out = v.toString();
        break;
      case 'boolean':
        out = v ? 'true' : 'false';
        break;
      case 'undefined':
        out = null;
        break;
      case 'symbol':
        bad = 'INVALID_VALUE'; // BAD_TIME
        break;
      default:
        if (v === null) out = null;
        else if (rawDecimal[j] === true && v instanceof Uint8Array) out = decimalStringOf(v);
        else if (v instanceof Date) {
          const t = v.getTime();
          if (Number.isNaN(t)) bad = 'INVALID_VALUE';
          else out = isoFromMillis(t);
        } else out = v; // nested value: left for the schema layer
    }
    if (bad !== null) {
      const reason =
        bad === 'INVALID_ENCODING'
          ? `column ${j + 1} (${names[j]}) contains U+FFFD: bytes that are not valid UTF-8 (or a literal replacement character)`
          : `column ${j + 1} (${names[j]}) holds a value outside the representable range (infinite number or date)`;
      return { kind: 'rejected', rowNumber, code: bad, reason };
    }
    values[names[j]!] = out;
  }
  return { kind: 'row', rowNumber, values };
}
