/**
 * NDJSON (JSON Lines) reader: one JSON object per line → a RecordSource of rows.
 *
 * - Lines end with LF; a CR before the LF is dropped (CRLF files). JSON text cannot contain a
 *   raw line break inside a string, so a line is always a whole record. A lone CR (old Mac OS
 *   line ends) is no line end — unlike the CSV reader, which takes it as one: JSON Lines says
 *   LF, and a CR is JSON whitespace. So a file whose records are separated by lone CRs is one
 *   long line; when its first 64 Ki characters hold no LF and are a JSON object, a lone CR and
 *   another object ({@link joinedByLoneCr}), readNdjson refuses it (KhopError INVALID_INPUT:
 *   it uses lone CR line ends); in a file with LF lines too, a line joined so is rejected
 *   INVALID_JSON with that reason — not a bare "not valid JSON", nor "no columns".
 * - Whitespace-only lines are skipped and counted in `summary.blankLines`; they are not rows
 *   and do not take a row number (the physical `line` still counts them).
 * - A line that is not valid JSON → rejected INVALID_JSON (the reason gives the character
 *   position when the engine reports one, never the text); valid JSON that is not an object
 *   (array, string, number, true/false/null) → rejected NOT_AN_OBJECT; a line containing
 *   U+FFFD → INVALID_ENCODING (see text-decoding.ts); a line longer than `maxLineLength` →
 *   LINE_TOO_LONG, skipped without being buffered.
 * - Values are left as JSON gave them (nested objects / arrays / numbers included): the schema
 *   layer rejects a non-string where it expects text, with the field's name.
 * - Prototype safety: JSON.parse defines `"__proto__"` as an own property (it does not call the
 *   setter), and each row object then gets ROW_PROTOTYPE, which inherits nothing, so an absent
 *   column reads as `undefined`, never as an inherited `constructor`. Nested objects are left
 *   as JSON.parse made them.
 * - A NUL byte among the first bytes of UTF-8 input → KhopError('INVALID_INPUT'): JSON never
 *   contains one raw, it is the mark of UTF-16 without a byte-order mark.
 * - `columns` are the union of the keys of the objects read ahead before the first row is
 *   handed out — the first {@link COLUMN_LOOKAHEAD_ROWS} non-blank lines, or as many as are
 *   read within {@link COLUMN_LOOKAHEAD_CHARS} of text (the read stops at the first chunk that
 *   reaches either bound), in first-seen
 *   order; empty when there is no object. An exporter that omits null keys (`{"id":1}` then
 *   `{"id":2,"email":"…"}`) still names every column its first rows use, so a schema guessed
 *   from `columns` does not drop a field for every row. Later rows are not checked against
 *   them (JSON rows may omit keys, or hold keys the lookahead did not see).
 */
import { KhopError } from '../errors.js';
import { ByteInput, type ByteSource } from './byte-source.js';
import {
  checkBaseOptions,
  DEFAULT_KEEP_RAW,
  throwIfProblems,
  type ReadOptionsBase,
} from './record-source.js';
import { RAW_TEXT_LIMIT, ROW_PROTOTYPE, type RecordItem, type RecordSource, type RecordValues, type RejectCode, type TextEncodingName } from './record-types.js';
import { TextInputSource } from './text-input-source.js';
import { checkEncodingOption, decodeChunks, invalidEncodingText, sniffEncoding, type EncodingOption } from './text-decoding.js';

export interface NdjsonReadOptions extends ReadOptionsBase {
  /**
   * Longest line accepted, in UTF-16 code units; a longer line is rejected (LINE_TOO_LONG)
   * and never buffered whole. Default {@link DEFAULT_MAX_LINE_LENGTH} (1 Mi).
   */
  maxLineLength?: number;
  /** Text encoding: 'auto' (byte-order mark, else UTF-8), or forced. Default 'auto'. */
  encoding?: EncodingOption;
}

export const DEFAULT_MAX_LINE_LENGTH = 1 << 20;
/** How far ahead (UTF-16 code units) `readNdjson` reads to name the columns (see the file header). */
export const COLUMN_LOOKAHEAD_CHARS = 1 << 20;
/** How many lines `readNdjson` reads ahead to name the columns (see the file header). */
export const COLUMN_LOOKAHEAD_ROWS = 1000;

