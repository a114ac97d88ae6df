/**
 * A reader's RecordSource passed where rows are expected (src/io/record-source-rows.ts):
 * dedupe, link, Register.build (one thread and the pooled read) and authenticateMany read its
 * rows — the same results as the parsed rows given as an array — and a row the reader rejected
 * is rejected by the pipeline at its own position (its data-row number − 1) with the reader's
 * code, never dropped and never read as a row of missing fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dedupe, link, openRecords, Register, vietnamesePersonSchema } from '../../src/index.js';
import { generatePopulation } from '../../src/synth/population.js';
import { isRecordSource, recordSourceRows, UnreadableRow } from '../../src/io/record-source-rows.js';
import { KhopPool } from '../../src/pool/pool.js';
import { Rng } from '../../src/util/rng.js';
import { isKhopError } from '../../src/errors.js';

const COLUMNS = ['recordId', 'id', 'fullName', 'dob', 'sex', 'province', 'address'] as const;
const SCHEMA = vietnamesePersonSchema();

const quote = (v: unknown): string => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);

/**
 * CSV text of a seeded population with duplicates, and at seeded places rows the CSV reader
 * rejects (too few fields, text after a closing quote). Returns the text, the data rows as the
 * reader gives them (values, or null for a rejected one) and the rejected data-row numbers.
 */
function csvOf(size: number, seed: number): { text: string; rows: Array<Record<string, string> | null>; bad: number[] } {
  const rng = new Rng(seed);
  const lines = [COLUMNS.join(',')];
  const rows: Array<Record<string, string> | null> = [];
  const bad: number[] = [];
  for (const p of generatePopulation({ size, seed, duplicateRate: 0.3 })) {
    const r = p as unknown as Record<string, unknown>;
    if (rng.chance(0.03)) {
      lines.push(rng.chance(0.5) ? `${quote(r['recordId'])},${quote(r['id'])}` : `${quote(r['recordId'])},"12"x,,,,`);
      rows.push(null);
      bad.push(rows.length);
    }
    lines.push(COLUMNS.map((c) => quote(r[c])).join(','));
    rows.push(Object.fromEntries(COLUMNS.map((c) => [c, r[c] === null || r[c] === undefined ? '' : String(r[c])])));
  }
  return { text: lines.join('\n') + '\n', rows, bad };
}

const source = (text: string) => openRecords(new TextEncoder().encode(text));

let pool: KhopPool;
beforeAll(() => {
  pool = KhopPool.create({ threads: 1, inCallingThread: false });
});
afterAll(async () => {
  await pool.close();
});

describe('isRecordSource / recordSourceRows', () => {
  it('tells a reader from arrays, generators and plain objects', async () => {
    expect(isRecordSource(await source('a\n1\n'))).toBe(true);
    expect(isRecordSource([])).toBe(false);
    expect(isRecordSource((function* () {})())).toBe(false);
    expect(isRecordSource({ format: 'csv', columns: [] })).toBe(false);
    expect(isRecordSource(null)).toBe(false);
  });

  it('yields the values of rows and an UnreadableRow in place of each rejected row', async () => {
    const { text, rows, bad } = csvOf(300, 1);
    expect(bad.length).toBeGreaterThan(2);
    const got: unknown[] = [];
    for await (const r of recordSourceRows(await source(text))) got.push(r);
    expect(got.length).toBe(rows.length);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i] === null) {
        expect(got[i]).toBeInstanceOf(UnreadableRow);
        const u = got[i] as UnreadableRow;
        expect(['TOO_FEW_COLUMNS', 'TEXT_AFTER_QUOTE']).toContain(u.code);
        expect(u.reason).toContain(`row ${i + 1} (line `);
      } else {
        expect({ ...(got[i] as object) }).toEqual(rows[i]);
      }
    }
  });
});

describe('dedupe and link read a RecordSource as its rows', () => {
  it('dedupe: the same clusters as the parsed rows, the unreadable rows rejected at their positions', async () => {
    const { text, rows, bad } = csvOf(1500, 2);
    const options = { schema: SCHEMA, idField: 'recordId', threads: 1 };
    const fromSource = await dedupe(await source(text), options);
    const fromArray = await dedupe(rows.map((r) => r ?? 42), options);
    expect(fromSource.clusters).toEqual(fromArray.clusters);
    expect(fromSource.rejected.map((r) => r.index)).toEqual(bad.map((n) => n - 1));
    for (const r of fromSource.rejected) {
      expect(['TOO_FEW_COLUMNS', 'TEXT_AFTER_QUOTE']).toContain(r.code);
      expect(r.reason).toContain(`row ${r.index + 1} `);
    }
    // No value of the file in a reason.
    const reasons = fromSource.rejected.map((r) => r.reason).join(' ');
    for (const r of rows.slice(0, 50)) if (r !== null) expect(reasons).not.toContain(r['id']);
    expect(fromSource.stats.inputRows).toBe(rows.length);
    expect(fromSource.stats.rejectedRows).toBe(bad.length);
  });

  it('link: both sides from RecordSources', async () => {
    const a = csvOf(600, 3);
    const b = csvOf(600, 3); // the same people: every accepted row links to its twin
    const options = { schema: SCHEMA, idField: 'recordId', threads: 1 };
    const fromSource = await link(await source(a.text), await source(b.text), options);
    const fromArray = await link(a.rows.map((r) => r ?? 42), b.rows.map((r) => r ?? 42), options);
    expect(Array.from(fromSource.links.left)).toEqual(Array.from(fromArray.links.left));
    expect(Array.from(fromSource.links.right)).toEqual(Array.from(fromArray.links.right));
    expect(fromSource.rejectedLeft.map((r) => r.index)).toEqual(a.bad.map((n) => n - 1));
    // `rejected`: both sides, each row with its side (an index alone names a row of either).
    expect(fromSource.rejected.map((r) => [r.side, r.index])).toEqual([
      ...a.bad.map((n) => ['left', n - 1]),
      ...b.bad.map((n) => ['right', n - 1]),
    ]);
    expect(fromSource.links.count).toBeGreaterThan(500);
  });
});

