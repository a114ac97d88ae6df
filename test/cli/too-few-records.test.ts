// D35: `khop dedupe` / `khop link` failing for too few usable records count the rows the READER
// rejected (invalid UTF-8, ragged rows), not only the pipeline's, and still write the rejected
// rows — the failed run writes no other output, so that file is how the user finds the bad rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, csvObjects, tempDir } from './cli-helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.remove());

const ENCODING_REASON = 'column 2 (ho_ten) contains U+FFFD: bytes that are not valid utf-8 (or a literal replacement character); a file saved in the Vietnamese Windows code page reads with encoding \'windows-1258\' (khop: --encoding windows-1258)';

/** A CSV whose every data row has invalid UTF-8 in ho_ten; each name carries a marker that must not leak. */
function unreadableCsv(name: string, rows: number): string[] {
  const markers: string[] = [];
  const parts: Buffer[] = [Buffer.from('so_cccd,ho_ten,ngay_sinh\n')];
  for (let i = 0; i < rows; i++) {
    const marker = `Zqmarker${i}x`;
    markers.push(marker, `0010900${String(10000 + i)}`);
    parts.push(Buffer.from(`0010900${String(10000 + i)},Nguy`), Buffer.from([0xff, 0xfe]), Buffer.from(`n ${marker},01/02/1990\n`));
  }
  writeFileSync(join(t.dir, name), Buffer.concat(parts));
  return markers;
}

