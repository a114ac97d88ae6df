import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { cli, csvObjects, leakedValues, tempDir, type CliRun } from './cli-helpers.js';

const t = tempDir();
const HEADER = 'so_cccd,ho_ten,ngay_sinh,gioi_tinh';
const line = (p: PopulationRow) => [p.id, p.fullName, p.dob, p.sex].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');

let leftPeople: number[] = [];
let rightPeople: number[] = [];
let values: string[] = [];
let rightRows: PopulationRow[] = [];
let run: CliRun;

beforeAll(async () => {
  // Left: one record per person; right: the population's duplicate records (corrupted copies).
  const rows = [...generatePopulation({ size: 360, seed: 5, duplicateRate: 0.3 })];
  const seen = new Set<number>();
  const left: PopulationRow[] = [];
  const right: PopulationRow[] = [];
  for (const r of rows) {
    if (seen.has(r.personId)) right.push(r);
    else {
      seen.add(r.personId);
      left.push(r);
    }
  }
  rightRows = right;
  leftPeople = left.map((r) => r.personId);
  rightPeople = right.map((r) => r.personId);
  values = rows.flatMap((r) => [r.fullName.trim(), r.id]).filter((v) => v.length >= 6);
  writeFileSync(join(t.dir, 'left.csv'), [HEADER, ...left.map(line)].join('\n') + '\n');
  // a row with too many fields after the 3rd record of the right file
  const rightLines = right.map(line);
  rightLines.splice(3, 0, 'a,b,c,d,e');
  writeFileSync(join(t.dir, 'right.csv'), '\uFEFF' + [HEADER, ...rightLines].join('\r\n') + '\r\n');
  run = await cli(['link', 'left.csv', 'right.csv', '-o', 'links.csv', '--report', 'link.html'], t.dir);
});
afterAll(() => t.remove());

