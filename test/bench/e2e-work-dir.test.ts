/**
 * The end-to-end harness's working directory (bench/e2e/work-dir.ts): a run removes only the
 * files it generated and a directory only when it created it; the default directory is unique
 * per run; --reuse refuses files of other sizes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanUp, csvRows, foreignFiles, MANIFEST, reuseMismatch, workDir } from '../../bench/e2e/work-dir.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'khop-test-e2e-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});

/** What the generate stage leaves: three CSV files and the manifest. */
function generateInto(dir: string, records: number, claims: number): void {
  writeFileSync(join(dir, 'register.csv'), 'id,name\n' + Array.from({ length: records }, (_, i) => `${i},x`).join('\n') + '\n');
  writeFileSync(join(dir, 'people.csv'), 'id,name\n');
  writeFileSync(join(dir, 'claims.csv'), 'id,name\n' + Array.from({ length: claims }, (_, i) => `${i},y`).join('\n'));
  writeFileSync(join(dir, MANIFEST), JSON.stringify({ records, claims, people: true }));
}

describe('workDir and cleanUp', () => {
  it('never removes a --dir that existed, nor the user files in it', () => {
    const dir = join(root, 'mine');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'the user\'s');
    const w = workDir(dir, 1000);
    expect(w).toEqual({ dir, created: false });
    generateInto(dir, 3, 2);
    cleanUp(w.dir, w.created, true);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
  it('keeps reused files (the run did not generate them)', () => {
    const dir = join(root, 'kept');
    mkdirSync(dir);
    generateInto(dir, 3, 2);
    const w = workDir(dir, 3);
    cleanUp(w.dir, w.created, false);
    expect(readdirSync(dir).sort()).toEqual(['claims.csv', MANIFEST, 'people.csv', 'register.csv'].sort());
  });
  it('removes a --dir it created once emptied of its files', () => {
    const dir = join(root, 'new', 'deeper');
    const w = workDir(dir, 1000);
    expect(w.created).toBe(true);
    generateInto(dir, 3, 2);
    cleanUp(w.dir, w.created, true);
    expect(existsSync(dir)).toBe(false);
  });
  it('leaves a directory it created when something else was put in it', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const dir = join(root, 'new2');
    const w = workDir(dir, 1000);
    generateInto(dir, 3, 2);
    writeFileSync(join(dir, 'other.txt'), '');
    cleanUp(w.dir, w.created, true);
    expect(readdirSync(dir)).toEqual(['other.txt']);
  });
  it('makes a fresh default directory per run', () => {
    const a = workDir(undefined, 2000);
    const b = workDir(undefined, 2000);
    try {
      expect(a.dir).not.toBe(b.dir);
      expect(a.created && b.created).toBe(true);
    } finally {
      cleanUp(a.dir, true, false);
      cleanUp(b.dir, true, false);
    }
    expect(existsSync(a.dir) || existsSync(b.dir)).toBe(false);
  });
});

describe('reuse checks', () => {
  it('accepts files of the sizes asked for', () => {
    generateInto(root, 5, 3);
    expect(reuseMismatch(root, { records: 5, claims: 3, people: true })).toBeNull();
  });
  it('refuses other sizes, named in the reason', () => {
    generateInto(root, 5, 3);
    expect(reuseMismatch(root, { records: 50, claims: 3, people: false })).toMatch(/5 records and 3 claims, not 50 and 3/);
  });
  it('refuses files without people when a dedupe stage needs them', () => {
    generateInto(root, 5, 3);
    writeFileSync(join(root, MANIFEST), JSON.stringify({ records: 5, claims: 3, people: false }));
    expect(reuseMismatch(root, { records: 5, claims: 3, people: true })).toMatch(/no people file/);
  });
  it('counts rows when an older run left no manifest', () => {
    generateInto(root, 5, 3);
    rmSync(join(root, MANIFEST));
    expect(csvRows(join(root, 'register.csv'))).toBe(5);
    expect(csvRows(join(root, 'claims.csv'))).toBe(3);
    expect(reuseMismatch(root, { records: 5, claims: 3, people: false })).toBeNull();
    expect(reuseMismatch(root, { records: 6, claims: 3, people: false })).toMatch(/5 register rows/);
  });
  it('refuses a manifest that is not JSON, or not an object, with a reason instead of a stack trace', () => {
    generateInto(root, 5, 3);
    writeFileSync(join(root, MANIFEST), '{bad');
    expect(reuseMismatch(root, { records: 5, claims: 3, people: false })).toMatch(/cannot be read as this harness's manifest/);
    writeFileSync(join(root, MANIFEST), 'null');
    expect(reuseMismatch(root, { records: 5, claims: 3, people: false })).toMatch(/is not this harness's manifest/);
  });
  it('names files generation would overwrite that the harness did not write', () => {
    writeFileSync(join(root, 'register.csv'), 'theirs');
    expect(foreignFiles(root)).toEqual(['register.csv']);
    writeFileSync(join(root, MANIFEST), '{}');
    expect(foreignFiles(root)).toEqual([]);
  });
});
