/**
 * `openRecords`: one entry for CSV, NDJSON and Parquet inputs — chooses the format, opens the
 * reader, and hands back a RecordSource (columns known, rows and rejected rows streaming).
 *
 * Format choice, first rule that applies:
 *   1. `options.format`;
 *   2. the file extension (a trailing `.gz` ignored): .csv .txt → csv; .tsv .tab → csv with
 *      a tab delimiter unless one is given; .ndjson .jsonl .ldjson → ndjson;
 *      .parquet .parq .pq → parquet; (.json and anything else → 3);
 *   3. the content: `PAR1` magic → parquet; first non-blank character `{` → ndjson;
 *      `[` → KhopError (a JSON array is not NDJSON); anything else → csv.
 * Gzip input (magic 1f 8b) is unwrapped transparently for CSV and NDJSON.
 * A path naming a pipe or a character device (`<(zcat x.csv.gz)`, a mkfifo, /dev/stdin) is read
 * once as a stream, as bytes from standard input are; Parquet from one is refused (byte-source.ts).
 *
 * Options that do not apply to the chosen format (e.g. `delimiter` for NDJSON, `columns` —
 * a Parquet column selection — for CSV) are ignored, so
 * a command line can pass its flags through without knowing the format in advance; unknown
 * option names are an error (a typo must not be ignored).
 */
import { foreignFormat, foreignFormatError } from './foreign-formats.js';
import { KhopError } from '../errors.js';
import { sniffEncoding, type EncodingOption } from './text-decoding.js';
import { ByteInput, parquetStreamError, type ByteSource } from './byte-source.js';
import { readCsv, type CsvReadOptions } from './csv-reader.js';
import { readNdjson, type NdjsonReadOptions } from './ndjson-reader.js';
import { readParquet, type ParquetReadOptions } from './parquet-reader.js';
import type { RecordFormat, RecordSource } from './record-types.js';

export interface OpenRecordsOptions extends CsvReadOptions, NdjsonReadOptions, ParquetReadOptions {
  /** Input format. Default: from the file extension, else from the content (see file header). */
  format?: RecordFormat;
}

const FORMATS: readonly RecordFormat[] = ['csv', 'ndjson', 'parquet'];
const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'format',
  // every reader
  'keepRaw',
  'onProgress',
  'signal',
  // csv + ndjson
  'encoding',
  // csv
  'delimiter',
  'header',
  'renameBadColumns',
  'maxFieldLength',
  'maxColumns',
  // ndjson
  'maxLineLength',
  // parquet
  'columns',
]);

/** Format and CSV delimiter implied by a file name, or null when the name says nothing. */
export function formatFromFileName(path: string): { format: RecordFormat; delimiter?: '\t' } | null {
  let name = path.toLowerCase();
  if (name.endsWith('.gz')) name = name.slice(0, -3);
  const dot = name.lastIndexOf('.');
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  if (dot <= slash + 1) return null;
  switch (name.slice(dot + 1)) {
    case 'csv':
    case 'txt':
      return { format: 'csv' };
    case 'tsv':
    case 'tab':
      return { format: 'csv', delimiter: '\t' };
    case 'ndjson':
    case 'jsonl':
    case 'ldjson':
      return { format: 'ndjson' };
    case 'parquet':
    case 'parq':
    case 'pq':
      return { format: 'parquet' };
    default:
      return null;
  }
}

/**
 * Format implied by the first bytes of the (decompressed) content.
 * @throws KhopError('INVALID_INPUT') for a JSON array.
 */
export function formatFromContent(head: Uint8Array, encoding?: EncodingOption): RecordFormat {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet'; // "PAR1"
  // The first non-blank character, read in the encoding the reader will decode with (sniffEncoding:
  // the byte-order mark, or the encoding given).
  const { encoding: enc, bomLength } = sniffEncoding(head, encoding);
  const width = enc === 'utf-16le' || enc === 'utf-16be' ? 2 : 1;
  let first = -1;
  for (let i = bomLength; i + width <= head.length; i += width) {
    const u = width === 1 ? head[i]! : enc === 'utf-16le' ? head[i]! | (head[i + 1]! << 8) : (head[i]! << 8) | head[i + 1]!;
    if (u !== 0x20 && u !== 0x09 && u !== 0x0a && u !== 0x0d) {
      first = u;
      break;
    }
  }
  if (first === 0x7b) return 'ndjson'; // {
  if (first === 0x5b) {
    throw new KhopError('INVALID_INPUT', 'input looks like a JSON array; khop reads NDJSON (one JSON object per line) — convert it, e.g. with `jq -c ".[]"`');
  }
  return 'csv';
}

/**
 * Open a CSV, NDJSON or Parquet input as a RecordSource.
 * @example
 *   const records = await openRecords('dan_cu.csv', { onProgress: createProgressReporter() });
 *   console.log(records.columns);
 *   for await (const item of records) {
 *     if (item.kind === 'row') use(item.values);
 *     else rejected.push(item);          // { rowNumber, line, code, reason, raw }
 *   }
 *   console.log(records.summary);        // { rows, accepted, rejected, blankLines, status, … }
 * @throws KhopError INVALID_OPTION (bad or unknown options, all listed), IO_ERROR,
 *   INVALID_ARGUMENT (bad source), INVALID_INPUT (unreadable header, bad column names, JSON array,
 *   not Parquet, unsupported Parquet compression).
 */
export async function openRecords(source: ByteSource, options: OpenRecordsOptions = {}): Promise<RecordSource> {
  if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'openRecords options must be an object');
  const problems: string[] = [];
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.has(key)) problems.push(`${key}: unknown option`);
  if (options.format !== undefined && !FORMATS.includes(options.format)) problems.push(`format: expected one of ${FORMATS.join(', ')}`);
  if (problems.length > 0) {
    throw new KhopError('INVALID_OPTION', `invalid openRecords options: ${problems.join('; ')}`, { details: { problems } });
  }

  let format = options.format;
  let delimiter = options.delimiter;
  if (format === undefined && typeof source === 'string') {
    const byName = formatFromFileName(source);
    if (byName !== null) {
      format = byName.format;
      if (delimiter === undefined && byName.delimiter !== undefined) delimiter = byName.delimiter;
    }
  }
  if (format === 'parquet') return readParquet(parquetSource(source), options);

  const input = await ByteInput.open(source);
  try {
    // A workbook, a web page or a PDF named like a table (or not named at all): say what it is.
    const foreign = foreignFormat(input.head);
    if (foreign !== null) throw foreignFormatError(foreign);
    if (format === undefined) format = formatFromContent(input.head, options.encoding);
    if (format === 'parquet') {
      await input.close();
      if (input.gzip) throw new KhopError('INVALID_INPUT', 'gzip-compressed Parquet cannot be read; decompress it first (Parquet compresses internally)');
      // A pipe's bytes are gone once read: it cannot be opened again for random access.
      if (typeof source === 'string' && !input.regularFile) throw parquetStreamError(source);
      return readParquet(parquetSource(source), options);
    }
    if (format === 'ndjson') return await readNdjson(input, options);
    return await readCsv(input, delimiter === options.delimiter ? options : { ...options, delimiter });
  } catch (e) {
    await input.close();
    throw e;
  }
}

function parquetSource(source: ByteSource): string | Uint8Array {
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  throw new KhopError('INVALID_ARGUMENT', 'Parquet input must be a file path or the whole file as a Uint8Array (Parquet needs random access, a stream cannot be read)');
}
