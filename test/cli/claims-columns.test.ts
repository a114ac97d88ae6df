// `khop authenticate`: how a claims file's columns are found — an empty or headerless claims file,
// and a register field read from the claims' column named like the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, leakedValues, tempDir } from './cli-helpers.js';

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

  it('a claims file without its header line says the header looks like a record — positions, never a value', async () => {
    writeFileSync(join(t.dir, 'no-header.csv'), csv(rows[0]!.id + ',' + q(rows[0]!.fullName) + ',' + rows[0]!.dob, rows.slice(1, 10).map((r) => [r.id, r.fullName, r.dob])));
    const r = await cli(['authenticate', '--register', 'dan_cu.khop', 'no-header.csv', '-o', 'v.csv'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no column for the register\'s ID field "id" (column "cccd"); give --map id=COLUMN');
    expect(r.stderr).toContain("the header's columns 1, 3 look like a data value");
    expect(r.stderr).toContain('is the header line missing?');
    expect(leakedValues(r.stderr, values)).toEqual([]);
  });
});
