import { describe, expect, it, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { csvField, writeCsv, writeNdjson } from '../../src/synth/write.js';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { isKhopError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-synth-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRICKY = [
  { a: 'plain', b: 'has,comma', c: 'say "hi"' },
  { a: 'line\nbreak', b: ' padded ', c: '' },
  { a: 'Nguyễn', b: 'Nguye\u0302\u0303n', c: 'cr\r\nlf' },
  { a: 12, b: true, c: null },
];

describe('csvField', () => {
  it.each([
    ['abc', 'abc'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['a"b', '"a""b"'],
    ['a\nb', '"a\nb"'],
    ['a\rb', '"a\rb"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['tab\t', '"tab\t"'],
    ['in side', 'in side'],
    ['Đặng Thị Ðào', 'Đặng Thị Ðào'],
  ])('%j → %j', (input, out) => expect(csvField(input)).toBe(out));
});

describe('writeCsv / writeNdjson', () => {
  it('writes RFC 4180 CSV, UTF-8 without BOM, LF, header from the first row', async () => {
    const path = join(dir, 'tricky.csv');
    const r = await writeCsv(TRICKY, path);
    const bytes = readFileSync(path);
    expect(bytes[0]).not.toBe(0xef); // no BOM
    const text = bytes.toString('utf8');
    expect(text).toBe(
      'a,b,c\n' +
        'plain,"has,comma","say ""hi"""\n' +
        '"line\nbreak"," padded ",\n' +
        'Nguyễn,Nguye\u0302\u0303n,"cr\r\nlf"\n' +
        '12,true,\n',
    );
    expect(r).toEqual({ rows: 4, bytes: bytes.length });
  });

  it('picks and orders columns; missing fields are empty', async () => {
    const path = join(dir, 'cols.csv');
    await writeCsv([{ x: 1, y: 2 }, { y: 3 }], path, ['y', 'x', 'z']);
    expect(readFileSync(path, 'utf8')).toBe('y,x,z\n2,1,\n3,,\n');
  });

  it('writes NDJSON with string values kept as strings', async () => {
    const path = join(dir, 'tricky.ndjson');
    const r = await writeNdjson(TRICKY, path);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      TRICKY[0],
      TRICKY[1],
      TRICKY[2],
      { a: 12, b: true, c: '' },
    ]);
    expect(r.rows).toBe(4);
    expect(r.bytes).toBe(statSync(path).size);
  });

  it('streams a large async iterable with back-pressure and counts bytes exactly', async () => {
    const path = join(dir, 'big.csv');
    async function* rows(): AsyncGenerator<PopulationRow> {
      yield* generatePopulation({ size: 60_000, seed: 3 });
    }
    const r = await writeCsv(rows(), path);
    expect(r.rows).toBe(60_000);
    expect(r.bytes).toBe(statSync(path).size);
    expect(readFileSync(path, 'utf8').split('\n').length).toBeGreaterThanOrEqual(60_002); // header + rows + final LF (plus quoted LFs, none here)
  });

  it('DuckDB reads back exactly the values written (CSV and NDJSON)', async () => {
    const rows = [...generatePopulation({ size: 3000, seed: 99, duplicateRate: 0.5, labelCorruptions: true })];
    const csv = join(dir, 'pop.csv');
    const nd = join(dir, 'pop.ndjson');
    await writeCsv(rows, csv);
    await writeNdjson(rows, nd);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const fromCsv = (await conn.runAndReadAll(`select * from read_csv('${csv}', header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`)).getRowObjectsJS();
      const fromJson = (await conn.runAndReadAll(`select * from read_json('${nd}', format = 'newline_delimited')`)).getRowObjectsJS();
      const asText = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));
      // DuckDB reads an empty unquoted CSV field as NULL: map back to ''
      expect(fromCsv.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? '' : v])))).toEqual(asText);
      expect(fromJson.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))).toEqual(asText);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });

  it('rejects with IO_ERROR when the file cannot be written, INVALID_ARGUMENT on bad values', async () => {
    await expect(writeCsv(TRICKY, join(dir, 'no-such-dir', 'x.csv'))).rejects.toSatisfy((e: unknown) => isKhopError(e, 'IO_ERROR'));
    await expect(writeCsv([{ a: { nested: 1 } }], join(dir, 'bad.csv'))).rejects.toSatisfy((e: unknown) => isKhopError(e, 'INVALID_ARGUMENT'));
    await expect(writeNdjson([{ a: Number.NaN }], join(dir, 'bad.ndjson'))).rejects.toSatisfy((e: unknown) => isKhopError(e, 'INVALID_ARGUMENT'));
    await expect(writeCsv(TRICKY, join(dir, 'c.csv'), [])).rejects.toSatisfy((e: unknown) => isKhopError(e, 'INVALID_ARGUMENT'));
  });
});
