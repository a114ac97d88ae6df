/**
 * dedupe / link reading a CSV file in pieces parsed where they are prepared (prepareRows'
 * readPieces, the 'pipeline.prepareCsv' task): the prepared dataset, the rejections, the
 * source's summary and what the command line's input records must be those of the row-by-row
 * read of the same file — the oracle — whatever the file's shape and the piece size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, readlink, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openRecords } from '../../src/io/record-reader.js';
import type { CsvReadOptions } from '../../src/io/csv-reader.js';
import type { RecordSource } from '../../src/io/record-types.js';
import type { ProgressEvent } from '../../src/io/progress.js';
import { prepareRows, type PrepareRowsOptions } from '../../src/pipeline/prepare.js';
import { pooledPrepare, PREPARE_CSV_TASK, type PreparePool } from '../../src/pipeline/parallel-prepare.js';
import { KhopPool } from '../../src/pool/pool.js';
import { defineSchema, vietnamesePersonSchema, type Schema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { InputFile } from '../../src/cli/input.js';
import { isKhopError, type KhopError } from '../../src/errors.js';
import { dedupe } from '../../src/pipeline/match.js';
import { faultyPool } from '../pool/faulty-pool.js';
import { COLUMNS, csvText, VARIANTS, type Variant } from '../io/csv-variants.js';
import { plain } from './prepared-plain.js';

const SCHEMA = defineSchema({ ...vietnamesePersonSchema().toJSON(), old: { kind: 'identifier' } });

let dir: string;
let pool: KhopPool;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-csv-prepare-'));
  pool = KhopPool.create({ threads: 1, inCallingThread: false });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** The pool, counting the tasks run on it by name. */
function counting(p: PreparePool): PreparePool & { runs: Map<string, number> } {
  const runs = new Map<string, number>();
  return {
    runs,
    threads: p.threads,
    run<T>(name: string, payload: unknown): Promise<T> {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      return p.run<T>(name, payload);
    },
  };
}

async function write(text: string): Promise<string> {
  const path = join(dir, `f${files++}.csv`);
  await writeFile(path, text);
  return path;
}

const readOptionsOf = (v: Variant): CsvReadOptions => ({ ...(v.delimiter !== undefined ? { delimiter: v.delimiter } : {}), ...(v.noHeader === true ? { header: COLUMNS } : {}) });

/** Rows in pieces of `pieceBytes` (every file size), on the counting pool. */
function pieced(p: PreparePool, pieceBytes: number, maxPieceBytes?: number): PrepareRowsOptions {
  return { runner: pooledPrepare(p), csvPieces: { minBytes: 0, pieceBytes, ...(maxPieceBytes !== undefined ? { maxPieceBytes } : {}) } };
}

