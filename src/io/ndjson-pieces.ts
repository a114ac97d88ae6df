/**
 * An NDJSON file cut into pieces at line ends, and the read of one piece — what a reader that
 * reads a file on several threads needs (src/io/file-pieces.ts: Register.build, `khop
 * authenticate`). The NDJSON counterpart of csv-pieces.ts.
 *
 *   file ─► NdjsonPieceCutter: byte scan for LF (a native search; no decoding, no strings) ─►
 *           pieces of ~pieceBytes on shared memory, each with its first row's position, its
 *           first line and its row count; no LF for maxPieceBytes (a line that long) ─► 'rest':
 *           the rest of the file is read by the streaming reader (readNdjsonRest)
 *   piece ─► parseNdjsonPiece (any thread): decode, split at LF, each line by the streaming
 *           reader's own rules (ndjson-reader.ts, ndjsonLine) — its values in the caller's key
 *           order, or its rejection (code, reason, line, raw)
 *
 * Rows, rejections, line and row numbers are those of readNdjson over the whole file: a line is
 * what ends at an LF (JSON text holds no raw LF, and no UTF-8 sequence holds the byte 0x0A, so a
 * cut after an LF splits neither a record nor a character); a blank line — only spaces, tabs and
 * CRs — takes no row number, and the cutter tells one from its bytes alone (in UTF-8 every
 * other character, U+FEFF and an invalid byte's U+FFFD included, starts with a byte outside those
 * three). A piece whose read finds another row count than its cut fails INTERNAL rather than
 * shift rows. The file is read twice (the scan, then each piece): the second read comes from the
 * page cache.
 */
import type { FileHandle } from 'node:fs/promises';
import { TextDecoder } from 'node:util';
import { checkCount, readFully, readPieceBytes, type CsvPiece, type CsvPieceFields, type CsvRest, type ParsedPiece, type RowReadCounts, type UnreadableRecord } from './csv-pieces.js';
import { lineTooLong, ndjsonLine, NdjsonLineRejection, readNdjsonRest, type NdjsonFile, type NdjsonPieceFormat } from './ndjson-reader.js';
import { UnreadableRow } from './record-source-rows.js';
import { RAW_TEXT_LIMIT, type RecordValues } from './record-types.js';

export type { NdjsonPieceFormat };

/** Bytes the scan reads at a time. */
const SCAN_BLOCK_BYTES = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/** The part of an NdjsonFile a piece's reader needs. */
export function ndjsonPieceFormatOf(file: NdjsonFile): NdjsonPieceFormat {
  return { maxLineLength: file.maxLineLength, keepRaw: file.keepRaw };
}

/** A piece of the file, as the cutter gives it: what a CSV piece is (csv-pieces.ts). */
export type NdjsonPiece = CsvPiece;

/**
 * Cuts an open NDJSON file into pieces (see the file header). After `pieces()` has ended, `blank`
 * and `bytesRead` are the file's blank lines and bytes up to the end, or up to the rest's start
 * when it ended with a 'rest'.
 */
export class NdjsonPieceCutter {
  blank = 0;
  bytesRead = 0;

  /** @param who names the reader in an error */
  constructor(
    private readonly fh: FileHandle,
    private readonly file: NdjsonFile,
    private readonly pieceBytes: number,
    private readonly maxPieceBytes: number,
    private readonly who: string,
  ) {}

  async *pieces(): AsyncGenerator<NdjsonPiece | CsvRest, void, undefined> {
    const { fh, file, pieceBytes, maxPieceBytes } = this;
    const block = Buffer.allocUnsafe(SCAN_BLOCK_BYTES); // Buffer: its indexOf is a native byte search
    let start = 0;
    let line = 1;
    let part = 0;
    let pieceStart = file.bomLength;
    // The piece so far: its rows (non-blank lines), lines and blank lines; and whether the
    // line being scanned has shown a byte other than space, tab or CR yet.
    let rows = 0;
    let lines = 0;
    let blank = 0;
    let content = false;
    /** File offset of the line being scanned. */
    let lineStart = pieceStart;
    const cut = async (end: number, last: boolean): Promise<NdjsonPiece | null> => {
      this.blank += blank;
      if (end === pieceStart) return null;
      const bytes = await readPieceBytes(fh, pieceStart, end, this.who, file.path);
      const piece: NdjsonPiece = { kind: 'piece', start, line, rows, last, bytes, end, part: part++ };
      start += rows;
      line += lines;
      pieceStart = end;
      rows = 0;
      lines = 0;
      blank = 0;
      return piece;
    };
    let at = pieceStart;
    for (;;) {
      const n = await readFully(fh, block, at);
      if (n === 0) break;
      let from = 0;
      while (from < n) {
        // Is the line non-blank? Its first bytes tell (nearly always its first: `{`).
        let k = from;
        if (!content) {
          while (k < n) {
            const b = block[k]!;
            if (b !== SPACE && b !== TAB && b !== CR) break;
            k++;
          }
          if (k < n && block[k] !== LF) content = true;
        }
        const nl = block.indexOf(LF, k);
        if (nl < 0 || nl >= n) break;
        lines++;
        // A whitespace line longer than maxLineLength is a row (LINE_TOO_LONG): its bytes are its characters.
        if (content || at + nl - lineStart > file.maxLineLength) rows++;
        else blank++;
        content = false;
        from = nl + 1;
        lineStart = at + from;
        if (at + from - pieceStart >= pieceBytes) {
          const piece = await cut(at + from, false);
          if (piece !== null) yield piece;
        }
      }
      at += n;
      if (at - pieceStart > maxPieceBytes) {
        // No line end for too long: the rest is read by the streaming reader (readNdjsonRest).
        this.bytesRead = pieceStart;
        yield { kind: 'rest', from: pieceStart, start, line };
        return;
      }
    }
    // A last line without an LF is a line (blank or not), as at the streaming reader's end of input.
    if (at > lineStart) {
      if (content || at - lineStart > file.maxLineLength) rows++;
      else blank++;
    }
    const piece = await cut(at, true);
    this.bytesRead = at;
    if (piece !== null) yield piece;
  }
}

