/**
 * CSV reader: a file / byte stream → a RecordSource of row objects keyed by the header
 * (inheriting nothing, see record-types.ts), with malformed rows reported as rejected rows (never dropped, never fatal).
 *
 *   bytes ─► ByteInput (gunzip?) ─► decodeChunks (BOM → UTF-8 / UTF-16) ─► CsvParser ─► items
 *                                        └─ first lines ─► detectCsvDelimiter
 *
 * Decisions:
 * - Header names are trimmed (String#trim: spaces, tabs, NBSP, a stray U+FEFF) — values never
 *   are (the text layer normalises them). A header containing NUL (U+0000) is refused
 *   ('INVALID_INPUT'): it is the mark of UTF-16 read as UTF-8 (a file without a BOM). Empty or duplicate names are a KhopError
 *   ('INVALID_INPUT') listing their positions, because silently renaming would make a mapping
 *   point at a different column than the user sees; `renameBadColumns: true` opts into renaming
 *   (empty → `column_<pos>`, repeated → `<name>_<pos>`, 1-based positions).
 * - Excel's `sep=;` first line (`sep=,`, `sep=<tab>`…; also quoted, `"sep=;"`, or padded with
 *   the delimiter, `sep=;;;`: csv-dialect.ts, sepLineDelimiter) names the delimiter (an explicit
 *   `delimiter` option wins) and is skipped: neither header nor row, though its line is counted
 *   in line numbers.
 * - Empty input (no byte, or only blank lines) → zero rows, `summary.status === 'empty'`, no
 *   error; a header without data → status 'no-rows'.
 * - A row with a different number of fields than the header is rejected (no padding, no
 *   truncation: a shifted row would put a name in the date column).
 * - `maxFieldLength` is counted in UTF-16 code units of the decoded text (what the parser
 *   sees; counting UTF-8 bytes would cost an extra pass). Memory for one field ≈ 2 bytes × limit.
 */
import { KhopError } from '../errors.js';
import { ByteInput, type ByteSource } from './byte-source.js';
import { CsvParser, type CsvSink } from './csv-parser.js';
import { detectCsvDelimiter, sampleIsEnough, sepLineDelimiter, sepLineUndecided } from './csv-dialect.js';
import {
  checkBaseOptions,
  DEFAULT_KEEP_RAW,
  throwIfProblems,
  type ReadOptionsBase,
} from './record-source.js';
import { newRowValues, type RecordItem, type RecordSource, type RecordValues, type RejectCode, type RejectedItem, type TextEncodingName } from './record-types.js';
import { TextInputSource } from './text-input-source.js';
import { checkEncodingOption, decodeChunks, invalidEncodingText, sniffEncoding, type EncodingOption } from './text-decoding.js';

export interface CsvReadOptions extends ReadOptionsBase {
  /**
   * Field delimiter: 'auto' (the one Excel's `sep=X` first line names, else detect comma /
   * semicolon / tab from the first lines, see csv-dialect.ts) or one character other than `"`,
   * CR, LF. Default 'auto'.
   */
  delimiter?: string;
  /**
   * `true`: the first non-blank line is the header. An array: the column names, and the file
   * has no header line (every line is data). Default true.
   */
  header?: boolean | readonly string[];
  /** Rename empty / duplicate header names instead of throwing (see file header). Default false. */
  renameBadColumns?: boolean;
  /**
   * Longest field accepted, in UTF-16 code units; a longer field rejects its row
   * (FIELD_TOO_LONG) and is never buffered whole. Default {@link DEFAULT_MAX_FIELD_LENGTH} (1 Mi).
   */
  maxFieldLength?: number;
  /** Most columns a header may have. Default {@link DEFAULT_MAX_COLUMNS}. */
  maxColumns?: number;
  /** Text encoding: 'auto' (byte-order mark, else UTF-8), or forced. Default 'auto'. */
  encoding?: EncodingOption;
}

export const DEFAULT_MAX_FIELD_LENGTH = 1 << 20;
export const DEFAULT_MAX_COLUMNS = 4096;

interface ResolvedCsvOptions {
  delimiter: string; // 'auto' or one char
  header: readonly string[] | null; // null = read from the file
  renameBadColumns: boolean;
  maxFieldLength: number;
  maxColumns: number;
  encoding: EncodingOption;
  keepRaw: boolean;
}

