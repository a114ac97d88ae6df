import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { CsvParser } from '../../src/io/csv-parser.js';
import { readCsv } from '../../src/io/csv-reader.js';
import { sepLineDelimiter, sepLineUndecided } from '../../src/io/csv-dialect.js';
import type { ProgressEvent } from '../../src/io/progress.js';
import { RAW_TEXT_LIMIT, ROW_PROTOTYPE, type RejectCode } from '../../src/io/record-types.js';
import { chunked, collect, concatBytes, rejectedOf, rowsOf, utf8, windows1258 } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function utf16le(s: string, bom = true): Uint8Array {
  const out = new Uint8Array((bom ? 2 : 0) + s.length * 2);
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o++] = c & 0xff; // low byte first
    out[o++] = c >>> 8;
  }
  return out;
}

function utf16be(s: string): Uint8Array {
  const le = utf16le(s, false);
  const out = new Uint8Array(2 + le.length);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < le.length; i += 2) {
    out[2 + i] = le[i + 1]!;
    out[3 + i] = le[i]!;
  }
  return out;
}

const VN = 'ho_ten,ngay_sinh,gioi_tinh\r\nNguyễn Văn An,01/05/1990,Nam\r\n"Trần Thị ""Bé""",1991,Nữ\r\n';
const VN_ROWS = [
  { ho_ten: 'Nguyễn Văn An', ngay_sinh: '01/05/1990', gioi_tinh: 'Nam' },
  { ho_ten: 'Trần Thị "Bé"', ngay_sinh: '1991', gioi_tinh: 'Nữ' },
];

