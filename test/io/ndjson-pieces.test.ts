/**
 * The NDJSON piece reader (src/io/ndjson-pieces.ts) against the streaming reader it must equal:
 * seeded random files of every kind of line readNdjson tells apart — objects (Vietnamese text,
 * numbers, nested values, missing keys), blank lines of spaces / tabs / CRs, CRLF ends, invalid
 * JSON, non-objects, invalid UTF-8, a U+FEFF inside the text, objects joined by a lone CR, lines
 * and whitespace lines longer than maxLineLength, a last line without an LF — cut into pieces of
 * random small sizes (and, in some files, no LF for maxPieceBytes: the rest streamed). Every
 * row's number, line, values and every rejection (code, reason, raw) must equal readNdjson's
 * over the whole file, and so must the blank lines and bytes read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNdjson, takeNdjsonFile } from '../../src/io/ndjson-reader.js';
import { flatObjectValues, NdjsonPieceCutter, ndjsonPieceFormatOf, parseNdjsonPiece, restOfNdjsonFile } from '../../src/io/ndjson-pieces.js';
import { UnreadableRow } from '../../src/io/record-source-rows.js';
import type { RowReadCounts } from '../../src/io/csv-pieces.js';
import { Rng } from '../../src/util/rng.js';
import { concatBytes, utf8 } from './io-test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'khop-ndjson-pieces-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// `constructor` and `__proto__`: an absent key reads undefined, never inherited; a present one its own value.
const KEYS = ['id', 'name', 'dob', 'extra', 'absent', 'constructor', '__proto__', 'toString'];
const NAMES = ['Nguyễn Văn An', 'Trần Thị Bích', '  Lê Hoàng  ', 'Phạm "Quote" Minh', 'Ngô\\tTab', 'O\u0301anh'];
const MAX_LINE = 120;

/** One random line (without its LF) as bytes. */
function randomLine(rng: Rng): Uint8Array {
  const pick = rng.int(24);
  const object = (): string => {
    const o: Record<string, unknown> = {};
    if (rng.int(5) > 0) o.id = rng.int(3) === 0 ? rng.int(1_000_000) : String(rng.int(1e12)).padStart(12, '0');
    if (rng.int(5) > 0) o.name = NAMES[rng.int(NAMES.length)];
    if (rng.int(4) > 0) o.dob = `${1 + rng.int(28)}/0${1 + rng.int(9)}/19${10 + rng.int(89)}`;
    if (rng.int(4) === 0) o.extra = rng.int(2) === 0 ? { nested: [1, 'x'] } : null;
    return JSON.stringify(o);
  };
  switch (pick) {
    case 0:
      return utf8(' \t '.slice(0, rng.int(4)) + (rng.int(2) === 0 ? '\r' : '')); // blank
    case 1:
      return utf8('{"id": "0123", "name": '); // invalid JSON
    case 2:
      return utf8(['[1,2]', '"text"', '42', 'null', 'true'][rng.int(5)]!); // not an object
    case 3:
      return concatBytes(utf8('{"name":"Ph'), Uint8Array.of(0xe1, 0xba), utf8('m"}')); // invalid UTF-8
    case 4:
      return utf8(`${object()}\r${object()}`); // joined by a lone CR
    case 5:
      return utf8(`{"name":"${'Đặng '.repeat(30)}"}`); // longer than MAX_LINE characters
    case 6:
      return utf8(' '.repeat(MAX_LINE + 1 + rng.int(3))); // a whitespace line too long
    case 7:
      return utf8(`\uFEFF${object()}`); // a U+FEFF inside the text
    case 8:
      return utf8(`${object()}\r`); // CRLF
    case 9:
      return utf8('{"__proto__":"p","constructor":"c","id":"001"}');
    case 10: // the fast read's edges: whitespace between tokens, a repeated key, an empty object, escapes
      return utf8(
        [
          ' \t{ "id" :\t"007" , "name":"A\rB" ,"id":"008"}\r ',
          '{}',
          '{ }',
          '{"name":"Nguy\\u1ec5n","id":"1"}',
          '{"na\\u006de":"x"}',
          '{"name":"tab\there"}',
          '{"id":"1",}',
          "{'id':'1'}",
          '{"id":"1"} x',
          '{"id" "1"}',
          '{"id":"1""name":"2"}',
          '{"id":"1"',
          '{"id":1.5e3,"name":"x"}',
          '{"id":"1","name":null,"dob":true}',
          '{"id":"\ud800","name":"\u{1F600}"}',
        ][rng.int(15)]!,
      );
    default:
      return utf8(object());
  }
}

