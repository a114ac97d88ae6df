import fc from 'fast-check';
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { NdjsonWriter, writeNdjsonRows } from '../../src/io/ndjson-writer.js';
import { readNdjson } from '../../src/io/ndjson-reader.js';
import { collect, rowsOf } from './io-test-helpers.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('NdjsonWriter', () => {
  it('writes one JSON object per LF-terminated line', async () => {
    const out = capture();
    const r = await writeNdjsonRows(out.stream, [{ ho_ten: 'Đinh Thị Ánh', nam: 1990 }, { x: null, list: [1, 'a'] }]);
    expect(out.text()).toBe('{"ho_ten":"Đinh Thị Ánh","nam":1990}\n{"x":null,"list":[1,"a"]}\n');
    expect(r).toEqual({ rows: 2, bytes: Buffer.byteLength(out.text()) });
  });

  it('writes BigInts as decimal strings (exact), only for rows that hold one', async () => {
    const out = capture();
    await writeNdjsonRows(out.stream, [{ id: 9007199254740993n, n: 1 }, { n: 2 }]);
    expect(out.text()).toBe('{"id":"9007199254740993","n":1}\n{"n":2}\n');
  });

  it('refuses non-objects and cycles with the row number', () => {
    const w = new NdjsonWriter(capture().stream);
    expect(() => w.writeRow([1] as never)).toThrow(/row 1: expected an object/);
    const cyc: Record<string, unknown> = {};
    cyc['self'] = cyc;
    let err: unknown;
    try {
      w.writeRow(cyc);
    } catch (e) {
      err = e;
    }
    expect(isKhopError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(/^row 1:/);
  });

  it('respects back-pressure from a slow stream', async () => {
    const got: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 512,
      write(chunk: Buffer, _e, cb) {
        got.push(chunk);
        setImmediate(cb);
      },
    });
    const w = new NdjsonWriter(slow);
    let waits = 0;
    for (let i = 0; i < 10_000; i++) {
      const p = w.writeRow({ i, s: 'Trương Văn Phúc' });
      if (p !== undefined) {
        waits++;
        await p;
      }
    }
    await w.close();
    expect(waits).toBeGreaterThan(0);
    expect(Buffer.concat(got).toString('utf8').split('\n').length).toBe(10_001);
  });

  it('round-trips through readNdjson', async () => {
    const row = fc.dictionary(
      fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__'),
      fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 10 }), async (rows) => {
        const out = capture();
        await writeNdjsonRows(out.stream, rows);
        const back = rowsOf(await collect(await readNdjson(new Uint8Array(Buffer.from(out.text())))));
        expect(back).toEqual(rows);
      }),
      { numRuns: 200, seed: 11 },
    );
  });
});
