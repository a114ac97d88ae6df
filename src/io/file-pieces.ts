/**
 * A taken CSV or NDJSON file read in pieces, whatever its format: what the readers that cut a
 * file and read its pieces on several threads share (Register.build: src/register/csv-ingest.ts;
 * `khop authenticate`: src/register/claims-file.ts; dedupe / link: src/pipeline/prepare.ts), and
 * how such a reader takes the file from the rows it was given (takePieceFileOf). The format decides three things only — where
 * a piece may end (CsvPieceCutter: a record boundary; NdjsonPieceCutter: after an LF), how a piece
 * is read into flat values (parseCsvPiece, parseNdjsonPiece) and how the rest of a file without a
 * cut for too long is read as it streams (restOfFile, restOfNdjsonFile); the loop over the pieces
 * is the caller's.
 */
import type { FileHandle } from 'node:fs/promises';
import { CsvPieceCutter, parseCsvPiece, pieceFormatOf, pieceRows, restOfFile, type CsvPiece, type CsvPieceFields, type CsvPieceFormat, type CsvRest, type ParsedPiece, type RowReadCounts } from './csv-pieces.js';
import { csvFileBytes, takeCsvFile, type CsvFile } from './csv-reader.js';
import { NdjsonPieceCutter, ndjsonPieceFormatOf, ndjsonPieceRows, parseNdjsonPiece, restOfNdjsonFile, type NdjsonPieceFormat } from './ndjson-pieces.js';
import { ndjsonFileBytes, takeNdjsonFile, type NdjsonFile } from './ndjson-reader.js';
import type { RejectedItem } from './record-types.js';

/** A file taken from its source to be read in pieces. */
export type PieceFile = CsvFile | NdjsonFile;

/** A file's format as the reader of one of its pieces needs it (plain data: it crosses threads). */
export type PieceFormat = { readonly kind: 'csv'; readonly csv: CsvPieceFormat } | { readonly kind: 'ndjson'; readonly ndjson: NdjsonPieceFormat };

/** Reading a taken file in pieces: its pieces' format, its cutter, and its rest read as it streams. */
export interface PieceReading {
  readonly format: PieceFormat;
  /** After `pieces()` has ended: the file's blank lines and bytes (see CsvPieceCutter). */
  readonly cutter: { pieces(): AsyncGenerator<CsvPiece | CsvRest, void, undefined>; readonly blank: number; readonly bytesRead: number };
  /**
   * The rows of the file from byte `from` (a record starts there), each an accepted row's values
   * or an UnreadableRow, as a one-thread read gives them; `counts` gets the rows, the unreadable
   * ones, the blank lines and the bytes read; `lineOf` each row's first line.
   */
  rest(from: number, start: number, line: number, counts: RowReadCounts, lineOf?: (line: number) => void): AsyncGenerator<unknown, void, undefined>;
}

export function isNdjsonFile(file: PieceFile): file is NdjsonFile {
  return (file as Partial<NdjsonFile>).kind === 'ndjson';
}

/** The cutter, pieces' format and rest reader of `file`, open as `fh`; `who` names the reader in an error. */
export function pieceReading(file: PieceFile, fh: FileHandle, pieceBytes: number, maxPieceBytes: number, who: string): PieceReading {
  if (isNdjsonFile(file)) {
    const ndjson = ndjsonPieceFormatOf(file);
    return {
      format: { kind: 'ndjson', ndjson },
      cutter: new NdjsonPieceCutter(fh, file, pieceBytes, maxPieceBytes, who),
      rest: (from, start, line, counts, lineOf) => restOfNdjsonFile(fh, ndjson, from, start, line, counts, lineOf),
    };
  }
  const csv = pieceFormatOf(file);
  return {
    format: { kind: 'csv', csv },
    cutter: new CsvPieceCutter(fh, file, pieceBytes, maxPieceBytes, who),
    rest: (from, start, line, counts, lineOf) => restOfFile(fh, csv, from, start, line, counts, lineOf),
  };
}