const LF = 0x0a;
const CR = 0x0d;

/** Characters of the first line readNdjson checks for lone CR line ends (joinedByLoneCr). */
const LONE_CR_PROBE_CHARS = 1 << 16;

/** The refusal of a file whose records are separated by lone CRs. */
const LONE_CR_INPUT = "NDJSON input uses lone CR (\\r) line ends (old Mac OS): NDJSON lines must end with LF or CRLF; convert them, e.g. with `tr '\\r' '\\n'`";

/** The INVALID_JSON reason of a line that holds records separated by lone CRs. */
const LONE_CR_LINE = 'line is not valid JSON: it holds objects separated by a lone CR (\\r), an old Mac OS line end; NDJSON lines must end with LF or CRLF';

/**
 * True when `line` (no LF in it) is a JSON object, a lone CR, then another object (`{` after
 * optional whitespace): records with lone CR line ends. A CR is JSON whitespace, so a CR
 * between tokens of one record does not count; a CR inside a string is no JSON at all. Called
 * on a line that failed to parse, and once on the first line of the input.
 */
export function joinedByLoneCr(line: string): boolean {
  const cr = line.indexOf('\r');
  if (cr === -1 || line.slice(cr + 1).trimStart().charCodeAt(0) !== 0x7b /* { */) return false;
  try {
    const first: unknown = JSON.parse(line.slice(0, cr));
    return typeof first === 'object' && first !== null && !Array.isArray(first);
  } catch {
    return false;
  }
}
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Open an NDJSON input. The returned source knows its `columns` (keys of the first object).
 * @throws KhopError INVALID_OPTION (bad options, all listed), IO_ERROR (unreadable file).
 */
export async function readNdjson(source: ByteSource | ByteInput, options: NdjsonReadOptions = {}): Promise<RecordSource> {
  if (typeof options !== 'object' || options === null) throw new KhopError('INVALID_OPTION', 'NDJSON options must be an object');
  const problems: string[] = [];
  checkBaseOptions(options, problems);
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (!Number.isSafeInteger(maxLineLength) || maxLineLength < 1) problems.push('maxLineLength: expected an integer ≥ 1');
  checkEncodingOption(options.encoding, problems);
  throwIfProblems('NDJSON', problems);

  const input = source instanceof ByteInput ? source : await ByteInput.open(source);
  try {
    const { encoding, bomLength } = sniffEncoding(input.head, options.encoding ?? 'auto');
    // JSON text never holds a raw NUL byte: NULs in UTF-8 mode are UTF-16 without a BOM, and
    // every line would be rejected as invalid JSON. Say so once instead.
    if (encoding === 'utf-8' && input.head.indexOf(0) !== -1) {
      throw new KhopError('INVALID_INPUT', "NDJSON input contains NUL bytes: the file is probably UTF-16 without a byte-order mark; pass encoding: 'utf-16le' or 'utf-16be' (khop: --encoding utf-16le)");
    }
    const text = decodeChunks(input.chunks(), encoding, bomLength)[Symbol.asyncIterator]();
    const reader = new NdjsonRecordSource(input, text, encoding, bomLength, maxLineLength, options.keepRaw ?? DEFAULT_KEEP_RAW, options);
    await reader.start();
    return reader;
  } catch (e) {
    await input.close();
    throw e;
  }
}

class NdjsonRecordSource extends TextInputSource {
  readonly format = 'ndjson' as const;
  private readonly maxLine: number;
  private readonly keepRaw: boolean;
  private readonly bomLength: number;
  private line = 1;
  /** Start of the current line from earlier chunks (empty when the line starts in this chunk). */
  private carry = '';
  private carryLen = 0;
  private overflow = false;
  private carryHasReplacement = false;

  constructor(input: ByteInput, text: AsyncIterator<string>, encoding: TextEncodingName, bomLength: number, maxLine: number, keepRaw: boolean, base: ReadOptionsBase, firstLine = 1, firstRow = 0) {
    super(input, text, encoding, null, base);
    this.maxLine = maxLine;
    this.keepRaw = keepRaw;
    this.bomLength = bomLength;
    this.line = firstLine;
    this.rowNumber = firstRow;
  }

