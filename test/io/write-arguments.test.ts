/**
 * Wrong arguments to the public writers are a KhopError('INVALID_ARGUMENT') naming the
 * function and the argument — not Node's TypeError from fs — and no file is created. The
 * message names the type received, never the value (a swapped argument may be personal data).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvWriter, isKhopError, NdjsonWriter, RejectedRowWriter, writeCsv, writeCsvRows, writeNdjson, writeNdjsonRows, writeRejected } from '../../src/index.js';
import { thrown } from '../util/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-write-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rows = [{ name: 'Nguyễn Văn An', dob: '01/05/1990' }];
const path = join(dir, 'people.csv');
const bad = (x: unknown): any => x;

/** The error of a call that throws or rejects. */
async function failure(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const cases: [string, () => unknown, RegExp][] = [
  ['writeCsv with rows and path swapped', () => writeCsv(bad(path), bad(rows)), /^writeCsv: rows must be an array or an \(async\) iterable of rows, not a string; path must be a file path \(a non-empty string\), not an array$/],
  ['writeCsv without a path', () => writeCsv(rows, bad(undefined)), /^writeCsv: path must be a file path .*, not undefined$/],
  ['writeCsv with a NUL in the path', () => writeCsv(rows, join(dir, 'a\0b.csv')), /^writeCsv: path .* not a string with a NUL character$/],
  ['writeNdjson with rows and path swapped', () => writeNdjson(bad(join(dir, 'p.ndjson')), bad(rows)), /^writeNdjson: rows must be .*not a string; path must be .*not an array$/],
  ['writeNdjson with rows that are not iterable', () => writeNdjson(bad({ name: 'x' }), join(dir, 'p.ndjson')), /^writeNdjson: rows must be .*not a non-iterable object$/],
  ['CsvWriter with dest and options swapped', () => new CsvWriter(bad({ columns: ['name'] }), bad(path)), /^CsvWriter: dest must be a file path or a Writable stream, not an object$/],
  ['CsvWriter with a number for dest', () => new CsvWriter(bad(1), { columns: ['name'] }), /^CsvWriter: dest must be .*not a number$/],
  ['writeCsvRows with dest and rows swapped', () => writeCsvRows(bad(rows), bad(path), { columns: ['name'] }), /^writeCsvRows: dest must be .*not an array; rows must be .*not a string$/],
  ['writeCsvRows with rows that are not iterable', () => writeCsvRows(path, bad(42), { columns: ['name'] }), /^writeCsvRows: rows must be .*not a number$/],
  ['NdjsonWriter with an empty path', () => new NdjsonWriter(''), /^NdjsonWriter: dest must be .*not an empty string$/],
  ['writeNdjsonRows with dest and rows swapped', () => writeNdjsonRows(bad(rows), bad(path)), /^writeNdjsonRows: dest must be .*not an array; rows must be .*not a string$/],
  ['RejectedRowWriter with a stream-like object without on()', () => new RejectedRowWriter(bad({ write: () => true, once: () => undefined })), /^RejectedRowWriter: dest must be .*not an object$/],
  ['writeRejected with dest and items swapped', () => writeRejected(bad([]), bad(path)), /^writeRejected: dest must be .*not an array; items must be .*not a string$/],
  ['writeRejected with null for items', () => writeRejected(path, bad(null)), /^writeRejected: items must be .*not null$/],
];

describe('writer arguments', () => {
  it.each(cases)('%s: INVALID_ARGUMENT naming the argument', async (_name, call, message) => {
    const e = await failure(call);
    expect(isKhopError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
    expect((e as Error).message).toMatch(message);
    expect((e as Error).message).not.toContain('Nguyễn');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a null item among rejected rows is refused by position, not with a TypeError', async () => {
    const out = new PassThrough();
    out.resume();
    const e = await failure(() => writeRejected(out, bad([{ kind: 'row' }, null])));
    expect(isKhopError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
    expect((e as Error).message).toMatch(/item 1 is not a rejected row/);
  });

  it('the classes throw at construction (synchronously), the functions reject', async () => {
    expect(isKhopError(thrown(() => new CsvWriter(bad(null), { columns: ['a'] })), 'INVALID_ARGUMENT')).toBe(true);
    const p = writeCsv(bad(path), bad(rows));
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toSatisfy((e: unknown) => isKhopError(e, 'INVALID_ARGUMENT'));
  });
});
