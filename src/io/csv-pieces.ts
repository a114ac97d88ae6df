/**
 * A CSV file cut into pieces at record boundaries, and the parse of one piece — what a reader
 * that parses a file on several threads needs (Register.build: src/register/csv-ingest.ts;
 * dedupe / link: src/pipeline/csv-prepare.ts).
 *
 *   file ─► CsvPieceCutter: byte scan (csv-boundaries.ts: no decoding, no strings) ─► pieces of
 *           ~pieceBytes on shared memory, each with its first row's position and first line;
 *           no cut for maxPieceBytes (lines ending in a lone CR, a quote left open) ─► 'rest':
 *           the rest of the file is read row by row (restOfFile) as it streams
 *   piece ─► parseCsvPiece (any thread): decode, a fresh CsvParser, per record its values in
 *           the caller's column order — or its rejection (code, the reader's reason, line, raw)
 *
 * Rows, rejections, line numbers and reasons are those of one parser over the whole file (the
 * cut rule: csv-boundaries.ts); a piece whose parse finds another record count than its cut
 * fails INTERNAL rather than shift rows. The file is read twice (the scan, then each piece):
 * the second read comes from the page cache.
 */
import type { FileHandle } from 'node:fs/promises';
import { KhopError } from '../errors.js';
import { CsvBoundaryScanner } from './csv-boundaries.js';
import { CsvParser, type CsvSink } from './csv-parser.js';
import { csvRejectReason, csvRowValues, isRepeatedHeader, type CsvFile, type CsvPieceFormat } from './csv-reader.js';
import type { RejectCode } from './record-types.js';
import { decodePieces } from './text-decoding.js';
import { UnreadableRow } from './record-source-rows.js';

/**
 * A piece never grows past this many bytes: a file with no cut for longer (lines ending in a
 * lone CR, a quote left open) has its rest read row by row as it streams (restOfFile) — a piece
 * is decoded to ONE string, and V8's strings stop at ~512M units.
 */
export const DEFAULT_CSV_MAX_PIECE_BYTES = 64 << 20;
/** Bytes the scan reads at a time. */
const SCAN_BLOCK_BYTES = 1 << 20;
const LF = 0x0a;

export type { CsvPieceFormat };

/** The part of a CsvFile a piece's parser needs. */
export function pieceFormatOf(file: CsvFile): CsvPieceFormat {
  return { delimiter: file.delimiter, names: file.names, headerAsWritten: file.headerAsWritten, maxFieldLength: file.maxFieldLength, maxColumns: file.maxColumns, keepRaw: file.keepRaw };
}

/** A piece of the file as it travels to where it is parsed: whole records, and where they are in the file. */
export interface CsvPieceFields {
  /** Input position (0-based data row, accepted or not) of the piece's first record. */
  readonly start: number;
  /** Physical line (1-based) of the piece's first byte. */
  readonly line: number;
  /** Records the cut counted in the piece. */
  readonly rows: number;
  /** The piece ends at the end of the file (a last record without a line end is completed). */
  readonly last: boolean;
  /** The piece's bytes, on shared memory. */
  readonly bytes: Uint8Array;
  /** Index of the piece in the file (diagnostics). */
  readonly part: number;
}

/** A piece of the file, as the cutter gives it. */
export interface CsvPiece extends CsvPieceFields {
  readonly kind: 'piece';
  /** Byte offset of the piece's end in the file. */
  readonly end: number;
}

/** No cut for maxPieceBytes: the rest of the file, from byte `from`, is to be read row by row (restOfFile). */
export interface CsvRest {
  readonly kind: 'rest';
  readonly from: number;
  /** Input position of its first record, and its first line. */
  readonly start: number;
  readonly line: number;
}