function randomFile(seed: number): { bytes: Uint8Array; smallMaxPiece: boolean } {
  const rng = new Rng(seed);
  const parts: Uint8Array[] = [];
  if (rng.int(3) === 0) parts.push(Uint8Array.of(0xef, 0xbb, 0xbf));
  parts.push(utf8(`${JSON.stringify({ id: '001', name: 'An', dob: '1/1/2000' })}\n`)); // content first: the reader's lookahead names the keys
  const n = 20 + rng.int(60);
  const smallMaxPiece = rng.int(3) === 0;
  for (let i = 0; i < n; i++) {
    parts.push(randomLine(rng));
    // No LF for maxPieceBytes past the cutter's 1 MiB scan block: the rest is streamed.
    if (smallMaxPiece && i === n >> 1) parts.push(utf8(`{"name":"${'x'.repeat((1 << 20) + rng.int(1 << 16))}"}\n`));
    if (i < n - 1 || rng.int(2) === 0) parts.push(utf8('\n'));
  }
  return { bytes: concatBytes(...parts), smallMaxPiece };
}

interface Item {
  rowNumber: number;
  line: number | undefined;
  values?: unknown[];
  code?: string;
  reason?: string;
  raw?: string;
  rawTruncated?: boolean;
}

const project = (v: Record<string, unknown>): unknown[] => KEYS.map((k) => v[k]);

async function oracle(path: string): Promise<{ items: Item[]; blank: number; bytes: number }> {
  const src = await readNdjson(path, { maxLineLength: MAX_LINE });
  const items: Item[] = [];
  for await (const batch of src.batches()) {
    for (const it of batch) {
      if (it.kind === 'row') items.push({ rowNumber: it.rowNumber, line: it.line, values: project(it.values) });
      else items.push({ rowNumber: it.rowNumber, line: it.line, code: it.code, reason: it.reason, ...(it.raw !== undefined ? { raw: it.raw } : {}), ...(it.rawTruncated === true ? { rawTruncated: true } : {}) });
    }
  }
  return { items, blank: src.summary.blankLines, bytes: src.summary.bytesRead };
}

async function pieced(path: string, pieceBytes: number, maxPieceBytes: number): Promise<{ items: Item[]; blank: number; bytes: number; rests: number; pieces: number }> {
  const src = await readNdjson(path, { maxLineLength: MAX_LINE });
  const file = takeNdjsonFile(src, 0);
  expect(file).not.toBeNull();
  const format = ndjsonPieceFormatOf(file!);
  const fh = await open(path, 'r');
  const items: Item[] = [];
  let blank = 0;
  let bytes = 0;
  let rests = 0;
  let pieces = 0;
  try {
    const cutter = new NdjsonPieceCutter(fh, file!, pieceBytes, maxPieceBytes, 'test');
    for await (const c of cutter.pieces()) {
      if (c.kind === 'piece') {
        pieces++;
        const p = parseNdjsonPiece(format, c, KEYS, 'test');
        let u = 0;
        for (let i = 0; i < p.count; i++) {
          const r = p.unreadable[u];
          if (r !== undefined && r.i === i) {
            u++;
            items.push({ rowNumber: c.start + i + 1, line: r.line, code: r.code, reason: r.reason, ...(r.raw !== undefined ? { raw: r.raw } : {}), ...(r.rawTruncated === true ? { rawTruncated: true } : {}) });
          } else items.push({ rowNumber: c.start + i + 1, line: p.lines[i], values: p.values.slice(i * KEYS.length, (i + 1) * KEYS.length) });
        }
        continue;
      }
      rests++;
      const counts: RowReadCounts = { rows: 0, unreadable: 0, blank: 0, bytes: c.from };
      let n = c.start;
      for await (const row of restOfNdjsonFile(fh, format, c.from, c.start, c.line, counts)) {
        n++;
        if (row instanceof UnreadableRow) {
          const it = row.item;
          items.push({ rowNumber: it.rowNumber, line: it.line, code: it.code, reason: it.reason, ...(it.raw !== undefined ? { raw: it.raw } : {}), ...(it.rawTruncated === true ? { rawTruncated: true } : {}) });
        } else items.push({ rowNumber: n, line: undefined, values: project(row as Record<string, unknown>) });
      }
      expect(counts.rows).toBe(n - c.start);
      blank += counts.blank;
      bytes = counts.bytes;
    }
    blank += cutter.blank;
    bytes = Math.max(bytes, cutter.bytesRead);
  } finally {
    await fh.close();
  }
  return { items, blank, bytes, rests, pieces };
}

