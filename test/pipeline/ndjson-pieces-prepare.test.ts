/**
 * dedupe / link reading an NDJSON file in pieces parsed where they are prepared (prepareRows'
 * readPieces, the 'pipeline.prepareCsv' task with an NDJSON piece): the prepared dataset, the
 * rejections, the fields no row holds, the source's summary and what the command line's input
 * records must be those of the row-by-row read of the same file — the oracle — whatever the
 * file's lines and the piece size. NDJSON adds what a CSV file cannot hold: values of other JSON
 * types (checked on the worker: WRONG_TYPE), numeric record ids, keys some rows lack.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords } from '../../src/io/record-reader.js';
import { prepareRows, type PrepareRowsOptions } from '../../src/pipeline/prepare.js';
import { pooledPrepare, PREPARE_CSV_TASK, type PreparePool } from '../../src/pipeline/parallel-prepare.js';
import { KhopPool } from '../../src/pool/pool.js';
import { defineSchema, vietnamesePersonSchema } from '../../src/schema.js';
import { generatePopulation } from '../../src/synth/population.js';
import { InputFile } from '../../src/cli/input.js';
import { Rng } from '../../src/util/rng.js';
import { plain } from './prepared-plain.js';

const SCHEMA = defineSchema({ ...vietnamesePersonSchema().toJSON(), old: { kind: 'identifier' } });

let dir: string;
let pool: KhopPool;
let files = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-ndjson-prepare-'));
  pool = KhopPool.create({ threads: 1, inCallingThread: false });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

/** The pool, counting the piece tasks run on it. */
function counting(p: PreparePool): PreparePool & { pieces: () => number } {
  let n = 0;
  return {
    pieces: () => n,
    threads: p.threads,
    run<T>(name: string, payload: unknown): Promise<T> {
      if (name === PREPARE_CSV_TASK) n++;
      return p.run<T>(name, payload);
    },
  };
}

function pieced(p: PreparePool, pieceBytes: number, maxPieceBytes?: number): PrepareRowsOptions {
  return { runner: pooledPrepare(p), csvPieces: { minBytes: 0, pieceBytes, ...(maxPieceBytes !== undefined ? { maxPieceBytes } : {}) } };
}

/**
 * A seeded NDJSON file of `size` people with every kind of line: blank ones (spaces, tabs, a CR),
 * CRLF ends, invalid JSON, non-objects, invalid UTF-8, rows lacking keys, values of other types
 * (numbers, null, objects, arrays, booleans), numeric and rounded record ids, an id with a lone
 * surrogate (a JSON escape), repeated ids, and — with `longLine` — a line past 1 MiB, which no cut
 * can end: the rest of the file is read streamed. `nameless` rows first have no name (the name
 * locale is decided after them).
 */