  /**
   * Read ahead (COLUMN_LOOKAHEAD_ROWS non-blank lines or COLUMN_LOOKAHEAD_CHARS of text) and
   * name the columns: the union of the keys of the objects among the first COLUMN_LOOKAHEAD_ROWS
   * lines read, in first-seen order.
   */
  async start(): Promise<void> {
    let seen = 0;
    let head = ''; // the first LONE_CR_PROBE_CHARS characters, for the lone CR check below
    while (!this.eof && seen < COLUMN_LOOKAHEAD_CHARS && this.batch.length < COLUMN_LOOKAHEAD_ROWS) {
      const r = await this.text.next();
      if (r.done === true) this.finish();
      else {
        seen += r.value.length;
        if (head.length < LONE_CR_PROBE_CHARS) head += r.value.slice(0, LONE_CR_PROBE_CHARS - head.length);
        this.push(r.value);
      }
    }
    // Records separated by lone CRs and no LF at all: the file is one long line (rejected, or
    // too long for the lookahead to end); said once for the whole input, as UTF-16 without a
    // BOM is. With LFs too (mixed line ends), only the lines joined so are rejected.
    if (head.indexOf('\n') === -1 && joinedByLoneCr(head)) throw new KhopError('INVALID_INPUT', LONE_CR_INPUT);
    const names = new Set<string>();
    const batch = this.batch;
    const n = Math.min(batch.length, COLUMN_LOOKAHEAD_ROWS);
    for (let i = 0; i < n; i++) {
      const it = batch[i]!;
      if (it.kind === 'row') for (const k of Object.keys(it.values)) names.add(k);
    }
    if (names.size > 0) this.names = Object.freeze([...names]);
  }

  protected async *produce(): AsyncGenerator<RecordItem[]> {
    yield this.take();
    while (!this.eof) {
      const r = await this.text.next();
      if (r.done === true) this.finish();
      else this.push(r.value);
      yield this.take();
    }
  }


  private finish(): void {
    this.eof = true;
    if (this.carryLen > 0 || this.overflow) this.endLine('', 0, 0);
    if (!this.sawContent) this.emptyInput = true;
  }