describe('NDJSON pieces', () => {
  it('read as readNdjson reads the whole file: rows, rejections, numbers, lines, blank lines and bytes (seeded random files and cuts)', async () => {
    let rests = 0;
    const rejectedCodes = new Set<string>();
    for (let seed = 1; seed <= 60; seed++) {
      const { bytes, smallMaxPiece } = randomFile(seed);
      const path = join(dir, `f${seed}.ndjson`);
      writeFileSync(path, bytes);
      const want = await oracle(path);
      const rng = new Rng(1000 + seed);
      const pieceBytes = 1 + rng.int(300);
      const got = await pieced(path, pieceBytes, smallMaxPiece ? pieceBytes + 200 : 1 << 20);
      rests += got.rests;
      // The rest's rows carry no line from restOfNdjsonFile's values: compare lines where known.
      const wantItems = want.items.map((it, i) => (got.items[i]?.line === undefined && it.values !== undefined ? { ...it, line: undefined } : it));
      expect(got.items, `seed ${seed}`).toEqual(wantItems);
      expect(got.blank, `seed ${seed} blank lines`).toBe(want.blank);
      expect(got.bytes, `seed ${seed} bytes`).toBe(want.bytes);
      if (!smallMaxPiece) expect(got.pieces, `seed ${seed} pieces`).toBeGreaterThan(1);
      for (const it of want.items) if (it.code !== undefined) rejectedCodes.add(it.code);
    }
    // The files exercised what they are meant to.
    expect(rests).toBeGreaterThan(0);
    expect([...rejectedCodes].sort()).toEqual(['INVALID_ENCODING', 'INVALID_JSON', 'LINE_TOO_LONG', 'NOT_AN_OBJECT']);
  });

  it('the fast read of a flat object gives what JSON.parse gives, or declines (seeded token soup)', () => {
    const rng = new Rng(7);
    const tokens = ['{', '}', '"id"', '"name"', '"dob"', '"x"', ':', ',', ' ', '\t', '\r', '"Văn"', '"a\\"b"', '"\\n"', '1', 'null', '[', ']', '"\uFFFD"', '""', '"__proto__"', '"constructor"'];
    const keys = ['id', 'name', 'dob', '__proto__', 'constructor', 'absent'];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      // Mostly well-formed flat objects, with a random token slipped in now and then.
      const parts: string[] = ['{'];
      const members = rng.int(5);
      for (let m = 0; m < members; m++) {
        if (m > 0) parts.push(',');
        parts.push(tokens[2 + rng.int(4)]!, rng.int(4) === 0 ? ' : ' : ':', rng.int(10) === 0 ? '"a\\"b"' : `"${['Văn', 'Thị', '', '1', 'Ngô Minh'][rng.int(5)]!}"`);
        if (rng.int(6) === 0) parts.push(tokens[rng.int(tokens.length)]!);
      }
      parts.push('}');
      if (rng.int(8) === 0) parts.splice(rng.int(parts.length), 0, tokens[rng.int(tokens.length)]!);
      const line = parts.join(rng.int(3) === 0 ? ' ' : '');
      const text = `xx${line}yy`;
      const values: unknown[] = ['before'];
      const ok = flatObjectValues(text, 2, 2 + line.length, keys, values);
      let parsed: unknown = undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      if (!ok) {
        expect(values).toEqual(['before']);
        // Declined only what is not an object of plain strings.
        const plain = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string' && !/[\\\u0000-\u001f\uFFFD"]/.test(v)) && !/\\/.test(line);
        expect(plain, line).toBe(false);
        continue;
      }
      accepted++;
      expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), line).toBe(true);
      const o = parsed as Record<string, unknown>;
      expect(values.slice(1), line).toEqual(keys.map((k) => (Object.hasOwn(o, k) ? o[k] : undefined)));
    }
    expect(accepted).toBeGreaterThan(5_000);
  });

  it('a piece whose lines hold another row count than its cut fails INTERNAL, not shifted rows', () => {
    const bytes = new Uint8Array(new SharedArrayBuffer(8));
    bytes.set(utf8('{}\n{}\n\n\n'));
    expect(() => parseNdjsonPiece({ maxLineLength: 100, keepRaw: true }, { line: 1, rows: 3, last: true, bytes, part: 0 }, KEYS, 'test')).toThrow(/INTERNAL|holds 2 records where its cut counted 3/);
  });

  it('is not taken from a source already iterated, a blank file, or one read with progress events (unless observed)', async () => {
    const path = join(dir, 'plain.ndjson');
    writeFileSync(path, '{"id":"1"}\n{"id":"2"}\n');
    const iterated = await readNdjson(path);
    for await (const _ of iterated.batches()) void _;
    expect(takeNdjsonFile(iterated, 0)).toBeNull();
    const blankPath = join(dir, 'blank.ndjson');
    writeFileSync(blankPath, '\n  \n\r\n');
    expect(takeNdjsonFile(await readNdjson(blankPath), 0)).toBeNull();
    const observed = await readNdjson(path, { onProgress: () => undefined });
    expect(takeNdjsonFile(observed, 0)).toBeNull();
    expect(takeNdjsonFile(observed, 0, true)).not.toBeNull();
    expect(takeNdjsonFile(await readNdjson(path), 1 << 20)).toBeNull(); // smaller than minBytes
    const utf16 = join(dir, 'utf16.ndjson');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"id":"1"}\n', 'utf16le')]));
    expect(takeNdjsonFile(await readNdjson(utf16), 0)).toBeNull();
  });
});
