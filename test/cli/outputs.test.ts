/**
 * A run's output files replace the previous ones together, once the run has succeeded
 * (src/cli/outputs.ts StagedOutputs): a run that fails after writing some of them — here on its
 * last output, written to /dev/full (ENOSPC) — leaves every previous output as it was and no
 * temporary file (F51).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir, writePeopleCsv } from './cli-helpers.js';
import { defaultRejectedPath } from '../../src/cli/outputs.js';

const t = tempDir();
afterAll(() => t.remove());
const MAP = ['--map', 'id=so_cccd,name=ho_ten,dob=ngay_sinh,sex=gioi_tinh'];
const FULL = '/dev/full';

/** A fresh directory holding the inputs and, for each name in `previous`, an earlier run's file. */
function runDirectory(name: string, previous: readonly string[]): string {
  const dir = join(t.dir, name);
  mkdirSync(dir);
  writePeopleCsv(dir, 'people.csv', 200, 5); // holds rows the reader rejects
  writePeopleCsv(dir, 'people-copy.csv', 200, 5);
  for (const f of previous) writeFileSync(join(dir, f), `previous ${f}\n`);
  return dir;
}

/** The earlier run's files are as they were, and nothing else is in the directory but the inputs. */
function expectPrevious(dir: string, previous: readonly string[], extra: readonly string[] = []): void {
  for (const f of previous) expect(readFileSync(join(dir, f), 'utf8'), f).toBe(`previous ${f}\n`);
  expect(readdirSync(dir).sort()).toEqual([...previous, ...extra, 'people-copy.csv', 'people.csv'].sort());
}

beforeAll(() => {
  mkdirSync(t.dir, { recursive: true });
});

describe.skipIf(!existsSync(FULL))('a run failing on its last output leaves the previous outputs (F51)', () => {
  it('dedupe: clusters, pairs, model and rejected rows kept when the report cannot be written (F51; fixed: they were replaced one by one, the report left failed)', async () => {
    const previous = ['c.ndjson', 'p.csv', 'c.ndjson.rejected.csv', 'model.json'];
    const dir = runDirectory('dedupe', previous);
    const r = await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.ndjson', '--pairs', 'p.csv', '--save-model', 'model.json', '--report', FULL, '-q'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write the report \/dev\/full/);
    expectPrevious(dir, previous);
    // The same run with a report it can write replaces them all.
    expect((await cli(['dedupe', 'people.csv', ...MAP, '-o', 'c.ndjson', '--pairs', 'p.csv', '--save-model', 'model.json', '--report', 'r.html', '-q'], dir)).code).toBe(1);
    for (const f of previous) expect(readFileSync(join(dir, f), 'utf8'), f).not.toBe(`previous ${f}\n`);
  });

  it('link: links and model kept when the rejected rows cannot be written (F51)', async () => {
    const previous = ['links.csv', 'model.json'];
    const dir = runDirectory('link', previous);
    const r = await cli(['link', 'people.csv', 'people-copy.csv', ...MAP, '-o', 'links.csv', '--save-model', 'model.json', '--rejected', FULL, '-q'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write the rejected-rows file \/dev\/full/);
    expectPrevious(dir, previous);
  });

  it('authenticate: the verdicts kept when the rejected rows cannot be written (F51)', async () => {
    const dir = runDirectory('authenticate', ['v.csv']);
    expect((await cli(['register', 'build', 'people.csv', ...MAP, '-o', 'reg.khop', '--rejected', 'reg-rejected.csv', '-q'], dir)).code).toBe(1);
    const r = await cli(['authenticate', '--register', 'reg.khop', 'people.csv', '-o', 'v.csv', '--rejected', FULL, '-q'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write the rejected-rows file \/dev\/full/);
    expectPrevious(dir, ['v.csv'], ['reg.khop', 'reg-rejected.csv']);
  });

  it('register build: the previous snapshot kept when the rejected rows cannot be written (F51)', async () => {
    const dir = runDirectory('register', ['reg.khop']);
    const r = await cli(['register', 'build', 'people.csv', ...MAP, '-o', 'reg.khop', '--rejected', FULL, '-q'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot write the rejected-rows file \/dev\/full/);
    expectPrevious(dir, ['reg.khop']);
  });
});

describe('defaultRejectedPath', () => {
  const here = (p: string) => `/work/dir/${p}`;
  it('next to the output; with the output on standard output or a device, after the input in the working directory', () => {
    expect(defaultRejectedPath('/out/c.csv', 'dan_cu.csv', here)).toBe('/out/c.csv.rejected.csv');
    expect(defaultRejectedPath(undefined, 'data/dan_cu.csv', here)).toBe('/work/dir/dan_cu.csv.rejected.csv');
    expect(defaultRejectedPath('/dev/stdout', 'dan_cu.csv', here)).toBe('/work/dir/dan_cu.csv.rejected.csv');
    expect(defaultRejectedPath(undefined, '-', here)).toBe('/work/dir/stdin.rejected.csv');
  });

  it('an input that is a descriptor or device is named stdin or input, never after its number (fixed: 63.rejected.csv for <(…))', () => {
    for (const p of ['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']) expect(defaultRejectedPath(undefined, p, here)).toBe('/work/dir/stdin.rejected.csv');
    for (const p of ['/dev/fd/63', '/proc/self/fd/11', '/dev/tty']) expect(defaultRejectedPath(undefined, p, here)).toBe('/work/dir/input.rejected.csv');
    // A named pipe in a directory keeps its own name.
    expect(defaultRejectedPath(undefined, 'mypipe', here)).toBe('/work/dir/mypipe.rejected.csv');
  });
});