  /** Split a chunk into lines; the last, unfinished one is carried (bounded by maxLineLength). */
  private push(text: string): void {
    const n = text.length;
    const hasReplacement = text.indexOf('\uFFFD') !== -1;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.endLine(text, start, nl, hasReplacement);
      start = nl + 1;
    }
    if (start < n) {
      // unfinished line: carry it, unless it is already too long
      this.carryLen += n - start;
      if (hasReplacement) this.carryHasReplacement = true;
      if (this.overflow) {
        // already too long: only the beginning (raw text) is kept, contiguously
        if (this.keepRaw && this.carry.length < RAW_TEXT_LIMIT) this.carry += text.slice(start, start + RAW_TEXT_LIMIT - this.carry.length);
        return;
      }
      if (this.carryLen > this.maxLine) {
        // too long: stop buffering; keep only its beginning as raw text
        this.overflow = true;
        this.carry = this.keepRaw ? (this.carry + text.slice(start, start + RAW_TEXT_LIMIT)).slice(0, RAW_TEXT_LIMIT) : '';
      } else {
        this.carry += text.slice(start, n);
      }
    }
  }

  /** The line text[from, to) (preceded by the carry) ends. */
  private endLine(text: string, from: number, to: number, chunkHasReplacement = false): void {
    const lineNo = this.line++;
    const len = this.carryLen + (to - from);
    const overflow = this.overflow || len > this.maxLine;
    const mayHaveReplacement = chunkHasReplacement || this.carryHasReplacement;
    const carried = this.carry;
    this.carry = '';
    this.carryLen = 0;
    this.overflow = false;
    this.carryHasReplacement = false;

    if (overflow) {
      this.sawContent = true;
      const raw = this.keepRaw ? (carried + text.slice(from, Math.min(to, from + RAW_TEXT_LIMIT))).slice(0, RAW_TEXT_LIMIT) : undefined;
      this.pushItem(lineTooLong(this.maxLine, raw, len), lineNo);
      return;
    }
    const r = ndjsonLine(carried.length === 0 ? text.slice(from, to) : carried + text.slice(from, to), mayHaveReplacement, this.encoding, this.keepRaw);
    if (r === null) {
      this.blank++;
      return;
    }
    this.sawContent = true;
    this.pushItem(r, lineNo);
  }

  /** The next item: a line's row or rejection, numbered. */
  private pushItem(r: RecordValues | NdjsonLineRejection, line: number): void {
    if (r instanceof NdjsonLineRejection) {
      const item: { kind: 'rejected'; rowNumber: number; line: number; code: RejectCode; reason: string; raw?: string; rawTruncated?: boolean } = {
        kind: 'rejected',
        rowNumber: ++this.rowNumber,
        line,
        code: r.code,
        reason: r.reason,
      };
      if (r.raw !== undefined) item.raw = r.raw;
      if (r.rawTruncated) item.rawTruncated = true;
      this.batch.push(item);
      return;
    }
    this.batch.push({ kind: 'row', rowNumber: ++this.rowNumber, line, values: r });
  }

  /**
   * The size of the file behind this source when a piece reader could take it (takeFile's
   * conditions but the size and the observers), or null.
   */
  fileBytes(): number | null {
    const input = this.input;
    if (this.isStarted || input.path === null || !input.regularFile || input.gzip || this.encoding !== 'utf-8' || !this.sawContent) return null;
    return input.size ?? 0;
  }

  /**
   * The file behind this source for a reader that cuts it into pieces (src/io/file-pieces.ts),
   * or null when it cannot: already iterated, not a plain UTF-8 regular file (gzip, UTF-16,
   * Windows-1258, bytes, a stream, a pipe or a device), smaller than `minBytes`, without any
   * content (blank or empty: the summary's 'empty' status is this reader's to give), or read
   * with progress events or an abort signal (unless `observed`: the taker calls the file's
   * `observe`). The lookahead that named the columns is dropped: the taker reads the file from
   * its start. Taking it marks the source iterated and closes its input; `account` then sets
   * its summary to what was read.
   */
  takeFile(minBytes: number, observed = false): NdjsonFile | null {
    const bytes = this.fileBytes();
    if (bytes === null || bytes < minBytes || (this.hasObservers && !observed)) return null;
    const input = this.input;
    this.markStarted();
    void input.close();
    return {
      kind: 'ndjson',
      path: input.path!,
      bomLength: this.bomLength,
      maxLineLength: this.maxLine,
      keepRaw: this.keepRaw,
      account: (s) => this.setSummary(s.accepted, s.rejected, s.blankLines, s.bytesRead),
      observe: (done, final) => this.observe(done, input.size, final),
    };
  }
}

/** Why a line was rejected (the streaming reader and the piece reader: ndjson-pieces.ts). */
export class NdjsonLineRejection {
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
    /** The line's text (at most RAW_TEXT_LIMIT characters), when raw text is kept. */
    readonly raw: string | undefined,
    readonly rawTruncated: boolean,
  ) {}
}

/**
 * The rejection of a line longer than `maxLine` characters (`length`, a CR before its LF
 * included); `raw` its beginning (at most RAW_TEXT_LIMIT characters) when raw text is kept.
 */
export function lineTooLong(maxLine: number, raw: string | undefined, length: number): NdjsonLineRejection {
  return new NdjsonLineRejection('LINE_TOO_LONG', `line is longer than maxLineLength (${maxLine} characters)`, raw, raw !== undefined && length > RAW_TEXT_LIMIT);
}

/**
 * One line of NDJSON (its text without the LF; a CR before the LF still there; no longer than
 * maxLineLength — the caller checks): null when blank (whitespace only), else the row's object
 * (with ROW_PROTOTYPE, unless `ownOnly`) or why it was rejected. `mayHaveReplacement`: the text may hold U+FFFD
 * (false skips the search). The rules of the file header, in one place for the streaming reader
 * and the piece reader (ndjson-pieces.ts).
 */
