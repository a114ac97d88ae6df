import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation, type PopulationRow } from '../../src/synth/population.js';
import { cli, csvObjects, tempDir, type CliRun } from './cli-helpers.js';

const t = tempDir();
const HEADER = 'so_cccd,ho_ten,ngay_sinh,gioi_tinh';
const line = (p: Pick<PopulationRow, 'id' | 'fullName' | 'dob' | 'sex'>) => [p.id, p.fullName, p.dob, p.sex].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
// Two people with one name and birth date but different IDs, and a record of one of them
// without an ID: the scores join all three; --id-conflicts split keeps the two IDs apart.
const A = { id: '001090012345', fullName: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' };
const B = { id: '001090067890', fullName: 'Nguyễn Văn Tùng', dob: '01/05/1990', sex: 'Nam' };
const C = { id: '', fullName: 'Nguyen Van Tung', dob: '1990-05-01', sex: 'Nam' };

/** The "kept apart" count a run printed, 0 when it printed none. */
function keptApart(run: CliRun): number {
  const m = /kept apart:\s+(\d+) matched pairs? \((?:two different national IDs, or clusters whose other pairs disagree|clusters whose other pairs disagree)\)/.exec(run.stderr);
  return m === null ? 0 : Number(m[1]);
}

let rows: PopulationRow[] = [];
beforeAll(() => {
  rows = [...generatePopulation({ size: 300, seed: 41, duplicateRate: 0.2 })];
  writeFileSync(join(t.dir, 'people.csv'), [HEADER, ...rows.map(line), line(A), line(B), line(C)].join('\n') + '\n');
  const left = rows.filter((_, i) => i % 2 === 0);
  const right = rows.filter((_, i) => i % 2 === 1);
  writeFileSync(join(t.dir, 'left.csv'), [HEADER, ...left.map(line), line(A)].join('\n') + '\n');
  writeFileSync(join(t.dir, 'right.csv'), [HEADER, ...right.map(line), line(B), line(C)].join('\n') + '\n');
});
afterAll(() => t.remove());

describe('--id-conflicts and the "kept apart" summary line', () => {
  it('dedupe: the line counts the matched pairs whose rows are in two clusters; ignore puts the namesakes together', async () => {
    const split = await cli(['dedupe', 'people.csv', '-o', 'c1.csv', '--pairs', 'p1.csv'], t.dir);
    const ignore = await cli(['dedupe', 'people.csv', '-o', 'c2.csv', '--pairs', 'p2.csv', '--id-conflicts', 'ignore', '--linkage', 'single'], t.dir);
    expect([split.code, ignore.code]).toEqual([0, 0]);
    const across = (clustersFile: string, pairsFile: string): number => {
      const cluster = new Map(csvObjects(readFileSync(join(t.dir, clustersFile), 'utf8')).map((c) => [c.row_number!, c.cluster_id!]));
      return csvObjects(readFileSync(join(t.dir, pairsFile), 'utf8')).filter((p) => cluster.get(p.left_row!) !== cluster.get(p.right_row!)).length;
    };
    expect(across('c1.csv', 'p1.csv')).toBeGreaterThan(0);
    expect(keptApart(split)).toBe(across('c1.csv', 'p1.csv'));
    expect(across('c2.csv', 'p2.csv')).toBe(0);
    expect(ignore.stderr).not.toContain('kept apart');
    // The namesakes (the last three data rows) are one cluster only under ignore.
    const clusterOf = (file: string) => new Map(csvObjects(readFileSync(join(t.dir, file), 'utf8')).map((c) => [Number(c.row_number), c.cluster_id!]));
    const n = rows.length;
    expect(clusterOf('c1.csv').get(n + 1)).not.toBe(clusterOf('c1.csv').get(n + 2));
    expect(clusterOf('c2.csv').get(n + 1)).toBe(clusterOf('c2.csv').get(n + 2));
  });

  it('link: the line counts the links left out; ignore gives them back', async () => {
    const split = await cli(['link', 'left.csv', 'right.csv', '-o', 'l1.csv'], t.dir);
    const ignore = await cli(['link', 'left.csv', 'right.csv', '-o', 'l2.csv', '--id-conflicts', 'ignore', '--linkage', 'single'], t.dir);
    expect([split.code, ignore.code]).toEqual([0, 0]);
    const links = (file: string) => csvObjects(readFileSync(join(t.dir, file), 'utf8')).map((l) => `${l.left_row}:${l.right_row}`);
    const withSplit = links('l1.csv');
    const withIgnore = links('l2.csv');
    expect(keptApart(split)).toBeGreaterThan(0);
    expect(keptApart(split)).toBe(withIgnore.length - withSplit.length);
    for (const l of withSplit) expect(withIgnore).toContain(l);
    expect(ignore.stderr).not.toContain('kept apart');
  });

  it('rejects any other value as a usage error', async () => {
    const bad = await cli(['dedupe', 'people.csv', '--id-conflicts', 'merge'], t.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--id-conflicts: expected split or ignore');
    for (const command of ['dedupe', 'link']) {
      const badLinkage = await cli(command === 'dedupe' ? ['dedupe', 'people.csv', '--linkage', 'complete'] : ['link', 'left.csv', 'right.csv', '--linkage', 'complete'], t.dir);
      expect(badLinkage.code).toBe(2);
      expect(badLinkage.stderr).toContain('--linkage: expected average or single');
    }
  });

  it('--linkage: average (default) keeps apart namesakes that single chains, and says so', async () => {
    // 5,000 synthetic people without an ID column: this seed holds namesakes one pair chains.
    const q = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const people = [...generatePopulation({ size: 5000, seed: 5 })];
    writeFileSync(join(t.dir, 'namesakes.csv'), ['ho_ten,ngay_sinh,gioi_tinh,tinh', ...people.map((r) => [r.fullName, r.dob, r.sex, r.province].map(q).join(','))].join('\n') + '\n');
    const average = await cli(['dedupe', 'namesakes.csv', '-o', 'n1.csv', '--pairs', 'np1.csv'], t.dir);
    const single = await cli(['dedupe', 'namesakes.csv', '-o', 'n2.csv', '--linkage', 'single'], t.dir);
    expect([average.code, single.code]).toEqual([0, 0]);
    const cluster = new Map(csvObjects(readFileSync(join(t.dir, 'n1.csv'), 'utf8')).map((c) => [c.row_number!, c.cluster_id!]));
    const apart = csvObjects(readFileSync(join(t.dir, 'np1.csv'), 'utf8')).filter((p) => cluster.get(p.left_row!) !== cluster.get(p.right_row!)).length;
    expect(apart).toBeGreaterThan(0);
    expect(keptApart(average)).toBe(apart);
    expect(average.stderr).not.toContain('national IDs'); // no ID column: not a reason this run could have
    expect(single.stderr).not.toContain('kept apart');
    const clustersOf = (file: string) => new Set(csvObjects(readFileSync(join(t.dir, file), 'utf8')).map((c) => c.cluster_id)).size;
    expect(clustersOf('n1.csv')).toBeGreaterThan(clustersOf('n2.csv'));
  });
});
