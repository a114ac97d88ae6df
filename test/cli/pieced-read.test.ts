/**
 * `khop dedupe` / `khop link` with --threads 2 read a CSV file of DEFAULT_PREPARE_CSV_MIN_BYTES
 * or more in pieces parsed on the pool (src/pipeline/prepare.ts, readPieces): every output —
 * clusters with row numbers and record ids, links, the rejected-rows file with the reader's raw
 * text and lines, the run summary's counts — must be the one-thread run's, which reads the file
 * row by row.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PREPARE_CSV_MIN_BYTES } from '../../src/pipeline/prepare.js';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, tempDir, writePeopleCsv } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());
const text = (name: string) => readFileSync(join(t.dir, name), 'utf8');
/** The run summary without its timings (and with the rejected file's name the same). */
const counts = (stderr: string) =>
  stderr
    .replace(/r[12]\.csv/g, 'r.csv')
    .replace(/[cr][12]\.ndjson/g, 'x.ndjson')
    .split('\n')
    .filter((l) => !/\d+(\.\d+)? (ms|s)\b|\/s\b/.test(l));

describe('a CSV file read in pieces by the command line', () => {
  it('dedupe and link with --threads 2: the outputs of --threads 1, byte for byte', async () => {
    const people = writePeopleCsv(t.dir, 'people.csv', 16_000, 31);
    expect(statSync(people.path).size).toBeGreaterThan(DEFAULT_PREPARE_CSV_MIN_BYTES);
    const runs = [];
    for (const threads of ['1', '2']) {
      const r = await cli(['dedupe', 'people.csv', '--id-field', 'stt', '--threads', threads, '-o', `c${threads}.csv`, '--rejected', `r${threads}.csv`], t.dir);
      expect(r.code, r.stderr).toBe(1); // rows were rejected
      runs.push(r);
    }
    expect(text('c2.csv')).toBe(text('c1.csv'));
    expect(text('r2.csv')).toBe(text('r1.csv'));
    expect(text('r1.csv').split('\n').length).toBeGreaterThan(3);
    expect(counts(runs[1]!.stderr)).toEqual(counts(runs[0]!.stderr));

    writePeopleCsv(t.dir, 'other.csv', 15_000, 31);
    for (const threads of ['1', '2']) {
      const r = await cli(['link', 'people.csv', 'other.csv', '--threads', threads, '-o', `l${threads}.csv`, '--rejected', `lr${threads}.csv`], t.dir);
      expect(r.code, r.stderr).toBe(1);
    }
    expect(text('l2.csv')).toBe(text('l1.csv'));
    expect(text('l1.csv').split('\n').length).toBeGreaterThan(100);
    expect(text('lr2.csv')).toBe(text('lr1.csv'));

    // The right file under other column names (--map-right, --id-field-right): read in pieces under the left's names.
    const other = text('other.csv');
    const header = '\uFEFFstt,so_cccd,ho_ten,ngay_sinh,gioi_tinh,tinh,ghi_chu';
    expect(other.startsWith(header)).toBe(true);
    writeFileSync(join(t.dir, 'renamed.csv'), '\uFEFFma,so_dinh_danh,hoten,ngaysinh,gioitinh,tinh,ghichu' + other.slice(header.length));
    const map = ['--map-right', 'id=so_dinh_danh,name=hoten,dob=ngaysinh,sex=gioitinh', '--id-field', 'stt', '--id-field-right', 'ma'];
    for (const threads of ['1', '2']) {
      const r = await cli(['link', 'people.csv', 'renamed.csv', ...map, '--threads', threads, '-o', `m${threads}.csv`, '--rejected', `mr${threads}.csv`], t.dir);
      expect(r.code, r.stderr).toBe(1);
    }
    expect(text('m2.csv')).toBe(text('m1.csv'));
    expect(text('mr2.csv')).toBe(text('mr1.csv'));
    expect(text('m1.csv').split('\n').length).toBeGreaterThan(100);
  });

  it('dedupe and link of NDJSON files with --threads 2: the outputs of --threads 1, byte for byte (numeric ids, values of other types, unreadable lines)', async () => {
    const write = (name: string, size: number, seed: number): void => {
      const lines: string[] = [];
      [...generatePopulation({ size, seed, duplicateRate: 0.15 })].forEach((p, i) => {
        if (i % 401 === 5) lines.push('{"stt": 1, "ho_ten": ');
        if (i % 503 === 7) lines.push('[1, 2]');
        if (i % 97 === 3) lines.push(' \r');
        const dob = i % 211 === 9 ? { nam: p.dob } : p.dob; // another type: rejected WRONG_TYPE
        lines.push(JSON.stringify({ stt: i % 2 === 0 ? 1000 + i : String(1000 + i), so_cccd: p.id, ho_ten: p.fullName, ngay_sinh: dob, gioi_tinh: p.sex, tinh: p.province }));
      });
      writeFileSync(join(t.dir, name), lines.join('\n') + '\n');
    };
    write('people.ndjson', 14_000, 32);
    expect(statSync(join(t.dir, 'people.ndjson')).size).toBeGreaterThan(DEFAULT_PREPARE_CSV_MIN_BYTES);
    const runs = [];
    for (const threads of ['1', '2']) {
      const r = await cli(['dedupe', 'people.ndjson', '--id-field', 'stt', '--threads', threads, '-o', `c${threads}.ndjson`, '--rejected', `r${threads}.csv`], t.dir);
      expect(r.code, r.stderr).toBe(1); // rows were rejected
      runs.push(r);
    }
    expect(text('c2.ndjson')).toBe(text('c1.ndjson'));
    expect(text('r2.csv')).toBe(text('r1.csv'));
    expect(text('r1.csv')).toContain('WRONG_TYPE');
    expect(text('r1.csv')).toContain('INVALID_JSON');
    expect(counts(runs[1]!.stderr)).toEqual(counts(runs[0]!.stderr));

    write('other.ndjson', 12_000, 32);
    for (const threads of ['1', '2']) {
      const r = await cli(['link', 'people.ndjson', 'other.ndjson', '--id-field', 'stt', '--threads', threads, '-o', `l${threads}.csv`, '--rejected', `lr${threads}.csv`], t.dir);
      expect(r.code, r.stderr).toBe(1);
    }
    expect(text('l2.csv')).toBe(text('l1.csv'));
    expect(text('l1.csv').split('\n').length).toBeGreaterThan(100);
    expect(text('lr2.csv')).toBe(text('lr1.csv'));
  });
});