describe('readCsv: encodings and dialects', () => {
  it('reads Vietnamese headers and values, CRLF, doubled quotes', async () => {
    const src = await readCsv(utf8(VN));
    expect(src.columns).toEqual(['ho_ten', 'ngay_sinh', 'gioi_tinh']);
    expect(src.encoding).toBe('utf-8');
    expect(src.delimiter).toBe(',');
    const items = await collect(src);
    expect(rowsOf(items)).toEqual(VN_ROWS);
    expect(items.map((i) => [i.rowNumber, i.line])).toEqual([
      [1, 2],
      [2, 3],
    ]);
    expect(src.summary).toMatchObject({ format: 'csv', rows: 2, accepted: 2, rejected: 0, status: 'ok' });
  });

  it('strips a UTF-8 BOM', async () => {
    const src = await readCsv(concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(VN)));
    expect(src.columns[0]).toBe('ho_ten');
    expect(rowsOf(await collect(src))).toEqual(VN_ROWS);
  });

  it('decodes UTF-16 LE and BE with a BOM', async () => {
    for (const bytes of [utf16le(VN), utf16be(VN)]) {
      const src = await readCsv(bytes);
      expect(src.columns).toEqual(['ho_ten', 'ngay_sinh', 'gioi_tinh']);
      expect(rowsOf(await collect(src))).toEqual(VN_ROWS);
    }
    expect((await readCsv(utf16le(VN))).encoding).toBe('utf-16le');
    expect((await readCsv(utf16be(VN))).encoding).toBe('utf-16be');
  });

  it('decodes the Vietnamese Windows code page when asked (windows-1258); read as UTF-8, its rows are rejected naming it', async () => {
    const bytes = windows1258(VN);
    expect(bytes.length).toBeLessThan(utf8(VN).length); // one byte a letter, tones as bytes of their own
    const src = await readCsv(bytes, { encoding: 'windows-1258' });
    expect(src.encoding).toBe('windows-1258');
    const rows = rowsOf(await collect(src)) as Array<Record<string, string>>;
    // Decomposed as the code page writes them: the same names once composed.
    expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.normalize('NFC')])))).toEqual(VN_ROWS);
    const asUtf8 = rejectedOf(await collect(await readCsv(bytes)));
    expect(asUtf8.map((r) => r.code)).toEqual(['INVALID_ENCODING', 'INVALID_ENCODING']);
    for (const r of asUtf8) expect(r.reason).toContain("encoding 'windows-1258' (khop: --encoding windows-1258)");
    // A file that is UTF-8 indeed gets no such hint when read as UTF-16 (only a UTF-8 read adds it).
    const u16 = rejectedOf(await collect(await readCsv(concatBytes(new Uint8Array([0xff, 0xfe]), new Uint8Array([0x61, 0x00, 0x0a, 0x00, 0x00, 0xd8, 0x0a, 0x00])))));
    expect(u16.map((r) => r.code)).toEqual(['INVALID_ENCODING']);
    expect(u16[0]!.reason).not.toContain('windows-1258');
  });

  it('reads an Excel-style UTF-16 tab-separated export', async () => {
    const src = await readCsv(utf16le('Họ và tên\tNgày sinh\r\nLê Thị Hoà\t1985\r\n'));
    expect(src.delimiter).toBe('\t');
    expect(rowsOf(await collect(src))).toEqual([{ 'Họ và tên': 'Lê Thị Hoà', 'Ngày sinh': '1985' }]);
  });

  it('detects semicolons (commas inside addresses) and tabs', async () => {
    const semi = await readCsv(utf8('ho_ten;dia_chi\nAn;12 Lê Lợi, Huế\nBình;3, Hàng Bài\n'));
    expect(semi.delimiter).toBe(';');
    expect(rowsOf(await collect(semi))).toEqual([
      { ho_ten: 'An', dia_chi: '12 Lê Lợi, Huế' },
      { ho_ten: 'Bình', dia_chi: '3, Hàng Bài' },
    ]);
    const tab = await readCsv(utf8('a\tb\n1,2\t3\n'));
    expect(tab.delimiter).toBe('\t');
    expect(rowsOf(await collect(tab))).toEqual([{ a: '1,2', b: '3' }]);
  });

  it('honours a forced delimiter', async () => {
    const src = await readCsv(utf8('a;b,c\n1;2,3\n'), { delimiter: ',' });
    expect(src.columns).toEqual(['a;b', 'c']);
  });

  it('quoted fields with embedded line breaks keep physical line numbers right', async () => {
    const items = await collect(await readCsv(utf8('id,dia_chi\n1,"Số 5\nngõ 3\nHà Nội"\n2,x\n')));
    expect(rowsOf(items)).toEqual([
      { id: '1', dia_chi: 'Số 5\nngõ 3\nHà Nội' },
      { id: '2', dia_chi: 'x' },
    ]);
    expect(items.map((i) => i.line)).toEqual([2, 5]);
  });

  it('rejects only the row with invalid UTF-8, naming the column, not the value', async () => {
    const bytes = concatBytes(utf8('a,b\n1,ok\n2,'), new Uint8Array([0xc3, 0x28]), utf8('x\n3,fine\n'));
    const items = await collect(await readCsv(bytes));
    expect(rowsOf(items)).toEqual([
      { a: '1', b: 'ok' },
      { a: '3', b: 'fine' },
    ]);
    const [bad] = rejectedOf(items);
    expect(bad).toMatchObject({ rowNumber: 2, line: 3, code: 'INVALID_ENCODING' });
    expect(bad!.reason).toContain('column 2 (b)');
    expect(bad!.reason).not.toContain('x');
  });

  it('a multi-byte character or CRLF split across chunks is not an error (every byte split)', async () => {
    const bytes = concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8('họ,tên\r\n"Đặng, Thị",Ngọc Ánh\r\nỶ,ễ\r\n'));
    const whole = await collect(await readCsv(bytes));
    for (let cut = 1; cut < bytes.length; cut++) {
      const src = await readCsv(chunked(bytes, [cut, cut + 1, cut + 3]));
      expect(src.columns).toEqual(['họ', 'tên']);
      expect(await collect(src)).toEqual(whole);
    }
    expect(rejectedOf(whole)).toEqual([]);
  });
});

