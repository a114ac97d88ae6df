/**
 * `authenticateClaimsFile` (src/register/claims-file.ts: a CSV or NDJSON claims file cut into pieces that are
 * read, authenticated and formatted where they are computed) against an oracle built from the
 * parts the command line's row-by-row path uses: the one-thread reader's items of the same
 * file, `register.authenticate` of each claim, and every cell of its line formatted by
 * VerdictRows + CsvLineFormatter.rowText (CSV) or written by the command line's table writer
 * (NDJSON). Same lines byte for byte, same rejected rows, same
 * source summary — on seeded files of every shape the piece readers know (BOM, CRLF / mixed /
 * lone-CR line ends, blank lines, quoted line breaks, broken rows, an unterminated quote, no
 * header line, the header repeated; NDJSON with blank, CRLF and unreadable lines, lines the fast
 * read declines, a line too long to cut), small pieces, "did you mean" candidates, and a worker's
 * failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRecords, Register, vietnamesePersonSchema } from '../../src/index.js';
import { generatePopulation } from '../../src/synth/population.js';
import { KhopPool } from '../../src/pool/pool.js';
import type { CsvReadOptions } from '../../src/io/csv-reader.js';
import { takePieceFileOf } from '../../src/io/file-pieces.js';
import { CsvLineFormatter, type TableLineFormat } from '../../src/io/csv-writer.js';
import { openTableWriter } from '../../src/cli/outputs.js';
import type { Verdict } from '../../src/register/verdict.js';
import type { RecordItem, RejectedItem } from '../../src/io/record-types.js';
import { isKhopError } from '../../src/errors.js';
import { authenticateClaimsFile, type ClaimsFilePiece, type ClaimsWork } from '../../src/register/claims-file.js';
import type { PoolLike } from '../../src/register/parallel-authenticate.js';
import { VerdictRows } from '../../src/register/verdict-rows.js';
import { COLUMNS, csvText, VARIANTS } from '../io/csv-variants.js';

const SCHEMA = vietnamesePersonSchema();
const FIELDS = SCHEMA.fields.map((f) => f.name);
/** The claims column of each register field: the variants' file columns. */
const READ = FIELDS.map((f) => ({ id: 'id', name: 'fullName', dob: 'dob', sex: 'sex', province: 'province', address: 'address' })[f] ?? null);
const VERDICT_COLUMNS = ['row_number', 'status', 'record_id', 'matched_by', 'weight', 'reason', ...FIELDS.flatMap((f) => [f, `${f}_reason`])];
let dir: string;
let pool: KhopPool;
let register: Register;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'khop-claims-csv-'));
  pool = KhopPool.create({ threads: 1, inCallingThread: false });
  // The variants' people (seed 40 + i) are claims: a register of every third person of seed 40's
  // population but one finds some of them, with others' IDs and names close to its own.
  const people = [...generatePopulation({ size: 2500, seed: 40, duplicateRate: 0.2 })].filter((_, i) => i % 3 !== 1);
  register = await Register.build(SCHEMA, people, { idField: 'recordId' });
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

function work(candidates: number, spec: { delimiter?: string; escapeFormulas?: boolean; ndjson?: boolean } = {}): ClaimsWork {
  const columns = candidates > 0 ? [...VERDICT_COLUMNS, 'candidates'] : VERDICT_COLUMNS;
  const ndjson = spec.ndjson === true;
  const table: TableLineFormat = ndjson ? { kind: 'ndjson', columns } : { kind: 'csv', columns, delimiter: spec.delimiter ?? ',', escapeFormulas: spec.escapeFormulas ?? true };
  return {
    read: READ,
    candidates,
    batchSize: 64,
    lines: { fields: FIELDS, textIds: true, withCandidates: candidates > 0, candidatesAsText: !ndjson, table },
  };
}

/**
 * The row-by-row oracle: the one-thread reader's items, each claim authenticated alone and its
 * row written cell by cell — CSV by CsvLineFormatter.rowText, NDJSON by the command line's own
 * table writer (what its row-by-row path writes).
 */