/**
 * Read one piece into flat values: per row, the value of each of `keys` (null: undefined) in
 * order — an unreadable row's all undefined — as readNdjson gives the rows of these lines.
 * Runs on any thread.
 * @throws KhopError INTERNAL when the read finds another row count than the cut.
 */
export function parseNdjsonPiece(format: NdjsonPieceFormat, piece: Omit<CsvPieceFields, 'start'>, keys: ReadonlyArray<string | null>, who: string): ParsedPiece {
  const { text, mayHaveReplacement } = decodePiece(piece);
  const K = keys.length;
  const values: unknown[] = [];
  const lines: number[] = [];
  const unreadable: UnreadableRecord[] = [];
  let count = 0;
  let line = piece.line;
  forEachLine(piece, text, (from, to) => {
    const at = line++;
    if (to - from <= format.maxLineLength && flatObjectValues(text, from, to, keys, values)) {
      count++;
      lines.push(at);
      return;
    }
    const r = readLine(format, text, from, to, mayHaveReplacement, true);
    if (r === null) return;
    const i = count++;
    lines.push(at);
    if (r instanceof NdjsonLineRejection) {
      for (let k = 0; k < K; k++) values.push(undefined);
      unreadable.push({ i, code: r.code, reason: r.reason, line: at, ...(r.raw !== undefined ? { raw: r.raw } : {}), ...(r.rawTruncated ? { rawTruncated: true } : {}) });
      return;
    }
    // Own keys only (the object keeps JSON.parse's prototype: ndjsonLine, ownOnly): an absent
    // key reads as undefined, never as an inherited `constructor`, as a row of readNdjson.
    const row = r as Record<string, unknown>;
    for (let k = 0; k < K; k++) {
      const key = keys[k];
      values.push(key === null || !Object.hasOwn(row, key!) ? undefined : row[key!]);
    }
  });
  checkCount(piece, count, who);
  return { count, values, lines, unreadable };
}

/**
 * The rows of one piece as readNdjson over the whole file gives them, read on this thread: each
 * accepted row's object, an UnreadableRow for each rejected line (row numbers after
 * `piece.start`). `counts` gets the rows, the unreadable ones and the blank lines; `lineOf` each
 * row's line.
 */
export function ndjsonPieceRows(format: NdjsonPieceFormat, piece: CsvPieceFields, counts: RowReadCounts, who: string, lineOf?: (line: number) => void): unknown[] {
  const { text, mayHaveReplacement } = decodePiece(piece);
  const out: unknown[] = [];
  let line = piece.line;
  forEachLine(piece, text, (from, to) => {
    const at = line++;
    const r = readLine(format, text, from, to, mayHaveReplacement, false);
    if (r === null) {
      counts.blank++;
      return;
    }
    counts.rows++;
    lineOf?.(at);
    if (!(r instanceof NdjsonLineRejection)) {
      out.push(r);
      return;
    }
    counts.unreadable++;
    const rowNumber = piece.start + out.length + 1;
    out.push(new UnreadableRow({ kind: 'rejected', rowNumber, line: at, code: r.code, reason: r.reason, ...(r.raw !== undefined ? { raw: r.raw } : {}), ...(r.rawTruncated ? { rawTruncated: true } : {}) }));
  });
  checkCount(piece, out.length, who);
  return out;
}

/** A piece's text (invalid UTF-8 as U+FFFD, which the line rules reject), and whether it may hold a U+FFFD at all. */
function decodePiece(piece: Pick<CsvPieceFields, 'bytes'>): { text: string; mayHaveReplacement: boolean } {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(piece.bytes);
  return { text, mayHaveReplacement: text.indexOf('\uFFFD') !== -1 };
}

/** `take(from, to)` for each line of a piece's text (its LF excluded); a last line without one only in the file's last piece. */
function forEachLine(piece: Pick<CsvPieceFields, 'last'>, text: string, take: (from: number, to: number) => void): void {
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    take(from, nl);
    from = nl + 1;
  }
  if (from < text.length && piece.last) take(from, text.length);
}

