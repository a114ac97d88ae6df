// `khop dedupe` / `khop link` print the run's warnings (model-warnings.ts) on stderr — with
// --quiet too — and in the report's summary: a file of names and sexes alone came out with
// every row its own cluster and nothing to say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, leakedValues, tempDir } from './cli-helpers.js';

const tmp = tempDir();
const values: string[] = [];
const WARNING = 'warning: the model matches no two records on their fields alone: two records equal in every compared field (name, sex) would score';

beforeAll(() => {
  const people = [...generatePopulation({ size: 2000, seed: 7, duplicateRate: 0.15 })];
  const weak = ['ho_ten,gioi_tinh'];
  const full = ['so_cccd,ho_ten,ngay_sinh,gioi_tinh'];
  for (const p of people) {
    weak.push(`${p.fullName},${p.sex}`);
    full.push(`${p.id},${p.fullName},${p.dob},${p.sex}`);
    for (const v of [p.fullName.trim(), p.id]) if (v.length >= 6) values.push(v);
  }
  writeFileSync(join(tmp.dir, 'weak.csv'), weak.join('\n') + '\n');
  writeFileSync(join(tmp.dir, 'full.csv'), full.join('\n') + '\n');
  const half = (odd: number) => [weak[0]!, ...weak.slice(1).filter((_, i) => i % 2 === odd)].join('\n') + '\n';
  writeFileSync(join(tmp.dir, 'left.csv'), half(0));
  writeFileSync(join(tmp.dir, 'right.csv'), half(1));
});
afterAll(() => tmp.remove());

describe('khop dedupe / link: the model warning', () => {
  it('names and sexes only: exit 0, and with --quiet stderr holds just the warning (no record value); the report shows it', async () => {
    const r = await cli(['dedupe', 'weak.csv', '-o', 'clusters.csv', '--report', 'report.html', '-q'], tmp.dir);
    expect(r.code).toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(WARNING);
    expect(lines[0]).toContain('or give a model trained on data with duplicates (--model FILE, written by a run with --save-model).');
    expect(leakedValues(r.stderr, values)).toEqual([]);
    const html = readFileSync(join(tmp.dir, 'report.html'), 'utf8');
    expect(html).toContain('the model matches no two records on their fields alone');
  });

  it('the same people with their IDs and dates of birth: no warning', async () => {
    const r = await cli(['dedupe', 'full.csv', '-o', 'clusters-full.csv'], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('matched pairs');
    expect(r.stderr).not.toContain('warning:');
  });

  it('khop link of two halves of the names-and-sexes file: the warning too', async () => {
    const r = await cli(['link', 'left.csv', 'right.csv', '-o', 'links.csv', '-q'], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(WARNING);
    expect(leakedValues(r.stderr, values)).toEqual([]);
  });
});