export async function readFully(fh: FileHandle, into: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** The error of a file that changed while it was cut or read in pieces. */
export function fileChanged(who: string, path: string): KhopError {
  return new KhopError('IO_ERROR', `${who}: the file changed while it was read: ${path}`);
}

/** Bytes [from, to) of the file, on shared memory: a piece as it travels (fileChanged when they are no longer there). */
export async function readPieceBytes(fh: FileHandle, from: number, to: number, who: string, path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(new SharedArrayBuffer(to - from));
  if ((await readFully(fh, bytes, from)) !== bytes.length) throw fileChanged(who, path);
  return bytes;
}

/**
 * Cuts an open CSV file into pieces (see the file header). After `pieces()` has ended, `blank`
 * and `bytesRead` are the file's blank lines and bytes up to the end, or up to the rest's start
 * when it ended with a 'rest'.
 */
export class CsvPieceCutter {
  blank = 0;
  bytesRead = 0;

  /**
   * @param who names the reader in an error (`Register.build`; `read` for dedupe / link)
   */
  constructor(
    private readonly fh: FileHandle,
    private readonly file: CsvFile,
    private readonly pieceBytes: number,
    private readonly maxPieceBytes: number,
    private readonly who: string,
  ) {}

  private changed(): KhopError {
    return fileChanged(this.who, this.file.path);
  }

  async *pieces(): AsyncGenerator<CsvPiece | CsvRest, void, undefined> {
    const { fh, file, pieceBytes, maxPieceBytes } = this;
    const scanner = new CsvBoundaryScanner(file.delimiter);
    const block = Buffer.allocUnsafe(SCAN_BLOCK_BYTES); // Buffer: its indexOf is a native byte search (the scan leans on it)
    let pos = file.bomLength;
    let line = 1;
    // The header: the first record (blank lines before it skipped), and the LF of its CRLF —
    // after Excel's `sep=X` line when the file starts with one (a record too, no data).
    const before = (file.sepLine ? 1 : 0) + (file.headerInFile ? 1 : 0);
    for (let k = 0; k < before; k++) {
      for (;;) {
        const n = await readFully(fh, block, pos);
        if (n === 0) throw this.changed();
        const r = scanner.scan(block, 0, n, 0, true);
        if (r < 0) {
          pos += n;
          continue;
        }
        pos += r;
        if (scanner.afterCR) {
          const one = new Uint8Array(1);
          if ((await readFully(fh, one, pos)) === 1 && one[0] === LF) pos += scanner.scan(one, 0, 1, 0) === 1 ? 1 : 0;
        }
        break;
      }
    }
    if (before > 0) {
      const h = scanner.take();
      if (h.rows !== before) throw this.changed();
      line += h.lines;
      this.blank += h.blank;
    }

    let start = 0;
    let pieceStart = pos;
    let part = 0;
    const cut = async (end: number, last: boolean): Promise<CsvPiece | null> => {
      const c = scanner.take();
      this.blank += c.blank;
      if (end === pieceStart && c.rows === 0) return null;
      const bytes = await readPieceBytes(fh, pieceStart, end, this.who, file.path);
      const piece: CsvPiece = { kind: 'piece', start, line, rows: c.rows, last, bytes, end, part: part++ };
      start += c.rows;
      line += c.lines;
      pieceStart = end;
      return piece;
    };
    let at = pos;
    for (;;) {
      const n = await readFully(fh, block, at);
      if (n === 0) break;
      let from = 0;
      for (;;) {
        const r = scanner.scan(block, from, n, pieceStart + pieceBytes - at);
        if (r < 0) break;
        const piece = await cut(at + r, false);
        if (piece !== null) yield piece;
        from = r;
      }
      at += n;
      if (at - pieceStart > maxPieceBytes) {
        // No cut for too long: the rest is read row by row as it streams (restOfFile).
        this.bytesRead = pieceStart;
        yield { kind: 'rest', from: pieceStart, start, line };
        return;
      }
    }
    scanner.finish();
    const piece = await cut(at, true);
    this.bytesRead = at;
    if (piece !== null) yield piece;
  }
}

/** Counts of a row-by-row read (restOfFile, pieceRows): rows (accepted or not), the unreadable ones, blank lines, bytes read. */
export interface RowReadCounts {
  rows: number;
  unreadable: number;
  blank: number;
  bytes: number;
}

/** A CsvSink giving each record as a one-thread read of the file gives it: its row values, or an UnreadableRow. */
class RowsSink implements CsvSink {
  readonly out: unknown[] = [];
  parser: CsvParser | null = null;
  /** Records so far (the row number of the last is firstRow + n). */
  private n = 0;

  constructor(
    private readonly file: CsvPieceFormat,
    private readonly firstRow: number,
    private readonly firstLine: number,
    private readonly counts: RowReadCounts,
    private readonly lineOf: ((line: number) => void) | undefined,
  ) {}

  record(fields: readonly string[], fieldCount: number, line: number): void {
    if (isRepeatedHeader(this.file.headerAsWritten, fields, fieldCount)) {
      this.rejected('REPEATED_HEADER', 0, fieldCount, line, undefined, false);
      return;
    }
    this.out.push(csvRowValues(this.file.names, fields, fieldCount));
    this.lineOf?.(this.firstLine + line - 1);
    this.counts.rows++;
    this.n++;
  }

  rejected(code: RejectCode, column: number, fieldCount: number, line: number, raw: string | undefined, rawTruncated: boolean): void {
    const c = this.counts;
    c.rows++;
    c.unreadable++;
    this.n++;
    const f = this.file;
    const reason = csvRejectReason(code, column, fieldCount, f.names, f, 'utf-8', this.firstLine + this.parser!.lastLine - 1);
    this.lineOf?.(this.firstLine + line - 1);
    this.out.push(new UnreadableRow({ kind: 'rejected', rowNumber: this.firstRow + this.n, line: this.firstLine + line - 1, code, reason, ...(raw !== undefined ? { raw } : {}), ...(rawTruncated ? { rawTruncated: true } : {}) }));
  }

  blankLine(): void {
    this.counts.blank++;
  }
}

/** A fresh parser of `file`'s format for `sink` (which keeps it: its line when a row is rejected). */
function pieceParser(file: CsvPieceFormat, sink: CsvSink & { parser: CsvParser | null }): CsvParser {
  const parser = new CsvParser(sink, { delimiter: file.delimiter, maxFieldLength: file.maxFieldLength, maxColumns: file.maxColumns, keepRaw: file.keepRaw });
  parser.setExpectedColumns(file.names.length);
  sink.parser = parser;
  return parser;
}

/**
 * The rows of the file from byte `from` (a record starts there), parsed on this thread as the
 * file streams — each accepted row's values, an UnreadableRow for each rejected one, as a
 * one-thread read of the file gives them (row numbers from `firstRow` + 1, lines from
 * `firstLine`; `lineOf` gets each row's line as it is yielded). `counts` gets the rows, the
 * unreadable ones, the blank lines and the bytes read.
 */
export async function* restOfFile(
  fh: FileHandle,
  file: CsvPieceFormat,
  from: number,
  firstRow: number,
  firstLine: number,
  counts: RowReadCounts,
  lineOf?: (line: number) => void,
): AsyncGenerator<unknown, void, undefined> {
  const sink = new RowsSink(file, firstRow, firstLine, counts, lineOf);
  const parser = pieceParser(file, sink);
  const out = sink.out;
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  const block = new Uint8Array(SCAN_BLOCK_BYTES);
  for (let at = from; ; ) {
    const n = await readFully(fh, block, at);
    if (n === 0) break;
    at += n;
    counts.bytes = at;
    parser.push(decoder.decode(block.subarray(0, n), { stream: true }));
    for (const row of out) yield row;
    out.length = 0;
  }
  const tail = decoder.decode();
  if (tail !== '') parser.push(tail);
  parser.finish();
  for (const row of out) yield row;
}

/**
 * A piece's text pushed into `parser` DECODE_PIECE_BYTES at a time (decodePieces; a piece on a
 * shared buffer is copied a slice at a time). A U+FEFF is kept: the piece is not the file's start.
 * Decoded whole, a dedupe piece (256 KiB) became one string in V8's large-object space (see
 * DECODE_PIECE_BYTES), and its decode took ~1.0 s of each worker's ~6.0 s on the 1M e2e people
 * file; in slices ~0.3 s, and dedupe's prepare phase ×0.91 (BENCHMARKS.md, after the e2e dedupe
 * table). The register's 2 MiB pieces: its CSV build unchanged (8 alternating runs). A decoder
 * of its own per piece: a parser that throws mid-piece leaves no half-decoded sequence to the next.
 */
function pushPiece(parser: CsvParser, bytes: Uint8Array): void {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  for (const text of decodePieces(decoder, bytes)) parser.push(text);
  const tail = decoder.decode();
  if (tail !== '') parser.push(tail);
}

/** Fails INTERNAL when a piece's read found another record count than its cut. */
export function checkCount(piece: Pick<CsvPiece, 'part' | 'rows'>, count: number, who: string): void {
  if (count !== piece.rows) throw new KhopError('INTERNAL', `${who}: piece ${piece.part} holds ${count} records where its cut counted ${piece.rows}`);
}

/**
 * The rows of one piece as a one-thread read gives them (row values, UnreadableRow), on this
 * thread. `counts` gets the rows, the unreadable ones and the blank lines; `lineOf` each row's line.
 */
export function pieceRows(
  file: CsvPieceFormat,
  piece: CsvPieceFields,
  counts: RowReadCounts,
  who: string,
  lineOf?: (line: number) => void,
): unknown[] {
  const before = counts.rows;
  const sink = new RowsSink(file, piece.start, piece.line, counts, lineOf);
  const parser = pieceParser(file, sink);
  pushPiece(parser, piece.bytes);
  if (piece.last) parser.finish();
  checkCount(piece, counts.rows - before, who);
  return sink.out;
}

/** A record of a piece its parser could not read. */
export interface UnreadableRecord {
  /** Index of the record in the piece. */
  readonly i: number;
  readonly code: RejectCode;
  /** The reader's reason (no value). */
  readonly reason: string;
  /** Its first line in the file. */
  readonly line: number;
  readonly raw?: string;
  readonly rawTruncated?: boolean;
}

/** A piece parsed into flat values (see parseCsvPiece). */
export interface ParsedPiece {
  /** Records (accepted or not): the cut's count. */
  readonly count: number;
  /** count × columns values (an unreadable record's: undefined). */
  readonly values: unknown[];
  /** Per record, its first line in the file. */
  readonly lines: number[];
  /** The unreadable records, in order. */
  readonly unreadable: UnreadableRecord[];
}

/** Records as flat values in the caller's column order, and the unreadable ones. */
class ValuesSink implements CsvSink {
  readonly values: unknown[] = [];
  readonly lines: number[] = [];
  readonly unreadable: UnreadableRecord[] = [];
  count = 0;
  parser: CsvParser | null = null;

  constructor(
    private readonly file: CsvPieceFormat,
    private readonly firstLine: number,
    private readonly columnOf: Int32Array,
  ) {}

  record(fields: readonly string[], fieldCount: number, line: number): void {
    if (isRepeatedHeader(this.file.headerAsWritten, fields, fieldCount)) {
      this.rejected('REPEATED_HEADER', 0, fieldCount, line, undefined, false);
      return;
    }
    const col = this.columnOf;
    for (let k = 0; k < col.length; k++) this.values.push(col[k]! >= 0 ? fields[col[k]!] : undefined);
    this.lines.push(this.firstLine + line - 1);
    this.count++;
  }

  rejected(code: RejectCode, column: number, fieldCount: number, line: number, raw: string | undefined, rawTruncated: boolean): void {
    const i = this.count++;
    const at = this.firstLine + line - 1;
    this.lines.push(at);
    for (let k = 0; k < this.columnOf.length; k++) this.values.push(undefined);
    const f = this.file;
    const reason = csvRejectReason(code, column, fieldCount, f.names, f, 'utf-8', this.firstLine + this.parser!.lastLine - 1);
    this.unreadable.push({ i, code, reason, line: at, ...(raw !== undefined ? { raw } : {}), ...(rawTruncated ? { rawTruncated: true } : {}) });
  }

  blankLine(): void {}
}

/**
 * Parse one piece into flat values: per record, the value of each of `columns` (a column the
 * header lacks, or null: undefined), in order. Runs on any thread.
 * @throws KhopError INTERNAL when the parse finds another record count than the cut.
 */
export function parseCsvPiece(file: CsvPieceFormat, piece: Omit<CsvPieceFields, 'start'>, columns: ReadonlyArray<string | null>, who: string): ParsedPiece {
  const sink = new ValuesSink(
    file,
    piece.line,
    Int32Array.from(columns, (c) => (c === null ? -1 : file.names.indexOf(c))),
  );
  const parser = pieceParser(file, sink);
  pushPiece(parser, piece.bytes);
  if (piece.last) parser.finish();
  checkCount(piece, sink.count, who);
  return { count: sink.count, values: sink.values, lines: sink.lines, unreadable: sink.unreadable };
}
