/**
 * F59: a workbook, a web page, a PDF or a bzip2 / xz / zstd file handed to khop as a table is
 * named for what it is (src/io/foreign-formats.ts) — not read as CSV, whose complaint about the
 * first line ("no column was recognised", "U+FFFD in column 1") sent the user after the header.
 */
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foreignFormat } from '../../src/io/foreign-formats.js';
import { openRecords } from '../../src/io/record-reader.js';
import { isKhopError } from '../../src/errors.js';
import { cli, tempDir } from '../cli/cli-helpers.js';

const bytes = (...parts: Array<number[] | string>): Uint8Array => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'utf8')] : p)));

/** [first bytes, a word the kind must contain] */
const FOREIGN: Array<[Uint8Array, string]> = [
  [bytes([0x50, 0x4b, 0x03, 0x04], 'xl/workbook.xml'), 'Excel workbook (.xlsx)'],
  [bytes([0x50, 0x4b, 0x05, 0x06], '\0\0\0\0'), 'empty ZIP'],
  [bytes([0x50, 0x4b, 0x07, 0x08], 'rest'), 'ZIP archive'],
  [bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'Workbook'), 'Excel 97–2003 workbook (.xls)'],
  [bytes('%PDF-1.7\n'), 'PDF'],
  [bytes('BZh91AY&SY'), 'bzip2'],
  [bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00]), 'xz'],
  [bytes([0x28, 0xb5, 0x2f, 0xfd, 0x24]), 'zstd'],
  [bytes('<!DOCTYPE html><html><body><table>'), 'HTML or XML'],
  [bytes('\r\n  <html xmlns:x="urn:schemas-microsoft-com:office:excel">'), 'HTML or XML'],
  [bytes([0xef, 0xbb, 0xbf], '<TABLE border=1><tr><td>Họ tên</td>'), 'HTML or XML'],
  [bytes('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'), 'HTML or XML'],
];

describe('foreignFormat: what the first bytes say (F59)', () => {
  it.each(FOREIGN)('%s → %s', (head, kind) => {
    expect(foreignFormat(head)).toContain(kind);
  });

  it('tables are none of them: CSV headers (any letters, with or without a byte-order mark), NDJSON, a header cell that starts with "<"', () => {
    for (const text of ['ho_ten,ngay_sinh\n', '\uFEFFHọ và tên;Ngày sinh\n', '{"ho_ten":"x"}\n', '<id>,name\n', '<b>Họ tên</b>,dob\n', 'PK,name\n', 'BZ,h\n', '']) {
      expect(foreignFormat(bytes(text)), JSON.stringify(text)).toBeNull();
    }
    // Any text that starts with a letter, a digit, a quote, a BOM or a blank before one of them.
    const first = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"\'_ĐđHọ'.split(''));
    fc.assert(
      fc.property(fc.constantFrom('', '\uFEFF', ' ', '\r\n'), first, fc.string({ maxLength: 40 }), (lead, c, rest) => {
        expect(foreignFormat(bytes(lead + c + rest))).toBeNull();
      }),
      { numRuns: 500, seed: 20261203 },
    );
  });
});

describe('openRecords and the command line name it (F59)', () => {
  it('openRecords: INVALID_INPUT with the kind — from bytes, a stream, and inside gzip — never the content', async () => {
    for (const [head, kind] of FOREIGN) {
      for (const source of [head, gzipSync(head), [head] as Iterable<Uint8Array>]) {
        const e = await openRecords(source).then(
          () => null,
          (x: unknown) => x,
        );
        expect(isKhopError(e) && e.code === 'INVALID_INPUT', kind).toBe(true);
        expect((e as Error).message).toContain(kind);
        expect((e as Error).message).not.toContain('Họ tên');
      }
    }
  });

  const t = tempDir();
  afterAll(() => t.remove());

  it('khop dedupe danh_sach.xlsx / .xls / an HTML "Excel" export named .csv: exit 2 saying what it is and how to get a CSV', async () => {
    writeFileSync(join(t.dir, 'danh_sach.xlsx'), FOREIGN[0]![0]);
    writeFileSync(join(t.dir, 'danh_sach.xls'), FOREIGN[3]![0]);
    writeFileSync(join(t.dir, 'web.csv'), FOREIGN[10]![0]);
    for (const [file, kind] of [['danh_sach.xlsx', 'an Excel workbook (.xlsx)'], ['danh_sach.xls', 'an Excel 97–2003 workbook'], ['web.csv', 'an HTML or XML document']] as const) {
      const r = await cli(['dedupe', file, '-o', 'out.csv'], t.dir);
      expect(r.code, file).toBe(2);
      expect(r.stderr, file).toContain(kind);
      expect(r.stderr, file).toContain('save the sheet as CSV UTF-8');
      expect(r.stderr, file).not.toContain('Họ tên');
    }
  });
});