describe('prepareRows reads a CSV file in pieces parsed where they are prepared', () => {
  VARIANTS.forEach((v, vi) => {
    it(`${v.name}: the row-by-row read's dataset, rejections and source summary`, async () => {
      const path = await write(csvText(v, 2500, 140 + vi));
      const serialSource = await openRecords(path, readOptionsOf(v));
      const serial = await prepareRows([serialSource], SCHEMA, { idField: 'recordId' });
      if (v.broken === true || v.openQuoteAtEnd === true || v.openQuoteEarly === true) expect(serial.rejected.length).toBeGreaterThan(0);
      for (const pieceBytes of [997, 64 << 10]) {
        const p = counting(pool);
        const source = await openRecords(path, readOptionsOf(v));
        const got = await prepareRows([source], SCHEMA, { idField: 'recordId', ...pieced(p, pieceBytes, v.maxPiece === true ? pieceBytes * 4 : undefined) });
        expect(() => source.batches()).toThrow(/only once/); // the file was taken
        expect(plain(got)).toEqual(plain(serial));
        expect(got.absentFields).toEqual(serial.absentFields);
        expect(source.summary).toEqual(serialSource.summary);
        // Lone-CR line ends have no cut: the whole file is the row-by-row rest.
        if (v.eol !== 'cr') expect(p.runs.get(PREPARE_CSV_TASK) ?? 0).toBeGreaterThan(0);
      }
    });
  });

  it('a link of two files, each in pieces: the second file’s rows after the first’s, as read row by row', async () => {
    const a = await write(csvText(VARIANTS[1]!, 1800, 160));
    const b = await write(csvText(VARIANTS[2]!, 1300, 161));
    const serial = await prepareRows([await openRecords(a), await openRecords(b)], SCHEMA, { idField: 'recordId' });
    const p = counting(pool);
    const got = await prepareRows([await openRecords(a), await openRecords(b)], SCHEMA, { idField: 'recordId', ...pieced(p, 4001) });
    expect(plain(got)).toEqual(plain(serial));
    expect(got.sourceRows).toEqual(serial.sourceRows);
    expect(got.sourceRows.every((n) => n > 1000)).toBe(true);
    expect(p.runs.get(PREPARE_CSV_TASK)).toBeGreaterThan(10);
  });

  it('a name locale left to the data: decided from the same rows (the first pieces read row by row), also after nameless rows', async () => {
    const schema: Schema = defineSchema({ name: { kind: 'personName', column: 'name' }, dob: { kind: 'date', column: 'dob' }, city: { kind: 'category', column: 'city' } });
    const english = ['John Smith', 'Mary Jones', 'Robert Brown', 'Linda Miller', 'James Wilson', 'Patricia Moore'];
    const people = [...generatePopulation({ size: 3000, seed: 162 })];
    for (const [label, nameOf] of [
      ['Vietnamese names', (i: number) => people[i]!.fullName],
      ['English names', (i: number) => english[i % english.length]!],
    ] as const) {
      // The first 700 rows have no name: they go through before the locale is decided.
      const lines = ['name,dob,city'];
      for (let i = 0; i < 3000; i++) lines.push(`${i < 700 ? '' : nameOf(i)},${people[i]!.dob},c${i % 37}`);
      const path = await write(lines.join('\n') + '\n');
      const serial = await prepareRows([await openRecords(path)], schema);
      const p = counting(pool);
      const got = await prepareRows([await openRecords(path)], schema, pieced(p, 2000));
      expect(plain(got), label).toEqual(plain(serial));
      expect(got.nameGroups[0]!.locale).toBe(label === 'English names' ? 'generic' : 'vi');
      expect(p.runs.get(PREPARE_CSV_TASK) ?? 0, label).toBeGreaterThan(0);
    }
  });

  it('the memory budget: called with the row-by-row read’s sample, and its refusal stops the read', async () => {
    const path = await write(csvText(VARIANTS[0]!, 9000, 163));
    const calls = (into: Array<[number, unknown[]]>) => async (read: number, sample: readonly unknown[]) => {
      into.push([read, sample.slice()]);
    };
    const serialCalls: Array<[number, unknown[]]> = [];
    const serial = await prepareRows([await openRecords(path)], SCHEMA, { idField: 'recordId', budget: calls(serialCalls) });
    const gotCalls: Array<[number, unknown[]]> = [];
    const got = await prepareRows([await openRecords(path)], SCHEMA, { idField: 'recordId', budget: calls(gotCalls), ...pieced(counting(pool), 3000) });
    expect(plain(got)).toEqual(plain(serial));
    expect(gotCalls.length).toBeGreaterThan(0);
    expect(gotCalls[0]![1]).toEqual(serialCalls[0]![1]);
    expect(gotCalls[0]![1]).toHaveLength(2048);
    expect(gotCalls.at(-1)![0]).toBe(serialCalls.at(-1)![0]);
    // Checked at the doublings from 65,536 rows on: a file of 70k rows is checked there too.
    const big = await write(csvText(VARIANTS[0]!, 70_000, 164));
    let checks = 0;
    const refused = prepareRows([await openRecords(big)], SCHEMA, {
      idField: 'recordId',
      ...pieced(counting(pool), 64 << 10),
      budget: async (read) => {
        checks++;
        if (read >= 65_536) throw new Error('over budget');
      },
    });
    await expect(refused).rejects.toThrow('over budget');
    expect(checks).toBe(1);
  });

  it('the source’s progress events (bytes, to the file’s size, a final one) and its abort signal', async () => {
    const path = await write(csvText(VARIANTS[0]!, 3000, 165));
    const events: ProgressEvent[] = [];
    const source = await openRecords(path, { onProgress: (e) => events.push(e) });
    const handled: number[] = [];
    const prepared = await prepareRows([source], SCHEMA, { idField: 'recordId', ...pieced(counting(pool), 8000), onRows: (n) => handled.push(n) });
    // The rows handled, piece by piece (dedupe's 'prepare' progress): rising to every row.
    expect(handled.length).toBeGreaterThan(5);
    for (let i = 1; i < handled.length; i++) expect(handled[i]!).toBeGreaterThanOrEqual(handled[i - 1]!);
    expect(handled.at(-1)).toBe(prepared.inputRows);
    const size = (await stat(path)).size;
    expect(events.length).toBeGreaterThan(5);
    expect(events.every((e) => e.phase === 'read' && e.unit === 'bytes' && e.total === size)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done);
    expect(events.at(-1)).toMatchObject({ done: size, final: true });
    expect(events.filter((e) => e.final === true)).toHaveLength(1);

    const controller = new AbortController();
    const aborted = await openRecords(path, { signal: controller.signal });
    controller.abort();
    const error = await prepareRows([aborted], SCHEMA, { idField: 'recordId', ...pieced(counting(pool), 8000) }).catch((e: unknown) => e);
    expect(isKhopError(error) && error.code === 'ABORTED').toBe(true);
  });

  it('the command line’s input (an observer): rows’ numbers, lines and ids, and the reader’s rejections, as iterating records them', async () => {
    for (const v of [VARIANTS[1]!, VARIANTS[5]!, VARIANTS[6]!]) {
      const path = await write(csvText(v, 2500, 166));
      const read = readOptionsOf(v);
      // The oracle: the input iterated (its rows handed on through a plain generator, which hides the file).
      const iterated = await InputFile.open(path, undefined, read);
      const rows = iterated.rows('recordId');
      const serial = await prepareRows([(async function* () { yield* rows; })()], SCHEMA, { idField: 'recordId' });
      const taken = await InputFile.open(path, undefined, read);
      const p = counting(pool);
      const got = await prepareRows([taken.rows('recordId')], SCHEMA, { idField: 'recordId', ...pieced(p, 1500, v.maxPiece === true ? 6000 : undefined) });
      expect(plain(got), v.name).toEqual(plain(serial));
      const n = iterated.rowNumbers.length;
      expect(taken.rowNumbers.length).toBe(n);
      for (let i = 0; i < n; i++) {
        if (taken.rowNumbers.get(i) !== iterated.rowNumbers.get(i) || taken.lines.get(i) !== iterated.lines.get(i)) {
          expect([i, taken.rowNumbers.get(i), taken.lines.get(i)]).toEqual([i, iterated.rowNumbers.get(i), iterated.lines.get(i)]);
        }
      }
      expect(taken.ids).toEqual(iterated.ids);
      expect(taken.rejected).toEqual(iterated.rejected);
      expect(iterated.rejected.length).toBeGreaterThan(0);
      expect(taken.rowsRead).toBe(iterated.rowsRead);
      expect(taken.rejectedEntries(got.rejected, undefined, 'recordId')).toEqual(iterated.rejectedEntries(serial.rejected, undefined, 'recordId'));
      if (v.eol !== 'cr') expect(p.runs.get(PREPARE_CSV_TASK) ?? 0).toBeGreaterThan(0);
    }
  });

  for (const mode of ['throw', 'exit'] as const) {
    it(`a worker that ${mode === 'throw' ? 'throws on' : 'dies on'} a piece rejects dedupe with WORKER_FAILED naming the prepare phase, no value in the message; the file is closed and the pool goes on`, async () => {
      const text = csvText(VARIANTS[1]!, 9000, 168); // over DEFAULT_PREPARE_CSV_MIN_BYTES
      const path = await write(text);
      const faulty = faultyPool({ task: PREPARE_CSV_TASK, mode });
      try {
        const source = await openRecords(path);
        const e = await dedupe(source, { schema: SCHEMA, idField: 'recordId', pool: faulty }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(isKhopError(e, 'WORKER_FAILED'), String(e)).toBe(true);
        expect((e as KhopError).details?.['phase']).toBe('prepare');
        expect((e as KhopError).message).toContain(PREPARE_CSV_TASK);
        const names = text.split('\n').slice(1, 200).map((l) => (l.split(',')[2] ?? '').replace(/"/g, '')).filter((n) => n.length > 5);
        expect(names.length).toBeGreaterThan(100);
        for (const name of names) expect((e as KhopError).message.includes(name)).toBe(false);
        // The file was closed (on Linux, no descriptor of the process names it).
        const open = await readdir('/proc/self/fd').then((fds) => Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => ''))), () => []);
        expect(open.filter((target) => target === path)).toEqual([]);
        expect(await faulty.run<{ echo: unknown }>('pool.info', { ok: 1 })).toMatchObject({ echo: { ok: 1 } });
      } finally {
        await faulty.close();
      }
    });
  }

  it('a file emptied after its header was read fails IO_ERROR naming the file (not rows of nothing, no crash)', async () => {
    const path = await write(csvText(VARIANTS[0]!, 800, 169));
    const source = await openRecords(path);
    await truncate(path, 0);
    const e = await prepareRows([source], SCHEMA, { idField: 'recordId', ...pieced(counting(pool), 997) }).catch((x: unknown) => x);
    expect(isKhopError(e, 'IO_ERROR'), String(e)).toBe(true);
    expect((e as KhopError).message).toBe(`read: the file changed while it was read: ${path}`);
  });

  it('is not taken without a pool, below minBytes, from gzip, UTF-16 or a delimiter above U+007F, or when the source was iterated: those are read row by row', async () => {
    const path = await write(csvText(VARIANTS[0]!, 500, 167));
    const serial = await prepareRows([await openRecords(path)], SCHEMA, { idField: 'recordId' });
    const small = counting(pool);
    const got = await prepareRows([await openRecords(path)], SCHEMA, { idField: 'recordId', runner: pooledPrepare(small), csvPieces: { minBytes: 1 << 30 } });
    expect(plain(got)).toEqual(plain(serial));
    expect(small.runs.get(PREPARE_CSV_TASK)).toBeUndefined();
    const off = counting(pool);
    const none = await prepareRows([await openRecords(path)], SCHEMA, { idField: 'recordId', runner: pooledPrepare(off), csvPieces: false });
    expect(plain(none)).toEqual(plain(serial));
    expect(off.runs.get(PREPARE_CSV_TASK)).toBeUndefined();
    // Files a piece reader cannot cut byte by byte: gzip, UTF-16, a delimiter above U+007F.
    const text = csvText(VARIANTS[0]!, 500, 167);
    const gz = join(dir, `f${files++}.csv.gz`);
    await writeFile(gz, gzipSync(Buffer.from(text)));
    const utf16 = join(dir, `f${files++}.csv`);
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const bar = await write(text.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/gm, '│'));
    for (const [file, read] of [[gz, {}], [utf16, {}], [bar, { delimiter: '│' }]] as const) {
      const p = counting(pool);
      const got = await prepareRows([await openRecords(file, read)], SCHEMA, { idField: 'recordId', ...pieced(p, 997) });
      expect(plain(got), file).toEqual(plain(serial));
      expect(p.runs.get(PREPARE_CSV_TASK), file).toBeUndefined();
    }
    const started: RecordSource = await openRecords(path);
    const first = started[Symbol.asyncIterator]();
    await first.next();
    await expect(prepareRows([started], SCHEMA, { idField: 'recordId', ...pieced(counting(pool), 997) })).rejects.toThrow(/only once/);
  });
});