describe('khop link', () => {
  it('exits 1 (a rejected right row) and accounts for both inputs', () => {
    expect(run.stderr).not.toContain('khop: error');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`left rows (left.csv):   ${leftPeople.length} = ${leftPeople.length} accepted + 0 rejected`);
    expect(run.stderr).toContain(`right rows (right.csv): ${rightPeople.length + 1} = ${rightPeople.length} accepted + 1 rejected`);
    const rej = csvObjects(readFileSync(join(t.dir, 'links.csv.rejected.csv'), 'utf8'));
    expect(rej).toEqual([{ input: 'right', file: 'right.csv', row_number: '4', line: '5', stage: 'read', code: 'TOO_MANY_COLUMNS', reason: rej[0]!.reason, raw: 'a,b,c,d,e', raw_truncated: '' }]);
  });

  it('links left and right rows of the same person (row numbers map back to the files)', () => {
    const links = csvObjects(readFileSync(join(t.dir, 'links.csv'), 'utf8'));
    expect(run.stderr).toContain(`links:                  ${links.length}`);
    // right row numbers skip the rejected row 4: data rows 1..3 are right[0..2], 5.. are right[3..]
    const rightIndex = (row: number) => (row < 4 ? row - 1 : row - 2);
    let correct = 0;
    for (const l of links) {
      expect(Number(l.probability)).toBeGreaterThanOrEqual(0.5);
      if (leftPeople[Number(l.left_row) - 1] === rightPeople[rightIndex(Number(l.right_row))]) correct++;
    }
    expect(links.length).toBeGreaterThan(rightPeople.length * 0.7);
    expect(correct / links.length).toBeGreaterThan(0.9);
  });

  it('writes a report labelled by row numbers only, and prints no value on stderr', () => {
    const html = readFileSync(join(t.dir, 'link.html'), 'utf8');
    expect(html).toMatch(/left row \d+/);
    expect(leakedValues(html, values)).toEqual([]);
    expect(leakedValues(run.stderr, values)).toEqual([]);
  });

  it('an empty NDJSON right file (zero bytes or blank lines) is refused as an empty left file is (F52)', async () => {
    // Before: read as a file of no records — "need at least one usable record on each side".
    for (const [name, text] of [['empty.ndjson', ''], ['blank.ndjson', '\n \n']] as const) {
      writeFileSync(join(t.dir, name), text);
      for (const argv of [['left.csv', name], [name, 'left.csv']]) {
        const r = await cli(['link', ...argv, '-o', 'e.csv'], t.dir);
        expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([2, `khop: error: ${name} has no columns (none of its first lines is a JSON object: an empty file, or not NDJSON (the format comes from the file name, else the content))`]);
      }
    }
  });

  it('exits 2 when the right file has no column for a schema field, naming --map-right', async () => {
    writeFileSync(join(t.dir, 'other.csv'), 'so_cccd,ghi_chu\n001090012345,An\n');
    const r = await cli(['link', 'left.csv', 'other.csv', '--map', 'id=so_cccd,name=ho_ten'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('khop: error: columns not in the header of other.csv: "ho_ten" (field "name"); name the right file\'s columns with --map-right field=column\n');
  });

  it('exits 2 when no record of an NDJSON right file holds a field, naming the file and --map-right (not the schema\'s `column`, which the left file reads)', async () => {
    const json = rightRows.map((p) => JSON.stringify({ so_cccd: p.id, ho_ten: p.fullName, ngay_sinh: p.dob })).join('\n') + '\n';
    writeFileSync(join(t.dir, 'right-nosex.ndjson'), json);
    const r = await cli(['link', 'left.csv', 'right-nosex.ndjson', '-o', 'links-nosex.csv', '--quiet'], t.dir);
    expect(r.code).toBe(2);
    // was: 'schema fields "sex" (column "gioi_tinh") in no row of the right rows — name the rows\' key as the field\'s `column`…'
    expect(r.stderr).toBe('khop: error: columns in no record of right-nosex.ndjson: "gioi_tinh" (field "sex"); name the right file\'s columns with --map-right field=column\n');
  });
});

describe('khop link: a right file with its own header', () => {
  // The right file of the run above under another header: other names, other order, an extra
  // column, the rejected row kept — the same rows, so the same links.
  const write = (name: string, header: string, cells: (p: PopulationRow, i: number) => string[]) => {
    const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const lines = rightRows.map((p, i) => cells(p, i).map(esc).join(','));
    lines.splice(3, 0, 'a,b,c,d,e,f');
    writeFileSync(join(t.dir, name), [header, ...lines].join('\n') + '\n');
  };
  const linksOf = (file: string) => readFileSync(join(t.dir, file), 'utf8');

  it('guesses the right file\'s columns from its header and finds the same links', async () => {
    write('right-own.csv', 'gioitinh,hoten,ghi_chu,so_dinh_danh,ngaysinh', (p) => [p.sex, p.fullName, 'x', p.id, p.dob]);
    const r = await cli(['link', 'left.csv', 'right-own.csv', '-o', 'links-own.csv'], t.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/right file right-own\.csv: columns\n {2}so_dinh_danh +→ id \(nationalId\) \(guessed; override with --map-right\)/);
    expect(r.stderr).toMatch(/ {2}hoten +→ name \(personName\) \(guessed/);
    expect(linksOf('links-own.csv')).toBe(linksOf('links.csv'));
    expect(leakedValues(r.stderr, values)).toEqual([]);
  });

  it('reads the columns --map-right names, where nothing could be guessed', async () => {
    write('right-abc.csv', 'c1,c2,c3,c4,c5', (p) => [p.dob, 'x', p.fullName, p.sex, p.id]);
    const r = await cli(['link', 'left.csv', 'right-abc.csv', '-o', 'links-abc.csv', '--map-right', 'id=c5,name=c3,dob=c1,sex=c4'], t.dir);
    expect(r.stderr).not.toContain('khop: error');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ {2}c3 +→ name \(personName\) \(--map-right\)/);
    expect(linksOf('links-abc.csv')).toBe(linksOf('links.csv'));
    const partial = await cli(['link', 'left.csv', 'right-abc.csv', '--map-right', 'id=c5,name=c3'], t.dir);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('columns not in the header of right-abc.csv: "ngay_sinh" (field "dob"), "gioi_tinh" (field "sex")');
  });

  it('refuses a --map-right field the schema does not have, or a column the right file does not have', async () => {
    const unknown = await cli(['link', 'left.csv', 'right.csv', '--map-right', 'nme=ho_ten'], t.dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('khop: error: --map-right: "nme" is not a field of the schema; its fields: "id", "name", "dob", "sex"\n');
    const column = await cli(['link', 'left.csv', 'right.csv', '--map-right', 'name=hoten'], t.dir);
    expect(column.code).toBe(2);
    expect(column.stderr).toContain('column "hoten" (for field "name") is not in the header');
  });

  it('refuses --map-right naming one column for two fields, as --map does (not a run whose right dates are all the names)', async () => {
    const r = await cli(['link', 'left.csv', 'right.csv', '-o', 'links-twice.csv', '--map-right', 'name=ho_ten,dob=ho_ten'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('khop: error: --map-right: column "ho_ten" is named for the fields "name" and "dob"; a column of right.csv can be read by one field only\n');
    expect(existsSync(join(t.dir, 'links-twice.csv'))).toBe(false);
  });

  it("names the right file's own columns in its rejected rows, once (a right record-id column named like a left field column)", async () => {
    const people = [...generatePopulation({ size: 40, seed: 23, duplicateRate: 0 })];
    const lines = (ids: (i: number) => string) => people.map((p, i) => [ids(i), p.id, `"${p.fullName}"`, p.dob].join(','));
    writeFileSync(join(t.dir, 'sw-left.csv'), ['ma,so_cccd,ho_ten,ngay_sinh', ...lines((i) => `L${i + 1}`)].join('\n') + '\n');
    // The right's record ids are in a column named so_cccd, its ID numbers in so_dinh_danh; R1 twice.
    writeFileSync(join(t.dir, 'sw-right.csv'), ['so_cccd,so_dinh_danh,ho_ten,ngay_sinh', ...lines((i) => (i === 9 ? 'R1' : `R${i + 1}`))].join('\n') + '\n');
    const r = await cli(['link', 'sw-left.csv', 'sw-right.csv', '--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh', '--id-field', 'ma', '--map-right', 'id=so_dinh_danh', '--id-field-right', 'so_cccd', '-o', 'sw.csv', '-q'], t.dir);
    expect(r.code).toBe(1);
    expect(csvObjects(readFileSync(join(t.dir, 'sw.csv.rejected.csv'), 'utf8')).map((x) => [x.input, x.row_number, x.code, x.reason])).toEqual([['right', '10', 'DUPLICATE_ID', 'the record id (column "so_cccd") is that of row 1']]);
  });

  it('writes each file\'s own record ids with --id-field-right', async () => {
    const withId = (name: string, idColumn: string, prefix: string, source: PopulationRow[]) => {
      const lines = source.map((p, i) => [`${prefix}${i + 1}`, p.id, `"${p.fullName}"`, p.dob, p.sex].join(','));
      writeFileSync(join(t.dir, name), [`${idColumn},so_cccd,ho_ten,ngay_sinh,gioi_tinh`, ...lines].join('\n') + '\n');
    };
    const left = [...generatePopulation({ size: 200, seed: 8, duplicateRate: 0.3 })];
    withId('left-id.csv', 'ma_ho_so', 'L', left);
    withId('right-id.csv', 'ma_nguoi', 'R', left);
    const r = await cli(['link', 'left-id.csv', 'right-id.csv', '-o', 'links-id.csv', '--id-field', 'ma_ho_so', '--id-field-right', 'ma_nguoi', '-q'], t.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const links = csvObjects(linksOf('links-id.csv'));
    expect(links.length).toBeGreaterThanOrEqual(left.length);
    for (const l of links) {
      expect(l.left_id).toBe(`L${l.left_row}`);
      expect(l.right_id).toBe(`R${l.right_row}`);
    }
    const without = await cli(['link', 'left-id.csv', 'right-id.csv', '--id-field', 'ma_ho_so'], t.dir);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('--id-field-right');
    const alone = await cli(['link', 'left-id.csv', 'right-id.csv', '--map', 'id=so_cccd,name=ho_ten', '--id-field-right', 'ma_nguoi'], t.dir);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('khop: error: --id-field-right needs a record-id column on the left too: give --id-field\n');
  });
});

describe('khop link --save-model / --model', () => {
  it('a saved model links the same files to the same links, without training', async () => {
    const first = await cli(['link', 'left.csv', 'right.csv', '-o', 'l1.csv', '--save-model', 'link-model.json', '-q'], t.dir);
    expect(first.code).toBe(1);
    expect(leakedValues(readFileSync(join(t.dir, 'link-model.json'), 'utf8'), values)).toEqual([]);
    const second = await cli(['link', 'left.csv', 'right.csv', '-o', 'l2.csv', '--model', 'link-model.json', '-q'], t.dir);
    expect(second.code).toBe(1);
    const links = readFileSync(join(t.dir, 'l2.csv'), 'utf8');
    expect(csvObjects(links).length).toBeGreaterThan(10);
    expect(links).toBe(readFileSync(join(t.dir, 'l1.csv'), 'utf8'));
  });
});

describe('khop link: which file said it', () => {
  it('a reader error names the side and the file as given — binary, UTF-16 without BOM, lone CR line ends, left or right (F54)', async () => {
    mkdirSync(join(t.dir, 'b'), { recursive: true });
    const bad: Array<[string, Uint8Array | string, string]> = [
      ['b/binary.csv', Uint8Array.from({ length: 600 }, (_, i) => (i * 151 + 7) % 256 | 0x80), 'CSV header (line 1) cannot be read'],
      ['b/utf16.csv', Buffer.from(HEADER + '\n', 'utf16le'), 'contains NUL characters'],
      ['b/lone-cr.ndjson', '{"so_cccd":"1"}\r{"so_cccd":"2"}\r', 'lone CR'],
    ];
    for (const [name, bytes, what] of bad) {
      writeFileSync(join(t.dir, name), bytes);
      for (const [side, argv] of [['right', ['left.csv', name]], ['left', [name, 'right.csv']]] as const) {
        const r = await cli(['link', ...argv, '-o', 'bad-links.csv'], t.dir);
        const error = r.stderr.split('\n').find((l) => l.startsWith('khop: error:'));
        expect([r.code, error?.startsWith(`khop: error: ${side} file ${name}: `)], `${side} ${name}: ${error}`).toEqual([2, true]);
        expect(error).toContain(what);
      }
    }
    // A message that names the file already is not named twice.
    const missing = await cli(['link', 'left.csv', 'b/none.csv', '-o', 'bad-links.csv'], t.dir);
    expect(missing.stderr.trim()).toBe(`khop: error: cannot open input file: ${join(t.dir, 'b/none.csv')} (ENOENT)`);
  });

  it('rejected rows, progress lines and the summary name each file by its path as given, two files of one name told apart (F55)', async () => {
    mkdirSync(join(t.dir, 'x'), { recursive: true });
    mkdirSync(join(t.dir, 'y'), { recursive: true });
    writeFileSync(join(t.dir, 'x/data.csv'), readFileSync(join(t.dir, 'left.csv'), 'utf8') + 'a,b\n');
    writeFileSync(join(t.dir, 'y/data.csv'), readFileSync(join(t.dir, 'right.csv')));
    const r = await cli(['link', 'x/data.csv', 'y/data.csv', '-o', 'xy.csv', '--rejected', 'xy.rejected.csv'], t.dir);
    expect(r.code).toBe(1);
    const rejected = csvObjects(readFileSync(join(t.dir, 'xy.rejected.csv'), 'utf8'));
    expect(rejected.map((x) => [x['input'], x['file'], x['code']])).toEqual([['left', 'x/data.csv', 'TOO_FEW_COLUMNS'], ['right', 'y/data.csv', 'TOO_MANY_COLUMNS']]);
    expect(r.stderr).toMatch(/^read \+ prepare x\/data\.csv: .* bytes/m);
    expect(r.stderr).toMatch(/^read \+ prepare y\/data\.csv: .* bytes/m);
    // No prepare line of its own (it is the reading's: the rows are prepared as they are read).
    expect(r.stderr).not.toMatch(/^prepare:/m);
    expect(r.stderr).toContain('link x/data.csv × y/data.csv:');
    expect(r.stderr).toMatch(/left rows \(x\/data\.csv\): +\d/);
    expect(r.stderr).toMatch(/right rows \(y\/data\.csv\): +\d/);
    expect(leakedValues(r.stderr, values)).toEqual([]);
  });
});
