/**
 * The format of the tables the command line writes follows their file names (src/cli/output-format.ts):
 * F49 — .ndjson / .jsonl are NDJSON, .tsv tab-separated, --format only where the name says
 * nothing, a name that contradicts --format refused; F50 — a compressed name refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openRecords } from '../../src/io/record-reader.js';
import { tableFormatFor } from '../../src/cli/output-format.js';
import { cli, csvObjects, tempDir, writePeopleCsv } from './cli-helpers.js';

const t = tempDir();
afterAll(() => t.remove());
const MAP = ['--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh'];

/** The non-empty lines of a file, each parsed as JSON (throws on a line that is not). */
function ndjson(path: string): Array<Record<string, unknown>> {
  return readFileSync(join(t.dir, path), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Rows of a file as khop's own reader reads it back (the format from its name). */
async function readBack(path: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  for await (const item of await openRecords(join(t.dir, path))) if (item.kind === 'row') rows.push({ ...item.values });
  return rows;
}

beforeAll(async () => {
  writePeopleCsv(t.dir, 'people.csv', 200, 5); // holds rows the reader rejects
  writePeopleCsv(t.dir, 'reg.csv', 120, 9);
  writePeopleCsv(t.dir, 'people-copy.csv', 200, 5); // links to people.csv
  expect((await cli(['register', 'build', 'reg.csv', ...MAP, '-o', 'reg.khop', '--rejected', 'reg-rej.csv', '-q'], t.dir)).code).toBe(1);
});

describe('the format of an output file follows its name (F49)', () => {
  it('dedupe -o clusters.ndjson / .JSONL, --pairs pairs.jsonl: NDJSON without --format (F49; fixed: CSV in a file named .ndjson)', async () => {
    const csv = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.csv', '--pairs', 'p.csv', '-q'], t.dir);
    expect(csv.code).toBe(1);
    const r = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.ndjson', '--pairs', 'p.JSONL', '-q'], t.dir);
    expect(r.code).toBe(1);
    const clusters = ndjson('c.ndjson');
    expect(clusters.map((o) => String(o['cluster_id']))).toEqual(csvObjects(readFileSync(join(t.dir, 'c.csv'), 'utf8')).map((o) => o['cluster_id']));
    expect(Object.keys(clusters[0]!)).toEqual(['row_number', 'record_id', 'cluster_id']);
    expect(ndjson('p.JSONL').length).toBe(csvObjects(readFileSync(join(t.dir, 'p.csv'), 'utf8')).length);
    // The default rejected-rows file beside it keeps its .csv name and format.
    expect(readFileSync(join(t.dir, 'c.ndjson.rejected.csv'), 'utf8').split('\n')[0]).toBe('row_number,line,stage,code,reason,raw,raw_truncated');
  });

  it('dedupe -o clusters.tsv: tab-separated, read back by khop as the same table (F49; fixed: comma CSV read back as one column)', async () => {
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c2.csv', '-q'], t.dir)).code).toBe(1);
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c2.tsv', '-q'], t.dir)).code).toBe(1);
    expect(readFileSync(join(t.dir, 'c2.tsv'), 'utf8').split('\n')[0]).toBe('row_number\trecord_id\tcluster_id');
    expect(await readBack('c2.tsv')).toEqual(await readBack('c2.csv'));
  });

  it('link -o links.jsonl and authenticate -o verdicts.ndjson: NDJSON (F49)', async () => {
    const link = await cli(['link', 'people.csv', 'people-copy.csv', ...MAP, '-o', 'links.jsonl', '--rejected', 'link-rej.csv', '-q'], t.dir);
    expect(link.code).toBe(1);
    const links = ndjson('links.jsonl');
    expect(links.length).toBeGreaterThan(0);
    expect(Object.keys(links[0]!)).toEqual(['left_row', 'right_row', 'weight', 'probability']);
    const auth = await cli(['authenticate', '--register', 'reg.khop', 'people.csv', '-o', 'verdicts.ndjson', '--rejected', 'auth-rej.csv', '-q'], t.dir);
    expect(auth.code).toBe(1);
    const verdicts = ndjson('verdicts.ndjson');
    expect(verdicts.length).toBeGreaterThan(100);
    expect(typeof verdicts[0]!['status']).toBe('string');
  });

  it('--rejected rej.ndjson is NDJSON, rej.tsv tab-separated; the default stays CSV whatever --format says (F49)', async () => {
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c3.csv', '--rejected', 'rej.ndjson', '-q'], t.dir)).code).toBe(1);
    const rejected = ndjson('rej.ndjson');
    expect(rejected.length).toBe(3);
    expect(rejected[0]).toMatchObject({ stage: 'read', code: 'TOO_FEW_COLUMNS', raw_truncated: false });
    expect(typeof rejected[0]!['line']).toBe('number');
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c4.csv', '--rejected', 'rej.tsv', '-q'], t.dir)).code).toBe(1);
    expect(readFileSync(join(t.dir, 'rej.tsv'), 'utf8').split('\n')[0]).toBe('row_number\tline\tstage\tcode\treason\traw\traw_truncated');
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c5.out', '--format', 'ndjson', '-q'], t.dir)).code).toBe(1);
    expect(ndjson('c5.out').length).toBeGreaterThan(0); // a name that says nothing: --format
    expect(readFileSync(join(t.dir, 'c5.out.rejected.csv'), 'utf8').startsWith('row_number,line,')).toBe(true);
  });

  it('a --format that the name contradicts, or a Parquet name: exit 2 before any work, nothing written (F49)', async () => {
    writeFileSync(join(t.dir, 'keep.ndjson'), 'previous\n');
    const cases: Array<[string[], RegExp]> = [
      [['dedupe', 'people.csv', ...MAP, '--format', 'csv', '-o', 'keep.ndjson'], /--out keep\.ndjson: the name says NDJSON, --format says csv; drop --format/],
      [['dedupe', 'people.csv', ...MAP, '--format', 'ndjson', '-o', 'x.ndjson', '--pairs', 'x-pairs.csv'], /--pairs x-pairs\.csv: the name says CSV, --format says ndjson/],
      [['link', 'people.csv', 'reg.csv', ...MAP, '--format', 'ndjson', '-o', 'x.tsv'], /--out x\.tsv: the name says CSV/],
      [['authenticate', '--register', 'reg.khop', 'people.csv', '--format', 'csv', '-o', 'x.jsonl'], /--out x\.jsonl: the name says NDJSON/],
      [['dedupe', 'people.csv', ...MAP, '-o', 'x.parquet'], /--out x\.parquet: khop writes CSV or NDJSON, not Parquet/],
      [['dedupe', 'people.csv', ...MAP, '-o', 'x.csv', '--rejected', 'x-rej.pq'], /--rejected x-rej\.pq: khop writes CSV or NDJSON, not Parquet/],
      // F56: a .json name without --format (NDJSON is not one JSON document), a snapshot named as a table
      [['dedupe', 'people.csv', ...MAP, '-o', 'x.json'], /--out x\.json: khop writes NDJSON \(one JSON object a line, which a JSON reader refuses as one document\) or CSV; name the file \.ndjson or \.jsonl, or give --format ndjson/],
      [['authenticate', '--register', 'reg.khop', 'people.csv', '-o', 'v.JSON'], /--out v\.JSON: khop writes NDJSON/],
      [['register', 'build', 'reg.csv', ...MAP, '-o', 'snap.csv'], /register build -o snap\.csv: a register snapshot is khop's own binary file, not a CSV table; name it \.khop/],
      [['register', 'build', 'reg.csv', ...MAP, '-o', 'snap.ndjson'], /not an NDJSON table/],
      [['register', 'build', 'reg.csv', ...MAP, '-o', 'snap.json'], /not a JSON table/],
    ];
    const before = new Set(readdirSync(t.dir));
    for (const [argv, message] of cases) {
      const r = await cli(argv, t.dir);
      expect([r.code, r.stdout], argv.join(' ')).toEqual([2, '']);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(t.dir).filter((f) => !before.has(f))).toEqual([]);
    expect(readFileSync(join(t.dir, 'keep.ndjson'), 'utf8')).toBe('previous\n');
  });

  it('tableFormatFor: case-insensitive names, standard output and unknown names take --format (F49)', () => {
    expect(tableFormatFor('--out', '/d/OUT.NDJSON', undefined)).toEqual({ format: 'ndjson', delimiter: ',' });
    expect(tableFormatFor('--out', '/d/out.Tab', 'csv')).toEqual({ format: 'csv', delimiter: '\t' });
    expect(tableFormatFor('--out', undefined, 'ndjson')).toEqual({ format: 'ndjson', delimiter: ',' });
    expect(tableFormatFor('--out', '/dev/stdout', undefined)).toEqual({ format: 'csv', delimiter: ',' });
    expect(tableFormatFor('--out', '/d/out.json', 'ndjson')).toEqual({ format: 'ndjson', delimiter: ',' });
    expect(() => tableFormatFor('--out', '/d/out.json', undefined)).toThrow(/khop writes NDJSON/); // F56
    expect(tableFormatFor('--out', '/d.ndjson/out', undefined)).toEqual({ format: 'csv', delimiter: ',' });
  });
});

describe('a compressed output name is refused (F50)', () => {
  it('-o out.csv.gz / .zst / .bz2 / .xz / .zip, --pairs, --rejected, --report, --save-model, a register snapshot: exit 2 naming the extension, nothing written (F50; fixed: plain CSV written into a file named .gz)', async () => {
    const cases: Array<[string[], string]> = [
      [['dedupe', 'people.csv', ...MAP, '-o', 'out.csv.gz'], '--out out.csv.gz: khop writes no compressed files (it would be uncompressed data named .gz)'],
      [['dedupe', 'people.csv', ...MAP, '-o', 'out.ndjson.ZST'], '--out out.ndjson.ZST: khop writes no compressed files (it would be uncompressed data named .ZST)'],
      [['dedupe', 'people.csv', ...MAP, '-o', 'o.csv', '--pairs', 'p.csv.bz2'], '--pairs p.csv.bz2: khop writes no compressed files'],
      [['dedupe', 'people.csv', ...MAP, '-o', 'o.csv', '--rejected', 'r.csv.xz'], '--rejected r.csv.xz: khop writes no compressed files'],
      [['dedupe', 'people.csv', ...MAP, '-o', 'o.csv', '--report', 'r.html.gz'], '--report r.html.gz: khop writes no compressed files'],
      [['dedupe', 'people.csv', ...MAP, '-o', 'o.csv', '--save-model', 'm.json.gz'], '--save-model m.json.gz: khop writes no compressed files'],
      [['link', 'people.csv', 'reg.csv', ...MAP, '-o', 'links.zip'], '--out links.zip: khop writes no compressed files'],
      [['authenticate', '--register', 'reg.khop', 'people.csv', '-o', 'v.csv.gz'], '--out v.csv.gz: khop writes no compressed files'],
      [['register', 'build', 'reg.csv', ...MAP, '-o', 'reg.khop.gz'], '--out reg.khop.gz: khop writes no compressed files'],
    ];
    const before = new Set(readdirSync(t.dir));
    for (const [argv, message] of cases) {
      const r = await cli(argv, t.dir);
      expect([r.code, r.stdout], argv.join(' ')).toEqual([2, '']);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('give a name without');
    }
    expect(readdirSync(t.dir).filter((f) => !before.has(f))).toEqual([]);
    expect(existsSync(join(t.dir, 'out.csv.gz'))).toBe(false);
  });
});
