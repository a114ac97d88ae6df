// Parquet fixtures are written by DuckDB (a devDependency) in a temp directory at test start.
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { readParquet } from '../../src/io/parquet-reader.js';
import type { ProgressEvent } from '../../src/io/progress.js';
import { ROW_PROTOTYPE } from '../../src/io/record-types.js';
import { collect, rejectedOf, rowsOf } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-parquet-'));
const f = (name: string) => join(dir, name);

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const copy = (select: string, name: string, opts = '') => con.run(`COPY (${select}) TO '${f(name)}' (FORMAT PARQUET${opts})`);
  // 5000 rows in row groups of 2048 (DuckDB's minimum) → 3 row groups.
  await copy(
    `SELECT i AS id, 'Nguyễn Văn ' || i AS ho_ten, DATE '1990-01-01' + i::INTEGER AS ngay_sinh,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'Nam' END AS gioi_tinh
       FROM range(5000) t(i)`,
    'people.parquet',
    ', ROW_GROUP_SIZE 2048',
  );
  await copy(
    `SELECT 'x' AS s, 'nan'::DOUBLE AS nan, 1.5::DOUBLE AS dbl, TIMESTAMP '1990-05-01 00:00:00' AS midnight,
            TIMESTAMP '2020-01-02 03:04:05.678' AS ts, TIMESTAMP '1969-12-31 23:59:59.999' AS before_epoch,
            true AS flag, 9007199254740993::BIGINT AS big, 18446744073709551615::UBIGINT AS ubig,
            1090012345::DECIMAL(12,0) AS dec_id, DATE '1900-02-28' AS old_date, [1, 2] AS list`,
    'types.parquet',
  );
  // Large integers: DECIMAL(19,0) and (38,0) are 16-byte FIXED_LEN_BYTE_ARRAY, (18,0) INT64, (9,0) INT32;
  // HUGEINT is written as DOUBLE. Negative values check the two's complement.
  await copy(
    `SELECT 1234567890123456789::DECIMAL(19,0) AS d19, -1234567890123456789::DECIMAL(19,0) AS d19neg,
            12345678901234567890123::DECIMAL(38,0) AS d38, 9007199254740993::DECIMAL(18,0) AS d18,
            -123456789::DECIMAL(9,0) AS d9, 123.45::DECIMAL(10,2) AS d2, 9007199254740993::HUGEINT AS huge,
            NULL::DECIMAL(19,0) AS dnull
     UNION ALL SELECT 0, -1, 1, -9007199254740993, 0, -0.5, -9007199254740993, 7`,
    'big-decimal.parquet',
  );
  // Repeated names: written as ho_ten / ho_te2 and renamed in the footer bytes (same length).
  await copy(`SELECT '001090012345' AS so_cccd, 'Nguyen Van An' AS ho_ten, '01/01/1990' AS ngay_sinh, 'Tran Thi B' AS ho_te2`, 'dup-names.parquet');
  const dup = readFileSync(f('dup-names.parquet'));
  writeFileSync(f('dup-names.parquet'), Buffer.from(dup.toString('latin1').replaceAll('ho_te2', 'ho_ten'), 'latin1'));
  await copy(`SELECT 1 AS n, '\\xFF'::BLOB AS raw UNION ALL SELECT 2, 'ok'::BLOB`, 'bad-utf8.parquet');
  await copy(`SELECT 1 AS n, 'infinity'::DOUBLE AS d UNION ALL SELECT 2, 2.0`, 'infinite.parquet');
  await copy(`SELECT 1 AS a, 'x' AS b WHERE false`, 'empty.parquet');
  await copy(`SELECT 'Đỗ' AS ten`, 'gzip.parquet', ', COMPRESSION gzip');
  await copy(`SELECT 'Đỗ' AS ten`, 'brotli.parquet', ', COMPRESSION brotli');
  await copy(`SELECT 'Đỗ' AS ten`, 'zstd.parquet', ', COMPRESSION zstd');
  await copy(`SELECT 'Đỗ' AS ten`, 'lz4.parquet', ', COMPRESSION lz4_raw');
  con.closeSync();
  db.closeSync();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readParquet', () => {
  it('streams one batch per row group, values as strings, null for missing', async () => {
    const src = await readParquet(f('people.parquet'));
    expect(src.columns).toEqual(['id', 'ho_ten', 'ngay_sinh', 'gioi_tinh']);
    expect(src.encoding).toBeNull();
    const sizes: number[] = [];
    const all = [];
    for await (const batch of src.batches()) {
      sizes.push(batch.length);
      all.push(...batch);
    }
    expect(sizes).toEqual([2048, 2048, 904]);
    expect(all.map((i) => i.rowNumber)).toEqual(Array.from({ length: 5000 }, (_, k) => k + 1));
    const rows = rowsOf(all);
    expect(rows[0]).toEqual({ id: '0', ho_ten: 'Nguyễn Văn 0', ngay_sinh: '1990-01-01', gioi_tinh: null });
    expect(rows[4999]).toEqual({ id: '4999', ho_ten: 'Nguyễn Văn 4999', ngay_sinh: '2003-09-09', gioi_tinh: 'Nam' });
    const second = all[1]!;
    expect(second.kind === 'row' ? Object.getPrototypeOf(second.values) : 'not a row').toBe(ROW_PROTOTYPE);
    expect(src.summary).toMatchObject({ format: 'parquet', rows: 5000, accepted: 5000, rejected: 0, status: 'ok' });
  });

  it('converts each Parquet type to the documented string', async () => {
    const [row] = rowsOf(await collect(await readParquet(f('types.parquet'))));
    expect(row).toEqual({
      s: 'x',
      nan: null,
      dbl: '1.5',
      midnight: '1990-05-01',
      ts: '2020-01-02T03:04:05.678Z',
      before_epoch: '1969-12-31T23:59:59.999Z',
      flag: 'true',
      big: '9007199254740993',
      ubig: '18446744073709551615',
      dec_id: '1090012345',
      old_date: '1900-02-28',
      list: [1, 2],
    });
  });

  it('reads a DECIMAL of scale 0 as its exact decimal string; a DOUBLE beyond 2^53 stays a number (refused where used)', async () => {
    const rows = rowsOf(await collect(await readParquet(f('big-decimal.parquet'))));
    expect(rows).toEqual([
      { d19: '1234567890123456789', d19neg: '-1234567890123456789', d38: '12345678901234567890123', d18: '9007199254740993', d9: '-123456789', d2: '123.45', huge: 9007199254740992, dnull: null },
      { d19: '0', d19neg: '-1', d38: '1', d18: '-9007199254740993', d9: '0', d2: '-0.5', huge: -9007199254740992, dnull: '7' },
    ]);
    // only the requested columns, still exact
    const some = rowsOf(await collect(await readParquet(f('big-decimal.parquet'), { columns: ['d18', 'd2'] })));
    expect(some[0]).toEqual({ d18: '9007199254740993', d2: '123.45' });
  });

  it('refuses repeated column names as a CSV header is refused (positions, never names), with or without `columns`', async () => {
    for (const options of [{}, { columns: ['so_cccd'] }]) {
      let err: unknown = null;
      try {
        await readParquet(f('dup-names.parquet'), options);
      } catch (e) {
        err = e;
      }
      expect(isKhopError(err) && err.code).toBe('INVALID_INPUT');
      expect((err as Error).message).toBe('column names must be non-empty and unique: repeated name at column 4 (same as column 2) (re-export the file with unique, non-empty column names)');
    }
  });

  it('reads only the requested columns, in the requested order', async () => {
    const src = await readParquet(f('people.parquet'), { columns: ['ngay_sinh', 'id'] });
    expect(src.columns).toEqual(['ngay_sinh', 'id']);
    const first = (await collect(src))[0]!;
    expect(first.kind === 'row' && Object.keys(first.values)).toEqual(['ngay_sinh', 'id']);
  });

  it('an unknown requested column is an INVALID_ARGUMENT listing it', async () => {
    const err = await readParquet(f('people.parquet'), { columns: ['id', 'nope'] }).catch((e: unknown) => e);
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as { details: { unknown: string[] } }).details.unknown).toEqual(['nope']);
  });

  it('rejects a row whose text is not valid UTF-8, and a row with an infinite number', async () => {
    const bad = await collect(await readParquet(f('bad-utf8.parquet')));
    expect(rejectedOf(bad).map((r) => [r.rowNumber, r.code, r.reason])).toEqual([
      [1, 'INVALID_ENCODING', 'column 2 (raw) contains U+FFFD: bytes that are not valid UTF-8 (or a literal replacement character)'],
    ]);
    expect(rowsOf(bad)).toEqual([{ n: '2', raw: 'ok' }]);
    const inf = await collect(await readParquet(f('infinite.parquet')));
    expect(rejectedOf(inf).map((r) => [r.rowNumber, r.code])).toEqual([[1, 'INVALID_VALUE']]);
    expect(rowsOf(inf)).toEqual([{ n: '2', d: '2' }]);
  });

  it('a file with no rows → status no-rows, columns known', async () => {
    const src = await readParquet(f('empty.parquet'));
    expect(src.columns).toEqual(['a', 'b']);
    expect(await collect(src)).toEqual([]);
    expect(src.summary.status).toBe('no-rows');
  });

  it('reads gzip and brotli through node:zlib; zstd where node:zlib has it; refuses LZ4 naming the codec', async () => {
    for (const name of ['gzip.parquet', 'brotli.parquet']) {
      expect(rowsOf(await collect(await readParquet(f(name))))).toEqual([{ ten: 'Đỗ' }]);
    }
    const zstd = readParquet(f('zstd.parquet'));
    if ('zstdDecompressSync' in zlib) {
      expect(rowsOf(await collect(await zstd))).toEqual([{ ten: 'Đỗ' }]);
    } else {
      await expect(zstd).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { codecs: ['ZSTD'] } });
    }
    await expect(readParquet(f('lz4.parquet'))).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { codecs: ['LZ4_RAW'] } });
  });

  it('reads the whole file from a Uint8Array too', async () => {
    const bytes = new Uint8Array(readFileSync(f('types.parquet')));
    expect(rowsOf(await collect(await readParquet(bytes)))[0]).toMatchObject({ s: 'x', big: '9007199254740993' });
  });

  it('refuses a non-Parquet file, a missing file and a stream', async () => {
    const notParquet = join(dir, 'x.parquet');
    (await import('node:fs')).writeFileSync(notParquet, 'a,b\n1,2\n');
    await expect(readParquet(notParquet)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(readParquet(join(dir, 'missing.parquet'))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(readParquet((async function* () {})() as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('reports progress in rows, per row group', async () => {
    const events: ProgressEvent[] = [];
    await collect(await readParquet(f('people.parquet'), { onProgress: (e) => events.push(e) }));
    expect(events.map((e) => [e.done, e.total, e.unit, e.final === true])).toEqual([
      [2048, 5000, 'rows', false],
      [4096, 5000, 'rows', false],
      [5000, 5000, 'rows', false],
      [5000, 5000, 'rows', true],
    ]);
  });
});
