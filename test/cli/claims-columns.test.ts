// `khop authenticate`: how a claims file's columns are found — an empty or headerless claims file,
// and a register field read from the claims' column named like the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, csvObjects, leakedValues, tempDir } from './cli-helpers.js';

const t = tempDir();
const POP = { size: 60, seed: 21, duplicateRate: 0 };
const rows = [...generatePopulation(POP)];
const values = rows.flatMap((r) => [r.fullName.trim(), r.id, r.dob]).filter((v) => v.length >= 6);
const q = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = (header: string, lines: string[][]) => [header, ...lines.map((l) => l.map(q).join(','))].join('\n') + '\n';

beforeAll(async () => {
  // A register whose `id` column numbers the rows (read as the record id) and `cccd` holds the ID.
  writeFileSync(join(t.dir, 'dan_cu.csv'), csv('id,cccd,ho_ten,ngay_sinh,gioi_tinh', rows.map((r, i) => [String(i + 1), r.id, r.fullName, r.dob, r.sex])));
  const b = await cli(['register', 'build', 'dan_cu.csv', '-o', 'dan_cu.khop'], t.dir);
  expect(b.code).toBe(0);
});
afterAll(() => t.remove());

describe('khop authenticate: claims columns', () => {
  it('an empty claims file (a file or standard input) is "no columns (an empty file?)", not "give --map id=COLUMN"', async () => {
    writeFileSync(join(t.dir, 'empty.csv'), '');
    for (const [input, stdin] of [['empty.csv', undefined], ['-', '']] as const) {
      const r = await cli(['authenticate', '--register', 'dan_cu.khop', input, '-o', 'v.csv'], t.dir, stdin);
      const label = input === '-' ? 'stdin' : input;
      expect([r.code, r.stderr.trim()]).toEqual([2, `khop: error: ${label} has no columns (an empty file?)`]);
    }
  });

  it('an empty NDJSON claims file (zero bytes or blank lines) is refused as an empty CSV is; a CSV header alone is "no claims", exit 0 (F52)', async () => {
    // Before: an empty NDJSON file went through as 0 claims, exit 0, with notes of missing keys.
    const ndjsonWhy = 'none of its first lines is a JSON object: an empty file, or not NDJSON (the format comes from the file name, else the content)';
    for (const [name, text] of [['empty.ndjson', ''], ['blank.ndjson', '\n\n  \r\n']] as const) {
      writeFileSync(join(t.dir, name), text);
      const r = await cli(['authenticate', '--register', 'dan_cu.khop', name, '-o', 'v.csv'], t.dir);
      expect([r.code, r.stderr.trim()]).toEqual([2, `khop: error: ${name} has no columns (${ndjsonWhy})`]);
    }
    // The header line alone: the producer ran and found no claim — exit 0, a verdict file of its
    // header, and a summary line that says so in words.
    writeFileSync(join(t.dir, 'header-only.csv'), 'cccd,ho_ten,ngay_sinh,gioi_tinh\n');
    const h = await cli(['authenticate', '--register', 'dan_cu.khop', 'header-only.csv', '-o', 'h.csv'], t.dir);
    expect(h.code).toBe(0);
    expect(h.stderr).toContain('claims: none: header-only.csv has its columns and no row (nothing to authenticate)');
    expect(readFileSync(join(t.dir, 'h.csv'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('a claims file without its header line says the header looks like a record — positions, never a value', async () => {
    writeFileSync(join(t.dir, 'no-header.csv'), csv(rows[0]!.id + ',' + q(rows[0]!.fullName) + ',' + rows[0]!.dob, rows.slice(1, 10).map((r) => [r.id, r.fullName, r.dob])));
    const r = await cli(['authenticate', '--register', 'dan_cu.khop', 'no-header.csv', '-o', 'v.csv'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no column for the register\'s ID field "id" (column "cccd"); give --map id=COLUMN');
    expect(r.stderr).toContain("the header's columns 1, 3 look like a data value");
    expect(r.stderr).toContain('is the header line missing?');
    expect(leakedValues(r.stderr, values)).toEqual([]);
  });

  it('a field read from the claims column named like the field is said; for the ID, a column that looks like one is named', async () => {
    // The claims number their rows in `id` and hold the CCCD in `so_cccd`: `id` is the ID field's
    // name, so the ID is read from it — every claim INVALID_ID. Before: not a word on stderr.
    const claims = rows.slice(0, 20);
    writeFileSync(join(t.dir, 'claims.csv'), csv('id,so_cccd,ho_ten,ngay_sinh,gioi_tinh', claims.map((r, i) => [String(i + 1), r.id, r.fullName, r.dob, r.sex])));
    const r = await cli(['authenticate', '--register', 'dan_cu.khop', 'claims.csv', '-o', 'v.csv'], t.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `note: claims.csv has not the register's column for field "id" ("cccd"): read from its column named like the field; "so_cccd" looks like an ID column: give --map id=so_cccd if the claims' ID is there`,
    );
    expect(leakedValues(r.stderr, values)).toEqual([]);
    // The verdicts are unchanged (a note, not a guess); with the --map it names, they verify.
    expect(new Set(csvObjects(readFileSync(join(t.dir, 'v.csv'), 'utf8')).map((v) => v.status))).toEqual(new Set(['INVALID_ID']));
    const m = await cli(['authenticate', '--register', 'dan_cu.khop', 'claims.csv', '-o', 'm.csv', '--map', 'id=so_cccd'], t.dir);
    expect(m.code).toBe(0);
    expect(m.stderr).not.toContain('named like the field');
    expect(csvObjects(readFileSync(join(t.dir, 'm.csv'), 'utf8')).map((v) => [v.status, v.record_id])).toEqual(claims.map((_, i) => ['VERIFIED', String(i + 1)]));

    // Claims whose columns are the fields' names: read, and said in one note.
    writeFileSync(join(t.dir, 'fields.csv'), csv('id,name,dob,sex', claims.map((r) => [r.id, r.fullName, r.dob, r.sex])));
    const f = await cli(['authenticate', '--register', 'dan_cu.khop', 'fields.csv', '-o', 'f.csv'], t.dir);
    expect(f.code).toBe(0);
    expect(f.stderr).toContain(
      `note: fields.csv has not the register's columns for fields "id" ("cccd"), "name" ("ho_ten"), "dob" ("ngay_sinh"), "sex" ("gioi_tinh"): read from its columns named like the fields; give --map FIELD=COLUMN to read others`,
    );
    expect(csvObjects(readFileSync(join(t.dir, 'f.csv'), 'utf8')).every((v) => v.status === 'VERIFIED')).toBe(true);
  });

  it('a --map that sends one claims column to two fields is refused, as the register\'s schema refuses it', async () => {
    const claims = rows.slice(0, 10);
    writeFileSync(join(t.dir, 'named.csv'), csv('cccd,ho_ten,ngay_sinh,gioi_tinh,ten_khac', claims.map((r) => [r.id, r.fullName, r.dob, r.sex, r.fullName])));
    const run = (map: string) => cli(['authenticate', '--register', 'dan_cu.khop', 'named.csv', '-o', 'v.csv', '--map', map], t.dir);
    // Two fields mapped to one column (before: every claim's date read from its name, MISMATCH).
    const both = await run('name=ho_ten,dob=ho_ten');
    expect([both.code, both.stderr.trim()]).toEqual([2, 'khop: error: --map: column "ho_ten" would be read by the fields "name" and "dob"; a column is one field\'s, as in the register\'s schema: map each field to its own column']);
    // A field mapped to the column another field reads unmapped (before: the name read from the ID).
    const implicit = await run('name=cccd');
    expect([implicit.code, implicit.stderr.trim()]).toEqual([2, 'khop: error: --map: column "cccd" would be read by the fields "id" (its register column "cccd", not in --map) and "name"; a column is one field\'s, as in the register\'s schema: map each field to its own column']);
    for (const r of [both, implicit]) expect(leakedValues(r.stderr, values)).toEqual([]);
    // A field moved to another column, and two fields swapped, are not a shared column.
    const moved = await run('name=ten_khac');
    expect(moved.code).toBe(0);
    expect(csvObjects(readFileSync(join(t.dir, 'v.csv'), 'utf8')).every((v) => v.status === 'VERIFIED')).toBe(true);
    writeFileSync(join(t.dir, 'swapped.csv'), csv('cccd,ho_ten,ngay_sinh,gioi_tinh', claims.map((r) => [r.id, r.dob, r.fullName, r.sex])));
    const swapped = await cli(['authenticate', '--register', 'dan_cu.khop', 'swapped.csv', '-o', 's.csv', '--map', 'name=ngay_sinh,dob=ho_ten'], t.dir);
    expect(swapped.code).toBe(0);
    expect(csvObjects(readFileSync(join(t.dir, 's.csv'), 'utf8')).every((v) => v.status === 'VERIFIED')).toBe(true);
  });
});
