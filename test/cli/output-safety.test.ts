/**
 * The files the command line writes do not clobber each other or an input, and a verdict file's
 * columns are unique: the default rejected-rows file is checked with the outputs before any
 * work; `-` is standard output for -o only; a register field named like a verdict column
 * ("status") is written under another name instead of overwriting the verdict.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { verdictColumns } from '../../src/cli/authenticate.js';
import { cli, csvObjects, tempDir, writePeopleCsv } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());
writePeopleCsv(t.dir, 'people.csv', 200, 5); // holds unreadable rows: a run writes rejected rows
const MAP = ['--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh'];

describe('output files', () => {
  it('the default rejected-rows file may not be an input or another output: exit 2 before any work, the files untouched', async () => {
    copyFileSync(join(t.dir, 'people.csv'), join(t.dir, 'out.csv.rejected.csv'));
    const before = readFileSync(join(t.dir, 'out.csv.rejected.csv'), 'utf8');
    const asInput = await cli(['link', 'people.csv', 'out.csv.rejected.csv', ...MAP, '-o', 'out.csv', '-q'], t.dir);
    expect(asInput.code).toBe(2);
    expect(asInput.stderr).toMatch(/the default rejected-rows file .*out\.csv\.rejected\.csv is the input file/);
    expect(readFileSync(join(t.dir, 'out.csv.rejected.csv'), 'utf8')).toBe(before);
    expect(existsSync(join(t.dir, 'out.csv'))).toBe(false);
    const asPairs = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.csv', '--pairs', 'c.csv.rejected.csv', '-q'], t.dir);
    expect(asPairs.code).toBe(2);
    expect(asPairs.stderr).toMatch(/name the same file/);
    // --rejected elsewhere: allowed, and the run writes there.
    const elsewhere = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.csv', '--pairs', 'c.csv.rejected.csv', '--rejected', 'rej.csv', '-q'], t.dir);
    expect(elsewhere.code).toBe(1);
    expect(csvObjects(readFileSync(join(t.dir, 'rej.csv'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('an output that is a dangling link into a missing directory is refused before the work', async () => {
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(t.dir, 'no-such-dir', 'out.csv'), join(t.dir, 'dangling.csv'));
    const r = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'dangling.csv', '--rejected', 'rej2.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the directory .*no-such-dir does not exist/);
  });

  it('`-` is standard output for -o only; --pairs / --report / --rejected - are usage errors', async () => {
    for (const opt of ['--pairs', '--report', '--rejected']) {
      const r = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c2.csv', opt, '-', '-q'], t.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/only -o \/ --out writes to standard output/);
    }
    expect(existsSync(join(t.dir, '-'))).toBe(false);
  });

  it('a register field named "status": the NDJSON verdict keeps its status, the field is written as field_status (CSV header unique)', async () => {
    const rows = csvObjects(readFileSync(join(t.dir, 'people.csv'), 'utf8').replace(/^\uFEFF/, ''));
    const usable = rows.filter((r) => r['so_cccd'] && r['ho_ten']).slice(0, 50);
    const csv = (list: Array<Record<string, string>>) =>
      ['so_cccd,ho_ten,ngay_sinh,gioi_tinh,status', ...list.map((r) => [r['so_cccd'], r['ho_ten'], r['ngay_sinh'], r['gioi_tinh'], 'active'].map((v) => `"${(v ?? '').replace(/"/g, '""')}"`).join(','))].join('\n') + '\n';
    writeFileSync(join(t.dir, 'reg.csv'), csv(usable));
    writeFileSync(join(t.dir, 'schema.json'), JSON.stringify({ so_cccd: { kind: 'nationalId' }, ho_ten: { kind: 'personName' }, ngay_sinh: { kind: 'date' }, gioi_tinh: { kind: 'sex' }, status: { kind: 'category' } }));
    const build = await cli(['register', 'build', 'reg.csv', '--schema', 'schema.json', '-o', 'reg.khop', '-q'], t.dir);
    expect(build.code).toBeLessThanOrEqual(1); // the fixture's rows with an invalid ID are rejected
    const nd = await cli(['authenticate', '--register', 'reg.khop', 'reg.csv', '--format', 'ndjson'], t.dir);
    expect(nd.code).toBeLessThanOrEqual(1);
    expect(nd.stderr).toMatch(/register field "status" is written as the columns field_status and field_status_reason/);
    const records = nd.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(usable.length);
    for (const r of records) {
      expect(['VERIFIED', 'MISMATCH', 'AMBIGUOUS', 'NOT_FOUND', 'INVALID_ID', 'INCONSISTENT_ID']).toContain(r['status']);
      expect(['exact', 'equivalent', 'close', 'mismatch', 'missing']).toContain(r['field_status']);
    }
    expect(records.filter((r) => r['status'] === 'VERIFIED').length).toBeGreaterThan(usable.length / 2);
    const c = await cli(['authenticate', '--register', 'reg.khop', 'reg.csv', '-o', 'v.csv', '-q'], t.dir);
    const header = readFileSync(join(t.dir, 'v.csv'), 'utf8').split(/\r?\n/)[0]!.split(',');
    expect(c.code).toBeLessThanOrEqual(1);
    expect(new Set(header).size).toBe(header.length);
  });
});

describe('verdictColumns', () => {
  it('are unique for any field names, and a field that clashes with nothing keeps its name (property)', () => {
    const names = fc.constantFrom('status', 'reason', 'weight', 'record_id', 'matched_by', 'row_number', 'x', 'x_reason', 'field_x', 'field_status', 'id', 'name', 'field_reason');
    fc.assert(
      fc.property(fc.uniqueArray(names, { maxLength: 8 }), (fields) => {
        const cols = verdictColumns(fields);
        expect(new Set(cols).size).toBe(cols.length);
        expect(cols).toHaveLength(6 + 2 * fields.length);
        const fixed = new Set(cols.slice(0, 6));
        const all = new Set(fields.flatMap((f) => [f, `${f}_reason`]));
        fields.forEach((f, i) => {
          const clash = fixed.has(f) || fixed.has(`${f}_reason`) || fields.some((g) => g !== f && (`${g}_reason` === f || g === `${f}_reason`));
          if (!clash && !all.has(`field_${f}`)) expect(cols[6 + 2 * i]).toBe(f);
          expect(cols[7 + 2 * i]).toBe(`${cols[6 + 2 * i]}_reason`);
        });
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});
