/**
 * A taken CSV or NDJSON file read in pieces, whatever its format: what the readers that cut a
 * file and read its pieces on several threads share (Register.build: src/register/csv-ingest.ts;
 * `khop authenticate`: src/register/claims-file.ts). The format decides three things only — where
 * a piece may end (CsvPieceCutter: a record boundary; NdjsonPieceCutter: after an LF), how a piece
 * is read into flat values (parseCsvPiece, parseNdjsonPiece) and how the rest of a file without a
 * cut for too long is read as it streams (restOfFile, restOfNdjsonFile); the loop over the pieces
 * is the caller's.
 */
import type { FileHandle } from 'node:fs/promises';
import { CsvPieceCutter, parseCsvPiece, pieceFormatOf, restOfFile, type CsvPiece, type CsvPieceFields, type CsvPieceFormat, type CsvRest, type ParsedPiece, type RowReadCounts } from './csv-pieces.js';
import type { CsvFile } from './csv-reader.js';
import { NdjsonPieceCutter, ndjsonPieceFormatOf, parseNdjsonPiece, restOfNdjsonFile, type NdjsonPieceFormat } from './ndjson-pieces.js';
import type { NdjsonFile } from './ndjson-reader.js';

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