/** Line [from, to) of a piece's text by the streaming reader's rules: its object, its rejection, or null (blank). */
function readLine(format: NdjsonPieceFormat, text: string, from: number, to: number, mayHaveReplacement: boolean, ownOnly: boolean): RecordValues | NdjsonLineRejection | null {
  const length = to - from;
  if (length > format.maxLineLength) return lineTooLong(format.maxLineLength, format.keepRaw ? text.slice(from, from + Math.min(length, RAW_TEXT_LIMIT)) : undefined, length);
  return ndjsonLine(text.slice(from, to), mayHaveReplacement, 'utf-8', format.keepRaw, ownOnly);
}

/**
 * The rows of the file from byte `from` (a line starts there), read on this thread as the file
 * streams by the streaming reader itself — each accepted row's object, an UnreadableRow for each
 * rejected one, as readNdjson over the whole file gives them (row numbers from `firstRow` + 1,
 * lines from `firstLine`; `lineOf` gets each row's line as it is yielded). `counts` gets the
 * rows, the unreadable ones, the blank lines and the bytes read.
 */
export async function* restOfNdjsonFile(
  fh: FileHandle,
  format: NdjsonPieceFormat,
  from: number,
  firstRow: number,
  firstLine: number,
  counts: RowReadCounts,
  lineOf?: (line: number) => void,
): AsyncGenerator<unknown, void, undefined> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let at = from; ; ) {
      const block = new Uint8Array(SCAN_BLOCK_BYTES);
      const n = await readFully(fh, block, at);
      if (n === 0) return;
      at += n;
      counts.bytes = at;
      yield n === block.length ? block : block.subarray(0, n);
    }
  }
  counts.bytes = from;
  const source = await readNdjsonRest(chunks(), format, firstLine, firstRow);
  for await (const batch of source.batches()) {
    for (const item of batch) {
      counts.rows++;
      lineOf?.(item.line!);
      if (item.kind === 'rejected') {
        counts.unreadable++;
        yield new UnreadableRow(item);
      } else yield item.values;
    }
  }
  counts.blank += source.summary.blankLines;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const REPLACEMENT = 0xfffd;

function skipSpace(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) break;
    i++;
  }
  return i;
}

/** End (the closing quote's index) of a string starting after its opening quote at `i`, or −1 when it is not plain (see flatObjectValues). */
function plainStringEnd(text: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20 || c === REPLACEMENT) return -1;
  }
  return -1;
}

/**
 * The fast read of the usual claims line: text[from, to) (a CR before its LF still there) is one
 * JSON object whose values are all plain strings — no escape, no control character, no U+FFFD —
 * with JSON whitespace anywhere between tokens: then each of `keys`' values (undefined when the
 * object lacks it; the last of a repeated key, as JSON.parse keeps) is pushed onto `values` and
 * the answer is true. Anything else — a blank line, another value type, an escape, invalid JSON —
 * is false with nothing pushed, for ndjsonLine to read as the streaming reader does. The values
 * are what JSON.parse would give (a plain string's characters are its value), without parsing or
 * making the keys and values nobody reads: JSON.parse took 1.6 µs a line of the e2e claims (eight
 * keys, ~180 characters).
 */
export function flatObjectValues(text: string, from: number, to: number, keys: ReadonlyArray<string | null>, values: unknown[]): boolean {
  let i = skipSpace(text, from, to);
  if (i === to || text.charCodeAt(i) !== 0x7b /* { */) return false;
  i = skipSpace(text, i + 1, to);
  const base = values.length;
  const K = keys.length;
  for (let k = 0; k < K; k++) values.push(undefined);
  if (i < to && text.charCodeAt(i) === 0x7d /* } */) i++;
  else {
    for (;;) {
      if (i === to || text.charCodeAt(i) !== QUOTE) return undo(values, base);
      const keyStart = i + 1;
      const keyEnd = plainStringEnd(text, keyStart, to);
      if (keyEnd < 0) return undo(values, base);
      i = skipSpace(text, keyEnd + 1, to);
      if (i === to || text.charCodeAt(i) !== 0x3a /* : */) return undo(values, base);
      i = skipSpace(text, i + 1, to);
      if (i === to || text.charCodeAt(i) !== QUOTE) return undo(values, base);
      const valueEnd = plainStringEnd(text, i + 1, to);
      if (valueEnd < 0) return undo(values, base);
      const keyLength = keyEnd - keyStart;
      for (let k = 0; k < K; k++) {
        const key = keys[k];
        if (key !== null && key!.length === keyLength && text.startsWith(key!, keyStart)) values[base + k] = text.slice(i + 1, valueEnd);
      }
      i = skipSpace(text, valueEnd + 1, to);
      if (i === to) return undo(values, base);
      const c = text.charCodeAt(i);
      if (c === 0x7d /* } */) {
        i++;
        break;
      }
      if (c !== 0x2c /* , */) return undo(values, base);
      i = skipSpace(text, i + 1, to);
    }
  }
  if (skipSpace(text, i, to) !== to) return undo(values, base);
  return true;
}

function undo(values: unknown[], base: number): false {
  values.length = base;
  return false;
}
