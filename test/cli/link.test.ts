import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { cli, csvObjects, leakedValues, tempDir, type CliRun } from './cli-helpers.js';

const t = tempDir();
const HEADER = 'so_cccd,ho_ten,ngay_sinh,gioi_tinh';
const line = (p: PopulationRow) => [p.id, p.fullName, p.dob, p.sex].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');

let leftPeople: number[] = [];
let rightPeople: number[] = [];
let values: string[] = [];
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
    expect(rej).toEqual([{ input: 'right', row_number: '4', line: '5', stage: 'read', code: 'TOO_MANY_COLUMNS', reason: rej[0]!.reason, raw: 'a,b,c,d,e', raw_truncated: '' }]);
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

  it('exits 2 when the right file lacks a schema column', async () => {
    writeFileSync(join(t.dir, 'other.csv'), 'so_cccd,ten\n001090012345,An\n');
    const r = await cli(['link', 'left.csv', 'other.csv', '--map', 'id=so_cccd,name=ho_ten'], t.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('khop: error: columns not in the header of other.csv: "ho_ten"\n');
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
