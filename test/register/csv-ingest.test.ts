/**
 * Register.build from a CSV FILE source with threads > 1 (src/register/csv-ingest.ts: the file
 * cut into pieces parsed where they are ingested) against the one-thread read of the same
 * source: the same register byte for byte (saved snapshot), the same rejections (the parser's
 * with their row numbers and lines, the register's) and issues, and the same source summary —
 * on seeded files with a BOM or not, LF / CRLF / mixed line ends, blank lines (before the
 * header too), quoted line breaks, ragged rows, text after a quote, no final line end, an
 * unterminated quote, another delimiter, and no header line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRecords, Register, vietnamesePersonSchema } from '../../src/index.js';
import { generatePopulation } from '../../src/synth/population.js';
import { KhopPool } from '../../src/pool/pool.js';
import type { CsvReadOptions } from '../../src/io/csv-reader.js';
import { isKhopError } from '../../src/errors.js';
import { feedFifo, fifoUnavailable, makeFifo, stopFifoWriters } from '../io/io-test-helpers.js';
import { COLUMNS, csvText, VARIANTS, type Variant } from '../io/csv-variants.js';

const SCHEMA = vietnamesePersonSchema();
let dir: string;
let pool: KhopPool;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-csv-ingest-'));
  pool = KhopPool.create({ threads: 1, inCallingThread: false });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The one-thread read with threads: 2 in the options (the snapshot records the build options):
 * no piece reader (csvMinBytes) and every row read before a pool would start (minRows).
 */
const ONE_THREAD = { csvMinBytes: Number.MAX_SAFE_INTEGER, minRows: Number.MAX_SAFE_INTEGER };

async function snapshot(reg: Register): Promise<Buffer> {
  const path = join(dir, `s${files++}.khop`);
  await reg.save(path);
  return readFile(path);
}