describe('readCsv: headers', () => {
  it('empty file → zero rows, status empty, no error', async () => {
    for (const input of ['', '\n\n', '\r\n']) {
      const src = await readCsv(utf8(input));
      expect(src.columns).toEqual([]);
      expect(await collect(src)).toEqual([]);
      expect(src.summary.status).toBe('empty');
      expect(src.summary.rows).toBe(0);
    }
  });

  it('header only → zero rows, status no-rows', async () => {
    for (const input of ['a,b', 'a,b\n', 'a,b\r\n\r\n']) {
      const src = await readCsv(utf8(input));
      expect(src.columns).toEqual(['a', 'b']);
      expect(await collect(src)).toEqual([]);
      expect(src.summary.status).toBe('no-rows');
    }
  });

  it('trims header names (not values)', async () => {
    const src = await readCsv(utf8(' ho_ten , ngay_sinh\n An , 1990\n'));
    expect(src.columns).toEqual(['ho_ten', 'ngay_sinh']);
    expect(rowsOf(await collect(src))).toEqual([{ ho_ten: ' An ', ngay_sinh: ' 1990' }]);
  });

  it('duplicate and empty column names → INVALID_INPUT listing positions, not names', async () => {
    const err = await readCsv(utf8('so_cccd,ho_ten,,so_cccd,\n')).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_INPUT')).toBe(true);
    const e = err as { message: string; details: Record<string, unknown> };
    expect(e.details).toEqual({ empty: [3, 5], duplicates: [[1, 4]] });
    expect(e.message).toContain('columns 3, 5');
    expect(e.message).toContain('column 4 (same as column 1)');
    expect(e.message).not.toContain('so_cccd');
  });

  it('renameBadColumns renames instead', async () => {
    const src = await readCsv(utf8('id,,id\n1,2,3\n'), { renameBadColumns: true });
    expect(src.columns).toEqual(['id', 'column_2', 'id_3']);
    expect(rowsOf(await collect(src))).toEqual([{ id: '1', column_2: '2', id_3: '3' }]);
  });

  it('__proto__, constructor, prototype headers cannot pollute prototypes', async () => {
    const src = await readCsv(utf8('__proto__,constructor,prototype,polluted\n{"x":1},evil,p,yes\n'));
    const items = await collect(src);
    const row = (items[0] as { values: Record<string, unknown> }).values;
    expect(Object.getPrototypeOf(row)).toBe(ROW_PROTOTYPE);
    expect(Object.getPrototypeOf(ROW_PROTOTYPE)).toBeNull();
    expect(Object.isFrozen(ROW_PROTOTYPE)).toBe(true);
    expect('toString' in row).toBe(false);
    expect(Object.keys(row)).toEqual(['__proto__', 'constructor', 'prototype', 'polluted']);
    expect(row['__proto__']).toBe('{"x":1}');
    expect(row['constructor']).toBe('evil');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a missing column reads as undefined, never an inherited member', async () => {
    const [item] = await collect(await readCsv(utf8('a\n1\n')));
    const values = (item as { values: Record<string, unknown> }).values;
    expect(values['constructor']).toBeUndefined();
    expect(values['toString']).toBeUndefined();
    expect(values['__proto__']).toBeUndefined();
    expect(values['hasOwnProperty']).toBeUndefined();
  });

  it('header given as names: the first line is data', async () => {
    const src = await readCsv(utf8('1,An\n2,Bình\n'), { header: ['id', 'name'] });
    expect(src.columns).toEqual(['id', 'name']);
    expect(rowsOf(await collect(src))).toEqual([
      { id: '1', name: 'An' },
      { id: '2', name: 'Bình' },
    ]);
  });

  it('header given as names over an empty input → status empty', async () => {
    const empty = await readCsv(utf8('\n'), { header: ['id'] });
    expect(await collect(empty)).toEqual([]);
    expect(empty.summary).toMatchObject({ status: 'empty', blankLines: 1 });
  });

  it('an unreadable header is an INVALID_INPUT error with its line', async () => {
    const err = await readCsv(utf8('"a,b\n1,2\n')).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_INPUT')).toBe(true);
    expect((err as Error).message).toContain('line 1');
  });

  it('a header wider than maxColumns is refused', async () => {
    const err = await readCsv(utf8('a,b,c\n'), { maxColumns: 2 }).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_INPUT')).toBe(true);
  });

  it('bad options are reported together, naming each option', async () => {
    const err = await readCsv(utf8('a\n'), { delimiter: '"', maxFieldLength: 0, header: false, encoding: 'latin1' as never }).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    const problems = (err as { details: { problems: string[] } }).details.problems;
    expect(problems.map((p) => p.split(':')[0])).toEqual(['delimiter', 'header', 'maxFieldLength', 'encoding']);
  });
});

