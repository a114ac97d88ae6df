/**
 * Files that are not CSV, NDJSON or Parquet but are handed to khop as if they were — recognised
 * by their first bytes, so the error says what the file is and how to get a table out of it,
 * instead of a CSV reader's complaint about its first line.
 *
 *   first bytes                     what it is                         what to do
 *   PK 03 04 / PK 05 06 / PK 07 08  ZIP: an Excel workbook (.xlsx),     save the sheet as CSV UTF-8,
 *                                   an OpenDocument sheet (.ods), or   or unzip it
 *                                   a zipped export
 *   D0 CF 11 E0 A1 B1 1A E1         OLE2: an Excel 97–2003 workbook    save the sheet as CSV UTF-8
 *                                   (.xls) or another Office file
 *   <!doctype / <html / <table /    HTML or XML: many systems export   save it from Excel as CSV
 *   <?xml (after blanks, any case)  their "Excel" file as an HTML      UTF-8
 *                                   table, or Excel 2003 XML
 *   %PDF-                           a PDF document                     export the data, not a print
 *   BZh / FD 37 7A 58 5A 00 /       bzip2 / xz / zstd compression      decompress it first (khop
 *   28 B5 2F FD                                                         reads gzip itself)
 *
 * Trade-off: magic numbers only, no parsing — an Excel reader would be a dependency for a format
 * that a data team converts in one step, and a wrong guess costs nothing (the message says what
 * the bytes look like). A CSV cannot start with these bytes: they are control characters or, for
 * the markup, a header no export writes.
 */
import { KhopError } from '../errors.js';

/** Byte prefixes of binary formats, and what each is. */
const MAGIC: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive — an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a zipped export'],
  [[0x50, 0x4b, 0x05, 0x06], 'an empty ZIP archive'],
  [[0x50, 0x4b, 0x07, 0x08], 'a ZIP archive — an Excel workbook (.xlsx), an OpenDocument spreadsheet (.ods) or a zipped export'],
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'an Excel 97–2003 workbook (.xls) or another Microsoft Office file'],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed'],
];

/** Markup openings (lower case) that no CSV header or NDJSON line starts with. */
const MARKUP = ['<!doctype', '<html', '<table', '<?xml'];

/** What to do about each kind, after "input is …: ". */
function advice(kind: string): string {
  if (kind.endsWith('-compressed')) return 'decompress it first (khop reads gzip itself), e.g. `xz -dc export.csv.xz | khop dedupe - …`';
  if (kind === 'a PDF document') return 'export the data itself as CSV, not a printout of it';
  const save = 'open it in Excel or LibreOffice and save the sheet as CSV UTF-8 (Excel: Save As → "CSV UTF-8 (Comma delimited)")';
  return kind.includes('ZIP') ? `${save}; a zipped export: unzip it first` : save;
}

/**
 * What the first bytes of an input say it is, when it is none of the formats khop reads, or
 * null. `head` is the (gunzipped) content's first bytes.
 */
export function foreignFormat(head: Uint8Array): string | null {
  for (const [magic, kind] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  let i = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3; // UTF-8 byte-order mark
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] !== 0x3c) return null; // <
  let opening = '';
  for (let j = i; j < head.length && opening.length < 9; j++) opening += String.fromCharCode(head[j]! | (head[j]! >= 0x41 && head[j]! <= 0x5a ? 0x20 : 0));
  return MARKUP.some((m) => opening.startsWith(m)) ? 'an HTML or XML document — often an "Excel" export that is really a web page, or an Excel 2003 XML spreadsheet' : null;
}

/** The INVALID_INPUT error for an input of a foreign format (its kind, never its content). */
export function foreignFormatError(kind: string): KhopError {
  return new KhopError('INVALID_INPUT', `input is ${kind}, not CSV, NDJSON or Parquet: ${advice(kind)}`, { details: { kind } });
}