describe('Register.build from a CSV file, pieces parsed on the pool', () => {
  it('a delimiter above U+007F (│ ¦ ；) is read streamed, as on one thread — the pieces are cut byte by byte', async () => {
    for (const [k, delimiter] of ['│', '¦', '；'].entries()) {
      const path = join(dir, `nonascii${k}.csv`);
      // unquoted fields, the address quoted across a line break (a quote opens a field only
      // after the delimiter: a byte scanner that misses it counts the quoted break as a row end)
      const lines = [['recordId', 'id', 'fullName', 'dob', 'sex', 'province', 'address'].join(delimiter)];
      for (const r of generatePopulation({ size: 1500, seed: 70 + k, duplicateRate: 0.2 })) {
        lines.push([r.recordId, r.id, r.fullName, r.dob, r.sex, r.province, `"${r.address.replace(', ', '\n').replace(/"/g, '""')}"`].join(delimiter));
      }
      await writeFile(path, lines.join('\n') + '\n');
      const options = { idField: 'recordId' };
      const serialSource = await openRecords(path, { delimiter });
      const serial = await Register.build(SCHEMA, serialSource, { ...options, threads: 2 }, ONE_THREAD);
      const source = await openRecords(path, { delimiter });
      const pooled = await Register.build(SCHEMA, source, { ...options, threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 997 });
      expect(pooled.size).toBe(serial.size);
      expect(pooled.size).toBeGreaterThan(1400);
      expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
      expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
      expect(source.summary).toEqual(serialSource.summary);
    }
  });

  VARIANTS.forEach((v, vi) => {
    it(`${v.name}: the one-thread register, rejections, issues and source summary`, async () => {
      const path = join(dir, `v${vi}.csv`);
      await writeFile(path, csvText(v, 2500, 40 + vi));
      const readOptions: CsvReadOptions = { ...(v.delimiter !== undefined ? { delimiter: v.delimiter } : {}), ...(v.noHeader === true ? { header: COLUMNS } : {}) };
      const options = { idField: 'recordId', earlierIdsField: 'old' };

      const serialSource = await openRecords(path, readOptions);
      const serial = await Register.build(SCHEMA, serialSource, { ...options, threads: 2 }, ONE_THREAD);
      for (const pieceBytes of [997, 64 << 10]) {
        const source = await openRecords(path, readOptions);
        const pooled = await Register.build(SCHEMA, source, { ...options, threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: pieceBytes, ...(v.maxPiece === true ? { csvMaxPieceBytes: pieceBytes * 4 } : {}) });
        // The file was taken by the piece reader (the source cannot be iterated again).
        expect(() => source.batches()).toThrow(/only once/);
        expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
        expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
        expect(JSON.stringify(pooled.issues)).toBe(JSON.stringify(serial.issues));
        expect(source.summary).toEqual(serialSource.summary);
      }
      // Every rejection carries its row's line as the reader counts it, and an unreadable row its text.
      const items = new Map<number, { line: number | undefined; raw: string | undefined }>();
      for await (const batch of (await openRecords(path, readOptions)).batches()) {
        for (const it of batch) items.set(it.rowNumber, { line: it.line, raw: it.kind === 'rejected' ? it.raw : undefined });
      }
      expect(serial.rejected.length).toBeGreaterThan(0);
      if (v.repeatHeader === true) expect(serial.rejected.filter((r) => r.code === 'REPEATED_HEADER')).toHaveLength(6);
      for (const r of serial.rejected) {
        const item = items.get(r.index + 1)!;
        expect(r.line).toBe(item.line);
        expect(r.raw).toBe(item.raw);
      }
      if (v.broken === true || v.openQuoteAtEnd === true || v.openQuoteEarly === true) {
        const unreadable = serial.rejected.filter((r) => /could not be read/.test(r.reason));
        expect(unreadable.length).toBeGreaterThan(0);
        for (const r of unreadable) expect(r.reason).toMatch(new RegExp(`^row ${r.index + 1} \\(line \\d+\\) could not be read: `));
      }
    });
  });

  it('with renameBadColumns, the repeated header line is the header as written (an empty name, not column_9), pieced as on one thread (F38)', async () => {
    const path = join(dir, 'renamed.csv');
    // Every line gets an empty last column: the header's is renamed column_9, the repeated
    // header lines (4 of them: rows 199, 599, 999, 1399) keep it empty.
    const text = csvText({ name: 'renamed', eol: 'lf', repeatHeader: true }, 1500, 12);
    await writeFile(path, text.split('\n').map((l) => (l === '' ? l : `${l},`)).join('\n'));
    const readOptions: CsvReadOptions = { renameBadColumns: true };
    expect((await openRecords(path, readOptions)).columns).toEqual([...COLUMNS, 'column_9']);
    const serial = await Register.build(SCHEMA, await openRecords(path, readOptions), { idField: 'recordId', threads: 2 }, ONE_THREAD);
    expect(serial.rejected.filter((r) => r.code === 'REPEATED_HEADER').map((r) => r.index)).toEqual([199, 600, 1001, 1402]);
    const source = await openRecords(path, readOptions);
    const pooled = await Register.build(SCHEMA, source, { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 4096 });
    expect(() => source.batches()).toThrow(/only once/);
    expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
    expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
  });

  it("Excel's sep=; first line: skipped before the header on the piece path too, rows and lines as on one thread (F41)", async () => {
    const path = join(dir, 'excel-sep.csv');
    await writeFile(path, `\uFEFFsep=;\r\n${csvText({ name: 'sep', eol: 'crlf', delimiter: ';', broken: true }, 1500, 13)}`);
    const serialSource = await openRecords(path);
    expect([serialSource.delimiter, serialSource.columns]).toEqual([';', COLUMNS]);
    const serial = await Register.build(SCHEMA, serialSource, { idField: 'recordId', threads: 2 }, ONE_THREAD);
    expect(serial.size).toBeGreaterThan(1400);
    const source = await openRecords(path);
    const pooled = await Register.build(SCHEMA, source, { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 4096 });
    expect(() => source.batches()).toThrow(/only once/);
    expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
    expect(source.summary).toEqual(serialSource.summary);
    expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
    // The first rejected row's line counts the sep line (line 1) and the header (line 2).
    const first = serial.rejected[0]!;
    const text = (await readFile(path, 'utf8')).split('\r\n');
    expect(text[first.line! - 1]).toBe(first.raw);
  });

  it('a source read with keepRaw: false gives no raw text on the piece path either', async () => {
    const path = join(dir, 'noraw.csv');
    await writeFile(path, csvText({ name: 'noraw', eol: 'lf', broken: true }, 1500, 5));
    const serial = await Register.build(SCHEMA, await openRecords(path, { keepRaw: false }), { idField: 'recordId', threads: 2 }, ONE_THREAD);
    const pooled = await Register.build(SCHEMA, await openRecords(path, { keepRaw: false }), { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 4096 });
    const withRaw = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 4096 });
    const unreadable = (r: Register) => r.rejected.filter((x) => /could not be read/.test(x.reason));
    expect(unreadable(withRaw).length).toBeGreaterThan(0);
    for (const x of unreadable(withRaw)) expect(typeof x.raw).toBe('string');
    for (const r of [serial, pooled]) for (const x of r.rejected) expect(x.raw).toBeUndefined();
    expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
  });

  for (const mode of ['throw', 'exit'] as const) {
    it(`a worker that ${mode === 'throw' ? 'throws' : 'dies'} on a piece rejects the build with WORKER_FAILED naming the task; the next build works`, async () => {
      const path = join(dir, `fault-${mode}.csv`);
      await writeFile(path, csvText({ name: 'fault', eol: 'lf' }, 1500, 9));
      process.env['KHOP_POOL_FAULT'] = JSON.stringify({ task: 'register.ingestCsv', part: 1, mode });
      let error: unknown;
      try {
        // Workers only (no calling-thread share): piece 1 is a worker's; the build's own pool.
        await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, { csvMinBytes: 0, csvPieceBytes: 4096, callingThreadShare: false });
      } catch (e) {
        error = e;
      } finally {
        delete process.env['KHOP_POOL_FAULT'];
      }
      expect(isKhopError(error, 'WORKER_FAILED')).toBe(true);
      expect((error as Error).message).toContain('register.ingestCsv');
      expect(error).toMatchObject({ details: { phase: 'read' } });
      const again = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, { csvMinBytes: 0, csvPieceBytes: 4096 });
      expect(again.size).toBeGreaterThan(1000);
    });
  }

  it('a source with a progress callback, or below csvMinBytes, is read row by row (same register)', async () => {
    const path = join(dir, 'small.csv');
    await writeFile(path, csvText({ name: 'small', eol: 'lf', broken: true }, 800, 7));
    const serial = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, ONE_THREAD);
    const events: number[] = [];
    const observed = await openRecords(path, { onProgress: (e) => events.push(e.done) });
    const a = await Register.build(SCHEMA, observed, { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, minRows: 0 });
    expect(events.length).toBeGreaterThan(0);
    const small = await openRecords(path);
    const b = await Register.build(SCHEMA, small, { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 1 << 30, minRows: 0 });
    for (const r of [a, b]) {
      expect((await snapshot(r)).equals(await snapshot(serial))).toBe(true);
      expect(JSON.stringify(r.rejected)).toBe(JSON.stringify(serial.rejected));
    }
  });
});