async function oracle(path: string, readOptions: CsvReadOptions, w: ClaimsWork) {
  const source = await openRecords(path, readOptions);
  const table = w.lines.table;
  let text = '';
  let line: (n: number, v: Verdict) => void;
  let done = async (): Promise<void> => undefined;
  if (table.kind === 'csv') {
    const format = new CsvLineFormatter(table.columns, table.delimiter, table.escapeFormulas);
    const rows = new VerdictRows(w.lines, (cells) => format.run(cells));
    line = (n, v) => (text += format.rowText(rows.cells(n, v), n));
  } else {
    const writer = openTableWriter({ write: (t: string) => void (text += t) }, table.columns, { format: 'ndjson', delimiter: ',' });
    const rows = new VerdictRows(w.lines, (cells) => writer.run(cells));
    line = (n, v) => void writer.writeRow(rows.cells(n, v));
    done = () => writer.close();
  }
  const rejected: RejectedItem[] = [];
  const statuses: Record<string, number> = {};
  for await (const item of source as AsyncIterable<RecordItem>) {
    if (item.kind === 'rejected') {
      rejected.push(item);
      continue;
    }
    const claim: Record<string, unknown> = {};
    FIELDS.forEach((f, k) => (claim[f] = READ[k] === null ? undefined : item.values[READ[k]!]));
    const v = register.authenticate(claim, { candidates: w.candidates });
    statuses[v.status] = (statuses[v.status] ?? 0) + 1;
    line(item.rowNumber, v);
  }
  await done();
  return { text, rejected, statuses, summary: source.summary };
}

async function pieced(path: string, readOptions: CsvReadOptions, w: ClaimsWork, o: { pieceBytes?: number; maxPieceBytes?: number; pool?: PoolLike; threads?: number } = {}) {
  const source = await openRecords(path, readOptions);
  const taken = takePieceFileOf(source, 0);
  expect(taken).not.toBeNull();
  const pieces: ClaimsFilePiece[] = [];
  await authenticateClaimsFile(register, taken!, { work: w, threads: o.threads ?? 2, pool: o.pool ?? (pool as unknown as PoolLike), ...(o.pieceBytes !== undefined ? { pieceBytes: o.pieceBytes } : {}), ...(o.maxPieceBytes !== undefined ? { maxPieceBytes: o.maxPieceBytes } : {}), write: (p) => void pieces.push(p) });
  const statuses: Record<string, number> = {};
  for (const p of pieces) for (const s in p.statuses) statuses[s] = (statuses[s] ?? 0) + p.statuses[s]!;
  return {
    text: pieces.map((p) => p.texts.join('')).join(''),
    longest: Math.max(0, ...pieces.flatMap((p) => p.texts.map((t) => t.length))),
    lines: pieces.reduce((n, p) => n + p.verdicts, 0),
    rejected: pieces.flatMap((p) => p.rejected),
    statuses,
    pieces: pieces.length,
    summary: source.summary,
  };
}