describe('khop dedupe: too few usable records', () => {
  it('every row unreadable: the message counts the rows read and rejected by the reader, and the rejected-rows file is written', async () => {
    const markers = unreadableCsv('bad.csv', 193);
    const r = await cli(['dedupe', 'bad.csv', '-o', 'out.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    // Before: "need at least two usable records to train a model (0 rows read)", no rejected file.
    expect(lines[0]).toContain(`need at least two usable records to train a model (193 rows read, 193 rejected; 193 INVALID_ENCODING: ${ENCODING_REASON})`);
    const rejectedPath = join(t.dir, 'out.csv.rejected.csv');
    expect(lines[0]).toContain(`rejected rows written to ${rejectedPath}`);
    expect(markers.filter((m) => r.stderr.includes(m))).toEqual([]);
    const rejected = csvObjects(readFileSync(rejectedPath, 'utf8'));
    expect(rejected).toHaveLength(193);
    expect(rejected.map((x) => x['row_number'])).toEqual(Array.from({ length: 193 }, (_, i) => String(i + 1)));
    expect(new Set(rejected.map((x) => `${x['stage']} ${x['code']}`))).toEqual(new Set(['read INVALID_ENCODING']));
    // The user's own row, handed back in the file they asked for.
    expect(rejected[0]!['raw']).toContain('Zqmarker0x');
    expect(existsSync(join(t.dir, 'out.csv'))).toBe(false);
  });

  it("the reader's and the pipeline's rejections together, by code; --rejected names the file", async () => {
    const lines = ['so_cccd,ho_ten,ngay_sinh', '001090012345,An,01/02/1990'];
    for (let i = 0; i < 3; i++) lines.push(',,'); // no usable value: the pipeline's NO_VALUES
    lines.push('1,2,3,4'); // the reader's TOO_MANY_COLUMNS
    for (let i = 0; i < 5; i++) lines.push('1,2'); // the reader's TOO_FEW_COLUMNS
    writeFileSync(join(t.dir, 'mixed.csv'), lines.join('\n') + '\n');
    const r = await cli(['dedupe', 'mixed.csv', '-o', 'out.csv', '--rejected', 'why.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\(10 rows read, 9 rejected; 5 TOO_FEW_COLUMNS: [^;]*; also 3 NO_VALUES, 1 TOO_MANY_COLUMNS\); rejected rows written to .*why\.csv/);
    const rejected = csvObjects(readFileSync(join(t.dir, 'why.csv'), 'utf8'));
    expect(rejected.map((x) => `${x['row_number']} ${x['stage']} ${x['code']}`)).toEqual([
      '2 prepare NO_VALUES',
      '3 prepare NO_VALUES',
      '4 prepare NO_VALUES',
      '5 read TOO_MANY_COLUMNS',
      '6 read TOO_FEW_COLUMNS',
      '7 read TOO_FEW_COLUMNS',
      '8 read TOO_FEW_COLUMNS',
      '9 read TOO_FEW_COLUMNS',
      '10 read TOO_FEW_COLUMNS',
    ]);
  });

  it('no rejected row and no --rejected: the message counts the rows, and no rejected-rows file is written', async () => {
    writeFileSync(join(t.dir, 'one.csv'), 'so_cccd,ho_ten,ngay_sinh\n001090012345,An,01/02/1990\n');
    const r = await cli(['dedupe', 'one.csv', '-o', 'out.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('khop: error: need at least two usable records to train a model (1 row read)');
    expect(existsSync(join(t.dir, 'out.csv.rejected.csv'))).toBe(false);
  });
});

describe('khop link: too few usable records', () => {
  it('a left file of unreadable rows: both files counted, the rejected rows written with their input', async () => {
    const markers = unreadableCsv('left.csv', 4);
    writeFileSync(join(t.dir, 'right.csv'), 'so_cccd,ho_ten,ngay_sinh\n001090012345,An,01/02/1990\n001091012346,Binh,03/04/1991\n');
    const r = await cli(['link', 'left.csv', 'right.csv', '-o', 'links.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`need at least one usable record on each side to train a model: 0 usable on the left (4 rows read, 4 rejected; 4 INVALID_ENCODING: ${ENCODING_REASON}), 2 on the right (2 rows read); rejected rows written to ${join(t.dir, 'links.csv.rejected.csv')}`);
    expect(markers.filter((m) => r.stderr.includes(m))).toEqual([]);
    const rejected = csvObjects(readFileSync(join(t.dir, 'links.csv.rejected.csv'), 'utf8'));
    expect(rejected.map((x) => `${x['input']} ${x['row_number']} ${x['code']}`)).toEqual(['left 1 INVALID_ENCODING', 'left 2 INVALID_ENCODING', 'left 3 INVALID_ENCODING', 'left 4 INVALID_ENCODING']);
  });

  it('both files with rejected rows: each side says its own rows and rejections', async () => {
    // Before: "1 usable on the left, 0 on the right (4 rows read, 3 rejected; 1 TOO_FEW_COLUMNS:
    // row has 2 fields, the header has 3; also …)" — the headline reason was the LEFT file's,
    // the side that was fine, and nothing said which file any rejection was in.
    writeFileSync(join(t.dir, 'l.csv'), 'so_cccd,ho_ten,ngay_sinh\n001090012345,Zqleft,01/02/1990\n1,2\n');
    writeFileSync(join(t.dir, 'r.csv'), 'so_cccd,ho_ten,ngay_sinh\n,,\n001090012346,Zqright,01/02/1990,x\n001090012347,Zqright2\n');
    const r = await cli(['link', 'l.csv', 'r.csv', '-o', 'links.csv', '-q'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(
      'need at least one usable record on each side to train a model: ' +
        '1 usable on the left (2 rows read, 1 rejected; 1 TOO_FEW_COLUMNS: row has 2 fields, the header has 3), ' +
        '0 on the right (3 rows read, 3 rejected; 1 NO_VALUES: no schema field has a usable value; also 1 TOO_MANY_COLUMNS, 1 TOO_FEW_COLUMNS); ' +
        `rejected rows written to ${join(t.dir, 'links.csv.rejected.csv')}`,
    );
    expect(r.stderr).not.toMatch(/Zq|00109001234/);
    const rejected = csvObjects(readFileSync(join(t.dir, 'links.csv.rejected.csv'), 'utf8'));
    expect(rejected.map((x) => `${x['input']} ${x['row_number']} ${x['code']}`)).toEqual(['left 2 TOO_FEW_COLUMNS', 'right 1 NO_VALUES', 'right 2 TOO_MANY_COLUMNS', 'right 3 TOO_FEW_COLUMNS']);
  });
});

describe('khop register build: no usable record', () => {
  it('every row rejected: no register is written (it would answer NOT_FOUND to every claim), the rejected rows are, and the message counts them', async () => {
    const markers = unreadableCsv('bad.csv', 40);
    const r = await cli(['register', 'build', 'bad.csv', '-o', 'reg.khop', '-q'], t.dir);
    expect(r.code).toBe(2);
    const line = r.stderr.trim();
    expect(line).toContain(`bad.csv has no usable record (40 rows read, 40 rejected; 40 INVALID_ENCODING: ${ENCODING_REASON}): no register written`);
    expect(line).toContain(`rejected rows written to ${join(t.dir, 'reg.khop.rejected.csv')}`);
    expect(existsSync(join(t.dir, 'reg.khop'))).toBe(false);
    expect(csvObjects(readFileSync(join(t.dir, 'reg.khop.rejected.csv'), 'utf8'))).toHaveLength(40);
    for (const m of markers) expect(line).not.toContain(m);
  });

  it('a header without rows: refused, nothing written; one usable row builds a register', async () => {
    writeFileSync(join(t.dir, 'empty.csv'), 'so_cccd,ho_ten,ngay_sinh\n');
    const empty = await cli(['register', 'build', 'empty.csv', '-o', 'e.khop', '-q'], t.dir);
    expect([empty.code, empty.stderr.trim()]).toEqual([2, 'khop: error: empty.csv has no usable record (0 rows read): no register written']);
    expect(existsSync(join(t.dir, 'e.khop'))).toBe(false);
    writeFileSync(join(t.dir, 'one.csv'), 'so_cccd,ho_ten,ngay_sinh\n001090012345,Nguyễn Văn An,01/02/1990\n');
    const one = await cli(['register', 'build', 'one.csv', '-o', 'one.khop', '-q'], t.dir);
    expect(one.code).toBe(0);
    expect(existsSync(join(t.dir, 'one.khop'))).toBe(true);
  });
});