// A named pipe (or a shell's `<(…)`: /dev/fd/63) is read once, front to back: never cut into
// pieces read by offset, whatever threads and csvMinBytes say.
const noFifo = fifoUnavailable(tmpdir());
if (noFifo !== null) console.warn(noFifo);
describe('Register.build from an NDJSON file, pieces read on the pool', () => {
  it('the one-thread register, rejections, issues and source summary: blank, CRLF and unreadable lines, values of other types, keys some rows lack, a line too long to cut', async () => {
    const rng = { n: 7, int(k: number): number { this.n = (this.n * 1103515245 + 12345) % 2147483648; return this.n % k; } };
    const people = [...generatePopulation({ size: 3000, seed: 77, duplicateRate: 0.2 })] as unknown as Array<Record<string, unknown>>;
    const lines: string[] = [];
    people.forEach((r, i) => {
      if (i % 211 === 3) lines.push('{"recordId": "x", "id": ');
      if (i % 307 === 5) lines.push('[1, 2]');
      if (i % 97 === 7) lines.push('  \r');
      if (i === 1500) lines.push(`{"recordId":"long","fullName":"${'y'.repeat((1 << 20) + 5)}"}`); // no LF past the 1 MiB scan block: the rest streamed
      const o: Record<string, unknown> = { recordId: r.recordId, id: rng.int(40) === 0 ? Number(r.id) : r.id, fullName: r.fullName, dob: r.dob, sex: r.sex };
      if (rng.int(3) > 0) o.province = r.province; // a key some rows lack
      o.address = rng.int(50) === 0 ? { street: r.address } : rng.int(30) === 0 ? null : r.address; // another type: rejected by the register
      if (rng.int(20) === 0) o.old = people[rng.int(people.length)]!.id;
      lines.push(JSON.stringify(o) + (i % 3 === 0 ? '\r' : ''));
    });
    const path = join(dir, 'register.ndjson');
    await writeFile(path, lines.join('\n') + '\n');
    const options = { idField: 'recordId', earlierIdsField: 'old' };
    const serialSource = await openRecords(path);
    const serial = await Register.build(SCHEMA, serialSource, { ...options, threads: 2 }, ONE_THREAD);
    for (const pieceBytes of [997, 64 << 10]) {
      const source = await openRecords(path);
      const pooled = await Register.build(SCHEMA, source, { ...options, threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: pieceBytes, csvMaxPieceBytes: pieceBytes * 4 });
      expect(() => source.batches()).toThrow(/only once/); // taken by the piece reader
      expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
      expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
      expect(JSON.stringify(pooled.issues)).toBe(JSON.stringify(serial.issues));
      expect(source.summary).toEqual(serialSource.summary);
    }
    expect(serial.size).toBeGreaterThan(2000);
    const codes = new Set(serial.rejected.map((r) => r.code));
    for (const c of ['INVALID_JSON', 'NOT_AN_OBJECT', 'LINE_TOO_LONG']) expect(codes).toContain(c);
    expect(serial.rejected.some((r) => /expected text/.test(r.reason))).toBe(true);
  });

  it('a field whose key no row holds is refused as on one thread', async () => {
    const path = join(dir, 'no-sex.ndjson');
    const rows = [...generatePopulation({ size: 400, seed: 78, duplicateRate: 0 })].map((r) => JSON.stringify({ recordId: r.recordId, id: r.id, fullName: r.fullName, dob: r.dob, province: r.province, address: r.address }));
    await writeFile(path, rows.join('\n'));
    const serial = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, ONE_THREAD).catch((e: unknown) => e);
    const pooled = await Register.build(SCHEMA, await openRecords(path), { idField: 'recordId', threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 2048 }).catch((e: unknown) => e);
    expect(isKhopError(serial)).toBe(true);
    expect(isKhopError(pooled) && (pooled as Error).message).toBe((serial as Error).message);
  });
});

describe.skipIf(noFifo !== null)('Register.build from a named pipe', () => {
  afterEach(stopFifoWriters);

  it('F57: threads 2 and csvMinBytes 0 read the pipe streamed: the one-thread register and rejections of the file', async () => {
    const path = join(dir, 'pipe-source.csv');
    writeFileSync(path, csvText({ name: 'pipe', eol: 'crlf', broken: true }, 2500, 57));
    const options = { idField: 'recordId', earlierIdsField: 'old' };
    const serial = await Register.build(SCHEMA, await openRecords(path), { ...options, threads: 2 }, ONE_THREAD);
    const fifo = makeFifo(join(dir, 'pipe.csv'));
    const writer = feedFifo(fifo, path);
    const source = await openRecords(fifo);
    const pooled = await Register.build(SCHEMA, source, { ...options, threads: 2 }, { pool, csvMinBytes: 0, csvPieceBytes: 4096 });
    expect(await writer.done).toBe(0);
    expect(pooled.size).toBeGreaterThan(2000);
    expect(JSON.stringify(pooled.rejected)).toBe(JSON.stringify(serial.rejected));
    expect((await snapshot(pooled)).equals(await snapshot(serial))).toBe(true);
  });
});