describe('authenticateClaimsFile: a CSV claims file in pieces, the row-by-row verdict lines', () => {
  VARIANTS.forEach((v, vi) => {
    it(`${v.name}: the same lines, rejected rows, statuses and source summary`, async () => {
      const path = join(dir, `claims${vi}.csv`);
      await writeFile(path, csvText(v, 1500, 40 + (vi % 2)));
      const readOptions: CsvReadOptions = { ...(v.delimiter !== undefined ? { delimiter: v.delimiter } : {}), ...(v.noHeader === true ? { header: COLUMNS } : {}) };
      // CSV lines, with "did you mean" candidates in one variant; NDJSON lines in two.
      const w = work(vi === 2 || vi === 5 ? 3 : 0, { ndjson: vi === 1 || vi === 5 });
      const want = await oracle(path, readOptions, w);
      const got = await pieced(path, readOptions, w, { pieceBytes: 4093, ...(v.maxPiece === true ? { maxPieceBytes: 8192 } : {}) });
      expect(got.text).toBe(want.text);
      expect(got.lines).toBe(want.text.split('\n').length - 1);
      expect(got.statuses).toEqual(want.statuses);
      expect(JSON.stringify(got.rejected)).toBe(JSON.stringify(want.rejected));
      expect(got.summary).toEqual(want.summary);
      expect(got.pieces).toBeGreaterThan(v.maxPiece === true ? 0 : 20);
      // No piece's text is one string (the rest of a file without a cut holds 1,500 lines).
      expect(got.longest).toBeLessThan(40_000);
      expect(got.longest).toBeGreaterThan(0);
      // Claims found and not, matched and not: more than one kind of line.
      expect(Object.keys(want.statuses).length).toBeGreaterThanOrEqual(3);
      if (v.broken === true || v.openQuoteAtEnd === true || v.repeatHeader === true) expect(want.rejected.length).toBeGreaterThan(0);
    });
  });

  it('an NDJSON claims file: the same lines, rejected rows, statuses and source summary (fast and full line reads, the rest of a file streamed)', async () => {
    const people = [...generatePopulation({ size: 1500, seed: 41, duplicateRate: 0.2 })] as unknown as Array<Record<string, unknown>>;
    const lines: string[] = ['\uFEFF{"id":"001234567890","fullName":"Lê Văn Tám","dob":"01/01/1990","sex":"Nam"}'];
    people.forEach((r, i) => {
      if (i % 97 === 3) lines.push('{"id": "0123", "fullName": ');
      if (i % 131 === 5) lines.push('"a string"');
      if (i % 89 === 7) lines.push(' \t\r');
      // The rest of the file without a cut for maxPieceBytes past the cutter's 1 MiB scan block.
      if (i === 900) lines.push(`{"fullName":"${'x'.repeat((1 << 20) + 10)}"}`);
      const o: Record<string, unknown> = { id: i % 53 === 0 ? Number(r.id) : r.id, fullName: i % 41 === 0 ? `${String(r.fullName)} "${i}"` : r.fullName, dob: r.dob, sex: i % 37 === 0 ? null : r.sex, province: r.province };
      lines.push(JSON.stringify(o) + (i % 4 === 0 ? '\r' : ''));
    });
    const path = join(dir, 'claims.ndjson');
    await writeFile(path, lines.join('\n'));
    for (const w of [work(0), work(2, { ndjson: true })]) {
      const want = await oracle(path, {}, w);
      const got = await pieced(path, {}, w, { pieceBytes: 4093, maxPieceBytes: 8192 });
      expect(got.text).toBe(want.text);
      expect(got.statuses).toEqual(want.statuses);
      expect(JSON.stringify(got.rejected)).toBe(JSON.stringify(want.rejected));
      expect(got.summary).toEqual(want.summary);
      expect(got.pieces).toBeGreaterThan(20);
      expect(want.rejected.map((r) => r.code)).toContain('LINE_TOO_LONG');
      expect(new Set(want.rejected.map((r) => r.code))).toEqual(new Set(['INVALID_JSON', 'NOT_AN_OBJECT', 'LINE_TOO_LONG']));
      expect(Object.keys(want.statuses).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('no pool given (one of its own, closed at the end), a delimiter other than the comma and no formula escaping: the same lines', async () => {
    const path = join(dir, 'plain.csv');
    await writeFile(path, csvText(VARIANTS[0]!, 800, 41));
    const w = work(2, { delimiter: ';', escapeFormulas: false });
    const want = await oracle(path, {}, w);
    const own = await pieced(path, {}, w, { threads: 1, pool: undefined as unknown as PoolLike });
    expect(own.text).toBe(want.text);
    expect(own.text).toContain(';');
    expect(own.summary).toEqual(want.summary);
  });

  it('rejects pieces sizes out of range and a read list of another length, before reading', async () => {
    const path = join(dir, 'sizes.csv');
    await writeFile(path, csvText(VARIANTS[0]!, 10, 41));
    for (const o of [{ pieceBytes: 0 }, { pieceBytes: 1.5 }, { pieceBytes: 100, maxPieceBytes: 99 }]) {
      const taken = takePieceFileOf(await openRecords(path), 0)!;
      await expect(authenticateClaimsFile(register, taken, { work: work(0), threads: 2, pool: pool as unknown as PoolLike, ...o, write: () => undefined })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    const taken = takePieceFileOf(await openRecords(path), 0)!;
    await expect(authenticateClaimsFile(register, taken, { work: { ...work(0), read: READ.slice(1) }, threads: 2, pool: pool as unknown as PoolLike, write: () => undefined })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("a worker's failure rejects WORKER_FAILED naming the phase, after the pieces before it were written in order", async () => {
    const path = join(dir, 'fault.csv');
    await writeFile(path, csvText(VARIANTS[0]!, 1500, 40));
    process.env['KHOP_POOL_FAULT'] = JSON.stringify({ task: 'register.authenticatePiece', mode: 'throw' });
    const failing = KhopPool.create({ threads: 1, inCallingThread: false });
    delete process.env['KHOP_POOL_FAULT'];
    try {
      const taken = takePieceFileOf(await openRecords(path), 0)!;
      const written: ClaimsFilePiece[] = [];
      const e = await authenticateClaimsFile(register, taken, { work: work(0), threads: 2, pool: failing as unknown as PoolLike, pieceBytes: 2048, write: (p) => void written.push(p) }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(isKhopError(e) && e.code).toBe('WORKER_FAILED');
      expect(String((e as Error).message)).toContain('authenticate');
      // What was written is a prefix of the whole file's lines.
      const want = await oracle(path, {}, work(0));
      const text = written.map((p) => p.texts.join('')).join('');
      expect(want.text.startsWith(text)).toBe(true);
    } finally {
      await failing.close();
    }
  });

  it("a failure while an earlier write's wait is pending: the run rejects with it, and that wait failing later is no unhandled rejection", async () => {
    // A few pieces, all in flight at once: the last ones are taken together at the end, one
    // write after another before any wait is awaited.
    const path = join(dir, 'late-wait.csv');
    await writeFile(path, csvText(VARIANTS[0]!, 60, 40));
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const taken = takePieceFileOf(await openRecords(path), 0)!;
      let writes = 0;
      const e = await authenticateClaimsFile(register, taken, {
        work: work(0),
        threads: 2,
        pool: pool as unknown as PoolLike,
        pieceBytes: 1024,
        // The first write's wait fails late (a disk gone full); the second write fails at once.
        write: () => {
          if (++writes === 1) return new Promise<void>((_, reject) => setTimeout(() => reject(new Error('disk full')), 200));
          throw new Error('second write failed');
        },
      }).then(
        () => null,
        (x: unknown) => x,
      );
      expect((e as Error).message).toBe('second write failed');
      await new Promise((r) => setTimeout(r, 400));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("waits for the writer's back-pressure: a slow writer gets every piece, in order, and every wait is over when it returns", async () => {
    const path = join(dir, 'slow.csv');
    await writeFile(path, csvText(VARIANTS[1]!, 600, 41));
    const w = work(0);
    const want = await oracle(path, {}, w);
    const taken = takePieceFileOf(await openRecords(path), 0)!;
    let text = '';
    let waiting = 0;
    await authenticateClaimsFile(register, taken, {
      work: w,
      threads: 2,
      pool: pool as unknown as PoolLike,
      pieceBytes: 1024,
      write: (p) => {
        text += p.texts.join('');
        waiting++;
        return new Promise<void>((resolve) => setTimeout(() => (waiting--, resolve()), 1));
      },
    });
    expect(text).toBe(want.text);
    expect(waiting).toBe(0); // every wait was over before it returned
  });
});
