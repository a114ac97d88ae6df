import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, csvObjects, tempDir } from './cli-helpers.js';

const t = tempDir();

beforeAll(() => {
  writeFileSync(
    join(t.dir, 'p.csv'),
    '\uFEFFso_cccd,ho_ten,ngay_sinh\r\n' +
      '001090012345,Nguyễn Văn An,01/05/1990\r\n' +
      '001090012345,Nguyen Van An,01/05/1990\r\n' +
      '079185000111,Trần Thị Bích,12/12/1985\r\n' +
      '079185000112,Tran Thi Bich,12/12/1985\r\n' +
      ',Lê Văn Tám,03/03/1970\r\n' +
      'only,two\r\n' +
      ',,\r\n',
  );
});
afterAll(() => t.remove());

/** Table rows of the output: rule name → cells (columns are separated by two or more spaces). */
function table(stdout: string): Map<string, string[]> {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('rule '));
  const out = new Map<string, string[]>();
  for (const l of lines.slice(start + 2)) {
    if (l.trim() === '') break;
    const cells = l.split(/\s{2,}/);
    out.set(cells[0]!, cells.slice(1));
  }
  return out;
}

describe('khop analyze-blocking', () => {
  it('counts rows with a key, blocks, largest blocks, pairs and new pairs per default rule (known answers)', async () => {
    const r = await cli(['analyze-blocking', 'p.csv', '--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh'], t.dir);
    expect(r.code).toBe(1); // one unreadable row, one without values
    const rows = table(r.stdout);
    //                       rows, blocks, largest, pairs, over cap, new, cumulative
    expect(rows.get('id')).toEqual(['4', '3', '2 1 1', '1', '0', '1', '1']);
    expect(rows.get('name+year(dob)')).toEqual(['5', '3', '2 2 1', '2', '0', '1', '2']);
    expect(rows.get('name.given+dob')).toEqual(['5', '3', '2 2 1', '2', '0', '0', '2']);
    expect(rows.get('name.family+dob')).toEqual(['5', '3', '2 2 1', '2', '0', '0', '2']);
    expect(r.stdout).toContain('candidate pairs of all rules: 2');
    expect(r.stdout).toContain('id = id.id');
    expect(r.stderr).toContain('input rows: 7 = 5 accepted + 2 rejected');
    expect(r.stderr).toContain('give --rejected FILE');
  });

  it('shows key values only with --show-keys', async () => {
    const plain = await cli(['analyze-blocking', 'p.csv', '--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh', '-q'], t.dir);
    const keys = await cli(['analyze-blocking', 'p.csv', '--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh', '-q', '--show-keys'], t.dir);
    expect(plain.stdout).not.toContain('001090012345');
    expect(plain.stdout).not.toContain('record data):');
    expect(keys.stdout).toContain('keys of the largest blocks (record data):');
    expect(keys.stdout).toContain('001090012345');
    expect(keys.stdout.startsWith(plain.stdout)).toBe(true);
  });

  it('reads rules from --rules (field names or store columns), honours --max-block-size and writes --rejected', async () => {
    writeFileSync(join(t.dir, 'rules.json'), JSON.stringify([{ name: 'by-dob', parts: [{ column: 'dob' }] }, { name: 'by-given', parts: [{ column: 'name.givenKey' }] }]));
    const r = await cli(['analyze-blocking', 'p.csv', '--map', 'name=ho_ten,dob=ngay_sinh', '--rules', 'rules.json', '--max-block-size', '2', '--rejected', 'rej.csv', '-q'], t.dir);
    expect(r.code).toBe(1);
    const rows = table(r.stdout);
    expect([...rows.keys()]).toEqual(['by-dob', 'by-given']);
    expect(rows.get('by-dob')).toEqual(['5', '3', '2 2 1', '2', '0', '2', '2']);
    expect(r.stdout).toContain('blocks above 2 rows are skipped');
    const rej = csvObjects(readFileSync(join(t.dir, 'rej.csv'), 'utf8'));
    expect(rej.map((x) => [x.row_number, x.stage, x.code])).toEqual([
      ['6', 'read', 'TOO_FEW_COLUMNS'],
      ['7', 'prepare', 'NO_VALUES'],
    ]);
  });

  it('exits 2 for rules that name unknown columns or are not JSON', async () => {
    writeFileSync(join(t.dir, 'bad.json'), JSON.stringify([{ name: 'x', parts: [{ column: 'nope' }] }]));
    writeFileSync(join(t.dir, 'bad2.json'), '[{');
    for (const f of ['bad.json', 'bad2.json', 'none.json']) {
      const r = await cli(['analyze-blocking', 'p.csv', '--map', 'name=ho_ten', '--rules', f, '-q'], t.dir);
      expect(r.code, f).toBe(2);
      expect(r.stderr.trimEnd().split('\n'), f).toHaveLength(1);
    }
  });
});