function resolveCsvOptions(options: CsvReadOptions): ResolvedCsvOptions {
  if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'CSV options must be an object');
  const problems: string[] = [];
  checkBaseOptions(options, problems);
  const delimiter = options.delimiter ?? 'auto';
  if (typeof delimiter !== 'string' || (delimiter !== 'auto' && (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n'))) {
    problems.push('delimiter: expected "auto" or one character other than a double quote, CR or LF');
  }
  const header = options.header ?? true;
  if (header === false) {
    problems.push('header: false is not supported; pass the column names as an array (header: ["id", "name", …])');
  } else if (header !== true && !(Array.isArray(header) && header.every((h) => typeof h === 'string'))) {
    problems.push('header: expected true or an array of column names');
  }
  const renameBadColumns = options.renameBadColumns ?? false;
  if (typeof renameBadColumns !== 'boolean') problems.push('renameBadColumns: expected a boolean');
  const maxFieldLength = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;
  if (!Number.isSafeInteger(maxFieldLength) || maxFieldLength < 1) problems.push('maxFieldLength: expected an integer ≥ 1');
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  if (!Number.isSafeInteger(maxColumns) || maxColumns < 1) problems.push('maxColumns: expected an integer ≥ 1');
  checkEncodingOption(options.encoding, problems);
  throwIfProblems('CSV', problems);
  return {
    delimiter,
    header: header === true ? null : (header as readonly string[]),
    renameBadColumns,
    maxFieldLength,
    maxColumns,
    encoding: options.encoding ?? 'auto',
    keepRaw: options.keepRaw ?? DEFAULT_KEEP_RAW,
  };
}

/**
 * Open a CSV input and read its header. The returned source knows its `columns` and
 * `delimiter`; iterate it for the rows.
 * @throws KhopError INVALID_OPTION (bad options, all listed), IO_ERROR (unreadable file),
 *   INVALID_INPUT (unreadable header, empty / duplicate column names).
 */
export async function readCsv(source: ByteSource | ByteInput, options: CsvReadOptions = {}): Promise<RecordSource> {
  const opts = resolveCsvOptions(options);
  const input = source instanceof ByteInput ? source : await ByteInput.open(source);
  try {
    const { encoding, bomLength } = sniffEncoding(input.head, opts.encoding);
    const text = decodeChunks(input.chunks(), encoding, bomLength)[Symbol.asyncIterator]();
    const initial: string[] = [];
    let eof = false;
    let delimiter = opts.delimiter;
    /** The next decoded chunk, kept in `initial` for the parser; null (and eof) at the end. */
    const pull = async (): Promise<string | null> => {
      const r = await text.next();
      if (r.done === true) {
        eof = true;
        return null;
      }
      initial.push(r.value);
      return r.value;
    };
    // Excel's `sep=;` first line: the delimiter, then skipped as no record (see sepLineDelimiter).
    let head = '';
    while (sepLineUndecided(head)) {
      const chunk = await pull();
      if (chunk === null) break;
      head += chunk;
    }
    const sep = sepLineDelimiter(head, eof);
    if (sep !== null && delimiter === 'auto') delimiter = sep;
    if (delimiter === 'auto') {
      let sample = head;
      while (!eof && !sampleIsEnough(sample)) {
        const chunk = await pull();
        if (chunk === null) break;
        sample += chunk;
      }
      delimiter = detectCsvDelimiter(sample, eof);
    }
    const reader = new CsvRecordSourceImpl(input, text, encoding, bomLength, delimiter, opts, options, sep !== null);
    await reader.start(initial, eof);
    return reader;
  } catch (e) {
    await input.close();
    throw e;
  }
}

class CsvRecordSourceImpl extends TextInputSource implements CsvSink {
  readonly format = 'csv' as const;
  private readonly parser: CsvParser;
  private readonly opts: ResolvedCsvOptions;
  private readingHeader: boolean;
  /** Excel's `sep=X` first line is still to come (as the first record): skipped, not a header or row. */
  private skipSepLine: boolean;
  /** The header's names as the file writes them (trimmed), before renameBadColumns: what a repeated header line repeats. */
  private headerAsWritten: readonly string[] = [];

  constructor(
    input: ByteInput,
    text: AsyncIterator<string>,
    encoding: TextEncodingName,
    private readonly bomLength: number,
    delimiter: string,
    opts: ResolvedCsvOptions,
    base: ReadOptionsBase,
    /** The file starts with Excel's `sep=X` line: its first record is skipped. */
    private readonly sepLine: boolean,
  ) {
    super(input, text, encoding, delimiter, base);
    this.opts = opts;
    this.skipSepLine = sepLine;
    this.parser = new CsvParser(this, {
      delimiter: delimiter.charCodeAt(0),
      maxFieldLength: opts.maxFieldLength,
      maxColumns: opts.maxColumns,
      keepRaw: opts.keepRaw,
    });
    this.readingHeader = opts.header === null;
    if (opts.header !== null) this.setColumns(opts.header);
  }

  /** Feed the sampled text, then read on until the header is complete (or the input ends). */
  async start(initial: readonly string[], eof: boolean): Promise<void> {
    for (const chunk of initial) this.parser.push(chunk);
    this.eof = eof;
    while (this.readingHeader && !this.eof) {
      const r = await this.text.next();
      if (r.done === true) this.eof = true;
      else this.parser.push(r.value);
    }
    if (this.eof) this.finish();
  }

  private finish(): void {
    this.parser.finish();
    if (!this.sawContent) this.emptyInput = true; // not even a header line
  }

  protected async *produce(): AsyncGenerator<RecordItem[]> {
    let batch = this.take();
    yield batch;
    while (!this.eof) {
      const r = await this.text.next();
      if (r.done === true) {
        this.eof = true;
        this.finish();
      } else {
        this.parser.push(r.value);
      }
      batch = this.take();
      yield batch;
    }
  }


  // ---- CsvSink ----

  record(fields: readonly string[], fieldCount: number, line: number): void {
    if (this.skipSepLine) {
      this.skipSepLine = false;
      return;
    }
    this.sawContent = true;
    if (this.readingHeader) {
      this.readingHeader = false;
      const names = fields.slice(0, fieldCount).map((h) => h.trim());
      // NULs in a header: UTF-16 text read as UTF-8 (no byte-order mark). Every row would be
      // keyed by garbage names; refuse with the fix instead.
      if (names.some((h) => h.includes('\u0000'))) {
        throw new KhopError(
          'INVALID_INPUT',
          `CSV header (line ${line}) contains NUL characters: the file is probably UTF-16 without a byte-order mark; pass encoding: 'utf-16le' or 'utf-16be' (khop: --encoding utf-16le)`,
          { details: { line } },
        );
      }
      this.setColumns(names);
      return;
    }
    const names = this.names;
    if (isRepeatedHeader(this.headerAsWritten, fields, fieldCount)) {
      this.rejected('REPEATED_HEADER', 0, fieldCount, line, undefined, false);
      return;
    }
    this.batch.push({ kind: 'row', rowNumber: ++this.rowNumber, line, values: csvRowValues(names, fields, fieldCount) });
  }

  rejected(code: RejectCode, column: number, fieldCount: number, line: number, raw: string | undefined, rawTruncated: boolean): void {
    // The sep line parsed against a header given in the options (`header: [...]`): its two
    // fields are not the header's count, so the parser rejects it — it is still no row.
    if (this.skipSepLine) {
      this.skipSepLine = false;
      return;
    }
    this.sawContent = true;
    if (this.readingHeader) {
      throw new KhopError('INVALID_INPUT', `CSV header (line ${line}) cannot be read: ${this.reason(code, column, fieldCount)}`, {
        details: { line, code, column },
      });
    }
    const item: { kind: 'rejected'; rowNumber: number; line: number; code: RejectCode; reason: string; raw?: string; rawTruncated?: boolean } = {
      kind: 'rejected',
      rowNumber: ++this.rowNumber,
      line,
      code,
      reason: this.reason(code, column, fieldCount),
    };
    if (raw !== undefined) {
      item.raw = raw;
      if (rawTruncated) item.rawTruncated = true;
    }
    this.batch.push(item);
  }

  blankLine(_line: number): void {
    this.blank++;
  }

  private setColumns(names: readonly string[]): void {
    // A repeated header line is the header as written, not as renamed (`column_3`, `ho_ten_4`).
    this.headerAsWritten = Object.freeze(names.slice());
    const fixed = checkColumnNames(names, this.opts.renameBadColumns);
    this.names = Object.freeze(fixed);
    this.parser.setExpectedColumns(fixed.length);
  }

  private reason(code: RejectCode, column: number, fieldCount: number): string {
    return csvRejectReason(code, column, fieldCount, this.readingHeader ? null : this.names, this.opts, this.encoding, this.parser.lastLine);
  }

  /**
   * The size of the file behind this source when a piece reader could take it (takeFile's
   * conditions but the size and the observers), or null.
   */
  fileBytes(): number | null {
    const input = this.input;
    // The pieces are cut and parsed byte by byte: a delimiter of more than one UTF-8 byte is read streamed.
    if (this.isStarted || input.path === null || !input.regularFile || input.gzip || this.encoding !== 'utf-8' || this.delimiter!.charCodeAt(0) > 0x7f) return null;
    return input.size ?? 0;
  }

  /**
   * The file behind this source for a reader that parses it in pieces (src/register/csv-ingest.ts),
   * or null when it cannot: already iterated, not a plain UTF-8 regular file (gzip, UTF-16, bytes,
   * a stream, or a path naming a pipe or a device: read once, it has no offsets), smaller than
   * `minBytes`, read with progress events or an abort signal (unless `observed`: the taker calls
   * the CsvFile's `observe` as it reads, which gives them), or with a
   * delimiter above U+007F (`│`, `¦`, `；`): the piece reader (csv-boundaries.ts) compares
   * single UTF-8 bytes with the delimiter's code, which only an ASCII delimiter is. Taking
   * it marks the source iterated and closes its input; `account` then sets its summary to what
   * was read.
   */
  takeFile(minBytes: number, observed = false): CsvFile | null {
    const bytes = this.fileBytes();
    if (bytes === null || bytes < minBytes || (this.hasObservers && !observed)) return null;
    const input = this.input;
    this.markStarted();
    void this.input.close();
    return {
      path: input.path!,
      bomLength: this.bomLength,
      headerInFile: this.opts.header === null,
      sepLine: this.sepLine,
      delimiter: this.delimiter!.charCodeAt(0),
      names: this.names,
      headerAsWritten: this.headerAsWritten,
      maxFieldLength: this.opts.maxFieldLength,
      maxColumns: this.opts.maxColumns,
      keepRaw: this.opts.keepRaw,
      account: (s) => this.setSummary(s.accepted, s.rejected, s.blankLines, s.bytesRead),
      observe: (done, final) => this.observe(done, input.size, final),
    };
  }
}

/** A CSV file's format, as its source read the header: what the parser of a piece of it needs (plain data: it crosses threads). */
export interface CsvPieceFormat {
  /** Delimiter character code: ASCII (≤ 0x7F, one UTF-8 byte) — takeFile declines any other. */
  readonly delimiter: number;
  /** Column names, as the source gives them (the header's, or the reader's `header` option). */
  readonly names: readonly string[];
  /** The header's names as written (trimmed), before renameBadColumns renamed any: what isRepeatedHeader compares with. */
  readonly headerAsWritten: readonly string[];
  readonly maxFieldLength: number;
  readonly maxColumns: number;
  /** Keep the raw text of a row that cannot be read (the source's `keepRaw`). */
  readonly keepRaw: boolean;
}

/** A CSV file taken from its source to be parsed in pieces (see CsvRecordSourceImpl.takeFile). */
export interface CsvFile extends CsvPieceFormat {
  readonly path: string;
  /** Bytes of the byte-order mark at its start (0 or 3). */
  readonly bomLength: number;
  /** The first non-blank line is the header (else `names` came from the options). */
  readonly headerInFile: boolean;
  /** The file starts with Excel's `sep=X` line (after the BOM): one record before the header, no data. */
  readonly sepLine: boolean;
  /** Set the source's summary: rows read, blank lines (the whole file's), bytes. */
  account(summary: { accepted: number; rejected: number; blankLines: number; bytesRead: number }): void;
  /**
   * `done` bytes of the file read: the source's 'read' progress event, and its abort signal's
   * check (throws ABORTED) — for a taker that took the file `observed`.
   */
  observe(done: number, final: boolean): void;
}

/** The CSV file behind `source`, taken from it (see CsvRecordSourceImpl.takeFile); null when there is none. */
export function takeCsvFile(source: unknown, minBytes: number, observed = false): CsvFile | null {
  return source instanceof CsvRecordSourceImpl ? source.takeFile(minBytes, observed) : null;
}

/**
 * The size in bytes of the file a CSV RecordSource would read, when it is one a piece reader
 * can take (see takeFile: a UTF-8 regular file, not yet iterated, an ASCII delimiter); null
 * for anything else. Nothing is taken.
 */
export function csvFileBytes(rows: unknown): number | null {
  return rows instanceof CsvRecordSourceImpl ? rows.fileBytes() : null;
}

/**
 * Whether a parsed record is the header line again: as many fields as names, each equal to its
 * column's name once trimmed (as header names are). `header` is the header as written in the
 * file — not the names renameBadColumns made of it (`column_3` for an empty name, `ho_ten_4`
 * for a repeat), which the repeated line does not hold. Two exports concatenated repeat the header
 * inside the data; read as a row it would be a "person" named `ho_ten`, born `ngay_sinh`. Every
 * reader of CSV records (csv-reader, the register's piece readers) rejects it REPEATED_HEADER.
 */
export function isRepeatedHeader(header: readonly string[], fields: readonly string[], fieldCount: number): boolean {
  if (fieldCount !== header.length || fieldCount === 0) return false;
  for (let j = 0; j < fieldCount; j++) {
    const f = fields[j]!;
    const n = header[j]!;
    if (f !== n && f.trim() !== n) return false;
  }
  return true;
}

/** The row object of a parsed CSV record: its fields keyed by the column names (see record-types.ts). */
export function csvRowValues(names: readonly string[], fields: readonly string[], fieldCount: number): RecordValues {
  const values = newRowValues();
  for (let j = 0; j < fieldCount; j++) values[names[j]!] = fields[j];
  return values;
}

/**
 * The reason of a rejected CSV row (or header, `names` null): codes, positions and header names
 * only — never a value. `lastLine`: the last line the parser has read (an unterminated quote
 * runs to the end of the input: the reason says up to which line the row took in).
 */
export function csvRejectReason(
  code: RejectCode,
  column: number,
  fieldCount: number,
  names: readonly string[] | null,
  limits: { readonly maxFieldLength: number; readonly maxColumns: number },
  encoding: TextEncodingName | null,
  lastLine?: number,
): string {
  const cols = names ?? [];
  const where = column > 0 ? `column ${column}${cols[column - 1] !== undefined ? ` (${cols[column - 1]})` : ''}` : '';
  switch (code) {
    case 'FIELD_TOO_LONG':
      return `field in ${where} is longer than maxFieldLength (${limits.maxFieldLength} characters)`;
    case 'TOO_MANY_COLUMNS':
      return names === null ? `more than maxColumns (${limits.maxColumns}) columns` : `row has ${fieldCount} fields, the header has ${cols.length}`;
    case 'TOO_FEW_COLUMNS':
      return `row has ${fieldCount} field${fieldCount === 1 ? '' : 's'}, the header has ${cols.length}`;
    case 'UNTERMINATED_QUOTE':
      return `quoted field in ${where} is not closed before the end of the input (an unbalanced quote)${lastLine !== undefined ? ` — the row takes in every line from its start to the last, line ${lastLine}` : ''}`;
    case 'TEXT_AFTER_QUOTE':
      return `text after the closing quote of ${where} (a quote inside a quoted field must be doubled)`;
    case 'INVALID_ENCODING':
      return `${where} contains ${invalidEncodingText(encoding)}`;
    case 'REPEATED_HEADER':
      return 'row repeats the header line (every field is its column name): two files concatenated?';
    default:
      return code;
  }
}

/**
 * Check header names: none empty, none repeated. Throws KhopError('INVALID_INPUT') listing the
 * 1-based positions of all offenders (not the names), or renames them when `rename`; `remedy`
 * is what the message tells to do (the Parquet reader has no header option to suggest).
 */
export function checkColumnNames(names: readonly string[], rename: boolean, remedy = 'fix the header, pass names with the header option, or set renameBadColumns (khop: --rename-bad-columns)'): string[] {
  const out = names.slice();
  const firstAt: Map<string, number> = new Map();
  const empty: number[] = [];
  const duplicates: Array<[first: number, repeat: number]> = [];
  for (let i = 0; i < out.length; i++) {
    const name = out[i]!;
    if (name === '') {
      empty.push(i + 1);
      continue;
    }
    const first = firstAt.get(name);
    if (first === undefined) firstAt.set(name, i + 1);
    else duplicates.push([first, i + 1]);
  }
  if (empty.length === 0 && duplicates.length === 0) return out;
  if (rename) {
    const collisions: number[] = [];
    for (const pos of empty) out[pos - 1] = `column_${pos}`;
    for (const [, pos] of duplicates) out[pos - 1] = `${out[pos - 1]}_${pos}`;
    const seen = new Set<string>();
    for (let i = 0; i < out.length; i++) {
      if (seen.has(out[i]!)) collisions.push(i + 1);
      seen.add(out[i]!);
    }
    if (collisions.length === 0) return out;
    throw new KhopError('INVALID_INPUT', `renamed column names still collide at columns ${collisions.join(', ')}; pass explicit names with the header option`, {
      details: { collisions },
    });
  }
  const parts: string[] = [];
  if (empty.length > 0) parts.push(`empty name at column${empty.length > 1 ? 's' : ''} ${empty.join(', ')}`);
  if (duplicates.length > 0) parts.push(`repeated name at ${duplicates.map(([a, b]) => `column ${b} (same as column ${a})`).join(', ')}`);
  throw new KhopError(
    'INVALID_INPUT',
    `column names must be non-empty and unique: ${parts.join('; ')} (${remedy})`,
    { details: { empty, duplicates } },
  );
}
