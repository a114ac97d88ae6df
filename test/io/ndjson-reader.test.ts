import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKhopError } from '../../src/errors.js';
import { COLUMN_LOOKAHEAD_ROWS, readNdjson } from '../../src/io/ndjson-reader.js';
import { RAW_TEXT_LIMIT, ROW_PROTOTYPE } from '../../src/io/record-types.js';
import { chunked, collect, concatBytes, rejectedOf, rowsOf, utf8 } from './io-test-helpers.js';

describe('readNdjson', () => {
  it('reads objects, names columns from the keys of the first objects, keeps JSON value types', async () => {
    const src = await readNdjson(utf8('{"ho_ten":"Nguyễn Văn An","nam":1990,"tags":["a"]}\n{"ho_ten":"Lê B","extra":null}\n'));
    expect(src.columns).toEqual(['ho_ten', 'nam', 'tags', 'extra']);
    const items = await collect(src);
    expect(rowsOf(items)).toEqual([
      { ho_ten: 'Nguyễn Văn An', nam: 1990, tags: ['a'] },
      { ho_ten: 'Lê B', extra: null },
    ]);
    expect(items.map((i) => [i.rowNumber, i.line])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(src.summary).toMatchObject({ format: 'ndjson', rows: 2, accepted: 2, rejected: 0, status: 'ok' });
  });

  it('rejects bad JSON and non-objects with value-free reasons; skips and counts blank lines', async () => {
    const src = await readNdjson(utf8('\n{"a":1}\r\n   \n[1,2]\n{"a": "bí mật"\n"chuỗi"\n42\nnull\n{"a":2}'));
    const items = await collect(src);
    expect(rowsOf(items)).toEqual([{ a: 1 }, { a: 2 }]);
    const rej = rejectedOf(items).map(({ rowNumber, line, code, reason }) => ({ rowNumber, line, code, reason }));
    expect(rej.map((r) => [r.rowNumber, r.line, r.code])).toEqual([
      [2, 4, 'NOT_AN_OBJECT'],
      [3, 5, 'INVALID_JSON'],
      [4, 6, 'NOT_AN_OBJECT'],
      [5, 7, 'NOT_AN_OBJECT'],
      [6, 8, 'NOT_AN_OBJECT'],
    ]);
    expect(rej[0]!.reason).toBe('line holds an array, not a JSON object');
    expect(rej[2]!.reason).toBe('line holds a string, not a JSON object');
    expect(rej[4]!.reason).toBe('line holds null, not a JSON object');
    for (const r of rej) expect(r.reason).not.toMatch(/bí mật|chuỗi|42/);
    expect(rejectedOf(items)[1]!.raw).toBe('{"a": "bí mật"');
    expect(src.summary).toMatchObject({ rows: 7, accepted: 2, rejected: 5, blankLines: 2 });
  });

  it('row objects have a null prototype; a "__proto__" key stays an own property', async () => {
    const src = await readNdjson(utf8('{"__proto__":{"polluted":1},"constructor":"x","id":"1"}\n'));
    const [item] = await collect(src);
    const values = (item as { values: Record<string, unknown> }).values;
    expect(Object.getPrototypeOf(values)).toBe(ROW_PROTOTYPE);
    expect(Object.keys(values)).toEqual(['__proto__', 'constructor', 'id']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(values['toString']).toBeUndefined();
  });

  it('lone CR (old Mac OS) line ends: the input refused saying so; a line joined so in an LF file rejected saying so (F24b)', async () => {
    // Before: one long line — rejected "line is not valid JSON (error at character 40)", no
    // columns (the command line said "has no columns"), or LINE_TOO_LONG for a large file.
    const records = Array.from({ length: 300 }, (_, i) => `{"so_cccd":"0010900${String(i).padStart(5, '0')}","ho_ten":"Nguyễn Văn An"}`);
    const LONE_CR = "NDJSON input uses lone CR (\\r) line ends (old Mac OS): NDJSON lines must end with LF or CRLF; convert them, e.g. with `tr '\\r' '\\n'`";
    for (const text of [records.join('\r') + '\r', records.slice(0, 2).join('\r'), '\uFEFF' + records.join('\r')]) {
      for (const cuts of [[], [1], [50, 51, 52], [4000]]) {
        const e = await readNdjson(chunked(utf8(text), cuts)).catch((x: unknown) => x);
        expect(isKhopError(e) && e.code).toBe('INVALID_INPUT');
        expect((e as Error).message).toBe(LONE_CR);
      }
    }
    // UTF-16 too (the check reads the decoded text)
    const utf16 = new Uint8Array([0xff, 0xfe, ...new Uint8Array(Uint16Array.from(records.slice(0, 3).join('\r'), (c) => c.charCodeAt(0)).buffer)]);
    expect(await readNdjson(utf16).catch((x: unknown) => (x as Error).message)).toBe(LONE_CR);
    // A file larger than maxLineLength: refused the same, not LINE_TOO_LONG.
    expect(await readNdjson(utf8(records.join('\r')), { maxLineLength: 1000 }).catch((x: unknown) => (x as Error).message)).toBe(LONE_CR);
    // LF lines with one line joined by a lone CR: that line rejected with the reason, the others read.
    const mixed = await collect(await readNdjson(utf8(`${records[0]}\n${records[1]}\r${records[2]}\r\n${records[3]}\n`)));
    expect(rowsOf(mixed)).toHaveLength(2);
    expect(rejectedOf(mixed).map((r) => [r.line, r.code, r.reason])).toEqual([
      [2, 'INVALID_JSON', 'line is not valid JSON: it holds objects separated by a lone CR (\\r), an old Mac OS line end; NDJSON lines must end with LF or CRLF'],
    ]);
    // Not lone-CR line ends: one record with a final lone CR; a CR as JSON whitespace inside a
    // record; a CR inside a string (no JSON) keeps the plain reason.
    expect(rowsOf(await collect(await readNdjson(utf8(`${records[0]}\r`))))).toHaveLength(1);
    expect(rowsOf(await collect(await readNdjson(utf8('{"a":\r{"b":1},\r"c":2}\n{"a":1}\n'))))).toEqual([{ a: { b: 1 }, c: 2 }, { a: 1 }]);
    const inString = await collect(await readNdjson(utf8('{"a":"x\ry"}\n{"a":1}\n')));
    expect(rejectedOf(inString)[0]!.reason).toMatch(/^line is not valid JSON( \(error at character \d+\))?$/);
  });

  it('rejects invalid UTF-8 per line', async () => {
    const bytes = concatBytes(utf8('{"a":"ok"}\n{"a":"'), new Uint8Array([0xe1, 0x28]), utf8('"}\n{"a":"ok2"}\n'));
    const items = await collect(await readNdjson(bytes));
    expect(rowsOf(items)).toEqual([{ a: 'ok' }, { a: 'ok2' }]);
    expect(rejectedOf(items).map((r) => [r.rowNumber, r.code])).toEqual([[2, 'INVALID_ENCODING']]);
  });

  it('rejects a too-long line without buffering it, then continues', async () => {
    async function* input(): AsyncGenerator<Uint8Array> {
      yield utf8('{"a":"');
      const piece = utf8('y'.repeat(1 << 16));
      for (let i = 0; i < 40; i++) yield piece;
      yield utf8('"}\n{"a":"b"}\n');
    }
    const items = await collect(await readNdjson(input(), { maxLineLength: 10_000 }));
    expect(rowsOf(items)).toEqual([{ a: 'b' }]);
    const [r] = rejectedOf(items);
    expect(r).toMatchObject({ rowNumber: 1, line: 1, code: 'LINE_TOO_LONG', rawTruncated: true });
    expect(r!.raw!.length).toBe(RAW_TEXT_LIMIT);
    expect(r!.raw!.startsWith('{"a":"yyy')).toBe(true);
  });

  it('empty input → status empty; blank-only → empty too', async () => {
    for (const s of ['', '\n \n']) {
      const src = await readNdjson(utf8(s));
      expect(await collect(src)).toEqual([]);
      expect(src.columns).toEqual([]);
      expect(src.summary.status).toBe('empty');
    }
  });

  it('UTF-8 BOM and UTF-16 LE input', async () => {
    const bom = await readNdjson(concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), utf8('{"a":"Đ"}\n')));
    expect(rowsOf(await collect(bom))).toEqual([{ a: 'Đ' }]);
    const s = '{"a":"ệ"}\r\n';
    const le = new Uint8Array(2 + s.length * 2);
    le[0] = 0xff;
    le[1] = 0xfe;
    for (let i = 0; i < s.length; i++) {
      le[2 + 2 * i] = s.charCodeAt(i) & 0xff;
      le[3 + 2 * i] = s.charCodeAt(i) >>> 8;
    }
    expect(rowsOf(await collect(await readNdjson(le)))).toEqual([{ a: 'ệ' }]);
  });

  it('columns are the union of the keys of the lookahead rows, in first-seen order (an exporter that omits null keys)', async () => {
    const KEYS = ['so_cccd', 'ho_ten', 'ngay_sinh', 'email', 'sdt', '__proto__', 'constructor'];
    const row = fc.array(fc.constantFrom(...KEYS), { maxLength: 7 }).map((ks) => JSON.stringify(Object.fromEntries(ks.map((k, i) => [k, i]))));
    const line = fc.oneof({ weight: 8, arbitrary: row }, { weight: 1, arbitrary: fc.constantFrom('[1]', '{"a":', '', '  ') });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.array(fc.nat({ max: 300 }), { maxLength: 4 }), async (lines, cuts) => {
        const bytes = utf8(lines.join('\n'));
        const expected = new Set<string>();
        for (const l of lines) {
          try {
            const v: unknown = JSON.parse(l);
            if (typeof v === 'object' && v !== null && !Array.isArray(v)) for (const k of Object.keys(v)) expected.add(k);
          } catch {
            // not JSON: no keys
          }
        }
        expect((await readNdjson(bytes)).columns).toEqual([...expected]);
        expect((await readNdjson(chunked(bytes, cuts))).columns).toEqual([...expected]);
      }),
      { numRuns: 200, seed: 11 },
    );
    // bounded: keys first seen after the lookahead's rows are not columns (the rows still read)
    const many = Array.from({ length: COLUMN_LOOKAHEAD_ROWS }, () => '{"a":1}');
    const src = await readNdjson(utf8([...many, '{"late":2}'].join('\n') + '\n'));
    expect(src.columns).toEqual(['a']);
    expect(rowsOf(await collect(src)).at(-1)).toEqual({ late: 2 });
  });

  it('the same items whatever the chunking, and rows = accepted + rejected', async () => {
    const line = fc.oneof(
      fc.dictionary(fc.constantFrom('a', 'b', 'ệ'), fc.oneof(fc.string(), fc.integer())).map((o) => JSON.stringify(o)),
      fc.constantFrom('[1]', '{"a":', 'nul', '"x"', '', '  ', '{"a":"\\n"}'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.array(fc.nat({ max: 400 }), { maxLength: 4 }), async (lines, cuts) => {
        const bytes = utf8(lines.join('\n'));
        const whole = await collect(await readNdjson(bytes));
        const src = await readNdjson(chunked(bytes, cuts));
        const items = await collect(src);
        expect(items).toEqual(whole);
        const nonBlank = lines.filter((l) => l.trim() !== '').length;
        expect(src.summary.rows).toBe(nonBlank);
        expect(src.summary.accepted + src.summary.rejected).toBe(nonBlank);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
