import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { formatFromContent, formatFromFileName, openRecords } from '../../src/io/record-reader.js';
import { readParquet } from '../../src/io/parquet-reader.js';
import { collect, feedFifo, fifoUnavailable, makeFifo, rowsOf, stopFifoWriters, utf8 } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-open-'));
const f = (name: string) => join(dir, name);
const CSV = 'ho_ten,nam_sinh\nPhạm Thị Hương,1988\n';
const ROWS = [{ ho_ten: 'Phạm Thị Hương', nam_sinh: '1988' }];

beforeAll(async () => {
  writeFileSync(f('a.csv'), CSV);
  writeFileSync(f('a.csv.gz'), gzipSync(CSV));
  writeFileSync(f('a.tsv'), 'ho_ten\tdia_chi\nAn\t1,2;3\n');
  writeFileSync(f('a.ndjson'), '{"ho_ten":"Phạm Thị Hương","nam_sinh":"1988"}\n');
  writeFileSync(f('a.jsonl.gz'), gzipSync('{"ho_ten":"Phạm Thị Hương","nam_sinh":"1988"}\n'));
  writeFileSync(f('ndjson.data'), '  {"ho_ten":"Phạm Thị Hương","nam_sinh":"1988"}\n');
  writeFileSync(f('array.json'), '[{"a":1}]');
  writeFileSync(f('csv.data'), CSV);
  writeFileSync(f('broken.csv.gz'), gzipSync(CSV).subarray(0, 20));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (SELECT 'Phạm Thị Hương' AS ho_ten, '1988' AS nam_sinh) TO '${f('a.parquet')}' (FORMAT PARQUET)`);
  con.closeSync();
  db.closeSync();
  writeFileSync(f('parquet.data'), readFileSync(f('a.parquet')));
  writeFileSync(f('p.parquet.gz'), gzipSync(readFileSync(f('a.parquet'))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('format detection', () => {
  it('by file name', () => {
    expect(formatFromFileName('/x/dan_cu.CSV')).toEqual({ format: 'csv' });
    expect(formatFromFileName('a.txt')).toEqual({ format: 'csv' });
    expect(formatFromFileName('a.tsv.gz')).toEqual({ format: 'csv', delimiter: '\t' });
    expect(formatFromFileName('a.tab')).toEqual({ format: 'csv', delimiter: '\t' });
    expect(formatFromFileName('a.jsonl')).toEqual({ format: 'ndjson' });
    expect(formatFromFileName('a.ndjson.gz')).toEqual({ format: 'ndjson' });
    expect(formatFromFileName('a.parquet')).toEqual({ format: 'parquet' });
    expect(formatFromFileName('a.pq')).toEqual({ format: 'parquet' });
    expect(formatFromFileName('a.json')).toBeNull();
    expect(formatFromFileName('dir.csv/noext')).toBeNull();
    expect(formatFromFileName('.csv')).toBeNull();
  });

  it('by content', () => {
    expect(formatFromContent(utf8('PAR1\u0000'))).toBe('parquet');
    expect(formatFromContent(utf8('\ufeff \n{"a":1}'))).toBe('ndjson');
    expect(formatFromContent(utf8('a,b'))).toBe('csv');
    expect(formatFromContent(new Uint8Array(0))).toBe('csv');
    // UTF-16, by its byte-order mark or the encoding given (the format of standard input comes from here).
    const utf16 = (s: string, le: boolean, bom: boolean) => {
      const text = (bom ? '\ufeff' : '') + s;
      const out = new Uint8Array(text.length * 2);
      for (let i = 0; i < text.length; i++) {
        const u = text.charCodeAt(i);
        out[2 * i + (le ? 0 : 1)] = u & 0xff;
        out[2 * i + (le ? 1 : 0)] = u >> 8;
      }
      return out;
    };
    for (const le of [true, false]) {
      expect(formatFromContent(utf16(' \n{"a":1}', le, true))).toBe('ndjson');
      expect(formatFromContent(utf16('{"a":1}', le, false), le ? 'utf-16le' : 'utf-16be')).toBe('ndjson');
      expect(formatFromContent(utf16('ho_ten,ngay_sinh', le, true))).toBe('csv');
      expect(() => formatFromContent(utf16('[{"a":1}]', le, true))).toThrow(/JSON array/);
    }
    expect(() => formatFromContent(utf8(' [1]'))).toThrow(/JSON array/);
  });
});

describe('openRecords', () => {
  const cases: Array<[string, string]> = [
    ['a.csv', 'csv'],
    ['a.csv.gz', 'csv'],
    ['a.ndjson', 'ndjson'],
    ['a.jsonl.gz', 'ndjson'],
    ['ndjson.data', 'ndjson'],
    ['csv.data', 'csv'],
    ['a.parquet', 'parquet'],
    ['parquet.data', 'parquet'],
  ];
  for (const [name, format] of cases) {
    it(`reads ${name} as ${format}`, async () => {
      const src = await openRecords(f(name));
      expect(src.format).toBe(format);
      expect(src.columns).toEqual(['ho_ten', 'nam_sinh']);
      expect(rowsOf(await collect(src))).toEqual(ROWS);
      expect(src.summary).toMatchObject({ rows: 1, accepted: 1, rejected: 0, status: 'ok' });
    });
  }

  it('.tsv forces a tab delimiter', async () => {
    const src = await openRecords(f('a.tsv'));
    expect(src.delimiter).toBe('\t');
    expect(rowsOf(await collect(src))).toEqual([{ ho_ten: 'An', dia_chi: '1,2;3' }]);
  });

  it('an explicit format wins over the extension', async () => {
    const src = await openRecords(f('ndjson.data'), { format: 'csv', delimiter: '\t' });
    expect(src.format).toBe('csv');
  });

  it('reads a byte stream, gzipped or not, and a Node Readable', async () => {
    const gz = await openRecords(Readable.from([gzipSync(CSV)]));
    expect(rowsOf(await collect(gz))).toEqual(ROWS);
    const plain = await openRecords([utf8(CSV)]);
    expect(rowsOf(await collect(plain))).toEqual(ROWS);
  });

  it('refuses a JSON array, gzipped Parquet, a Parquet stream, a string stream, corrupt gzip', async () => {
    await expect(openRecords(f('array.json'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(openRecords(f('p.parquet.gz'))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(openRecords(Readable.from([readFileSync(f('a.parquet'))]))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openRecords(Readable.from(['a,b\n'], { objectMode: true }) as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const broken = await openRecords(f('broken.csv.gz')).then(collect).catch((e: unknown) => e);
    expect(isKhopError(broken, 'INVALID_INPUT')).toBe(true);
  });

  it('unknown and bad options are listed together', async () => {
    const err = await openRecords(f('a.csv'), { delimeter: ';', format: 'xlsx' } as never).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_OPTION')).toBe(true);
    expect((err as { details: { problems: string[] } }).details.problems).toEqual([
      'delimeter: unknown option',
      'format: expected one of csv, ndjson, parquet',
    ]);
  });

  it('breaking out of the loop closes the file', async () => {
    const big = f('big.csv');
    writeFileSync(big, 'a,b\n' + '1,2\n'.repeat(200_000));
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const src = await openRecords(big);
    let n = 0;
    for await (const _ of src) if (++n === 10) break;
    await new Promise((r) => setTimeout(r, 20));
    expect(fds()).toBe(before);
    expect(src.summary.status).toBe('reading');
    await src.close(); // idempotent
  });
});

// A path naming a pipe (mkfifo; a shell's `<(zcat x.csv.gz)` is /dev/fd/63, a pipe) is read once
// as a stream, as standard input's bytes are (fixed: "input is not a regular file").
const noFifo = fifoUnavailable(dir);
if (noFifo !== null) console.warn(noFifo);
describe.skipIf(noFifo !== null)('openRecords on a named pipe (F57, F58)', () => {
  afterEach(stopFifoWriters);
  let n = 0;
  const fifo = (ext: string) => makeFifo(f(`p${n++}${ext}`));

  it('F57: a CSV, a gzipped CSV and NDJSON written into a pipe are streamed: the rows of the file', async () => {
    for (const [file, ext] of [['a.csv', '.csv'], ['a.csv.gz', ''], ['a.ndjson', ''], ['csv.data', '.data']] as const) {
      const path = fifo(ext);
      const writer = feedFifo(path, f(file));
      const src = await openRecords(path);
      expect(rowsOf(await collect(src)), file).toEqual(ROWS);
      expect(src.summary.status, file).toBe('ok');
      expect(await writer.done, file).toBe(0);
    }
  });

  it('F58: Parquet from a pipe refused INVALID_ARGUMENT — by name or format before the pipe is opened, by its content once read', async () => {
    const named = fifo('.parquet');
    const waiting = feedFifo(named, f('a.parquet'));
    const refusal = `input ${named}: Parquet cannot be read from a pipe or a device (it is read by random access, its footer first); save it to a file and give that`;
    await expect(openRecords(named)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: refusal });
    await expect(readParquet(named)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: refusal });
    const csvNamed = fifo('.csv');
    const waiting2 = feedFifo(csvNamed, f('a.parquet'));
    await expect(openRecords(csvNamed, { format: 'parquet' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // Never opened: the writers still wait for a reader (opening a pipe without one blocks for ever).
    await new Promise((r) => setTimeout(r, 50));
    expect([waiting.exited, waiting2.exited]).toEqual([false, false]);
    const sniffed = fifo('');
    feedFifo(sniffed, f('a.parquet'));
    await expect(openRecords(sniffed)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: `input ${sniffed}: Parquet cannot be read from a pipe or a device (it is read by random access, its footer first); save it to a file and give that` });
  });

  it('F57: a socket (which no process can open by its path) is refused saying so; a directory as before', async () => {
    const path = f('s.sock');
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      await expect(openRecords(path)).rejects.toMatchObject({ code: 'IO_ERROR', message: `input is a socket, which cannot be opened by its path: ${path}; send its data to standard input and give - instead` });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    await expect(openRecords(dir)).rejects.toMatchObject({ code: 'IO_ERROR', message: `input is a directory, not a file (EISDIR): ${dir}` });
  });
});
