import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { CsvWriter, formatCsvCell, isPlainNumber, needsFormulaEscape, writeCsvRows } from '../../src/io/csv-writer.js';
import { readCsv } from '../../src/io/csv-reader.js';
import { collect, rowsOf } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-csvw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Writable that keeps everything and can be slow. */
class Capture extends Writable {
  chunks: Buffer[] = [];
  constructor(hwm = 16 * 1024, private readonly slow = false) {
    super({ highWaterMark: hwm });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.slow) setImmediate(cb);
    else cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

describe('formatCsvCell', () => {
  const COMMA = 44;
  const table: Array<[string, string]> = [
    ['Nguyễn Văn An', 'Nguyễn Văn An'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rx', '"cr\rx"'],
    ['', ''],
    ['=1+2', "'=1+2"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['+84912345678', '+84912345678'],
    ['-12.5', '-12.5'],
    ['-1e-3', '-1e-3'],
    ['-', "'-"],
    ['+', "'+"],
    ['-2+3+cmd', "'-2+3+cmd"],
    ['\tindent', "'\tindent"],
    ['\rx', '"\'\rx"'],
    ['=a,b', '"\'=a,b"'],
    ["'quoted", "'quoted"],
    // A `;` is quoted (formula escaping on): a `;`-separator spreadsheet would split the cell.
    ["9002;Tran Thi B;=cmd|' /C calc'!A0", `"9002;Tran Thi B;=cmd|' /C calc'!A0"`],
    ['a;b', '"a;b"'],
  ];
  for (const [input, want] of table) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => expect(formatCsvCell(input, COMMA, true)).toBe(want));
  }
  it('escapeFormulas off leaves formulas alone; other delimiters quote their own character', () => {
    expect(formatCsvCell('=1+2', COMMA, false)).toBe('=1+2');
    expect(formatCsvCell('a;b', COMMA, false)).toBe('a;b');
    expect(formatCsvCell('a;b', 59, true)).toBe('"a;b"');
    expect(formatCsvCell('a,b', 59, true)).toBe('a,b');
  });
  it('isPlainNumber', () => {
    for (const s of ['0', '-1', '+1', '1.5', '-.5', '5.', '1e9', '-2.5E+10', '084912345678']) expect(isPlainNumber(s)).toBe(true);
    for (const s of ['', '-', '+', '.', '1e', '1e+', '1.2.3', '-2+3', '1,5', ' 1', '0x1F', 'Infinity', '--1']) expect(isPlainNumber(s)).toBe(false);
  });
});

describe('CsvWriter', () => {
  it('writes a header and rows with LF line ends, objects by column name or arrays', async () => {
    const out = new Capture();
    const w = new CsvWriter(out, { columns: ['id', 'name', 'weight'] });
    await w.writeRow({ id: '001090012345', name: 'Lý, Thị "Mai"', weight: -3.25 });
    await w.writeRow(['2', null, 12n]);
    await w.writeRow({ id: 3, name: undefined, weight: true });
    await w.close();
    expect(out.text()).toBe('id,name,weight\n001090012345,"Lý, Thị ""Mai""",-3.25\n2,,12\n3,,true\n');
    expect(w.rowCount).toBe(3);
    expect(out.writableEnded).toBe(false); // a caller's stream is not ended by default
  });

  it('writes Dates as ISO and refuses values with no faithful text, naming row and column', async () => {
    const out = new Capture();
    const w = new CsvWriter(out, { columns: ['d', 'x'] });
    await w.writeRow({ d: new Date(Date.UTC(1990, 4, 1)), x: 'ok' });
    for (const bad of [Number.NaN, Infinity, { a: 1 }, [1], new Date(Number.NaN), () => 1]) {
      let err: unknown;
      try {
        await w.writeRow({ d: 'ok', x: bad });
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect((err as Error).message).toMatch(/^row 2, column 2 \(x\)/);
    }
    await w.close();
    expect(out.text()).toBe('d,x\n1990-05-01T00:00:00.000Z,ok\n');
  });

  it('an empty value in a one-column file is written "" so the line is not blank', async () => {
    const path = join(dir, 'one.csv');
    await writeCsvRows(path, [{ a: '' }, { a: 'x' }, { a: null }], { columns: ['a'] });
    expect(readFileSync(path, 'utf8')).toBe('a\n""\nx\n""\n');
    expect(rowsOf(await collect(await readCsv(path)))).toEqual([{ a: '' }, { a: 'x' }, { a: '' }]);
  });

  it('bom, header: false, semicolon delimiter', async () => {
    const out = new Capture();
    await writeCsvRows(out, [['a;b', 'c']], { columns: ['x', 'y'], bom: true, header: false, delimiter: ';' });
    expect(out.text()).toBe('\ufeff"a;b";c\n');
  });

  it('checks its options and row shapes', () => {
    expect(() => new CsvWriter(new Capture(), { columns: [] })).toThrow(/columns/);
    expect(() => new CsvWriter(new Capture(), { columns: ['a'], delimiter: '""' })).toThrow(/delimiter/);
    const w = new CsvWriter(new Capture(), { columns: ['a', 'b'] });
    expect(() => w.writeRow(['only one'])).toThrow(/array has 1 values for 2 columns/);
  });

  it('waits for drain under back-pressure and loses nothing', async () => {
    const out = new Capture(1024, true);
    const w = new CsvWriter(out, { columns: ['i', 'text'] });
    let waits = 0;
    let maxBuffered = 0;
    for (let i = 0; i < 20_000; i++) {
      const p = w.writeRow([i, 'Nguyễn Thị Minh Khai, quận 1']);
      if (p !== undefined) {
        waits++;
        await p;
      }
      maxBuffered = Math.max(maxBuffered, out.writableLength);
    }
    await w.close();
    expect(waits).toBeGreaterThan(5);
    expect(maxBuffered).toBeLessThan(4 * 65536); // one flushed piece at most, never the whole output
    const lines = out.text().split('\n');
    expect(lines.length).toBe(20_002);
    expect(lines[20_000]).toBe('19999,"Nguyễn Thị Minh Khai, quận 1"');
  });

  it('writes without awaiting every write: one wait for the next drain, whoever asks, and every line arrives in order', async () => {
    const out = new Capture(1024, true);
    const w = new CsvWriter(out, { columns: ['i', 'text'] });
    const waits: Array<Promise<void>> = [];
    for (let i = 0; i < 2000; i++) {
      const p = w.writeLines([w.lines.rowText([i, 'x'.repeat(100)], i + 1)], 1);
      if (p !== undefined) waits.push(p);
      // However many writes ask before the stream drains, it holds one 'drain' listener of ours.
      expect(out.listenerCount('drain')).toBeLessThanOrEqual(1);
    }
    expect(waits.length).toBeGreaterThan(1);
    expect(new Set(waits).size).toBeLessThan(waits.length); // writes before a drain share its wait
    await Promise.all(waits);
    await w.close();
    const lines = out.text().split('\n');
    expect(lines).toHaveLength(2002);
    expect(lines.slice(1, -1).map((l) => Number(l.split(',')[0]))).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  it('a write failure becomes IO_ERROR', async () => {
    await expect(writeCsvRows(join(dir, 'no', 'such', 'dir.csv'), [{ a: 1 }], { columns: ['a'] })).rejects.toMatchObject({ code: 'IO_ERROR' });
  });
});

describe('CsvWriter.run (cells formatted once, written in many rows)', () => {
  const cell = fc.oneof(
    fc.string(),
    fc.constantFrom('a,b', 'say "hi"', 'x\ny', '=1+1', '-5', '+x', ';', 'Nguyễn Thị Ánh'),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
  );

  it('any row with runs in it (this writer\'s, another writer\'s, nested) is written as the same row of plain cells', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(',', ';', '\t'),
        fc.boolean(),
        async (rows, cuts, delimiter, escapeFormulas) => {
          const width = rows[0]!.length;
          const columns = Array.from({ length: width }, (_, j) => `c${j}`);
          const plain = new Capture();
          const withRuns = new Capture();
          const a = new CsvWriter(plain, { columns, delimiter, escapeFormulas });
          const b = new CsvWriter(withRuns, { columns, delimiter, escapeFormulas });
          const other = new CsvWriter(new Capture(), { columns, delimiter: delimiter === ',' ? ';' : ',', escapeFormulas: !escapeFormulas });
          for (const [r, raw] of rows.entries()) {
            const cells = Array.from({ length: width }, (_, j) => raw[j % raw.length]);
            await a.writeRow(cells);
            // cells [from, to) as a run: of b, of another writer, or a run holding a run
            const from = Math.min(cuts[r % cuts.length]!, width - 1);
            const to = Math.min(width, from + 1 + (r % 3));
            const inner = cells.slice(from, to);
            const run = r % 3 === 0 ? b.run(inner) : r % 3 === 1 ? other.run(inner) : b.run([b.run(inner.slice(0, 1)), ...inner.slice(1)]);
            await b.writeRow([...cells.slice(0, from), run, ...cells.slice(to)]);
          }
          await a.close();
          await b.close();
          expect(withRuns.text()).toBe(plain.text());
        },
      ),
      { seed: 20261202, numRuns: 150 },
    );
  });

  it('refuses a run with a cell it cannot write, a run in an object row, and counts a run\'s cells in the row', async () => {
    const w = new CsvWriter(new Capture(), { columns: ['a', 'b', 'c'] });
    expect(() => w.run([])).toThrow(/non-empty array/);
    expect(() => w.run(['ok', Number.NaN])).toThrow(/^a run of cells, cell 2: cannot write a non-finite number/);
    const run = w.run(['x', 'y']);
    expect(() => w.writeRow({ a: run, b: 1, c: 2 })).toThrow(/column a holds a run of cells/);
    expect(() => w.writeRow([run, 'z', 'extra'])).toThrow(/array has 4 values for 3 columns/);
    expect(() => w.writeRow([run])).toThrow(/array has 2 values for 3 columns/);
    expect(w.writeRow([run, 'z'])).toBeUndefined();
    expect(() => w.writeRow([run, Infinity])).toThrow(/^row 2, column 3 \(c\)/);
    const one = new Capture();
    const single = new CsvWriter(one, { columns: ['only'] });
    await single.writeRow([single.run([''])]);
    await single.close();
    expect(one.text()).toBe('only\n""\n'); // a run of one empty cell is not a blank line either
  });
});

describe('CsvLineFormatter and CsvWriter.writeLines (lines formatted elsewhere, written as they are)', () => {
  it('a writer given lines its formatter made writes the file writeRow writes, and counts their rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(fc.string(), fc.constant('=1+1'), fc.constant('a,"b"\nc')), fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null))), { maxLength: 30 }),
        fc.constantFrom(',', ';', '\t'),
        fc.boolean(),
        async (rows, delimiter, escapeFormulas) => {
          const a = new Capture();
          const b = new Capture();
          const byRow = new CsvWriter(a, { columns: ['s', 'n'], delimiter, escapeFormulas });
          const byLines = new CsvWriter(b, { columns: ['s', 'n'], delimiter, escapeFormulas });
          const f = byLines.lines;
          const texts: string[] = [];
          rows.forEach((r, i) => {
            void byRow.writeRow(r);
            // cell() is the text of one cell as a row holds it
            expect(f.rowText(r, i + 1)).toBe(`${f.cell(r[0])}${delimiter}${f.cell(r[1])}\n`);
            // lines in texts of one to three lines (some empty)
            if (i % 3 === 0) texts.push('');
            texts[texts.length - 1] += f.rowText(r, i + 1);
          });
          const text = texts.join('');
          void byLines.writeLines(texts, rows.length);
          void byRow.writeLines([], 0);
          void byRow.writeLines([''], 0);
          expect(byLines.rowCount).toBe(rows.length);
          expect(byRow.rowCount).toBe(rows.length);
          await byRow.close();
          await byLines.close();
          expect(b.text()).toBe(a.text());
          expect(a.text()).toBe(f.headerText() + text);
          expect(f.headerText()).toBe(`s${delimiter}n\n`);
        },
      ),
    );
    expect(() => new CsvWriter(new Capture(), { columns: ['a'] }).lines.cell({})).toThrow(/cannot write a/);
  });
});

