/**
 * Output files checked before any work (src/cli/output-paths.ts): an output that is one of the
 * inputs (by any path: a symlink too) or another output, a directory, or in a directory that
 * does not exist is a usage error (exit 2) and nothing is written; a snapshot written through a
 * symlink replaces the link's target, not the link (src/io/snapshot.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstatSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, writePeopleCsv } from './cli-helpers.js';

let t: ReturnType<typeof tempDir>;
let csvBefore: Buffer;
beforeAll(() => {
  t = tempDir();
  writePeopleCsv(t.dir, 'dan_cu.csv', 120, 3);
  symlinkSync(join(t.dir, 'dan_cu.csv'), join(t.dir, 'alias.csv'));
  csvBefore = readFileSync(join(t.dir, 'dan_cu.csv'));
});
afterAll(() => t.remove());

describe('output paths', () => {
  const refused: Array<[string, string[], RegExp]> = [
    ['register build -o the input', ['register', 'build', 'dan_cu.csv', '-o', 'dan_cu.csv'], /-out dan_cu\.csv is the input file dan_cu\.csv/],
    ['dedupe -o a symlink to the input', ['dedupe', 'dan_cu.csv', '-o', 'alias.csv'], /--out alias\.csv is the input file dan_cu\.csv/],
    ['dedupe --rejected the input by another spelling', ['dedupe', 'dan_cu.csv', '-o', 'out.csv', '--rejected', './sub/../dan_cu.csv'], /--rejected .* is the input file/],
    ['dedupe -o and --pairs one file', ['dedupe', 'dan_cu.csv', '-o', 'same.csv', '--pairs', 'same.csv'], /--pairs and --out name the same file/],
    ['an output that is a directory', ['dedupe', 'dan_cu.csv', '-o', '.'], /is a directory/],
    ['an output in a missing directory', ['dedupe', 'dan_cu.csv', '--report', 'nowhere/report.html', '-o', 'out.csv'], /the directory .*nowhere does not exist/],
  ];
  for (const [name, argv, message] of refused) {
    it(`refuses ${name} (exit 2, the input untouched)`, async () => {
      const r = await cli(argv, t.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(readFileSync(join(t.dir, 'dan_cu.csv')).equals(csvBefore)).toBe(true);
    });
  }

  it('register build -o through a symlink writes the target and keeps the link', async () => {
    const first = await cli(['register', 'build', 'dan_cu.csv', '-o', 'reg.khop', '-q'], t.dir);
    expect(first.code).toBeLessThanOrEqual(1);
    symlinkSync(join(t.dir, 'reg.khop'), join(t.dir, 'reg-link.khop'));
    const before = statSync(join(t.dir, 'reg.khop')).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    const again = await cli(['register', 'build', 'dan_cu.csv', '-o', 'reg-link.khop', '-q'], t.dir);
    expect(again.code).toBeLessThanOrEqual(1);
    expect(lstatSync(join(t.dir, 'reg-link.khop')).isSymbolicLink()).toBe(true);
    expect(statSync(join(t.dir, 'reg.khop')).mtimeMs).toBeGreaterThan(before);
  });
});