/**
 * Read one piece into flat values: per record, the value of each of `columns` (a CSV file's
 * columns, an NDJSON file's keys; absent or null: undefined), and the unreadable records. Runs on
 * any thread.
 * @throws KhopError INTERNAL when the read finds another record count than the cut.
 */
export function parsePiece(format: PieceFormat, piece: Omit<CsvPieceFields, 'start'>, columns: ReadonlyArray<string | null>, who: string): ParsedPiece {
  return format.kind === 'csv' ? parseCsvPiece(format.csv, piece, columns, who) : parseNdjsonPiece(format.ndjson, piece, columns, who);
}

/**
 * The rows of one piece as a one-thread read gives them, read on this thread: each accepted
 * row's object, an UnreadableRow for each rejected one (row numbers after `piece.start`);
 * `counts` gets the rows, the unreadable ones and the blank lines, `lineOf` each row's first line.
 */
export function rowsOfPiece(format: PieceFormat, piece: CsvPieceFields, counts: RowReadCounts, who: string, lineOf?: (line: number) => void): unknown[] {
  return format.kind === 'csv' ? pieceRows(format.csv, piece, counts, who, lineOf) : ndjsonPieceRows(format.ndjson, piece, counts, who, lineOf);
}

/**
 * What the reader of a taken file tells whoever handed it the rows (the command line's input:
 * src/cli/input.ts), row by row in file order. With an observer, a row the reader rejects is
 * told here and handed on to nobody: it takes no position among the rows.
 */
export interface PieceRowObserver {
  /** The column (an NDJSON file's key) whose value each accepted row's `id` is (null: none). */
  readonly idColumn: string | null;
  /** An accepted row: its 1-based data-row number, its first line, its idColumn value as text (idText). */
  row(rowNumber: number, line: number, id: string | undefined): void;
  /** A row the reader rejected (as the source's batches would give it). */
  rejected(item: RejectedItem): void;
}

/**
 * A row's id value as the command line keeps it for its outputs: text as it is, a number (an
 * NDJSON file's) as its decimal digits, anything else undefined (no id).
 */
export function idText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
}

/** A file taken to be read in pieces, and the observer of its rows (null: a rejected row keeps its position, as an UnreadableRow). */
export interface TakenPieceFile {
  readonly file: PieceFile;
  readonly observer: PieceRowObserver | null;
  /**
   * The rows under other column names (the command line's right input of a link: right-columns.ts):
   * a row's column → the file's column (key) it is read from; a column not in the map is absent
   * from every row. Absent: the file's own names.
   */
  readonly columns?: ReadonlyMap<string, string>;
}

/** An object that is not a RecordSource but can hand over one's file (see takePieceFileOf): the key of its method. */
export const TAKE_PIECE_FILE: unique symbol = Symbol('khop.takePieceFile');

/** Rows that can hand over the CSV or NDJSON file they would be read from. */
export interface PieceFileRows {
  [TAKE_PIECE_FILE](minBytes: number): TakenPieceFile | null;
}

/**
 * The CSV or NDJSON file behind rows given to a pipeline, taken for a reader that reports the
 * source's progress and abort signal itself (its `observe`): a CSV or NDJSON RecordSource's (no
 * observer), or what an object with a {@link TAKE_PIECE_FILE} method hands over. Null when there
 * is none (see the readers' takeFile for what they decline).
 */
export function takePieceFileOf(rows: unknown, minBytes: number): TakenPieceFile | null {
  const file = takeCsvFile(rows, minBytes, true) ?? takeNdjsonFile(rows, minBytes, true);
  if (file !== null) return { file, observer: null };
  if (rows !== null && typeof rows === 'object' && typeof (rows as Partial<PieceFileRows>)[TAKE_PIECE_FILE] === 'function') return (rows as PieceFileRows)[TAKE_PIECE_FILE](minBytes);
  return null;
}

/** The size of the file a CSV or NDJSON RecordSource would read when a piece reader can take it; null for anything else. Nothing is taken. */
export function pieceFileBytes(rows: unknown): number | null {
  return csvFileBytes(rows) ?? ndjsonFileBytes(rows);
}