describe('readCsv: rejected rows', () => {
  it('ragged rows are rejected with row number, line and a value-free reason', async () => {
    const items = await collect(await readCsv(utf8('a,b,c\n1,2,3\nsecret1,secret2\n4,5,6,7\n8,9,10\n')));
    expect(rowsOf(items)).toEqual([
      { a: '1', b: '2', c: '3' },
      { a: '8', b: '9', c: '10' },
    ]);
    expect(rejectedOf(items).map(({ rowNumber, line, code, reason, raw }) => ({ rowNumber, line, code, reason, raw }))).toEqual([
      { rowNumber: 2, line: 3, code: 'TOO_FEW_COLUMNS', reason: 'row has 2 fields, the header has 3', raw: 'secret1,secret2' },
      { rowNumber: 3, line: 4, code: 'TOO_MANY_COLUMNS', reason: 'row has 4 fields, the header has 3', raw: '4,5,6,7' },
    ]);
  });

  it('a repeated header line (two exports concatenated) is rejected REPEATED_HEADER, counted; a row differing in one field is read', async () => {
    // seeded: several exports of a random number of rows concatenated, the header repeated
    // as written (quoted, padded, CRLF or LF); rows mixing header names and values stay rows
    const header = ['so_cccd', 'ho_ten', 'ngay_sinh'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.tuple(fc.constantFrom('001090012345', 'so_cccd', ''), fc.constantFrom('Lê Văn A', 'ho_ten'), fc.constantFrom('01/01/1990', 'ngay_sinh', 'x')), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom('so_cccd,ho_ten,ngay_sinh', '"so_cccd","ho_ten","ngay_sinh"', ' so_cccd , ho_ten ,ngay_sinh'),
        async (exports, eol, written) => {
          let text = '';
          const expected: Array<'row' | 'header'> = [];
          for (const rows of exports) {
            text += (text === '' ? header.join(',') : written) + eol;
            if (text.length > header.join(',').length + eol.length) expected.push('header');
            for (const r of rows) {
              text += r.join(',') + eol;
              expected.push(r.every((v, j) => v === header[j]) ? 'header' : 'row');
            }
          }
          const src = await readCsv(utf8(text));
          const items = await collect(src);
          expect(items.map((i) => (i.kind === 'row' ? 'row' : i.code === 'REPEATED_HEADER' ? 'header' : i.code))).toEqual(expected);
          expect(items.map((i) => i.rowNumber)).toEqual(expected.map((_, k) => k + 1));
          expect(src.summary.rejected).toBe(expected.filter((e) => e === 'header').length);
          for (const r of rejectedOf(items)) expect(r.reason).toBe('row repeats the header line (every field is its column name): two files concatenated?');
        },
      ),
      { numRuns: 150, seed: 6 },
    );
  });

  it('with renameBadColumns, a repeated header line is compared with the header as written, not as renamed (F38)', async () => {
    // An empty name (→ column_3) and a repeat (→ ho_ten_5): the repeated line holds what the file
    // wrote, quoted or padded; a row holding the renamed names is data.
    const text = 'so_cccd,ho_ten,,ngay_sinh,ho_ten\n001090012345,Lê Văn A,x,01/01/1990,A\nso_cccd,ho_ten,,ngay_sinh,ho_ten\n"so_cccd", ho_ten ,"",ngay_sinh,"ho_ten"\nso_cccd,ho_ten,column_3,ngay_sinh,ho_ten_5\n001090012346,Lê Văn B,,02/01/1990,B\n';
    const src = await readCsv(utf8(text), { renameBadColumns: true });
    expect(src.columns).toEqual(['so_cccd', 'ho_ten', 'column_3', 'ngay_sinh', 'ho_ten_5']);
    const items = await collect(src);
    expect(items.map((i) => (i.kind === 'row' ? 'row' : i.code))).toEqual(['row', 'REPEATED_HEADER', 'REPEATED_HEADER', 'row', 'row']);
    expect(items.map((i) => i.line)).toEqual([2, 3, 4, 5, 6]);
    expect(src.summary.rejected).toBe(2);
  });

  it("Excel's sep= first line names the delimiter and is skipped, not read as the header (F41)", async () => {
    // The address holds commas: without the line, comma would be the one-column header's… and
    // before the fix `sep=;` WAS the header (columns "sep=" and ""): INVALID_INPUT.
    const body = (d: string, eol: string) => [['ho_ten', 'ngay_sinh', 'dia_chi'].join(d), ['Lê Văn A', '01/01/1990', '"12 Lê Lợi, P. 5, Q. 1"'].join(d), ['B', '02/01/1990'].join(d), ['Trần C', '03/01/1990', 'x'].join(d)].join(eol) + eol;
    for (const [d, eol, bom] of [[';', '\r\n', true], [',', '\n', false], ['\t', '\r\n', false], ['|', '\r', false]] as const) {
      const src = await readCsv(utf8(`${bom ? '\uFEFF' : ''}sep=${d}${eol}${body(d, eol)}`));
      expect(src.delimiter, JSON.stringify(d)).toBe(d);
      expect(src.columns).toEqual(['ho_ten', 'ngay_sinh', 'dia_chi']);
      const items = await collect(src);
      // Row numbers count data rows; lines count the file's lines, the sep line too.
      expect(items.map((i) => [i.rowNumber, i.line, i.kind === 'row' ? i.values['dia_chi'] : i.code])).toEqual([
        [1, 3, '12 Lê Lợi, P. 5, Q. 1'],
        [2, 4, 'TOO_FEW_COLUMNS'],
        [3, 5, 'x'],
      ]);
      expect(src.summary.rows).toBe(3);
    }
    // Fed a byte at a time (the line split across chunks); with an explicit delimiter the line is skipped too.
    const chunkedSrc = await readCsv(chunked(utf8(`sep=;\n${body(';', '\n')}`), [1, 2, 3, 4, 5, 6, 7, 9]));
    expect([chunkedSrc.delimiter, chunkedSrc.columns]).toEqual([';', ['ho_ten', 'ngay_sinh', 'dia_chi']]);
    const explicit = await readCsv(utf8(`sep=;\n${body(';', '\n')}`), { delimiter: ';' });
    expect(explicit.columns).toEqual(['ho_ten', 'ngay_sinh', 'dia_chi']);
    // Only the line: an empty file. Not a sep line: `sep=a,b` (a header), `separator` — read as written.
    const only = await readCsv(utf8('sep=;\r\n'));
    expect(rowsOf(await collect(only))).toEqual([]);
    expect(only.summary.status).toBe('empty');
    expect((await readCsv(utf8('sep=a,b\n1,2\n'))).columns).toEqual(['sep=a', 'b']);
    expect((await readCsv(utf8('separator;x\n1;2\n'))).columns).toEqual(['separator', 'x']);
  });

  it('a sep= line as a CSV writer makes it (quoted, padded with the delimiter, both) is taken too, whole or fed in pieces', async () => {
    const body = (d: string) => `ho_ten${d}dia_chi\nLê Văn A${d}"12 Lê Lợi, P. 5"\n`;
    for (const [line, d] of [
      ['"sep=;"', ';'],
      ['sep=;;;', ';'],
      ['"sep=,",,', ','],
      ['"sep=\t"\t\t', '\t'],
      [`sep=|${'|'.repeat(300)}`, '|'],
    ] as const) {
      for (const cuts of [[], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) {
        const src = await readCsv(chunked(utf8(`${line}\r\n${body(d)}`), cuts));
        expect([src.delimiter, src.columns], line).toEqual([d, ['ho_ten', 'dia_chi']]);
        const items = await collect(src);
        expect(items.map((i) => [i.line, i.kind === 'row' ? i.values['dia_chi'] : i.code]), line).toEqual([[3, '12 Lê Lợi, P. 5']]);
      }
    }
    // Only the line (no break after it): an empty file. Not a sep line: other text after the
    // delimiter, a quote not closed right after it, another character padding — read as written.
    const only = await readCsv(utf8('"sep=;";;'));
    expect(rowsOf(await collect(only))).toEqual([]);
    expect(only.summary.status).toBe('empty');
    expect((await readCsv(utf8('"sep=;x";y\n1;2\n'))).columns).toEqual(['sep=;x', 'y']);
    for (const text of ['sep=;;x\n', 'sep=;,\n', '"sep=;\n', '"sep=";\n', 'sep=;; \n']) expect(sepLineDelimiter(text, true), text).toBeNull();
    expect(sepLineDelimiter('sep=;;', false)).toBeNull(); // the line may go on
    expect([sepLineUndecided('"se'), sepLineUndecided('sep=;;;'), sepLineUndecided('sep=;;x'), sepLineUndecided('x')]).toEqual([true, true, false, false]);
  });

  it('sep= first line with the header given in the options: the line is skipped, the first data row kept', async () => {
    // The parser checks the sep line's two fields against the given header's three and rejects
    // it: before the fix that rejection was reported as row 1 and the first real row was
    // skipped as the sep line instead — a person silently lost.
    const src = await readCsv(utf8('sep=;\nLê Văn A;01/01/1990;Nam\nTrần B;02/01/1990;Nữ\n'), { header: ['ho_ten', 'ngay_sinh', 'gioi_tinh'] });
    expect(src.delimiter).toBe(';');
    const items = await collect(src);
    expect(items.map((i) => [i.rowNumber, i.line, i.kind === 'row' ? i.values['ho_ten'] : i.code])).toEqual([
      [1, 2, 'Lê Văn A'],
      [2, 3, 'Trần B'],
    ]);
    expect(src.summary).toMatchObject({ rows: 2, accepted: 2, rejected: 0 });
  });

  it('keepRaw: false drops raw text', async () => {
    const items = await collect(await readCsv(utf8('a,b\n1\n'), { keepRaw: false }));
    expect(rejectedOf(items)[0]).not.toHaveProperty('raw');
  });

  it('unbalanced quote at end of input → one rejected row', async () => {
    const src = await readCsv(utf8('a,b\n1,2\n3,"open\n4,5\n'));
    const items = await collect(src);
    expect(rejectedOf(items).map((r) => [r.rowNumber, r.line, r.code])).toEqual([[2, 3, 'UNTERMINATED_QUOTE']]);
    expect(src.summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
  });

  it('a 10 MB field is rejected without being buffered; the next row is read', async () => {
    const piece = 'x'.repeat(1 << 16);
    let maxPart = 0;
    async function* input(): AsyncGenerator<Uint8Array> {
      yield utf8('id,note\n1,');
      const bytes = utf8(piece);
      for (let i = 0; i < 160; i++) yield bytes; // 160 × 64 KiB = 10 MiB
      yield utf8('\n2,short\n');
    }
    const src = await readCsv(input(), { maxFieldLength: 100_000 });
    const items = await collect(src);
    expect(rowsOf(items)).toEqual([{ id: '2', note: 'short' }]);
    const [big] = rejectedOf(items);
    expect(big).toMatchObject({ rowNumber: 1, line: 2, code: 'FIELD_TOO_LONG', rawTruncated: true });
    expect(big!.raw!.length).toBe(RAW_TEXT_LIMIT);
    expect(big!.reason).toBe('field in column 2 (note) is longer than maxFieldLength (100000 characters)');
    // White box: the parser never holds more than the limit of one field.
    const parser = new CsvParser(
      { record() {}, rejected() {}, blankLine() {} },
      { delimiter: 44, maxFieldLength: 100_000, maxColumns: 10, keepRaw: false },
    );
    parser.setExpectedColumns(2);
    parser.push('1,');
    for (let i = 0; i < 160; i++) {
      parser.push(piece);
      maxPart = Math.max(maxPart, (parser as unknown as { part: string }).part.length);
    }
    parser.finish();
    expect(maxPart).toBeLessThanOrEqual(100_000);
  });

  it('reports progress in bytes with a final event', async () => {
    const path = join(dir, 'p.csv');
    writeFileSync(path, VN);
    const events: ProgressEvent[] = [];
    const src = await readCsv(path, { onProgress: (e) => events.push(e) });
    await collect(src);
    const last = events.at(-1)!;
    expect(last).toEqual({ phase: 'read', done: Buffer.byteLength(VN), total: Buffer.byteLength(VN), unit: 'bytes', final: true });
    expect(src.summary.bytesRead).toBe(Buffer.byteLength(VN));
  });

  it('can be iterated only once; batches() gives the same items', async () => {
    const src = await readCsv(utf8(VN));
    const batches: unknown[] = [];
    for await (const b of src.batches()) batches.push(...b);
    expect(rowsOf(batches as never)).toEqual(VN_ROWS);
    expect(() => src.batches()).toThrow(/only once/);
  });

  it('an aborted signal stops the read with ABORTED', async () => {
    const ac = new AbortController();
    const src = await readCsv(utf8(VN), { signal: ac.signal });
    ac.abort();
    await expect(collect(src)).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a missing file is an IO_ERROR', async () => {
    await expect(readCsv(join(dir, 'nope.csv'))).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

describe('readCsv: accounting invariant', () => {
  type Kind = 'ok' | 'few' | 'many' | 'afterQuote' | 'badUtf8' | 'long' | 'blank';
  const value = fc
    .array(fc.constantFrom('a', 'Đ', 'ễ', ' ', ',', '"', '\n', '\r\n', 'x', '1'), { maxLength: 8 })
    .map((a) => a.join(''));
  const quote = (v: string) => (/[",\r\n]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v);
  const row = fc.record({
    kind: fc.constantFrom<Kind>('ok', 'ok', 'ok', 'few', 'many', 'afterQuote', 'badUtf8', 'long', 'blank'),
    values: fc.tuple(value, value, value),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
  });
  const expectedCode: Record<Exclude<Kind, 'ok' | 'blank'>, RejectCode> = {
    few: 'TOO_FEW_COLUMNS',
    many: 'TOO_MANY_COLUMNS',
    afterQuote: 'TEXT_AFTER_QUOTE',
    badUtf8: 'INVALID_ENCODING',
    long: 'FIELD_TOO_LONG',
  };

  it('accepted + rejected = data rows, each malformation rejected with its code, good rows intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 25 }),
        fc.boolean(),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 5 }),
        async (rows, unterminated, cuts) => {
          const parts: Uint8Array[] = [utf8('a,b,c\n')];
          const want: Array<Record<string, string> | RejectCode> = [];
          let prevEol = '\n';
          for (const r of rows) {
            const [x, y, z] = r.values;
            switch (r.kind) {
              case 'ok':
                parts.push(utf8(`${quote(x)},${quote(y)},${quote(z)}${r.eol}`));
                want.push({ a: x, b: y, c: z });
                break;
              case 'blank':
                // after a lone CR, an LF would complete a CRLF, not make a blank line
                parts.push(utf8(prevEol === '\r' && r.eol === '\n' ? '\r' : r.eol));
                break;
              case 'few':
                parts.push(utf8(`${quote(x)},${quote(y)}${r.eol}`));
                break;
              case 'many':
                parts.push(utf8(`${quote(x)},${quote(y)},${quote(z)},${r.eol}`));
                break;
              case 'afterQuote':
                parts.push(utf8(`"${x.replaceAll('"', '""')}"q,${quote(y)},${quote(z)}${r.eol}`));
                break;
              case 'badUtf8':
                parts.push(utf8(`${quote(x)},`), new Uint8Array([0x78, 0xff, 0x78]), utf8(`,${quote(z)}${r.eol}`));
                break;
              case 'long':
                parts.push(utf8(`${quote(x)},${'L'.repeat(40)},${quote(z)}${r.eol}`));
                break;
            }
            if (r.kind !== 'ok' && r.kind !== 'blank') want.push(expectedCode[r.kind]);
            prevEol = r.kind === 'blank' && prevEol === '\r' && r.eol === '\n' ? '\r' : r.eol;
          }
          if (unterminated) {
            parts.push(utf8('1,"never closed,3\n4,5,6\n'));
            want.push('UNTERMINATED_QUOTE');
          }
          const bytes = concatBytes(...parts);
          const src = await readCsv(chunked(bytes, cuts), { maxFieldLength: 32, delimiter: ',' });
          const items = await collect(src);
          const s = src.summary;
          expect(s.rows).toBe(s.accepted + s.rejected);
          expect(s.rows).toBe(want.length);
          expect(items.length).toBe(want.length);
          expect(items.map((i) => i.rowNumber)).toEqual(want.map((_, k) => k + 1));
          expect(items.map((i) => (i.kind === 'row' ? { ...i.values } : i.code))).toEqual(want);
          expect(s.blankLines).toBe(rows.filter((r) => r.kind === 'blank').length);
        },
      ),
      { numRuns: 300, seed: 4180 },
    );
  });
});