function ndjsonText(size: number, seed: number, o: { longLine?: boolean; nameless?: number; dropSex?: boolean } = {}): Buffer {
  const rng = new Rng(seed);
  const people = [...generatePopulation({ size, seed, duplicateRate: 0.2 })];
  const parts: Buffer[] = [];
  const line = (s: string, crlf = false) => parts.push(Buffer.from(s + (crlf ? '\r\n' : '\n')));
  people.forEach((p, i) => {
    const r = rng.next();
    if (r < 0.02) line(rng.next() < 0.5 ? '' : ' \t \r');
    else if (r < 0.03) line('{"recordId": "x", "fullName": ');
    else if (r < 0.035) line(rng.next() < 0.5 ? '[1, 2]' : '"text"');
    else if (r < 0.04) parts.push(Buffer.from('{"recordId":"bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('","fullName":"x"}\n'));
    if (o.longLine === true && i === Math.floor(size / 2)) line(`{"recordId":"long","fullName":"${'y'.repeat((1 << 20) + 5)}"}`);
    const row: Record<string, unknown> = {};
    const v = rng.next();
    row.recordId = v < 0.05 ? i + 1 : v < 0.055 ? 2 ** 60 + i : v < 0.058 ? `id\\ud800${i}` : v < 0.065 ? people[Math.floor(rng.next() * size)]!.recordId : p.recordId;
    if (rng.next() > 0.03) row.id = rng.next() < 0.05 ? Number(p.id) : p.id;
    if (i >= (o.nameless ?? 0)) row.fullName = rng.next() < 0.01 ? { given: p.fullName } : p.fullName;
    if (rng.next() > 0.05) row.dob = rng.next() < 0.02 ? 19900101 : rng.next() < 0.01 ? null : p.dob;
    if (o.dropSex !== true) row.sex = rng.next() < 0.01 ? true : p.sex;
    if (rng.next() > 0.3) row.province = p.province;
    row.address = rng.next() < 0.01 ? [p.address] : p.address;
    if (rng.next() < 0.1) row.old = people[Math.floor(rng.next() * size)]!.id;
    if (rng.next() < 0.05) row.extra = { nested: true };
    // JSON.stringify would escape the backslash of the surrogate's escape: the line is written by hand.
    line(JSON.stringify(row).replace('\\\\ud800', '\\ud800'), i % 3 === 0);
  });
  return Buffer.concat(parts);
}

async function write(bytes: Buffer): Promise<string> {
  const path = join(dir, `f${files++}.ndjson`);
  await writeFile(path, bytes);
  return path;
}

describe('prepareRows reads an NDJSON file in pieces parsed where they are prepared', () => {
  it("the row-by-row read's dataset, rejections, absent fields and source summary, for piece sizes from a few lines to 64 KiB", async () => {
    for (const [seed, longLine] of [[201, false], [202, true]] as const) {
      const path = await write(ndjsonText(2500, seed, { longLine }));
      const serialSource = await openRecords(path);
      const serial = await prepareRows([serialSource], SCHEMA, { idField: 'recordId' });
      // The file holds what the oracle must agree on.
      const codes = new Set(serial.rejected.map((r) => r.code));
      for (const c of ['INVALID_JSON', 'NOT_AN_OBJECT', 'INVALID_ENCODING', 'WRONG_TYPE', 'DUPLICATE_ID']) expect(codes, String(seed)).toContain(c);
      if (longLine) expect(codes).toContain('LINE_TOO_LONG');
      for (const pieceBytes of [997, 64 << 10]) {
        const p = counting(pool);
        const source = await openRecords(path);
        const got = await prepareRows([source], SCHEMA, { idField: 'recordId', ...pieced(p, pieceBytes, pieceBytes * 4) });
        expect(() => source.batches()).toThrow(/only once/); // the file was taken
        expect(plain(got)).toEqual(plain(serial));
        expect(got.absentFields).toEqual(serial.absentFields);
        expect(source.summary).toEqual(serialSource.summary);
        expect(p.pieces()).toBeGreaterThan(0);
      }
    }
  });

  it('a field no row holds is absent as on the row-by-row read; a name locale left to the data is decided from the same rows', async () => {
    const path = await write(ndjsonText(3000, 203, { dropSex: true, nameless: 700 }));
    const schema = defineSchema({ ...vietnamesePersonSchema().toJSON(), name: { kind: 'personName', column: 'fullName', locale: 'auto' } });
    const serial = await prepareRows([await openRecords(path)], schema, { idField: 'recordId' });
    expect(serial.absentFields[0]!.map((f) => f.name)).toEqual(['sex']);
    expect(serial.nameGroups[0]!.locale).toBe('vi');
    const p = counting(pool);
    const got = await prepareRows([await openRecords(path)], schema, { idField: 'recordId', ...pieced(p, 2000) });
    expect(plain(got)).toEqual(plain(serial));
    expect(got.absentFields).toEqual(serial.absentFields);
    expect(got.nameGroups[0]!.locale).toBe('vi');
    expect(p.pieces()).toBeGreaterThan(0);
  });

  it('a link of an NDJSON file and a CSV file, each in pieces: as read row by row', async () => {
    const a = await write(ndjsonText(1800, 204));
    const people = [...generatePopulation({ size: 1300, seed: 205 })];
    const csv = join(dir, `f${files++}.csv`);
    await writeFile(csv, 'recordId,id,fullName,dob,sex,province,address\n' + people.map((r) => [r.recordId, r.id, r.fullName, r.dob, r.sex, r.province, `"${r.address}"`].join(',')).join('\n') + '\n');
    const serial = await prepareRows([await openRecords(a), await openRecords(csv)], SCHEMA, { idField: 'recordId' });
    const p = counting(pool);
    const got = await prepareRows([await openRecords(a), await openRecords(csv)], SCHEMA, { idField: 'recordId', ...pieced(p, 4001) });
    expect(plain(got)).toEqual(plain(serial));
    expect(got.absentFields).toEqual(serial.absentFields);
    expect(p.pieces()).toBeGreaterThan(10);
  });

  it('the command line’s input (an observer): rows’ numbers, lines and ids (numbers as their digits), and the reader’s rejections, as iterating records them', async () => {
    for (const [seed, longLine] of [[206, false], [207, true]] as const) {
      const path = await write(ndjsonText(2500, seed, { longLine }));
      const iterated = await InputFile.open(path);
      const rows = iterated.rows('recordId');
      const serial = await prepareRows([(async function* () { yield* rows; })()], SCHEMA, { idField: 'recordId' });
      const taken = await InputFile.open(path);
      const p = counting(pool);
      const got = await prepareRows([taken.rows('recordId')], SCHEMA, { idField: 'recordId', ...pieced(p, 1500, 6000) });
      expect(plain(got)).toEqual(plain(serial));
      const n = iterated.rowNumbers.length;
      expect(taken.rowNumbers.length).toBe(n);
      for (let i = 0; i < n; i++) {
        if (taken.rowNumbers.get(i) !== iterated.rowNumbers.get(i) || taken.lines.get(i) !== iterated.lines.get(i)) {
          expect([i, taken.rowNumbers.get(i), taken.lines.get(i)]).toEqual([i, iterated.rowNumbers.get(i), iterated.lines.get(i)]);
        }
      }
      expect(taken.ids).toEqual(iterated.ids);
      expect(iterated.ids!.some((id) => /^\d+$/.test(id))).toBe(true); // numeric ids, kept as their digits
      expect(taken.rejected).toEqual(iterated.rejected);
      expect(iterated.rejected.length).toBeGreaterThan(0);
      expect(taken.rowsRead).toBe(iterated.rowsRead);
      expect(taken.rejectedEntries(got.rejected, undefined, 'recordId')).toEqual(iterated.rejectedEntries(serial.rejected, undefined, 'recordId'));
      expect(p.pieces()).toBeGreaterThan(0);
    }
  });
});