describe('CSV write → read round trip', () => {
  const cell = fc
    .array(fc.constantFrom('a', 'Đ', 'ữ', ' ', ',', ';', '\t', '"', '\n', '\r\n', '=', '+', '-', '@', '1', '.', "'"), { maxLength: 10 })
    .map((a) => a.join(''));

  it('gives back the same values, except formula-like cells which gain a leading quote', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell, cell), { maxLength: 15 }), fc.constantFrom(',', ';', '\t'), async (rows, delimiter) => {
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on('data', (c: Buffer) => chunks.push(c));
        await writeCsvRows(out, rows, { columns: ['ho_ten', 'dia_chi', 'ghi_chu'], delimiter });
        const src = await readCsv(new Uint8Array(Buffer.concat(chunks)), { delimiter });
        const items = await collect(src);
        const esc = (v: string) => (needsFormulaEscape(v) ? `'${v}` : v);
        expect(rowsOf(items)).toEqual(rows.map(([a, b, c]) => ({ ho_ten: esc(a), dia_chi: esc(b), ghi_chu: esc(c) })));
        expect(src.summary.rejected).toBe(0);
      }),
      { numRuns: 300, seed: 4180 },
    );
  });

  it('with escapeFormulas: false the values come back exactly', async () => {
    const rows = [['=1+2', '@x', '-5']];
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeCsvRows(out, rows, { columns: ['a', 'b', 'c'], escapeFormulas: false });
    expect(rowsOf(await collect(await readCsv(new Uint8Array(Buffer.concat(chunks)))))).toEqual([{ a: '=1+2', b: '@x', c: '-5' }]);
  });
});
