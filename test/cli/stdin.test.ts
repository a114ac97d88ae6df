import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { runCli } from '../../src/cli/run.js';
import { standardInput } from '../../src/cli/input.js';
import { join } from 'node:path';
import { generatePopulation } from '../../src/synth/population.js';
import { cli, tempDir, writePeopleCsv, writeRegisterAndClaims } from './cli-helpers.js';

// An input `-` reads standard input: the same rows as the file, so the same outputs — in every
// command that reads one (the bytes arrive in chunks that cut rows, quoted newlines and UTF-8
// sequences anywhere).
const t = tempDir();
const file = (name: string) => readFileSync(join(t.dir, name));
const text = (name: string) => readFileSync(join(t.dir, name), 'utf8');

beforeAll(() => {
  writePeopleCsv(t.dir, 'dan_cu.csv', 240, 21);
});
afterAll(() => t.remove());

describe('an input of - reads standard input', () => {
  it('dedupe: the same clusters, pairs and rejected rows as from the file; stdin.rejected.csv beside an output on stdout', async () => {
    const a = await cli(['dedupe', 'dan_cu.csv', '-o', 'c-file.csv', '--pairs', 'p-file.csv', '-q'], t.dir);
    const b = await cli(['dedupe', '-', '-o', 'c-stdin.csv', '--pairs', 'p-stdin.csv', '-q'], t.dir, file('dan_cu.csv'), 777);
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([1, 1]);
    expect(text('c-stdin.csv')).toBe(text('c-file.csv'));
    expect(text('p-stdin.csv')).toBe(text('p-file.csv'));
    expect(text('c-stdin.csv.rejected.csv')).toBe(text('c-file.csv.rejected.csv'));
    const c = await cli(['dedupe', '-', '-o', '-'], t.dir, file('dan_cu.csv'), 4096);
    expect(c.stdout).toBe(text('c-file.csv'));
    expect(c.stderr).toContain('stdin.rejected.csv');
    expect(text('stdin.rejected.csv')).toBe(text('c-file.csv.rejected.csv'));
    expect(c.stderr).toMatch(/dedupe stdin:/);
  });

  it('NDJSON on standard input is read as NDJSON (the format from the content)', async () => {
    const rows = [...generatePopulation({ size: 120, seed: 4, duplicateRate: 0.2 })].map((p) => ({ so_cccd: p.id, ho_ten: p.fullName, ngay_sinh: p.dob }));
    const nd = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    writeFileSync(join(t.dir, 'people.ndjson'), nd);
    const a = await cli(['dedupe', 'people.ndjson', '-o', 'nd-file.csv', '-q'], t.dir);
    const b = await cli(['dedupe', '-', '-o', 'nd-stdin.csv', '-q'], t.dir, nd, 100);
    expect([a.code, b.code, b.stderr]).toEqual([0, 0, '']);
    expect(text('nd-stdin.csv')).toBe(text('nd-file.csv'));
    // The same NDJSON in UTF-16 (LE, with its byte-order mark) is NDJSON too.
    const u16 = Buffer.from('\ufeff' + nd, 'utf16le');
    const c = await cli(['dedupe', '-', '-o', 'nd-u16.csv', '-q'], t.dir, u16, 333);
    expect([c.code, c.stderr]).toEqual([0, '']);
    expect(text('nd-u16.csv')).toBe(text('nd-file.csv'));
  });

  it('NDJSON with lone CR (old Mac OS) line ends, from a file or standard input: exit 2 saying so (F24b; fixed: "has no columns")', async () => {
    const lines = ['{"so_cccd":"001090012345","ho_ten":"Nguyễn Văn An","ngay_sinh":"1990-01-05"}', '{"so_cccd":"001090012346","ho_ten":"Lê Thị Bình","ngay_sinh":"1991-02-06"}'];
    writeFileSync(join(t.dir, 'mac.ndjson'), lines.join('\r') + '\r');
    const expected = "khop: error: NDJSON input uses lone CR (\\r) line ends (old Mac OS): NDJSON lines must end with LF or CRLF; convert them, e.g. with `tr '\\r' '\\n'`\n";
    for (const r of [
      await cli(['dedupe', 'mac.ndjson', '-o', 'mac-out.csv'], t.dir),
      await cli(['dedupe', '-', '-o', 'mac-out.csv'], t.dir, file('mac.ndjson'), 30),
      await cli(['register', 'build', '-', '-o', 'mac.khop'], t.dir, file('mac.ndjson')),
    ]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(expected);
    }
  });

  it('a directory redirected as standard input (`khop dedupe - < dir`) is refused as one, in every command (F28b; fixed: "stdin has no columns")', async () => {
    mkdirSync(join(t.dir, 'somedir'), { recursive: true });
    await cli(['register', 'build', 'dan_cu.csv', '-o', 'stdin-dir.khop', '-q'], t.dir);
    const run = async (argv: string[], path: string): Promise<{ code: number; stderr: string }> => {
      const fd = openSync(path, 'r'); // a directory opens read-only on Linux and macOS, as a shell's `<` does
      let stderr = '';
      try {
        const code = await runCli(argv, { stdout: { write: () => undefined }, stderr: { write: (s: string) => void (stderr += s) }, cwd: t.dir, stdin: standardInput(fd, createReadStream('', { fd, autoClose: false })) });
        return { code, stderr };
      } finally {
        closeSync(fd);
      }
    };
    for (const argv of [
      ['dedupe', '-', '-o', 'o.csv'],
      ['link', '-', 'dan_cu.csv', '-o', 'o.csv'],
      ['link', 'dan_cu.csv', '-', '-o', 'o.csv'],
      ['analyze-blocking', '-'],
      ['register', 'build', '-', '-o', 'r.khop'],
      ['authenticate', '--register', 'stdin-dir.khop', '-', '-o', 'v.csv'],
    ]) {
      const r = await run(argv, join(t.dir, 'somedir'));
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr, argv.join(' ')).toBe('khop: error: input -: standard input is a directory, not a file (EISDIR): redirect a file (< file.csv)\n');
    }
    // a file redirected the same way is read
    const ok = await run(['dedupe', '-', '-o', 'o-stdin-fd.csv', '-q'], join(t.dir, 'dan_cu.csv'));
    expect(ok.code).toBe(1); // dan_cu.csv has rows to reject
    expect(text('o-stdin-fd.csv').split('\n').length).toBeGreaterThan(200);
  });

  it('register build and authenticate: a register built from standard input gives the verdicts of one built from the file, for claims from standard input', async () => {
    const { claims } = writeRegisterAndClaims(t.dir);
    expect((await cli(['register', 'build', 'reg.csv', '-o', 'file.khop', '-q'], t.dir)).code).toBe(0);
    const built = await cli(['register', 'build', '-', '-o', 'stdin.khop', '-q', '--threads', '2'], t.dir, file('reg.csv'), 513);
    expect([built.code, built.stderr]).toEqual([0, '']);
    const a = await cli(['authenticate', '--register', 'file.khop', 'claims.csv', '-o', 'v-file.csv', '-q'], t.dir);
    const b = await cli(['authenticate', '--register', 'stdin.khop', '-', '-o', 'v-stdin.csv', '-q'], t.dir, file('claims.csv'), 300);
    expect([a.code, b.code, b.stderr]).toEqual([0, 0, '']);
    expect(text('v-stdin.csv')).toBe(text('v-file.csv'));
    expect(text('v-file.csv').split('\n').length).toBe(claims + 2);
  });

  it('link: either side may be standard input, not both', async () => {
    const a = await cli(['link', 'dan_cu.csv', 'dan_cu.csv', '-o', 'l-file.csv', '-q', '--rejected', 'l-file.rej.csv'], t.dir);
    const b = await cli(['link', 'dan_cu.csv', '-', '-o', 'l-stdin.csv', '-q', '--rejected', 'l-stdin.rej.csv'], t.dir, file('dan_cu.csv'));
    expect([a.code, b.code, b.stderr]).toEqual([1, 1, '']);
    expect(text('l-stdin.csv')).toBe(text('l-file.csv'));
    const empty = await cli(['link', 'dan_cu.csv', '-', '-o', 'l-empty.csv'], t.dir, '');
    expect([empty.code, empty.stderr.split('\n').filter((l) => l.startsWith('khop: error'))]).toEqual([2, ['khop: error: stdin has no columns (an empty file?)']]);
    const both = await cli(['link', '-', '-', '-o', 'l-both.csv'], t.dir, file('dan_cu.csv'));
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('khop: error: input -: standard input is read once; give only one input as -\n');
    expect(existsSync(join(t.dir, 'l-both.csv'))).toBe(false);
  });

  it('notes that a guessed record-id column from standard input was not checked for ID numbers', async () => {
    const people = [...generatePopulation({ size: 60, seed: 9, duplicateRate: 0 })];
    const csv = ['id,ho_ten,ngay_sinh', ...people.map((p) => [p.id, `"${p.fullName}"`, p.dob].join(','))].join('\n') + '\n';
    const r = await cli(['dedupe', '-', '-o', 'note.csv'], t.dir, csv);
    expect(r.stderr).toContain('  id                 → record id (recognised; override with --id-field)\n  note: stdin is not read twice, so the values of "id" were not checked: if it holds ID numbers, give --map id=id,… (or the file\'s name instead of -)\n');
  });

  it('refuses Parquet on standard input, and - where no standard input is given', async () => {
    const parquet = await cli(['dedupe', '-', '-o', 'x.csv'], t.dir, new Uint8Array([0x50, 0x41, 0x52, 0x31, 0, 0, 0, 0]));
    expect(parquet.code).toBe(2);
    expect(parquet.stderr).toBe('khop: error: input -: Parquet cannot be read from standard input (it is read by random access); give the file\n');
    const none = await cli(['analyze-blocking', '-'], t.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('khop: error: input -: standard input is not available here; give a file\n');
  });
});
