/**
 * The end-to-end harness's working directory and files: where a run puts them, what it may
 * remove afterwards (only what it generated; a directory only when it created it), and the
 * manifest that lets --reuse check that earlier files have the sizes asked for.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The files the generate stage writes into the directory (and the only ones a run removes). */
export const MANIFEST = 'khop-e2e.json';
export const GENERATED_FILES = ['register.csv', 'people.csv', 'claims.csv', MANIFEST] as const;

/** What the generate stage was asked for, written beside the files so --reuse can check them. */
export interface Manifest {
  records: number;
  claims: number;
  people: boolean;
}

/**
 * The working directory: --dir as given (created when absent), or a fresh one per run under the
 * temporary directory, so concurrent runs never share files. `created` says whether this run made it.
 */
export function workDir(given: string | undefined, records: number): { dir: string; created: boolean } {
  if (given !== undefined) {
    if (existsSync(given)) return { dir: given, created: false };
    mkdirSync(given, { recursive: true });
    return { dir: given, created: true };
  }
  return { dir: mkdtempSync(join(tmpdir(), `khop-e2e-${records}-`)), created: true };
}

/**
 * Remove what this run generated: the files the generate stage wrote (never reused ones, never
 * anything else), and the directory only when this run created it and it is then empty.
 */
export function cleanUp(dir: string, created: boolean, generated: boolean): void {
  if (generated) for (const f of GENERATED_FILES) rmSync(join(dir, f), { force: true });
  if (created) {
    try {
      rmdirSync(dir);
    } catch {
      console.error(`left ${dir} in place: it holds files this run did not write`);
    }
  }
}

/** Data rows of a CSV file with a header line (newlines counted in 1 MiB chunks). */
export function csvRows(path: string): number {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  let last = 10;
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
      last = buf[n - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return Math.max(0, lines + (last === 10 ? 0 : 1) - 1);
}

/**
 * Why the files in `dir` cannot be reused for this run, or null when they can: the manifest an
 * earlier run wrote must name the same sizes; without one (files from an older harness), the
 * register and claims row counts must match.
 */
export function reuseMismatch(dir: string, want: Manifest): string | null {
  const path = join(dir, MANIFEST);
  if (existsSync(path)) {
    let m: Partial<Manifest>;
    try {
      m = JSON.parse(readFileSync(path, 'utf8')) as Partial<Manifest>;
    } catch (e) {
      return `${path} cannot be read as this harness's manifest (${e instanceof Error ? e.message : String(e)}); remove the directory's files and run without --reuse`;
    }
    if (m === null || typeof m !== 'object') return `${path} is not this harness's manifest; remove the directory's files and run without --reuse`;
    if (m.records !== want.records || m.claims !== want.claims) return `the files in ${dir} hold ${m.records} records and ${m.claims} claims, not ${want.records} and ${want.claims}`;
    if (want.people && m.people !== true) return `the files in ${dir} have no people file (generated without a dedupe stage)`;
    return null;
  }
  const reg = csvRows(join(dir, 'register.csv'));
  const cl = csvRows(join(dir, 'claims.csv'));
  if (reg !== want.records || cl !== want.claims) return `the files in ${dir} hold ${reg} register rows and ${cl} claims, not ${want.records} and ${want.claims}`;
  return null;
}

/**
 * Files in `dir` that generation would overwrite but this harness did not write (no manifest
 * beside them): a --dir holding them is refused.
 */
export function foreignFiles(dir: string): string[] {
  if (!existsSync(dir) || existsSync(join(dir, MANIFEST))) return [];
  return GENERATED_FILES.filter((f) => existsSync(join(dir, f)));
}