export function ndjsonLine(line: string, mayHaveReplacement: boolean, encoding: TextEncodingName | null, keepRaw: boolean, ownOnly = false): RecordValues | NdjsonLineRejection | null {
  let s = line;
  if (s.length > 0 && s.charCodeAt(s.length - 1) === CR) s = s.slice(0, -1);
  // blank (whitespace-only) line?
  const len = s.length;
  let k = 0;
  while (k < len) {
    const c = s.charCodeAt(k);
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) break;
    k++;
  }
  if (k === len) return null;
  if (mayHaveReplacement && s.indexOf('\uFFFD') !== -1) return rejection('INVALID_ENCODING', `line contains ${invalidEncodingText(encoding)}`, s, keepRaw);
  let value: unknown;
  try {
    value = JSON.parse(s);
  } catch (e) {
    return rejection('INVALID_JSON', s.indexOf('\r') !== -1 && joinedByLoneCr(s) ? LONE_CR_LINE : jsonErrorReason(e), s, keepRaw);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return rejection('NOT_AN_OBJECT', `line holds ${what}, not a JSON object`, s, keepRaw);
  }
  // `ownOnly`: the caller reads the object's own keys only (Object.hasOwn) and hands it to nobody
  // — it keeps the prototype JSON.parse gave it: the keys of an object whose prototype was set
  // read slower (JSON.parse 1.6 µs a line of the e2e claims; four keys read after
  // setPrototypeOf +0.6–0.9 µs, with Object.hasOwn and no setPrototypeOf +0.3 µs).
  if (!ownOnly) Object.setPrototypeOf(value, ROW_PROTOTYPE);
  return value as RecordValues;
}

function rejection(code: RejectCode, reason: string, s: string, keepRaw: boolean): NdjsonLineRejection {
  if (!keepRaw) return new NdjsonLineRejection(code, reason, undefined, false);
  const cut = s.length > RAW_TEXT_LIMIT;
  return new NdjsonLineRejection(code, reason, cut ? s.slice(0, RAW_TEXT_LIMIT) : s, cut);
}

/** An NDJSON file taken from its source to be read in pieces (see NdjsonRecordSource.takeFile). */
export interface NdjsonFile extends NdjsonPieceFormat {
  readonly kind: 'ndjson';
  readonly path: string;
  /** Bytes of the byte-order mark at its start (0 or 3). */
  readonly bomLength: number;
  /** Set the source's summary: rows read, blank lines, bytes. */
  account(summary: { accepted: number; rejected: number; blankLines: number; bytesRead: number }): void;
  /** `done` bytes of the file read: the source's 'read' progress event and abort check (see CsvFile.observe). */
  observe(done: number, final: boolean): void;
}

/** What the reader of a piece of an NDJSON file needs (plain data: it crosses threads). */
export interface NdjsonPieceFormat {
  readonly maxLineLength: number;
  readonly keepRaw: boolean;
}

/**
 * The items of UTF-8 NDJSON text from the middle of a file — `chunks`, starting at a line's start —
 * as the streaming reader gives them: line numbers from `firstLine`, row numbers after `firstRow`
 * (the piece reader's rest of a file without a line end for too long: ndjson-pieces.ts). The
 * source's summary counts what it read (blank lines, bytes of `chunks`).
 */
export function readNdjsonRest(chunks: AsyncIterable<Uint8Array>, format: NdjsonPieceFormat, firstLine: number, firstRow: number): Promise<RecordSource> {
  return ByteInput.open(chunks).then((input) => {
    const text = decodeChunks(input.chunks(), 'utf-8', 0)[Symbol.asyncIterator]();
    return new NdjsonRecordSource(input, text, 'utf-8', 0, format.maxLineLength, format.keepRaw, {}, firstLine, firstRow);
  });
}

/** The NDJSON file behind `source`, taken from it (see NdjsonRecordSource.takeFile); null when there is none. */
export function takeNdjsonFile(source: unknown, minBytes: number, observed = false): NdjsonFile | null {
  return source instanceof NdjsonRecordSource ? source.takeFile(minBytes, observed) : null;
}

/** The size of the file an NDJSON RecordSource would read, when a piece reader can take it (see takeFile); null for anything else. Nothing is taken. */
export function ndjsonFileBytes(source: unknown): number | null {
  return source instanceof NdjsonRecordSource ? source.fileBytes() : null;
}

/**
 * A reason for a JSON.parse failure without the engine's message, which quotes the input
 * (V8: `Unexpected token 'x', "…" is not valid JSON`). Only a position is kept.
 */
function jsonErrorReason(e: unknown): string {
  const message = e instanceof Error ? e.message : '';
  const at = /position (\d+)/.exec(message);
  if (at !== null) return `line is not valid JSON (error at character ${Number(at[1]) + 1})`;
  if (message.includes('Unexpected end')) return 'line is not valid JSON (it ends too early)';
  return 'line is not valid JSON';
}