describe('Register.build and authenticateMany read a RecordSource as its rows', () => {
  const { text, rows, bad } = csvOf(2500, 4);

  for (const threads of [1, 2]) {
    it(`build, threads ${threads}: the register of the parsed rows; unreadable rows rejected with the reader's code`, async () => {
      const tuning = threads > 1 ? { minRows: 0, chunkRows: 256, pool } : undefined;
      const reg = await Register.build(SCHEMA, await source(text), { idField: 'recordId', threads }, tuning);
      const ref = await Register.build(SCHEMA, rows.map((r) => r ?? 42), { idField: 'recordId', threads: 1 });
      expect(reg.size).toBe(ref.size);
      // The same rejections at the same positions; where the array held a non-object (42), the
      // source's row is rejected with the reader's code.
      expect(reg.rejected.map((r) => r.index)).toEqual(ref.rejected.map((r) => r.index));
      const readerRejected = reg.rejected.filter((r) => r.code === 'TOO_FEW_COLUMNS' || r.code === 'TEXT_AFTER_QUOTE');
      expect(readerRejected.map((r) => r.index)).toEqual(bad.map((n) => n - 1));
      // Every rejection says where its row is: one row a line, the header on line 1. A row the
      // reader could not read keeps its text (for the user's rejected-rows file).
      const fileLines = text.split('\n');
      expect(reg.rejected.length).toBeGreaterThan(bad.length);
      for (let i = 0; i < reg.rejected.length; i++) {
        const { line, raw, rawTruncated, ...r } = reg.rejected[i]!;
        expect(line).toBe(r.index + 2);
        if (rows[r.index] === null) {
          expect(ref.rejected[i]!.code).toBe('NOT_AN_OBJECT');
          expect(raw).toBe(fileLines[r.index + 1]);
          expect(rawTruncated).toBeUndefined();
        } else {
          expect(r).toEqual(ref.rejected[i]);
          expect(raw).toBeUndefined();
        }
      }
      for (let i = 0; i < rows.length; i += 97) {
        const row = rows[i];
        if (row === null) continue;
        expect(reg.authenticate(row).status).toBe(ref.authenticate(row).status);
        expect(reg.authenticate(row).recordId).toBe(ref.authenticate(row).recordId);
      }
    });
  }

  it('authenticateMany over a RecordSource gives the verdicts of its rows; an unreadable claim fails naming its row', async () => {
    const reg = await Register.build(SCHEMA, rows.filter((r) => r !== null), { idField: 'recordId', threads: 1 });
    // Rows of the register as claims, every third with a wrong date of birth, and unknown IDs.
    const claims = rows
      .filter((r): r is Record<string, string> => r !== null)
      .slice(0, 300)
      .map((r, i) => ({ id: i % 7 === 0 ? `0010${String(90000000 + i)}` : r['id'], fullName: r['fullName'], dob: i % 3 === 0 ? '1900-01-01' : r['dob'], sex: r['sex'] }));
    const cols = ['id', 'fullName', 'dob', 'sex'] as const;
    const claimText = [cols.join(','), ...claims.map((c) => cols.map((k) => quote(c[k])).join(','))].join('\n') + '\n';
    const got: string[] = [];
    for await (const v of reg.authenticateMany(await source(claimText))) got.push(`${v.status} ${v.recordId ?? ''}`);
    const want: string[] = [];
    for (const c of claims) {
      const v = reg.authenticate(Object.fromEntries(cols.map((k) => [k, c[k] === null || c[k] === undefined ? '' : String(c[k])])));
      want.push(`${v.status} ${v.recordId ?? ''}`);
    }
    expect(got).toEqual(want);

    const broken = claimText.split('\n');
    broken.splice(5, 0, '"001090012345",only two');
    let error: unknown;
    try {
      for await (const _ of reg.authenticateMany(await source(broken.join('\n')))) void _;
    } catch (e) {
      error = e;
    }
    expect(isKhopError(error) && error.code === 'INVALID_INPUT').toBe(true);
    expect(String((error as Error).message)).toContain('claim row 5 (line 6) could not be read');
    expect(String((error as Error).message)).not.toContain('001090012345');
  });
});
